/**
 * The merge step of server-side apply (structured-merge-diff's mergingWalker): the applied
 * configuration is laid over the live object. Granular maps merge key by key, atomic values
 * are replaced, and set/map lists merge item by item, keeping the applied order for items the
 * configuration names and slotting the live-only items back where they were.
 */
import type { Json, JsonObject } from '../k8s-types.js';
import type { PathElement } from './field-set.js';
import { listPEs } from './field-walk.js';
import type { PatchMeta } from './patch-meta.js';
import { isObj } from './util.js';

/**
 * Merges the applied configuration into live; returns a new object, which shares unchanged parts
 * with live and config (neither is modified).
 */
export function mergeApplied(live: JsonObject, config: JsonObject, meta: PatchMeta): JsonObject {
  const out = merge(live, config, meta);
  return isObj(out) ? out : {};
}

function merge(l: Json | undefined, r: Json | undefined, meta: PatchMeta): Json {
  if (r === undefined) return l === undefined ? null : l;
  if (l === undefined) return r;
  if (r === null) {
    // A null over a granular, non-empty value leaves it alone; only leaves become null.
    const granular =
      (isObj(l) && !meta.atomic && Object.keys(l).length > 0) ||
      (Array.isArray(l) && meta.listType !== 'atomic' && l.length > 0);
    return granular ? l : null;
  }
  if (isObj(l) && isObj(r) && !meta.atomic) {
    const out: JsonObject = { ...l };
    for (const [k, rv] of Object.entries(r)) out[k] = merge(l[k], rv, meta.field(k));
    return out;
  }
  if (Array.isArray(l) && Array.isArray(r) && meta.listType !== 'atomic') return mergeList(l, r, meta);
  return r;
}

function mergeList(l: Json[], r: Json[], meta: PatchMeta): Json[] {
  const lpes = listPEs(l, meta, [], false);
  const rpes = listPEs(r, meta, [], false);
  if (!lpes || !rpes) return r;
  const lItems = new Map<PathElement, Json>();
  lpes.forEach((pe, i) => {
    if (!lItems.has(pe)) lItems.set(pe, l[i] ?? null);
  });
  const rItems = new Map<PathElement, Json>();
  rpes.forEach((pe, i) => {
    if (!rItems.has(pe)) rItems.set(pe, r[i] ?? null);
  });
  const elem = meta.elem();
  const sharedOrder = rpes.filter((pe) => lItems.has(pe));
  let nextShared = sharedOrder.shift();
  const done = new Set<PathElement>();
  const out: Json[] = [];
  const take = (pe: PathElement): void => {
    done.add(pe);
    out.push(merge(lItems.get(pe), rItems.get(pe), elem));
  };
  let li = 0;
  let ri = 0;
  while (li < lpes.length || ri < rpes.length) {
    const lpe = lpes[li];
    const rpe = rpes[ri];
    if (lpe !== undefined && rpe !== undefined) {
      if (lpe === rpe) {
        take(lpe);
        li++;
        ri++;
        nextShared = sharedOrder.shift();
        continue;
      }
      // A shared item the configuration wants later: skip it here, it is emitted in applied order.
      if (rItems.has(lpe) && nextShared !== undefined && nextShared !== lpe) {
        li++;
        continue;
      }
    }
    if (lpe !== undefined) {
      if (!rItems.has(lpe)) {
        out.push(l[li] ?? null);
        li++;
        continue;
      }
      if (done.has(lpe)) {
        li++;
        continue;
      }
    }
    if (rpe !== undefined) {
      take(rpe);
      ri++;
      if (nextShared === rpe) nextShared = sharedOrder.shift();
    }
  }
  return out;
}
