/**
 * Backup archives in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, ...), one object
 * per archive under a key prefix. Loaded only when a storage URL names S3 (storage-config.ts),
 * so a gateway on local storage does not load the AWS SDK.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { checkKey, isStorageKey, type BackupStorage } from './storage.js';

/** Where S3Storage keeps archives. */
export interface S3StorageOptions {
  bucket: string;
  /** Key prefix without leading or trailing '/', e.g. 'fleetgraph/prod'; '' for the bucket's root. @default '' */
  prefix?: string;
  /** Endpoint of an S3-compatible service, e.g. http://minio:9000; AWS S3 when absent. */
  endpoint?: string;
  /** Region; from the AWS environment and config files (AWS_REGION, ~/.aws/config) when absent. */
  region?: string;
  /** Buckets in the path (http://host/bucket/key) instead of the host name, as most S3-compatible services need. @default false */
  forcePathStyle?: boolean;
  /** Credentials; the standard AWS credential chain (environment, files, instance role) when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** A failed S3 call, with what was being done where. */
export class S3StorageError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'S3StorageError';
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error)
    return e.name !== 'Error' && !e.message.includes(e.name) ? `${e.name}: ${e.message}` : e.message;
  return String(e);
}

/** Archives as objects in one bucket, under a prefix. */
export class S3Storage implements BackupStorage {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  /** '' or the prefix followed by '/'. */
  private readonly keyPrefix: string;

  constructor(options: S3StorageOptions) {
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.bucket = options.bucket;
    this.keyPrefix = prefix === '' ? '' : `${prefix}/`;
    this.location =
      `s3://${options.bucket}/${prefix}` +
      (options.endpoint !== undefined ? `?endpoint=${options.endpoint}` : '');
    const config: S3ClientConfig = {
      // Recent SDKs otherwise add a CRC32 checksum to every upload, for streamed bodies as an
      // aws-chunked trailer that some S3-compatible servers reject or store verbatim as the
      // object's bytes. The archive carries its own SHA-256, checked on every read, and put()
      // checks the stored size.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      forcePathStyle: options.forcePathStyle ?? false,
      // No answer on a connection for a minute is a dead link, not a slow upload.
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.region !== undefined ? { region: options.region } : {}),
      ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    };
    this.client = new S3Client(config);
  }

  /** Resolves the region now, so a missing one fails at start-up rather than at the first backup. */
  async checkRegion(): Promise<void> {
    try {
      await this.client.config.region();
    } catch (e) {
      throw new S3StorageError(
        `backup storage ${this.location}: no S3 region; add ?region=... to the storage URL or set AWS_REGION (${errorText(e)})`,
        e,
      );
    }
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    checkKey(key);
    const objectKey = this.keyPrefix + key;
    await this.call('put', key, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: 'application/octet-stream',
        }),
      ),
    );
    // A server that stored the request's framing, or a proxy that cut the body, shows here.
    const head = await this.call('check', key, () =>
      this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey })),
    );
    if (head.ContentLength !== bytes.length) {
      throw new S3StorageError(
        `backup storage ${this.location}: object ${key} holds ${String(head.ContentLength)} bytes after writing ${bytes.length}; ` +
          'the server stored something other than the bytes sent',
        undefined,
      );
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    checkKey(key);
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.keyPrefix + key }),
      );
      if (!res.Body) return Buffer.alloc(0);
      const bytes = await res.Body.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (e) {
      if (e instanceof NoSuchKey || e instanceof NotFound) return undefined;
      throw this.failure('get', key, e);
    }
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    // DeleteObject succeeds for a missing key, as DirectoryStorage's delete does.
    await this.call('delete', key, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyPrefix + key })),
    );
  }

  async list(): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('list', '', () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            ...(this.keyPrefix !== '' ? { Prefix: this.keyPrefix } : {}),
            Delimiter: '/',
            ...(token !== undefined ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const o of page.Contents ?? []) {
        const name = (o.Key ?? '').slice(this.keyPrefix.length);
        if (isStorageKey(name)) keys.push(name);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async call<T>(what: string, key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.failure(what, key, e);
    }
  }

  private failure(what: string, key: string, e: unknown): S3StorageError {
    const target = key === '' ? '' : ` of ${key}`;
    return new S3StorageError(`backup storage ${this.location}: ${what}${target} failed: ${errorText(e)}`, e);
  }
}
