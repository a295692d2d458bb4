/**
 * What one rollout step does on one cluster, through the cluster's KubeClient: the write of
 * each action (server-side apply with fieldManager "fleetgraph", patches as kubectl sends
 * them, delete), the same write as a server-side dry run with the fields it would change,
 * and the convergence check that decides when a cluster's step succeeded or failed.
 *
 * Every write is idempotent for a given step (the same apply, the same image, the same
 * restartedAt, the rollback revision resolved once and kept), so retrying a step after a
 * gateway restart never bumps a Deployment's generation twice.
 */
import { isClusterRequestError } from '../clusters/cluster-errors.js';
import type { KubeClient } from '../clusters/kube-client.js';
import type { ClusterStep, DryRunResult, RolloutAction } from './types.js';

/** The manager name fleetgraph's applies use. */
export const FIELD_MANAGER = 'fleetgraph';

/** Pod waiting reasons that mean a rollout cannot succeed on its own. */
const FATAL_WAITING = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

type Json = Record<string, unknown>;

function rec(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}
function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** The REST path of an object of a kind fleetgraph writes. */
export function objectPath(kind: string, namespace: string, name: string): string {
  const ns = encodeURIComponent(namespace);
  const n = encodeURIComponent(name);
  switch (kind) {
    case 'Deployment':
      return `/apis/apps/v1/namespaces/${ns}/deployments/${n}`;
    case 'Service':
      return `/api/v1/namespaces/${ns}/services/${n}`;
    case 'ConfigMap':
      return `/api/v1/namespaces/${ns}/configmaps/${n}`;
    case 'Namespace':
      return `/api/v1/namespaces/${n}`;
    default:
      throw new Error(`fleetgraph does not write ${kind} objects`);
  }
}

/** The outcome of a write on one cluster. */
export interface WriteResult {
  /** metadata.generation of the Deployment after the write (null after a delete). */
  generation: number | null;
  /** ROLLBACK: the revision rolled back to. */
  resolvedRevision: number | null;
}

/** Thrown for a step that cannot succeed on this cluster (the message says why); not retried. */
export class StepFailure extends Error {}

/**
 * Performs the action on one cluster. Throws StepFailure for a failure of the request itself
 * (invalid object, unknown container, nothing to roll back to), ClusterRequestError for a
 * cluster that did not answer.
 */
export async function writeStep(
  client: KubeClient,
  namespace: string,
  name: string,
  action: RolloutAction,
  step: Pick<ClusterStep, 'resolvedRevision'>,
  dryRun = false,
): Promise<{ result: WriteResult; object: unknown }> {
  const deployment = objectPath('Deployment', namespace, name);
  const dry = dryRun ? { dryRun: 'All' } : {};
  try {
    switch (action.type) {
      case 'APPLY': {
        await client.write('PATCH', objectPath('Namespace', '', namespace), namespaceObject(namespace), {
          query: { fieldManager: FIELD_MANAGER, force: true, ...dry },
          contentType: 'application/apply-patch+yaml',
        });
        let applied: unknown;
        for (const obj of action.objects) {
          const meta = rec(obj['metadata']);
          const path = objectPath(String(obj['kind']), namespace, String(meta['name']));
          const answer = await client.write('PATCH', path, obj, {
            query: { fieldManager: FIELD_MANAGER, force: true, ...dry },
            contentType: 'application/apply-patch+yaml',
          });
          if (obj['kind'] === 'Deployment') applied = answer;
        }
        return { result: { generation: generationOf(applied), resolvedRevision: null }, object: applied };
      }
      case 'SCALE': {
        const answer = await client.write(
          'PATCH',
          deployment,
          { spec: { replicas: action.replicas } },
          {
            query: { fieldManager: FIELD_MANAGER, ...dry },
            contentType: 'application/merge-patch+json',
          },
        );
        return { result: { generation: generationOf(answer), resolvedRevision: null }, object: answer };
      }
      case 'SET_IMAGE': {
        const current = rec(await client.get(deployment));
        const names = containerNames(current);
        const missing = action.images.filter((i) => !names.includes(i.container)).map((i) => i.container);
        if (missing.length > 0) {
          throw new StepFailure(
            `Deployment ${namespace}/${name} has no container ${missing.map((m) => JSON.stringify(m)).join(', ')}; its containers are ${names.join(', ')}`,
          );
        }
        const patch = {
          spec: {
            template: {
              spec: { containers: action.images.map((i) => ({ name: i.container, image: i.image })) },
            },
          },
        };
        const answer = await client.write('PATCH', deployment, patch, {
          query: { fieldManager: FIELD_MANAGER, ...dry },
          contentType: 'application/strategic-merge-patch+json',
        });
        return { result: { generation: generationOf(answer), resolvedRevision: null }, object: answer };
      }
      case 'RESTART': {
        const patch = {
          spec: {
            template: {
              metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': action.restartedAt } },
            },
          },
        };
        const answer = await client.write('PATCH', deployment, patch, {
          query: { fieldManager: FIELD_MANAGER, ...dry },
          contentType: 'application/strategic-merge-patch+json',
        });
        return { result: { generation: generationOf(answer), resolvedRevision: null }, object: answer };
      }
      case 'ROLLBACK': {
        const { revision, template } = await rollbackTemplate(
          client,
          namespace,
          name,
          action.toRevision,
          step.resolvedRevision,
        );
        const answer = await client.write(
          'PATCH',
          deployment,
          [{ op: 'replace', path: '/spec/template', value: template }],
          { query: { fieldManager: FIELD_MANAGER, ...dry }, contentType: 'application/json-patch+json' },
        );
        return { result: { generation: generationOf(answer), resolvedRevision: revision }, object: answer };
      }
      case 'DELETE': {
        try {
          await client.write('DELETE', deployment, undefined, { query: { ...dry } });
        } catch (e) {
          if (!(isClusterRequestError(e) && e.status === 404)) throw e;
        }
        return { result: { generation: null, resolvedRevision: null }, object: null };
      }
    }
  } catch (e) {
    if (
      isClusterRequestError(e) &&
      e.kind === 'http' &&
      e.status !== undefined &&
      e.status < 500 &&
      e.status !== 429
    ) {
      // The cluster answered and refused: the same write will not do better.
      throw new StepFailure(e.message);
    }
    throw e;
  }
}

/** What a dry run of the action would change on one cluster. */
export async function dryRunStep(
  client: KubeClient,
  namespace: string,
  name: string,
  action: RolloutAction,
  step: Pick<ClusterStep, 'resolvedRevision'> = { resolvedRevision: null },
): Promise<DryRunResult> {
  const deployment = objectPath('Deployment', namespace, name);
  let before: unknown;
  try {
    before = await client.get(deployment);
  } catch (e) {
    if (!(isClusterRequestError(e) && e.status === 404)) throw e;
    before = undefined;
  }
  if (action.type === 'DELETE') {
    return {
      cluster: client.cluster,
      change: before === undefined ? 'UNCHANGED' : 'DELETED',
      changedFields: [],
      message: before === undefined ? `Deployment ${namespace}/${name} does not exist` : null,
    };
  }
  if (before === undefined && action.type !== 'APPLY') {
    throw new StepFailure(`Deployment ${namespace}/${name} does not exist on this cluster`);
  }
  if (before === undefined) {
    // A dry run cannot create into a namespace that does not exist yet.
    try {
      await client.get(objectPath('Namespace', '', namespace));
    } catch (e) {
      if (!(isClusterRequestError(e) && e.status === 404)) throw e;
      return {
        cluster: client.cluster,
        change: 'CREATED',
        changedFields: [],
        message: `namespace ${namespace} would be created too`,
      };
    }
  }
  const { object: after } = await writeStep(client, namespace, name, action, step, true);
  if (before === undefined)
    return { cluster: client.cluster, change: 'CREATED', changedFields: [], message: null };
  const changed = diffPaths(comparable(before), comparable(after), '');
  return {
    cluster: client.cluster,
    change: changed.length === 0 ? 'UNCHANGED' : 'CHANGED',
    changedFields: changed,
    message: null,
  };
}

/** Where a step's Deployment stands. */
export type Convergence = { done: true } | { done: false; failed: string | null; progress: string };

/** Reads the Deployment (and its pods when it lags) to tell whether the step converged or failed. */
export async function checkConvergence(
  client: KubeClient,
  namespace: string,
  name: string,
  action: RolloutAction,
  generation: number | null,
): Promise<Convergence> {
  const path = objectPath('Deployment', namespace, name);
  let d: Json;
  try {
    d = rec(await client.get(path));
  } catch (e) {
    if (isClusterRequestError(e) && e.status === 404) {
      if (action.type === 'DELETE') return { done: true };
      return { done: false, failed: `Deployment ${namespace}/${name} is gone`, progress: 'deleted' };
    }
    throw e;
  }
  if (action.type === 'DELETE') {
    return { done: false, failed: null, progress: 'waiting for the Deployment to be deleted' };
  }
  const meta = rec(d['metadata']);
  const spec = rec(d['spec']);
  const status = rec(d['status']);
  const want = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
  const observed = num(status['observedGeneration']);
  const updated = num(status['updatedReplicas']);
  const available = num(status['availableReplicas']);
  const total = num(status['replicas']);
  const gen = generation ?? num(meta['generation']);
  const progress = `observedGeneration ${observed}/${gen}, updated ${updated}/${want}, available ${available}/${want}, total ${total}`;
  if (observed >= gen && updated === want && available === want && total === want) return { done: true };
  const conditions = Array.isArray(status['conditions']) ? status['conditions'].map(rec) : [];
  const progressing = conditions.find((c) => c['type'] === 'Progressing');
  if (progressing?.['status'] === 'False' && progressing['reason'] === 'ProgressDeadlineExceeded') {
    return {
      done: false,
      failed: `ProgressDeadlineExceeded: ${String(progressing['message'] ?? '')}`,
      progress,
    };
  }
  return { done: false, failed: await failingPod(client, namespace, d), progress };
}

/** The first pod of the Deployment stuck in a waiting state that will not resolve itself. */
async function failingPod(client: KubeClient, namespace: string, d: Json): Promise<string | null> {
  const selector = rec(rec(rec(d['spec'])['selector'])['matchLabels']);
  const labelSelector = Object.entries(selector)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
  if (labelSelector === '') return null;
  const pods = await client.list(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, {
    labelSelector,
  });
  for (const item of pods.items) {
    const pod = rec(item);
    const statuses = rec(pod['status'])['containerStatuses'];
    for (const cs of Array.isArray(statuses) ? statuses.map(rec) : []) {
      const waiting = rec(rec(cs['state'])['waiting']);
      const reason = waiting['reason'];
      if (typeof reason === 'string' && FATAL_WAITING.has(reason)) {
        const podName = String(rec(pod['metadata'])['name'] ?? '');
        return `pod ${podName}: ${reason}${typeof waiting['message'] === 'string' ? `: ${waiting['message']}` : ''}`;
      }
    }
  }
  return null;
}

/** The pod template of the revision to roll back to (kept once resolved, so a retry goes there too). */
async function rollbackTemplate(
  client: KubeClient,
  namespace: string,
  name: string,
  toRevision: number | null,
  resolved: number | null,
): Promise<{ revision: number; template: Json }> {
  const d = rec(await client.get(objectPath('Deployment', namespace, name)));
  const uid = rec(d['metadata'])['uid'];
  const current = Number(rec(rec(d['metadata'])['annotations'])['deployment.kubernetes.io/revision'] ?? 0);
  const rsList = await client.list(`/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/replicasets`);
  const revisions = new Map<number, Json>();
  for (const item of rsList.items) {
    const rs = rec(item);
    const meta = rec(rs['metadata']);
    const owners = Array.isArray(meta['ownerReferences']) ? meta['ownerReferences'].map(rec) : [];
    if (!owners.some((o) => o['uid'] === uid)) continue;
    const rev = Number(rec(meta['annotations'])['deployment.kubernetes.io/revision'] ?? NaN);
    if (Number.isInteger(rev)) revisions.set(rev, rec(rec(rs['spec'])['template']));
  }
  const wanted = resolved ?? toRevision ?? Math.max(-1, ...[...revisions.keys()].filter((r) => r < current));
  const template = revisions.get(wanted);
  if (!template) {
    const known = [...revisions.keys()].sort((a, b) => a - b);
    throw new StepFailure(
      toRevision === null && resolved === null
        ? `Deployment ${namespace}/${name} has no revision before ${current} to roll back to (revisions: ${known.join(', ') || 'none'})`
        : `Deployment ${namespace}/${name} has no revision ${wanted} (revisions: ${known.join(', ') || 'none'})`,
    );
  }
  // The ReplicaSet's template carries the pod-template-hash label its controller added.
  const meta = rec(template['metadata']);
  const labels = { ...rec(meta['labels']) };
  delete labels['pod-template-hash'];
  return { revision: wanted, template: { ...template, metadata: { ...meta, labels } } };
}

function namespaceObject(namespace: string): Json {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } };
}

function generationOf(obj: unknown): number | null {
  const g = rec(rec(obj)['metadata'])['generation'];
  return typeof g === 'number' ? g : null;
}

function containerNames(deployment: Json): string[] {
  const containers = rec(rec(rec(deployment['spec'])['template'])['spec'])['containers'];
  return Array.isArray(containers) ? containers.map((c) => String(rec(c)['name'] ?? '')) : [];
}

/** The parts of an object a change is about: labels, annotations and spec. */
function comparable(obj: unknown): Json {
  const o = rec(obj);
  const meta = rec(o['metadata']);
  return {
    metadata: { labels: meta['labels'] ?? {}, annotations: meta['annotations'] ?? {} },
    spec: o['spec'] ?? {},
  };
}

/** Dotted paths where a and b differ; lists of named items are keyed by name (containers[app]). */
export function diffPaths(a: unknown, b: unknown, path: string): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = (l: unknown[]) => l.every((x) => typeof rec(x)['name'] === 'string');
    if (named(a) && named(b)) {
      const byName = (l: unknown[]) => new Map(l.map((x) => [String(rec(x)['name']), x]));
      const ma = byName(a);
      const mb = byName(b);
      const out: string[] = [];
      for (const k of new Set([...ma.keys(), ...mb.keys()]))
        out.push(...diffPaths(ma.get(k), mb.get(k), `${path}[${k}]`));
      return out;
    }
    return [path];
  }
  const oa = typeof a === 'object' && a !== null && !Array.isArray(a);
  const ob = typeof b === 'object' && b !== null && !Array.isArray(b);
  if (oa && ob) {
    const out: string[] = [];
    const ra = a as Json;
    const rb = b as Json;
    for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
      out.push(...diffPaths(ra[k], rb[k], path === '' ? k : `${path}.${k}`));
    }
    return out;
  }
  return [path];
}
