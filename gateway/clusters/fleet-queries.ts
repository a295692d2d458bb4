/**
 * The fleet index's vocabulary: cluster metadata, queries, and results (items with their
 * cluster, plus every targeted cluster's freshness).
 */
import type { Architecture, ClusterTarget } from '../vocabulary.js';
import type { ClusterErrorInfo, ClusterFreshness, KubernetesDistro } from './cluster-connection.js';
import type { KubeVersion } from './kube-client.js';
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

/** Node query. */
export interface NodeQuery {
  target?: ClusterTarget;
  readiness?: NodeReadiness;
  /** A role from node-role.kubernetes.io/* labels ('worker' for nodes without one). */
  role?: string;
  unschedulable?: boolean;
  architecture?: Architecture;
}
/** Query of a namespaced kind. */
export interface NamespacedQuery {
  target?: ClusterTarget;
  namespace?: string;
}
/** Pod query. */
export interface PodQuery extends NamespacedQuery {
  nodeName?: string;
  phase?: string;
  architecture?: Architecture;
  /** Kubernetes label selector over pod labels. */
  labelSelector?: string;
}
/** Deployment query. */
export interface DeploymentQuery extends NamespacedQuery {
  name?: string;
  architecture?: Architecture;
}
/** Event query. */
export interface EventQuery extends NamespacedQuery {
  involvedKind?: string;
  involvedName?: string;
  type?: string;
}
