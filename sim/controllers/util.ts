/**
 * Small helpers shared by the simulated controllers: typed access to JSON objects, conditions,
 * hashes like Kubernetes', quantities, pod readiness, taints/tolerations and node selectors.
 */
import { createHash } from 'node:crypto';
import { deepCopy, type KubeObject, type OwnerReference } from '../k8s-types.js';
import { parseQuantity } from '../kinds/util.js';

/** A JSON object as read from a stored object. */
export type Rec = Record<string, unknown>;

/** v as an object, or undefined. */
export function rec(v: unknown): Rec | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined;
}

/** The value at a path of keys. */
export function at(v: unknown, ...path: string[]): unknown {
  let cur: unknown = v;
  for (const k of path) {
    const r = rec(cur);
    if (!r) return undefined;
    cur = r[k];
  }
  return cur;
}

/** A string at a path, or undefined. */
export function str(v: unknown, ...path: string[]): string | undefined {
  const x = at(v, ...path);
  return typeof x === 'string' ? x : undefined;
}

/** A number at a path, or undefined. */
export function num(v: unknown, ...path: string[]): number | undefined {
  const x = at(v, ...path);
  return typeof x === 'number' ? x : undefined;
}

/** The objects of an array at a path (non-objects skipped). */
export function recs(v: unknown, ...path: string[]): Rec[] {
  const x = at(v, ...path);
  return Array.isArray(x) ? x.map(rec).filter((r): r is Rec => r !== undefined) : [];
}

/** A string map at a path. */
export function strMap(v: unknown, ...path: string[]): Record<string, string> {
  const r = rec(at(v, ...path));
  const out: Record<string, string> = {};
  if (r) for (const [k, x] of Object.entries(r)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** The spec of an object. */
export function specOf(o: KubeObject): Rec {
  return rec(o['spec']) ?? {};
}

/** The status of an object. */
export function statusOf(o: KubeObject): Rec {
  return rec(o['status']) ?? {};
}

/** Deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return deepCopy(v);
}

/** JSON with object keys sorted, so equal values always serialise alike. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const r = rec(v);
  if (r) {
    const keys = Object.keys(r)
      .filter((k) => r[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(r[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Whether two JSON values are equal as stableJson sees them (object keys in any order, keys
 * holding undefined ignored), compared in place: the controllers ask this on every status
 * sync, and serialising both sides cost the simulator 3 % of its CPU in a burst of node changes.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const ra = rec(a);
  const rb = rec(b);
  if (ra && rb) {
    let defined = 0;
    for (const k of Object.keys(ra)) {
      const v = ra[k];
      if (v === undefined) continue;
      defined++;
      const w = rb[k];
      if (w === undefined || !Object.hasOwn(rb, k) || !jsonEqual(v, w)) return false;
    }
    for (const k of Object.keys(rb)) if (rb[k] !== undefined) defined--;
    return defined === 0;
  }
  if (ra || rb || Array.isArray(b)) return false;
  return (JSON.stringify(a) ?? 'null') === (JSON.stringify(b) ?? 'null');
}

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** 32-bit FNV-1a over a string's UTF-8 bytes. */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: maps each character onto an alphabet without vowels or look-alikes. */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHANUMS[s.charCodeAt(i) % SAFE_ALPHANUMS.length];
  return out;
}

/**
 * ComputeHash as controller.ComputeHash does it: FNV-32a of the template (plus the collision
 * count when set), printed in decimal and safe-encoded, e.g. 7c5ddbdf54.
 */
export function templateHash(template: unknown, collisionCount?: number): string {
  if (collisionCount !== undefined && collisionCount > 0)
    return computeTemplateHash(template, collisionCount);
  const stored = typeof template === 'object' && template !== null ? template : undefined;
  const known = stored && hashesOfTemplates.get(stored);
  if (known !== undefined) return known;
  const hash = computeTemplateHash(template);
  if (stored) hashesOfTemplates.set(stored, hash);
  return hash;
}

/**
 * Hashes by template object. A controller hashes its DaemonSet's or StatefulSet's template on
 * every resync and node change; stored objects are never mutated (the store's rule), so the
 * same template object always has the same hash. Entries go with their objects.
 */
const hashesOfTemplates = new WeakMap<object, string>();

function computeTemplateHash(template: unknown, collisionCount?: number): string {
  let input = stableJson(template);
  if (collisionCount !== undefined && collisionCount > 0) input += String(collisionCount);
  return safeEncode(String(fnv32a(input)));
}

/** A hex digest, for container/image IDs that must be stable per input. */
export function hexDigest(s: string, len = 64): string {
  return createHash('sha256').update(s).digest('hex').slice(0, len);
}

/** metav1.Time: RFC 3339 at second precision. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** ms since epoch of a timestamp, or undefined. */
export function parseTime(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** The controlling owner reference, if any. */
export function controllerRef(o: KubeObject): OwnerReference | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** An owner reference to obj as controllers set it. */
export function ownerRefTo(obj: KubeObject): OwnerReference {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    uid: obj.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** namespace/name of an object. */
export function keyOf(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : (o.metadata.name ?? '');
}

/** Splits namespace/name. */
export function splitKey(key: string): [string | undefined, string] {
  const i = key.indexOf('/');
  return i < 0 ? [undefined, key] : [key.slice(0, i), key.slice(i + 1)];
}

// ---------------------------------------------------------------- conditions

/** A status condition as the API serves it. */
export interface Condition {
  type: string;
  status: string;
  [key: string]: unknown;
}

/** The conditions of a status. */
export function conditionsOf(status: unknown): Condition[] {
  return recs(status, 'conditions').filter(
    (c): c is Condition => typeof c['type'] === 'string' && typeof c['status'] === 'string',
  );
}

/** One condition by type. */
export function findCondition(status: unknown, type: string): Condition | undefined {
  return conditionsOf(status).find((c) => c.type === type);
}

/**
 * Sets a condition, keeping lastTransitionTime when the status is unchanged; returns the new
 * list. Other fields of an unchanged condition are replaced by the new ones.
 */
export function upsertCondition(list: Condition[], next: Condition): Condition[] {
  const old = list.find((c) => c.type === next.type);
  const merged: Condition = { ...next };
  if (
    old &&
    old.status === next.status &&
    old['lastTransitionTime'] !== undefined &&
    'lastTransitionTime' in next
  )
    merged['lastTransitionTime'] = old['lastTransitionTime'];
  if (!old) return [...list, merged];
  return list.map((c) => (c.type === next.type ? merged : c));
}

// ---------------------------------------------------------------- quantities

/** A quantity as a number (cores for cpu, bytes for memory), 0 when absent or invalid. */
export function quantity(v: unknown): number {
  return parseQuantity(v) ?? 0;
}

/** Resource requests of a pod: the sum over containers, at least the largest init container. */
export function podRequests(pod: KubeObject): { cpu: number; memory: number } {
  const spec = specOf(pod);
  const sum = { cpu: 0, memory: 0 };
  const reqOf = (c: Rec): { cpu: number; memory: number } => {
    const req = rec(at(c, 'resources', 'requests')) ?? {};
    const lim = rec(at(c, 'resources', 'limits')) ?? {};
    return { cpu: quantity(req['cpu'] ?? lim['cpu']), memory: quantity(req['memory'] ?? lim['memory']) };
  };
  for (const c of recs(spec, 'containers')) {
    const r = reqOf(c);
    sum.cpu += r.cpu;
    sum.memory += r.memory;
  }
  for (const c of recs(spec, 'initContainers')) {
    const r = reqOf(c);
    sum.cpu = Math.max(sum.cpu, r.cpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  return sum;
}

/** Resolves an intOrString (25% or 1) against total; percentages round up or down. */
export function scaledValue(v: unknown, total: number, roundUp: boolean, dflt: number | string): number {
  const x = v === undefined || v === null ? dflt : v;
  if (typeof x === 'number') return Math.max(0, Math.trunc(x));
  const m = /^(\d+)%$/.exec(String(x));
  if (m) {
    const raw = (Number(m[1]) * total) / 100;
    return roundUp ? Math.ceil(raw) : Math.floor(raw);
  }
  const n = Number(x);
  return Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0;
}

// ---------------------------------------------------------------- pods

/** True for pods whose phase is Succeeded or Failed. */
export function isTerminal(pod: KubeObject): boolean {
  const phase = str(pod, 'status', 'phase');
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Active pods: not terminal and not being deleted (controller.IsPodActive). */
export function isActive(pod: KubeObject): boolean {
  return !isTerminal(pod) && pod.metadata.deletionTimestamp === undefined;
}

/** True when the pod's Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return findCondition(pod['status'], 'Ready')?.status === 'True';
}

/** True when the pod has been Ready for minReadySeconds (scaled) by nowMs. */
export function isPodAvailable(pod: KubeObject, minReadyMs: number, nowMs: number): boolean {
  const c = findCondition(pod['status'], 'Ready');
  if (c?.status !== 'True') return false;
  if (minReadyMs <= 0) return true;
  const since = parseTime(c['lastTransitionTime']);
  return since !== undefined && since + minReadyMs <= nowMs;
}

/** The node a pod is bound to, or the node a DaemonSet pod is pinned to by affinity. */
export function targetNode(pod: KubeObject): string | undefined {
  const n = str(pod, 'spec', 'nodeName');
  if (n) return n;
  for (const term of recs(
    pod,
    'spec',
    'affinity',
    'nodeAffinity',
    'requiredDuringSchedulingIgnoredDuringExecution',
    'nodeSelectorTerms',
  )) {
    for (const f of recs(term, 'matchFields')) {
      const values = at(f, 'values');
      if (
        f['key'] === 'metadata.name' &&
        f['operator'] === 'In' &&
        Array.isArray(values) &&
        values.length === 1
      )
        return typeof values[0] === 'string' ? values[0] : undefined;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- taints and node selection

/** A node taint. */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

/** The taints of a node. */
export function taintsOf(node: KubeObject): Taint[] {
  return recs(node, 'spec', 'taints')
    .filter((t) => typeof t['key'] === 'string' && typeof t['effect'] === 'string')
    .map((t) => {
      const out: Taint = { key: String(t['key']), effect: String(t['effect']) };
      if (typeof t['value'] === 'string') out.value = t['value'];
      if (typeof t['timeAdded'] === 'string') out.timeAdded = t['timeAdded'];
      return out;
    });
}

/** v1helper.TolerationsTolerateTaint for one toleration. */
export function tolerates(tol: Rec, taint: Taint): boolean {
  const effect = tol['effect'];
  if (typeof effect === 'string' && effect !== '' && effect !== taint.effect) return false;
  const key = typeof tol['key'] === 'string' ? tol['key'] : '';
  const op = tol['operator'] === 'Exists' ? 'Exists' : 'Equal';
  if (key === '') return op === 'Exists';
  if (key !== taint.key) return false;
  if (op === 'Exists') return true;
  return (typeof tol['value'] === 'string' ? tol['value'] : '') === (taint.value ?? '');
}

/** The first taint with one of the effects that no toleration tolerates. */
export function untoleratedTaint(
  taints: Taint[],
  tolerations: Rec[],
  effects: readonly string[],
): Taint | undefined {
  return taints.find((t) => effects.includes(t.effect) && !tolerations.some((tol) => tolerates(tol, t)));
}

function matchRequirement(req: Rec, value: string | undefined): boolean {
  const op = String(req['operator'] ?? '');
  const raw = req['values'];
  const values = Array.isArray(raw) ? raw.map(String) : [];
  switch (op) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const a = Number(value);
      const b = Number(values[0]);
      if (!Number.isInteger(a) || !Number.isInteger(b)) return false;
      return op === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** True when a node satisfies a NodeSelectorTerm (all its expressions and fields). */
export function matchesNodeSelectorTerm(term: Rec, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  const exprs = recs(term, 'matchExpressions');
  const fields = recs(term, 'matchFields');
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const e of exprs) {
    const key = String(e['key'] ?? '');
    if (!matchRequirement(e, Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : undefined))
      return false;
  }
  for (const f of fields) {
    const value = f['key'] === 'metadata.name' ? node.metadata.name : undefined;
    if (!matchRequirement(f, value)) return false;
  }
  return true;
}

/** The pod's nodeSelector and required node affinity both accept the node. */
export function matchesNodeAffinity(podSpec: Rec, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(strMap(podSpec, 'nodeSelector'))) if (labels[k] !== v) return false;
  const required = rec(
    at(podSpec, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'),
  );
  if (required) {
    const terms = recs(required, 'nodeSelectorTerms');
    if (!terms.some((t) => matchesNodeSelectorTerm(t, node))) return false;
  }
  return true;
}

/** The status of a node condition, or undefined. */
export function nodeCondition(node: KubeObject, type: string): string | undefined {
  return findCondition(node['status'], type)?.status;
}

/** The node's architecture label (or nodeInfo). */
export function nodeArch(node: KubeObject): string {
  return (
    node.metadata.labels?.['kubernetes.io/arch'] ?? str(node, 'status', 'nodeInfo', 'architecture') ?? 'amd64'
  );
}

/** The node's InternalIP. */
export function nodeIP(node: KubeObject): string {
  const a = recs(node, 'status', 'addresses').find((x) => x['type'] === 'InternalIP');
  return typeof a?.['address'] === 'string' ? a['address'] : '10.0.0.1';
}

/** Fully qualified image reference, as containerd reports it: nginx → docker.io/library/nginx:latest. */
export function normalizeImage(image: string): string {
  let ref = image;
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  if (slash < 0) ref = `docker.io/library/${ref}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') ref = `docker.io/${ref}`;
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  if (!last.includes(':') && !last.includes('@')) ref += ':latest';
  return ref;
}

/** The repository of an image reference (without tag or digest). */
export function imageRepo(image: string): string {
  const ref = normalizeImage(image);
  const at = ref.indexOf('@');
  if (at >= 0) return ref.slice(0, at);
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash);
  return colon >= 0 ? ref.slice(0, colon) : ref;
}
