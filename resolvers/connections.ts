/** Relay connections: `nodes` is a shortcut for `edges { node }`. */
import type { Resolvers } from '../gateway/graphql/resolvers-types.generated.js';

const nodes = <T>(page: { edges: readonly { node: T }[] }): T[] => page.edges.map((e) => e.node);

export const connectionResolvers: Resolvers = {
  ClusterConnection: { nodes },
  NodeConnection: { nodes },
  PodConnection: { nodes },
  DeploymentConnection: { nodes },
  NamespaceConnection: { nodes },
  ServiceConnection: { nodes },
  EventConnection: { nodes },
  ResourceConnection: { nodes },
  EtcdSnapshotConnection: { nodes },
  AuditEntryConnection: { nodes },
};
