/**
 * fleetgraph's shared vocabulary: error codes, cluster states, architectures and the cluster
 * target. Dependency-free, so every layer (store, services, resolvers, SDK) can import it.
 */

/** Error codes carried in GraphQL `extensions.code`, one list for the whole API. */
export const ErrorCode = {
  /** Input failed validation; the message says what was received and what is expected. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** The named object (cluster, rollout, backup, ...) does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** The write conflicts with existing state (duplicate name, stale version). */
  CONFLICT: 'CONFLICT',
  /** No or bad credentials. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Authenticated, but not allowed. */
  FORBIDDEN: 'FORBIDDEN',
  /** A cluster did not answer within the deadline; its part of a result is missing or stale. */
  CLUSTER_UNREACHABLE: 'CLUSTER_UNREACHABLE',
  /** A cluster answered with an error. */
  CLUSTER_ERROR: 'CLUSTER_ERROR',
  /** A cursor is older than the retained event log: re-query state, then subscribe again. */
  CURSOR_EXPIRED: 'CURSOR_EXPIRED',
  /** An image lacks a platform that target nodes need. */
  IMAGE_PLATFORM_MISSING: 'IMAGE_PLATFORM_MISSING',
  /** A query or request exceeded a limit (depth, cost, aliases, page size, body size). */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** A kubeconfig could not be read or lacks what was asked for. */
  KUBECONFIG_INVALID: 'KUBECONFIG_INVALID',
  /** A backup archive failed verification: missing, truncated or changed since it was written. */
  BACKUP_INVALID: 'BACKUP_INVALID',
  /** Something failed inside the gateway; details are in its log, not in the response. */
  INTERNAL: 'INTERNAL',
} as const;
/** One of ErrorCode. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** True when v is one of the API's error codes. */
export function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(ErrorCode, v);
}

/**
 * A cluster connection's state.
 * - CONNECTING: no successful contact yet (or reconnecting after OFFLINE).
 * - SYNCING: reachable; initial lists of the watch caches still running.
 * - READY: reachable and every cache synced and watching.
 * - DEGRADED: reachable, but some watches or requests are failing.
 * - OFFLINE: unreachable for longer than the detection time; data served stale.
 * - REMOVED: unregistered; the connection is shutting down.
 */
export const ClusterState = {
  CONNECTING: 'CONNECTING',
  SYNCING: 'SYNCING',
  READY: 'READY',
  DEGRADED: 'DEGRADED',
  OFFLINE: 'OFFLINE',
  REMOVED: 'REMOVED',
} as const;
/** One of ClusterState. */
export type ClusterState = (typeof ClusterState)[keyof typeof ClusterState];

/** CPU architectures as the API names them; values map to kubernetes.io/arch labels. */
export const Architecture = {
  AMD64: 'AMD64',
  ARM64: 'ARM64',
  ARM: 'ARM',
  PPC64LE: 'PPC64LE',
  S390X: 'S390X',
  RISCV64: 'RISCV64',
  OTHER: 'OTHER',
} as const;
/** One of Architecture. */
export type Architecture = (typeof Architecture)[keyof typeof Architecture];

const KUBE_ARCH: Record<string, Architecture> = {
  amd64: 'AMD64',
  arm64: 'ARM64',
  arm: 'ARM',
  ppc64le: 'PPC64LE',
  s390x: 'S390X',
  riscv64: 'RISCV64',
};

/** The API architecture for a kubernetes.io/arch value (unknown values are OTHER). */
export function architectureFromKube(arch: string | undefined): Architecture | undefined {
  if (arch === undefined || arch === '') return undefined;
  return KUBE_ARCH[arch] ?? 'OTHER';
}

/** The kubernetes.io/arch value for an API architecture (undefined for OTHER). */
export function architectureToKube(arch: Architecture): string | undefined {
  for (const [k, v] of Object.entries(KUBE_ARCH)) if (v === arch) return k;
  return undefined;
}

/**
 * Which clusters an operation is about; reused by every query, subscription, rollout and
 * backup. All given fields must match (AND); an empty target means every cluster.
 */
export interface ClusterTarget {
  /** Cluster names. */
  clusters?: readonly string[];
  /** Sites. */
  sites?: readonly string[];
  /** Clusters with at least one node of one of these architectures. */
  architectures?: readonly Architecture[];
  /** A Kubernetes label selector over cluster labels, e.g. `tier=edge,env in (prod)`. */
  clusterLabelSelector?: string;
}

/** Throws at compile time when a switch misses a case; at run time, names the value. */
export function unreachable(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/**
 * What happened to a node, as the nodeEvents subscription reports it.
 * - NODE_ADDED / NODE_REMOVED: the node object appeared or went away.
 * - NODE_READY / NODE_NOT_READY / NODE_UNKNOWN: its Ready condition became True, False or
 *   Unknown (Unknown: the kubelet's heartbeats stopped).
 * - NODE_CONDITION_CHANGED: a pressure or network condition (MemoryPressure, DiskPressure,
 *   PIDPressure, NetworkUnavailable, ...) changed status.
 * - NODE_CORDONED / NODE_UNCORDONED: spec.unschedulable changed.
 * - KUBERNETES_EVENT: a core/v1 Event about the node was recorded (or its count grew).
 */
export const NodeEventType = {
  NODE_ADDED: 'NODE_ADDED',
  NODE_REMOVED: 'NODE_REMOVED',
  NODE_READY: 'NODE_READY',
  NODE_NOT_READY: 'NODE_NOT_READY',
  NODE_UNKNOWN: 'NODE_UNKNOWN',
  NODE_CONDITION_CHANGED: 'NODE_CONDITION_CHANGED',
  NODE_CORDONED: 'NODE_CORDONED',
  NODE_UNCORDONED: 'NODE_UNCORDONED',
  KUBERNETES_EVENT: 'KUBERNETES_EVENT',
} as const;
/** One of NodeEventType. */
export type NodeEventType = (typeof NodeEventType)[keyof typeof NodeEventType];

/**
 * What happened to a cluster, as the clusterEvents subscription reports it: transitions of
 * its ClusterState (ONLINE is READY; CONNECTING and SYNCING are steps on the way and not
 * reported) and its registration.
 */
export const ClusterEventType = {
  CLUSTER_ONLINE: 'CLUSTER_ONLINE',
  CLUSTER_DEGRADED: 'CLUSTER_DEGRADED',
  CLUSTER_OFFLINE: 'CLUSTER_OFFLINE',
  CLUSTER_REGISTERED: 'CLUSTER_REGISTERED',
  CLUSTER_UNREGISTERED: 'CLUSTER_UNREGISTERED',
} as const;
/** One of ClusterEventType. */
export type ClusterEventType = (typeof ClusterEventType)[keyof typeof ClusterEventType];

/**
 * WebSocket close code for a subscriber that fell too far behind (its buffer of undelivered
 * events overflowed). graphql-ws clients retry it (it is not one of the codes they treat as
 * fatal); resume with the last cursor received.
 */
export const CLOSE_SUBSCRIBER_TOO_SLOW = 4529;
