/**
 * The backup archive: one entry per object (server fields stripped), Secret data sealed
 * with the gateway key (AES-256-GCM, bound to the backup and the object), a manifest with
 * each entry's SHA-256 (of what is stored: ciphertext, never plaintext), the cluster's
 * facts, all gzip-compressed. The SHA-256 of the compressed bytes is kept in the catalogue,
 * outside the archive, so verification catches a changed, truncated or swapped archive.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FleetError } from '../errors.js';
import type { SecretBox } from '../secrets.js';
import { ErrorCode } from '../vocabulary.js';
import type { CapturedObject, ServedResource } from './capture.js';

/** The format tag of an archive. */
export const ARCHIVE_FORMAT = 'fleetgraph-backup/1';

/** What the cluster was when it was backed up. */
export interface ClusterFacts {
  kubernetesVersion: string | null;
  distro: string | null;
  architectures: string[];
}

/** One archived object. */
export interface ArchiveEntry extends ServedResource {
  namespace: string;
  name: string;
  uid: string;
  /** The object; a Secret's data and stringData are removed (see sealed). */
  object: Record<string, unknown>;
  /** A Secret's { data, stringData }, sealed with the gateway key. */
  sealed?: string;
  /** SHA-256 of the entry as stored (without this field). */
  sha256: string;
}

/** The archive's content. */
export interface Archive {
  format: string;
  backupId: string;
  cluster: string;
  createdAt: string;
  facts: ClusterFacts;
  entries: ArchiveEntry[];
}

function entryDigest(e: Omit<ArchiveEntry, 'sha256'>): string {
  return createHash('sha256').update(JSON.stringify(e)).digest('hex');
}

function sealContext(backupId: string, e: Pick<ArchiveEntry, 'namespace' | 'name'>): string {
  return `backup:${backupId}:secret:${e.namespace}/${e.name}`;
}

/** Builds the compressed archive; returns its bytes and their SHA-256. */
export function buildArchive(
  meta: { backupId: string; cluster: string; createdAt: string; facts: ClusterFacts },
  objects: readonly CapturedObject[],
  secrets: SecretBox,
): { bytes: Buffer; sha256: string; entries: number } {
  const entries: ArchiveEntry[] = objects.map((o) => {
    let object = o.object;
    let sealed: string | undefined;
    if (o.group === '' && o.resource === 'secrets') {
      const { data, stringData, ...rest } = object as { data?: unknown; stringData?: unknown };
      sealed = secrets.encrypt(
        JSON.stringify({ data: data ?? null, stringData: stringData ?? null }),
        sealContext(meta.backupId, o),
      );
      object = rest;
    }
    const base = {
      group: o.group,
      version: o.version,
      resource: o.resource,
      kind: o.kind,
      namespaced: o.namespaced,
      namespace: o.namespace,
      name: o.name,
      uid: o.uid,
      object,
      ...(sealed !== undefined ? { sealed } : {}),
    };
    return { ...base, sha256: entryDigest(base) };
  });
  const archive: Archive = { format: ARCHIVE_FORMAT, ...meta, entries };
  const bytes = gzipSync(Buffer.from(JSON.stringify(archive), 'utf8'));
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), entries: entries.length };
}

function invalid(message: string, details: Record<string, unknown>): FleetError {
  return new FleetError(ErrorCode.BACKUP_INVALID, message, details);
}

/**
 * Verifies archive bytes against the digest kept in the catalogue and every entry against
 * its own digest; returns the archive, or throws BACKUP_INVALID saying what does not match.
 */
export function openArchive(bytes: Buffer, expectedSha256: string, backupId: string): Archive {
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expectedSha256) {
    throw invalid(
      `backup ${backupId}: the archive's SHA-256 is ${actual}, not the ${expectedSha256} recorded when it was written; it was changed or truncated`,
      { backup: backupId, expected: expectedSha256, actual },
    );
  }
  let archive: Archive;
  try {
    archive = JSON.parse(gunzipSync(bytes).toString('utf8')) as Archive;
  } catch (e) {
    throw invalid(
      `backup ${backupId}: the archive cannot be read (${e instanceof Error ? e.message : String(e)})`,
      {
        backup: backupId,
      },
    );
  }
  if (archive.format !== ARCHIVE_FORMAT || archive.backupId !== backupId || !Array.isArray(archive.entries)) {
    throw invalid(`backup ${backupId}: the archive is not a ${ARCHIVE_FORMAT} archive of this backup`, {
      backup: backupId,
    });
  }
  for (const e of archive.entries) {
    const { sha256, ...rest } = e;
    if (entryDigest(rest) !== sha256) {
      throw invalid(
        `backup ${backupId}: the entry of ${e.kind} ${e.namespace}/${e.name} does not match its digest`,
        {
          backup: backupId,
          object: `${e.kind} ${e.namespace}/${e.name}`,
        },
      );
    }
  }
  return archive;
}

/** The object to apply: a Secret's sealed data opened again. */
export function restorableObject(
  backupId: string,
  e: ArchiveEntry,
  secrets: SecretBox,
): Record<string, unknown> {
  if (e.sealed === undefined) return e.object;
  const { data, stringData } = JSON.parse(secrets.decryptString(e.sealed, sealContext(backupId, e))) as {
    data: unknown;
    stringData: unknown;
  };
  return { ...e.object, ...(data !== null ? { data } : {}), ...(stringData !== null ? { stringData } : {}) };
}
