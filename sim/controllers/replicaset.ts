/**
 * The ReplicaSet controller: keeps spec.replicas active pods (generateName `<rs>-`), deletes
 * the least valuable pods first when scaling down, and reports replicas/ready/available.
 */
import { isApiError } from '../errors.js';
import type { KubeObject } from '../k8s-types.js';
import type { StoreEvent } from '../store.js';
import { replicasOf } from './deployment.js';
import { KEYS, ownedBy, tolerant, type Host } from './runtime.js';
import {
  clone,
  controllerRef,
  findCondition,
  isActive,
  isPodAvailable,
  isPodReady,
  jsonEqual,
  num,
  ownerRefTo,
  parseTime,
  rec,
  specOf,
  splitKey,
  statusOf,
  str,
  strMap,
  type Rec,
} from './util.js';

const SOURCE = { component: 'replicaset-controller' };
/** Most pods created or deleted in one sync, like the controller's burst limit. */
const BURST = 500;

/** A pod built from a workload's pod template (controller.GetPodFromTemplate). */
export function podFromTemplate(
  owner: KubeObject,
  template: unknown,
  extraLabels: Record<string, string> = {},
): KubeObject {
  const t = rec(template) ?? {};
  const tmeta = rec(t['metadata']) ?? {};
  const meta: KubeObject['metadata'] = {
    namespace: owner.metadata.namespace ?? 'default',
    labels: { ...strMap(tmeta, 'labels'), ...extraLabels },
    ownerReferences: [ownerRefTo(owner)],
  };
  const ann = strMap(tmeta, 'annotations');
  if (Object.keys(ann).length > 0) meta.annotations = ann;
  const fins = tmeta['finalizers'];
  if (Array.isArray(fins) && fins.length > 0) meta.finalizers = fins.map(String);
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: clone(rec(t['spec']) ?? {}) };
}

/** Creates a pod; false when the namespace refuses new content (being terminated). */
export function createPod(h: Host, pod: KubeObject): KubeObject | undefined {
  try {
    return h.registry.create(h.types.pods, pod.metadata.namespace, pod, {
      fieldManager: h.managers.controllerManager,
    });
  } catch (e) {
    if (isApiError(e) && (e.code === 403 || e.code === 404 || e.code === 409)) return undefined;
    throw e;
  }
}

/** Deletes a pod (gracefully, as the API decides); true when the request went through. */
export function deletePod(h: Host, pod: KubeObject): boolean {
  const r = tolerant(() =>
    h.registry.delete(h.types.pods, pod.metadata.namespace, pod.metadata.name ?? '', {
      preconditions: { uid: pod.metadata.uid ?? '' },
    }),
  );
  return r !== undefined;
}

/** Sort key for deletion: pods that matter least first (ActivePodsWithRanks, simplified). */
export function deletionOrder(a: KubeObject, b: KubeObject): number {
  const assigned = (p: KubeObject): number => (str(p, 'spec', 'nodeName') ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phaseRank = (p: KubeObject): number =>
    ({ Pending: 0, Unknown: 1, Running: 2 })[str(p, 'status', 'phase') ?? 'Pending'] ?? 0;
  if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
  const ready = (p: KubeObject): number => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  if (isPodReady(a) && isPodReady(b)) {
    const ta = parseTime(findCondition(a['status'], 'Ready')?.['lastTransitionTime']) ?? 0;
    const tb = parseTime(findCondition(b['status'], 'Ready')?.['lastTransitionTime']) ?? 0;
    if (ta !== tb) return tb - ta;
  }
  const ca = a.metadata.creationTimestamp ?? '';
  const cb = b.metadata.creationTimestamp ?? '';
  if (ca !== cb) return ca > cb ? -1 : 1;
  return (a.metadata.name ?? '') > (b.metadata.name ?? '') ? -1 : 1;
}

/** True when an update changed more than status (generation, deletion, labels, annotations). */
export function specOrMetaChanged(prev: KubeObject, next: KubeObject): boolean {
  const a = prev.metadata;
  const b = next.metadata;
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    !jsonEqual(a.labels ?? {}, b.labels ?? {}) ||
    !jsonEqual(a.annotations ?? {}, b.annotations ?? {})
  );
}

/** Reconciles ReplicaSets. */
export class ReplicaSetController {
  static readonly queue = 'replicaset';

  constructor(private readonly h: Host) {}

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.key === KEYS.replicasets) {
      if (ev.type === 'DELETED') return;
      if (ev.prev && !specOrMetaChanged(ev.prev, o)) return;
      this.h.queue.add(ReplicaSetController.queue, `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    } else if (ev.key === KEYS.pods) {
      const ref = controllerRef(o);
      if (ref?.kind === 'ReplicaSet')
        this.h.queue.add(ReplicaSetController.queue, `${o.metadata.namespace ?? ''}/${ref.name}`);
    }
  }

  reconcile(key: string): void {
    const h = this.h;
    const [ns, name] = splitKey(key);
    const rs = h.registry.find(h.types.replicasets, ns, name);
    if (!rs) return;
    let pods = ownedBy(h, rs, KEYS.pods).filter(isActive);
    if (rs.metadata.deletionTimestamp === undefined) {
      const diff = pods.length - replicasOf(rs);
      const template = specOf(rs)['template'];
      if (diff < 0) {
        for (let i = 0; i < Math.min(-diff, BURST); i++) {
          const body = podFromTemplate(rs, template);
          body.metadata.generateName = `${name}-`;
          const pod = createPod(h, body);
          if (!pod) break;
          h.events.record(
            rs,
            'Normal',
            'SuccessfulCreate',
            `Created pod: ${pod.metadata.name ?? ''}`,
            SOURCE,
          );
        }
      } else if (diff > 0) {
        const victims = [...pods].sort(deletionOrder).slice(0, Math.min(diff, BURST));
        for (const pod of victims) {
          if (deletePod(h, pod))
            h.events.record(
              rs,
              'Normal',
              'SuccessfulDelete',
              `Deleted pod: ${pod.metadata.name ?? ''}`,
              SOURCE,
            );
        }
      }
      pods = ownedBy(h, rs, KEYS.pods).filter(isActive);
    }
    this.updateStatus(rs, pods);
  }

  private updateStatus(rs: KubeObject, pods: KubeObject[]): void {
    const h = this.h;
    const templateLabels = strMap(specOf(rs), 'template', 'metadata', 'labels');
    const minReadyMs = h.ms(num(rs, 'spec', 'minReadySeconds') ?? 0);
    const now = h.now().getTime();
    let fully = 0;
    let ready = 0;
    let available = 0;
    let nextCheck = Infinity;
    for (const p of pods) {
      const labels = p.metadata.labels ?? {};
      if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fully++;
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, minReadyMs, now)) available++;
        else {
          const since = parseTime(findCondition(p['status'], 'Ready')?.['lastTransitionTime']) ?? now;
          nextCheck = Math.min(nextCheck, since + minReadyMs - now);
        }
      }
    }
    const status: Rec = { replicas: pods.length };
    if (fully) status['fullyLabeledReplicas'] = fully;
    if (ready) status['readyReplicas'] = ready;
    if (available) status['availableReplicas'] = available;
    const gen = rs.metadata.generation ?? 0;
    if (gen) status['observedGeneration'] = gen;
    const conds = statusOf(rs)['conditions'];
    if (Array.isArray(conds) && conds.length > 0) status['conditions'] = conds;
    if (!jsonEqual(status, rs['status'] ?? {}))
      tolerant(() =>
        h.registry.update(
          h.types.replicasets,
          rs.metadata.namespace,
          rs.metadata.name ?? '',
          { ...rs, status },
          { fieldManager: h.managers.controllerManager, subresource: 'status' },
        ),
      );
    if (nextCheck !== Infinity)
      h.queue.addAfter(
        ReplicaSetController.queue,
        `${rs.metadata.namespace ?? ''}/${rs.metadata.name ?? ''}`,
        Math.max(nextCheck + 5, 10),
      );
  }
}
