/**
 * The narrow interface the gateway uses to talk to one cluster: list, get, watch, version.
 * Every failure is a typed ClusterRequestError. The one implementation
 * (client-node-kube-client.ts) takes credentials from @kubernetes/client-node and speaks
 * HTTP/2 (http2-connection.ts) or HTTP/1.1.
 */
import type { AbortSignalLike } from './abort-flag.js';
import { ClientNodeKubeClient } from './client-node-kube-client.js';
import type { ConnectionCredentials } from './credentials.js';
import type { Http2ConnectionOptions } from './http2-connection.js';
import type { RequestLimitStats } from './request-limit.js';

/** Query parameters; undefined values are left out. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** Per-call options. */
export interface CallOptions {
  /** Deadline of the call, queue wait included, in ms. @default the client's requestTimeoutMs */
  timeoutMs?: number;
  /** Aborts the call (it then fails with kind 'aborted'): an AbortSignal, or an AbortFlag. */
  signal?: AbortSignalLike;
}

/** Methods of writes. */
export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options of a write. */
export interface WriteOptions extends CallOptions {
  /** Query parameters (fieldManager, force, dryRun, propagationPolicy). */
  query?: Query;
  /** Content type of the JSON body, e.g. application/apply-patch+yaml. @default application/json */
  contentType?: string;
}

/** One page of a list. */
export interface KubeList {
  /** Items as parsed JSON. */
  items: unknown[];
  /** The list's resourceVersion (watch from here). */
  resourceVersion: string;
  /** Continue token of the next page, when there is one. */
  continueToken: string | undefined;
}

/** Types of watch events handed to callers (ERROR events become a rejected watch). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/** One watch event. */
export interface WatchEvent {
  type: WatchEventType;
  object: Record<string, unknown>;
}

/** What /version answers. */
export interface KubeVersion {
  gitVersion: string;
  major: string;
  minor: string;
  platform: string | undefined;
}

/** Counters of one client. */
export interface KubeClientStats extends RequestLimitStats {
  /** Watches streaming or connecting. */
  watches: number;
  /** When the cluster last answered anything (epoch ms), null before the first answer. */
  lastContactAt: number | null;
}

/** The gateway's view of one cluster's API. */
export interface KubeClient {
  /** Name of the cluster (for messages). */
  readonly cluster: string;
  /** GET a path; resolves with parsed JSON. */
  get(path: string, query?: Query, opts?: CallOptions): Promise<unknown>;
  /** GET one page of a list. */
  list(path: string, query?: Query, opts?: CallOptions): Promise<KubeList>;
  /**
   * Sends a write with a JSON body (none for undefined) under the concurrency limit and the
   * deadline; resolves with the parsed answer (null for an empty one). Errors as for get.
   */
  write(method: WriteMethod, path: string, body: unknown, opts?: WriteOptions): Promise<unknown>;
  /** GET /version. */
  version(opts?: CallOptions): Promise<KubeVersion>;
  /**
   * Liveness without a request: an HTTP/2 PING on the cluster's open connection, which counts
   * as contact when answered. Resolves false when there is no HTTP/2 connection open (then
   * probe with version()); rejects like a request ('timeout', 'unreachable') when the PING is
   * not answered within the deadline.
   */
  ping(opts?: CallOptions): Promise<boolean>;
  /**
   * Streams a watch, calling onEvent for each event. Resolves when the server ends the stream
   * (or `timeoutSeconds` from the query passed, plus a grace period, or the stream stayed
   * silent for watchIdleTimeoutMs); rejects with a
   * ClusterRequestError otherwise: 'expired' for 410 (HTTP or ERROR event), 'http' for other
   * statuses (e.g. 504 ResourceVersionTooLarge), 'unreachable' when the stream breaks,
   * 'aborted' when signal aborts. Settles exactly once; not subject to the concurrency limit.
   * onOpen runs once the server has accepted the watch (200), before any event.
   */
  watch(
    path: string,
    query: Query,
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignalLike,
    onOpen?: () => void,
  ): Promise<void>;
  /** Current counters. */
  stats(): KubeClientStats;
  /** Aborts every call and watch and closes the connections (HTTP/2 session, agent); later calls fail with 'aborted'. */
  close(): void;
}

/**
 * Requests in flight to one cluster at most, by default. kube-apiserver (k3s and RKE2 too)
 * admits 400 reads and 200 writes at once and multiplexes up to 100+ HTTP/2 streams a
 * connection, so this protects small edge API servers without starving bulk work: a restore
 * runs about 1.3-1.45 times as fast at 32 as at 8 (docs/benchmarks.md). `fleetgraph serve
 * --cluster-max-requests` changes it.
 */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 32;

/** Options of createKubeClient. */
export interface KubeClientOptions {
  /** Requests in flight at most (watches excluded). @default DEFAULT_MAX_CONCURRENT_REQUESTS */
  maxConcurrentRequests?: number;
  /** Default deadline of a call, queue wait included, in ms. @default 10000 */
  requestTimeoutMs?: number;
  /** Largest response body accepted (and longest watch line), in bytes. @default 67108864 */
  maxResponseBytes?: number;
  /** Extra time a watch gets beyond its timeoutSeconds before the client cuts it, in ms. @default 15000 */
  watchGraceMs?: number;
  /**
   * A watch that sends nothing (no event, no bookmark) for this long is presumed dead (a
   * half-open connection) and ended normally, so its owner resumes it. Apiservers send
   * bookmarks about once a minute to watches that allow them. @default 180000
   */
  watchIdleTimeoutMs?: number;
  /** Called whenever the cluster answers (any HTTP status, any watch data). */
  onContact?: (at: number) => void;
  /**
   * Multiplex every request and watch over one HTTP/2 connection when the server offers h2
   * (ALPN); false keeps HTTP/1.1, one socket per open watch. @default true
   */
  http2?: boolean;
  /** Liveness PINGs and flow-control windows of the HTTP/2 connection. */
  http2Connection?: Http2ConnectionOptions;
}

/** A KubeClient for one cluster. */
export function createKubeClient(
  cluster: string,
  credentials: ConnectionCredentials,
  options: KubeClientOptions = {},
): KubeClient {
  return new ClientNodeKubeClient(cluster, credentials, options);
}
