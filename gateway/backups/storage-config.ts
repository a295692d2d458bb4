/**
 * The backup storage URL (`--backup-storage`, FLEETGRAPH_BACKUP_STORAGE), parsed once at
 * start-up into a typed spec, and the storage it names:
 *
 * - `dir:PATH` or a plain path: a local directory (DirectoryStorage).
 * - `s3://BUCKET/PREFIX?endpoint=URL&region=REGION&forcePathStyle=true`: an S3-compatible
 *   object store (S3Storage), with credentials from the standard AWS chain (environment,
 *   shared files, instance role), never from the URL.
 */
import { resolve } from 'node:path';
import { unreachable } from '../vocabulary.js';
import { DirectoryStorage, type BackupStorage } from './storage.js';

/** A parsed storage URL. */
export type BackupStorageSpec =
  | { kind: 'dir'; path: string }
  | {
      kind: 's3';
      bucket: string;
      /** Key prefix without leading or trailing '/'; '' for the bucket's root. */
      prefix: string;
      endpoint?: string;
      region?: string;
      forcePathStyle: boolean;
    };

/** What a storage URL may look like, for error messages. */
export const STORAGE_URL_FORMS =
  'dir:PATH, a plain path, or s3://BUCKET[/PREFIX][?endpoint=URL&region=REGION&forcePathStyle=true|false]';

const S3_PARAMETERS = ['endpoint', 'region', 'forcePathStyle'] as const;

/** A storage URL that cannot be used; the message quotes it and says what is expected. */
export class BackupStorageUrlError extends Error {
  constructor(url: string, problem: string) {
    super(`backup storage ${JSON.stringify(url)} is invalid: ${problem}; expected ${STORAGE_URL_FORMS}`);
    this.name = 'BackupStorageUrlError';
  }
}

/** Parses a storage URL; relative directory paths are resolved against the working directory. */
export function parseBackupStorageUrl(url: string): BackupStorageSpec {
  const text = url.trim();
  if (text === '') throw new BackupStorageUrlError(url, 'it is empty');
  if (text.startsWith('dir:')) {
    const path = text.slice('dir:'.length);
    if (path === '') throw new BackupStorageUrlError(url, 'dir: names no directory');
    return { kind: 'dir', path: resolve(path) };
  }
  if (/^s3:/i.test(text)) return parseS3Url(url, text);
  // A scheme (but not a Windows drive letter such as C:\) is a typo or an unsupported store.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(text)?.[1];
  if (scheme !== undefined) {
    throw new BackupStorageUrlError(
      url,
      `the scheme ${scheme}: is not supported (for a directory whose name contains ':', write dir:PATH)`,
    );
  }
  return { kind: 'dir', path: resolve(text) };
}

function parseS3Url(url: string, text: string): BackupStorageSpec {
  if (!text.startsWith('s3://')) throw new BackupStorageUrlError(url, 'an S3 URL starts with s3://');
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new BackupStorageUrlError(url, 'it is not a URL');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new BackupStorageUrlError(
      url,
      'credentials do not go in the URL; set them as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, an AWS profile, or an instance role',
    );
  }
  if (parsed.port !== '') {
    throw new BackupStorageUrlError(
      url,
      'an S3 URL names a bucket, not a host; give the server as ?endpoint=URL',
    );
  }
  const bucket = parsed.hostname;
  // S3's bucket naming rules, which S3-compatible servers share.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
    throw new BackupStorageUrlError(
      url,
      `the bucket ${JSON.stringify(bucket)} is not a bucket name (3 to 63 lower-case letters, digits, '.' and '-')`,
    );
  }
  let prefix: string;
  try {
    prefix = decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, '');
  } catch {
    throw new BackupStorageUrlError(url, 'the prefix is not valid percent-encoding');
  }
  if (prefix !== '' && prefix.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new BackupStorageUrlError(
      url,
      `the prefix ${JSON.stringify(prefix)} has an empty, '.' or '..' part`,
    );
  }
  if (parsed.hash !== '') throw new BackupStorageUrlError(url, 'it has a #fragment');
  const unknown = [...parsed.searchParams.keys()].filter(
    (k) => !(S3_PARAMETERS as readonly string[]).includes(k),
  );
  if (unknown.length > 0) {
    throw new BackupStorageUrlError(
      url,
      `unknown parameter(s) ${unknown.join(', ')} (known: ${S3_PARAMETERS.join(', ')})`,
    );
  }
  for (const k of S3_PARAMETERS) {
    if (parsed.searchParams.getAll(k).length > 1) throw new BackupStorageUrlError(url, `${k} is given twice`);
  }
  const endpoint = parsed.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined) {
    let e: URL | undefined;
    try {
      e = new URL(endpoint);
    } catch {
      e = undefined;
    }
    if (!e || (e.protocol !== 'http:' && e.protocol !== 'https:') || e.username !== '' || e.password !== '') {
      throw new BackupStorageUrlError(
        url,
        `endpoint ${JSON.stringify(endpoint)} is not an http:// or https:// URL without credentials`,
      );
    }
  }
  const region = parsed.searchParams.get('region') ?? undefined;
  if (region !== undefined && !/^[a-z0-9-]+$/.test(region)) {
    throw new BackupStorageUrlError(
      url,
      `region ${JSON.stringify(region)} is not a region name such as us-east-1`,
    );
  }
  const pathStyle = parsed.searchParams.get('forcePathStyle') ?? 'false';
  if (!['true', 'false', '1', '0'].includes(pathStyle)) {
    throw new BackupStorageUrlError(
      url,
      `forcePathStyle ${JSON.stringify(pathStyle)} is not true, false, 1 or 0`,
    );
  }
  return {
    kind: 's3',
    bucket,
    prefix,
    forcePathStyle: pathStyle === 'true' || pathStyle === '1',
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
  };
}

/**
 * The storage a URL or spec names. S3 storage loads the AWS SDK on first use only (a dynamic
 * import), and fails here when no region can be found.
 */
export async function openBackupStorage(target: string | BackupStorageSpec): Promise<BackupStorage> {
  const spec = typeof target === 'string' ? parseBackupStorageUrl(target) : target;
  switch (spec.kind) {
    case 'dir':
      return new DirectoryStorage(spec.path);
    case 's3': {
      const { S3Storage } = await import('./s3-storage.js');
      const storage = new S3Storage({
        bucket: spec.bucket,
        prefix: spec.prefix,
        forcePathStyle: spec.forcePathStyle,
        ...(spec.endpoint !== undefined ? { endpoint: spec.endpoint } : {}),
        ...(spec.region !== undefined ? { region: spec.region } : {}),
      });
      try {
        await storage.checkRegion();
      } catch (e) {
        await storage.close();
        throw e;
      }
      return storage;
    }
    default:
      return unreachable(spec, 'backup storage kind');
  }
}
