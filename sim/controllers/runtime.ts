/**
 * The machinery every simulated controller of one cluster shares: one timer (a keyed min-heap
 * of due tasks), one work queue flushed once per event-loop turn (so a burst of store events
 * for an object is reconciled once), and indexes kept up to date from the store's events
 * (object uids, owner → dependents, node → pods).
 */
import { isApiError } from '../errors.js';
import type { KubeObject } from '../k8s-types.js';
import type { Registry } from '../registry.js';
import type { ResourceType } from '../resource-types.js';
import type { ClusterSpec } from '../scenario.js';
import type { ObjectStore, StoreEvent } from '../store.js';
import type { TypeCatalog } from '../type-catalog.js';
import type { EventRecorder } from './events.js';

/** What the image registry knows about an image's platforms. */
export interface ImageCatalog {
  /** Platforms of the image's manifest list; undefined = unknown image: treat as available for all. */
  platforms(image: string): string[] | undefined;
}

/** Everything the controllers of one cluster need. */
export interface ControllerContext {
  clusterName: string;
  spec: ClusterSpec;
  registry: Registry;
  catalog: TypeCatalog;
  store: ObjectStore;
  images: ImageCatalog;
  caCertPem: string;
  /** Multiplies every controller delay and period (1 = real time). */
  timeScale: number;
  now(): Date;
  /** Position of the cluster in its fleet; keeps node IPs distinct fleet-wide. Derived from the name when absent. */
  clusterIndex?: number;
}

// ---------------------------------------------------------------- clock

interface Task {
  at: number;
  seq: number;
  key: string;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Keyed one-shot tasks on a single timer. A key has at most one pending task; scheduling it
 * again keeps the earlier one ('earliest') or replaces it ('replace'). Nothing runs until
 * start(); the timer is unref'd so it never keeps the process alive.
 */
export class Clock {
  private heap: Task[] = [];
  private readonly byKey = new Map<string, Task>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private seq = 0;
  private running = false;

  constructor(private readonly onError: (key: string, e: unknown) => void) {}

  /** Runs fn after ms (real milliseconds). */
  schedule(key: string, ms: number, fn: () => void, mode: 'earliest' | 'replace' = 'replace'): void {
    const at = Date.now() + Math.max(0, ms);
    const old = this.byKey.get(key);
    if (old && !old.cancelled) {
      if (mode === 'earliest' && old.at <= at) return;
      old.cancelled = true;
    }
    const task: Task = { at, seq: this.seq++, key, fn, cancelled: false };
    this.byKey.set(key, task);
    this.push(task);
    this.arm();
  }

  /** Cancels a pending task. */
  cancel(key: string): void {
    const t = this.byKey.get(key);
    if (t) {
      t.cancelled = true;
      this.byKey.delete(key);
    }
  }

  /** True when a task is pending under key. */
  has(key: string): boolean {
    const t = this.byKey.get(key);
    return t !== undefined && !t.cancelled;
  }

  /** Number of pending tasks. */
  get size(): number {
    return this.byKey.size;
  }

  start(): void {
    this.running = true;
    this.arm();
  }

  /** Stops the timer and forgets every task. */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.heap = [];
    this.byKey.clear();
  }

  private arm(): void {
    if (!this.running) return;
    while (this.heap.length > 0 && this.heap[0]?.cancelled) this.pop();
    const top = this.heap[0];
    if (!top) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer && this.timerAt <= top.at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = top.at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, top.at - Date.now()));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    // Tasks scheduled while running are due later, so this loop always ends.
    for (let top = this.heap[0]; top && top.at <= now && this.running; top = this.heap[0]) {
      this.pop();
      if (top.cancelled) continue;
      this.byKey.delete(top.key);
      try {
        top.fn();
      } catch (e) {
        this.onError(top.key, e);
      }
    }
    this.arm();
  }

  private push(t: Task): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p];
      if (!parent || !before(t, parent)) break;
      h[i] = parent;
      h[p] = t;
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      const hm = (): Task => h[m] ?? last;
      const hl = h[l];
      if (hl && before(hl, hm())) m = l;
      const hr = h[r];
      if (hr && before(hr, hm())) m = r;
      if (m === i) break;
      const tmp = h[m] ?? last;
      h[m] = h[i] ?? last;
      h[i] = tmp;
      i = m;
    }
  }
}

function before(a: Task, b: Task): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

// ---------------------------------------------------------------- work queue

type Handler = (key: string) => void;

/**
 * Per-controller sets of dirty keys, flushed together once per event-loop turn (setImmediate).
 * Keys added while flushing wait for the next turn, so reconcilers never spin synchronously;
 * a failing key is retried with exponential backoff.
 */
export class WorkQueue {
  private readonly handlers = new Map<string, Handler>();
  private pending = new Map<string, Set<string>>();
  private immediate: NodeJS.Immediate | undefined;
  private running = false;
  private readonly failures = new Map<string, number>();
  /** Incremented on every flush; caches valid for one flush compare against it. */
  flushSeq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly retryBaseMs: number,
    private readonly onError: (key: string, e: unknown) => void,
  ) {}

  /** Registers a controller; flush order follows registration order. */
  register(name: string, handler: Handler): void {
    this.handlers.set(name, handler);
    this.pending.set(name, new Set());
  }

  add(name: string, key: string): void {
    const set = this.pending.get(name);
    if (!set) return;
    set.add(key);
    this.kick();
  }

  /** Adds key after ms; an earlier pending delayed add wins. */
  addAfter(name: string, key: string, ms: number): void {
    if (ms <= 0) return this.add(name, key);
    this.clock.schedule(`q\u0000${name}\u0000${key}`, ms, () => this.add(name, key), 'earliest');
  }

  start(): void {
    this.running = true;
    this.kick();
  }

  stop(): void {
    this.running = false;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    for (const s of this.pending.values()) s.clear();
    this.failures.clear();
  }

  /** True when no key waits. */
  get idle(): boolean {
    for (const s of this.pending.values()) if (s.size > 0) return false;
    return true;
  }

  /** Flushes synchronously until nothing is pending (or maxRounds); used while bootstrapping. */
  drain(maxRounds = 64): void {
    for (let i = 0; i < maxRounds && !this.idle; i++) this.flush();
  }

  private kick(): void {
    if (!this.running || this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.flush();
    });
    this.immediate.unref();
  }

  private flush(): void {
    this.flushSeq++;
    const batch = this.pending;
    this.pending = new Map();
    for (const name of this.handlers.keys()) this.pending.set(name, new Set());
    for (const [name, keys] of batch) {
      const handler = this.handlers.get(name);
      if (!handler) continue;
      for (const key of keys) {
        const id = `${name}\u0000${key}`;
        try {
          handler(key);
          this.failures.delete(id);
        } catch (e) {
          const n = (this.failures.get(id) ?? 0) + 1;
          this.failures.set(id, n);
          // Conflicts are routine (someone else wrote first): retry soon and quietly.
          if (!(isApiError(e) && e.code === 409)) this.onError(id, e);
          this.addAfter(name, key, Math.min(this.retryBaseMs * 2 ** Math.min(n, 12), this.retryBaseMs * 600));
        }
      }
    }
    if (!this.idle) this.kick();
  }
}

// ---------------------------------------------------------------- indexes

/** Where an object lives in the store. */
export interface ObjectLocation {
  /** Storage key (group/plural). */
  key: string;
  namespace: string | undefined;
  name: string;
  uid: string;
}

function locationOf(ev: StoreEvent): ObjectLocation {
  const m = ev.object.metadata;
  return { key: ev.key, namespace: m.namespace, name: m.name ?? '', uid: m.uid ?? '' };
}

/** uid → location for every object, and owner uid → dependents, maintained from store events. */
export class OwnerIndex {
  private readonly uids = new Map<string, ObjectLocation>();
  private readonly dependentsOf = new Map<string, Map<string, ObjectLocation>>();
  private readonly ownersOf = new Map<string, string[]>();

  /** Applies a store event. */
  update(ev: StoreEvent): void {
    const loc = locationOf(ev);
    if (!loc.uid) return;
    if (ev.type === 'DELETED') {
      if (this.uids.get(loc.uid)?.key === loc.key) this.uids.delete(loc.uid);
      this.setOwners(loc, []);
      return;
    }
    if (ev.prev && ev.prev.metadata.uid && ev.prev.metadata.uid !== loc.uid) {
      this.uids.delete(ev.prev.metadata.uid);
      this.setOwners({ ...loc, uid: ev.prev.metadata.uid }, []);
    }
    this.uids.set(loc.uid, loc);
    const prevRefs = ev.prev?.metadata.ownerReferences;
    const refs = ev.object.metadata.ownerReferences;
    if (prevRefs === refs && ev.prev !== undefined) return;
    this.setOwners(
      loc,
      (refs ?? []).map((r) => r.uid),
    );
  }

  /** Indexes an existing object (initial scan). */
  add(key: string, obj: KubeObject): void {
    this.update({ type: 'ADDED', rv: 0, key, object: obj, prev: undefined, time: 0 });
  }

  /** Location of the live object with this uid. */
  locate(uid: string): ObjectLocation | undefined {
    return this.uids.get(uid);
  }

  /** True when an object with this uid exists. */
  exists(uid: string): boolean {
    return this.uids.has(uid);
  }

  /** Objects whose ownerReferences name this uid. */
  dependents(uid: string): ObjectLocation[] {
    const m = this.dependentsOf.get(uid);
    return m ? [...m.values()] : [];
  }

  /** True when some object names this uid as an owner. */
  hasDependents(uid: string): boolean {
    return (this.dependentsOf.get(uid)?.size ?? 0) > 0;
  }

  clear(): void {
    this.uids.clear();
    this.dependentsOf.clear();
    this.ownersOf.clear();
  }

  private setOwners(loc: ObjectLocation, owners: string[]): void {
    const old = this.ownersOf.get(loc.uid) ?? [];
    for (const o of old) {
      if (owners.includes(o)) continue;
      const m = this.dependentsOf.get(o);
      m?.delete(loc.uid);
      if (m && m.size === 0) this.dependentsOf.delete(o);
    }
    for (const o of owners) {
      let m = this.dependentsOf.get(o);
      if (!m) {
        m = new Map();
        this.dependentsOf.set(o, m);
      }
      m.set(loc.uid, loc);
    }
    if (owners.length === 0) this.ownersOf.delete(loc.uid);
    else this.ownersOf.set(loc.uid, owners);
  }
}

/** node name → namespace/name of the pods bound to it. */
export class PodNodeIndex {
  private readonly byNode = new Map<string, Set<string>>();
  private readonly nodeOf = new Map<string, string>();

  update(ev: StoreEvent): void {
    const m = ev.object.metadata;
    const key = `${m.namespace ?? ''}/${m.name ?? ''}`;
    const spec = ev.object['spec'];
    const node =
      ev.type === 'DELETED'
        ? undefined
        : typeof spec === 'object' && spec !== null
          ? (spec as Record<string, unknown>)['nodeName']
          : undefined;
    const old = this.nodeOf.get(key);
    const next = typeof node === 'string' && node !== '' ? node : undefined;
    if (old === next) return;
    if (old !== undefined) {
      const s = this.byNode.get(old);
      s?.delete(key);
      if (s && s.size === 0) this.byNode.delete(old);
      this.nodeOf.delete(key);
    }
    if (next !== undefined) {
      let s = this.byNode.get(next);
      if (!s) {
        s = new Set();
        this.byNode.set(next, s);
      }
      s.add(key);
      this.nodeOf.set(key, next);
    }
  }

  /** namespace/name of pods bound to node. */
  podsOn(node: string): string[] {
    return [...(this.byNode.get(node) ?? [])];
  }

  clear(): void {
    this.byNode.clear();
    this.nodeOf.clear();
  }
}

// ---------------------------------------------------------------- shared runtime

/** Resource types the controllers use. */
export interface CoreTypes {
  pods: ResourceType;
  nodes: ResourceType;
  namespaces: ResourceType;
  events: ResourceType;
  leases: ResourceType;
  services: ResourceType;
  pvcs: ResourceType;
  deployments: ResourceType;
  replicasets: ResourceType;
  daemonsets: ResourceType;
  statefulsets: ResourceType;
  crds: ResourceType;
}

/** Field managers as the real components record them (k3s runs everything in one binary). */
export interface Managers {
  controllerManager: string;
  scheduler: string;
  kubelet: string;
  apiserver: string;
}

/** Storage key of a built-in type. */
export const KEYS = {
  pods: '/pods',
  nodes: '/nodes',
  namespaces: '/namespaces',
  events: '/events',
  leases: 'coordination.k8s.io/leases',
  pvcs: '/persistentvolumeclaims',
  deployments: 'apps/deployments',
  replicasets: 'apps/replicasets',
  daemonsets: 'apps/daemonsets',
  statefulsets: 'apps/statefulsets',
  crds: 'apiextensions.k8s.io/customresourcedefinitions',
} as const;

/** Resolves the built-in types from a catalogue. */
export function coreTypes(catalog: TypeCatalog): CoreTypes {
  const need = (group: string, version: string, plural: string): ResourceType => {
    const t = catalog.lookup(group, version, plural);
    if (!t) throw new Error(`type catalogue lacks ${group}/${version}/${plural}`);
    return t;
  };
  return {
    pods: need('', 'v1', 'pods'),
    nodes: need('', 'v1', 'nodes'),
    namespaces: need('', 'v1', 'namespaces'),
    events: need('', 'v1', 'events'),
    leases: need('coordination.k8s.io', 'v1', 'leases'),
    services: need('', 'v1', 'services'),
    pvcs: need('', 'v1', 'persistentvolumeclaims'),
    deployments: need('apps', 'v1', 'deployments'),
    replicasets: need('apps', 'v1', 'replicasets'),
    daemonsets: need('apps', 'v1', 'daemonsets'),
    statefulsets: need('apps', 'v1', 'statefulsets'),
    crds: need('apiextensions.k8s.io', 'v1', 'customresourcedefinitions'),
  };
}

/** Runs a write; NotFound and Conflict (the object moved on) yield undefined instead of throwing. */
export function tolerant<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (isApiError(e) && (e.code === 404 || e.code === 409)) return undefined;
    throw e;
  }
}

/** Swallows API errors (e.g. events into a terminating namespace). */
export function quiet(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!isApiError(e)) throw e;
  }
}

/** What every controller of a cluster gets: the context plus the shared machinery. */
export interface Host {
  readonly ctx: ControllerContext;
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly types: CoreTypes;
  readonly clock: Clock;
  readonly queue: WorkQueue;
  readonly owners: OwnerIndex;
  readonly podsByNode: PodNodeIndex;
  readonly events: EventRecorder;
  readonly managers: Managers;
  /** Seconds of simulated time in real milliseconds (× timeScale). */
  ms(seconds: number): number;
  now(): Date;
  /** True while bootstrapping: kubelet steps happen at once, so a fresh cluster starts settled. */
  readonly instant: boolean;
}

/** The live objects of a storage key owned (as controller) by owner. */
export function ownedBy(h: Host, owner: KubeObject, key: string): KubeObject[] {
  const uid = owner.metadata.uid ?? '';
  const out: KubeObject[] = [];
  for (const loc of h.owners.dependents(uid)) {
    if (loc.key !== key) continue;
    const obj = h.store.get(key, loc.namespace, loc.name);
    if (!obj) continue;
    const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
    if (ref?.uid === uid) out.push(obj);
  }
  return out;
}
