/**
 * The events the subscriptions deliver, as the event service makes them and the log stores
 * them (JSON). Times are ISO 8601 strings so a logged event reads back unchanged.
 */
import type { NodeProjection } from '../clusters/projections.js';
import type {
  Architecture,
  ClusterEventType,
  ClusterState,
  ClusterTarget,
  ErrorCode,
  NodeEventType,
} from '../vocabulary.js';
import type { NodeStateView } from './node-changes.js';

/** Where an event comes from: the cluster with its site and labels at the time. */
export interface EventOrigin {
  cluster: string;
  site: string;
  clusterLabels: Readonly<Record<string, string>>;
}

/** The core/v1 Event a KUBERNETES_EVENT reports. */
export interface KubernetesEventView {
  uid: string;
  namespace: string;
  name: string;
  reason: string | null;
  message: string | null;
  /** Normal or Warning. */
  type: string | null;
  count: number;
  sourceComponent: string | null;
}

/** What happened to a node. */
export interface NodeEventData extends EventOrigin {
  stream: 'node';
  type: NodeEventType;
  architecture: Architecture | null;
  nodeName: string;
  /** State before; null for NODE_ADDED and KUBERNETES_EVENT. */
  previous: NodeStateView | null;
  /** State after; null for NODE_REMOVED. */
  current: NodeStateView | null;
  /** For NODE_CONDITION_CHANGED: the condition type. */
  condition: string | null;
  kubernetesEvent: KubernetesEventView | null;
  /** When the gateway saw it (ISO). */
  observedAt: string;
  /** When it happened on the cluster, when the cluster says (ISO). */
  occurredAt: string | null;
  /** The node as last known (for NODE_REMOVED: before it went); null when never seen. */
  node: NodeProjection | null;
}

/** A cluster state transition or registry change. */
export interface ClusterEventData extends EventOrigin {
  stream: 'cluster';
  type: ClusterEventType;
  /** Architectures of its nodes, as last known. */
  architectures: Architecture[];
  /** The reported state before (null when none was reported yet). */
  previousState: ClusterState | null;
  state: ClusterState;
  reason: string | null;
  /** For CLUSTER_ONLINE after DEGRADED or OFFLINE: seconds since it stopped being READY. */
  outageSeconds: number | null;
  lastError: { code: ErrorCode; message: string; at: string } | null;
  observedAt: string;
}

/** A rollout's progress: one cluster's step changed state, or the rollout's phase did. */
export interface RolloutEventData {
  stream: 'rollout';
  rolloutId: string;
  /** CLUSTER_STATE: a cluster's step changed; PHASE: the rollout's phase changed. */
  type: 'CLUSTER_STATE' | 'PHASE';
  /** The cluster of a CLUSTER_STATE event; null for PHASE. */
  cluster: string | null;
  site: string | null;
  previousState: string | null;
  state: string | null;
  /** The rollout's phase after the change. */
  phase: string;
  message: string | null;
  observedAt: string;
}

/** Progress of a backup or a restore: its phase and how many objects are done. */
export interface BackupEventData {
  stream: 'backup';
  /** The backup's or the restore's id. */
  id: string;
  type: 'BACKUP' | 'RESTORE';
  cluster: string;
  phase: string;
  /** Objects captured (backup) or processed (restore) so far. */
  objects: number;
  message: string | null;
  observedAt: string;
}

/** Any kind of event. */
export type FleetEventData = NodeEventData | ClusterEventData | RolloutEventData | BackupEventData;

/** An event as delivered: its data, position and cursor. */
export type Delivered<E extends FleetEventData> = E & { seq: number; cursor: string };

/** Which node events a subscriber wants. */
export interface NodeEventFilter {
  target?: ClusterTarget;
  /** Event types; absent means all. */
  types?: readonly NodeEventType[];
  /** Node names; absent means all. */
  nodes?: readonly string[];
}

/** Which cluster events a subscriber wants. */
export interface ClusterEventFilter {
  target?: ClusterTarget;
  types?: readonly ClusterEventType[];
}
