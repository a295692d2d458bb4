/**
 * Shared helpers for kind strategies: loose JSON access (stored objects are untyped JSON) and
 * field.Error-shaped StatusCauses whose reason/message/field text matches kube-apiserver's.
 */
import { deepCopy, isJsonObject, type JsonObject, type StatusCause } from '../k8s-types.js';

/** The object at key, or undefined. */
export function obj(v: unknown, key: string): JsonObject | undefined {
  if (!isJsonObject(v)) return undefined;
  const x = v[key];
  return isJsonObject(x) ? x : undefined;
}

/** The object at key, created (on a caller-owned object) when missing. */
export function ensureObj(v: JsonObject, key: string): JsonObject {
  const x = v[key];
  if (isJsonObject(x)) return x;
  const fresh: JsonObject = {};
  v[key] = fresh;
  return fresh;
}

/** The array at key, or []. */
export function arr(v: unknown, key: string): unknown[] {
  if (!isJsonObject(v)) return [];
  const x = v[key];
  return Array.isArray(x) ? x : [];
}

/** Array elements that are objects. */
export function objs(v: unknown, key: string): JsonObject[] {
  return arr(v, key).filter(isJsonObject);
}

/** The string at key, or undefined. */
export function str(v: unknown, key: string): string | undefined {
  if (!isJsonObject(v)) return undefined;
  const x = v[key];
  return typeof x === 'string' ? x : undefined;
}

/** The number at key, or undefined. */
export function num(v: unknown, key: string): number | undefined {
  if (!isJsonObject(v)) return undefined;
  const x = v[key];
  return typeof x === 'number' ? x : undefined;
}

/** Sets key when it is absent (undefined or null), as Go defaulting of nil/zero fields does. */
export function setDefault(v: JsonObject, key: string, value: JsonObject[string]): void {
  if (v[key] === undefined || v[key] === null || v[key] === '') v[key] = value;
}

/** A string-to-string map at key (labels, selectors, data), or {}. */
export function strMap(v: unknown, key: string): Record<string, string> {
  const o = obj(v, key);
  const out: Record<string, string> = {};
  if (o) for (const [k, x] of Object.entries(o)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Deep copy of a JSON value (objects the strategies return must not alias stored ones). */
export function clone<T>(v: T): T {
  return deepCopy(v);
}

/** JSON with sorted object keys, which is how Go marshals maps in error values. */
export function goJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isJsonObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goJson(v[k])}`)
      .join(',')}}`;
  return v === undefined ? 'null' : JSON.stringify(v);
}

function badValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return goJson(v);
}

/** field.Required. */
export function required(field: string, detail = ''): StatusCause {
  return {
    reason: 'FieldValueRequired',
    message: detail ? `Required value: ${detail}` : 'Required value',
    field,
  };
}

/** field.Invalid. */
export function invalidField(field: string, value: unknown, detail: string): StatusCause {
  const base = `Invalid value: ${badValue(value)}`;
  return { reason: 'FieldValueInvalid', message: detail ? `${base}: ${detail}` : base, field };
}

/** field.NotSupported. */
export function notSupported(field: string, value: unknown, valid: readonly string[]): StatusCause {
  const detail = valid.length ? `: supported values: ${valid.map((x) => JSON.stringify(x)).join(', ')}` : '';
  return {
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${badValue(value)}${detail}`,
    field,
  };
}

/** field.Duplicate. */
export function duplicate(field: string, value: unknown): StatusCause {
  return { reason: 'FieldValueDuplicate', message: `Duplicate value: ${badValue(value)}`, field };
}

/** field.Forbidden. */
export function forbiddenField(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field };
}

/** field.TooLong (a byte limit). */
export function tooLong(field: string, max: number): StatusCause {
  return { reason: 'FieldValueTooLong', message: `Too long: may not be more than ${max} bytes`, field };
}

/** ValidateNonnegativeField. */
export function nonNegative(field: string, value: unknown): StatusCause[] {
  return typeof value === 'number' && value < 0
    ? [invalidField(field, value, 'must be greater than or equal to 0')]
    : [];
}

/** ValidateImmutableField ("field is immutable"), comparing JSON values structurally. */
export function immutable(field: string, next: unknown, old: unknown): StatusCause[] {
  return goJson(next) === goJson(old) ? [] : [invalidField(field, next ?? null, 'field is immutable')];
}

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A resource.Quantity ("100m", "1Gi", "1e3") as a number; undefined when not a quantity. */
export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(v.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * (SUFFIX[m[3] ?? ''] ?? 1);
}
