/**
 * Small JSON helpers shared by the patch library, plus the error shapes the Kubernetes patch
 * handlers produce that sim/errors.ts has no constructor for.
 */
import { ApiError } from '../errors.js';
import type { Json, JsonObject } from '../k8s-types.js';

/** True when v is a JSON object (not null, not an array). */
export function isObj(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy of a JSON value. */
export function clone<T extends Json>(v: T): T {
  return structuredClone(v);
}

/** Structural equality of JSON values; key order is irrelevant, as in Go's reflect.DeepEqual on decoded JSON. */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObj(a)) {
    if (!isObj(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** JSON with object keys sorted, the way Go's encoding/json writes maps. */
export function sortedJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (isObj(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson(v[k] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Rough rendering of a decoded JSON value the way Go's %v prints it, for error messages copied from Go. */
export function goFormat(v: Json | undefined): string {
  if (v === undefined || v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isObj(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(v[k])}`).join(' ')}]`;
  }
  return String(v);
}

/**
 * An error that is not a metav1.Status in the apiserver: ErrorToAPIStatus turns it into a 500
 * whose reason is empty and whose message is the Go error text, so that is what we return.
 */
export function plainServerError(message: string): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    code: 500,
  });
}

/**
 * errors.NewGenericServerResponse(422, ...) as the patch handler uses it for JSON patch failures:
 * a fixed message, the underlying error as an UnexpectedServerResponse cause.
 */
export function genericUnprocessable(cause: string): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: { causes: [{ reason: 'UnexpectedServerResponse', message: cause }] },
    code: 422,
  });
}

/** 413 RequestEntityTooLarge, used for oversized JSON patches. */
export function entityTooLarge(message: string): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Request entity too large: ${message}`,
    reason: 'RequestEntityTooLarge',
    code: 413,
  });
}
