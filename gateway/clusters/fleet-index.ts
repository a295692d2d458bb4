/**
 * The fleet-wide view over the cluster connections. Cluster metadata (name, site, labels)
 * comes from outside (the registry); architectures and namespaces come from each cluster's
 * node and namespace caches. Indexes by site, label, architecture and namespace let a query
 * touch only the clusters it targets; no query calls a cluster, they read watch caches.
 * Every result carries the freshness of every targeted cluster, so one failing cluster
 * never blanks the fleet view.
 */
import { validationFailed } from '../errors.js';
import type { Architecture, ClusterTarget } from '../vocabulary.js';
import { matchesLabels, parseLabelSelector, type LabelSelector } from '../../sim/selectors.js';
import type { CachedKind } from './cached-kinds.js';
import type { ClusterConnection, ClusterFreshness } from './cluster-connection.js';
import type {
  ClusterMetadata,
  ClusterReader,
  DeploymentQuery,
  EventQuery,
  FleetClusterSummary,
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
  ReadOptions,
  ServiceQuery,
} from './fleet-queries.js';
import { deploymentAvailability, deploymentPodArchitectures, imageMatches } from './deployment-facts.js';
import type { ObjectIdentity } from './projections.js';

/** Options of a FleetIndex. */
export interface FleetIndexOptions {
  /** How long a query waits for a lazily started cache (pods, deployments) to sync, in ms. @default 3000 */
  lazySyncWaitMs?: number;
}

interface Entry {
  metadata: ClusterMetadata;
  connection: ClusterConnection;
  archCounts: Map<Architecture, number>;
  unsubscribe: () => void;
}

/** The fleet-wide index over cluster connections. */
export class FleetIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly bySite = new Map<string, Set<string>>();
  private readonly byLabel = new Map<string, Set<string>>();
  private readonly byArch = new Map<Architecture, Set<string>>();
  private readonly byNamespace = new Map<string, Set<string>>();
  private readonly lazySyncWaitMs: number;

  constructor(
    clusters: Iterable<{ metadata: ClusterMetadata; connection: ClusterConnection }> = [],
    options: FleetIndexOptions = {},
  ) {
    this.lazySyncWaitMs = options.lazySyncWaitMs ?? 3000;
    for (const c of clusters) this.upsertCluster(c.metadata, c.connection);
  }

  /** Adds a cluster or replaces its metadata and/or connection. */
  upsertCluster(metadata: ClusterMetadata, connection: ClusterConnection): void {
    const existing = this.entries.get(metadata.name);
    if (existing && existing.connection === connection) {
      this.unindexMetadata(existing.metadata);
      existing.metadata = { ...metadata, labels: { ...metadata.labels } };
      this.indexMetadata(existing.metadata);
      return;
    }
    if (existing) this.removeCluster(metadata.name);
    const entry: Entry = {
      metadata: { ...metadata, labels: { ...metadata.labels } },
      connection,
      archCounts: new Map(),
      unsubscribe: () => undefined,
    };
    this.entries.set(metadata.name, entry);
    this.indexMetadata(entry.metadata);
    const name = metadata.name;
    for (const node of connection.cache('Node').list()) this.countArch(entry, node.architecture, 1);
    for (const ns of connection.cache('Namespace').list()) addTo(this.byNamespace, ns.name, name);
    const offNodes = connection.cache('Node').onChange((c) => {
      if (c.previous) this.countArch(entry, c.previous.architecture, -1);
      if (c.type === 'upsert') this.countArch(entry, c.current.architecture, 1);
    });
    const offNamespaces = connection.cache('Namespace').onChange((c) => {
      if (c.type === 'delete') removeFrom(this.byNamespace, c.previous.name, name);
      else addTo(this.byNamespace, c.current.name, name);
    });
    entry.unsubscribe = () => {
      offNodes();
      offNamespaces();
    };
  }

  /** Forgets a cluster (its connection is the caller's to stop); returns whether it was known. */
  removeCluster(name: string): boolean {
    const entry = this.entries.get(name);
    if (!entry) return false;
    entry.unsubscribe();
    this.unindexMetadata(entry.metadata);
    for (const arch of entry.archCounts.keys()) removeFrom(this.byArch, arch, name);
    for (const ns of entry.connection.cache('Namespace').list()) removeFrom(this.byNamespace, ns.name, name);
    this.entries.delete(name);
    return true;
  }

  /**
   * The registered clusters a target selects, sorted, plus the unknown names it lists.
   * Fields AND together; a field given as an empty list matches nothing. Throws a
   * VALIDATION_FAILED FleetError for a malformed clusterLabelSelector.
   */
  resolveTarget(target: ClusterTarget = {}): { clusters: string[]; unknown: string[] } {
    const sets: Set<string>[] = [];
    let unknown: string[] = [];
    if (target.clusters !== undefined) {
      sets.push(new Set(target.clusters.filter((n) => this.entries.has(n))));
      unknown = [...new Set(target.clusters.filter((n) => !this.entries.has(n)))].sort();
    }
    if (target.sites !== undefined) sets.push(unionOf(this.bySite, target.sites));
    if (target.architectures !== undefined) sets.push(unionOf(this.byArch, target.architectures));
    const selector = this.parseSelector(target.clusterLabelSelector);
    for (const r of selector?.requirements ?? []) {
      if (r.operator === '=' || r.operator === '==' || r.operator === 'in') {
        sets.push(
          unionOf(
            this.byLabel,
            r.values.map((v) => `${r.key}=${v}`),
          ),
        );
      }
    }
    sets.sort((a, b) => a.size - b.size);
    const [smallest, ...rest] = sets;
    const pool: Iterable<string> = smallest ?? this.entries.keys();
    const clusters: string[] = [];
    for (const name of pool) {
      if (!rest.every((s) => s.has(name))) continue;
      const entry = this.entries.get(name);
      if (entry && (!selector || matchesLabels(selector, entry.metadata.labels))) clusters.push(name);
    }
    return { clusters: clusters.sort(), unknown };
  }

  /** A cluster's architectures (its nodes'), sorted. */
  clusterArchitectures(name: string): Architecture[] {
    return [...(this.entries.get(name)?.archCounts.keys() ?? [])].sort();
  }

  /** The targeted clusters with state, version and architectures. */
  clusters(target?: ClusterTarget): FleetClusterSummary[] {
    return this.resolveTarget(target).clusters.flatMap((name) => {
      const e = this.entries.get(name);
      if (!e) return [];
      const c = e.connection;
      return [
        {
          ...e.metadata,
          state: c.state,
          architectures: this.clusterArchitectures(name),
          version: c.version,
          distro: c.distro,
          lastSeen: c.lastSeen,
          lastError: c.lastError,
        },
      ];
    });
  }

  /** Nodes of the targeted clusters. */
  nodes(q: NodeQuery = {}, opts: ReadOptions = {}): FleetResult<FleetNode> {
    const match = this.objectMatcher(q);
    const archs = archFilter(q.target);
    const gather = (read: ClusterReader, cluster: string): FleetNode[] => {
      const out: FleetNode[] = [];
      for (const node of read.list('Node')) {
        if (!match(node)) continue;
        if (q.readiness !== undefined && node.readiness !== q.readiness) continue;
        if (q.role !== undefined && !node.roles.includes(q.role)) continue;
        if (q.unschedulable !== undefined && node.unschedulable !== q.unschedulable) continue;
        if (archs && (node.architecture === null || !archs.has(node.architecture))) continue;
        out.push({ cluster, node });
      }
      return out;
    };
    return this.collect(q.target, ['Node'], undefined, gather, (i) => i.node, opts);
  }

  /** Namespaces of the targeted clusters. */
  namespaces(q: ObjectQuery = {}, opts: ReadOptions = {}): FleetResult<FleetNamespace> {
    const match = this.objectMatcher(q);
    const gather = (read: ClusterReader, cluster: string): FleetNamespace[] =>
      read
        .list('Namespace')
        .filter(match)
        .map((namespace) => ({ cluster, namespace }));
    return this.collect(q.target, ['Namespace'], undefined, gather, (i) => i.namespace, opts);
  }

  /** Services of the targeted clusters; starts their service caches on first use. */
  async services(q: ServiceQuery = {}, opts: ReadOptions = {}): Promise<FleetResult<FleetService>> {
    const match = this.objectMatcher(q);
    if (!opts.overrides) await this.ensureLazy(q.target, q.namespace, ['Service']);
    const gather = (read: ClusterReader, cluster: string): FleetService[] =>
      read
        .list('Service', q.namespace)
        .filter((s) => match(s) && (q.type === undefined || s.type === q.type))
        .map((service) => ({ cluster, service }));
    return this.collect(q.target, ['Service'], q.namespace, gather, (i) => i.service, opts);
  }

  /** Events of the targeted clusters; starts their event caches on first use. */
  async events(q: EventQuery = {}, opts: ReadOptions = {}): Promise<FleetResult<FleetEvent>> {
    const match = this.objectMatcher(q);
    if (!opts.overrides) await this.ensureLazy(q.target, q.namespace, ['Event']);
    const gather = (read: ClusterReader, cluster: string): FleetEvent[] =>
      read
        .list('Event', q.namespace)
        .filter(
          (e) =>
            match(e) &&
            (q.involvedKind === undefined || e.involvedObject.kind === q.involvedKind) &&
            (q.involvedName === undefined || e.involvedObject.name === q.involvedName) &&
            (q.type === undefined || e.type === q.type) &&
            (q.reason === undefined || e.reason === q.reason),
        )
        .map((event) => ({ cluster, event }));
    return this.collect(q.target, ['Event'], q.namespace, gather, (i) => i.event, opts);
  }

  /** Pods of the targeted clusters; starts their pod caches on first use. */
  async pods(q: PodQuery = {}, opts: ReadOptions = {}): Promise<FleetResult<FleetPod>> {
    const match = this.objectMatcher(q);
    const archs = archFilter(q.target);
    if (!opts.overrides) await this.ensureLazy(q.target, q.namespace, ['Pod']);
    const gather = (read: ClusterReader, cluster: string): FleetPod[] => {
      const out: FleetPod[] = [];
      for (const pod of read.list('Pod', q.namespace)) {
        if (!match(pod)) continue;
        if (q.nodeName !== undefined && pod.nodeName !== q.nodeName) continue;
        if (q.phase !== undefined && pod.phase !== q.phase) continue;
        const architecture =
          pod.nodeName === null ? null : (read.get('Node', '', pod.nodeName)?.architecture ?? null);
        if (archs && (architecture === null || !archs.has(architecture))) continue;
        out.push({ cluster, pod, architecture });
      }
      return out;
    };
    return this.collect(q.target, ['Pod', 'Node'], q.namespace, gather, (i) => i.pod, opts);
  }

  /** Deployments of the targeted clusters; starts their deployment and pod caches on first use. */
  async deployments(q: DeploymentQuery = {}, opts: ReadOptions = {}): Promise<FleetResult<FleetDeployment>> {
    const match = this.objectMatcher(q);
    const archs = archFilter(q.target);
    if (!opts.overrides) await this.ensureLazy(q.target, q.namespace, ['Deployment', 'Pod']);
    const gather = (read: ClusterReader, cluster: string): FleetDeployment[] => {
      const candidates = read
        .list('Deployment', q.namespace)
        .filter(
          (d) =>
            match(d) &&
            (q.availability === undefined || deploymentAvailability(d) === q.availability) &&
            (q.image === undefined || d.images.some((i) => imageMatches(i, q.image ?? ''))),
        );
      if (candidates.length === 0) return [];
      const podArchs = deploymentPodArchitectures(read, q.namespace);
      const out: FleetDeployment[] = [];
      for (const deployment of candidates) {
        const set = new Set(podArchs.get(`${deployment.namespace}/${deployment.name}`));
        for (const a of deployment.allowedArchitectures ?? []) set.add(a);
        if (archs && ![...set].some((a) => archs.has(a))) continue;
        out.push({ cluster, deployment, architectures: [...set].sort() });
      }
      return out;
    };
    return this.collect(
      q.target,
      ['Deployment', 'Pod', 'Node'],
      q.namespace,
      gather,
      (i) => i.deployment,
      opts,
    );
  }

  /** The cache reader of a cluster, or undefined when it is not registered. */
  reader(cluster: string): ClusterReader | undefined {
    const entry = this.entries.get(cluster);
    return entry ? cacheReader(entry.connection) : undefined;
  }

  /** The connection of a cluster, or undefined when it is not registered. */
  connection(cluster: string): ClusterConnection | undefined {
    return this.entries.get(cluster)?.connection;
  }

  /** Name, label and namespace-independent filters every object query shares. */
  private objectMatcher(q: ObjectQuery): (o: ObjectIdentity) => boolean {
    const selector = this.parseSelector(q.labelSelector, 'labelSelector');
    return (o) =>
      (q.name === undefined || o.name === q.name) && (!selector || matchesLabels(selector, o.labels));
  }

  /**
   * Runs `gather` for every targeted cluster that may hold matching objects (those known to
   * lack the namespace are skipped), sorts, and reports every targeted cluster's freshness.
   * A cluster with an override is read through it instead of its caches.
   */
  private collect<T>(
    target: ClusterTarget | undefined,
    kinds: readonly CachedKind[],
    namespace: string | undefined,
    gather: (read: ClusterReader, cluster: string) => T[],
    identity: (item: T) => ObjectIdentity,
    opts: ReadOptions,
  ): FleetResult<T> {
    const { clusters, unknown } = this.resolveTarget(target);
    const items: T[] = [];
    const freshness: ClusterFreshness[] = [];
    for (const name of clusters) {
      const entry = this.entries.get(name);
      if (!entry) continue;
      const override = opts.overrides?.get(name);
      freshness.push(override ? override.freshness : entry.connection.freshness(kinds));
      if (!override && namespace !== undefined && !this.mayHaveNamespace(entry, namespace)) continue;
      const part = gather(override ? override.reader : cacheReader(entry.connection), name);
      part.sort((a, b) => compareIdentity(identity(a), identity(b)));
      for (const item of part) items.push(item);
    }
    return { items, clusters: freshness, unknownClusters: unknown };
  }

  /** Starts lazy caches where needed and waits (bounded) for them to sync. */
  private async ensureLazy(
    target: ClusterTarget | undefined,
    namespace: string | undefined,
    kinds: readonly CachedKind[],
  ): Promise<void> {
    const waits: Promise<boolean>[] = [];
    for (const name of this.resolveTarget(target).clusters) {
      const entry = this.entries.get(name);
      if (!entry || (namespace !== undefined && !this.mayHaveNamespace(entry, namespace))) continue;
      const conn = entry.connection;
      for (const kind of kinds) {
        const cache = conn.ensure(kind);
        const reachable = conn.state !== 'OFFLINE' && conn.state !== 'CONNECTING' && conn.state !== 'REMOVED';
        if (reachable && !cache.status().synced) waits.push(cache.whenSynced(this.lazySyncWaitMs));
      }
    }
    await Promise.all(waits);
  }

  /** False only when the cluster's synced namespace cache lacks the namespace. */
  private mayHaveNamespace(entry: Entry, namespace: string): boolean {
    if (this.byNamespace.get(namespace)?.has(entry.metadata.name)) return true;
    return !entry.connection.cache('Namespace').status().synced;
  }

  private parseSelector(text: string | undefined, field = 'clusterLabelSelector'): LabelSelector | undefined {
    return parseSelectorField(text, field);
  }

  private indexMetadata(m: ClusterMetadata): void {
    addTo(this.bySite, m.site, m.name);
    for (const [k, v] of Object.entries(m.labels)) addTo(this.byLabel, `${k}=${v}`, m.name);
  }

  private unindexMetadata(m: ClusterMetadata): void {
    removeFrom(this.bySite, m.site, m.name);
    for (const [k, v] of Object.entries(m.labels)) removeFrom(this.byLabel, `${k}=${v}`, m.name);
  }

  private countArch(entry: Entry, arch: Architecture | null, delta: number): void {
    if (arch === null) return;
    const n = (entry.archCounts.get(arch) ?? 0) + delta;
    if (n > 0) {
      entry.archCounts.set(arch, n);
      addTo(this.byArch, arch, entry.metadata.name);
    } else {
      entry.archCounts.delete(arch);
      removeFrom(this.byArch, arch, entry.metadata.name);
    }
  }
}

/** A reader over a connection's watch caches. */
function cacheReader(conn: ClusterConnection): ClusterReader {
  return {
    list: (kind, namespace) => conn.cache(kind).list(namespace),
    get: (kind, namespace, name) => conn.cache(kind).get(namespace, name),
  };
}

/** The architectures a target narrows objects to, or undefined for any. */
function archFilter(target: ClusterTarget | undefined): ReadonlySet<Architecture> | undefined {
  return target?.architectures === undefined ? undefined : new Set(target.architectures);
}

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  let s = index.get(key);
  if (!s) index.set(key, (s = new Set()));
  s.add(value);
}

function removeFrom<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const s = index.get(key);
  if (!s) return;
  s.delete(value);
  if (s.size === 0) index.delete(key);
}

function unionOf<K>(index: Map<K, Set<string>>, keys: readonly K[]): Set<string> {
  const out = new Set<string>();
  for (const k of keys) for (const v of index.get(k) ?? []) out.add(v);
  return out;
}

function compareIdentity(a: ObjectIdentity, b: ObjectIdentity): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * A label selector given in field, parsed; undefined for an absent or blank one. Throws
 * VALIDATION_FAILED naming the field and the expected syntax.
 */
export function parseSelectorField(text: string | undefined, field: string): LabelSelector | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return parseLabelSelector(text);
  } catch (e) {
    throw validationFailed(
      `${field} ${JSON.stringify(text)} is not a valid label selector (${e instanceof Error ? e.message : String(e)}); expected Kubernetes selector syntax such as "tier=edge,env in (prod)"`,
      { [field]: text },
    );
  }
}
