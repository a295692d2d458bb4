/**
 * The fleet's read side as the API serves it: every list paged, with per-cluster freshness
 * and per-cluster problems (CLUSTER_UNREACHABLE and friends) as data rather than a failed
 * request, from the caches (CACHED) or the API servers (LIVE); plus the cluster views,
 * sites and the fleet summary. No GraphQL here: resolvers and scripts call it alike.
 */
import type { CachedKind } from '../clusters/cached-kinds.js';
import type { ClusterFreshness } from '../clusters/cluster-connection.js';
import type {
  ClusterOverride,
  DeploymentQuery,
  EventQuery,
  FleetDeployment,
  FleetEvent,
  FleetNamespace,
  FleetNode,
  FleetPod,
  FleetResult,
  FleetService,
  NodeQuery,
  ObjectQuery,
  PodQuery,
  ServiceQuery,
} from '../clusters/fleet-queries.js';
import type { NodeProjection, NodeReadiness, ObjectIdentity } from '../clusters/projections.js';
import { FleetError, notFound } from '../errors.js';
import { ErrorCode, type Architecture, type ClusterState, type ClusterTarget } from '../vocabulary.js';
import type { ConnectedCluster, FleetConnections } from './fleet-connections.js';
import { liveDeadline, LiveReads } from './live-reads.js';
import { paginate, type Page, type PageRequest, type SortFields } from './pagination.js';

/** Where a read comes from. */
export type Consistency = 'CACHED' | 'LIVE';

/** How to read. */
export interface ReadMode {
  /** @default 'CACHED' */
  consistency?: Consistency | null | undefined;
  /** Deadline of a LIVE read in ms. @default 5000 */
  deadlineMs?: number | null | undefined;
  /** The request's live reader; one per request so its loader batches the request's lists. */
  live?: LiveReads;
}

/** A cluster's freshness with its site and since when it is offline. */
export interface Freshness extends ClusterFreshness {
  site: string;
  offlineSince: Date | null;
}

/** A page of a fleet list with each targeted cluster's freshness and the problems to report. */
export interface FleetPage<T> extends Page<T> {
  freshness: Freshness[];
  /** Per-cluster problems, reported as GraphQL errors next to the data. */
  problems: FleetError[];
}

/** Nodes per site x architecture x readiness. */
export interface SummaryGroup {
  site: string;
  architecture: Architecture | null;
  readiness: NodeReadiness;
  nodes: number;
  clusters: number;
}

/** What fleetSummary answers. */
export interface FleetSummary {
  clusters: number;
  clustersByState: { state: ClusterState; count: number }[];
  nodes: number;
  groups: SummaryGroup[];
  freshness: Freshness[];
  problems: FleetError[];
}

/** A site with its clusters. */
export interface SiteSummary {
  name: string;
  clusters: ConnectedCluster[];
  architectures: Architecture[];
}

/** Per-cluster errors reported individually; past this, one error sums up the rest. */
const MAX_PROBLEMS = 50;

/** The read side of the fleet. */
export class FleetReads {
  constructor(private readonly connections: FleetConnections) {}

  /** A new live reader for one request. */
  liveReader(): LiveReads {
    return new LiveReads(this.connections.index);
  }

  /** Nodes. */
  async nodes(q: NodeQuery, page: PageRequest, mode: ReadMode = {}): Promise<FleetPage<FleetNode>> {
    const opts = await this.readOptions(q.target, ['Node'], mode);
    return this.page('nodes', this.connections.index.nodes(q, opts), (i) => i.node, page);
  }

  /** Pods. */
  async pods(q: PodQuery, page: PageRequest, mode: ReadMode = {}): Promise<FleetPage<FleetPod>> {
    const opts = await this.readOptions(q.target, ['Pod', 'Node'], mode);
    return this.page('pods', await this.connections.index.pods(q, opts), (i) => i.pod, page);
  }

  /** Deployments. */
  async deployments(
    q: DeploymentQuery,
    page: PageRequest,
    mode: ReadMode = {},
  ): Promise<FleetPage<FleetDeployment>> {
    const opts = await this.readOptions(q.target, ['Deployment', 'Pod', 'Node'], mode);
    return this.page(
      'deployments',
      await this.connections.index.deployments(q, opts),
      (i) => i.deployment,
      page,
    );
  }

  /** Namespaces. */
  async namespaces(
    q: ObjectQuery,
    page: PageRequest,
    mode: ReadMode = {},
  ): Promise<FleetPage<FleetNamespace>> {
    const opts = await this.readOptions(q.target, ['Namespace'], mode);
    return this.page('namespaces', this.connections.index.namespaces(q, opts), (i) => i.namespace, page);
  }

  /** Services. */
  async services(q: ServiceQuery, page: PageRequest, mode: ReadMode = {}): Promise<FleetPage<FleetService>> {
    const opts = await this.readOptions(q.target, ['Service'], mode);
    return this.page('services', await this.connections.index.services(q, opts), (i) => i.service, page);
  }

  /** core/v1 Events. */
  async events(q: EventQuery, page: PageRequest, mode: ReadMode = {}): Promise<FleetPage<FleetEvent>> {
    const opts = await this.readOptions(q.target, ['Event'], mode);
    return this.page('events', await this.connections.index.events(q, opts), (i) => i.event, page);
  }

  /** Registered clusters the target selects, by name; VALIDATION_FAILED for a bad selector. */
  clusters(target: ClusterTarget | undefined): { clusters: ConnectedCluster[]; problems: FleetError[] } {
    const { clusters, unknown } = this.connections.index.resolveTarget(target);
    return {
      clusters: clusters.flatMap((n) => this.connections.get(n) ?? []),
      problems: unknown.map((n) => notFound('cluster', n, { cluster: n })),
    };
  }

  /** One cluster, or undefined. */
  cluster(name: string): ConnectedCluster | undefined {
    return this.connections.get(name);
  }

  /** A cluster's node architectures, sorted. */
  architecturesOf(name: string): Architecture[] {
    return this.connections.index.clusterArchitectures(name);
  }

  /** A node from a cluster's cache. */
  nodeOf(cluster: string, name: string): NodeProjection | undefined {
    return this.connections.index.reader(cluster)?.get('Node', '', name);
  }

  /** Number of nodes in a cluster's cache. */
  nodeCountOf(name: string): number {
    return this.connections.index.reader(name)?.list('Node').length ?? 0;
  }

  /** Sites of the targeted clusters, by name; unknown cluster names are problems. */
  sites(target: ClusterTarget | undefined): { sites: SiteSummary[]; problems: FleetError[] } {
    const bySite = new Map<string, ConnectedCluster[]>();
    const { clusters, problems } = this.clusters(target);
    for (const c of clusters) {
      const list = bySite.get(c.registered.site) ?? [];
      list.push(c);
      bySite.set(c.registered.site, list);
    }
    const sites = [...bySite.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, members]) => ({
        name,
        clusters: members,
        architectures: [...new Set(members.flatMap((c) => this.architecturesOf(c.registered.name)))].sort(),
      }));
    return { sites, problems };
  }

  /** Node counts by site x architecture x readiness, and clusters by state. */
  summary(target: ClusterTarget | undefined): FleetSummary {
    const result = this.connections.index.nodes({ ...(target ? { target } : {}) });
    const groups = new Map<string, SummaryGroup & { clusterSet: Set<string> }>();
    for (const { cluster, node } of result.items) {
      const site = this.siteOf(cluster);
      const key = `${site}\u0000${node.architecture ?? ''}\u0000${node.readiness}`;
      let g = groups.get(key);
      if (!g) {
        g = {
          site,
          architecture: node.architecture,
          readiness: node.readiness,
          nodes: 0,
          clusters: 0,
          clusterSet: new Set(),
        };
        groups.set(key, g);
      }
      g.nodes += 1;
      g.clusterSet.add(cluster);
    }
    const byState = new Map<ClusterState, number>();
    for (const f of result.clusters) byState.set(f.state, (byState.get(f.state) ?? 0) + 1);
    const freshness = result.clusters.map((f) => this.freshness(f));
    return {
      clusters: result.clusters.length,
      clustersByState: [...byState.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([state, count]) => ({ state, count })),
      nodes: result.items.length,
      groups: [...groups.values()]
        .map(({ clusterSet, ...g }) => ({ ...g, clusters: clusterSet.size }))
        .sort(
          (a, b) =>
            cmp(a.site, b.site) ||
            cmp(a.architecture ?? '', b.architecture ?? '') ||
            cmp(a.readiness, b.readiness),
        ),
      freshness,
      problems: this.problems(freshness, result.unknownClusters),
    };
  }

  /** A cluster's site ('' when unknown). */
  siteOf(cluster: string): string {
    return this.connections.get(cluster)?.registered.site ?? '';
  }

  /** Freshness with site and offline time. */
  freshness(f: ClusterFreshness): Freshness {
    const phase = this.connections.get(f.cluster)?.connection.phase;
    return {
      ...f,
      site: this.siteOf(f.cluster),
      offlineSince: phase?.state === 'OFFLINE' ? new Date(phase.since) : null,
    };
  }

  /** Problems to report: one per cluster with an error (capped), one per unknown cluster name. */
  problems(freshness: readonly Freshness[], unknownClusters: readonly string[]): FleetError[] {
    const out: FleetError[] = unknownClusters.map((n) => notFound('cluster', n, { cluster: n }));
    const failing = freshness.filter((f) => f.error !== undefined);
    for (const f of failing.slice(0, MAX_PROBLEMS)) {
      const error = f.error;
      if (!error) continue;
      out.push(
        new FleetError(error.code, error.message, {
          cluster: f.cluster,
          site: f.site,
          state: f.state,
          stale: f.stale,
          ...(f.observedAt ? { observedAt: f.observedAt.toISOString() } : {}),
        }),
      );
    }
    if (failing.length > MAX_PROBLEMS) {
      out.push(
        new FleetError(
          ErrorCode.CLUSTER_UNREACHABLE,
          `${failing.length - MAX_PROBLEMS} more clusters have problems; see freshness for each`,
          { clusters: failing.slice(MAX_PROBLEMS).map((f) => f.cluster) },
        ),
      );
    }
    return out;
  }

  private async readOptions(
    target: ClusterTarget | undefined,
    kinds: readonly CachedKind[],
    mode: ReadMode,
  ): Promise<{ overrides?: ReadonlyMap<string, ClusterOverride> }> {
    const deadlineMs = liveDeadline(mode.deadlineMs);
    if ((mode.consistency ?? 'CACHED') === 'CACHED') return {};
    const live = mode.live ?? this.liveReader();
    return { overrides: await live.overrides(target, kinds, deadlineMs) };
  }

  private page<T extends { cluster: string }>(
    list: string,
    result: FleetResult<T>,
    identity: (item: T) => ObjectIdentity,
    req: PageRequest,
  ): FleetPage<T> {
    const sortFields = (item: T): SortFields => {
      const o = identity(item);
      return {
        cluster: item.cluster,
        site: this.siteOf(item.cluster),
        namespace: o.namespace,
        name: o.name,
        createdAt: o.creationTimestamp,
      };
    };
    const page = paginate(list, result.items, sortFields, req, true);
    const freshness = result.clusters.map((f) => this.freshness(f));
    return { ...page, freshness, problems: this.problems(freshness, result.unknownClusters) };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
