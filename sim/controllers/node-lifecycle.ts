/**
 * The node lifecycle controller (and pod GC for deleted nodes): watches node Lease renewals and
 * marks a node's conditions Unknown after the grace period, taints nodes by condition
 * (not-ready, unreachable, *-pressure, network-unavailable, unschedulable; NoExecute
 * not-ready/unreachable taints as taint-based eviction adds them), marks the pods of a node
 * that stops being Ready as not Ready, and force-deletes the pods of nodes that are gone.
 */
import type { KubeObject } from '../k8s-types.js';
import type { StoreEvent } from '../store.js';
import { KEYS, tolerant, type Host } from './runtime.js';
import {
  at,
  conditionsOf,
  findCondition,
  isPodReady,
  nodeCondition,
  rfc3339,
  splitKey,
  statusOf,
  str,
  taintsOf,
  type Condition,
  type Taint,
} from './util.js';

const SOURCE = { component: 'node-controller' };
const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';
const CONDITION_TAINTS: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};
const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const MANAGED = new Set([NOT_READY, UNREACHABLE, UNSCHEDULABLE, ...Object.values(CONDITION_TAINTS)]);
const MONITOR = 'node-monitor';
/** Node-monitor grace period, in simulated seconds. */
export const NODE_MONITOR_GRACE_SECONDS = 40;

function taintFacts(node: KubeObject): string {
  return JSON.stringify([
    conditionsOf(node['status']).map((c) => [c.type, c.status]),
    at(node, 'spec', 'unschedulable') ?? false,
    at(node, 'spec', 'taints') ?? [],
  ]);
}

/** Node lifecycle of one cluster. */
export class NodeLifecycle {
  static readonly queue = 'node-lifecycle';
  private readonly lastRenew = new Map<string, number>();

  constructor(private readonly h: Host) {}

  /** Starts monitoring with a full grace period for every node, as the controller does at start-up. */
  start(): void {
    const now = Date.now();
    for (const node of this.h.store.list(KEYS.nodes)) {
      const name = node.metadata.name ?? '';
      this.lastRenew.set(name, now);
      this.h.queue.add(NodeLifecycle.queue, `taints:${name}`);
    }
    this.ensureMonitor();
  }

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    const name = o.metadata.name ?? '';
    if (ev.key === KEYS.leases) {
      if (ev.type === 'DELETED' || o.metadata.namespace !== 'kube-node-lease') return;
      if (ev.prev && str(ev.prev, 'spec', 'renewTime') === str(o, 'spec', 'renewTime')) return;
      this.lastRenew.set(name, Date.now());
      this.ensureMonitor();
      return;
    }
    if (ev.key !== KEYS.nodes) return;
    if (ev.type === 'DELETED') {
      this.lastRenew.delete(name);
      this.h.queue.add(NodeLifecycle.queue, `podgc:${name}`);
      return;
    }
    if (ev.type === 'ADDED') {
      if (!this.lastRenew.has(name)) this.lastRenew.set(name, Date.now());
      this.ensureMonitor();
    }
    if (!ev.prev || taintFacts(ev.prev) !== taintFacts(o))
      this.h.queue.add(NodeLifecycle.queue, `taints:${name}`);
    if (ev.prev && nodeCondition(ev.prev, 'Ready') === 'True' && nodeCondition(o, 'Ready') !== 'True')
      this.h.queue.add(NodeLifecycle.queue, `pods:${name}`);
  }

  reconcile(key: string): void {
    const i = key.indexOf(':');
    const what = key.slice(0, i);
    const node = key.slice(i + 1);
    if (what === 'taints') this.reconcileTaints(node);
    else if (what === 'pods') this.markPodsNotReady(node);
    else if (what === 'podgc') this.podGC(node);
  }

  private ensureMonitor(): void {
    if (this.h.clock.has(MONITOR)) return;
    this.h.clock.schedule(
      MONITOR,
      this.h.ms(NODE_MONITOR_GRACE_SECONDS) + 1,
      () => this.monitor(),
      'earliest',
    );
  }

  /** monitorNodeHealth: nodes whose lease went unrenewed for the grace period become Unknown. */
  private monitor(): void {
    const now = Date.now();
    const grace = this.h.ms(NODE_MONITOR_GRACE_SECONDS);
    let next = Infinity;
    for (const node of this.h.store.list(KEYS.nodes)) {
      const name = node.metadata.name ?? '';
      let last = this.lastRenew.get(name);
      if (last === undefined) {
        last = now;
        this.lastRenew.set(name, now);
      }
      if (now - last >= grace) {
        if (nodeCondition(node, 'Ready') !== 'Unknown') this.markUnknown(node);
      } else next = Math.min(next, last + grace);
    }
    if (next !== Infinity) this.h.clock.schedule(MONITOR, next - now + 1, () => this.monitor());
  }

  private markUnknown(node: KubeObject): void {
    const h = this.h;
    const name = node.metadata.name ?? '';
    const now = rfc3339(h.now());
    let conditions = conditionsOf(node['status']);
    for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']) {
      const c = conditions.find((x) => x.type === type);
      if (c && c.status === 'Unknown') continue;
      const next: Condition = c
        ? {
            ...c,
            status: 'Unknown',
            lastTransitionTime: now,
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
          }
        : {
            type,
            status: 'Unknown',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
            reason: 'NodeStatusUnknown',
            message: 'Kubelet never posted node status.',
          };
      conditions = c ? conditions.map((x) => (x.type === type ? next : x)) : [...conditions, next];
    }
    const wasReady = nodeCondition(node, 'Ready') === 'True';
    tolerant(() =>
      h.registry.update(
        h.types.nodes,
        undefined,
        name,
        { ...node, status: { ...statusOf(node), conditions } },
        { fieldManager: h.managers.controllerManager, subresource: 'status' },
      ),
    );
    if (wasReady || nodeCondition(node, 'Ready') === undefined)
      h.events.record(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`, SOURCE);
  }

  /** Condition taints (TaintNodesByCondition) and the NoExecute not-ready/unreachable taints. */
  private reconcileTaints(name: string): void {
    const h = this.h;
    const node = h.registry.find(h.types.nodes, undefined, name);
    if (!node) return;
    const ready = nodeCondition(node, 'Ready');
    const desired: Taint[] = [];
    const now = rfc3339(h.now());
    if (ready === 'False')
      desired.push(
        { key: NOT_READY, effect: 'NoSchedule' },
        { key: NOT_READY, effect: 'NoExecute', timeAdded: now },
      );
    else if (ready !== 'True')
      desired.push(
        { key: UNREACHABLE, effect: 'NoSchedule' },
        { key: UNREACHABLE, effect: 'NoExecute', timeAdded: now },
      );
    for (const [type, key] of Object.entries(CONDITION_TAINTS))
      if (nodeCondition(node, type) === 'True') desired.push({ key, effect: 'NoSchedule' });
    if (at(node, 'spec', 'unschedulable') === true)
      desired.push({ key: UNSCHEDULABLE, effect: 'NoSchedule' });
    const current = taintsOf(node);
    const same = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;
    const keep = current.filter((t) => !MANAGED.has(t.key) || desired.some((d) => same(d, t)));
    const add = desired.filter((d) => !current.some((t) => same(d, t)));
    if (add.length === 0 && keep.length === current.length) return;
    const taints = [...keep, ...add];
    const spec = { ...(node['spec'] as Record<string, unknown>) };
    if (taints.length > 0) spec['taints'] = taints;
    else delete spec['taints'];
    tolerant(() =>
      h.registry.update(
        h.types.nodes,
        undefined,
        name,
        { ...node, spec },
        { fieldManager: h.managers.controllerManager },
      ),
    );
  }

  /** MarkPodsNotReady: the pods of a node that is no longer Ready get Ready=False. */
  private markPodsNotReady(name: string): void {
    const h = this.h;
    const node = h.store.get(KEYS.nodes, undefined, name);
    if (!node || nodeCondition(node, 'Ready') === 'True') return;
    const now = rfc3339(h.now());
    for (const key of h.podsByNode.podsOn(name)) {
      const [ns, podName] = splitKey(key);
      const pod = h.store.get(KEYS.pods, ns || undefined, podName);
      if (!pod || !isPodReady(pod)) continue;
      const status = statusOf(pod);
      const conditions = conditionsOf(status).map((c) =>
        c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: now } : c,
      );
      const updated = tolerant(() =>
        h.registry.update(
          h.types.pods,
          ns || undefined,
          podName,
          { ...pod, status: { ...status, conditions } },
          { fieldManager: h.managers.controllerManager, subresource: 'status' },
        ),
      );
      if (updated && findCondition(updated['status'], 'Ready')?.status === 'False')
        h.events.record(updated, 'Warning', 'NodeNotReady', 'Node is not ready', SOURCE);
    }
  }

  /** PodGC: pods bound to a node that no longer exists are deleted at once. */
  private podGC(name: string): void {
    const h = this.h;
    if (h.store.get(KEYS.nodes, undefined, name)) return;
    for (const key of h.podsByNode.podsOn(name)) {
      const [ns, podName] = splitKey(key);
      const pod = h.store.get(KEYS.pods, ns || undefined, podName);
      if (!pod) continue;
      tolerant(() =>
        h.registry.delete(h.types.pods, ns || undefined, podName, {
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid ?? '' },
        }),
      );
    }
  }
}
