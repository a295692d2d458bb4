/**
 * Typed walks over objects guided by patch metadata, ported from structured-merge-diff:
 * the set of fields a value sets (ToFieldSet), the added/modified/removed fields between two
 * values (Compare), and removal of a set of fields from a value (RemoveItems).
 */
import type { Json, JsonObject } from '../k8s-types.js';
import { FieldSet, fieldPE, keyPE, pathString, valuePE } from './field-set.js';
import type { FieldPath, PathElement } from './field-set.js';
import type { PatchMeta } from './patch-meta.js';
import { isObj, jsonEqual } from './util.js';

/** Raised for values a typed conversion rejects (missing or duplicate list-map keys). */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

/** Path element of a list item under meta's list semantics, or an error text when it has none. */
export function listItemPE(item: Json, meta: PatchMeta): PathElement | string[] {
  if (meta.listType === 'set') return valuePE(item);
  if (meta.listMapKeys.length === 0) return ['associative list without keys'];
  const key: JsonObject = {};
  for (const k of meta.listMapKeys) {
    const v = isObj(item) ? (item[k] ?? meta.keyDefaults[k]) : undefined;
    if (v === undefined)
      return [
        `associative list with keys has an element that omits key field "${k}" (and doesn't have default value)`,
      ];
    key[k] = v;
  }
  return keyPE(key);
}

/** Path elements of every item of a granular list, or undefined when the list cannot be keyed. */
export function listPEs(
  list: Json[],
  meta: PatchMeta,
  path: FieldPath,
  strict: boolean,
): PathElement[] | undefined {
  const pes: PathElement[] = [];
  const seen = strict ? new Set<PathElement>() : undefined;
  for (let i = 0; i < list.length; i++) {
    const pe = listItemPE(list[i] ?? null, meta);
    if (Array.isArray(pe)) {
      if (strict) throw new SchemaError(`${pathString(path)}: element ${i}: ${pe[0] ?? ''}`);
      return undefined;
    }
    if (seen !== undefined) {
      if (seen.has(pe))
        throw new SchemaError(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
      seen.add(pe);
    }
    pes.push(pe);
  }
  return pes;
}

/**
 * The fields a value sets (typed.ToFieldSet): leaves, list items, and map entries that are
 * empty, null or free-form keys. strict rejects unkeyable list items instead of treating the list as atomic.
 */
export function toFieldSet(value: JsonObject, meta: PatchMeta, strict = false): FieldSet {
  const set = new FieldSet();
  walkSet(value, meta, [], set, strict);
  return set;
}

/** Adds the fields v sets to set; path is a stack that is restored before returning. */
function walkSet(v: Json, meta: PatchMeta, path: PathElement[], set: FieldSet, strict: boolean): void {
  if (isObj(v)) {
    if (meta.atomic) {
      set.insert(path);
      return;
    }
    const mapEntries = meta.mapEntries;
    for (const k of Object.keys(v)) {
      // May be undefined at run time (spread objects): walkSet records it like a scalar.
      const child = v[k];
      path.push(fieldPE(k));
      walkSet(child, meta.field(k), path, set, strict);
      if (mapEntries || child === null || (isObj(child) && isEmptyObject(child))) set.insert(path);
      path.pop();
    }
  } else if (Array.isArray(v)) {
    const pes = meta.listType === 'atomic' ? undefined : listPEs(v, meta, path, strict);
    if (!pes) {
      set.insert(path);
      return;
    }
    const elem = meta.elem();
    for (let i = 0; i < v.length; i++) {
      path.push(pes[i] ?? '');
      walkSet(v[i], elem, path, set, strict);
      set.insert(path);
      path.pop();
    }
  } else {
    set.insert(path);
  }
}

function isEmptyObject(o: JsonObject): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return false;
  return true;
}

/** Fields added, modified and removed between two values (typed.Comparison). */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compares lhs to rhs like TypedValue.Compare; undefined means "absent", unlike null. */
export function compareObjects(lhs: JsonObject, rhs: JsonObject, meta: PatchMeta): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, meta, [], c);
  return c;
}

function leaf(l: Json | undefined, r: Json | undefined, path: PathElement[], c: Comparison): void {
  if (l === undefined && r === undefined) return;
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!jsonEqual(l, r)) c.modified.insert(path);
}

function isEmptyish(v: Json | undefined, kind: 'map' | 'list'): boolean {
  if (v === undefined || v === null) return true;
  return kind === 'map' ? isObj(v) && isEmptyObject(v) : Array.isArray(v) && v.length === 0;
}

const mapLike = (v: Json | undefined): boolean => v === undefined || v === null || isObj(v);
const listLike = (v: Json | undefined): boolean => v === undefined || v === null || Array.isArray(v);

/** Items of a keyed list grouped by path element, in first-appearance order. */
function groupItems(pes: PathElement[], items: Json[]): Map<PathElement, Json[]> {
  const m = new Map<PathElement, Json[]>();
  for (let i = 0; i < pes.length; i++) {
    const pe = pes[i] ?? '';
    const item = items[i] ?? null;
    const g = m.get(pe);
    if (g) g.push(item);
    else m.set(pe, [item]);
  }
  return m;
}

/** Stands in for an absent lhs object: `k in NOTHING` is what walkCompare asks of it. */
const NOTHING: JsonObject = {};

/** walkCompare(undefined, r, …): everything in r is added. */
function walkAdded(r: Json | undefined, meta: PatchMeta, path: PathElement[], c: Comparison): void {
  if (r === undefined) return;
  if (isObj(r)) {
    if (!meta.atomic) {
      for (const k of Object.keys(r)) {
        // Names an object inherits are "in" even an empty lhs, so they never count as added.
        if (k in NOTHING) continue;
        path.push(fieldPE(k));
        walkAdded(r[k], meta.field(k), path, c);
        path.pop();
      }
    }
  } else if (Array.isArray(r) && meta.listType !== 'atomic' && r.length > 0) {
    const pes = listPEs(r, meta, path, false);
    if (pes) {
      const elem = meta.elem();
      for (const [pe, items] of groupItems(pes, r)) {
        path.push(pe);
        if (items.length > 1) c.added.insert(path);
        else walkAdded(items[0], elem, path, c);
        path.pop();
      }
    }
  }
  c.added.insert(path);
}

/**
 * True when walkCompare(l, r) would find nothing because the values are equal (a structural
 * comparison is much cheaper than the typed walk); only objects and lists are compared here.
 */
function unchanged(l: Json | undefined, r: Json | undefined): boolean {
  return l === r || (typeof l === 'object' && l !== null && jsonEqual(l, r));
}

/** Records the differences between l and r under path (a stack restored before returning). */
function walkCompare(
  l: Json | undefined,
  r: Json | undefined,
  meta: PatchMeta,
  path: PathElement[],
  c: Comparison,
): void {
  // Objects are never mutated once stored: a shared subtree has no differences.
  if (l === r) return;
  if (l === undefined) return walkAdded(r, meta, path, c);
  if ((isObj(l) || isObj(r)) && mapLike(l) && mapLike(r)) {
    if (meta.atomic || (isEmptyish(l, 'map') && isEmptyish(r, 'map'))) return leaf(l, r, path, c);
    const lo = isObj(l) ? l : {};
    const ro = isObj(r) ? r : {};
    for (const k of Object.keys(lo)) {
      const lv = lo[k];
      const rv = ro[k];
      if (unchanged(lv, rv)) continue;
      path.push(fieldPE(k));
      walkCompare(lv, rv, meta.field(k), path, c);
      path.pop();
    }
    for (const k of Object.keys(ro)) {
      if (k in lo) continue;
      path.push(fieldPE(k));
      walkCompare(undefined, ro[k], meta.field(k), path, c);
      path.pop();
    }
  } else if ((Array.isArray(l) || Array.isArray(r)) && listLike(l) && listLike(r)) {
    const ll = Array.isArray(l) ? l : [];
    const rl = Array.isArray(r) ? r : [];
    if (meta.listType === 'atomic' || (ll.length === 0 && rl.length === 0)) return leaf(l, r, path, c);
    const lpes = listPEs(ll, meta, path, false);
    const rpes = listPEs(rl, meta, path, false);
    if (!lpes || !rpes) return leaf(l, r, path, c);
    const lg = groupItems(lpes, ll);
    const rg = groupItems(rpes, rl);
    const elem = meta.elem();
    const item = (pe: PathElement, li: Json[] | undefined, ri: Json[] | undefined): void => {
      path.push(pe);
      if ((li?.length ?? 0) > 1 || (ri?.length ?? 0) > 1) {
        // Duplicated keys cannot be compared item by item; the item as a whole changed or not.
        if (!li) c.added.insert(path);
        else if (!ri) c.removed.insert(path);
        else if (!jsonEqual(li, ri)) c.modified.insert(path);
      } else if (!unchanged(li?.[0], ri?.[0])) {
        walkCompare(li?.[0], ri?.[0], elem, path, c);
      }
      path.pop();
    };
    for (const [pe, li] of lg) item(pe, li, rg.get(pe));
    for (const [pe, ri] of rg) if (!lg.has(pe)) item(pe, undefined, ri);
  } else {
    if (l !== undefined && r !== undefined && !jsonEqual(l, r)) {
      // The value changed shape (e.g. scalar to object): the new value's fields are all new.
      c.modified.insert(path);
      if (isObj(r) || Array.isArray(r)) {
        const sub = new FieldSet();
        walkSet(r, meta, path, sub, false);
        for (const p of sub.paths()) if (p.length > path.length) c.added.insert(p);
      }
      return;
    }
    return leaf(l, r, path, c);
  }
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
}

/** Returns a copy of value without the members of set (a member removes its whole subtree). */
export function removeItems(value: JsonObject, set: FieldSet, meta: PatchMeta): JsonObject {
  return removeIn(value, set, meta) as JsonObject;
}

function removeIn(v: Json, set: FieldSet, meta: PatchMeta): Json {
  if (isObj(v)) {
    const out: JsonObject = {};
    for (const [k, child] of Object.entries(v)) {
      const pe = fieldPE(k);
      if (set.has([pe])) continue;
      const sub = set.child(pe);
      out[k] = sub ? removeIn(child, sub, meta.field(k)) : child;
    }
    return out;
  }
  if (Array.isArray(v) && meta.listType !== 'atomic') {
    const pes = listPEs(v, meta, [], false);
    if (!pes) return v;
    const out: Json[] = [];
    v.forEach((item, i) => {
      const pe = pes[i] ?? '';
      if (set.has([pe])) return;
      const sub = set.child(pe);
      out.push(sub ? removeIn(item, sub, meta.elem()) : item);
    });
    return out;
  }
  return v;
}
