/**
 * One kind's list+watch cache for one cluster, holding compact projections. One owner loop
 * per cache: list (paged), then watch from the list's resourceVersion with bookmarks, resume
 * from the last resourceVersion when a stream ends, relist on 410 Expired (HTTP status or
 * ERROR event) and on 504 ResourceVersionTooLarge (the cluster lost its datastore), and back
 * off with jitter on any other failure. Stopping keeps the data: an offline cluster's caches
 * keep serving what was last known.
 */
import { AbortFlag } from './abort-flag.js';
import { backoffDelay, sleep, type BackoffOptions } from './backoff.js';
import { CACHED_KINDS, type CachedKind, type CachedKindSpec, type ProjectionByKind } from './cached-kinds.js';
import { ClusterRequestError, isClusterRequestError } from './cluster-errors.js';
import { reuseUnchanged } from './projections.js';
import type { KubeClient, WatchEvent } from './kube-client.js';

/** A change to a cache's contents, as listeners see it. */
export type CacheChange<P> =
  { type: 'upsert'; previous: P | undefined; current: P } | { type: 'delete'; previous: P };

/** Options of a watch cache. */
export interface WatchCacheOptions {
  /** Items per list page. @default 500 */
  pageSize?: number;
  /** Deadline of each list page, in ms. @default the client's request timeout */
  listTimeoutMs?: number;
  /** Backoff after failed lists and watches. @default { initialMs: 250, maxMs: 30000 } */
  backoff?: BackoffOptions;
  /** Range of the watch `timeoutSeconds` asked for (randomised, as client-go does). @default [300, 600] */
  watchTimeoutSeconds?: readonly [number, number];
  /** A watch ending sooner than this after it opened counts as a failure for backoff, in ms. @default 1000 */
  minWatchMs?: number;
}

/** What a cache knows about itself. */
export interface WatchCacheStatus {
  kind: CachedKind;
  /** The owner loop runs (false before start, after stop). */
  running: boolean;
  /** A full list has completed at least once; the data is usable. */
  synced: boolean;
  /** A watch stream is open right now. */
  watching: boolean;
  /** A list completed or a watch opened since the loop last started: the data is current again. */
  caughtUp: boolean;
  /** Epoch ms of the last completed list. */
  lastSyncAt: number | null;
  /** Epoch ms of the last ADDED/MODIFIED/DELETED event. */
  lastEventAt: number | null;
  /** Epoch ms a watch stream last stopped being open (null while never open, or open now). */
  lastLiveAt: number | null;
  /** resourceVersion to resume from ('' = relist next). */
  resourceVersion: string;
  /** Completed lists, the first included. */
  lists: number;
  /** Lists forced by 410 Expired or 504 ResourceVersionTooLarge. */
  relists: number;
  /** The latest failure, cleared by the next successful list or watch open. */
  error: ClusterRequestError | null;
  /** Objects held. */
  size: number;
}

type Listener<P> = (change: CacheChange<P>) => void;

// Shared by every cache that uses the defaults: a gateway holds thousands of caches.
const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({ initialMs: 250, maxMs: 30_000 });
const DEFAULT_WATCH_TIMEOUT: readonly [number, number] = Object.freeze([300, 600] as const);
const NO_OPTIONS: WatchCacheOptions = Object.freeze({});

/** A list+watch cache of one kind of one cluster. */
export class WatchCache<K extends CachedKind> {
  private readonly spec: CachedKindSpec<K>;
  /** namespace ('' for cluster-scoped) → name → projection. */
  private objects = new Map<string, Map<string, ProjectionByKind[K]>>();
  private count = 0;
  /** Stops the running loop (an AbortFlag: a gateway runs thousands of loops). */
  private controller: AbortFlag | undefined;
  private loop: Promise<void> = Promise.resolve();
  private rv = '';
  private synced = false;
  private watching = false;
  private caughtUp = false;
  private lastSyncAt: number | null = null;
  private lastEventAt: number | null = null;
  private lastLiveAt: number | null = null;
  private lists = 0;
  private relists = 0;
  private error: ClusterRequestError | null = null;
  // Created on first use: most caches of most clusters have no listener of some sort.
  private listeners: Set<Listener<ProjectionByKind[K]>> | undefined;
  private statusListeners: Set<(status: WatchCacheStatus) => void> | undefined;
  private syncWaiters: Set<() => void> | undefined;
  private readonly pageSize: number;
  private readonly backoff: BackoffOptions;
  private readonly watchTimeout: readonly [number, number];
  private readonly minWatchMs: number;

  constructor(
    readonly kind: K,
    private readonly client: KubeClient,
    private readonly options: WatchCacheOptions = NO_OPTIONS,
  ) {
    this.spec = CACHED_KINDS[kind];
    this.pageSize = options.pageSize ?? 500;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.watchTimeout = options.watchTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT;
    this.minWatchMs = options.minWatchMs ?? 1000;
  }

  /** Starts the owner loop (no-op when running). Resumes from the last resourceVersion. */
  start(): void {
    if (this.controller) return;
    const controller = new AbortFlag();
    this.controller = controller;
    // Errors and progress of an earlier run say nothing about this one.
    this.error = null;
    this.caughtUp = false;
    this.loop = this.run(this.loop, controller);
    this.emitStatus();
  }

  /**
   * Stops the loop and its watch; keeps the data, the resourceVersion and `synced`.
   * Resolves once the loop has exited.
   */
  stop(): Promise<void> {
    const controller = this.controller;
    if (!controller) return this.loop;
    this.controller = undefined;
    controller.abort();
    this.setWatching(false);
    return this.loop;
  }

  /** Abandons the current watch and resumes from the last resourceVersion (e.g. after an outage). */
  restart(): void {
    void this.stop();
    this.start();
  }

  /** Resolves true once synced, or false after timeoutMs. */
  whenSynced(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.syncWaiters?.delete(onSync);
        resolve(ok);
      };
      const onSync = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      (this.syncWaiters ??= new Set()).add(onSync);
    });
  }

  /** One object; namespace '' for cluster-scoped kinds. */
  get(namespace: string, name: string): ProjectionByKind[K] | undefined {
    return this.objects.get(namespace)?.get(name);
  }

  /** Objects of one namespace, or all (in no particular order). */
  list(namespace?: string): ProjectionByKind[K][] {
    if (namespace !== undefined) return [...(this.objects.get(namespace)?.values() ?? [])];
    const out: ProjectionByKind[K][] = [];
    for (const m of this.objects.values()) for (const p of m.values()) out.push(p);
    return out;
  }

  /** Namespaces holding at least one object ('' for cluster-scoped kinds). */
  namespaces(): string[] {
    return [...this.objects.keys()];
  }

  /** Subscribes to content changes (synchronous; must not throw); returns the unsubscribe function. */
  onChange(listener: Listener<ProjectionByKind[K]>): () => void {
    const listeners = (this.listeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Subscribes to status changes (synced, watching, error); returns the unsubscribe function. */
  onStatus(listener: (status: WatchCacheStatus) => void): () => void {
    const listeners = (this.statusListeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Current status. */
  status(): WatchCacheStatus {
    return {
      kind: this.kind,
      running: this.controller !== undefined,
      synced: this.synced,
      watching: this.watching,
      caughtUp: this.caughtUp,
      lastSyncAt: this.lastSyncAt,
      lastEventAt: this.lastEventAt,
      lastLiveAt: this.lastLiveAt,
      resourceVersion: this.rv,
      lists: this.lists,
      relists: this.relists,
      error: this.error,
      size: this.count,
    };
  }

  /**
   * The owner loop of one start(): one async function for the whole life of a watch (a
   * gateway runs thousands), not a chain of promise callbacks besides it.
   */
  private async run(previous: Promise<void>, controller: AbortFlag): Promise<void> {
    const signal = controller;
    try {
      // The previous loop has been aborted; let it unwind before this one touches state.
      await previous;
      let failures = 0;
      while (!signal.aborted) {
        let openedAt: number | undefined;
        try {
          if (this.rv === '') await this.relist(signal);
          if (signal.aborted) return;
          const [min, max] = this.watchTimeout;
          await this.client.watch(
            this.spec.path,
            {
              ...this.spec.query,
              resourceVersion: this.rv,
              allowWatchBookmarks: true,
              timeoutSeconds: Math.round(min + Math.random() * Math.max(0, max - min)),
            },
            (event) => {
              if (!signal.aborted) this.apply(event);
            },
            signal,
            () => {
              openedAt = Date.now();
              this.error = null;
              this.caughtUp = true;
              this.setWatching(true);
            },
          );
          this.setWatching(false);
          // The server ended the stream: resume from the last resourceVersion, at once unless
          // streams keep ending right after they open.
          failures = lived(openedAt, this.minWatchMs) ? 0 : failures + 1;
        } catch (e) {
          this.setWatching(false);
          if (signal.aborted) return;
          if (needsRelist(e)) {
            // Expired history or a lost datastore: list again, at once unless that keeps happening.
            this.rv = '';
            this.relists += 1;
            failures = lived(openedAt, this.minWatchMs) ? 0 : failures + 1;
            if (failures <= 1) continue;
          } else {
            failures += 1;
            this.error = isClusterRequestError(e)
              ? e
              : new ClusterRequestError(
                  'http',
                  `${this.kind} cache: ${e instanceof Error ? e.message : String(e)}`,
                );
            this.emitStatus();
          }
        }
        if (failures > 0 && !(await sleep(backoffDelay(failures - 1, this.backoff), signal))) return;
      }
    } catch (e) {
      process.emitWarning(`watch cache (${this.kind}) loop failed: ${String(e)}`);
    } finally {
      if (this.controller === controller) this.controller = undefined;
      this.emitStatus();
    }
  }

  /** Lists every page into a fresh map, then swaps it in, telling listeners what changed. */
  private async relist(signal: AbortFlag): Promise<void> {
    const fresh = new Map<string, Map<string, ProjectionByKind[K]>>();
    let count = 0;
    let rv = '';
    let continueToken: string | undefined;
    do {
      const page = await this.client.list(
        this.spec.path,
        { ...this.spec.query, limit: this.pageSize, continue: continueToken },
        {
          signal,
          ...(this.options.listTimeoutMs !== undefined ? { timeoutMs: this.options.listTimeoutMs } : {}),
        },
      );
      if (rv === '') rv = page.resourceVersion;
      for (const item of page.items) {
        const p = this.spec.project(item);
        if (p === undefined) continue;
        let ns = fresh.get(p.namespace);
        if (!ns) fresh.set(p.namespace, (ns = new Map()));
        if (!ns.has(p.name)) count += 1;
        const before = this.objects.get(p.namespace)?.get(p.name);
        ns.set(p.name, before === undefined ? p : reuseUnchanged(before, p));
      }
      continueToken = page.continueToken;
    } while (continueToken !== undefined && !signal.aborted);
    if (signal.aborted) return;
    const old = this.objects;
    this.objects = fresh;
    this.count = count;
    this.rv = rv;
    this.lists += 1;
    this.lastSyncAt = Date.now();
    this.error = null;
    this.caughtUp = true;
    if (this.listeners !== undefined && this.listeners.size > 0) {
      for (const [ns, byName] of old) {
        for (const [name, previous] of byName) {
          if (!fresh.get(ns)?.has(name)) this.notify({ type: 'delete', previous });
        }
      }
      for (const [ns, byName] of fresh) {
        for (const [name, current] of byName)
          this.notify({ type: 'upsert', previous: old.get(ns)?.get(name), current });
      }
    }
    if (!this.synced) {
      this.synced = true;
      if (this.syncWaiters) for (const w of [...this.syncWaiters]) w();
    }
    this.emitStatus();
  }

  private apply(event: WatchEvent): void {
    const meta = event.object['metadata'];
    const rv =
      typeof meta === 'object' && meta !== null
        ? (meta as Record<string, unknown>)['resourceVersion']
        : undefined;
    if (event.type !== 'BOOKMARK') {
      const p = this.spec.project(event.object);
      if (p !== undefined) {
        if (event.type === 'DELETED') this.remove(p);
        else this.upsert(p);
        this.lastEventAt = Date.now();
      }
    }
    if (typeof rv === 'string' && rv !== '') this.rv = rv;
  }

  private upsert(next: ProjectionByKind[K]): void {
    let ns = this.objects.get(next.namespace);
    if (!ns) this.objects.set(next.namespace, (ns = new Map()));
    const previous = ns.get(next.name);
    if (previous === undefined) this.count += 1;
    const p = previous === undefined ? next : reuseUnchanged(previous, next);
    ns.set(p.name, p);
    this.notify({ type: 'upsert', previous, current: p });
  }

  private remove(p: ProjectionByKind[K]): void {
    const ns = this.objects.get(p.namespace);
    const previous = ns?.get(p.name);
    if (!ns || previous === undefined) return;
    ns.delete(p.name);
    if (ns.size === 0) this.objects.delete(p.namespace);
    this.count -= 1;
    this.notify({ type: 'delete', previous });
  }

  private notify(change: CacheChange<ProjectionByKind[K]>): void {
    if (this.listeners === undefined) return;
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (e) {
        // A listener bug must not stop the cache; surface it where operators look.
        process.emitWarning(
          `watch cache listener (${this.kind}) threw: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
  }

  private setWatching(watching: boolean): void {
    if (this.watching === watching) return;
    this.watching = watching;
    if (!watching) this.lastLiveAt = Date.now();
    this.emitStatus();
  }

  private emitStatus(): void {
    if (this.statusListeners === undefined || this.statusListeners.size === 0) return;
    const s = this.status();
    for (const l of this.statusListeners) l(s);
  }
}

/** True when a watch opened at openedAt stayed open at least minMs. */
function lived(openedAt: number | undefined, minMs: number): boolean {
  return openedAt !== undefined && Date.now() - openedAt >= minMs;
}

/** 410 Expired, or 504 ResourceVersionTooLarge: only a fresh list helps. */
function needsRelist(e: unknown): boolean {
  return isClusterRequestError(e) && (e.kind === 'expired' || e.resourceVersionTooLarge);
}
