/**
 * Compact projections of the Kubernetes objects the watch caches keep: only the fields the
 * API serves, read defensively from parsed JSON (no images lists, no managedFields, no
 * annotations). Absent values are null, so every projection of a kind has one shape.
 *
 * Memory, for a gateway caching thousands of clusters: each projection is one object literal
 * listing every field (V8 gives `{ ...identity, more }` built in bulk a hidden class of its
 * own, several hundred bytes per object), and values that recur across objects and clusters
 * (condition reasons and messages, versions, timestamps) are kept once (`shared`).
 */
import { isDeepStrictEqual } from 'node:util';
import { architectureFromKube, type Architecture } from '../vocabulary.js';

/** Label or selector map. */
export type StringMap = Readonly<Record<string, string>>;

/** A status condition. */
export interface ConditionProjection {
  type: string;
  status: string;
  reason: string | null;
  message: string | null;
  lastTransitionTime: string | null;
}

/** Fields every projection has. */
export interface ObjectIdentity {
  uid: string;
  name: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  labels: StringMap;
  creationTimestamp: string | null;
}

/** Node readiness from its Ready condition. */
export type NodeReadiness = 'READY' | 'NOT_READY' | 'UNKNOWN';

/** A distribution as node metadata hints at it (labels and annotations k3s/rke2/kubeadm set). */
export type NodeDistroHint = 'k3s' | 'rke2' | 'kubeadm' | null;

/** CPU, memory and pod count. */
export interface NodeResources {
  cpu: string | null;
  memory: string | null;
  pods: string | null;
}

/** A Node. */
export interface NodeProjection extends ObjectIdentity {
  /** kubernetes.io/arch label, else status.nodeInfo.architecture. */
  architecture: Architecture | null;
  /** From node-role.kubernetes.io/* labels; ['worker'] when there are none. */
  roles: string[];
  readiness: NodeReadiness;
  conditions: ConditionProjection[];
  unschedulable: boolean;
  taints: { key: string; value: string | null; effect: string }[];
  kubeletVersion: string | null;
  osImage: string | null;
  kernelVersion: string | null;
  containerRuntimeVersion: string | null;
  capacity: NodeResources;
  allocatable: NodeResources;
  addresses: { type: string; address: string }[];
  distroHint: NodeDistroHint;
}

/** A container of a pod, with its status. */
export interface ContainerProjection {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  waitingReason: string | null;
  waitingMessage: string | null;
}

/** A Pod. */
export interface PodProjection extends ObjectIdentity {
  phase: string | null;
  nodeName: string | null;
  containers: ContainerProjection[];
  readyContainers: number;
  restartCount: number;
  /** First waiting container's reason (ImagePullBackOff, ContainerCreating, ...). */
  waitingReason: string | null;
  waitingMessage: string | null;
  ownerReferences: { kind: string; name: string }[];
  podIP: string | null;
  deleting: boolean;
}

/** A Deployment. */
export interface DeploymentProjection extends ObjectIdentity {
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  images: string[];
  nodeSelector: StringMap;
  /** Required node-affinity terms' kubernetes.io/arch `In` values, one list per term (terms OR). */
  affinityArchitectureTerms: Architecture[][];
  /** Architectures the pod template may run on (nodeSelector ∩ affinity); null = any. */
  allowedArchitectures: Architecture[] | null;
  conditions: ConditionProjection[];
  generation: number;
  observedGeneration: number;
}

/** A Namespace. */
export interface NamespaceProjection extends ObjectIdentity {
  phase: string | null;
}

/** A Service. */
export interface ServiceProjection extends ObjectIdentity {
  type: string;
  clusterIP: string | null;
  ports: {
    name: string | null;
    port: number;
    targetPort: string | null;
    protocol: string;
    nodePort: number | null;
  }[];
  selector: StringMap;
}

/** A core/v1 Event. */
export interface EventProjection extends ObjectIdentity {
  involvedObject: { kind: string | null; name: string | null; namespace: string | null };
  reason: string | null;
  message: string | null;
  type: string | null;
  count: number;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  source: { component: string | null; host: string | null };
}

type Json = Record<string, unknown>;

function rec(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}
function list(v: unknown): Json[] {
  return Array.isArray(v) ? v.map(rec) : [];
}
function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
function strMap(v: unknown): StringMap {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(rec(v))) if (typeof val === 'string') out[k] = shared(val);
  return out;
}
function quantity(v: unknown): string | null {
  return typeof v === 'string' ? shared(v) : typeof v === 'number' ? String(v) : null;
}

/** Most distinct values `shared` keeps before it starts over. */
const SHARED_MAX = 20_000;
let sharedValues = new Map<string, string>();

/**
 * The one kept copy of a value that recurs (JSON.parse makes a new string each time). Bounded:
 * once SHARED_MAX distinct values are kept it starts over, so odd values cannot pile up.
 */
function shared(v: string): string {
  const kept = sharedValues.get(v);
  if (kept !== undefined) return kept;
  if (sharedValues.size >= SHARED_MAX) sharedValues = new Map();
  sharedValues.set(v, v);
  return v;
}
/** A string field whose values recur, kept once. */
function sharedStr(v: unknown): string | null {
  return typeof v === 'string' ? shared(v) : null;
}

/** The identity fields; undefined when the object has no name (not a Kubernetes object). */
function identity(obj: unknown): ObjectIdentity | undefined {
  const meta = rec(rec(obj)['metadata']);
  const name = str(meta['name']);
  if (name === null) return undefined;
  return {
    uid: str(meta['uid']) ?? '',
    name,
    namespace: sharedStr(meta['namespace']) ?? '',
    labels: strMap(meta['labels']),
    creationTimestamp: sharedStr(meta['creationTimestamp']),
  };
}

function conditions(v: unknown): ConditionProjection[] {
  return list(v).map((c) => ({
    type: sharedStr(c['type']) ?? '',
    status: sharedStr(c['status']) ?? 'Unknown',
    reason: sharedStr(c['reason']),
    message: sharedStr(c['message']),
    lastTransitionTime: sharedStr(c['lastTransitionTime']),
  }));
}

function resources(v: unknown): NodeResources {
  const r = rec(v);
  return { cpu: quantity(r['cpu']), memory: quantity(r['memory']), pods: quantity(r['pods']) };
}

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/**
 * `next`, with every field whose value equals `previous`'s (deeply) pointing at `previous`'s
 * value instead. A watch event carries the whole object, so each change of a node made fresh
 * labels, conditions, resources and addresses that the cache then kept until the node's next
 * change, long enough to reach V8's old generation; a cordon changes two fields. With the
 * unchanged parts shared, the copies die young. Both are projections of one object, which are
 * never modified once made, so sharing their parts is safe.
 */
export function reuseUnchanged<P extends object>(previous: P, next: P): P {
  const prev = previous as Record<string, unknown>;
  const out = next as Record<string, unknown>;
  for (const key of Object.keys(out)) {
    const value = out[key];
    const kept = prev[key];
    if (value !== kept && typeof value === 'object' && value !== null && isDeepStrictEqual(value, kept))
      out[key] = kept;
  }
  return next;
}

/** Projects a Node. */
export function projectNode(obj: unknown): NodeProjection | undefined {
  const id = identity(obj);
  if (!id) return undefined;
  const o = rec(obj);
  const spec = rec(o['spec']);
  const status = rec(o['status']);
  const info = rec(status['nodeInfo']);
  const conds = conditions(status['conditions']);
  const ready = conds.find((c) => c.type === 'Ready');
  const roles = Object.keys(id.labels)
    .filter((k) => k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length)
    .map((k) => k.slice(ROLE_PREFIX.length))
    .sort();
  const annotations = Object.keys(rec(rec(o['metadata'])['annotations']));
  const instanceType = id.labels['node.kubernetes.io/instance-type'];
  const distroHint: NodeDistroHint =
    instanceType === 'k3s' || annotations.some((a) => a.startsWith('k3s.io/'))
      ? 'k3s'
      : instanceType === 'rke2' || annotations.some((a) => a.startsWith('rke2.io/'))
        ? 'rke2'
        : annotations.some((a) => a.startsWith('kubeadm.alpha.kubernetes.io/'))
          ? 'kubeadm'
          : null;
  return {
    uid: id.uid,
    name: id.name,
    namespace: id.namespace,
    labels: id.labels,
    creationTimestamp: id.creationTimestamp,
    architecture:
      architectureFromKube(id.labels['kubernetes.io/arch'] ?? str(info['architecture']) ?? undefined) ?? null,
    roles: roles.length > 0 ? roles.map(shared) : ['worker'],
    readiness: ready?.status === 'True' ? 'READY' : ready?.status === 'False' ? 'NOT_READY' : 'UNKNOWN',
    conditions: conds,
    unschedulable: spec['unschedulable'] === true,
    taints: list(spec['taints']).map((t) => ({
      key: sharedStr(t['key']) ?? '',
      value: sharedStr(t['value']),
      effect: sharedStr(t['effect']) ?? '',
    })),
    kubeletVersion: sharedStr(info['kubeletVersion']),
    osImage: sharedStr(info['osImage']),
    kernelVersion: sharedStr(info['kernelVersion']),
    containerRuntimeVersion: sharedStr(info['containerRuntimeVersion']),
    capacity: resources(status['capacity']),
    allocatable: resources(status['allocatable']),
    addresses: list(status['addresses']).map((a) => ({
      type: sharedStr(a['type']) ?? '',
      address: str(a['address']) ?? '',
    })),
    distroHint,
  };
}

/** Projects a Pod. */
export function projectPod(obj: unknown): PodProjection | undefined {
  const id = identity(obj);
  if (!id) return undefined;
  const o = rec(obj);
  const spec = rec(o['spec']);
  const status = rec(o['status']);
  const statuses = new Map(list(status['containerStatuses']).map((s) => [str(s['name']) ?? '', s]));
  const containers = list(spec['containers']).map((c): ContainerProjection => {
    const name = str(c['name']) ?? '';
    const s = statuses.get(name) ?? {};
    const waiting = rec(rec(s['state'])['waiting']);
    return {
      name: shared(name),
      image: sharedStr(c['image']) ?? '',
      ready: s['ready'] === true,
      restartCount: int(s['restartCount']),
      waitingReason: sharedStr(waiting['reason']),
      waitingMessage: str(waiting['message']),
    };
  });
  const waiting = containers.find((c) => c.waitingReason !== null);
  return {
    uid: id.uid,
    name: id.name,
    namespace: id.namespace,
    labels: id.labels,
    creationTimestamp: id.creationTimestamp,
    phase: sharedStr(status['phase']),
    nodeName: sharedStr(spec['nodeName']),
    containers,
    readyContainers: containers.filter((c) => c.ready).length,
    restartCount: containers.reduce((n, c) => n + c.restartCount, 0),
    waitingReason: waiting?.waitingReason ?? null,
    waitingMessage: waiting?.waitingMessage ?? null,
    ownerReferences: list(rec(o['metadata'])['ownerReferences']).map((r) => ({
      kind: sharedStr(r['kind']) ?? '',
      name: sharedStr(r['name']) ?? '',
    })),
    podIP: str(status['podIP']),
    deleting: str(rec(o['metadata'])['deletionTimestamp']) !== null,
  };
}

const ARCH_LABEL = 'kubernetes.io/arch';

/** Projects a Deployment. */
export function projectDeployment(obj: unknown): DeploymentProjection | undefined {
  const id = identity(obj);
  if (!id) return undefined;
  const o = rec(obj);
  const spec = rec(o['spec']);
  const status = rec(o['status']);
  const podSpec = rec(rec(spec['template'])['spec']);
  const nodeSelector = strMap(podSpec['nodeSelector']);
  const required = rec(
    rec(rec(podSpec['affinity'])['nodeAffinity'])['requiredDuringSchedulingIgnoredDuringExecution'],
  );
  const terms = list(required['nodeSelectorTerms']).map((term) => {
    const archExprs = list(term['matchExpressions']).filter(
      (e) => e['key'] === ARCH_LABEL && e['operator'] === 'In',
    );
    if (archExprs.length === 0) return null; // this term allows any architecture
    const sets = archExprs.map((e) => new Set(archValues(e['values'])));
    const first = sets[0] ?? new Set<Architecture>();
    return [...first].filter((a) => sets.every((s) => s.has(a)));
  });
  const affinityArchitectureTerms = terms.filter((t): t is Architecture[] => t !== null);
  let allowed: Set<Architecture> | null = null;
  if (terms.length > 0 && terms.every((t) => t !== null)) allowed = new Set(affinityArchitectureTerms.flat());
  const selected = architectureFromKube(nodeSelector[ARCH_LABEL]);
  if (selected !== undefined) allowed = new Set(allowed === null || allowed.has(selected) ? [selected] : []);
  const images = list(podSpec['containers']).flatMap((c) => {
    const image = sharedStr(c['image']);
    return image === null ? [] : [image];
  });
  return {
    uid: id.uid,
    name: id.name,
    namespace: id.namespace,
    labels: id.labels,
    creationTimestamp: id.creationTimestamp,
    replicas: typeof spec['replicas'] === 'number' ? spec['replicas'] : 1,
    readyReplicas: int(status['readyReplicas']),
    updatedReplicas: int(status['updatedReplicas']),
    availableReplicas: int(status['availableReplicas']),
    images: [...new Set(images)],
    nodeSelector,
    affinityArchitectureTerms,
    allowedArchitectures: allowed === null ? null : [...allowed].sort(),
    conditions: conditions(status['conditions']),
    generation: int(rec(o['metadata'])['generation']),
    observedGeneration: int(status['observedGeneration']),
  };
}

function archValues(v: unknown): Architecture[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((x) => {
    const a = typeof x === 'string' ? architectureFromKube(x) : undefined;
    return a === undefined ? [] : [a];
  });
}

/** Projects a Namespace. */
export function projectNamespace(obj: unknown): NamespaceProjection | undefined {
  const id = identity(obj);
  if (!id) return undefined;
  return {
    uid: id.uid,
    name: id.name,
    namespace: id.namespace,
    labels: id.labels,
    creationTimestamp: id.creationTimestamp,
    phase: sharedStr(rec(rec(obj)['status'])['phase']),
  };
}

/** Projects a Service. */
export function projectService(obj: unknown): ServiceProjection | undefined {
  const id = identity(obj);
  if (!id) return undefined;
  const spec = rec(rec(obj)['spec']);
  return {
    uid: id.uid,
    name: id.name,
    namespace: id.namespace,
    labels: id.labels,
    creationTimestamp: id.creationTimestamp,
    type: sharedStr(spec['type']) ?? 'ClusterIP',
    clusterIP: str(spec['clusterIP']),
    ports: list(spec['ports']).map((p) => ({
      name: str(p['name']),
      port: int(p['port']),
      targetPort: quantity(p['targetPort']),
      protocol: sharedStr(p['protocol']) ?? 'TCP',
      nodePort: typeof p['nodePort'] === 'number' ? p['nodePort'] : null,
    })),
    selector: strMap(spec['selector']),
  };
}

/** Projects a core/v1 Event (eventTime stands in for missing first/last timestamps). */
export function projectEvent(obj: unknown): EventProjection | undefined {
  const id = identity(obj);
  if (!id) return undefined;
  const o = rec(obj);
  const involved = rec(o['involvedObject']);
  const source = rec(o['source']);
  const eventTime = sharedStr(o['eventTime']);
  return {
    uid: id.uid,
    name: id.name,
    namespace: id.namespace,
    labels: id.labels,
    creationTimestamp: id.creationTimestamp,
    involvedObject: {
      kind: sharedStr(involved['kind']),
      name: sharedStr(involved['name']),
      namespace: sharedStr(involved['namespace']),
    },
    reason: sharedStr(o['reason']),
    message: sharedStr(o['message']),
    type: sharedStr(o['type']),
    count: typeof o['count'] === 'number' ? o['count'] : 1,
    firstTimestamp: sharedStr(o['firstTimestamp']) ?? eventTime ?? id.creationTimestamp,
    lastTimestamp: sharedStr(o['lastTimestamp']) ?? eventTime ?? id.creationTimestamp,
    source: {
      component: sharedStr(source['component']) ?? sharedStr(o['reportingComponent']),
      host: sharedStr(source['host']),
    },
  };
}
