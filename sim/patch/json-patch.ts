/**
 * RFC 6902 JSON patch (application/json-patch+json), with the apiserver's error behaviour:
 * a document that is not a list of operations is a 400, an operation that cannot be applied
 * (failed test, missing path) is a 422 whose cause carries evanphx/json-patch's message.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { badRequest } from '../errors.js';
import type { Json, JsonObject } from '../k8s-types.js';
import { clone, entityTooLarge, genericUnprocessable, isObj } from './util.js';

/** The apiserver refuses JSON patches with more operations than this (maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

const KNOWN_OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Go's name for the JSON type of v, as encoding/json reports unmarshal type errors. */
function goJsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/** Applies a JSON patch to a deep copy of target; throws ApiError 400/413/422 as kube-apiserver does. */
export function applyJsonPatch(target: JsonObject, ops: unknown): JsonObject {
  if (ops === null) return clone(target);
  if (!Array.isArray(ops)) {
    throw badRequest(`json: cannot unmarshal ${goJsonType(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (!isObj(op) && op !== null) {
      throw badRequest(`json: cannot unmarshal ${goJsonType(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw entityTooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
    );
  }
  let doc: Json = clone(target);
  for (const raw of ops as (JsonObject | null)[]) {
    doc = applyOne(doc, raw ?? {});
  }
  if (!isObj(doc)) {
    throw badRequest(
      `json: cannot unmarshal ${goJsonType(doc)} into Go value of type map[string]interface {}`,
    );
  }
  return doc;
}

function applyOne(doc: Json, raw: JsonObject): Json {
  const kind = typeof raw['op'] === 'string' ? raw['op'] : 'unknown';
  if (!KNOWN_OPS.has(kind)) throw genericUnprocessable(`Unexpected kind: ${kind}`);
  const path = raw['path'];
  if (typeof path !== 'string')
    throw genericUnprocessable(`${kind} operation failed to decode path: missing value`);
  const from = typeof raw['from'] === 'string' ? raw['from'] : undefined;
  if ((kind === 'move' || kind === 'copy') && from === undefined) {
    throw genericUnprocessable(`${kind} operation failed to decode from: missing value`);
  }
  // evanphx lets "test" of a missing key against null pass; fast-json-patch would fail it.
  if (kind === 'test' && raw['value'] === null && !resolves(doc, path)) return doc;
  const op = { ...raw, op: kind, path, value: raw['value'] ?? null } as unknown as Operation;
  try {
    return jsonpatch.applyOperation(doc, op, true, true).newDocument as Json;
  } catch (e) {
    throw genericUnprocessable(describeFailure(e, doc, kind, path, from));
  }
}

/** True when the JSON pointer names an existing value in doc. */
function resolves(doc: Json, pointer: string): boolean {
  if (pointer === '') return true;
  try {
    return jsonpatch.getValueByPointer(doc, pointer) !== undefined;
  } catch {
    return false;
  }
}

function parentOf(pointer: string): string {
  return pointer.slice(0, Math.max(0, pointer.lastIndexOf('/')));
}

/** Translates fast-json-patch's error names into evanphx/json-patch v4's messages. */
function describeFailure(
  e: unknown,
  doc: Json,
  kind: string,
  path: string,
  from: string | undefined,
): string {
  const name = e instanceof Error ? e.name : '';
  const last = path.slice(path.lastIndexOf('/') + 1);
  switch (name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_PATH_CANNOT_ADD':
      return `add operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${kind} operation does not apply: doc is missing from path: ${from ?? ''}: missing value`;
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      return `error in ${kind} for path: '${path}': Unable to access invalid index: ${last}: invalid index referenced`;
    case 'OPERATION_PATH_UNRESOLVABLE': {
      const parentExists = resolves(doc, parentOf(path));
      if (kind === 'remove') {
        return parentExists
          ? `error in remove for path: '${path}': Unable to remove nonexistent key: ${last}: missing value`
          : `remove operation does not apply: doc is missing path: "${path}": missing value`;
      }
      if (kind === 'replace') {
        return parentExists
          ? `replace operation does not apply: doc is missing key: ${path}: missing value`
          : `replace operation does not apply: doc is missing path: ${path}: missing value`;
      }
      if (kind === 'move' || kind === 'copy') {
        return `${kind} operation does not apply: doc is missing from path: ${from ?? ''}: missing value`;
      }
      return `${kind} operation does not apply: doc is missing path: "${path}": missing value`;
    }
    default:
      return `${kind} operation does not apply: ${e instanceof Error ? e.message.split('\n')[0] : String(e)} (path ${JSON.stringify(path)})`;
  }
}
