/**
 * The kinds the cluster layer keeps watch caches of: where each is listed and watched, and
 * how its objects are projected.
 */
import {
  projectDeployment,
  projectEvent,
  projectNamespace,
  projectNode,
  projectPod,
  projectService,
  type DeploymentProjection,
  type EventProjection,
  type NamespaceProjection,
  type NodeProjection,
  type PodProjection,
  type ServiceProjection,
} from './projections.js';

/** The projection type of each cached kind. */
export interface ProjectionByKind {
  Node: NodeProjection;
  Namespace: NamespaceProjection;
  Service: ServiceProjection;
  Event: EventProjection;
  Pod: PodProjection;
  Deployment: DeploymentProjection;
  /** core/v1 Events about nodes only (a field-selected watch), for the nodeEvents subscription. */
  NodeEvent: EventProjection;
}

/** A kind the cluster layer caches. */
export type CachedKind = keyof ProjectionByKind;

/** How one kind is listed, watched and projected. */
export interface CachedKindSpec<K extends CachedKind> {
  kind: K;
  /** All-namespaces collection path. */
  path: string;
  /** Extra list and watch parameters (a field selector). */
  query?: Readonly<Record<string, string>>;
  project: (obj: unknown) => ProjectionByKind[K] | undefined;
}

/** Every cached kind. */
export const CACHED_KINDS: { readonly [K in CachedKind]: CachedKindSpec<K> } = {
  Node: { kind: 'Node', path: '/api/v1/nodes', project: projectNode },
  Namespace: { kind: 'Namespace', path: '/api/v1/namespaces', project: projectNamespace },
  Service: { kind: 'Service', path: '/api/v1/services', project: projectService },
  Event: { kind: 'Event', path: '/api/v1/events', project: projectEvent },
  Pod: { kind: 'Pod', path: '/api/v1/pods', project: projectPod },
  Deployment: { kind: 'Deployment', path: '/apis/apps/v1/deployments', project: projectDeployment },
  NodeEvent: {
    kind: 'NodeEvent',
    path: '/api/v1/events',
    query: { fieldSelector: 'involvedObject.kind=Node' },
    project: projectEvent,
  },
};

/**
 * Kinds cached from the moment a cluster connects: what every fleet view needs (nodes for
 * architectures and readiness, namespaces to skip clusters a namespaced query cannot match),
 * and the Events about nodes that the nodeEvents subscription logs even while nobody listens.
 * Pods, Deployments, Services and Events start on first use (`ClusterConnection.ensure`) and
 * stay cached from then on: each open watch costs about 20 KiB per cluster, and Events are
 * the bulkiest kind, so caching them all from the start would put a 1,000-cluster gateway
 * past its memory budget (docs/benchmarks.md) for kinds many deployments never query.
 */
export const EAGER_KINDS: readonly CachedKind[] = ['Node', 'Namespace', 'NodeEvent'];
