/**
 * Strategic merge patch (application/strategic-merge-patch+json) as the apiserver applies it:
 * a port of apimachinery's strategicpatch.StrategicMergeMapPatch with the server's options
 * (MergeParallelList, IgnoreUnmatchedNulls). Directives: $patch (replace/delete/merge),
 * $retainKeys, $setElementOrder/<list>, $deleteFromPrimitiveList/<list>.
 */
import { ApiError, badRequest, unsupportedMediaType } from '../errors.js';
import type { Json, JsonObject } from '../k8s-types.js';
import { isBuiltinKind, patchMetaFor } from './patch-meta.js';
import type { PatchMeta } from './patch-meta.js';
import { goFormat, isObj, jsonEqual, plainServerError } from './util.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

/** Patch content types a custom resource accepts (strategic merge is not among them). */
export const CUSTOM_RESOURCE_PATCH_TYPES: readonly string[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

/** False for custom resources: pass custom when known (ResourceType.custom), else built-in kinds are recognised by name. */
export function strategicMergeSupported(kind: string, custom?: boolean): boolean {
  return custom === undefined ? isBuiltinKind(kind) : !custom;
}

/** The 415 Kubernetes answers a strategic merge patch to a custom resource with. */
export function strategicMergeUnsupportedError(): ApiError {
  return unsupportedMediaType([...CUSTOM_RESOURCE_PATCH_TYPES]);
}

/**
 * Applies a strategic merge patch to target using kind's patch metadata; returns a new object,
 * which shares the parts the patch leaves alone with target (neither input is modified).
 */
export function applyStrategicMergePatch(
  target: JsonObject,
  patch: JsonObject,
  kind: string,
  meta?: PatchMeta,
): JsonObject {
  return mergeMap(target, patch, meta ?? patchMetaFor(kind));
}

function badPatchType(directive: Json | undefined, where: Json): ApiError {
  // Kubernetes surfaces mergepatch.ErrBadPatchType as an untyped 500; we answer 400 as callers expect.
  return badRequest(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(where)}`);
}

function noMergeKey(m: Json, key: string): ApiError {
  return plainServerError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
}

/** A value taken wholesale from the patch: drop directives, `$patch: delete` items and (unmatched) nulls. */
function cleanPatchValue(v: Json): Json | undefined {
  if (Array.isArray(v)) {
    const out: Json[] = [];
    for (const item of v) {
      if (isObj(item) && DIRECTIVE in item) {
        const d = item[DIRECTIVE];
        if (d !== 'delete' && d !== 'replace' && d !== 'merge') throw badPatchType(d, item);
        continue;
      }
      const c = cleanPatchValue(item);
      if (c !== undefined) out.push(c);
    }
    return out;
  }
  if (!isObj(v)) return v;
  const d = v[DIRECTIVE];
  if (d !== undefined && d !== 'replace') {
    if (d === 'delete') return undefined;
    throw badPatchType(d, v);
  }
  const out: JsonObject = {};
  for (const [k, child] of Object.entries(v)) {
    if (k.startsWith('$') || child === null) continue;
    const c = cleanPatchValue(child);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

/** Merges patch into a copy of original. Only this level is copied: deeper levels are copied by the calls that change them. */
function mergeMap(originalIn: JsonObject, patchIn: JsonObject, meta: PatchMeta): JsonObject {
  // The steps below delete from and assign to both maps (never to values nested in them).
  const original: JsonObject = { ...originalIn };
  const patch: JsonObject = { ...patchIn };
  if (DIRECTIVE in patch) {
    const d = patch[DIRECTIVE];
    if (d === 'replace') {
      delete patch[DIRECTIVE];
      return (cleanPatchValue(patch) as JsonObject | undefined) ?? {};
    }
    // strategicpatch answers `$patch: delete` on a map with an empty map, not with removal.
    if (d === 'delete') return {};
    throw badPatchType(d, patch);
  }
  applyRetainKeys(original, patch);
  mergeSetElementOrder(original, patch, meta);
  // Go iterates the patch map in random order; deleting before adding keeps results stable.
  const keys = Object.keys(patch).sort(
    (a, b) => Number(!a.startsWith(DELETE_FROM)) - Number(!b.startsWith(DELETE_FROM)),
  );
  for (const rawKey of keys) {
    const pv = patch[rawKey];
    if (pv === undefined || rawKey.startsWith(SET_ORDER)) continue;
    const isDeleteList = rawKey.startsWith(DELETE_FROM);
    if (rawKey.startsWith('$') && !isDeleteList) continue;
    const k = isDeleteList ? rawKey.slice(DELETE_FROM.length) : rawKey;
    if (pv === null) {
      delete original[k];
      continue;
    }
    const ov = original[k];
    if (ov === undefined || ov === null || kindOf(ov) !== kindOf(pv)) {
      if (!isDeleteList) {
        const c = cleanPatchValue(pv);
        if (c !== undefined) original[k] = c;
      }
      continue;
    }
    const sub = meta.field(k);
    if (isObj(ov) && isObj(pv)) {
      original[k] =
        sub.patchStrategy === 'replace'
          ? ((cleanPatchValue(pv) as JsonObject | undefined) ?? {})
          : mergeMap(ov, pv, sub);
    } else if (Array.isArray(ov) && Array.isArray(pv)) {
      original[k] = mergeSliceHandler(ov, pv, sub, k, isDeleteList);
    } else {
      original[k] = pv;
    }
  }
  return original;
}

function kindOf(v: Json): string {
  return Array.isArray(v) ? 'list' : isObj(v) ? 'map' : typeof v;
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!(RETAIN_KEYS in patch)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRequest('invalid patch format of retainKeys');
  const keep = new Set(list.map((x) => String(x)));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM) || k.startsWith(SET_ORDER)) continue;
    if (!keep.has(k)) throw badRequest('invalid patch format of retainKeys');
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function mergeSliceHandler(
  original: Json[],
  patch: Json[],
  meta: PatchMeta,
  name: string,
  isDeleteList: boolean,
): Json[] {
  if (meta.patchStrategy === 'merge' || isDeleteList)
    return mergeSlice(original, patch, meta, name, isDeleteList);
  return (cleanPatchValue(patch) as Json[] | undefined) ?? [];
}

function elementsAreMaps(...lists: Json[][]): boolean {
  for (const l of lists) for (const x of l) return isObj(x);
  return false;
}

function mergeSlice(
  original: Json[],
  patch: Json[],
  meta: PatchMeta,
  name: string,
  isDeleteList: boolean,
): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const maps = elementsAreMaps(original, patch);
  if (!maps) {
    if (isDeleteList) return original.filter((o) => !patch.some((p) => jsonEqual(o, p)));
    const merged = dedupe([...original, ...patch]);
    const [inPatch, serverOnly] = partition(merged, patch, undefined);
    return normalizeElementOrder(inPatch, serverOnly, patch, original, undefined);
  }
  const key = meta.patchMergeKey;
  if (key === undefined) throw plainServerError(`cannot merge lists without merge key for ${name}`);
  const [orig2, patch2] = mergeSliceWithSpecialElements(original, patch, key);
  const merged = mergeSliceWithoutSpecialElements(orig2, patch2, key, meta.elem());
  const [inPatch, serverOnly] = partition(merged, patch2, key);
  return normalizeElementOrder(inPatch, serverOnly, patch2, orig2, key);
}

function dedupe(list: Json[]): Json[] {
  const out: Json[] = [];
  for (const x of list) if (!out.some((y) => jsonEqual(x, y))) out.push(x);
  return out;
}

function mergeSliceWithSpecialElements(original: Json[], patch: Json[], key: string): [Json[], Json[]] {
  const plain: Json[] = [];
  let replace = false;
  let orig = original;
  for (const v of patch) {
    if (!isObj(v) || !(DIRECTIVE in v)) {
      plain.push(v);
      continue;
    }
    const d = v[DIRECTIVE];
    if (d === 'delete') {
      const kv = v[key];
      if (kv === undefined) throw noMergeKey(v, key);
      orig = orig.filter((o) => !(isObj(o) && jsonEqual(o[key], kv)));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw plainServerError('merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(d, v);
    }
  }
  return replace ? [(cleanPatchValue(plain) as Json[] | undefined) ?? [], []] : [orig, plain];
}

function mergeSliceWithoutSpecialElements(
  original: Json[],
  patch: Json[],
  key: string,
  elemMeta: PatchMeta,
): Json[] {
  const out = [...original];
  for (const v of patch) {
    if (!isObj(v)) continue;
    const kv = v[key];
    if (kv === undefined) throw noMergeKey(v, key);
    const i = out.findIndex((o) => isObj(o) && jsonEqual(o[key], kv));
    const found = out[i];
    if (isObj(found)) {
      out[i] = mergeMap(found, v, elemMeta);
    } else {
      const c = cleanPatchValue(v);
      if (c !== undefined) out.push(c);
    }
  }
  return out;
}

/** Index of item in list, matching maps by merge key and primitives by value; -1 when absent. */
function indexIn(list: Json[], item: Json, key: string | undefined): number {
  if (key === undefined) return list.findIndex((x) => jsonEqual(x, item));
  const kv = isObj(item) ? item[key] : undefined;
  return list.findIndex((x) => isObj(x) && kv !== undefined && jsonEqual(x[key], kv));
}

/** Splits merged into items present in order (by key or value) and the rest. */
function partition(merged: Json[], order: Json[], key: string | undefined): [Json[], Json[]] {
  const inOrder: Json[] = [];
  const rest: Json[] = [];
  for (const x of merged) (indexIn(order, x, key) >= 0 ? inOrder : rest).push(x);
  return [inOrder, rest];
}

function sortBy(list: Json[], order: Json[], key: string | undefined): Json[] {
  if (key !== undefined)
    for (const x of [...list, ...order]) if (!isObj(x) || x[key] === undefined) throw noMergeKey(x, key);
  const pos = (x: Json): number => {
    const i = indexIn(order, x, key);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...list].sort((a, b) => pos(a) - pos(b));
}

/**
 * Orders patch items by patchOrder and server-only items by serverOrder, then interleaves the
 * server-only items into the patch items wherever the live order says they were.
 */
function normalizeElementOrder(
  inPatch: Json[],
  serverOnly: Json[],
  patchOrder: Json[],
  serverOrder: Json[],
  key: string | undefined,
): Json[] {
  const right = sortBy(inPatch, patchOrder, key);
  const left = sortBy(serverOnly, serverOrder, key);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const l = left[i];
    const r = right[j];
    if (l === undefined) {
      out.push(r ?? null);
      j++;
    } else if (r === undefined) {
      out.push(l);
      i++;
    } else {
      const li = indexIn(serverOrder, l, key);
      const ri = indexIn(serverOrder, r, key);
      if (li >= 0 && ri >= 0 && li < ri) {
        out.push(l);
        i++;
      } else {
        out.push(r);
        j++;
      }
    }
  }
  return out;
}

/** Processes `$setElementOrder/<list>`: merges that list now and orders it as the directive says. */
function mergeSetElementOrder(original: JsonObject, patch: JsonObject, meta: PatchMeta): void {
  for (const dk of Object.keys(patch)) {
    if (!dk.startsWith(SET_ORDER)) continue;
    const order = patch[dk];
    delete patch[dk];
    if (!Array.isArray(order))
      throw plainServerError(`expected a []interface {}, but received a ${goFormat(order)}`);
    const k = dk.slice(SET_ORDER.length);
    const ov = original[k];
    const pv = patch[k];
    if (ov !== undefined && ov !== null && !Array.isArray(ov))
      throw badRequest('invalid patch format of setElementOrder list');
    if (pv !== undefined && pv !== null && !Array.isArray(pv))
      throw badRequest('invalid patch format of setElementOrder list');
    const origList = Array.isArray(ov) ? ov : undefined;
    const patchList = Array.isArray(pv) ? pv : undefined;
    if (!origList && !patchList) continue;
    const sub = meta.field(k);
    const key = elementsAreMaps(origList ?? [], patchList ?? [], order) ? sub.patchMergeKey : undefined;
    validateOrder(patchList ?? [], order, key);
    let merged: Json[];
    if (origList && patchList) merged = mergeSliceHandler(origList, patchList, sub, k, false);
    else if (patchList) merged = (cleanPatchValue(patchList) as Json[] | undefined) ?? [];
    else merged = origList ?? [];
    const [inOrder, serverOnly] = partition(merged, order, key);
    original[k] = normalizeElementOrder(inOrder, serverOnly, order, origList ?? [], key);
    delete patch[k];
  }
}

/** validatePatchWithSetOrderList: patch items must appear in the directive, in the same relative order. */
function validateOrder(patchList: Json[], order: Json[], key: string | undefined): void {
  const items = patchList.filter((x) => !(isObj(x) && DIRECTIVE in x));
  let p = 0;
  for (let s = 0; p < items.length && s < order.length; s++) {
    const item = items[p] ?? null;
    const o = order[s] ?? null;
    const same =
      key === undefined ? jsonEqual(item, o) : isObj(item) && isObj(o) && jsonEqual(item[key], o[key]);
    if (same) p++;
  }
  if (p < items.length) {
    throw plainServerError(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(order)}\n`,
    );
  }
}
