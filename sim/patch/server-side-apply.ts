/**
 * Server-side apply (application/apply-patch+yaml) with the apiserver's field-manager chain:
 * version check, last-applied annotation sync and client-side-apply upgrade for "kubectl",
 * before-first-apply ownership of objects that had none, merge, pruning of fields the applier
 * stopped applying, conflict detection/forcing, and the Apply entry in metadata.managedFields.
 */
import { parseAllDocuments } from 'yaml';
import { ApiError, badRequest, invalid } from '../errors.js';
import { asJsonObject } from '../http-util.js';
import type { Json, JsonObject, KubeObject, StatusCause } from '../k8s-types.js';
import { mergeApplied } from './apply-merge.js';
import { FieldSet, pathString, unionAll } from './field-set.js';
import { SchemaError, compareObjects, removeItems, toFieldSet } from './field-walk.js';
import {
  STRIPPED_FIELDS,
  applyUpdate,
  capUpdateManagers,
  decodeStored,
  encodeAndRemember,
  managerId,
  resetFieldSet,
  withoutManagedFields,
} from './managed-fields.js';
import type { FieldOwnershipOptions, Managers } from './managed-fields.js';
import { patchMetaFor } from './patch-meta.js';
import { zeroObjectOf } from './zero-values.js';
import type { PatchMeta } from './patch-meta.js';
import { isObj, jsonEqual, plainServerError, sortedJson, withProps } from './util.js';

/** kubectl's client-side apply annotation. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Options of serverSideApply. */
export interface ApplyOptions extends FieldOwnershipOptions {
  manager: string;
  force: boolean;
  /** apiVersion of the request; the applied object must match it and the kind. */
  apiVersion: string;
  time: string;
}

const PATCH_OPTIONS = { kind: 'PatchOptions', group: 'meta.k8s.io', name: '' };

/**
 * ValidatePatchOptions: apply needs a fieldManager, force is only for apply, and fieldManager
 * must be ≤128 printable ASCII characters. Throws the 422 kube-apiserver answers with.
 */
export function validatePatchOptions(opts: {
  apply: boolean;
  fieldManager?: string | undefined;
  force?: boolean | undefined;
}): void {
  const causes: StatusCause[] = [];
  const fm = opts.fieldManager ?? '';
  if (!opts.apply && opts.force !== undefined) {
    causes.push({
      reason: 'FieldValueForbidden',
      message: 'Forbidden: may not be specified for non-apply patch',
      field: 'force',
    });
  }
  if (opts.apply && fm === '') {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: is required for apply patch',
      field: 'fieldManager',
    });
  }
  if (fm.length > 128) {
    causes.push({
      reason: 'FieldValueTooLong',
      message: 'Too long: may not be more than 128 bytes',
      field: 'fieldManager',
    });
  }
  if (!/^[\x20-\x7e]*$/.test(fm)) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(fm)}: must only contain printable characters`,
      field: 'fieldManager',
    });
  }
  if (causes.length > 0) throw invalid(PATCH_OPTIONS, causes);
}

/** The fieldManager of an apply request, or the 422 Kubernetes answers when it is missing. */
export function requireApplyFieldManager(fieldManager: string | undefined | null): string {
  validatePatchOptions({ apply: true, fieldManager: fieldManager ?? undefined });
  return fieldManager ?? '';
}

/** YAML 1.1 like sigs.k8s.io/yaml (go-yaml v2), timestamps kept as strings; only the first document counts. */
function parseYamlDocument(body: string): unknown {
  const docs = parseAllDocuments(body, {
    version: '1.1',
    customTags: (tags) =>
      tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
  const first = docs[0];
  const err = first?.errors[0];
  if (err) throw badRequest(`error decoding YAML: ${err.message.split('\n')[0] ?? ''}`);
  // An empty document decodes to an empty map, which then fails the apply's type check.
  return first?.toJS() ?? {};
}

function goTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/** Parses an apply body (YAML or JSON) into an object; anything else is a 400 "error decoding YAML". */
export function parseApplyBody(body: string): KubeObject {
  const v: unknown = asJsonObject(body) ?? parseYamlDocument(body);
  if (!isObj(v)) {
    throw badRequest(
      `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goTypeName(v)} into Go value of type map[string]interface {}`,
    );
  }
  const obj: JsonObject = { ...v };
  if (obj['metadata'] === undefined || obj['metadata'] === null) obj['metadata'] = {};
  if (!isObj(obj['metadata'])) {
    throw badRequest(`error decoding YAML: .metadata: expected object, got ${goTypeName(obj['metadata'])}`);
  }
  obj['apiVersion'] = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
  obj['kind'] = typeof obj['kind'] === 'string' ? obj['kind'] : '';
  return obj as unknown as KubeObject;
}

function gvkString(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const gv = slash < 0 ? `/${apiVersion}` : apiVersion;
  return `${gv}, Kind=${kind}`;
}

/** printManager: how conflict messages name a manager. */
function printManager(id: string, managers: Managers): string {
  const r = managers.get(id);
  if (!r) return JSON.stringify(id);
  let s = JSON.stringify(r.manager);
  if (r.subresource) s += ` with subresource ${JSON.stringify(r.subresource)}`;
  if (r.operation === 'Update') s += ` using ${r.apiVersion}`;
  return s;
}

/** NewConflictError: one cause per conflicting field, message grouped by manager. */
function conflictError(conflicts: Map<string, FieldSet>, managers: Managers): ApiError {
  const ids = [...conflicts.keys()].sort();
  const causes: StatusCause[] = [];
  const lines: string[] = [];
  for (const id of ids) {
    const paths = conflicts.get(id)?.paths() ?? [];
    lines.push(`conflicts with ${printManager(id, managers)}:`);
    for (const p of paths) {
      causes.push({
        reason: 'FieldManagerConflict',
        message: `conflict with ${printManager(id, managers)}`,
        field: pathString(p),
      });
      lines.push(`- ${pathString(p)}`);
    }
  }
  const message =
    causes.length === 1
      ? `Apply failed with 1 conflict: ${causes[0]?.message ?? ''}: ${causes[0]?.field ?? ''}`
      : `Apply failed with ${causes.length} conflicts: ${lines.join('\n')}`;
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Conflict',
    details: { causes },
    code: 409,
  });
}

/** Fields of the last-applied annotation whose values live still has: conflicts there are CSA→SSA upgrades. */
function lastAppliedAllowance(live: JsonObject, meta: PatchMeta): FieldSet | undefined {
  const md = live['metadata'];
  const ann = isObj(md) && isObj(md['annotations']) ? md['annotations'][LAST_APPLIED_ANNOTATION] : undefined;
  if (typeof ann !== 'string' || ann === '') return undefined;
  let last: Json;
  try {
    last = JSON.parse(ann) as Json;
  } catch {
    return undefined;
  }
  if (!isObj(last)) return undefined;
  return toFieldSet(last, meta).difference(compareObjects(last, live, meta).modified);
}

/** buildLastApplied: the applied object without the annotation itself, as Go encodes it. */
function buildLastApplied(applied: JsonObject): string {
  const md = applied['metadata'];
  if (!isObj(md) || !isObj(md['annotations'])) return `${sortedJson(applied)}\n`;
  // Copies of the levels that change only: applied itself is shared with the merged object.
  const annotations: JsonObject = { ...md['annotations'] };
  delete annotations[LAST_APPLIED_ANNOTATION];
  const metadata: JsonObject = { ...md, annotations };
  if (Object.keys(annotations).length === 0) delete metadata['annotations'];
  return `${sortedJson({ ...applied, metadata })}\n`;
}

/**
 * Applies `applied` over `live` (undefined: create) for opts.manager. Throws ApiError 400 for a
 * wrong apiVersion/kind or managedFields in the body, 409 for conflicts unless opts.force, 500
 * for configurations that cannot be typed (list items missing their keys, duplicate keys).
 */
export function serverSideApply(
  live: KubeObject | undefined,
  applied: KubeObject,
  opts: ApplyOptions,
): KubeObject {
  if (applied.apiVersion !== opts.apiVersion || applied.kind !== opts.kind) {
    throw badRequest(`invalid object type: ${gvkString(applied.apiVersion, applied.kind)}`);
  }
  if (applied.metadata.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  const meta = opts.meta ?? patchMetaFor(opts.kind, opts.group);
  const reset = resetFieldSet(opts);
  const config: JsonObject = { ...(applied as unknown as JsonObject) };
  for (const p of reset.paths()) delete config[(p[0] ?? '').slice(2)];
  let configSet: FieldSet;
  try {
    configSet = toFieldSet(config, meta, true).difference(STRIPPED_FIELDS);
  } catch (e) {
    if (e instanceof SchemaError) {
      throw plainServerError(
        `failed to create typed patch object (${gvkString(opts.apiVersion, opts.kind)}): ${e.message}`,
      );
    }
    throw e;
  }
  const liveObj: JsonObject = live
    ? withoutManagedFields(live as unknown as JsonObject)
    : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
  const managers: Managers = live ? decodeStored(live.metadata.managedFields) : new Map();
  if (live && managers.size === 0) {
    // Objects nobody tracked yet: their current fields become before-first-apply's.
    const bfa = {
      manager: 'before-first-apply',
      operation: 'Update' as const,
      apiVersion: opts.apiVersion,
      time: opts.time,
      subresource: undefined,
    };
    applyUpdate(managers, zeroObjectOf(opts.kind, opts.group), liveObj, bfa, meta, reset);
  }
  const self = {
    manager: opts.manager,
    operation: 'Apply' as const,
    apiVersion: opts.apiVersion,
    subresource: opts.subresource,
  };
  const selfId = managerId(self);
  const previous = managers.get(selfId);
  managers.set(selfId, withProps(self, { time: previous?.time, set: configSet }));

  let merged = mergeApplied(liveObj, config, meta);
  if (previous && !previous.set.isEmpty()) {
    // Fields the applier owned and no longer applies go, unless someone else still owns them.
    const owned = unionAll([...managers.values()].map((m) => m.set)).withNamedAncestors();
    merged = removeItems(merged, previous.set.withNamedAncestors().difference(owned), meta);
  }

  const cmp = compareObjects(liveObj, merged, meta);
  const changed = cmp.added.union(cmp.modified).withoutPrefixes(reset);
  const removed = cmp.removed.withoutPrefixes(reset);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, m] of managers) {
    if (id === selfId) continue;
    const c = m.set.intersection(changed);
    if (!c.isEmpty()) conflicts.set(id, c);
  }
  if (conflicts.size > 0 && !opts.force) {
    const allowed = opts.manager === 'kubectl' ? lastAppliedAllowance(liveObj, meta) : undefined;
    const all = unionAll(conflicts.values());
    if (!allowed || !all.difference(allowed).isEmpty()) {
      const remaining = new Map<string, FieldSet>();
      for (const [id, s] of conflicts) {
        const r = allowed ? s.difference(allowed) : s;
        if (!r.isEmpty()) remaining.set(id, r);
      }
      throw conflictError(remaining, managers);
    }
  }
  for (const [id, m] of managers) {
    if (id === selfId) continue;
    const rest = m.set.difference(conflicts.get(id) ?? new FieldSet()).difference(removed);
    if (rest.isEmpty()) managers.delete(id);
    else managers.set(id, withProps(m, { set: rest }));
  }
  const mine = managers.get(selfId);
  if (mine) {
    if (mine.set.isEmpty()) managers.delete(selfId);
    else if (!jsonEqual(liveObj, merged) || mine.time === undefined)
      managers.set(selfId, withProps(mine, { time: opts.time }));
  }
  capUpdateManagers(managers);

  const result = merged as unknown as KubeObject;
  const md: JsonObject = isObj(merged['metadata']) ? { ...merged['metadata'] } : {};
  const entries = encodeAndRemember(managers, opts.time);
  if (entries.length > 0) md['managedFields'] = entries as unknown as Json;
  else delete md['managedFields'];
  const ann = md['annotations'];
  if (opts.manager === 'kubectl' && isObj(ann) && typeof ann[LAST_APPLIED_ANNOTATION] === 'string') {
    md['annotations'] = {
      ...ann,
      [LAST_APPLIED_ANNOTATION]: buildLastApplied(applied as unknown as JsonObject),
    };
  }
  result.metadata = md as KubeObject['metadata'];
  return result;
}
