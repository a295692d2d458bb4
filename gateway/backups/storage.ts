/**
 * Where backup archives live, behind one interface: a local directory by default (atomic
 * writes: temp file, fsync, rename; owner-only files). An S3-compatible store implements the
 * same interface for deployments that outgrow one machine.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Archive storage. Keys are simple names ([A-Za-z0-9._-]). */
export interface BackupStorage {
  /** Where, for messages (e.g. dir:/var/lib/fleetgraph/backups). */
  readonly location: string;
  put(key: string, bytes: Buffer): Promise<void>;
  /** The bytes, or undefined when there is no such key. */
  get(key: string): Promise<Buffer | undefined>;
  delete(key: string): Promise<void>;
}

function checkKey(key: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
}

/** Archives as files in one directory. */
export class DirectoryStorage implements BackupStorage {
  readonly location: string;

  constructor(private readonly dir: string) {
    this.location = `dir:${dir}`;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    checkKey(key);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, `.${key}.${randomBytes(4).toString('hex')}.tmp`);
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(this.dir, key));
    // The rename itself is durable once the directory is synced.
    const dh = await open(this.dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    checkKey(key);
    try {
      return await readFile(join(this.dir, key));
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await rm(join(this.dir, key), { force: true });
  }
}
