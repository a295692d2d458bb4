/**
 * metadata.managedFields bookkeeping for non-apply writes, following the apiserver's FieldManager
 * chain: an update owns exactly the fields it changed (compared with the live object, or with the
 * kind's zero value on create), those fields leave every other manager, entries are keyed by
 * manager+operation(+apiVersion for updates)+subresource, and at most 10 update entries survive.
 */
import type { Json, JsonObject, KubeObject, ManagedFieldsEntry } from '../k8s-types.js';
import { FieldSet, fieldPE, fromFieldsV1, toFieldsV1 } from './field-set.js';
import { compareObjects, toFieldSet } from './field-walk.js';
import { patchMetaFor } from './patch-meta.js';
import { zeroObjectOf } from './zero-values.js';
import type { PatchMeta } from './patch-meta.js';
import { isObj } from './util.js';

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
  const rest = { ...md };
  delete rest['managedFields'];
  return { ...obj, metadata: rest };
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
  const id: JsonObject = {};
  if (r.manager) id['manager'] = r.manager;
  if (r.operation) id['operation'] = r.operation;
  if (r.operation !== 'Apply' && r.apiVersion) id['apiVersion'] = r.apiVersion;
  if (r.subresource) id['subresource'] = r.subresource;
  return JSON.stringify(id);
}

/** Decodes metadata.managedFields; malformed entries decode as empty (and then disappear). */
export function decodeManagedFields(entries: unknown): Managers {
  const out: Managers = new Map();
  if (!Array.isArray(entries)) return out;
  for (const e of entries as unknown[]) {
    if (!isObj(e)) continue;
    const str = (v: Json | undefined): string => (typeof v === 'string' ? v : '');
    const rec: ManagerRecord = {
      manager: str(e['manager']),
      operation: e['operation'] === 'Apply' ? 'Apply' : 'Update',
      apiVersion: str(e['apiVersion']),
      time: typeof e['time'] === 'string' ? e['time'] : undefined,
      subresource: typeof e['subresource'] === 'string' && e['subresource'] ? e['subresource'] : undefined,
      set: fromFieldsV1(e['fieldsV1']),
    };
    if (!e['operation']) rec.operation = 'Update';
    out.set(managerId(rec), rec);
  }
  return out;
}

const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);
const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Encodes managers in the apiserver's order (Apply first, then by time, manager, apiVersion, subresource). */
export function encodeManagedFields(managers: Managers, now: string): ManagedFieldsEntry[] {
  const recs = [...managers.values()].filter((r) => !r.set.isEmpty());
  recs.sort(
    (p, q) =>
      cmpStr(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmpStr(p.manager, q.manager) ||
      cmpStr(p.apiVersion, q.apiVersion) ||
      cmpStr(p.subresource ?? '', q.subresource ?? ''),
  );
  return recs.map((r) => {
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
  const cmp = compareObjects(withoutManagedFields(oldV), withoutManagedFields(newV), meta);
  const changed = cmp.added.union(cmp.modified).withoutPrefixes(reset);
  const removed = cmp.removed.withoutPrefixes(reset);
  for (const [id, m] of managers) {
    const rest = m.set.difference(changed).difference(removed);
    if (rest.isEmpty()) managers.delete(id);
    else managers.set(id, { ...m, set: rest });
  }
  const own = changed.difference(STRIPPED_FIELDS);
  if (own.isEmpty()) return;
  const id = managerId(self);
  const prev = managers.get(id);
  managers.set(id, { ...self, set: prev ? own.union(prev.set) : own });
}

/** capManagersManager: folds the oldest update entries into per-version "ancient-changes" buckets. */
export function capUpdateManagers(managers: Managers, max = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managers.entries()].filter(([, r]) => r.operation === 'Update');
  if (updaters.length <= max) return;
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
    managers.set(bucketId, { ...bucket, time: rec.time, set: rec.set.union(cur?.set ?? new FieldSet()) });
    managers.delete(id);
    length--;
  }
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
  const sent = decodeManagedFields(newObj.metadata.managedFields);
  let managers =
    sent.size > 0 && opts.subresource === undefined
      ? sent
      : decodeManagedFields(oldObj?.metadata.managedFields);
  if (oldObj !== undefined && oldObj.metadata.uid && managers.size === 0) return [];
  managers = new Map(managers);
  const oldV = oldObj ? (oldObj as unknown as JsonObject) : zeroObjectOf(opts.kind, opts.group);
  const self = {
    manager: opts.manager,
    operation: 'Update' as const,
    apiVersion: opts.apiVersion,
    time: opts.time,
    subresource: opts.subresource,
  };
  applyUpdate(managers, oldV, newObj as unknown as JsonObject, self, metaOf(opts), resetFieldSet(opts));
  capUpdateManagers(managers);
  return encodeManagedFields(managers, opts.time);
}
