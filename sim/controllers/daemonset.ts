/**
 * The DaemonSet controller: one pod per eligible node, pinned with node affinity on
 * metadata.name and carrying the standard DaemonSet tolerations (the default scheduler then
 * binds it), RollingUpdate by maxUnavailable, and the DaemonSet status counters.
 */
import type { KubeObject } from '../k8s-types.js';
import type { StoreEvent } from '../store.js';
import { createPod, deletePod, podFromTemplate, specOrMetaChanged } from './replicaset.js';
import { KEYS, ownedBy, tolerant, type Host } from './runtime.js';
import {
  at,
  clone,
  controllerRef,
  isPodAvailable,
  isPodReady,
  jsonEqual,
  matchesNodeAffinity,
  nodeCondition,
  num,
  rec,
  recs,
  scaledValue,
  splitKey,
  str,
  taintsOf,
  targetNode,
  templateHash,
  untoleratedTaint,
  type Rec,
} from './util.js';

const SOURCE = { component: 'daemonset-controller' };
export const REVISION_HASH = 'controller-revision-hash';
const TEMPLATE_GENERATION = 'pod-template-generation';

/** AddOrUpdateDaemonPodTolerations. */
export function daemonTolerations(spec: Rec): Rec[] {
  const add: Rec[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec['hostNetwork'] === true)
    add.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const existing = recs(spec, 'tolerations').filter(
    (t) => !add.some((a) => a['key'] === t['key'] && a['effect'] === t['effect']),
  );
  return [...existing, ...add];
}

function byCreation(a: KubeObject, b: KubeObject): number {
  const ca = a.metadata.creationTimestamp ?? '';
  const cb = b.metadata.creationTimestamp ?? '';
  if (ca !== cb) return ca < cb ? -1 : 1;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

/** Which node facts decide DaemonSet placement (labels, taints, unschedulable, Ready). */
function placementFacts(node: KubeObject): string {
  return JSON.stringify([
    node.metadata.labels ?? {},
    at(node, 'spec', 'taints') ?? [],
    at(node, 'spec', 'unschedulable') ?? false,
    nodeCondition(node, 'Ready') ?? '',
  ]);
}

/** Reconciles DaemonSets. */
export class DaemonSetController {
  static readonly queue = 'daemonset';

  constructor(private readonly h: Host) {}

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.key === KEYS.daemonsets) {
      if (ev.type === 'DELETED') return;
      if (ev.prev && !specOrMetaChanged(ev.prev, o)) return;
      this.h.queue.add(DaemonSetController.queue, `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    } else if (ev.key === KEYS.pods) {
      const ref = controllerRef(o);
      if (ref?.kind === 'DaemonSet')
        this.h.queue.add(DaemonSetController.queue, `${o.metadata.namespace ?? ''}/${ref.name}`);
    } else if (ev.key === KEYS.nodes) {
      const prev = ev.type === 'MODIFIED' ? ev.prev : undefined;
      if (prev && placementFacts(prev) === placementFacts(o)) return;
      for (const ds of this.h.store.list(KEYS.daemonsets)) {
        // updateNode: a changed node requeues only the DaemonSets whose shouldRun or
        // shouldContinueRunning on it changed (a cordon changes neither: DaemonSet pods
        // tolerate unschedulable).
        if (prev) {
          const [wasRun, wasContinue] = this.predicates(ds, prev);
          const [run, cont] = this.predicates(ds, o);
          if (wasRun === run && wasContinue === cont) continue;
        }
        this.h.queue.add(
          DaemonSetController.queue,
          `${ds.metadata.namespace ?? ''}/${ds.metadata.name ?? ''}`,
        );
      }
    }
  }

  /** [shouldRun, shouldContinueRunning] of a DaemonSet on a node (NodeShouldRunDaemonPod). */
  private predicates(ds: KubeObject, node: KubeObject): [boolean, boolean] {
    const spec = rec(at(ds, 'spec', 'template', 'spec')) ?? {};
    if (!matchesNodeAffinity(spec, node)) return [false, false];
    const tolerations = daemonTolerations(spec);
    const taints = taintsOf(node);
    const noExecute = untoleratedTaint(taints, tolerations, ['NoExecute']) !== undefined;
    const noSchedule = untoleratedTaint(taints, tolerations, ['NoSchedule', 'NoExecute']) !== undefined;
    return [!noSchedule, !noExecute];
  }

  reconcile(key: string): void {
    const h = this.h;
    const [ns, name] = splitKey(key);
    const ds = h.registry.find(h.types.daemonsets, ns, name);
    if (!ds) return;
    const nodes = h.store.list(KEYS.nodes);
    const hash = templateHash(at(ds, 'spec', 'template'));
    if (ds.metadata.deletionTimestamp === undefined) {
      const byNode = this.podsByNode(ds);
      const minReadyMs = h.ms(num(ds, 'spec', 'minReadySeconds') ?? 0);
      const now = h.now().getTime();
      const wanted = new Set<string>();
      for (const node of nodes) {
        const nodeName = node.metadata.name ?? '';
        const [shouldRun, shouldContinue] = this.predicates(ds, node);
        if (shouldRun) wanted.add(nodeName);
        const pods = byNode.get(nodeName) ?? [];
        byNode.delete(nodeName);
        const live = pods.filter((p) => p.metadata.deletionTimestamp === undefined);
        if (shouldRun && pods.length === 0) this.createFor(ds, node, hash);
        else if (shouldContinue) {
          const failed = live.filter((p) => str(p, 'status', 'phase') === 'Failed');
          for (const p of failed) this.delete(ds, p);
          const running = live.filter((p) => str(p, 'status', 'phase') !== 'Failed').sort(byCreation);
          for (const p of running.slice(1)) this.delete(ds, p);
        } else for (const p of live) this.delete(ds, p);
      }
      // Pods for nodes that no longer exist.
      for (const pods of byNode.values())
        for (const p of pods) if (p.metadata.deletionTimestamp === undefined) this.delete(ds, p);
      if (str(ds, 'spec', 'updateStrategy', 'type') !== 'OnDelete')
        this.rollingUpdate(ds, wanted, hash, minReadyMs, now);
    }
    this.updateStatus(ds, nodes, hash);
  }

  private podsByNode(ds: KubeObject): Map<string, KubeObject[]> {
    const out = new Map<string, KubeObject[]>();
    for (const pod of ownedBy(this.h, ds, KEYS.pods)) {
      const node = targetNode(pod);
      if (node === undefined) continue;
      const list = out.get(node);
      if (list) list.push(pod);
      else out.set(node, [pod]);
    }
    return out;
  }

  private rollingUpdate(
    ds: KubeObject,
    wanted: Set<string>,
    hash: string,
    minReadyMs: number,
    now: number,
  ): void {
    const byNode = this.podsByNode(ds);
    const maxUnavailable = Math.max(
      1,
      scaledValue(at(ds, 'spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable'), wanted.size, true, 1),
    );
    let unavailable = 0;
    const oldAvailable: KubeObject[] = [];
    const oldUnavailable: KubeObject[] = [];
    for (const node of wanted) {
      const pods = (byNode.get(node) ?? []).filter((p) => p.metadata.deletionTimestamp === undefined);
      const pod = pods.sort(byCreation)[0];
      const avail = pod !== undefined && isPodAvailable(pod, minReadyMs, now);
      if (!avail) unavailable++;
      if (!pod || pod.metadata.labels?.[REVISION_HASH] === hash) continue;
      (avail ? oldAvailable : oldUnavailable).push(pod);
    }
    for (const p of oldUnavailable) this.delete(ds, p);
    for (const p of oldAvailable) {
      if (unavailable >= maxUnavailable) break;
      this.delete(ds, p);
      unavailable++;
    }
  }

  private createFor(ds: KubeObject, node: KubeObject, hash: string): void {
    const h = this.h;
    const template = rec(at(ds, 'spec', 'template')) ?? {};
    const body = podFromTemplate(ds, template, {
      [REVISION_HASH]: hash,
      [TEMPLATE_GENERATION]: String(ds.metadata.generation ?? 1),
    });
    body.metadata.generateName = `${ds.metadata.name ?? ''}-`;
    const spec = rec(body['spec']) ?? {};
    spec['tolerations'] = daemonTolerations(spec);
    const affinity = clone(rec(spec['affinity']) ?? {});
    const nodeAffinity = rec(affinity['nodeAffinity']) ?? {};
    nodeAffinity['requiredDuringSchedulingIgnoredDuringExecution'] = {
      nodeSelectorTerms: [
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.metadata.name ?? ''] }] },
      ],
    };
    affinity['nodeAffinity'] = nodeAffinity;
    spec['affinity'] = affinity;
    body['spec'] = spec;
    const pod = createPod(h, body);
    if (pod)
      h.events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`, SOURCE);
  }

  private delete(ds: KubeObject, pod: KubeObject): void {
    if (deletePod(this.h, pod))
      this.h.events.record(
        ds,
        'Normal',
        'SuccessfulDelete',
        `Deleted pod: ${pod.metadata.name ?? ''}`,
        SOURCE,
      );
  }

  private updateStatus(ds: KubeObject, nodes: KubeObject[], hash: string): void {
    const h = this.h;
    const byNode = this.podsByNode(ds);
    const minReadyMs = h.ms(num(ds, 'spec', 'minReadySeconds') ?? 0);
    const now = h.now().getTime();
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    for (const node of nodes) {
      const [shouldRun] = this.predicates(ds, node);
      const pods = (byNode.get(node.metadata.name ?? '') ?? []).sort(byCreation);
      const pod = pods[0];
      if (shouldRun) {
        desired++;
        if (!pod) continue;
        current++;
        if (isPodReady(pod)) {
          ready++;
          if (isPodAvailable(pod, minReadyMs, now)) available++;
        }
        const gen = pod.metadata.labels?.[TEMPLATE_GENERATION];
        if (
          pod.metadata.labels?.[REVISION_HASH] === hash ||
          (gen !== undefined && gen === String(ds.metadata.generation ?? ''))
        )
          updated++;
      } else if (pod) misscheduled++;
    }
    const status: Rec = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
    };
    const gen = ds.metadata.generation ?? 0;
    if (gen) status['observedGeneration'] = gen;
    if (updated) status['updatedNumberScheduled'] = updated;
    if (available) status['numberAvailable'] = available;
    if (desired - available > 0) status['numberUnavailable'] = desired - available;
    const old = rec(ds['status']) ?? {};
    if (typeof old['collisionCount'] === 'number') status['collisionCount'] = old['collisionCount'];
    if (!jsonEqual(status, old))
      tolerant(() =>
        h.registry.update(
          h.types.daemonsets,
          ds.metadata.namespace,
          ds.metadata.name ?? '',
          { ...ds, status },
          { fieldManager: h.managers.controllerManager, subresource: 'status' },
        ),
      );
  }
}
