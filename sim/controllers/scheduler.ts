/**
 * The default scheduler, reduced to the plugins that decide placement in practice:
 * NodeUnschedulable, TaintToleration, NodeAffinity (nodeSelector and required affinity,
 * including matchFields), NodeResourcesFit (pods, cpu, memory), scored by least allocation,
 * balance and spreading of a controller's pods. Unschedulable pods get PodScheduled=False with
 * the scheduler's "0/N nodes are available: ..." message and a FailedScheduling event, and are
 * retried when nodes change or pods go away.
 */
import type { KubeObject } from '../k8s-types.js';
import type { StoreEvent } from '../store.js';
import { KEYS, tolerant, type Host } from './runtime.js';
import {
  at,
  conditionsOf,
  controllerRef,
  findCondition,
  isTerminal,
  matchesNodeAffinity,
  nodeCondition,
  podRequests,
  quantity,
  rec,
  recs,
  rfc3339,
  specOf,
  splitKey,
  statusOf,
  str,
  taintsOf,
  untoleratedTaint,
  upsertCondition,
  type Rec,
  type Taint,
} from './util.js';

const SOURCE = { component: 'default-scheduler' };
/** NonZeroRequested defaults: pods without requests still count for scoring. */
const DEFAULT_CPU = 0.1;
const DEFAULT_MEMORY = 200 * 1024 * 1024;

interface Usage {
  pods: number;
  cpu: number;
  memory: number;
  /** Pod counts per controller uid, for spreading. */
  owners: Map<string, number>;
}

/** What decides whether pods can go to a node: retry unschedulable pods when it changes. */
function schedulingFacts(node: KubeObject): string {
  return JSON.stringify([
    node.metadata.labels ?? {},
    at(node, 'spec', 'taints') ?? [],
    at(node, 'spec', 'unschedulable') ?? false,
    at(node, 'status', 'allocatable') ?? {},
    nodeCondition(node, 'Ready') ?? '',
  ]);
}

/**
 * Binds a pod to a node through the pods/binding semantics (Registry.bind): spec.nodeName and
 * PodScheduled=True in one write. Returns the bound pod, or undefined when the pod is gone,
 * being deleted or already bound.
 */
export function bindPod(
  h: Host,
  namespace: string | undefined,
  name: string,
  nodeName: string,
): KubeObject | undefined {
  const cur = h.store.get(KEYS.pods, namespace, name);
  if (!cur || str(cur, 'spec', 'nodeName') || cur.metadata.deletionTimestamp !== undefined) return undefined;
  return tolerant(() => h.registry.bind(namespace ?? 'default', name, nodeName, h.managers.scheduler));
}

/** The scheduler of one cluster. */
export class Scheduler {
  static readonly queue = 'scheduler';
  private readonly unschedulable = new Set<string>();
  private cache: { seq: number; usage: Map<string, Usage> } | undefined;

  constructor(private readonly h: Host) {}

  /** True for pods this scheduler must place. */
  static needsScheduling(pod: KubeObject): boolean {
    const spec = specOf(pod);
    const scheduler = spec['schedulerName'];
    return (
      !spec['nodeName'] &&
      pod.metadata.deletionTimestamp === undefined &&
      (scheduler === undefined || scheduler === 'default-scheduler') &&
      !isTerminal(pod)
    );
  }

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.key === KEYS.pods) {
      const key = `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
      const wasBound = ev.prev !== undefined && Boolean(str(ev.prev, 'spec', 'nodeName'));
      if (ev.type === 'DELETED') {
        this.unschedulable.delete(key);
        if (wasBound) this.retryUnschedulable();
        return;
      }
      if (Scheduler.needsScheduling(o)) {
        // Our own status write on an unschedulable pod is no reason to try again.
        const specSame =
          ev.prev !== undefined && JSON.stringify(ev.prev['spec']) === JSON.stringify(o['spec']);
        if (!(ev.type === 'MODIFIED' && specSame && this.unschedulable.has(key)))
          this.h.queue.add(Scheduler.queue, key);
      } else {
        this.unschedulable.delete(key);
        if (wasBound && ev.prev && isTerminal(o) && !isTerminal(ev.prev)) this.retryUnschedulable();
      }
    } else if (ev.key === KEYS.nodes) {
      if (ev.type === 'DELETED') return;
      if (ev.type === 'MODIFIED' && ev.prev && schedulingFacts(ev.prev) === schedulingFacts(o)) return;
      this.retryUnschedulable();
    }
  }

  private retryUnschedulable(): void {
    for (const key of this.unschedulable) this.h.queue.add(Scheduler.queue, key);
  }

  reconcile(key: string): void {
    const h = this.h;
    const [ns, name] = splitKey(key);
    const pod = h.store.get(KEYS.pods, ns, name);
    if (!pod || !Scheduler.needsScheduling(pod)) {
      this.unschedulable.delete(key);
      return;
    }
    const nodes = h.store.list(KEYS.nodes);
    const usage = this.usage(nodes);
    const spec = specOf(pod);
    const tolerations = recs(spec, 'tolerations');
    const req = podRequests(pod);
    const reasons = new Map<string, number>();
    const feasible: { node: KubeObject; usage: Usage }[] = [];
    const fail = (reason: string): void => void reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    for (const node of nodes) {
      const nodeName = node.metadata.name ?? '';
      const taints = effectiveTaints(node);
      if (
        specOf(node)['unschedulable'] === true &&
        !tolerations.some((t) => tolerationMatches(t, 'node.kubernetes.io/unschedulable', 'NoSchedule'))
      ) {
        fail('node(s) were unschedulable');
        continue;
      }
      const bad = untoleratedTaint(taints, tolerations, ['NoSchedule', 'NoExecute']);
      if (bad) {
        fail(`node(s) had untolerated taint {${bad.key}: ${bad.value ?? ''}}`);
        continue;
      }
      if (!matchesNodeAffinity(spec, node)) {
        fail("node(s) didn't match Pod's node affinity/selector");
        continue;
      }
      const u = usage.get(nodeName) ?? emptyUsage();
      const alloc = rec(at(node, 'status', 'allocatable')) ?? {};
      const insufficient: string[] = [];
      const maxPods = alloc['pods'] === undefined ? 110 : quantity(alloc['pods']);
      if (u.pods + 1 > maxPods) insufficient.push('Too many pods');
      if (req.cpu > 0 && alloc['cpu'] !== undefined && u.cpu + req.cpu > quantity(alloc['cpu']) + 1e-9)
        insufficient.push('Insufficient cpu');
      if (
        req.memory > 0 &&
        alloc['memory'] !== undefined &&
        u.memory + req.memory > quantity(alloc['memory'])
      )
        insufficient.push('Insufficient memory');
      if (insufficient.length > 0) {
        for (const r of insufficient) fail(r);
        continue;
      }
      feasible.push({ node, usage: u });
    }
    if (feasible.length === 0) {
      const n = nodes.length;
      const message =
        n === 0
          ? 'no nodes available to schedule pods'
          : `0/${n} nodes are available: ${[...reasons]
              .map(([r, c]) => `${c} ${r}`)
              .sort()
              .join(
                ', ',
              )}. preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;
      this.markUnschedulable(pod, key, message);
      return;
    }
    const ownerUid = controllerRef(pod)?.uid;
    const maxSame = Math.max(0, ...feasible.map((f) => (ownerUid ? (f.usage.owners.get(ownerUid) ?? 0) : 0)));
    let best: { node: KubeObject; usage: Usage; score: number } | undefined;
    for (const f of feasible) {
      const score = this.score(f.node, f.usage, req, ownerUid, maxSame, tolerations);
      if (
        !best ||
        score > best.score + 1e-9 ||
        (Math.abs(score - best.score) <= 1e-9 &&
          (f.usage.pods < best.usage.pods ||
            (f.usage.pods === best.usage.pods &&
              (f.node.metadata.name ?? '') < (best.node.metadata.name ?? ''))))
      )
        best = { ...f, score };
    }
    if (!best) return;
    const nodeName = best.node.metadata.name ?? '';
    const bound = bindPod(h, ns, name, nodeName);
    if (!bound) return;
    this.unschedulable.delete(key);
    best.usage.pods++;
    best.usage.cpu += req.cpu;
    best.usage.memory += req.memory;
    if (ownerUid) best.usage.owners.set(ownerUid, (best.usage.owners.get(ownerUid) ?? 0) + 1);
    usage.set(nodeName, best.usage);
    h.events.record(
      bound,
      'Normal',
      'Scheduled',
      `Successfully assigned ${ns ?? 'default'}/${name} to ${nodeName}`,
      SOURCE,
    );
  }

  private score(
    node: KubeObject,
    u: Usage,
    req: { cpu: number; memory: number },
    ownerUid: string | undefined,
    maxSame: number,
    tolerations: Rec[],
  ): number {
    const alloc = rec(at(node, 'status', 'allocatable')) ?? {};
    const capCpu = quantity(alloc['cpu']) || 1;
    const capMem = quantity(alloc['memory']) || 1;
    const cpuFrac = Math.min(1, (u.cpu + (req.cpu || DEFAULT_CPU)) / capCpu);
    const memFrac = Math.min(1, (u.memory + (req.memory || DEFAULT_MEMORY)) / capMem);
    const leastAllocated = ((1 - cpuFrac) * 100 + (1 - memFrac) * 100) / 2;
    const balanced = (1 - Math.abs(cpuFrac - memFrac)) * 100;
    const same = ownerUid ? (u.owners.get(ownerUid) ?? 0) : 0;
    const spread = maxSame === 0 ? 100 : 100 * (1 - same / (maxSame + 1));
    const preferNo = taintsOf(node).filter(
      (t) => t.effect === 'PreferNoSchedule' && untoleratedTaint([t], tolerations, ['PreferNoSchedule']),
    ).length;
    return leastAllocated + balanced + 2 * spread - 100 * preferNo;
  }

  private usage(nodes: KubeObject[]): Map<string, Usage> {
    const seq = this.h.queue.flushSeq;
    if (this.cache && this.cache.seq === seq) return this.cache.usage;
    const usage = new Map<string, Usage>();
    for (const node of nodes) {
      const name = node.metadata.name ?? '';
      const u = emptyUsage();
      for (const key of this.h.podsByNode.podsOn(name)) {
        const [ns, podName] = splitKey(key);
        const pod = this.h.store.get(KEYS.pods, ns || undefined, podName);
        if (!pod || isTerminal(pod)) continue;
        const r = podRequests(pod);
        u.pods++;
        u.cpu += r.cpu;
        u.memory += r.memory;
        const owner = controllerRef(pod)?.uid;
        if (owner) u.owners.set(owner, (u.owners.get(owner) ?? 0) + 1);
      }
      usage.set(name, u);
    }
    this.cache = { seq, usage };
    return usage;
  }

  private markUnschedulable(pod: KubeObject, key: string, message: string): void {
    const h = this.h;
    this.unschedulable.add(key);
    const status = statusOf(pod);
    const cur = findCondition(status, 'PodScheduled');
    if (!(cur && cur.status === 'False' && cur['reason'] === 'Unschedulable' && cur['message'] === message)) {
      const conditions = upsertCondition(conditionsOf(status), {
        type: 'PodScheduled',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: rfc3339(h.now()),
        reason: 'Unschedulable',
        message,
      });
      h.registry.update(
        h.types.pods,
        pod.metadata.namespace,
        pod.metadata.name ?? '',
        { ...pod, status: { ...status, conditions } },
        { fieldManager: h.managers.scheduler, subresource: 'status' },
      );
    }
    h.events.record(pod, 'Warning', 'FailedScheduling', message, SOURCE);
    // Like the scheduler's periodic flush of unschedulable pods (podMaxInUnschedulablePodsDuration).
    h.queue.addAfter(Scheduler.queue, key, h.ms(300));
  }
}

function emptyUsage(): Usage {
  return { pods: 0, cpu: 0, memory: 0, owners: new Map() };
}

function tolerationMatches(tol: Rec, key: string, effect: string): boolean {
  const e = tol['effect'];
  if (typeof e === 'string' && e !== '' && e !== effect) return false;
  const k = typeof tol['key'] === 'string' ? tol['key'] : '';
  if (k === '') return tol['operator'] === 'Exists';
  return k === key && (tol['operator'] === 'Exists' || (tol['value'] ?? '') === '');
}

/** The node's taints, plus the not-ready/unreachable taint a NotReady node is about to get. */
function effectiveTaints(node: KubeObject): Taint[] {
  const taints = taintsOf(node);
  const ready = nodeCondition(node, 'Ready');
  if (ready === 'True') return taints;
  const key = ready === 'False' ? 'node.kubernetes.io/not-ready' : 'node.kubernetes.io/unreachable';
  if (taints.some((t) => t.key === key && t.effect === 'NoSchedule')) return taints;
  return [...taints, { key, effect: 'NoSchedule' }];
}
