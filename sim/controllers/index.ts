/**
 * The control plane of one simulated cluster, like kwok provides for a real apiserver:
 * deployment, replicaset, daemonset, statefulset, garbage-collector, namespace, node-lifecycle
 * and CRD controllers, the default scheduler and a kubelet per node. Everything reacts to the
 * store's change events through one work queue and one timer per cluster, so an idle cluster
 * costs a lease renewal per node every 10 s (× timeScale) and little else.
 */
import { etcdSnapshotFileCrd, etcdSnapshotFiles } from '../etcd-snapshots.js';
import { notFound } from '../errors.js';
import { bootstrapObjects, expandNodes, makeLease, makeNode, type NodeSpec } from '../factories.js';
import type { KubeObject } from '../k8s-types.js';
import type { DeleteOptions } from '../registry.js';
import type { ResourceType } from '../resource-types.js';
import type { NodePoolSpec, WorkloadSpec } from '../scenario.js';
import type { StoreEvent } from '../store.js';
import { CrdController } from './crd.js';
import { DaemonSetController } from './daemonset.js';
import { DeploymentController } from './deployment.js';
import { EventRecorder } from './events.js';
import { GarbageCollector } from './gc.js';
import { Kubelets, platformMatches, type ConditionStatus, type NodeConditionType } from './kubelet.js';
import { NamespaceController } from './namespace.js';
import { NodeLifecycle } from './node-lifecycle.js';
import { ReplicaSetController } from './replicaset.js';
import {
  Clock,
  coreTypes,
  KEYS,
  OwnerIndex,
  PodNodeIndex,
  WorkQueue,
  type ControllerContext,
  type CoreTypes,
  type Host,
  type Managers,
} from './runtime.js';
import { Scheduler, bindPod } from './scheduler.js';
import { StatefulSetController } from './statefulset.js';
import { fnv32a, isTerminal, specOf, str } from './util.js';

export type { ControllerContext, ImageCatalog } from './runtime.js';
export type { NodeConditionType, ConditionStatus } from './kubelet.js';
export { bindPod };

/** Errors a controller hit (kept for diagnostics and tests; bounded). */
export interface ControllerError {
  time: string;
  key: string;
  message: string;
}

const MAX_ERRORS = 50;
/** Kubelet lease renewal period, in simulated seconds. */
const LEASE_RENEW_SECONDS = 10;
/** Event TTL (kube-apiserver --event-ttl), in simulated seconds. */
const EVENT_TTL_SECONDS = 3600;

class ClusterHost implements Host {
  readonly registry;
  readonly store;
  readonly types: CoreTypes;
  readonly clock: Clock;
  readonly queue: WorkQueue;
  readonly owners = new OwnerIndex();
  readonly podsByNode = new PodNodeIndex();
  readonly events: EventRecorder;
  readonly managers: Managers;
  instant = false;

  constructor(
    readonly ctx: ControllerContext,
    onError: (key: string, e: unknown) => void,
  ) {
    this.registry = ctx.registry;
    this.store = ctx.store;
    this.types = coreTypes(ctx.catalog);
    this.clock = new Clock(onError);
    this.queue = new WorkQueue(this.clock, Math.max(5, this.ms(0.5)), onError);
    this.managers =
      ctx.spec.distro === 'k3s'
        ? { controllerManager: 'k3s', scheduler: 'k3s', kubelet: 'k3s', apiserver: 'k3s' }
        : {
            controllerManager: 'kube-controller-manager',
            scheduler: 'kube-scheduler',
            kubelet: 'kubelet',
            apiserver: 'kube-apiserver',
          };
    this.events = new EventRecorder({
      registry: ctx.registry,
      types: this.types,
      clock: this.clock,
      now: () => ctx.now(),
      ttlMs: this.ms(EVENT_TTL_SECONDS),
      managerFor: (component) =>
        component === 'kubelet'
          ? this.managers.kubelet
          : component === 'default-scheduler'
            ? this.managers.scheduler
            : this.managers.controllerManager,
    });
  }

  ms(seconds: number): number {
    return seconds * 1000 * this.ctx.timeScale;
  }

  now(): Date {
    return this.ctx.now();
  }
}

/** The controllers, scheduler and kubelets of one simulated cluster. */
export class ClusterControllers {
  private readonly h: ClusterHost;
  private readonly deployments: DeploymentController;
  private readonly replicaSets: ReplicaSetController;
  private readonly daemonSets: DaemonSetController;
  private readonly statefulSets: StatefulSetController;
  private readonly scheduler: Scheduler;
  private readonly kubelets: Kubelets;
  private readonly lifecycle: NodeLifecycle;
  private readonly gc: GarbageCollector;
  private readonly namespaces: NamespaceController;
  private readonly crds: CrdController;
  private unsubscribe: (() => void) | undefined;
  private started = false;
  private stopped = false;
  private bootstrapped = false;
  private readonly errorLog: ControllerError[] = [];

  constructor(readonly ctx: ControllerContext) {
    const h = new ClusterHost(ctx, (key, e) => this.recordError(key, e));
    this.h = h;
    this.crds = new CrdController(h);
    this.namespaces = new NamespaceController(h);
    this.gc = new GarbageCollector(h);
    this.deployments = new DeploymentController(h);
    this.replicaSets = new ReplicaSetController(h);
    this.daemonSets = new DaemonSetController(h);
    this.statefulSets = new StatefulSetController(h);
    this.scheduler = new Scheduler(h);
    this.kubelets = new Kubelets(h);
    this.lifecycle = new NodeLifecycle(h);
    const q = h.queue;
    q.register(CrdController.queue, (k) => this.crds.reconcile(k));
    q.register(NamespaceController.queue, (k) => this.namespaces.reconcile(k));
    q.register(GarbageCollector.queue, (k) => this.gc.reconcile(k));
    q.register(DeploymentController.queue, (k) => this.deployments.reconcile(k));
    q.register(ReplicaSetController.queue, (k) => this.replicaSets.reconcile(k));
    q.register(DaemonSetController.queue, (k) => this.daemonSets.reconcile(k));
    q.register(StatefulSetController.queue, (k) => this.statefulSets.reconcile(k));
    q.register(Scheduler.queue, (k) => this.scheduler.reconcile(k));
    q.register(Kubelets.queue, (k) => this.kubelets.reconcile(k));
    q.register(NodeLifecycle.queue, (k) => this.lifecycle.reconcile(k));
  }

  /** Errors controllers ran into (most recent last). */
  get errors(): readonly ControllerError[] {
    return this.errorLog;
  }

  /** True when no controller has work queued (timers may still be pending). */
  get idle(): boolean {
    return this.h.queue.idle;
  }

  private recordError(key: string, e: unknown): void {
    this.errorLog.push({
      time: new Date().toISOString(),
      key: key.replaceAll('\u0000', ' '),
      message: e instanceof Error ? e.message : String(e),
    });
    if (this.errorLog.length > MAX_ERRORS) this.errorLog.splice(0, this.errorLog.length - MAX_ERRORS);
  }

  // ------------------------------------------------------------ wiring

  /** Indexes what the store holds and subscribes to its changes. */
  private attach(): void {
    if (this.unsubscribe || this.stopped) return;
    const { store } = this.h;
    for (const key of store.keys()) {
      for (const obj of store.list(key)) {
        if (key === KEYS.events) {
          this.h.events.expire(obj.metadata.namespace ?? 'default', obj.metadata.name ?? '');
          continue;
        }
        this.h.owners.add(key, obj);
        if (key === KEYS.pods)
          this.h.podsByNode.update({ type: 'ADDED', rv: 0, key, object: obj, prev: undefined, time: 0 });
        if (key === KEYS.crds) this.crds.adopt(obj);
      }
    }
    this.unsubscribe = store.subscribe((ev) => this.onEvent(ev));
  }

  private onEvent(ev: StoreEvent): void {
    const h = this.h;
    if (ev.key === KEYS.events) {
      const m = ev.object.metadata;
      if (ev.type === 'ADDED') h.events.expire(m.namespace ?? 'default', m.name ?? '');
      else if (ev.type === 'DELETED') h.events.forget(m.namespace, m.name ?? '');
      return;
    }
    h.owners.update(ev);
    this.gc.onEvent(ev);
    switch (ev.key) {
      case KEYS.pods:
        h.podsByNode.update(ev);
        this.deployments.onEvent(ev);
        this.replicaSets.onEvent(ev);
        this.daemonSets.onEvent(ev);
        this.statefulSets.onEvent(ev);
        this.scheduler.onEvent(ev);
        this.kubelets.onEvent(ev);
        break;
      case KEYS.deployments:
        this.deployments.onEvent(ev);
        break;
      case KEYS.replicasets:
        this.deployments.onEvent(ev);
        this.replicaSets.onEvent(ev);
        break;
      case KEYS.daemonsets:
        this.daemonSets.onEvent(ev);
        break;
      case KEYS.statefulsets:
        this.statefulSets.onEvent(ev);
        break;
      case KEYS.nodes:
        this.daemonSets.onEvent(ev);
        this.scheduler.onEvent(ev);
        this.lifecycle.onEvent(ev);
        if (ev.type === 'DELETED') this.kubelets.unregister(ev.object.metadata.name ?? '');
        break;
      case KEYS.leases:
        this.lifecycle.onEvent(ev);
        break;
      case KEYS.crds:
        this.crds.onEvent(ev);
        break;
    }
    this.namespaces.onEvent(ev);
  }

  // ------------------------------------------------------------ lifecycle

  /**
   * Writes a fresh cluster's objects: bootstrap namespaces, service accounts, config maps,
   * the kubernetes Service and leader leases; nodes (as registered kubelets) with their
   * leases; then the scenario's workloads. The controllers then run synchronously until the
   * cluster has settled, so a new cluster starts with its pods already Running (or in
   * ImagePullBackOff where the image lacks the node's platform).
   */
  bootstrap(options: { etcdSnapshots?: boolean } = {}): void {
    if (this.stopped) return;
    this.attach();
    const h = this.h;
    const { spec } = this.ctx;
    const now = this.ctx.now();
    const nodes = expandNodes(spec, this.clusterIndex(), now);
    const cp = nodes.find((n) => n.role === 'control-plane') ?? nodes[0];
    const boot = bootstrapObjects(
      {
        distro: spec.distro,
        kubernetesVersion: spec.kubernetesVersion,
        ...(cp ? { controlPlaneNode: cp.name } : {}),
      },
      now,
      this.ctx.caCertPem,
    );
    for (const obj of boot) this.createIfMissing(obj, this.bootstrapManager(obj));
    // RKE2 registers its CRDs as it starts (k3s does too; not simulated, see sim/README.md).
    if (spec.distro === 'rke2') this.createIfMissing(etcdSnapshotFileCrd(), h.managers.apiserver);
    for (const n of nodes) {
      n.images = this.preloadedImages(n);
      this.registerNode(n);
    }
    for (const w of spec.workloads) this.createWorkload(w);
    this.bootstrapped = true;
    h.instant = true;
    try {
      h.queue.drain();
    } finally {
      h.instant = false;
    }
    // The CRD is established now. The etcd nodes' scheduled snapshots so far; a rebuilt
    // cluster (wipe) lost them with its disks.
    if (options.etcdSnapshots && spec.distro === 'rke2') {
      for (const n of nodes.filter((x) => x.role === 'control-plane'))
        for (const snap of etcdSnapshotFiles(n.name, now)) this.createIfMissing(snap, 'rke2');
    }
  }

  /** Subscribes to the store and starts the timers. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.attach();
    const h = this.h;
    if (!this.bootstrapped) {
      // Controllers restarted over an existing store: nodes with a kubelet lease get a kubelet.
      for (const node of h.store.list(KEYS.nodes)) {
        const name = node.metadata.name ?? '';
        if (h.store.get(KEYS.leases, 'kube-node-lease', name)) this.kubelets.register(name);
      }
    }
    h.clock.start();
    h.queue.start();
    this.lifecycle.start();
    this.resyncAll();
    this.scheduleHeartbeat();
  }

  /** Stops every timer and the store subscription; idempotent. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.h.clock.stop();
    this.h.queue.stop();
    this.crds.clear();
  }

  private scheduleHeartbeat(): void {
    this.h.clock.schedule('kubelet-heartbeat', this.h.ms(LEASE_RENEW_SECONDS), () => {
      this.kubelets.heartbeat();
      this.scheduleHeartbeat();
    });
  }

  /** Queues everything once, so state written before start() is reconciled. */
  private resyncAll(): void {
    const { store, queue } = this.h;
    const add = (name: string, list: KubeObject[]): void => {
      for (const o of list) queue.add(name, `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    };
    add(DeploymentController.queue, store.list(KEYS.deployments));
    add(ReplicaSetController.queue, store.list(KEYS.replicasets));
    add(DaemonSetController.queue, store.list(KEYS.daemonsets));
    add(StatefulSetController.queue, store.list(KEYS.statefulsets));
    for (const pod of store.list(KEYS.pods)) {
      const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
      if (Scheduler.needsScheduling(pod)) queue.add(Scheduler.queue, key);
      else if (this.kubelets.manages(str(pod, 'spec', 'nodeName') ?? '')) queue.add(Kubelets.queue, key);
    }
    for (const ns of store.list(KEYS.namespaces))
      if (ns.metadata.deletionTimestamp !== undefined)
        queue.add(NamespaceController.queue, ns.metadata.name ?? '');
  }

  // ------------------------------------------------------------ bootstrap helpers

  private clusterIndex(): number {
    return this.ctx.clusterIndex ?? fnv32a(this.ctx.clusterName) % 4096;
  }

  private bootstrapManager(obj: KubeObject): string {
    const m = this.h.managers;
    if (obj.kind === 'ServiceAccount' || obj.kind === 'ConfigMap') return m.controllerManager;
    if (obj.kind === 'Lease')
      return obj.metadata.name === 'kube-scheduler' ? m.scheduler : m.controllerManager;
    return m.apiserver;
  }

  private typeFor(obj: KubeObject): ResourceType {
    const t = this.ctx.catalog.lookupKind(obj.apiVersion, obj.kind);
    if (!t) throw new Error(`no served type for ${obj.apiVersion} ${obj.kind}`);
    return t;
  }

  private createIfMissing(obj: KubeObject, manager: string): KubeObject {
    const t = this.typeFor(obj);
    const existing = this.ctx.registry.find(t, obj.metadata.namespace, obj.metadata.name ?? '');
    if (existing) return existing;
    return this.ctx.registry.create(t, obj.metadata.namespace, obj, { fieldManager: manager });
  }

  /** Workload images the node can run, which a long-running node has pulled already. */
  private preloadedImages(n: NodeSpec): string[] {
    const out: string[] = [];
    for (const w of this.ctx.spec.workloads) {
      const platforms = this.ctx.images.platforms(w.image);
      if (platforms === undefined || platformMatches(platforms, n.architecture)) out.push(w.image);
    }
    return out;
  }

  /** Creates a Node as its kubelet registers it, its Lease, and starts the kubelet. */
  private registerNode(n: NodeSpec): KubeObject {
    const h = this.h;
    const node = this.createIfMissing(makeNode(n), h.managers.kubelet);
    this.kubelets.register(n.name);
    this.createIfMissing(makeLease(n.name, this.ctx.now(), node.metadata.uid), h.managers.kubelet);
    return node;
  }

  private ensureNamespace(name: string): void {
    this.createIfMissing({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, 'kubectl-create');
  }

  private createWorkload(w: WorkloadSpec): void {
    this.ensureNamespace(w.namespace);
    const labels = { app: w.name, ...(w.labels ?? {}) };
    const container: Record<string, unknown> = { name: w.name, image: w.image };
    if (w.env && Object.keys(w.env).length > 0)
      container['env'] = Object.entries(w.env).map(([name, value]) => ({ name, value }));
    if (w.resources) {
      const res: Record<string, unknown> = {};
      if (w.resources.requests) res['requests'] = { ...w.resources.requests };
      if (w.resources.limits) res['limits'] = { ...w.resources.limits };
      container['resources'] = res;
    }
    const podSpec: Record<string, unknown> = { containers: [container] };
    if (w.nodeSelector && Object.keys(w.nodeSelector).length > 0)
      podSpec['nodeSelector'] = { ...w.nodeSelector };
    if (w.tolerations && w.tolerations.length > 0)
      podSpec['tolerations'] = w.tolerations.map((t) => ({ ...t }));
    const template = { metadata: { labels }, spec: podSpec };
    const metadata = { name: w.name, namespace: w.namespace, labels };
    const selector = { matchLabels: { app: w.name } };
    const manager = 'kubectl-create';
    if (w.kind === 'Deployment') {
      this.createIfMissing(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata,
          spec: { replicas: w.replicas ?? 1, selector, template },
        },
        manager,
      );
    } else if (w.kind === 'DaemonSet') {
      this.createIfMissing(
        { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata, spec: { selector, template } },
        manager,
      );
    } else {
      this.createIfMissing(
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: w.name, namespace: w.namespace, labels },
          spec: {
            clusterIP: 'None',
            selector: { app: w.name },
            ports: [{ name: 'tcp', port: 8080, targetPort: 8080 }],
          },
        },
        manager,
      );
      this.createIfMissing(
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata,
          spec: { replicas: w.replicas ?? 1, serviceName: w.name, selector, template },
        },
        manager,
      );
    }
  }

  // ------------------------------------------------------------ node faults

  /** Adds a node (as a kubelet joining the cluster would register it). */
  addNode(pool: NodePoolSpec & { name: string }): KubeObject {
    const { spec } = this.ctx;
    const used = new Set<number>();
    for (const node of this.h.store.list(KEYS.nodes)) {
      const m = /^10\.(\d+)\.(\d+)\.0\/24$/.exec(str(node, 'spec', 'podCIDR') ?? '');
      if (m) used.add(((Number(m[1]) - (spec.distro === 'kubeadm' ? 244 : 42)) << 8) + Number(m[2]));
    }
    let index = 0;
    while (used.has(index)) index++;
    const ci = this.clusterIndex();
    const host = index + 10;
    const taints =
      pool.taints ??
      (spec.distro === 'kubeadm' && pool.role === 'control-plane'
        ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const }]
        : []);
    const n: NodeSpec = {
      name: pool.name,
      architecture: pool.architecture,
      role: pool.role,
      kubernetesVersion: spec.kubernetesVersion,
      distro: spec.distro,
      cpu: pool.cpu,
      memory: pool.memory,
      pods: pool.pods,
      labels: { ...(pool.labels ?? {}) },
      taints,
      internalIP: `10.${(ci >> 4) & 255}.${((ci & 15) << 4) | ((host >> 8) & 15)}.${host & 255}`,
      index,
      now: this.ctx.now(),
    };
    if (this.h.store.get(KEYS.nodes, undefined, n.name)) throw new Error(`node ${n.name} already exists`);
    return this.registerNode(n);
  }

  /** Deletes a node; the pod GC then deletes its pods and the garbage collector its Lease. */
  removeNode(name: string): void {
    this.ctx.registry.delete(this.h.types.nodes, undefined, name, {});
  }

  /** The admin's direct override of a node condition (what the kubelet would post). */
  setNodeCondition(
    node: string,
    type: NodeConditionType,
    status: ConditionStatus,
    reason?: string,
    message?: string,
  ): void {
    this.requireNode(node);
    this.kubelets.setCondition(node, type, status, reason, message);
  }

  /** Stops or resumes a node's kubelet: its lease, status posts and pod handling. */
  setHeartbeat(node: string, running: boolean): void {
    this.requireNode(node);
    this.kubelets.setRunning(node, running);
  }

  /** kubectl cordon/uncordon: spec.unschedulable; the node controller adds/removes the taint. */
  setCordoned(node: string, cordoned: boolean): void {
    const obj = this.requireNode(node);
    const spec = { ...specOf(obj) };
    if (cordoned) spec['unschedulable'] = true;
    else delete spec['unschedulable'];
    this.ctx.registry.update(
      this.h.types.nodes,
      undefined,
      node,
      { ...obj, spec },
      { fieldManager: 'kubectl-cordon' },
    );
  }

  private requireNode(name: string): KubeObject {
    const node = this.ctx.registry.find(this.h.types.nodes, undefined, name);
    if (!node) throw notFound({ resource: 'nodes', name });
    return node;
  }

  // ------------------------------------------------------------ API hooks

  /** Container log text for pods/log. */
  podLog(pod: KubeObject, container: string | undefined): string {
    return this.kubelets.podLog(pod, container);
  }

  /** Registry hook: pods bound to a node get a grace period (the kubelet removes them); others go at once. */
  gracefulDelete(type: ResourceType, obj: KubeObject, opts: DeleteOptions): boolean {
    if (type.group !== '' || type.kind !== 'Pod') return false;
    if (opts.gracePeriodSeconds === 0) return false;
    if (!str(obj, 'spec', 'nodeName')) return false;
    return !isTerminal(obj);
  }
}
