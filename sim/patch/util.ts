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

/**
 * `{ ...obj, ...props }` for a props object literal. V8 takes a slow path for properties written
 * after a spread (hundreds of ns a time); plain objects are copied key by key instead, the same
 * way spreading does (own enumerable keys in order, later keys overriding in place).
 */
export function withProps<T extends object, P extends object>(obj: T, props: P): Omit<T, keyof P> & P {
  const src = obj as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (Object.getOwnPropertySymbols(obj).length > 0) return { ...obj, ...props };
  for (const k of Object.keys(src)) {
    if (k === '__proto__') return { ...obj, ...props };
    out[k] = src[k];
  }
  for (const k of Object.keys(props)) {
    if (k === '__proto__') return { ...obj, ...props };
    out[k] = (props as Record<string, unknown>)[k];
  }
  return out as Omit<T, keyof P> & P;
}

/** Structural equality of JSON values; key order is irrelevant, as in Go's reflect.DeepEqual on decoded JSON. */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      // Holes are skipped, as every() skips them.
      if (x === undefined && !(i in a)) continue;
      if (!jsonEqual(x, b[i])) return false;
    }
    return true;
  }
  if (isObj(a)) {
    if (!isObj(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!(k in b) || !jsonEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** JSON with object keys sorted, the way Go's encoding/json writes maps. */
export function sortedJson(v: Json): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) s += ',';
      // join() writes nothing for holes and for values JSON cannot represent.
      const x = sortedJson(v[i] as Json) as string | undefined;
      if (x !== undefined) s += x;
    }
    return `${s}]`;
  }
  const keys = Object.keys(v);
  if (keys.length > 1) keys.sort();
  let s = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] ?? '';
    if (i > 0) s += ',';
    s += `${JSON.stringify(k)}:${sortedJson(v[k] ?? null)}`;
  }
  return `${s}}`;
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
