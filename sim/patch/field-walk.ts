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
  const seen = new Set<PathElement>();
  for (const [i, item] of list.entries()) {
    const pe = listItemPE(item, meta);
    if (Array.isArray(pe)) {
      if (strict) throw new SchemaError(`${pathString(path)}: element ${i}: ${pe[0] ?? ''}`);
      return undefined;
    }
    if (seen.has(pe) && strict) {
      throw new SchemaError(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
    }
    seen.add(pe);
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

function walkSet(v: Json, meta: PatchMeta, path: PathElement[], set: FieldSet, strict: boolean): void {
  if (isObj(v)) {
    if (meta.atomic) {
      set.insert(path);
      return;
    }
    for (const [k, child] of Object.entries(v)) {
      const p = [...path, fieldPE(k)];
      walkSet(child, meta.field(k), p, set, strict);
      if (child === null || (isObj(child) && Object.keys(child).length === 0) || meta.mapEntries)
        set.insert(p);
    }
  } else if (Array.isArray(v)) {
    const pes = meta.listType === 'atomic' ? undefined : listPEs(v, meta, path, strict);
    if (!pes) {
      set.insert(path);
      return;
    }
    v.forEach((item, i) => {
      const p = [...path, pes[i] ?? ''];
      walkSet(item, meta.elem(), p, set, strict);
      set.insert(p);
    });
  } else {
    set.insert(path);
  }
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
  return kind === 'map' ? isObj(v) && Object.keys(v).length === 0 : Array.isArray(v) && v.length === 0;
}

function walkCompare(
  l: Json | undefined,
  r: Json | undefined,
  meta: PatchMeta,
  path: PathElement[],
  c: Comparison,
): void {
  const mapLike = (v: Json | undefined): boolean => v === undefined || v === null || isObj(v);
  const listLike = (v: Json | undefined): boolean => v === undefined || v === null || Array.isArray(v);
  if ((isObj(l) || isObj(r)) && mapLike(l) && mapLike(r)) {
    if (meta.atomic || (isEmptyish(l, 'map') && isEmptyish(r, 'map'))) return leaf(l, r, path, c);
    const lo = isObj(l) ? l : {};
    const ro = isObj(r) ? r : {};
    for (const [k, lv] of Object.entries(lo)) walkCompare(lv, ro[k], meta.field(k), [...path, fieldPE(k)], c);
    for (const [k, rv] of Object.entries(ro)) {
      if (!(k in lo)) walkCompare(undefined, rv, meta.field(k), [...path, fieldPE(k)], c);
    }
  } else if ((Array.isArray(l) || Array.isArray(r)) && listLike(l) && listLike(r)) {
    const ll = Array.isArray(l) ? l : [];
    const rl = Array.isArray(r) ? r : [];
    if (meta.listType === 'atomic' || (ll.length === 0 && rl.length === 0)) return leaf(l, r, path, c);
    const lpes = listPEs(ll, meta, path, false);
    const rpes = listPEs(rl, meta, path, false);
    if (!lpes || !rpes) return leaf(l, r, path, c);
    const group = (pes: PathElement[], items: Json[]): Map<PathElement, Json[]> => {
      const m = new Map<PathElement, Json[]>();
      pes.forEach((pe, i) => m.set(pe, [...(m.get(pe) ?? []), items[i] ?? null]));
      return m;
    };
    const lg = group(lpes, ll);
    const rg = group(rpes, rl);
    for (const pe of new Set([...lpes, ...rpes])) {
      const li = lg.get(pe);
      const ri = rg.get(pe);
      const p = [...path, pe];
      if ((li?.length ?? 0) > 1 || (ri?.length ?? 0) > 1) {
        // Duplicated keys cannot be compared item by item; the item as a whole changed or not.
        if (!li) c.added.insert(p);
        else if (!ri) c.removed.insert(p);
        else if (!jsonEqual(li, ri)) c.modified.insert(p);
        continue;
      }
      walkCompare(li?.[0], ri?.[0], meta.elem(), p, c);
    }
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
