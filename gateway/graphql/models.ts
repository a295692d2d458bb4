/**
 * What resolvers receive for each GraphQL object type (codegen.yml maps types to these):
 * the services' own values, so resolvers stay thin.
 */
import type {
  FleetDeployment,
  FleetEvent,
  FleetNamespace,
  FleetNode,
  FleetPod,
  FleetService,
} from '../clusters/fleet-queries.js';
import type { ConnectedCluster } from '../service/fleet-connections.js';
import type { FleetPage, FleetSummary, Freshness, SiteSummary } from '../service/fleet-reads.js';
import type { EtcdSnapshot, FleetApiResource, FleetResource } from '../service/fleet-resources.js';
import type { Page } from '../service/pagination.js';
import type { AuditEntry } from '../store/types.js';
import type {
  BackupEventData,
  ClusterEventData,
  Delivered,
  NodeEventData,
  RolloutEventData,
} from '../events/types.js';
import type { Rollout } from '../rollouts/types.js';

export type ClusterView = ConnectedCluster;
export type SiteView = SiteSummary;
export type FleetSummaryView = FleetSummary;
export type FreshnessView = Freshness;
export type ResourceView = FleetResource;
export type NodePage = FleetPage<FleetNode>;
export type PodPage = FleetPage<FleetPod>;
export type DeploymentPage = FleetPage<FleetDeployment>;
export type NamespacePage = FleetPage<FleetNamespace>;
export type ServicePage = FleetPage<FleetService>;
export type EventPage = FleetPage<FleetEvent>;
export type ResourcePage = FleetPage<FleetResource>;
export type EtcdSnapshotPage = FleetPage<EtcdSnapshot>;
export type ClusterPage = Page<ConnectedCluster>;
export type AuditPageView = Page<AuditEntry>;
export interface ApiResourceListView {
  resources: FleetApiResource[];
  freshness: Freshness[];
}
export type NodeEventView = Delivered<NodeEventData>;
export type ClusterEventView = Delivered<ClusterEventData>;
export type RolloutEventView = Delivered<RolloutEventData>;
export interface RolloutPageView {
  rollouts: Rollout[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}
export type BackupEventView = Delivered<BackupEventData>;
