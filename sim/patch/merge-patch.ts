/**
 * RFC 7386 JSON merge patch (application/merge-patch+json), as evanphx/json-patch's MergePatch
 * applies it for the apiserver: objects merge recursively, null deletes, anything else replaces.
 */
import type { Json, JsonObject } from '../k8s-types.js';
import { clone, isObj } from './util.js';

/** Applies an RFC 7386 merge patch to target and returns a new value; neither input is mutated. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return clone(patch);
  // Work on a private copy so the result never aliases the caller's objects.
  return mergeInto(isObj(target) ? clone(target) : {}, patch);
}

function mergeInto(out: JsonObject, patch: JsonObject): JsonObject {
  for (const [k, pv] of Object.entries(patch)) {
    if (pv === null) {
      delete out[k];
    } else if (isObj(pv)) {
      const cur = out[k];
      out[k] = mergeInto(isObj(cur) ? cur : {}, pv);
    } else {
      out[k] = clone(pv);
    }
  }
  return out;
}
