/**
 * Where backup archives live, behind one interface: a local directory by default (atomic
 * writes: temp file, fsync, rename; owner-only files). An S3-compatible store implements the
 * same interface for deployments that outgrow one machine.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Archive storage. Keys are simple names: letters, digits, '.', '_' and '-', not starting with '.'. */
export interface BackupStorage {
  /** Where, for messages (e.g. dir:/var/lib/fleetgraph/backups). */
  readonly location: string;
  put(key: string, bytes: Buffer): Promise<void>;
  /** The bytes, or undefined when there is no such key. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes the key; no error when there is none. */
  delete(key: string): Promise<void>;
  /** Every key stored, sorted (what an operator or a consistency check compares with the catalogue). */
  list(): Promise<string[]>;
  /** Releases connections; the storage is not used afterwards. */
  close(): Promise<void>;
}

// No separators, so no key escapes the directory or prefix; no leading '.', which temp files use.
const KEY_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** True for a name that is a storage key (and not, e.g., the temp file of an unfinished write). */
export function isStorageKey(name: string): boolean {
  return KEY_PATTERN.test(name);
}

/** Throws unless key is a storage key. */
export function checkKey(key: string): void {
  if (!isStorageKey(key)) {
    throw new Error(
      `invalid storage key ${JSON.stringify(key)}; expected letters, digits, '.', '_' and '-', not starting with '.'`,
    );
  }
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

  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      // No backup written yet: the directory is made by the first put.
      if ((e as { code?: string }).code === 'ENOENT') return [];
      throw e;
    }
    return names.filter(isStorageKey).sort();
  }

  async close(): Promise<void> {
    // Nothing held open between calls.
  }
}
