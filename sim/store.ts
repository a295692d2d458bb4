import type { KubeObject } from './k8s-types.js';

/** A change recorded in the store's history, like an etcd revision. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The revision this change created. */
  rv: number;
  /** Storage key of the resource (group/plural). */
  key: string;
  /** The object after the change; for DELETED the last state, stamped with the deletion revision. */
  object: KubeObject;
  /** The object before the change (undefined for ADDED); lets a list be rebuilt at an older revision. */
  prev: KubeObject | undefined;
  /** Wall-clock time of the change (ms since epoch). */
  time: number;
}

/** Options of an ObjectStore. */
export interface ObjectStoreOptions {
  /**
   * Most events kept for watch resume and consistent paging.
   * @default 2000
   */
  historyLimit?: number;
  /**
   * Oldest event age kept, like etcd's compaction interval.
   * @default 300_000 (5 minutes)
   */
  historyMaxAgeMs?: number;
}

/** Thrown by ObjectStore.eventsSince and listAt when the revision was compacted away. */
export class RevisionCompactedError extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
    this.name = 'RevisionCompactedError';
  }
}

type Listener = (event: StoreEvent) => void;

/** namespace/name, the key of an object within its resource. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * One cluster's datastore: objects by resource and namespace/name, a global revision counter
 * (the resourceVersion), and a bounded history of changes that watches resume from.
 * Stored objects are never mutated; each write stores a new object.
 */
export class ObjectStore {
  private revision = 0;
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  private history: StoreEvent[] = [];
  /** Every change with rv > compactedRevision is in history. */
  private compactedRevision = 0;
  private readonly listeners = new Set<Listener>();
  private readonly historyLimit: number;
  private readonly historyMaxAgeMs: number;

  constructor(options: ObjectStoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 2000;
    this.historyMaxAgeMs = options.historyMaxAgeMs ?? 300_000;
  }

  /** The latest revision (resourceVersion of the last write). */
  get currentRevision(): number {
    return this.revision;
  }

  /** The oldest revision a watch can resume from. */
  get oldestRevision(): number {
    return this.compactedRevision;
  }

  /** Reads one object. */
  get(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.buckets.get(key)?.get(objectKey(namespace, name));
  }

  /** Current objects of a resource, optionally in one namespace, sorted by namespace/name. */
  list(key: string, namespace?: string): KubeObject[] {
    const bucket = this.buckets.get(key);
    if (!bucket) return [];
    const out: KubeObject[] = [];
    for (const obj of bucket.values()) {
      if (namespace === undefined || obj.metadata.namespace === namespace) out.push(obj);
    }
    return out.sort(compareObjects);
  }

  /** Number of objects stored under a resource key. */
  count(key: string): number {
    return this.buckets.get(key)?.size ?? 0;
  }

  /** Resource keys that hold objects. */
  keys(): string[] {
    return [...this.buckets.keys()].filter((k) => (this.buckets.get(k)?.size ?? 0) > 0);
  }

  /**
   * The objects of a resource as they were at revision rv, rebuilt by undoing later changes.
   * Throws RevisionCompactedError when history no longer reaches back to rv.
   */
  listAt(key: string, rv: number, namespace?: string): KubeObject[] {
    if (rv >= this.revision) return this.list(key, namespace);
    if (rv < this.compactedRevision) throw new RevisionCompactedError(rv, this.compactedRevision);
    const state = new Map<string, KubeObject>();
    for (const obj of this.list(key, namespace))
      state.set(objectKey(obj.metadata.namespace, nameOf(obj)), obj);
    for (let i = this.history.length - 1; i >= 0; i--) {
      const e = this.history[i];
      if (!e || e.rv <= rv) break;
      if (e.key !== key) continue;
      if (namespace !== undefined && e.object.metadata.namespace !== namespace) continue;
      const k = objectKey(e.object.metadata.namespace, nameOf(e.object));
      if (e.prev) state.set(k, e.prev);
      else state.delete(k);
    }
    return [...state.values()].sort(compareObjects);
  }

  /**
   * Stores obj (create or replace), stamping a new resourceVersion. Returns the stored object.
   * The caller has already decided the write is allowed (conflicts, existence).
   */
  put(key: string, obj: KubeObject, now = Date.now()): KubeObject {
    const name = nameOf(obj);
    const k = objectKey(obj.metadata.namespace, name);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(key, bucket);
    }
    const prev = bucket.get(k);
    const rv = ++this.revision;
    const stored = withResourceVersion(obj, rv);
    bucket.set(k, stored);
    this.record({ type: prev ? 'MODIFIED' : 'ADDED', rv, key, object: stored, prev, time: now });
    return stored;
  }

  /** Removes an object; returns its last state stamped with the deletion revision, or undefined. */
  remove(key: string, namespace: string | undefined, name: string, now = Date.now()): KubeObject | undefined {
    const bucket = this.buckets.get(key);
    const k = objectKey(namespace, name);
    const prev = bucket?.get(k);
    if (!bucket || !prev) return undefined;
    bucket.delete(k);
    const rv = ++this.revision;
    const last = withResourceVersion(prev, rv);
    this.record({ type: 'DELETED', rv, key, object: last, prev, time: now });
    return last;
  }

  /**
   * Changes after revision rv, oldest first. Throws RevisionCompactedError when rv is older than
   * the retained history.
   */
  eventsSince(rv: number): StoreEvent[] {
    if (rv < this.compactedRevision) throw new RevisionCompactedError(rv, this.compactedRevision);
    // History is sorted by rv: binary search for the first event after rv.
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = this.history[mid];
      if (e && e.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** Calls listener for every later change, synchronously; returns an unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops all history, as etcd compaction does: older revisions can no longer be resumed. */
  compact(): void {
    this.history = [];
    this.compactedRevision = this.revision;
  }

  /** Loses everything, as when a node dies with its datastore: revisions restart from zero. */
  wipe(): void {
    this.buckets.clear();
    this.history = [];
    this.revision = 0;
    this.compactedRevision = 0;
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    this.trim(event.time);
    for (const l of this.listeners) l(event);
  }

  private trim(now: number): void {
    const cutoff = now - this.historyMaxAgeMs;
    let drop = Math.max(0, this.history.length - this.historyLimit);
    while (drop < this.history.length) {
      const e = this.history[drop];
      if (!e || e.time >= cutoff) break;
      drop++;
    }
    if (drop === 0) return;
    // Splice in batches so trimming stays amortised O(1) per write.
    if (drop < 64 && this.history.length < this.historyLimit + 64) return;
    const last = this.history[drop - 1];
    if (last) this.compactedRevision = last.rv;
    this.history = this.history.slice(drop);
  }
}

/** A copy of obj stamped with a resourceVersion (plain spreads: V8's fast path). */
function withResourceVersion(obj: KubeObject, rv: number): KubeObject {
  const metadata = { ...obj.metadata };
  metadata.resourceVersion = String(rv);
  const out = { ...obj };
  out.metadata = metadata;
  return out;
}

function nameOf(obj: KubeObject): string {
  return obj.metadata.name ?? '';
}

/** Orders objects by namespace then name, as the apiserver lists them. */
export function compareObjects(a: KubeObject, b: KubeObject): number {
  const an = a.metadata.namespace ?? '';
  const bn = b.metadata.namespace ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  const a2 = nameOf(a);
  const b2 = nameOf(b);
  return a2 < b2 ? -1 : a2 > b2 ? 1 : 0;
}
