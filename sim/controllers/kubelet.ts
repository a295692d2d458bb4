/**
 * Kubelet stand-ins for the nodes a cluster was built with: run the pods bound to them
 * (ContainerCreating, image pull checked against the image catalogue's platforms,
 * ErrImagePull/ImagePullBackOff with back-off retries, Running and Ready), stop deleted pods,
 * renew the node Lease every 10 s and post node status every 5 min or on change. Delays are
 * in simulated seconds (× timeScale). A stopped heartbeat stops the whole kubelet.
 */
import { badRequest } from '../errors.js';
import { makeLease } from '../factories.js';
import type { KubeObject } from '../k8s-types.js';
import type { StoreEvent } from '../store.js';
import { KEYS, tolerant, type Host } from './runtime.js';
import {
  at,
  conditionsOf,
  findCondition,
  hexDigest,
  imageRepo,
  isTerminal,
  microTime,
  nodeArch,
  nodeIP,
  normalizeImage,
  parseTime,
  rec,
  recs,
  rfc3339,
  specOf,
  splitKey,
  statusOf,
  str,
  type Condition,
  type Rec,
} from './util.js';

/** Node condition types the admin API can set. */
export type NodeConditionType =
  'Ready' | 'MemoryPressure' | 'DiskPressure' | 'PIDPressure' | 'NetworkUnavailable';
/** A condition status. */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

interface Override {
  status: ConditionStatus;
  reason?: string;
  message?: string;
}

interface NodeState {
  name: string;
  running: boolean;
  overrides: Map<string, Override>;
  usedIPs: Set<string>;
  nextHost: number;
  lastPost: number;
  /** Images pulled since the node registered (status.images lists the ones before). */
  pulled: Set<string>;
}

type Stage = 'bound' | 'creating' | 'pullfailed' | 'backoff' | 'retrying' | 'running';

interface ContainerRt {
  name: string;
  image: string;
  running: boolean;
  reason?: string;
  message?: string;
  error?: string;
  startedAt?: string;
  containerID?: string;
}

interface PodRt {
  uid: string;
  key: string;
  node: string;
  stage: Stage;
  startTime: string | undefined;
  ip: string | undefined;
  sandboxReady: boolean;
  containers: ContainerRt[];
  init: ContainerRt[];
  backoffMs: number;
  killing: boolean;
}

/** [status, reason, message] as the kubelet words healthy and unhealthy node conditions. */
const WORDING: Record<string, Record<string, [string, string]>> = {
  Ready: {
    True: ['KubeletReady', 'kubelet is posting ready status'],
    False: [
      'KubeletNotReady',
      'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
    ],
    Unknown: ['NodeStatusUnknown', 'Kubelet stopped posting node status.'],
  },
  MemoryPressure: {
    False: ['KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    True: ['KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'],
    Unknown: ['NodeStatusUnknown', 'Kubelet stopped posting node status.'],
  },
  DiskPressure: {
    False: ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    True: ['KubeletHasDiskPressure', 'kubelet has disk pressure'],
    Unknown: ['NodeStatusUnknown', 'Kubelet stopped posting node status.'],
  },
  PIDPressure: {
    False: ['KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    True: ['KubeletHasInsufficientPID', 'kubelet has insufficient PID available'],
    Unknown: ['NodeStatusUnknown', 'Kubelet stopped posting node status.'],
  },
  NetworkUnavailable: {
    False: ['RouteCreated', 'RouteController created a route'],
    True: ['NoRouteCreated', 'Node created without a route'],
    Unknown: ['NodeStatusUnknown', 'Kubelet stopped posting node status.'],
  },
};

/** The node event the kubelet records when a condition turns to a status. */
const NODE_EVENTS: Record<string, Record<string, string>> = {
  Ready: { True: 'NodeReady', False: 'NodeNotReady' },
  MemoryPressure: { True: 'NodeHasInsufficientMemory', False: 'NodeHasSufficientMemory' },
  DiskPressure: { True: 'NodeHasDiskPressure', False: 'NodeHasNoDiskPressure' },
  PIDPressure: { True: 'NodeHasInsufficientPID', False: 'NodeHasSufficientPID' },
};
const KUBELET_CONDITIONS = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'];
const POD_CONDITION_ORDER = [
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
];

/** True when an image's manifest list offers the node's platform. */
export function platformMatches(platforms: string[], arch: string): boolean {
  return platforms.some((p) => {
    const [os, a] = p.split('/');
    return os === 'linux' && a === arch;
  });
}

/** The kubelets of one cluster. */
export class Kubelets {
  static readonly queue = 'kubelet';
  private readonly nodes = new Map<string, NodeState>();
  private readonly pods = new Map<string, PodRt>();

  constructor(private readonly h: Host) {}

  private source(node: string): { component: string; host: string } {
    return { component: 'kubelet', host: node };
  }

  /** Starts a kubelet for a node (registration happens elsewhere). */
  register(name: string, running = true): void {
    if (this.nodes.has(name)) return;
    this.nodes.set(name, {
      name,
      running,
      overrides: new Map(),
      usedIPs: new Set(),
      nextHost: 2,
      lastPost: Date.now(),
      pulled: new Set(),
    });
  }

  /** Forgets a node's kubelet (node deleted). */
  unregister(name: string): void {
    this.nodes.delete(name);
    for (const [uid, rt] of this.pods) {
      if (rt.node !== name) continue;
      this.h.clock.cancel(`kubelet\u0000${uid}`);
      this.pods.delete(uid);
    }
  }

  /** True when a kubelet runs for the node. */
  manages(name: string): boolean {
    return this.nodes.has(name);
  }

  /** Names of the nodes with a kubelet. */
  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  isRunning(name: string): boolean {
    return this.nodes.get(name)?.running ?? false;
  }

  onEvent(ev: StoreEvent): void {
    if (ev.key !== KEYS.pods) return;
    const o = ev.object;
    const key = `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    if (ev.type === 'DELETED') {
      const uid = o.metadata.uid ?? '';
      const rt = this.pods.get(uid);
      if (rt) {
        this.h.clock.cancel(`kubelet\u0000${uid}`);
        if (rt.ip) this.nodes.get(rt.node)?.usedIPs.delete(rt.ip);
        this.pods.delete(uid);
      }
      return;
    }
    const node = str(o, 'spec', 'nodeName');
    if (!node || !this.nodes.has(node)) return;
    // Our own status writes need no reaction; a binding, spec change or deletion does.
    if (
      ev.prev &&
      str(ev.prev, 'spec', 'nodeName') === node &&
      ev.prev.metadata.deletionTimestamp === o.metadata.deletionTimestamp &&
      this.pods.has(o.metadata.uid ?? '')
    )
      return;
    this.h.queue.add(Kubelets.queue, key);
  }

  /** Syncs every pod of a node (kubelet restarted). */
  resyncNode(node: string): void {
    for (const key of this.h.podsByNode.podsOn(node)) this.h.queue.add(Kubelets.queue, key);
  }

  reconcile(key: string): void {
    const h = this.h;
    const [ns, name] = splitKey(key);
    const pod = h.store.get(KEYS.pods, ns || undefined, name);
    if (!pod) return;
    const nodeName = str(pod, 'spec', 'nodeName') ?? '';
    const node = this.nodes.get(nodeName);
    if (!node || !node.running) return;
    const uid = pod.metadata.uid ?? '';
    if (pod.metadata.deletionTimestamp !== undefined) return this.terminate(pod, node);
    if (isTerminal(pod)) return;
    let rt = this.pods.get(uid);
    if (!rt) {
      rt = this.adopt(pod, node);
      this.pods.set(uid, rt);
    }
    this.writeStatus(pod, rt);
    if (!h.clock.has(`kubelet\u0000${uid}`)) this.plan(rt);
  }

  // ------------------------------------------------------------ pod lifecycle

  private adopt(pod: KubeObject, node: NodeState): PodRt {
    const spec = specOf(pod);
    const statuses = recs(pod, 'status', 'containerStatuses');
    const containers: ContainerRt[] = recs(spec, 'containers').map((c) => {
      const name = String(c['name'] ?? '');
      const image = String(c['image'] ?? '');
      const s = statuses.find((x) => x['name'] === name);
      const running = rec(at(s, 'state', 'running'));
      const waiting = rec(at(s, 'state', 'waiting'));
      const out: ContainerRt = { name, image, running: running !== undefined };
      if (running) {
        out.startedAt = str(running, 'startedAt') ?? rfc3339(this.h.now());
        out.containerID = str(s, 'containerID') ?? this.containerID(pod, name, 0);
      } else if (waiting) {
        const reason = str(waiting, 'reason');
        const message = str(waiting, 'message');
        if (reason) out.reason = reason;
        if (message) out.message = message;
      }
      return out;
    });
    const init: ContainerRt[] = recs(spec, 'initContainers').map((c) => ({
      name: String(c['name'] ?? ''),
      image: String(c['image'] ?? ''),
      running: false,
    }));
    const ip = str(pod, 'status', 'podIP');
    if (ip && spec['hostNetwork'] !== true) node.usedIPs.add(ip);
    const allRunning = containers.every((c) => c.running);
    const anyFailed = containers.some((c) => c.reason === 'ErrImagePull' || c.reason === 'ImagePullBackOff');
    const stage: Stage =
      statuses.length === 0 ? 'bound' : allRunning ? 'running' : anyFailed ? 'backoff' : 'creating';
    const nodeObj = this.h.store.get(KEYS.nodes, undefined, node.name);
    const arch = nodeObj ? nodeArch(nodeObj) : 'amd64';
    for (const c of containers)
      if (c.reason === 'ErrImagePull' || c.reason === 'ImagePullBackOff')
        c.error = this.pullError(c.image, arch);
    const rt: PodRt = {
      uid: pod.metadata.uid ?? '',
      key: `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`,
      node: node.name,
      stage,
      startTime: str(pod, 'status', 'startTime'),
      ip,
      sandboxReady: ip !== undefined,
      containers,
      init:
        stage === 'running'
          ? init.map((c) => ({
              ...c,
              reason: 'Completed',
              startedAt: str(pod, 'status', 'startTime') ?? rfc3339(this.h.now()),
            }))
          : init,
      backoffMs: anyFailed ? this.h.ms(10) : 0,
      killing: false,
    };
    return rt;
  }

  /** Schedules the next step of a pod's start-up. */
  private plan(rt: PodRt): void {
    const h = this.h;
    let delay: number;
    switch (rt.stage) {
      case 'bound':
        delay = h.ms(0.5);
        break;
      case 'creating':
        delay = h.ms(0.5 + Math.random());
        break;
      case 'pullfailed':
        delay = h.ms(1.5);
        break;
      case 'backoff':
        delay = rt.backoffMs || h.ms(10);
        break;
      case 'retrying':
        delay = h.ms(1);
        break;
      case 'running':
        return;
    }
    if (h.instant && rt.stage !== 'backoff') {
      this.step(rt.uid);
      return;
    }
    h.clock.schedule(`kubelet\u0000${rt.uid}`, delay, () => this.step(rt.uid));
  }

  private step(uid: string): void {
    const rt = this.pods.get(uid);
    if (!rt) return;
    const [ns, name] = splitKey(rt.key);
    const pod = this.h.store.get(KEYS.pods, ns || undefined, name);
    if (!pod || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp !== undefined) return;
    const node = this.nodes.get(rt.node);
    // A stopped kubelet does nothing; resyncNode() picks the pod up again.
    if (!node || !node.running) return;
    const nodeObj = this.h.store.get(KEYS.nodes, undefined, rt.node);
    if (!nodeObj) return;
    switch (rt.stage) {
      case 'bound':
        this.toCreating(pod, rt, node, nodeObj);
        break;
      case 'creating':
      case 'retrying':
        this.toStart(pod, rt, node, nodeObj);
        break;
      case 'pullfailed':
        this.toBackoff(pod, rt);
        break;
      case 'backoff':
        this.toRetry(pod, rt);
        break;
      case 'running':
        return;
    }
    const fresh = this.h.store.get(KEYS.pods, ns || undefined, name);
    if (fresh) this.writeStatus(fresh, rt);
    this.plan(rt);
  }

  private present(node: NodeState, nodeObj: KubeObject, container: Rec | undefined, image: string): boolean {
    if (container?.['imagePullPolicy'] === 'Always') return false;
    const ref = normalizeImage(image);
    if (node.pulled.has(ref)) return true;
    for (const img of recs(nodeObj, 'status', 'images')) {
      const names = img['names'];
      if (Array.isArray(names) && (names.includes(ref) || names.includes(image))) return true;
    }
    return false;
  }

  private toCreating(pod: KubeObject, rt: PodRt, node: NodeState, nodeObj: KubeObject): void {
    rt.stage = 'creating';
    rt.startTime ??= rfc3339(this.h.now());
    for (const c of rt.containers) if (!c.running) c.reason = 'ContainerCreating';
    const specs = recs(pod, 'spec', 'containers');
    for (const c of [...rt.init, ...rt.containers]) {
      if (c.running) continue;
      const cs = specs.find((x) => x['name'] === c.name);
      if (!this.present(node, nodeObj, cs, c.image))
        this.event(
          pod,
          rt.node,
          'Normal',
          'Pulling',
          `Pulling image "${c.image}"`,
          this.fieldPath(pod, c.name),
        );
    }
  }

  private toStart(pod: KubeObject, rt: PodRt, node: NodeState, nodeObj: KubeObject): void {
    const h = this.h;
    rt.startTime ??= rfc3339(h.now());
    if (!rt.sandboxReady) {
      rt.sandboxReady = true;
      rt.ip = this.allocateIP(pod, node, nodeObj);
    }
    const arch = nodeArch(nodeObj);
    const specs = [...recs(pod, 'spec', 'initContainers'), ...recs(pod, 'spec', 'containers')];
    let failed = false;
    for (const c of [...rt.init, ...rt.containers]) {
      if (c.running || c.reason === 'Completed') continue;
      const cs = specs.find((x) => x['name'] === c.name);
      const fp = this.fieldPath(pod, c.name);
      const present = this.present(node, nodeObj, cs, c.image);
      const platforms = present ? undefined : h.ctx.images.platforms(c.image);
      if (platforms !== undefined && !platformMatches(platforms, arch)) {
        failed = true;
        c.reason = 'ErrImagePull';
        c.error = this.pullError(c.image, arch);
        c.message = c.error;
        this.event(pod, rt.node, 'Warning', 'Failed', `Failed to pull image "${c.image}": ${c.error}`, fp);
        this.event(pod, rt.node, 'Warning', 'Failed', 'Error: ErrImagePull', fp);
        continue;
      }
      if (present)
        this.event(
          pod,
          rt.node,
          'Normal',
          'Pulled',
          `Container image "${c.image}" already present on machine`,
          fp,
        );
      else {
        const d = parseInt(hexDigest(`${c.image}/${rt.uid}`, 8), 16);
        const secs = (0.4 + (d % 3000) / 1000).toFixed(3);
        const size = 8_000_000 + (parseInt(hexDigest(c.image, 8), 16) % 120_000_000);
        this.event(
          pod,
          rt.node,
          'Normal',
          'Pulled',
          `Successfully pulled image "${c.image}" in ${secs}s (${secs}s including waiting). Image size: ${size} bytes.`,
          fp,
        );
        node.pulled.add(normalizeImage(c.image));
      }
      this.event(pod, rt.node, 'Normal', 'Created', `Created container ${c.name}`, fp);
      this.event(pod, rt.node, 'Normal', 'Started', `Started container ${c.name}`, fp);
      c.startedAt = rfc3339(h.now());
      c.containerID = this.containerID(pod, c.name, rt.backoffMs);
      delete c.message;
      delete c.error;
      if (rt.init.includes(c)) c.reason = 'Completed';
      else {
        c.running = true;
        delete c.reason;
      }
    }
    if (failed) {
      rt.stage = 'pullfailed';
      rt.backoffMs = rt.backoffMs ? Math.min(rt.backoffMs * 2, h.ms(300)) : h.ms(10);
      // Starting up while bootstrapping: show the settled state straight away.
      if (h.instant) this.toBackoff(pod, rt);
    } else rt.stage = 'running';
  }

  private toBackoff(pod: KubeObject, rt: PodRt): void {
    rt.stage = 'backoff';
    for (const c of [...rt.init, ...rt.containers]) {
      if (c.reason !== 'ErrImagePull' && c.reason !== 'ImagePullBackOff') continue;
      c.reason = 'ImagePullBackOff';
      c.message = `Back-off pulling image "${c.image}": ErrImagePull: ${c.error ?? ''}`;
      const fp = this.fieldPath(pod, c.name);
      this.event(pod, rt.node, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, fp);
      this.event(pod, rt.node, 'Warning', 'Failed', 'Error: ImagePullBackOff', fp);
    }
  }

  private toRetry(pod: KubeObject, rt: PodRt): void {
    rt.stage = 'retrying';
    for (const c of [...rt.init, ...rt.containers])
      if (c.reason === 'ImagePullBackOff')
        this.event(
          pod,
          rt.node,
          'Normal',
          'Pulling',
          `Pulling image "${c.image}"`,
          this.fieldPath(pod, c.name),
        );
  }

  private terminate(pod: KubeObject, node: NodeState): void {
    const h = this.h;
    const uid = pod.metadata.uid ?? '';
    let rt = this.pods.get(uid);
    if (!rt) {
      rt = this.adopt(pod, node);
      this.pods.set(uid, rt);
    }
    if (rt.killing) {
      if (!h.clock.has(`kubelet\u0000${uid}`)) this.scheduleKill(pod, rt);
      return;
    }
    rt.killing = true;
    for (const c of rt.containers)
      if (c.running)
        this.event(
          pod,
          rt.node,
          'Normal',
          'Killing',
          `Stopping container ${c.name}`,
          this.fieldPath(pod, c.name),
        );
    this.scheduleKill(pod, rt);
  }

  private scheduleKill(pod: KubeObject, rt: PodRt): void {
    const ns = pod.metadata.namespace;
    const name = pod.metadata.name ?? '';
    const uid = rt.uid;
    const kill = (): void => {
      if (!this.nodes.get(rt.node)?.running) return;
      tolerant(() =>
        this.h.registry.delete(this.h.types.pods, ns, name, {
          gracePeriodSeconds: 0,
          preconditions: { uid },
        }),
      );
    };
    if (this.h.instant) kill();
    else this.h.clock.schedule(`kubelet\u0000${uid}`, this.h.ms(0.2), kill);
  }

  private allocateIP(pod: KubeObject, node: NodeState, nodeObj: KubeObject): string {
    if (specOf(pod)['hostNetwork'] === true) return nodeIP(nodeObj);
    const cidr = str(nodeObj, 'spec', 'podCIDR') ?? '10.42.0.0/24';
    const base = cidr.replace(/\.\d+\/\d+$/, '.');
    for (let i = 0; i < 253; i++) {
      const host = ((node.nextHost - 2 + i) % 253) + 2;
      const ip = `${base}${host}`;
      if (node.usedIPs.has(ip)) continue;
      node.usedIPs.add(ip);
      node.nextHost = host + 1 > 254 ? 2 : host + 1;
      return ip;
    }
    return `${base}254`;
  }

  private containerID(pod: KubeObject, name: string, attempt: number): string {
    return `containerd://${hexDigest(`${pod.metadata.uid ?? ''}/${name}/${attempt}`)}`;
  }

  /** containerd's error for a manifest list without the node's platform (naming the platform, as Docker does). */
  private pullError(image: string, arch: string): string {
    return `rpc error: code = NotFound desc = failed to pull and unpack image "${normalizeImage(image)}": no matching manifest for linux/${arch} in the manifest list entries: no match for platform in manifest: not found`;
  }

  private fieldPath(pod: KubeObject, container: string): string {
    const init = recs(pod, 'spec', 'initContainers').some((c) => c['name'] === container);
    return `spec.${init ? 'initContainers' : 'containers'}{${container}}`;
  }

  private event(
    pod: KubeObject,
    node: string,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    fieldPath?: string,
  ): void {
    this.h.events.record(pod, type, reason, message, this.source(node), fieldPath);
  }

  /** The pod status the kubelet would report for its runtime state. */
  private renderStatus(pod: KubeObject, rt: PodRt): Rec {
    const h = this.h;
    const now = rfc3339(h.now());
    const old = statusOf(pod);
    const nodeObj = h.store.get(KEYS.nodes, undefined, rt.node);
    const hostIP = nodeObj ? nodeIP(nodeObj) : undefined;
    const allRunning = rt.containers.every((c) => c.running);
    const initDone = rt.init.every((c) => c.reason === 'Completed');
    const unready = rt.containers.filter((c) => !c.running).map((c) => c.name);
    const cond = (type: string, ok: boolean, reason?: string, message?: string): Condition => {
      const c: Condition = {
        type,
        status: ok ? 'True' : 'False',
        lastProbeTime: null,
        lastTransitionTime: now,
      };
      const prev = findCondition(old, type);
      if (prev && prev.status === c.status && prev['lastTransitionTime'] !== undefined)
        c['lastTransitionTime'] = prev['lastTransitionTime'];
      if (!ok && reason) c['reason'] = reason;
      if (!ok && message) c['message'] = message;
      return c;
    };
    const mine: Condition[] = [
      cond('PodReadyToStartContainers', rt.sandboxReady),
      cond(
        'Initialized',
        initDone,
        'ContainersNotInitialized',
        `containers with incomplete status: [${rt.init
          .filter((c) => c.reason !== 'Completed')
          .map((c) => c.name)
          .join(' ')}]`,
      ),
      cond(
        'Ready',
        allRunning,
        'ContainersNotReady',
        `containers with unready status: [${unready.join(' ')}]`,
      ),
      cond(
        'ContainersReady',
        allRunning,
        'ContainersNotReady',
        `containers with unready status: [${unready.join(' ')}]`,
      ),
    ];
    const others = conditionsOf(old).filter((c) => !mine.some((m) => m.type === c.type));
    const conditions = [...mine, ...others].sort((a, b) => {
      const ia = POD_CONDITION_ORDER.indexOf(a.type);
      const ib = POD_CONDITION_ORDER.indexOf(b.type);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    });
    const status: Rec = { ...old, conditions };
    const cstatus = (c: ContainerRt, init: boolean): Rec => {
      const ref = normalizeImage(c.image);
      const s: Rec = {};
      if (c.containerID) s['containerID'] = c.containerID;
      s['image'] = ref;
      s['imageID'] = c.containerID ? `${imageRepo(c.image)}@sha256:${hexDigest(`${ref}/digest`)}` : '';
      s['lastState'] = {};
      s['name'] = c.name;
      s['ready'] = init ? c.reason === 'Completed' : c.running;
      s['restartCount'] = 0;
      s['started'] = init ? false : c.running;
      if (init && c.reason === 'Completed')
        s['state'] = {
          terminated: {
            containerID: c.containerID ?? '',
            exitCode: 0,
            finishedAt: c.startedAt ?? now,
            reason: 'Completed',
            startedAt: c.startedAt ?? now,
          },
        };
      else if (c.running) s['state'] = { running: { startedAt: c.startedAt ?? now } };
      else {
        const waiting: Rec = {};
        if (c.message) waiting['message'] = c.message;
        waiting['reason'] = c.reason ?? (init ? 'PodInitializing' : 'ContainerCreating');
        s['state'] = { waiting };
      }
      return s;
    };
    status['containerStatuses'] = rt.containers.map((c) => cstatus(c, false));
    if (rt.init.length > 0) status['initContainerStatuses'] = rt.init.map((c) => cstatus(c, true));
    if (hostIP) {
      status['hostIP'] = hostIP;
      status['hostIPs'] = [{ ip: hostIP }];
    }
    status['phase'] = allRunning && initDone ? 'Running' : 'Pending';
    if (rt.ip) {
      status['podIP'] = rt.ip;
      status['podIPs'] = [{ ip: rt.ip }];
    }
    if (rt.startTime) status['startTime'] = rt.startTime;
    return status;
  }

  private writeStatus(pod: KubeObject, rt: PodRt): void {
    if (rt.stage === 'bound') return;
    const status = this.renderStatus(pod, rt);
    if (JSON.stringify(status) === JSON.stringify(pod['status'] ?? {})) return;
    tolerant(() =>
      this.h.registry.update(
        this.h.types.pods,
        pod.metadata.namespace,
        pod.metadata.name ?? '',
        { ...pod, status },
        { fieldManager: this.h.managers.kubelet, subresource: 'status' },
      ),
    );
  }

  // ------------------------------------------------------------ node heartbeats

  /** Renews the Lease of every running kubelet, and posts node status when due. */
  heartbeat(): void {
    const now = Date.now();
    for (const node of this.nodes.values()) {
      if (!node.running) continue;
      this.renewLease(node.name);
      if (now - node.lastPost >= this.h.ms(300)) this.postStatus(node.name);
    }
  }

  renewLease(name: string): void {
    const h = this.h;
    const now = h.now();
    const lease = h.registry.find(h.types.leases, 'kube-node-lease', name);
    if (!lease) {
      const node = h.store.get(KEYS.nodes, undefined, name);
      tolerant(() =>
        h.registry.create(h.types.leases, 'kube-node-lease', makeLease(name, now, node?.metadata.uid), {
          fieldManager: h.managers.kubelet,
        }),
      );
      return;
    }
    const spec = {
      ...specOf(lease),
      holderIdentity: name,
      leaseDurationSeconds: 40,
      renewTime: microTime(now),
    };
    tolerant(() =>
      h.registry.update(
        h.types.leases,
        'kube-node-lease',
        name,
        { ...lease, spec },
        { fieldManager: h.managers.kubelet },
      ),
    );
  }

  /** Sets (or clears, with the healthy value) an admin override of a node condition and posts it. */
  setCondition(name: string, type: string, status: ConditionStatus, reason?: string, message?: string): void {
    const node = this.nodes.get(name);
    const healthy = type === 'Ready' ? 'True' : 'False';
    if (node) {
      if (status === healthy && reason === undefined && message === undefined) node.overrides.delete(type);
      else {
        const o: Override = { status };
        if (reason !== undefined) o.reason = reason;
        if (message !== undefined) o.message = message;
        node.overrides.set(type, o);
      }
    }
    const o: Override = { status };
    if (reason !== undefined) o.reason = reason;
    if (message !== undefined) o.message = message;
    this.postStatus(name, new Map([[type, o]]));
    // A kubelet that is Ready again reports its pods' true readiness.
    if (type === 'Ready' && status === 'True') this.resyncNode(name);
  }

  /** Stops or resumes a node's kubelet. */
  setRunning(name: string, running: boolean): void {
    const node = this.nodes.get(name);
    if (!node || node.running === running) return;
    node.running = running;
    if (!running) return;
    this.renewLease(name);
    this.postStatus(name);
    this.resyncNode(name);
  }

  /** Posts node status: kubelet-owned conditions with fresh heartbeats, events on transitions. */
  postStatus(name: string, extra: Map<string, Override> = new Map()): void {
    const h = this.h;
    const nodeObj = h.registry.find(h.types.nodes, undefined, name);
    if (!nodeObj) return;
    const state = this.nodes.get(name);
    if (state) state.lastPost = Date.now();
    const now = rfc3339(h.now());
    const overrides = new Map([...(state?.overrides ?? new Map<string, Override>()), ...extra]);
    const old = conditionsOf(nodeObj['status']);
    const types = [...old.map((c) => c.type)];
    for (const t of [...KUBELET_CONDITIONS, ...overrides.keys()]) if (!types.includes(t)) types.push(t);
    const transitions: [string, string][] = [];
    const conditions: Condition[] = [];
    for (const type of types) {
      const prev = old.find((c) => c.type === type);
      const o = overrides.get(type);
      if (!o && !KUBELET_CONDITIONS.includes(type)) {
        if (prev) conditions.push(prev);
        continue;
      }
      const status = o?.status ?? (type === 'Ready' ? 'True' : 'False');
      const [dReason, dMessage] = WORDING[type]?.[status] ?? [
        String(prev?.['reason'] ?? ''),
        String(prev?.['message'] ?? ''),
      ];
      let reason = o?.reason ?? dReason;
      let message = o?.message ?? dMessage;
      if (type === 'NetworkUnavailable' && !o?.reason && prev && prev.status === status) {
        reason = String(prev['reason'] ?? reason);
        message = String(prev['message'] ?? message);
      }
      const changed = !prev || prev.status !== status;
      if (changed) transitions.push([type, status]);
      conditions.push({
        type,
        status,
        lastHeartbeatTime: now,
        lastTransitionTime: changed ? now : String(prev['lastTransitionTime'] ?? now),
        reason,
        message,
      });
    }
    const status = { ...statusOf(nodeObj), conditions };
    tolerant(() =>
      h.registry.update(
        h.types.nodes,
        undefined,
        name,
        { ...nodeObj, status },
        { fieldManager: h.managers.kubelet, subresource: 'status' },
      ),
    );
    for (const [type, s] of transitions) {
      const reason = NODE_EVENTS[type]?.[s];
      if (reason)
        h.events.record(
          nodeObj,
          'Normal',
          reason,
          `Node ${name} status is now: ${reason}`,
          this.source(name),
          undefined,
          name,
        );
    }
  }

  // ------------------------------------------------------------ logs

  /** A few plausible log lines of a running container; 400 errors like the kubelet's otherwise. */
  podLog(pod: KubeObject, container: string | undefined): string {
    const podName = pod.metadata.name ?? '';
    const spec = specOf(pod);
    const containers = recs(spec, 'containers');
    const all = [...recs(spec, 'initContainers'), ...containers];
    const names = containers.map((c) => String(c['name'] ?? ''));
    let name = container;
    if (name === undefined || name === '') {
      if (containers.length !== 1)
        throw badRequest(
          `a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`,
        );
      name = names[0] ?? '';
    }
    const c = all.find((x) => x['name'] === name);
    if (!c) throw badRequest(`container ${name} is not valid for pod ${podName}`);
    const cs = [
      ...recs(pod, 'status', 'initContainerStatuses'),
      ...recs(pod, 'status', 'containerStatuses'),
    ].find((x) => x['name'] === name);
    const waiting = rec(at(cs, 'state', 'waiting'));
    if (!cs || waiting) {
      const reason = str(waiting, 'reason') ?? 'ContainerCreating';
      const why =
        reason === 'ImagePullBackOff' || reason === 'ErrImagePull'
          ? 'trying and failing to pull image'
          : reason;
      throw badRequest(`container "${name}" in pod "${podName}" is waiting to start: ${why}`);
    }
    const started =
      parseTime(str(cs, 'state', 'running', 'startedAt') ?? str(cs, 'state', 'terminated', 'startedAt')) ??
      this.h.now().getTime();
    const image = String(c['image'] ?? '');
    const app = imageRepo(image).split('/').pop() ?? name;
    const version = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : 'latest';
    const env = recs(c, 'env');
    const ports = recs(c, 'ports');
    const t = (offsetMs: number): string => new Date(started + offsetMs).toISOString();
    const lines = [
      `${t(120)} INFO  starting ${app} version=${version} pod=${podName} node=${str(spec, 'nodeName') ?? ''}`,
      `${t(180)} INFO  loaded configuration${env.length ? ` env=${env.map((e) => String(e['name'] ?? '')).join(',')}` : ''}`,
    ];
    for (const e of env) {
      const v = e['value'];
      if (typeof v === 'string' && /^[a-z]+:\/\//.test(v))
        lines.push(`${t(260)} INFO  connecting to ${v}`, `${t(410)} INFO  connected to ${v}`);
    }
    const port = ports[0]?.['containerPort'];
    lines.push(`${t(450)} INFO  listening on 0.0.0.0:${typeof port === 'number' ? port : 8080}`);
    lines.push(`${t(500)} INFO  ready`);
    const uptime = this.h.now().getTime() - started;
    for (let m = 1; m <= 3 && m * 60_000 <= uptime; m++)
      lines.push(`${t(m * 60_000 + 500)} INFO  health check ok`);
    return `${lines.join('\n')}\n`;
  }
}
