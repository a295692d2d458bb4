/**
 * A terse way to write the built-in kinds' schemas once, in a neutral form that both the
 * Swagger 2.0 and the OpenAPI 3.0 renderers understand: `$ref` holds a bare definition name
 * (the renderer adds `#/definitions/` or `#/components/schemas/`), everything else is already
 * in JSON-schema shape.
 */
import type { Json, JsonObject } from '../k8s-types.js';

/** A schema in neutral form (bare-name `$ref`s). */
export type Schema = JsonObject;
/** Named schemas, keyed by their OpenAPI definition name. */
export type Defs = Record<string, Schema>;

/** Prefix of the apimachinery meta/v1 definitions. */
export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** Prefix of the core/v1 definitions. */
export const CORE = 'io.k8s.api.core.v1.';
/** Prefix of the apps/v1 definitions. */
export const APPS = 'io.k8s.api.apps.v1.';
/** Definition name of resource.Quantity (rendered differently in v2 and v3). */
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
/** Definition name of intstr.IntOrString (rendered differently in v2 and v3). */
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
/** Definition name of meta/v1 Time. */
export const TIME = `${META}Time`;

function described(s: Schema, d: string | undefined): Schema {
  if (d !== undefined) s['description'] = d;
  return s;
}

/** A string field. */
export const str = (d?: string): Schema => described({ type: 'string' }, d);
/** A 32-bit integer field. */
export const int32 = (d?: string): Schema => described({ type: 'integer', format: 'int32' }, d);
/** A 64-bit integer field. */
export const int64 = (d?: string): Schema => described({ type: 'integer', format: 'int64' }, d);
/** A boolean field. */
export const bool = (d?: string): Schema => described({ type: 'boolean' }, d);
/** A float64 field. */
export const num = (d?: string): Schema => described({ type: 'number', format: 'double' }, d);
/** A reference to a named definition. */
export const ref = (name: string, d?: string): Schema => described({ $ref: name }, d);
/** A meta/v1 Time field. */
export const time = (d?: string): Schema => ref(TIME, d);
/** An int-or-string field. */
export const intOrString = (d?: string): Schema => ref(INT_OR_STRING, d);
/** An array field (atomic unless annotated otherwise). */
export const arr = (items: Schema, d?: string): Schema => described({ type: 'array', items }, d);
/** An array of strings. */
export const strArr = (d?: string): Schema => arr({ type: 'string' }, d);
/** A set of strings (server-side apply merges them as a set). */
export const strSet = (d?: string): Schema => ({ ...strArr(d), 'x-kubernetes-list-type': 'set' });
/** A string→value map. */
export const mapOf = (values: Schema, d?: string): Schema =>
  described({ type: 'object', additionalProperties: values }, d);
/** A string→string map. */
export const strMap = (d?: string): Schema => mapOf({ type: 'string' }, d);
/** A resource name → Quantity map (requests, limits, capacity). */
export const quantityMap = (d?: string): Schema => mapOf(ref(QUANTITY), d);
/** An object whose content is not described; kept so round-trips and kubectl apply never drop it. */
export const loose = (d?: string): Schema =>
  described({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, d);

/** Options of an object schema. */
export interface ObjOptions {
  d?: string;
  required?: string[];
  /** x-kubernetes-map-type: atomic (replaced as a whole by apply). */
  atomic?: boolean;
}

/** An object with typed properties. */
export function obj(properties: Record<string, Schema>, opts: ObjOptions = {}): Schema {
  const s: Schema = { type: 'object', properties };
  if (opts.required && opts.required.length > 0) s['required'] = opts.required;
  if (opts.atomic) s['x-kubernetes-map-type'] = 'atomic';
  return described(s, opts.d);
}

/**
 * A list merged by key: the patch-merge-key drives client-side strategic merge (kubectl apply),
 * the list-map-keys drive server-side apply.
 */
export function keyedList(items: Schema, keys: string[], d?: string, strategy = 'merge'): Schema {
  const s = arr(items, d);
  s['x-kubernetes-list-type'] = 'map';
  s['x-kubernetes-list-map-keys'] = keys;
  s['x-kubernetes-patch-merge-key'] = keys[0] ?? 'name';
  s['x-kubernetes-patch-strategy'] = strategy;
  return s;
}

/** Adds patch annotations to a schema (for fields whose Go tags differ from the usual pattern). */
export function patchMeta(s: Schema, strategy: string, mergeKey?: string): Schema {
  s['x-kubernetes-patch-strategy'] = strategy;
  if (mergeKey !== undefined) s['x-kubernetes-patch-merge-key'] = mergeKey;
  return s;
}

/** Conditions list, keyed by type as every built-in status declares it. */
export const conditions = (conditionDef: string, d = 'Current service state of the object.'): Schema =>
  keyedList(ref(conditionDef), ['type'], d);

/** Sets a schema's x-kubernetes-group-version-kind to one kind. */
export function withGvk(s: Schema, group: string, version: string, kind: string): Schema {
  s['x-kubernetes-group-version-kind'] = [gvk(group, version, kind)];
  return s;
}

/** A status condition with the usual five fields (plus kind-specific extras). */
export function simpleCondition(d: string, extra: Record<string, Schema> = {}): Schema {
  return obj(
    {
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      message: str('Human-readable message indicating details about last transition.'),
      reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: str('True, False or Unknown.'),
      type: str('Type of the condition.'),
      ...extra,
    },
    { d, required: ['type', 'status'] },
  );
}

/** core/v1 kinds with their List kinds, from [kind, description, fields] triples. */
export function coreKinds(defs: Array<[string, string, Record<string, Schema>]>): Defs {
  const out: Defs = {};
  for (const [kind, d, fields] of defs) {
    out[`${CORE}${kind}`] = kindDef('', 'v1', kind, d, fields);
    out[`${CORE}${kind}List`] = listDef('', 'v1', `${kind}List`, `${CORE}${kind}`, kind);
  }
  return out;
}

/** The x-kubernetes-group-version-kind value for one kind. */
export function gvk(group: string, version: string, kind: string): JsonObject {
  return { group, kind, version };
}

const API_VERSION_DESC =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.';
const KIND_DESC =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.';

/** apiVersion and kind properties every top-level kind has. */
export function typeMetaProps(): Record<string, Schema> {
  return { apiVersion: str(API_VERSION_DESC), kind: str(KIND_DESC) };
}

/** A top-level kind: apiVersion, kind, ObjectMeta metadata plus the given fields. */
export function kindDef(
  group: string,
  version: string,
  kind: string,
  d: string,
  fields: Record<string, Schema>,
  required: string[] = [],
): Schema {
  const s = obj(
    { ...typeMetaProps(), metadata: ref(`${META}ObjectMeta`, "Standard object's metadata."), ...fields },
    { d, required },
  );
  s['x-kubernetes-group-version-kind'] = [gvk(group, version, kind)];
  return s;
}

/** The <Kind>List definition for a kind. */
export function listDef(
  group: string,
  version: string,
  listKind: string,
  itemDef: string,
  itemKind: string,
): Schema {
  const s = obj(
    {
      ...typeMetaProps(),
      items: arr(ref(itemDef), `List of ${itemKind} objects.`),
      metadata: ref(`${META}ListMeta`, 'Standard list metadata.'),
    },
    { d: `${listKind} is a list of ${itemKind} objects.`, required: ['items'] },
  );
  s['x-kubernetes-group-version-kind'] = [gvk(group, version, listKind)];
  return s;
}

/** Keywords whose values are data, not sub-schemas. */
export const DATA_KEYWORDS: ReadonlySet<string> = new Set([
  '$ref',
  'enum',
  'default',
  'example',
  'required',
  'x-kubernetes-group-version-kind',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-validations',
]);

/** Every bare definition name a schema references, directly. */
export function refsOf(s: Json, out: Set<string>): void {
  if (Array.isArray(s)) {
    for (const x of s) refsOf(x, out);
    return;
  }
  if (s === null || typeof s !== 'object') return;
  const r = s['$ref'];
  if (typeof r === 'string' && !r.startsWith('#')) out.add(r);
  for (const [k, v] of Object.entries(s)) {
    // Property names are user words, so a field called "default" must still be walked.
    if (k === 'properties' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const p of Object.values(v)) refsOf(p, out);
      continue;
    }
    // Data-valued keywords hold user values, not schemas: never mistake a default's "$ref" for one.
    if (DATA_KEYWORDS.has(k)) continue;
    refsOf(v, out);
  }
}

/** The definitions reachable from the given roots (roots included), in sorted order. */
export function closure(roots: Iterable<string>, defs: (name: string) => Schema | undefined): string[] {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length > 0) {
    const name = todo.pop();
    if (name === undefined || seen.has(name)) continue;
    const s = defs(name);
    if (!s) continue;
    seen.add(name);
    const found = new Set<string>();
    refsOf(s, found);
    for (const f of found) if (!seen.has(f)) todo.push(f);
  }
  return [...seen].sort();
}
