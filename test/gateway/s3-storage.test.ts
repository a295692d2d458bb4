/**
 * Backup archives in S3-compatible object storage, against a real S3 protocol server
 * (s3rver, in-process, over a temp directory): round trips under a prefix, binary data
 * byte-exact at several sizes, a missing archive read as missing (as from a directory), a
 * server that stores other bytes than were sent caught at put, and the storage URL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Storage } from '../../gateway/backups/s3-storage.js';
import { openBackupStorage, parseBackupStorageUrl } from '../../gateway/backups/storage-config.js';
import { DirectoryStorage, type BackupStorage } from '../../gateway/backups/storage.js';
import { parseServeConfig } from '../../gateway/serve-command.js';
import { startTestS3, type TestS3 } from '../helpers/s3.js';

let s3: TestS3;
const opened: BackupStorage[] = [];

async function s3Storage(prefix: string): Promise<BackupStorage> {
  const storage = await openBackupStorage(s3.storageUrl(prefix));
  opened.push(storage);
  return storage;
}

beforeAll(async () => {
  s3 = await startTestS3();
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await s3?.dispose();
});

describe('S3 storage', () => {
  it('stores, reads, lists and deletes archives under its prefix, apart from other prefixes', async () => {
    const a = await s3Storage('fleet/prod');
    const b = await s3Storage('fleet/staging');
    expect(a).toBeInstanceOf(S3Storage);
    expect(a.location).toBe(`s3://${s3.bucket}/fleet/prod?endpoint=${s3.endpoint}`);
    await a.put('bk-2.json.gz', Buffer.from('second'));
    await a.put('bk-1.json.gz', Buffer.from('first'));
    await b.put('bk-1.json.gz', Buffer.from('staging'));
    expect(await a.list()).toEqual(['bk-1.json.gz', 'bk-2.json.gz']);
    expect(await b.list()).toEqual(['bk-1.json.gz']);
    expect((await a.get('bk-1.json.gz'))?.toString()).toBe('first');
    expect((await b.get('bk-1.json.gz'))?.toString()).toBe('staging');
    // Where it went in the bucket: under the prefix, as sent.
    expect((await s3.getObject('fleet/prod/bk-2.json.gz')).toString()).toBe('second');
    await a.put('bk-1.json.gz', Buffer.from('overwritten'));
    expect((await a.get('bk-1.json.gz'))?.toString()).toBe('overwritten');
    await a.delete('bk-1.json.gz');
    await a.delete('bk-1.json.gz');
    expect(await a.get('bk-1.json.gz')).toBeUndefined();
    expect(await a.list()).toEqual(['bk-2.json.gz']);
    expect(await b.list()).toEqual(['bk-1.json.gz']);
  });

  it('keeps binary data byte-exact at sizes from empty to over 5 MiB', async () => {
    const storage = await s3Storage('sizes');
    for (const size of [0, 1, 8191, 65_537, 1024 * 1024 + 7, 6 * 1024 * 1024 + 1]) {
      const bytes = randomBytes(size);
      const key = `blob-${size}.bin`;
      await storage.put(key, bytes);
      const back = await storage.get(key);
      expect(back?.length, `size ${size}`).toBe(size);
      expect(back?.equals(bytes), `size ${size}`).toBe(true);
      // The object itself, read by a plain client, holds exactly those bytes (no chunk framing).
      expect((await s3.getObject(`sizes/${key}`)).equals(bytes), `stored ${size}`).toBe(true);
    }
  }, 60_000);

  it('reads an archive that is not there as missing, as the directory storage does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetgraph-storage-'));
    try {
      const local = new DirectoryStorage(dir);
      const remote = await s3Storage('missing');
      for (const storage of [local, remote]) {
        expect(await storage.get('bk-none.json.gz'), storage.location).toBeUndefined();
        expect(await storage.list(), storage.location).toEqual([]);
        await storage.delete('bk-none.json.gz');
        await expect(storage.put('../escape', Buffer.from('x'))).rejects.toThrow(/invalid storage key/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails clearly when the bucket does not exist', async () => {
    const storage = await openBackupStorage(
      `s3://no-such-bucket/x?endpoint=${s3.endpoint}&region=us-east-1&forcePathStyle=true`,
    );
    opened.push(storage);
    await expect(storage.put('bk-1.json.gz', Buffer.from('x'))).rejects.toThrow(
      /^backup storage s3:\/\/no-such-bucket\/x\?endpoint=.*: put of bk-1\.json\.gz failed: NoSuchBucket/,
    );
  });

  it('fails a put whose stored object is not the size written', async () => {
    // A proxy that cuts the last byte off every upload, as a broken middlebox would.
    const target = new URL(s3.endpoint);
    const proxy: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        const headers = { ...req.headers };
        if (req.method === 'PUT' && body.length > 0) {
          body = body.subarray(0, body.length - 1);
          headers['content-length'] = String(body.length);
        }
        const up = request(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
          (upRes) => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          },
        );
        up.on('error', (e) => res.destroy(e));
        up.end(body);
      });
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    const address = proxy.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const storage = await openBackupStorage(
      `s3://${s3.bucket}/cut?endpoint=http://127.0.0.1:${port}&region=us-east-1&forcePathStyle=true`,
    );
    try {
      await expect(storage.put('bk-1.json.gz', Buffer.from('0123456789'))).rejects.toThrow(
        /object bk-1\.json\.gz holds 9 bytes after writing 10; the server stored something other than the bytes sent/,
      );
    } finally {
      await storage.close();
      await new Promise((done) => proxy.close(done));
    }
  });
});

describe('the backup storage URL', () => {
  it('reads directories, plain paths and S3 URLs', () => {
    expect(parseBackupStorageUrl('dir:/var/lib/fleetgraph/backups')).toEqual({
      kind: 'dir',
      path: '/var/lib/fleetgraph/backups',
    });
    expect(parseBackupStorageUrl('backups')).toEqual({ kind: 'dir', path: resolve('backups') });
    expect(parseBackupStorageUrl('dir:a:b')).toEqual({ kind: 'dir', path: resolve('a:b') });
    expect(
      parseBackupStorageUrl(
        's3://fleet-backups/edge/prod/?endpoint=http://minio:9000&region=eu-west-1&forcePathStyle=true',
      ),
    ).toEqual({
      kind: 's3',
      bucket: 'fleet-backups',
      prefix: 'edge/prod',
      endpoint: 'http://minio:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
    });
    expect(parseBackupStorageUrl('s3://fleet-backups')).toEqual({
      kind: 's3',
      bucket: 'fleet-backups',
      prefix: '',
      forcePathStyle: false,
    });
  });

  it('refuses bad URLs, saying what was given and what is expected', () => {
    const bad: [string, RegExp][] = [
      ['', /is empty/],
      ['dir:', /names no directory/],
      ['s3:fleet', /starts with s3:\/\//],
      ['s3://', /"" is not a bucket name/],
      ['s3://Fleet_Backups/x', /"Fleet_Backups" is not a bucket name/],
      ['s3://key:secret@fleet-backups/x', /credentials do not go in the URL/],
      ['s3://fleet-backups:9000/x', /give the server as \?endpoint=URL/],
      ['s3://fleet-backups/a//b', /has an empty, '\.' or '\.\.' part/],
      [
        's3://fleet-backups/x?endpoint=minio:9000',
        /endpoint "minio:9000" is not an http:\/\/ or https:\/\/ URL/,
      ],
      ['s3://fleet-backups/x?region=EU West', /region "EU West" is not a region name/],
      ['s3://fleet-backups/x?forcePathStyle=yes', /forcePathStyle "yes" is not true, false, 1 or 0/],
      [
        's3://fleet-backups/x?bucket=y',
        /unknown parameter\(s\) bucket \(known: endpoint, region, forcePathStyle\)/,
      ],
      ['s3://fleet-backups/x?region=a&region=b', /region is given twice/],
      ['gs://fleet-backups/x', /the scheme gs: is not supported/],
    ];
    for (const [url, problem] of bad) {
      expect(() => parseBackupStorageUrl(url), url).toThrow(problem);
      expect(() => parseBackupStorageUrl(url), url).toThrow(
        `backup storage ${JSON.stringify(url)} is invalid: `,
      );
      expect(() => parseBackupStorageUrl(url), url).toThrow(
        /expected dir:PATH, a plain path, or s3:\/\/BUCKET/,
      );
    }
  });

  it('is read from --backup-storage first, then FLEETGRAPH_BACKUP_STORAGE, and checked at start-up', () => {
    expect(parseServeConfig([], {})).not.toHaveProperty('backupStorage');
    expect(
      parseServeConfig(['--backup-storage', 's3://from-flag/x'], { FLEETGRAPH_BACKUP_STORAGE: 'dir:/env' }),
    ).toMatchObject({ backupStorage: 's3://from-flag/x' });
    expect(parseServeConfig([], { FLEETGRAPH_BACKUP_STORAGE: 'dir:/env' })).toMatchObject({
      backupStorage: 'dir:/env',
    });
    expect(() => parseServeConfig(['--backup-storage', 's3://x'], {})).toThrow(
      /backup storage "s3:\/\/x" is invalid: the bucket "x" is not a bucket name/,
    );
  });

  it('fails at start-up when an S3 URL leaves the region unknown', async () => {
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    const configFile = process.env.AWS_CONFIG_FILE;
    process.env.AWS_CONFIG_FILE = join(tmpdir(), 'fleetgraph-no-such-aws-config');
    try {
      await expect(openBackupStorage(`s3://${s3.bucket}/x?endpoint=${s3.endpoint}`)).rejects.toThrow(
        /no S3 region; add \?region=\.\.\. to the storage URL or set AWS_REGION/,
      );
    } finally {
      for (const [k, v] of Object.entries({ ...saved, AWS_CONFIG_FILE: configFile })) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
