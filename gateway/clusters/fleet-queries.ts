/**
 * The fleet index's vocabulary: cluster metadata, queries, and results (items with their
 * cluster, plus every targeted cluster's freshness).
 */
import type { Architecture, ClusterTarget } from '../vocabulary.js';
import type { ClusterErrorInfo, ClusterFreshness, KubernetesDistro } from './cluster-connection.js';
import type { KubeVersion } from './kube-client.js';
import type { CachedKind, ProjectionByKind } from './cached-kinds.js';
import type {
  DeploymentProjection,
  EventProjection,
  NamespaceProjection,
  NodeProjection,
  NodeReadiness,
  PodProjection,
  ServiceProjection,
} from './projections.js';

/** What the registry knows about a cluster. */
export interface ClusterMetadata {
  name: string;
  site: string;
  labels: Readonly<Record<string, string>>;
}

/** Items of a fleet query plus how current each targeted cluster's part is. */
export interface FleetResult<T> {
  /** Ordered by (cluster, namespace, name). */
  items: T[];
  /** One entry per targeted cluster, by cluster name. */
  clusters: ClusterFreshness[];
  /** Names in `target.clusters` that are not registered. */
  unknownClusters: string[];
}

/** A node with its cluster. */
export interface FleetNode {
  cluster: string;
  node: NodeProjection;
}
/** A pod with its cluster and its node's architecture (null while unscheduled). */
export interface FleetPod {
  cluster: string;
  pod: PodProjection;
  architecture: Architecture | null;
}
/** A deployment with its cluster and architectures (its pods' nodes' plus its arch constraints). */
export interface FleetDeployment {
  cluster: string;
  deployment: DeploymentProjection;
  architectures: Architecture[];
}
/** A namespace with its cluster. */
export interface FleetNamespace {
  cluster: string;
  namespace: NamespaceProjection;
}
/** A service with its cluster. */
export interface FleetService {
  cluster: string;
  service: ServiceProjection;
}
/** An event with its cluster. */
export interface FleetEvent {
  cluster: string;
  event: EventProjection;
}

/** One cluster as the fleet sees it. */
export interface FleetClusterSummary extends ClusterMetadata {
  state: ClusterFreshness['state'];
  architectures: Architecture[];
  version: KubeVersion | null;
  distro: KubernetesDistro | null;
  lastSeen: Date | null;
  lastError: ClusterErrorInfo | null;
}

/**
 * Reads one cluster's objects: from its watch caches, or from a live read of its API server.
 * Lists are in no particular order.
 */
export interface ClusterReader {
  list<K extends CachedKind>(kind: K, namespace?: string): readonly ProjectionByKind[K][];
  get<K extends CachedKind>(kind: K, namespace: string, name: string): ProjectionByKind[K] | undefined;
}

/** A live read of one cluster, replacing its caches for one query. */
export interface ClusterOverride {
  reader: ClusterReader;
  freshness: ClusterFreshness;
}

/** Options of one fleet query. */
export interface ReadOptions {
  /** Per-cluster readers to use instead of the caches (LIVE reads), by cluster name. */
  overrides?: ReadonlyMap<string, ClusterOverride>;
}

/** Fields every object query has. `target.architectures` also narrows nodes, pods and deployments. */
export interface ObjectQuery {
  target?: ClusterTarget;
  /** Exact object name. */
  name?: string;
  /** Kubernetes label selector over object labels. */
  labelSelector?: string;
}

/** Node query. */
export interface NodeQuery extends ObjectQuery {
  readiness?: NodeReadiness;
  /** A role from node-role.kubernetes.io/* labels ('worker' for nodes without one). */
  role?: string;
  unschedulable?: boolean;
}
/** Query of a namespaced kind. */
export interface NamespacedQuery extends ObjectQuery {
  namespace?: string;
}
/** Pod query. */
export interface PodQuery extends NamespacedQuery {
  nodeName?: string;
  phase?: string;
}
/** A deployment's availability. */
export type DeploymentAvailability = 'AVAILABLE' | 'PROGRESSING' | 'UNAVAILABLE' | 'SCALED_TO_ZERO';
/** Deployment query. */
export interface DeploymentQuery extends NamespacedQuery {
  availability?: DeploymentAvailability;
  /** An image, or an image prefix when it has no tag or ends in ':'. */
  image?: string;
}
/** Service query. */
export interface ServiceQuery extends NamespacedQuery {
  type?: string;
}
/** Event query. */
export interface EventQuery extends NamespacedQuery {
  involvedKind?: string;
  involvedName?: string;
  type?: string;
  reason?: string;
}
