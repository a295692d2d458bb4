/**
 * Backups and restores as a service without GraphQL. createBackup captures a cluster's API
 * state in the background into an archive (archive.ts) in the storage (storage.ts), with
 * the archive's digest in the catalogue; verifyBackup checks it; restoreBackup applies it,
 * in order, to the same or another cluster (the rebuilt edge node), with server-side apply.
 * Every mutation is audited.
 */
import { randomBytes } from 'node:crypto';
import { auditedMutation } from '../audit.js';
import { isClusterRequestError } from '../clusters/cluster-errors.js';
import type { KubeClient } from '../clusters/kube-client.js';
import { notFound, validationFailed } from '../errors.js';
import { diffPaths } from '../rollouts/deployment-writes.js';
import type { FleetEvents, SubscribeOptions } from '../events/fleet-events.js';
import type { BackupEventData, Delivered } from '../events/types.js';
import type { SecretBox } from '../secrets.js';
import type { FleetConnections } from '../service/fleet-connections.js';
import type { CatalogueDocument, FleetStore, JsonValue } from '../store/types.js';
import {
  buildArchive,
  openArchive,
  restorableObject,
  type ArchiveEntry,
  type ClusterFacts,
} from './archive.js';
import {
  captureObjects,
  discoverResources,
  qualifiedResource,
  resourcePath,
  withRetries,
  type CaptureError,
  type CaptureFilter,
} from './capture.js';
import { mapNamespace, restoreGroups, rewriteForRestore } from './restore-plan.js';
import type { BackupStorage } from './storage.js';
import { turnPacer } from './turn-pacer.js';

/** A backup's phase. */
export type BackupPhase = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'PARTIALLY_FAILED' | 'FAILED';

/** A backup as the catalogue keeps it. */
export interface Backup {
  id: string;
  cluster: string;
  actor: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  phase: BackupPhase;
  message: string | null;
  filter: CaptureFilter;
  objectCount: number;
  resourceCounts: { resource: string; count: number }[];
  errors: CaptureError[];
  archive: { key: string; sha256: string; size: number; location: string } | null;
  facts: ClusterFacts | null;
  /** The schedule that made it, if one did. */
  scheduleId: string | null;
}

/** What a restore does with an object that exists on the target. */
export type ConflictPolicy = 'SKIP' | 'UPDATE' | 'FORCE';

/** One object's outcome in a restore (or its plan, in a dry run). */
export interface RestoreResult {
  kind: string;
  namespace: string;
  name: string;
  action: 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'SKIPPED' | 'CONFLICT' | 'FAILED' | 'CREATE' | 'UPDATE';
  changedFields: string[];
  message: string | null;
}

/** A restore. */
export interface Restore {
  id: string;
  backupId: string;
  sourceCluster: string;
  targetCluster: string;
  actor: string;
  createdAt: string;
  updatedAt: string;
  phase: BackupPhase;
  message: string | null;
  dryRun: boolean;
  conflictPolicy: ConflictPolicy;
  namespaceMapping: { from: string; to: string }[];
  includeNamespaces: string[];
  excludeNamespaces: string[];
  results: RestoreResult[];
}

/** What createBackup takes. */
export interface BackupRequest {
  cluster: string;
  filter: Partial<CaptureFilter>;
  scheduleId?: string;
}

/** What restoreBackup takes. */
export interface RestoreRequest {
  backupId: string;
  targetCluster?: string;
  namespaceMapping?: { from: string; to: string }[];
  includeNamespaces?: string[];
  excludeNamespaces?: string[];
  conflictPolicy?: ConflictPolicy;
  dryRun?: boolean;
}

/** Where problems go. */
export interface BackupLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

const CRD = 'customresourcedefinitions.apiextensions.k8s.io';
/**
 * Objects of one restore group in progress at once. The cluster client's limit of requests in
 * flight (`--cluster-max-requests`, default 32) is what bounds the writes; twice as many
 * workers keep it full while results are recorded.
 */
const RESTORE_CONCURRENCY = 64;
/** Objects a restore starts per turn of the event loop (see turn-pacer.ts). */
const RESTORE_WRITES_PER_TURN = 8;
/**
 * A restore's results are saved (its checkpoint, with a progress event) after at least this
 * many objects, and at the end. Each save writes every result so far, so past 500 results a
 * save also waits for a tenth more of them or for CHECKPOINT_MAX_GAP_MS: saving every 50 of
 * 10,000 objects serialised 120 MB, about a fifth of the gateway's CPU in the restore
 * benchmark.
 */
const CHECKPOINT_EVERY = 50;
const CHECKPOINT_MAX_GAP_MS = 1000;

function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Backups and restores. */
export class BackupService {
  private readonly running = new Set<Promise<void>>();
  /**
   * Restores this gateway is running, by id: read from here, a restore shows every result so
   * far (the store has them as of the last checkpoint), and polling it parses no JSON.
   */
  private readonly liveRestores = new Map<string, Restore>();
  private readonly completedListeners = new Set<(b: Backup) => void>();

  constructor(
    private readonly store: FleetStore,
    private readonly connections: FleetConnections,
    private readonly secrets: SecretBox,
    private readonly storage: BackupStorage,
    private readonly logger: BackupLogger,
    private readonly events: FleetEvents,
  ) {}

  /** Starts a backup of one cluster; it runs in the background. */
  async createBackup(req: BackupRequest, actor: string): Promise<Backup> {
    const input = { cluster: req.cluster, ...req.filter };
    return this.audited(actor, 'backup.create', { type: 'cluster', name: req.cluster }, input, async () => {
      const connected = this.connections.get(req.cluster);
      if (!connected) throw notFound('cluster', req.cluster);
      const now = new Date().toISOString();
      const backup: Backup = {
        id: newId('bk'),
        cluster: req.cluster,
        actor,
        createdAt: now,
        updatedAt: now,
        completedAt: null,
        phase: 'PENDING',
        message: null,
        filter: { includeSecrets: true, includeClusterScoped: true, ...req.filter },
        objectCount: 0,
        resourceCounts: [],
        errors: [],
        archive: null,
        facts: null,
        scheduleId: req.scheduleId ?? null,
      };
      await this.saveBackup(backup);
      this.track(this.runBackup(backup, connected.connection.client));
      return backup;
    });
  }

  /** Calls listener after each backup finishes (any phase). */
  onCompleted(listener: (b: Backup) => void): void {
    this.completedListeners.add(listener);
  }

  /** Deletes a backup: its archive and its catalogue entry. */
  async deleteBackup(id: string): Promise<void> {
    const b = await this.backup(id);
    if (!b) return;
    if (b.archive) await this.storage.delete(b.archive.key);
    await this.store.deleteCatalogue('backup', id);
    this.logger.info({ backup: id, cluster: b.cluster }, 'backup deleted');
  }

  /** One backup, or undefined. */
  async backup(id: string): Promise<Backup | undefined> {
    const doc = await this.store.getCatalogue('backup', id);
    return doc ? (doc.body as unknown as Backup) : undefined;
  }

  /** Backups, newest first. */
  async backups(filter: { cluster?: string; phases?: BackupPhase[]; limit: number }): Promise<Backup[]> {
    const docs = await this.store.listCatalogue('backup', filter);
    return docs.map((d) => d.body as unknown as Backup);
  }

  /** One restore, or undefined. */
  async restore(id: string): Promise<Restore | undefined> {
    const live = this.liveRestores.get(id);
    if (live) return snapshot(live);
    const doc = await this.store.getCatalogue('restore', id);
    return doc ? (doc.body as unknown as Restore) : undefined;
  }

  /** Restores, newest first. */
  async restores(filter: { cluster?: string; limit: number }): Promise<Restore[]> {
    const docs = await this.store.listCatalogue('restore', filter);
    return docs.map((d) => {
      const live = this.liveRestores.get(d.id);
      return live ? snapshot(live) : (d.body as unknown as Restore);
    });
  }

  /** Checks a backup's archive against its catalogue digest and every entry's; BACKUP_INVALID otherwise. */
  async verifyBackup(id: string, actor: string): Promise<{ backup: Backup; objects: number }> {
    return this.audited(actor, 'backup.verify', { type: 'backup', id }, { id }, async () => {
      const { backup, archive } = await this.load(id);
      return { backup, objects: archive.entries.length };
    });
  }

  /** Restores a verified backup onto its cluster or another one; runs in the background (a dry run answers at once). */
  async restoreBackup(req: RestoreRequest, actor: string): Promise<Restore> {
    return this.audited(actor, 'backup.restore', { type: 'backup', id: req.backupId }, req, async () => {
      const { backup, archive } = await this.load(req.backupId);
      const target = req.targetCluster ?? backup.cluster;
      const connected = this.connections.get(target);
      if (!connected) throw notFound('cluster', target);
      const mapping = new Map((req.namespaceMapping ?? []).map((m) => [m.from, m.to]));
      for (const to of mapping.values()) {
        if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(to) || to.length > 63) {
          throw validationFailed(
            `namespaceMapping target ${JSON.stringify(to)} is not a valid namespace name`,
            {
              field: 'namespaceMapping',
            },
          );
        }
      }
      const entries = restoreEntries(
        archive.entries,
        req.includeNamespaces ?? [],
        req.excludeNamespaces ?? [],
      );
      const now = new Date().toISOString();
      const restore: Restore = {
        id: newId('rs'),
        backupId: backup.id,
        sourceCluster: backup.cluster,
        targetCluster: target,
        actor,
        createdAt: now,
        updatedAt: now,
        phase: 'RUNNING',
        message: null,
        dryRun: req.dryRun ?? false,
        conflictPolicy: req.conflictPolicy ?? 'SKIP',
        namespaceMapping: [...mapping].map(([from, to]) => ({ from, to })),
        includeNamespaces: req.includeNamespaces ?? [],
        excludeNamespaces: req.excludeNamespaces ?? [],
        results: [],
      };
      await this.saveRestore(restore);
      const run = this.runRestore(restore, entries, mapping, connected.connection.client);
      if (restore.dryRun) await run;
      else this.track(run);
      return restore;
    });
  }

  /**
   * Picks up what a gateway restart interrupted: backups that were running run again;
   * restores go on from their last checkpoint (objects already restored are found on the
   * cluster and not written again).
   */
  async start(): Promise<void> {
    for (const d of await this.store.listCatalogue('backup', { phases: ['PENDING', 'RUNNING'] })) {
      const b = d.body as unknown as Backup;
      const client = this.connections.get(b.cluster)?.connection.client;
      if (!client) {
        b.phase = 'FAILED';
        b.message = 'the cluster is no longer registered';
        await this.saveBackup(b);
        continue;
      }
      this.logger.info({ backup: b.id }, 'running an interrupted backup again');
      this.track(this.runBackup(b, client));
    }
    for (const d of await this.store.listCatalogue('restore', { phases: ['RUNNING'] })) {
      const r = d.body as unknown as Restore;
      try {
        const { archive } = await this.load(r.backupId);
        const client = this.connections.get(r.targetCluster)?.connection.client;
        if (!client) throw notFound('cluster', r.targetCluster);
        const mapping = new Map(r.namespaceMapping.map((m) => [m.from, m.to]));
        this.logger.info({ restore: r.id, done: r.results.length }, 'resuming an interrupted restore');
        this.track(
          this.runRestore(
            r,
            restoreEntries(archive.entries, r.includeNamespaces, r.excludeNamespaces),
            mapping,
            client,
          ),
        );
      } catch (e) {
        r.phase = 'FAILED';
        r.message = `cannot resume: ${e instanceof Error ? e.message : String(e)}`;
        await this.saveRestore(r);
      }
    }
  }

  /** Waits for background work (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private track(p: Promise<void>): void {
    const t = p
      .catch((e: unknown) => this.logger.error({ err: e }, 'a backup task failed'))
      .finally(() => this.running.delete(t));
    this.running.add(t);
  }

  private async load(id: string) {
    const backup = await this.backup(id);
    if (!backup) throw notFound('backup', id);
    if (!backup.archive || (backup.phase !== 'COMPLETED' && backup.phase !== 'PARTIALLY_FAILED')) {
      throw validationFailed(
        `backup ${id} is ${backup.phase}; only a completed backup can be verified or restored`,
        {
          backup: id,
        },
      );
    }
    const bytes = (await this.storage.get(backup.archive.key)) ?? Buffer.alloc(0);
    return { backup, archive: openArchive(bytes, backup.archive.sha256, id) };
  }

  private async runBackup(b: Backup, client: KubeClient): Promise<void> {
    b.phase = 'RUNNING';
    await this.saveBackup(b);
    try {
      const resources = await discoverResources(client);
      const { objects, errors } = await captureObjects(client, resources, b.filter);
      const connection = this.connections.get(b.cluster)?.connection;
      const facts: ClusterFacts = {
        kubernetesVersion: connection?.version?.gitVersion ?? null,
        distro: connection?.distro ?? null,
        architectures: this.connections.index.clusterArchitectures(b.cluster),
      };
      const { bytes, sha256 } = buildArchive(
        { backupId: b.id, cluster: b.cluster, createdAt: b.createdAt, facts },
        objects,
        this.secrets,
      );
      const key = `${b.id}.json.gz`;
      await this.storage.put(key, bytes);
      const counts = new Map<string, number>();
      for (const o of objects) counts.set(qualifiedResource(o), (counts.get(qualifiedResource(o)) ?? 0) + 1);
      Object.assign(b, {
        phase: errors.length > 0 ? 'PARTIALLY_FAILED' : 'COMPLETED',
        message: errors.length > 0 ? `${errors.length} kind(s) could not be listed` : null,
        objectCount: objects.length,
        resourceCounts: [...counts].map(([resource, count]) => ({ resource, count })),
        errors,
        archive: { key, sha256, size: bytes.length, location: this.storage.location },
        facts,
        completedAt: new Date().toISOString(),
      });
    } catch (e) {
      b.phase = 'FAILED';
      b.message = e instanceof Error ? e.message : String(e);
    }
    await this.saveBackup(b);
    this.logger.info(
      { backup: b.id, cluster: b.cluster, phase: b.phase, objects: b.objectCount },
      'backup finished',
    );
    for (const l of this.completedListeners) l(b);
  }

  private async runRestore(
    r: Restore,
    entries: readonly ArchiveEntry[],
    mapping: ReadonlyMap<string, string>,
    client: KubeClient,
  ): Promise<void> {
    /** Old uid → new uid of restored objects, for owner references. */
    const restored = new Map<string, string>();
    const done = new Set(r.results.map((x) => `${x.kind}/${x.namespace}/${x.name}`));
    /** Namespaces this run created (not resumed ones: their objects may exist already). */
    const freshNamespaces = new Set<string>();
    let sinceCheckpoint = 0;
    let lastCheckpoint = Date.now();
    this.liveRestores.set(r.id, r);
    const pace = turnPacer(RESTORE_WRITES_PER_TURN);
    const one = async (e: ArchiveEntry): Promise<void> => {
      const ns = e.namespaced ? mapNamespace(e.namespace, mapping) : '';
      const name = e.group === '' && e.resource === 'namespaces' ? mapNamespace(e.name, mapping) : e.name;
      if (done.has(`${e.kind}/${ns}/${name}`)) {
        // Restored before an interruption: only its new uid is needed (owner references).
        const current = await withRetries(() => client.get(resourcePath(e, ns, name))).catch(() => undefined);
        const uid = uidOf(current);
        if (uid && e.uid) restored.set(e.uid, uid);
        return;
      }
      const object = rewriteForRestore(e, restorableObject(r.backupId, e, this.secrets), mapping, restored);
      const result = await this.restoreOne(r, e, object, mapping, client, freshNamespaces);
      r.results.push(result.result);
      if (
        e.group === '' &&
        e.resource === 'namespaces' &&
        (result.result.action === 'CREATED' || result.result.action === 'CREATE')
      ) {
        freshNamespaces.add(name);
      }
      if (result.uid && e.uid) restored.set(e.uid, result.uid);
      sinceCheckpoint++;
      if (
        sinceCheckpoint >= CHECKPOINT_EVERY &&
        (sinceCheckpoint >= r.results.length / 10 || Date.now() - lastCheckpoint >= CHECKPOINT_MAX_GAP_MS)
      ) {
        sinceCheckpoint = 0;
        lastCheckpoint = Date.now();
        await this.saveRestore(r);
      }
    };
    try {
      // Objects of one group do not depend on each other: several at once (the cluster's
      // client limits requests in flight); groups one after the other.
      for (const group of restoreGroups(entries)) {
        let next = 0;
        const worker = async () => {
          for (let e = group[next++]; e !== undefined; e = group[next++]) {
            await pace();
            await one(e);
          }
        };
        await Promise.all(Array.from({ length: Math.min(RESTORE_CONCURRENCY, group.length) }, worker));
        if (!r.dryRun) {
          for (const e of group) {
            if (qualifiedResource(e) !== CRD) continue;
            const ok = r.results.some((x) => x.kind === e.kind && x.name === e.name && x.action !== 'FAILED');
            if (ok) await waitEstablished(client, e.name);
          }
        }
      }
      const failed = r.results.filter((x) => x.action === 'FAILED' || x.action === 'CONFLICT').length;
      r.phase = failed === 0 ? 'COMPLETED' : failed === r.results.length ? 'FAILED' : 'PARTIALLY_FAILED';
      r.message = failed > 0 ? `${failed} object(s) not restored` : null;
    } catch (e) {
      r.phase = 'FAILED';
      r.message = e instanceof Error ? e.message : String(e);
    }
    try {
      await this.saveRestore(r);
    } finally {
      this.liveRestores.delete(r.id);
    }
  }

  /** Applies (or plans) one object under the conflict policy. */
  private async restoreOne(
    r: Restore,
    e: ArchiveEntry,
    object: Record<string, unknown>,
    mapping: ReadonlyMap<string, string>,
    client: KubeClient,
    freshNamespaces: ReadonlySet<string>,
  ): Promise<{ result: RestoreResult; uid: string | null }> {
    const isNamespace = e.group === '' && e.resource === 'namespaces';
    const name = isNamespace ? mapNamespace(e.name, mapping) : e.name;
    const namespace = e.namespaced ? mapNamespace(e.namespace, mapping) : '';
    const path = resourcePath(e, namespace, name);
    const base = { kind: e.kind, namespace, name };
    // In a namespace this restore created, nothing exists yet: no need to look.
    const current = e.namespaced && freshNamespaces.has(namespace) ? undefined : await lookUp(client, path);
    const apply = (force: boolean, dryRun: boolean) =>
      withRetries(() =>
        client.write('PATCH', path, object, {
          query: { fieldManager: 'fleetgraph', force, ...(dryRun ? { dryRun: 'All' } : {}) },
          contentType: 'application/apply-patch+yaml',
        }),
      );
    try {
      if (current === undefined) {
        if (r.dryRun) {
          // Where its namespace and kind exist, Kubernetes validates the create (dryRun=All);
          // in a namespace or of a kind the plan creates first, it can only be planned.
          const planned = e.namespaced && freshNamespaces.has(namespace);
          if (!planned) {
            try {
              await apply(true, true);
            } catch (err) {
              if (!(isClusterRequestError(err) && err.status === 404)) throw err;
            }
          }
          return { result: { ...base, action: 'CREATE', changedFields: [], message: null }, uid: null };
        }
        const created = await apply(true, false);
        return {
          result: { ...base, action: 'CREATED', changedFields: [], message: null },
          uid: uidOf(created),
        };
      }
      if (r.conflictPolicy === 'SKIP') {
        return {
          result: { ...base, action: 'SKIPPED', changedFields: [], message: 'exists; conflictPolicy SKIP' },
          uid: uidOf(current),
        };
      }
      const planned = await apply(r.conflictPolicy === 'FORCE', true);
      const changed = diffPaths(comparable(current), comparable(planned), '');
      if (changed.length === 0) {
        return {
          result: { ...base, action: 'UNCHANGED', changedFields: [], message: null },
          uid: uidOf(current),
        };
      }
      if (r.dryRun)
        return { result: { ...base, action: 'UPDATE', changedFields: changed, message: null }, uid: null };
      const updated = await apply(r.conflictPolicy === 'FORCE', false);
      return {
        result: { ...base, action: 'UPDATED', changedFields: changed, message: null },
        uid: uidOf(updated),
      };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const conflict = isClusterRequestError(err) && err.status === 409;
      return {
        result: { ...base, action: conflict ? 'CONFLICT' : 'FAILED', changedFields: [], message },
        uid: null,
      };
    }
  }

  private audited<T>(
    actor: string,
    action: string,
    target: unknown,
    input: unknown,
    fn: () => Promise<T>,
  ): Promise<T> {
    return auditedMutation(this.store, { actor, action, target, input }, fn);
  }

  /** backupProgress / restoreProgress: phase changes and checkpoints after the cursor (or from now on). */
  async subscribeProgress(
    kind: 'backup' | 'restore',
    id: string,
    after: string | undefined,
    options: SubscribeOptions,
  ): Promise<AsyncIterableIterator<Delivered<BackupEventData>>> {
    const exists = kind === 'backup' ? await this.backup(id) : await this.restore(id);
    if (!exists) throw notFound(kind, id);
    return this.events.subscribeBackup(id, after, options);
  }

  private async saveBackup(b: Backup): Promise<void> {
    b.updatedAt = new Date().toISOString();
    await this.store.putCatalogue(doc('backup', b.id, b.cluster, b.createdAt, b.phase, b));
    this.events.appendBackup({
      id: b.id,
      type: 'BACKUP',
      cluster: b.cluster,
      phase: b.phase,
      objects: b.objectCount,
      message: b.message,
    });
  }

  private async saveRestore(r: Restore): Promise<void> {
    r.updatedAt = new Date().toISOString();
    await this.store.putCatalogue(doc('restore', r.id, r.targetCluster, r.createdAt, r.phase, r));
    this.events.appendBackup({
      id: r.id,
      type: 'RESTORE',
      cluster: r.targetCluster,
      phase: r.phase,
      objects: r.results.length,
      message: r.message,
    });
  }
}

/** A running restore as one consistent read: its results array keeps growing. */
function snapshot(r: Restore): Restore {
  return { ...r, results: r.results.slice() };
}

/** The archive's entries a restore covers (restoreGroups puts them in order). */
function restoreEntries(
  entries: readonly ArchiveEntry[],
  include: readonly string[],
  exclude: readonly string[],
): ArchiveEntry[] {
  return entries.filter((e) => {
    const ns = e.group === '' && e.resource === 'namespaces' ? e.name : e.namespace;
    if (ns === '') return true;
    if (include.length > 0 && !include.includes(ns)) return false;
    return !exclude.includes(ns);
  });
}

/** The object at path, or undefined when it (or its namespace or kind: a wiped cluster) does not exist. */
async function lookUp(client: KubeClient, path: string): Promise<unknown> {
  try {
    return await withRetries(() => client.get(path));
  } catch (err) {
    if (isClusterRequestError(err) && (err.status === 404 || err.status === 403)) return undefined;
    throw err;
  }
}

function doc(
  kind: CatalogueDocument['kind'],
  id: string,
  cluster: string,
  createdAt: string,
  phase: string,
  body: unknown,
): CatalogueDocument {
  return { kind, id, cluster, createdAt: new Date(createdAt), phase, body: body as JsonValue };
}

function uidOf(obj: unknown): string | null {
  const uid = (obj as { metadata?: { uid?: unknown } } | null)?.metadata?.uid;
  return typeof uid === 'string' ? uid : null;
}

/** What a restore compares: labels, annotations, and everything but metadata and status. */
function comparable(obj: unknown): Record<string, unknown> {
  const { metadata, status: _status, ...rest } = (obj ?? {}) as Record<string, unknown>;
  const meta = (metadata ?? {}) as Record<string, unknown>;
  return { labels: meta['labels'] ?? {}, annotations: meta['annotations'] ?? {}, ...rest };
}

async function waitEstablished(client: KubeClient, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const crd = (await withRetries(() =>
      client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(name)}`),
    )) as { status?: { conditions?: { type: string; status: string }[] } };
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`CustomResourceDefinition ${name} was not Established within 30 s`);
}
