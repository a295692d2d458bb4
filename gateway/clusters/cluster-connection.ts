/**
 * One cluster's connection: its KubeClient, a health probe, its watch caches, and the
 * state the rest of the gateway sees (CONNECTING → SYNCING → READY, DEGRADED, OFFLINE,
 * REMOVED).
 *
 * Reachability is judged by contact: any HTTP answer, PING answer or watch data counts. A
 * cluster with no contact for `offlineAfterMs` (default 15 s) is OFFLINE, whatever the cause
 * (refused connections, or requests that hang and time out). Probes (GET /version) run every
 * `probeIntervalMs` while healthy and with bounded, jittered exponential backoff while
 * failing; a READY cluster's probe is an HTTP/2 PING on its connection, with GET /version
 * once a minute. Going OFFLINE stops the caches (their data stays, served stale); the first
 * contact after that resumes them from their last resourceVersion.
 */
import { ErrorCode, unreachable, type ClusterState } from '../vocabulary.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { EAGER_KINDS, type CachedKind } from './cached-kinds.js';
import { errorCodeOf, isClusterRequestError, type ClusterRequestErrorKind } from './cluster-errors.js';
import type { ConnectionCredentials } from './credentials.js';
import {
  createKubeClient,
  type KubeClient,
  type KubeClientOptions,
  type KubeVersion,
} from './kube-client.js';
import { WatchCache, type WatchCacheOptions } from './watch-cache.js';

/** A READY cluster's probes PING its HTTP/2 connection; GET /version runs this often still. */
const VERSION_REFRESH_MS = 60_000;

/** The Kubernetes distribution a cluster runs. */
export type KubernetesDistro = 'k3s' | 'rke2' | 'kubeadm' | 'kubernetes';

/** Options of a connection; every duration in ms. */
export interface ClusterConnectionOptions {
  /** No contact for this long makes the cluster OFFLINE. @default 15000 */
  offlineAfterMs?: number;
  /** Probe interval while the cluster answers. @default 5000 */
  probeIntervalMs?: number;
  /** Deadline of one probe. @default 5000 (at most offlineAfterMs) */
  probeTimeoutMs?: number;
  /** Probe backoff while the cluster does not answer. @default { initialMs: 1000, maxMs: 30000 } */
  reconnectBackoff?: BackoffOptions;
  /** Passed to the KubeClient (concurrency limit, request timeout). */
  client?: Omit<KubeClientOptions, 'onContact'>;
  /** Passed to every watch cache. */
  cache?: WatchCacheOptions;
  /** Kinds cached from the first contact on. @default Node, Namespace, NodeEvent (EAGER_KINDS) */
  eagerKinds?: readonly CachedKind[];
}

/** The connection's state with what belongs to it. */
export type ConnectionPhase =
  | { state: 'CONNECTING'; since: number }
  | { state: 'SYNCING'; since: number }
  | { state: 'READY'; since: number }
  | { state: 'DEGRADED'; since: number; reasons: readonly string[] }
  | { state: 'OFFLINE'; since: number }
  | { state: 'REMOVED'; since: number };

/** A failure as the API may show it: code, kind and a message without credentials. */
export interface ClusterErrorInfo {
  code: ErrorCode;
  kind: ClusterRequestErrorKind;
  message: string;
  at: Date;
}

/** A state transition, as listeners get it. */
export interface ClusterStateChange {
  cluster: string;
  from: ClusterState;
  to: ClusterState;
  at: Date;
  /** Why a DEGRADED cluster is degraded; empty otherwise. */
  reasons: readonly string[];
  lastError: ClusterErrorInfo | null;
}

/** How current one cluster's part of a result is. */
export interface ClusterFreshness {
  cluster: string;
  state: ClusterState;
  /** Time up to which the data is known to be current; null when there is no data yet. */
  observedAt: Date | null;
  /** True when the data may be out of date (cluster offline, cache not synced or not watching). */
  stale: boolean;
  /** Why data is missing or stale. */
  error?: { code: ErrorCode; message: string };
}

/** The distribution a /version gitVersion names, if it names one (v1.31.4+k3s1 → k3s). */
export function distroFromGitVersion(gitVersion: string): KubernetesDistro | undefined {
  if (/\+k3s/.test(gitVersion)) return 'k3s';
  if (/\+rke2/.test(gitVersion)) return 'rke2';
  return undefined;
}

type CacheSlots = { [K in CachedKind]?: WatchCache<K> };

/** The live connection to one cluster. */
export class ClusterConnection {
  /** The cluster's API client (for requests beyond the caches). */
  readonly client: KubeClient;
  private phaseValue: ConnectionPhase = { state: 'CONNECTING', since: Date.now() };
  /** The caches created so far: a kind's cache is created when first asked for. */
  private readonly caches: CacheSlots = {};
  private readonly cacheOptions: WatchCacheOptions | undefined;
  private readonly wanted = new Set<CachedKind>();
  private readonly listeners = new Set<(change: ClusterStateChange) => void>();
  /** Set by stop(), which also closes the client: that aborts a probe in flight. */
  private stopped = false;
  private readonly offlineAfterMs: number;
  private readonly probeIntervalMs: number;
  private readonly probeTimeoutMs: number;
  private readonly reconnectBackoff: BackoffOptions;
  private startedAt: number | null = null;
  private lastContact: number | null = null;
  private offline = false;
  private offlineTimer: NodeJS.Timeout | undefined;
  private probeFailures = 0;
  private probeError: ClusterErrorInfo | null = null;
  private lastErrorValue: ClusterErrorInfo | null = null;
  private versionValue: KubeVersion | null = null;
  /** When /version last answered. */
  private versionAt = 0;
  private probeLoop: Promise<void> = Promise.resolve();
  /** Ends the probe loop's current wait early (set while it waits). */
  private wakeProbe: (() => void) | undefined;
  /** Set while several caches change at once; evaluate() runs once afterwards. */
  private batching = false;
  /** The status listener of every cache of this connection. */
  private readonly onCacheStatus = (): void => this.evaluate();

  constructor(
    readonly name: string,
    credentials: ConnectionCredentials,
    options: ClusterConnectionOptions = {},
  ) {
    this.offlineAfterMs = options.offlineAfterMs ?? 15_000;
    this.probeIntervalMs = options.probeIntervalMs ?? 5000;
    this.probeTimeoutMs = Math.min(options.probeTimeoutMs ?? 5000, this.offlineAfterMs);
    this.reconnectBackoff = options.reconnectBackoff ?? { initialMs: 1000, maxMs: 30_000 };
    this.client = createKubeClient(name, credentials, {
      ...options.client,
      onContact: (at) => this.contact(at),
    });
    for (const kind of options.eagerKinds ?? EAGER_KINDS) this.wanted.add(kind);
    this.cacheOptions = options.cache;
  }

  /** Starts probing; caches start at the first contact. */
  start(): void {
    if (this.startedAt !== null || this.phaseValue.state === 'REMOVED') return;
    this.startedAt = Date.now();
    this.armOfflineTimer();
    this.probeLoop = this.runProbes();
  }

  /** Stops everything (probes, watches, sockets); the connection ends REMOVED. Resolves when all loops have exited. */
  async stop(): Promise<void> {
    if (this.phaseValue.state === 'REMOVED') return;
    this.stopped = true;
    this.wakeProbe?.();
    clearTimeout(this.offlineTimer);
    const cachesStopped = this.createdCaches().map((c) => c.stop());
    this.client.close();
    this.setPhase({ state: 'REMOVED', since: Date.now() });
    await Promise.all([this.probeLoop, ...cachesStopped]);
    this.listeners.clear();
  }

  /** Current state. */
  get state(): ClusterState {
    return this.phaseValue.state;
  }

  /** Current state with its details. */
  get phase(): ConnectionPhase {
    return this.phaseValue;
  }

  /** When the cluster last answered anything. */
  get lastSeen(): Date | null {
    return this.lastContact === null ? null : new Date(this.lastContact);
  }

  /** The most recent failure (probe, list or watch). */
  get lastError(): ClusterErrorInfo | null {
    return this.lastErrorValue;
  }

  /** What /version said at the last successful probe. */
  get version(): KubeVersion | null {
    return this.versionValue;
  }

  /**
   * The distribution: from the gitVersion suffix (+k3s, +rke2), else from what k3s, rke2 or
   * kubeadm put on nodes, else 'kubernetes'. Null before the first successful probe.
   */
  get distro(): KubernetesDistro | null {
    if (!this.versionValue) return null;
    const fromVersion = distroFromGitVersion(this.versionValue.gitVersion);
    if (fromVersion) return fromVersion;
    // All nodes of a cluster come from one distribution: the first one is enough.
    const first = this.caches.Node?.list()[0];
    return first?.distroHint ?? 'kubernetes';
  }

  /**
   * The cache of a kind (running or not). Created on first use: an idle cache holds nothing,
   * and a 1,000-cluster gateway would otherwise keep thousands of caches it never starts.
   */
  cache<K extends CachedKind>(kind: K): WatchCache<K> {
    const existing: WatchCache<K> | undefined = this.caches[kind];
    if (existing) return existing;
    const c = new WatchCache(kind, this.client, this.cacheOptions);
    c.onStatus(this.onCacheStatus);
    // TypeScript cannot write through a mapped type at a generic key; the slot of K holds a WatchCache<K>.
    (this.caches as { [P in K]?: WatchCache<P> })[kind] = c;
    return c;
  }

  /** Every cache created so far. */
  private createdCaches(): NonNullable<CacheSlots[CachedKind]>[] {
    return Object.values(this.caches);
  }

  /**
   * The cache of a kind, started if the cluster is reachable (else when it next is). Pods and
   * Deployments start this way, on first use.
   */
  ensure<K extends CachedKind>(kind: K): WatchCache<K> {
    const c = this.cache(kind);
    this.wanted.add(kind);
    if (this.lastContact !== null && !this.offline && this.phaseValue.state !== 'REMOVED') c.start();
    return c;
  }

  /** Kinds whose caches run or will run. */
  cachedKinds(): CachedKind[] {
    return [...this.wanted];
  }

  /** How current this cluster's data of the given kinds is. */
  freshness(kinds: readonly CachedKind[]): ClusterFreshness {
    const state = this.state;
    let observedAt = this.lastContact;
    let stale = state === 'OFFLINE' || state === 'CONNECTING' || state === 'REMOVED';
    let error: ClusterFreshness['error'];
    for (const kind of kinds) {
      const s = this.cache(kind).status();
      if (!s.synced) {
        observedAt = null;
        stale = true;
        error ??= s.error
          ? { code: errorCodeOf(s.error), message: s.error.message }
          : {
              code: ErrorCode.CLUSTER_UNREACHABLE,
              message: `${kind} cache of cluster ${this.name} is not synced yet`,
            };
        continue;
      }
      if (!s.watching) {
        stale = true;
        const until = s.lastLiveAt ?? s.lastSyncAt;
        if (observedAt !== null && until !== null) observedAt = Math.min(observedAt, until);
      }
      if (s.error && !error) error = { code: errorCodeOf(s.error), message: s.error.message };
    }
    if (state === 'OFFLINE') {
      error = {
        code: ErrorCode.CLUSTER_UNREACHABLE,
        message: `cluster ${this.name} is offline${this.lastErrorValue ? `: ${this.lastErrorValue.message}` : ''}`,
      };
    }
    return {
      cluster: this.name,
      state,
      observedAt: observedAt === null ? null : new Date(observedAt),
      stale,
      ...(error ? { error } : {}),
    };
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(listener: (change: ClusterStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async runProbes(): Promise<void> {
    while (!this.stopped) {
      try {
        // A READY cluster with an open HTTP/2 connection is probed with a PING (no stream,
        // next to no garbage: 200 probes/s for 1,000 clusters made the idle gateway's heap
        // saw-tooth); GET /version still runs every VERSION_REFRESH_MS, and whenever the
        // PING cannot be sent or anything failed before.
        const pinged =
          this.versionValue !== null &&
          this.probeFailures === 0 &&
          this.phaseValue.state === 'READY' &&
          Date.now() - this.versionAt < VERSION_REFRESH_MS &&
          (await this.client.ping({ timeoutMs: this.probeTimeoutMs }));
        if (!pinged) {
          this.versionValue = await this.client.version({ timeoutMs: this.probeTimeoutMs });
          this.versionAt = Date.now();
        }
        this.probeFailures = 0;
        this.probeError = null;
      } catch (e) {
        if (this.stopped) return;
        this.probeFailures += 1;
        this.probeError = this.recordError(e);
      }
      this.evaluate();
      if (this.stopped) return;
      await this.probeWait(this.nextProbeDelay());
    }
  }

  /** Waits ms, or until wakeProbe() (going OFFLINE, stop()). */
  private probeWait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeProbe = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakeProbe = wake;
    });
  }

  private nextProbeDelay(): number {
    const failing = this.probeFailures > 0;
    const phase = this.phaseValue;
    switch (phase.state) {
      case 'CONNECTING':
      case 'OFFLINE':
        return backoffDelay(Math.max(0, this.probeFailures - 1), this.reconnectBackoff);
      case 'SYNCING':
      case 'READY':
      case 'DEGRADED':
        return failing
          ? Math.min(this.probeIntervalMs, backoffDelay(this.probeFailures - 1, this.reconnectBackoff))
          : this.probeIntervalMs;
      case 'REMOVED':
        return this.probeIntervalMs;
      default:
        return unreachable(phase, 'connection phase');
    }
  }

  /** Any answer from the cluster. */
  private contact(at: number): void {
    const first = this.lastContact === null;
    this.lastContact = at;
    if (this.phaseValue.state === 'REMOVED') return;
    if (first || this.offline) queueMicrotask(() => this.reconnected());
  }

  /** First contact, or contact after OFFLINE: (re)start the caches and the offline clock. */
  private reconnected(): void {
    if (this.phaseValue.state === 'REMOVED') return;
    const wasOffline = this.offline;
    this.offline = false;
    // The cluster answered: failures from before say nothing about now.
    this.probeError = null;
    this.probeFailures = 0;
    this.batching = true;
    try {
      for (const kind of this.wanted) {
        const c = this.cache(kind);
        if (wasOffline) c.restart();
        else c.start();
      }
    } finally {
      this.batching = false;
    }
    this.armOfflineTimer();
    this.evaluate();
  }

  private armOfflineTimer(): void {
    clearTimeout(this.offlineTimer);
    const last = this.lastContact ?? this.startedAt ?? Date.now();
    const due = last + this.offlineAfterMs - Date.now();
    this.offlineTimer = setTimeout(() => this.checkOffline(), Math.max(0, due));
    this.offlineTimer.unref();
  }

  private checkOffline(): void {
    if (this.phaseValue.state === 'REMOVED' || this.offline) return;
    const last = this.lastContact ?? this.startedAt ?? Date.now();
    if (Date.now() - last < this.offlineAfterMs) {
      this.armOfflineTimer();
      return;
    }
    this.offline = true;
    this.batching = true;
    try {
      for (const c of this.createdCaches()) void c.stop();
    } finally {
      this.batching = false;
    }
    this.evaluate();
    this.wakeProbe?.();
  }

  private recordError(e: unknown): ClusterErrorInfo {
    const info: ClusterErrorInfo = isClusterRequestError(e)
      ? { code: errorCodeOf(e), kind: e.kind, message: e.message, at: new Date() }
      : {
          code: ErrorCode.INTERNAL,
          kind: 'http',
          message: 'internal error in the cluster layer',
          at: new Date(),
        };
    this.lastErrorValue = info;
    return info;
  }

  /** Derives the state from contact, probe and cache status. */
  private evaluate(): void {
    if (this.phaseValue.state === 'REMOVED' || this.batching) return;
    const now = Date.now();
    if (this.offline) return this.setPhase({ state: 'OFFLINE', since: now });
    if (this.lastContact === null) return this.setPhase({ state: 'CONNECTING', since: now });
    const reasons: string[] = [];
    let unsynced = false;
    for (const kind of this.wanted) {
      const s = this.cache(kind).status();
      if (!s.synced || !s.caughtUp) unsynced = true;
      if (s.error) {
        reasons.push(`${kind}: ${s.error.message}`);
        if (this.lastErrorValue?.message !== s.error.message) this.recordError(s.error);
      }
    }
    if (this.probeError) reasons.push(`probe: ${this.probeError.message}`);
    if (reasons.length > 0) return this.setPhase({ state: 'DEGRADED', since: now, reasons });
    this.setPhase(unsynced ? { state: 'SYNCING', since: now } : { state: 'READY', since: now });
  }

  private setPhase(next: ConnectionPhase): void {
    const prev = this.phaseValue;
    if (prev.state === next.state) {
      if (next.state === 'DEGRADED') this.phaseValue = { ...next, since: prev.since };
      return;
    }
    this.phaseValue = next;
    const change: ClusterStateChange = {
      cluster: this.name,
      from: prev.state,
      to: next.state,
      at: new Date(next.since),
      reasons: next.state === 'DEGRADED' ? next.reasons : [],
      lastError: this.lastErrorValue,
    };
    for (const l of [...this.listeners]) l(change);
  }
}
