/**
 * Any kind, any cluster: discovery merged across the fleet (which clusters serve which
 * group/version/kind, CRDs included) and generic object lists read live from the API
 * servers, with the same deadline, partial results and paging as the cached lists.
 * Discovery is cached per connection for a minute.
 */
import { errorCodeOf, isClusterRequestError } from '../clusters/cluster-errors.js';
import type { ClusterConnection } from '../clusters/cluster-connection.js';
import { parseQuantity } from '../../sim/kinds/util.js';
import { parseLabelSelector } from '../../sim/selectors.js';
import { validationFailed, type FleetError } from '../errors.js';
import { ErrorCode, type ClusterTarget } from '../vocabulary.js';
import type { FleetPage, FleetReads, Freshness } from './fleet-reads.js';
import { liveDeadline } from './live-reads.js';
import { paginate, type PageRequest } from './pagination.js';

/** One kind one cluster serves. */
export interface ApiResourceInfo {
  apiVersion: string;
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
}

/** A kind with the clusters serving it. */
export interface FleetApiResource extends ApiResourceInfo {
  clusters: string[];
}

/** One etcd snapshot file of a k3s or RKE2 cluster (an ETCDSnapshotFile object). */
export interface EtcdSnapshot {
  cluster: string;
  site: string;
  /** The ETCDSnapshotFile object's name. */
  name: string;
  snapshotName: string;
  nodeName: string;
  location: string;
  storage: 'LOCAL' | 'S3';
  /** status.size as the cluster reports it (a Kubernetes quantity). */
  size: string | null;
  sizeBytes: number | null;
  createdAt: string | null;
  readyToUse: boolean;
  error: string | null;
}

/** One object of any kind, with its cluster. */
export interface FleetResource {
  cluster: string;
  site: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  createdAt: string | null;
  object: Record<string, unknown>;
}

/** What resources() lists. */
export interface ResourceQuery {
  target?: ClusterTarget;
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

const DISCOVERY_TTL_MS = 60_000;
const PAGE_SIZE = 500;

type Json = Record<string, unknown>;

function rec(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Discovery and generic reads over the fleet. */
export class FleetResources {
  private readonly discovery = new WeakMap<
    ClusterConnection,
    { at: number; resources: Promise<ApiResourceInfo[]> }
  >();

  constructor(private readonly reads: FleetReads) {}

  /** Kinds the targeted clusters serve, merged, sorted by group, version, kind. */
  async apiResources(
    target: ClusterTarget | undefined,
    filter: { group?: string; kind?: string },
    deadlineMs: number | null | undefined,
  ): Promise<{
    resources: FleetApiResource[];
    freshness: Freshness[];
    problems: ReturnType<FleetReads['problems']>;
  }> {
    const deadline = Date.now() + liveDeadline(deadlineMs);
    const { clusters, problems: unknown } = this.reads.clusters(target);
    const merged = new Map<string, FleetApiResource>();
    const freshness = await Promise.all(
      clusters.map(async (c) => {
        const name = c.registered.name;
        try {
          const list = await withDeadline(this.discover(c.connection), deadline, name);
          for (const r of list) {
            if (filter.group !== undefined && r.group !== filter.group) continue;
            if (filter.kind !== undefined && r.kind !== filter.kind) continue;
            const key = `${r.group}/${r.version}/${r.kind}`;
            const m = merged.get(key) ?? { ...r, clusters: [] };
            m.clusters.push(name);
            merged.set(key, m);
          }
          return this.ok(c.connection);
        } catch (e) {
          return this.failed(c.connection, e, 'discovery');
        }
      }),
    );
    const resources = [...merged.values()]
      .map((r) => ({ ...r, clusters: r.clusters.sort() }))
      .sort((a, b) => cmp(a.group, b.group) || cmp(a.version, b.version) || cmp(a.kind, b.kind));
    return { resources, freshness, problems: [...unknown, ...this.reads.problems(freshness, [])] };
  }

  /** Objects of one kind from every targeted cluster serving it, read live. */
  async resources(
    q: ResourceQuery,
    page: PageRequest,
    deadlineMs: number | null | undefined,
  ): Promise<FleetPage<FleetResource>> {
    const { items, freshness, problems } = await this.readLive(q, deadlineMs);
    const paged = paginate(`resources:${q.apiVersion}/${q.kind}`, items, (r) => r, page);
    return { ...paged, freshness, problems };
  }

  /**
   * etcd snapshot files of the targeted k3s and RKE2 clusters (ETCDSnapshotFile objects, which
   * those distributions keep in step with the snapshot files on their etcd nodes and in S3),
   * read live. Clusters that do not serve the kind (other distributions, k3s and RKE2 releases
   * before late 2023, which kept the list in a ConfigMap) are not part of the answer.
   */
  async etcdSnapshots(
    where: { target?: ClusterTarget; nodeName?: string },
    page: PageRequest,
    deadlineMs: number | null | undefined,
  ): Promise<FleetPage<EtcdSnapshot>> {
    const { items, freshness, problems } = await this.readLive(
      {
        ...(where.target ? { target: where.target } : {}),
        apiVersion: 'k3s.cattle.io/v1',
        kind: 'ETCDSnapshotFile',
      },
      deadlineMs,
    );
    const snapshots = items
      .map(toEtcdSnapshot)
      .filter((s) => where.nodeName === undefined || s.nodeName === where.nodeName);
    const paged = paginate('etcdSnapshots', snapshots, (s) => ({ ...s, namespace: '' }), page);
    return { ...paged, freshness, problems };
  }

  /** Every object of one kind from every targeted cluster serving it, read live. */
  private async readLive(
    q: ResourceQuery,
    deadlineMs: number | null | undefined,
  ): Promise<{ items: FleetResource[]; freshness: Freshness[]; problems: FleetError[] }> {
    const { group, version } = parseApiVersion(q.apiVersion);
    if (q.labelSelector !== undefined && q.labelSelector.trim() !== '') {
      try {
        parseLabelSelector(q.labelSelector);
      } catch (e) {
        throw validationFailed(
          `labelSelector ${JSON.stringify(q.labelSelector)} is not a valid label selector (${e instanceof Error ? e.message : String(e)})`,
          { field: 'labelSelector' },
        );
      }
    }
    const deadline = Date.now() + liveDeadline(deadlineMs);
    const { clusters, problems: unknown } = this.reads.clusters(q.target);
    const items: FleetResource[] = [];
    const freshness: Freshness[] = [];
    await Promise.all(
      clusters.map(async (c) => {
        const name = c.registered.name;
        let step = 'discovery';
        try {
          const served = await withDeadline(this.discover(c.connection), deadline, name);
          const info = served.find((r) => r.group === group && r.version === version && r.kind === q.kind);
          if (!info) return; // this cluster does not serve the kind: not part of the answer
          step = 'list';
          const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
          const path =
            info.namespaced && q.namespace !== undefined
              ? `${base}/namespaces/${encodeURIComponent(q.namespace)}/${info.resource}`
              : `${base}/${info.resource}`;
          let continueToken: string | undefined;
          const part: FleetResource[] = [];
          do {
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`cluster ${name} did not answer within the deadline`);
            const list = await c.connection.client.list(
              path,
              {
                limit: PAGE_SIZE,
                continue: continueToken,
                labelSelector: q.labelSelector || undefined,
                fieldSelector: q.fieldSelector || undefined,
              },
              { timeoutMs: left },
            );
            for (const obj of list.items)
              part.push(toResource(name, c.registered.site, q.apiVersion, q.kind, obj));
            continueToken = list.continueToken;
          } while (continueToken);
          items.push(...part);
          freshness.push(this.ok(c.connection));
        } catch (e) {
          freshness.push(this.failed(c.connection, e, step));
        }
      }),
    );
    freshness.sort((a, b) => cmp(a.cluster, b.cluster));
    return { items, freshness, problems: [...unknown, ...this.reads.problems(freshness, [])] };
  }

  private ok(conn: ClusterConnection): Freshness {
    return this.reads.freshness({
      cluster: conn.name,
      state: conn.state,
      observedAt: new Date(),
      stale: false,
    });
  }

  private failed(conn: ClusterConnection, e: unknown, step: string): Freshness {
    const code = isClusterRequestError(e) ? errorCodeOf(e) : ErrorCode.CLUSTER_UNREACHABLE;
    const message = e instanceof Error ? e.message : String(e);
    return this.reads.freshness({
      cluster: conn.name,
      state: conn.state,
      observedAt: null,
      stale: true,
      error: { code, message: `live ${step} failed: ${message}` },
    });
  }

  /** The kinds one cluster serves (preferred version of every group), cached a minute. */
  private discover(conn: ClusterConnection): Promise<ApiResourceInfo[]> {
    const cached = this.discovery.get(conn);
    if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.resources;
    const resources = readDiscovery(conn);
    this.discovery.set(conn, { at: Date.now(), resources });
    resources.catch(() => this.discovery.delete(conn));
    return resources;
  }
}

async function readDiscovery(conn: ClusterConnection): Promise<ApiResourceInfo[]> {
  const client = conn.client;
  const [core, groups] = await Promise.all([client.get('/api/v1'), client.get('/apis')]);
  const out = resourcesOf('', 'v1', core);
  const versions = (rec(groups).groups as unknown[] | undefined) ?? [];
  const lists = await Promise.all(
    versions.map(async (g) => {
      const group = rec(g);
      const name = typeof group.name === 'string' ? group.name : '';
      const preferred = rec(group.preferredVersion).version;
      if (name === '' || typeof preferred !== 'string') return [];
      return resourcesOf(name, preferred, await client.get(`/apis/${name}/${preferred}`));
    }),
  );
  for (const l of lists) out.push(...l);
  return out;
}

function resourcesOf(group: string, version: string, list: unknown): ApiResourceInfo[] {
  const resources = (rec(list).resources as unknown[] | undefined) ?? [];
  return resources.flatMap((r) => {
    const o = rec(r);
    const resource = typeof o.name === 'string' ? o.name : '';
    const verbs = strings(o.verbs);
    if (resource === '' || resource.includes('/') || !verbs.includes('list') || typeof o.kind !== 'string')
      return [];
    return [
      {
        apiVersion: group === '' ? version : `${group}/${version}`,
        group,
        version,
        kind: o.kind,
        resource,
        namespaced: o.namespaced === true,
        verbs,
        shortNames: strings(o.shortNames),
      },
    ];
  });
}

function toResource(
  cluster: string,
  site: string,
  apiVersion: string,
  kind: string,
  obj: unknown,
): FleetResource {
  const o = { ...rec(obj) };
  const metadata = { ...rec(o.metadata) };
  delete metadata.managedFields;
  const labels = Object.fromEntries(
    Object.entries(rec(metadata.labels)).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  return {
    cluster,
    site,
    apiVersion,
    kind,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
    name: typeof metadata.name === 'string' ? metadata.name : '',
    uid: typeof metadata.uid === 'string' ? metadata.uid : '',
    labels,
    createdAt: typeof metadata.creationTimestamp === 'string' ? metadata.creationTimestamp : null,
    object: { ...o, apiVersion, kind, metadata },
  };
}

function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split('/');
  const valid = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
  if (parts.length === 1 && parts[0] && valid.test(parts[0])) return { group: '', version: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1] && valid.test(parts[0]) && valid.test(parts[1])) {
    return { group: parts[0], version: parts[1] };
  }
  throw validationFailed(
    `apiVersion ${JSON.stringify(apiVersion)} is invalid; expected "v1" or "<group>/<version>" such as "apps/v1"`,
    { field: 'apiVersion' },
  );
}

async function withDeadline<T>(p: Promise<T>, deadline: number, cluster: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`cluster ${cluster} did not answer within the deadline`)),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toEtcdSnapshot(r: FleetResource): EtcdSnapshot {
  const spec = rec(r.object.spec);
  const status = rec(r.object.status);
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const size =
    typeof status.size === 'number'
      ? String(status.size)
      : typeof status.size === 'string'
        ? status.size
        : null;
  const location = text(spec.location);
  const error = rec(status.error);
  return {
    cluster: r.cluster,
    site: r.site,
    name: r.name,
    snapshotName: text(spec.snapshotName),
    nodeName: text(spec.nodeName),
    location,
    storage: spec.s3 !== undefined && spec.s3 !== null ? 'S3' : 'LOCAL',
    size,
    sizeBytes: size === null ? null : quantityBytes(size),
    createdAt: typeof status.creationTime === 'string' ? status.creationTime : null,
    readyToUse: status.readyToUse === true,
    error: typeof error.message === 'string' ? error.message : null,
  };
}

/** A byte count written as a Kubernetes quantity (12345, 25200Ki, 1.5Gi, 2e6); null if it is not one. */
export function quantityBytes(q: string): number | null {
  const n = parseQuantity(q);
  return n === undefined ? null : Math.round(n);
}
