/**
 * Capturing a cluster's API state through the Kubernetes API only: discovery of every kind
 * the cluster serves (preferred version of each group, CRDs and custom resources included),
 * paginated lists with retries per page (a dropped link resumes the page, not the backup;
 * a flaky link is retried for as long as it still answers now and then),
 * what is never backed up (state the cluster rebuilds itself), and the fields the server
 * populates, stripped so an object can be applied to another cluster.
 */
import { backoffDelay, sleep, type BackoffOptions } from '../clusters/backoff.js';
import { isClusterRequestError } from '../clusters/cluster-errors.js';
import type { KubeClient } from '../clusters/kube-client.js';

/** A kind the cluster serves. */
export interface ServedResource {
  group: string;
  version: string;
  /** Plural, e.g. deployments. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

/** What a backup includes. */
export interface CaptureFilter {
  includeNamespaces?: readonly string[];
  excludeNamespaces?: readonly string[];
  /** Kinds (e.g. Deployment) or resources (deployments, deployments.apps). */
  includeKinds?: readonly string[];
  excludeKinds?: readonly string[];
  labelSelector?: string;
  includeSecrets: boolean;
  includeClusterScoped: boolean;
}

/** One captured object with where it belongs. */
export interface CapturedObject extends ServedResource {
  namespace: string;
  name: string;
  /** The uid it had, for remapping owner references on restore. */
  uid: string;
  object: Record<string, unknown>;
}

/** A failure to list one kind (the backup goes on without it). */
export interface CaptureError {
  resource: string;
  message: string;
}

/** Namespaces the cluster makes itself; never backed up. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);

/**
 * Resources never backed up: the cluster rebuilds them (nodes re-register, endpoints and
 * leases are maintained, events are history), or they are not objects one restores.
 */
const SKIPPED_RESOURCES: ReadonlySet<string> = new Set([
  'nodes',
  'events',
  'events.events.k8s.io',
  'endpoints',
  'endpointslices.discovery.k8s.io',
  'leases.coordination.k8s.io',
  'componentstatuses',
  'bindings',
  'controllerrevisions.apps',
  'tokenreviews.authentication.k8s.io',
  'selfsubjectreviews.authentication.k8s.io',
  'localsubjectaccessreviews.authorization.k8s.io',
  'selfsubjectaccessreviews.authorization.k8s.io',
  'selfsubjectrulesreviews.authorization.k8s.io',
  'subjectaccessreviews.authorization.k8s.io',
  'certificatesigningrequests.certificates.k8s.io',
  'apiservices.apiregistration.k8s.io',
  'flowschemas.flowcontrol.apiserver.k8s.io',
  'prioritylevelconfigurations.flowcontrol.apiserver.k8s.io',
]);

/** `resource.group` (just `resource` for the core group). */
export function qualifiedResource(r: Pick<ServedResource, 'group' | 'resource'>): string {
  return r.group === '' ? r.resource : `${r.resource}.${r.group}`;
}

/** The REST path of a collection (namespace '' for all or cluster-scoped) or, with name, an object. */
export function resourcePath(r: ServedResource, namespace: string, name?: string): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && namespace !== '' ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}

type Json = Record<string, unknown>;
function rec(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

/** Every listable, creatable kind the cluster serves, in the preferred version of each group. */
export async function discoverResources(client: KubeClient): Promise<ServedResource[]> {
  const out: ServedResource[] = [];
  const versions: { group: string; version: string; path: string }[] = [
    { group: '', version: 'v1', path: '/api/v1' },
  ];
  const link = new LinkProgress();
  const groups = rec(await withRetries(() => client.get('/apis'), { link }))['groups'];
  for (const g of Array.isArray(groups) ? groups.map(rec) : []) {
    const preferred = rec(g['preferredVersion']);
    const gv = String(preferred['groupVersion'] ?? '');
    const [group, version] = gv.split('/');
    if (group && version) versions.push({ group, version, path: `/apis/${gv}` });
  }
  for (const v of versions) {
    const list = rec(await withRetries(() => client.get(v.path), { link }))['resources'];
    for (const r of Array.isArray(list) ? list.map(rec) : []) {
      const name = String(r['name'] ?? '');
      const verbs = Array.isArray(r['verbs']) ? r['verbs'] : [];
      if (name.includes('/') || !verbs.includes('list') || !verbs.includes('create')) continue;
      out.push({
        group: v.group,
        version: v.version,
        resource: name,
        kind: String(r['kind'] ?? ''),
        namespaced: r['namespaced'] === true,
      });
    }
  }
  return out;
}

/** Whether a served resource is backed up under the filter. */
export function resourceWanted(r: ServedResource, f: CaptureFilter): boolean {
  const q = qualifiedResource(r);
  if (SKIPPED_RESOURCES.has(q)) return false;
  if (!r.namespaced && !f.includeClusterScoped && r.resource !== 'namespaces') return false;
  if (r.resource === 'secrets' && r.group === '' && !f.includeSecrets) return false;
  const names = [r.kind, r.resource, q];
  if (f.includeKinds && f.includeKinds.length > 0 && !names.some((n) => f.includeKinds?.includes(n)))
    return false;
  if (f.excludeKinds?.some((k) => names.includes(k))) return false;
  return true;
}

/** Whether one object is backed up (system namespaces, controller-owned pods, tokens, …). */
function objectWanted(r: ServedResource, obj: Json, f: CaptureFilter): boolean {
  const meta = rec(obj['metadata']);
  const name = String(meta['name'] ?? '');
  const namespace = String(meta['namespace'] ?? '');
  const nsOfObject = r.resource === 'namespaces' && r.group === '' ? name : namespace;
  if (nsOfObject !== '') {
    if (SYSTEM_NAMESPACES.has(nsOfObject)) return false;
    if (f.includeNamespaces && f.includeNamespaces.length > 0 && !f.includeNamespaces.includes(nsOfObject))
      return false;
    if (f.excludeNamespaces?.includes(nsOfObject)) return false;
  }
  const owners = Array.isArray(meta['ownerReferences']) ? meta['ownerReferences'].map(rec) : [];
  const controlled = owners.some((o) => o['controller'] === true);
  // Their controllers make them again from the restored Deployments, StatefulSets, Jobs.
  if (controlled && ['pods', 'replicasets', 'jobs'].includes(r.resource)) return false;
  if (r.group === '' && r.resource === 'configmaps' && name === 'kube-root-ca.crt') return false;
  if (r.group === '' && r.resource === 'secrets' && obj['type'] === 'kubernetes.io/service-account-token')
    return false;
  if (r.group === '' && r.resource === 'services' && namespace === 'default' && name === 'kubernetes')
    return false;
  if (
    r.group === 'rbac.authorization.k8s.io' &&
    (name.startsWith('system:') || rec(meta['labels'])['kubernetes.io/bootstrapping'] === 'rbac-defaults')
  ) {
    return false;
  }
  return true;
}

/** The object without what the server populates (so it applies to any cluster). */
export function stripServerFields(r: ServedResource, obj: Json): Json {
  const meta = { ...rec(obj['metadata']) };
  for (const k of [
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'managedFields',
    'selfLink',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
  ]) {
    delete meta[k];
  }
  const annotations = { ...rec(meta['annotations']) };
  delete annotations['deployment.kubernetes.io/revision'];
  if (r.resource === 'secrets') delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  if (Object.keys(annotations).length > 0) meta['annotations'] = annotations;
  else delete meta['annotations'];
  const out: Json = {
    ...obj,
    apiVersion: r.group === '' ? r.version : `${r.group}/${r.version}`,
    kind: r.kind,
    metadata: meta,
  };
  delete out['status'];
  if (r.group === '' && r.resource === 'services') {
    const spec = { ...rec(out['spec']) };
    delete spec['clusterIP'];
    delete spec['clusterIPs'];
    if (Array.isArray(spec['ports'])) {
      spec['ports'] = spec['ports'].map((p) => {
        const port = { ...rec(p) };
        delete port['nodePort'];
        return port;
      });
    }
    out['spec'] = spec;
  }
  return out;
}

/** Lists every wanted object of every served kind; a kind that keeps failing is an error, not the end. */
export async function captureObjects(
  client: KubeClient,
  resources: readonly ServedResource[],
  filter: CaptureFilter,
  onProgress?: (listed: number) => void,
): Promise<{ objects: CapturedObject[]; errors: CaptureError[] }> {
  const objects: CapturedObject[] = [];
  const errors: CaptureError[] = [];
  const link = new LinkProgress();
  for (const r of resources) {
    if (!resourceWanted(r, filter)) continue;
    let cont: string | undefined;
    try {
      do {
        const page = await withRetries(
          () =>
            client.list(resourcePath(r, ''), {
              limit: 500,
              continue: cont,
              ...(filter.labelSelector ? { labelSelector: filter.labelSelector } : {}),
            }),
          { link },
        );
        for (const item of page.items) {
          const obj = rec(item);
          if (!objectWanted(r, obj, filter)) continue;
          const meta = rec(obj['metadata']);
          objects.push({
            ...r,
            namespace: r.namespaced ? String(meta['namespace'] ?? '') : '',
            name: String(meta['name'] ?? ''),
            uid: String(meta['uid'] ?? ''),
            object: stripServerFields(r, obj),
          });
        }
        cont = page.continueToken;
        onProgress?.(objects.length);
      } while (cont !== undefined);
    } catch (e) {
      errors.push({ resource: qualifiedResource(r), message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { objects, errors };
}

/** How long a link may go without any request succeeding before retries stop. */
export const LINK_STALL_MS = 60_000;

/**
 * Whether the requests of one job over one cluster link (a capture) still get through:
 * the time of the last success. A flaky link that drops 30% of requests succeeds every few
 * requests; a dead one never does.
 */
export class LinkProgress {
  private lastSuccessAt: number;

  /** @param stallMs no success for this long makes the link stalled. @default LINK_STALL_MS */
  constructor(
    readonly stallMs = LINK_STALL_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSuccessAt = now();
  }

  /** Records a request that succeeded. */
  succeeded(): void {
    this.lastSuccessAt = this.now();
  }

  /** True when nothing has succeeded for stallMs (counted from the start before the first success). */
  get stalled(): boolean {
    return this.now() - this.lastSuccessAt >= this.stallMs;
  }
}

/** Options of withRetries. */
export interface RetryOptions {
  /** Attempts every request gets. @default 6 */
  attempts?: number;
  /**
   * The job's link: past its attempts, a request is retried for as long as the link is not
   * stalled, so a long run of drops on a flaky link does not fail it. Without one, a request
   * gets its attempts only.
   */
  link?: LinkProgress;
  /** @default 200 ms, doubling, at most 5 s */
  backoff?: BackoffOptions;
}

/** True for failures worth another attempt: no answer, or 429 and 5xx. */
function retryable(e: unknown): boolean {
  return (
    isClusterRequestError(e) &&
    (e.kind === 'unreachable' ||
      e.kind === 'timeout' ||
      (e.status !== undefined && (e.status === 429 || e.status >= 500)))
  );
}

/**
 * Runs a request, again on network failures and 429/5xx with backoff: up to `attempts`
 * times, and beyond while the link (when given) is not stalled.
 */
export async function withRetries<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 6;
  const backoff = options.backoff ?? { initialMs: 200, maxMs: 5000 };
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await fn();
      options.link?.succeeded();
      return value;
    } catch (e) {
      // Fixed attempts alone fail a page about once in 1,400 at a 30% drop rate (0.3^6), and a
      // backup lists dozens of pages; the link's progress is what tells flaky from dead.
      const again = attempt < attempts || (options.link !== undefined && !options.link.stalled);
      if (!retryable(e) || !again) throw e;
      await sleep(backoffDelay(attempt - 1, backoff));
    }
  }
}
