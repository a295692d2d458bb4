/**
 * An S3 protocol server for tests: @20minutes/s3rver in-process on a free loopback port, over
 * a temp directory, with one bucket. The AWS credential chain is pointed at its key pair
 * through the environment (as an operator would), and a raw S3 client is at hand to look at
 * or tamper with stored objects behind the gateway's back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from '@20minutes/s3rver';

/** A running S3 server. */
export interface TestS3 {
  /** e.g. http://127.0.0.1:40123 */
  endpoint: string;
  bucket: string;
  region: string;
  /** The s3:// storage URL of a prefix of the bucket, with endpoint, region and path style. */
  storageUrl(prefix?: string): string;
  /** A plain client on the server, for reading and tampering with objects directly. */
  client: S3Client;
  /** The stored bytes of an object key (prefix included). */
  getObject(key: string): Promise<Buffer>;
  /** Overwrites an object key (prefix included) with bytes. */
  putObject(key: string, bytes: Buffer): Promise<void>;
  /** Removes an object key (prefix included). */
  deleteObject(key: string): Promise<void>;
  dispose(): Promise<void>;
}

/** s3rver's built-in key pair. */
const ACCESS_KEY = 'S3RVER';
const ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: ACCESS_KEY,
  AWS_SECRET_ACCESS_KEY: ACCESS_KEY,
  // The SDK warns once per process that its 2027 releases need Node 22; the tests run on 20.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Starts s3rver with bucket `bucket`; dispose() stops it, restores the environment and removes its files. */
export async function startTestS3(bucket = 'fleetgraph-backups'): Promise<TestS3> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetgraph-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
    // s3rver 4.0 signs bucket-level requests (ListObjectsV2) over the path without the
    // trailing slash that SDK v3 sends in path style, so their signatures never match. The
    // access key is still checked (an unknown one gets InvalidAccessKeyId).
    allowMismatchedSignatures: true,
  });
  let address;
  try {
    address = await server.run();
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
  Object.assign(process.env, ENV);
  const endpoint = `http://127.0.0.1:${address.port}`;
  const region = 'us-east-1';
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    bucket,
    region,
    client,
    storageUrl(prefix = '') {
      const q = new URLSearchParams({ endpoint, region, forcePathStyle: 'true' });
      return `s3://${bucket}/${prefix}?${q.toString()}`;
    },
    async getObject(key) {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from((await res.Body?.transformToByteArray()) ?? []);
    },
    async putObject(key, bytes) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    },
    async deleteObject(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async dispose() {
      client.destroy();
      try {
        await server.close();
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
