/**
 * metadata.managedFields bookkeeping for non-apply writes, following the apiserver's FieldManager
 * chain: an update owns exactly the fields it changed (compared with the live object, or with the
 * kind's zero value on create), those fields leave every other manager, entries are keyed by
 * manager+operation(+apiVersion for updates)+subresource, and at most 10 update entries survive.
 */
import type { Json, JsonObject, KubeObject, ManagedFieldsEntry } from '../k8s-types.js';
import { FieldSet, fieldPE, fromFieldsV1, hasStableOrder, toFieldsV1 } from './field-set.js';
import type { PathElement } from './field-set.js';
import { compareObjects, toFieldSet } from './field-walk.js';
import { patchMetaFor } from './patch-meta.js';
import { zeroObjectOf } from './zero-values.js';
import type { PatchMeta } from './patch-meta.js';
import { isObj, withProps } from './util.js';

export { FieldSet, fromFieldsV1, toFieldsV1, pathString, unionAll } from './field-set.js';
export type { FieldPath, PathElement } from './field-set.js';

/** Fields the apiserver never records as owned (stripMetaManager). */
export const STRIPPED_FIELDS: FieldSet = new FieldSet()
  .insert(['f:apiVersion'])
  .insert(['f:kind'])
  .insert(['f:metadata'])
  .insert(['f:metadata', 'f:name'])
  .insert(['f:metadata', 'f:namespace'])
  .insert(['f:metadata', 'f:creationTimestamp'])
  .insert(['f:metadata', 'f:selfLink'])
  .insert(['f:metadata', 'f:uid'])
  .insert(['f:metadata', 'f:clusterName'])
  .insert(['f:metadata', 'f:generation'])
  .insert(['f:metadata', 'f:managedFields'])
  .insert(['f:metadata', 'f:resourceVersion']);

/** Update entries kept before the oldest are folded into "ancient-changes" (DefaultMaxUpdateManagers). */
export const MAX_UPDATE_MANAGERS = 10;

/** Options shared by the field-ownership operations. */
export interface FieldOwnershipOptions {
  kind: string;
  /** API group of kind, to tell built-in kinds from custom resources reusing their names. */
  group?: string;
  /** Patch metadata to use instead of the kind's table (e.g. built from a CRD schema). */
  meta?: PatchMeta;
  /** Subresource written, e.g. 'status'. */
  subresource?: string;
  /**
   * Top-level fields the write's strategy resets and that are therefore never owned. Default:
   * ['status'] for the main resource, ['spec'] for the status subresource. Pass [] for custom
   * resources without a status subresource.
   */
  resetFields?: readonly string[];
}

/** The reset-field prefixes for opts, as a set of top-level paths. */
export function resetFieldSet(opts: Pick<FieldOwnershipOptions, 'subresource' | 'resetFields'>): FieldSet {
  const names = opts.resetFields ?? (opts.subresource === 'status' ? ['spec'] : ['status']);
  const s = new FieldSet();
  for (const n of names) s.insert([fieldPE(n)]);
  return s;
}

function metaOf(opts: FieldOwnershipOptions): PatchMeta {
  return opts.meta ?? patchMetaFor(opts.kind, opts.group);
}

/** obj without metadata.managedFields, as the field manager compares objects. */
export function withoutManagedFields(obj: JsonObject): JsonObject {
  const md = obj['metadata'];
  if (!isObj(md) || !('managedFields' in md)) return obj;
  return withProps(obj, { metadata: metadataWithoutManagedFields(md) });
}

function metadataWithoutManagedFields(md: JsonObject): JsonObject {
  // Rest properties rather than delete, which would leave a slow dictionary-mode copy.
  const { managedFields: _omitted, ...rest } = md;
  return rest;
}

/** The fields obj sets, minus the ones Kubernetes never tracks (apiVersion, kind, name, uid, …, reset fields). */
export function fieldSetOf(
  obj: JsonObject,
  kind: string,
  meta?: PatchMeta,
  opts: Omit<FieldOwnershipOptions, 'kind'> = {},
): FieldSet {
  const m = meta ?? opts.meta ?? patchMetaFor(kind, opts.group);
  return toFieldSet(withoutManagedFields(obj), m)
    .withoutPrefixes(resetFieldSet(opts))
    .difference(STRIPPED_FIELDS);
}

/** Paths in either set. */
export function union(a: FieldSet, b: FieldSet): FieldSet {
  return a.union(b);
}

/** Paths of a that are not in b. */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  return a.difference(b);
}

/** Paths in both sets. */
export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  return a.intersection(b);
}

/** One decoded managedFields entry. */
export interface ManagerRecord {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string | undefined;
  subresource: string | undefined;
  set: FieldSet;
}

/** Decoded managedFields keyed by manager identifier. */
export type Managers = Map<string, ManagerRecord>;

/** BuildManagerIdentifier: the entry minus time and fields, and minus apiVersion for appliers. */
export function managerId(
  r: Pick<ManagerRecord, 'manager' | 'operation' | 'apiVersion' | 'subresource'>,
): string {
  let known = knownIds.get(r.manager);
  if (known === undefined) {
    if (knownIds.size >= 1024) knownIds.clear();
    knownIds.set(r.manager, (known = []));
  }
  for (const k of known)
    if (k.operation === r.operation && k.apiVersion === r.apiVersion && k.subresource === r.subresource)
      return k.id;
  const id = buildManagerId(r);
  if (known.length < 16)
    known.push({ operation: r.operation, apiVersion: r.apiVersion, subresource: r.subresource, id });
  return id;
}

/** Identifiers already built, by manager (the same few recur all the time). */
const knownIds = new Map<
  string,
  { operation: string; apiVersion: string; subresource: string | undefined; id: string }[]
>();

function buildManagerId(
  r: Pick<ManagerRecord, 'manager' | 'operation' | 'apiVersion' | 'subresource'>,
): string {
  // JSON.stringify of {manager, operation, apiVersion, subresource} without the empty ones.
  let id = '';
  const add = (name: string, v: string): void => {
    id += `${id ? ',' : '{'}"${name}":${JSON.stringify(v)}`;
  };
  if (r.manager) add('manager', r.manager);
  if (r.operation) add('operation', r.operation);
  if (r.operation !== 'Apply' && r.apiVersion) add('apiVersion', r.apiVersion);
  if (r.subresource) add('subresource', r.subresource);
  return id ? `${id}}` : '{}';
}

/** Decodes metadata.managedFields; malformed entries decode as empty (and then disappear). */
export function decodeManagedFields(entries: unknown): Managers {
  return decodeWith(entries, (fields) => fromFieldsV1(fields));
}

/** decodeManagedFields with the set of each entry (index i of entries) given by setOf. */
function decodeWith(entries: unknown, setOf: (fields: Json | undefined, i: number) => FieldSet): Managers {
  const out: Managers = new Map();
  if (!Array.isArray(entries)) return out;
  (entries as unknown[]).forEach((e, i) => {
    if (!isObj(e)) return;
    const str = (v: Json | undefined): string => (typeof v === 'string' ? v : '');
    const rec: ManagerRecord = {
      manager: str(e['manager']),
      operation: e['operation'] === 'Apply' ? 'Apply' : 'Update',
      apiVersion: str(e['apiVersion']),
      time: typeof e['time'] === 'string' ? e['time'] : undefined,
      subresource: typeof e['subresource'] === 'string' && e['subresource'] ? e['subresource'] : undefined,
      set: setOf(e['fieldsV1'], i),
    };
    if (!e['operation']) rec.operation = 'Update';
    out.set(managerId(rec), rec);
  });
  return out;
}

const secondsOfTime = new Map<string, number>();
/** Whole seconds of an RFC 3339 time, as metav1.Time keeps it (memoised: Date.parse is slow). */
const seconds = (t: string | undefined): number => {
  if (!t) return 0;
  let n = secondsOfTime.get(t);
  if (n === undefined) {
    if (secondsOfTime.size >= 4096) secondsOfTime.clear();
    secondsOfTime.set(t, (n = Math.floor(Date.parse(t) / 1000) || 0));
  }
  return n;
};
const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Encodes managers in the apiserver's order (Apply first, then by time, manager, apiVersion, subresource). */
export function encodeManagedFields(managers: Managers, now: string): ManagedFieldsEntry[] {
  return encodeSorted(managers, now)[0];
}

function encodeSorted(managers: Managers, now: string): [ManagedFieldsEntry[], ManagerRecord[]] {
  const recs = [...managers.values()].filter((r) => !r.set.isEmpty());
  recs.sort(
    (p, q) =>
      cmpStr(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmpStr(p.manager, q.manager) ||
      cmpStr(p.apiVersion, q.apiVersion) ||
      cmpStr(p.subresource ?? '', q.subresource ?? ''),
  );
  const entries = recs.map((r) => {
    const e: ManagedFieldsEntry = {
      manager: r.manager,
      operation: r.operation,
      apiVersion: r.apiVersion,
      time: r.time ?? now,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(r.set),
    };
    if (r.subresource !== undefined) e.subresource = r.subresource;
    return e;
  });
  return [entries, recs];
}

/**
 * Sets the field manager encoded recently, keyed by the managedFields array it returned (which
 * the stored object keeps): decoding that array again on the object's next write can take each
 * entry's set from here, where it also still carries its serialisation. An entry whose fieldsV1
 * is not the object encoded is decoded afresh.
 */
interface Remembered {
  fields: unknown[];
  sets: FieldSet[];
}
/**
 * Two generations: the current one becomes the previous one when it is full. Small on purpose:
 * what it serves is the next write of the same object soon after (a cordon, then the node
 * lifecycle controller's taint), and at about 1,000 writes a second a generation of 64 lasts
 * tens of milliseconds. With 1,024 the sets lived one or two seconds, long enough for the
 * simulator's young generation to move them to the old one: the fan-out benchmark's burst
 * promoted 5.1-5.6 MB/s with 1,024 and 3.5-3.6 MB/s with 64, for the same CPU.
 */
let remembered = new Map<unknown, Remembered>();
let rememberedBefore = new Map<unknown, Remembered>();
const REMEMBERED_LIMIT = 64;

/**
 * encodeManagedFields, remembering the sets for decodeStored. The sets of managers must not be
 * changed afterwards (set operations never change their operands).
 */
export function encodeAndRemember(managers: Managers, now: string): ManagedFieldsEntry[] {
  const [entries, recs] = encodeSorted(managers, now);
  if (entries.length > 0 && recs.every((r) => hasStableOrder(r.set))) {
    if (remembered.size >= REMEMBERED_LIMIT) {
      rememberedBefore = remembered;
      remembered = new Map();
    }
    remembered.set(entries, { fields: entries.map((e) => e.fieldsV1), sets: recs.map((r) => r.set) });
  }
  return entries;
}

/**
 * decodeManagedFields for the managedFields of a stored object, reusing the sets encodeAndRemember
 * encoded into it where it can. The sets may be shared: use them only as operands.
 */
export function decodeStored(entries: unknown): Managers {
  const hit = rememberedFor(entries);
  if (hit === undefined) return decodeManagedFields(entries);
  return decodeWith(entries, (fields, i) => rememberedSet(hit, entries, i) ?? fromFieldsV1(fields));
}

function rememberedFor(entries: unknown): Remembered | undefined {
  return remembered.get(entries) ?? rememberedBefore.get(entries);
}

/** The remembered set of entry i of stored, if that entry still has the fieldsV1 encoded then. */
function rememberedSet(hit: Remembered, stored: unknown, i: number): FieldSet | undefined {
  const e: unknown = Array.isArray(stored) ? stored[i] : undefined;
  return isObj(e) && e['fieldsV1'] === hit.fields[i] ? hit.sets[i] : undefined;
}

/**
 * obj as applyUpdate compares it: without managedFields, and without the top-level fields that
 * reset drops entirely (their differences would be discarded anyway).
 */
function comparable(obj: JsonObject, dropped: readonly PathElement[]): JsonObject {
  const md = obj['metadata'];
  const strip = isObj(md) && 'managedFields' in md;
  const keys = Object.keys(obj);
  const drop = dropped.length > 0 && keys.some((k) => dropped.includes(fieldPE(k)));
  if (!drop) return strip ? withoutManagedFields(obj) : obj;
  if (keys.includes('__proto__')) {
    // Assigning that key would set the prototype: copy the way spreading does, then delete.
    const out = { ...withoutManagedFields(obj) };
    for (const k of keys) if (dropped.includes(fieldPE(k))) delete out[k];
    return out;
  }
  // One copy instead of withoutManagedFields' and another without the dropped fields.
  const kept: JsonObject = {};
  for (const k of keys) {
    if (dropped.includes(fieldPE(k))) continue;
    kept[k] = strip && k === 'metadata' && isObj(md) ? metadataWithoutManagedFields(md) : (obj[k] as Json);
  }
  return kept;
}

/**
 * Records an update by `self` that turned oldV into newV (Updater.Update through
 * managedFieldsUpdater): changed fields leave every manager and join self's entry.
 */
export function applyUpdate(
  managers: Managers,
  oldV: JsonObject,
  newV: JsonObject,
  self: Omit<ManagerRecord, 'set'>,
  meta: PatchMeta,
  reset: FieldSet,
): void {
  applyUpdateWith(managers, oldV, newV, self, meta, resetInfo(reset));
}

/** A reset set with what applyUpdate derives from it. */
interface Reset {
  set: FieldSet;
  /** Its top-level members (fields compared objects leave out). */
  dropped: PathElement[];
  /** True when it has no longer paths. */
  topOnly: boolean;
}

function resetInfo(set: FieldSet): Reset {
  const paths = set.paths();
  const dropped = paths.filter((p) => p.length === 1).map((p) => p[0] ?? '');
  return { set, dropped, topOnly: dropped.length === paths.length };
}

/** The default reset sets (never modified), by subresource. */
const defaultResets = new Map<string | undefined, Reset>();

function resetOf(opts: Pick<FieldOwnershipOptions, 'subresource' | 'resetFields'>): Reset {
  if (opts.resetFields !== undefined) return resetInfo(resetFieldSet(opts));
  const key = opts.subresource === 'status' ? 'status' : undefined;
  let r = defaultResets.get(key);
  if (r === undefined) defaultResets.set(key, (r = resetInfo(resetFieldSet(opts))));
  return r;
}

function applyUpdateWith(
  managers: Managers,
  oldV: JsonObject,
  newV: JsonObject,
  self: Omit<ManagerRecord, 'set'>,
  meta: PatchMeta,
  { set: reset, dropped, topOnly }: Reset,
): void {
  const cmp = compareObjects(comparable(oldV, dropped), comparable(newV, dropped), meta);
  // comparable() left out everything below top-level reset paths: on sets whose element order
  // never shows, withoutPrefixes would change nothing then.
  const prune = (s: FieldSet): FieldSet => (topOnly && hasStableOrder(s) ? s : s.withoutPrefixes(reset));
  const changed = prune(cmp.added.union(cmp.modified));
  let removed: FieldSet | undefined;
  for (const [id, m] of managers) {
    removed ??= prune(cmp.removed);
    const rest = m.set.difference(changed).difference(removed);
    if (rest.isEmpty()) managers.delete(id);
    else managers.set(id, withProps(m, { set: rest }));
  }
  const own = changed.difference(STRIPPED_FIELDS);
  if (own.isEmpty()) return;
  const id = managerId(self);
  const prev = managers.get(id);
  // Union is cheapest taken into the larger set; which operand comes first shows only in sets
  // whose element order depends on insertion order.
  const merged =
    prev === undefined
      ? own
      : hasStableOrder(own) && hasStableOrder(prev.set)
        ? prev.set.union(own)
        : own.union(prev.set);
  managers.set(id, withProps(self, { set: merged }));
}

/** capManagersManager: folds the oldest update entries into per-version "ancient-changes" buckets. */
export function capUpdateManagers(managers: Managers, max = MAX_UPDATE_MANAGERS): void {
  let count = 0;
  for (const r of managers.values()) if (r.operation === 'Update') count++;
  if (count <= max) return;
  const updaters = [...managers.entries()].filter(([, r]) => r.operation === 'Update');
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || cmpStr(ia, ib));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (const [id, rec] of updaters) {
    if (length <= max) break;
    const bucket: Omit<ManagerRecord, 'set' | 'time'> = {
      manager: 'ancient-changes',
      operation: 'Update',
      apiVersion: rec.apiVersion,
      subresource: undefined,
    };
    const bucketId = managerId(bucket);
    const first = firstByVersion.get(rec.apiVersion);
    if (first === undefined) {
      firstByVersion.set(rec.apiVersion, id);
      continue;
    }
    if (!managers.has(bucketId)) {
      const f = managers.get(first);
      managers.delete(first);
      if (f) managers.set(bucketId, { ...f, ...bucket });
    }
    const cur = managers.get(bucketId);
    managers.set(
      bucketId,
      withProps(bucket, { time: rec.time, set: rec.set.union(cur?.set ?? new FieldSet()) }),
    );
    managers.delete(id);
    length--;
  }
}

/**
 * Equality of JSON values (own keys, in any order), allocation-free. Entries equal to remembered
 * ones decode to equal sets, whose order of insertion does not matter (hasStableOrder).
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let n = 0;
  for (const k in ra) {
    if (!Object.hasOwn(ra, k)) continue;
    if (!Object.hasOwn(rb, k) || !sameJson(ra[k], rb[k])) return false;
    n++;
  }
  for (const k in rb) if (Object.hasOwn(rb, k)) n--;
  return n === 0;
}

/** Options of recordUpdate. */
export interface RecordUpdateOptions extends FieldOwnershipOptions {
  manager: string;
  apiVersion: string;
  time: string;
}

/**
 * managedFields of newObj after a create/update/patch (not apply) by opts.manager. Managed
 * fields sent by the client on the main resource win over the live ones, like the apiserver;
 * objects whose managedFields were emptied stay untracked until the next apply.
 */
export function recordUpdate(
  oldObj: KubeObject | undefined,
  newObj: KubeObject,
  opts: RecordUpdateOptions,
): ManagedFieldsEntry[] {
  const sentEntries = newObj.metadata.managedFields;
  const oldEntries = oldObj?.metadata.managedFields;
  let sent: Managers = new Map();
  if (opts.subresource === undefined) {
    // Clients mostly send back (a copy of) the stored entries: the sets encoded into those serve.
    const hit = rememberedFor(oldEntries);
    sent =
      hit !== undefined && sameJson(sentEntries, oldEntries)
        ? decodeWith(sentEntries, (fields, i) => rememberedSet(hit, oldEntries, i) ?? fromFieldsV1(fields))
        : decodeManagedFields(sentEntries);
  }
  let managers = sent.size > 0 ? sent : decodeStored(oldEntries);
  if (oldObj !== undefined && oldObj.metadata.uid && managers.size === 0) return [];
  managers = managers.size === 0 ? new Map() : new Map(managers);
  const oldV = oldObj ? (oldObj as unknown as JsonObject) : zeroObjectOf(opts.kind, opts.group);
  const self = {
    manager: opts.manager,
    operation: 'Update' as const,
    apiVersion: opts.apiVersion,
    time: opts.time,
    subresource: opts.subresource,
  };
  applyUpdateWith(managers, oldV, newObj as unknown as JsonObject, self, metaOf(opts), resetOf(opts));
  capUpdateManagers(managers);
  return encodeAndRemember(managers, opts.time);
}
