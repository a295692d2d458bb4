/**
 * Renders neutral schemas and operations as Swagger 2.0 or OpenAPI 3.0 JSON, following the
 * shapes kube-apiserver publishes: v3 wraps a `$ref` that has siblings in allOf (what kubectl's
 * strategic-merge and explain code expect), v2 loses what Swagger cannot say (oneOf, nullable,
 * preserve-unknown-fields) the way the apiserver's CRD v2 conversion drops it.
 */
import type { Json, JsonObject } from '../k8s-types.js';
import type { Param } from './params.js';
import type { Op, PathItem, Response } from './paths.js';
import type { Schema } from './schema-dsl.js';

/** Which OpenAPI flavour to render. */
export type Flavour = 2 | 3;

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
const SUB_SCHEMAS = new Set(['items', 'additionalProperties', 'additionalItems', 'not']);
const SCHEMA_LISTS = new Set(['allOf', 'oneOf', 'anyOf']);
/** Keywords Swagger 2.0 has no room for (or that kubectl's v2 parser chokes on). */
const V2_DROPPED = new Set([
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  'nullable',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-validations',
]);

function refPrefix(f: Flavour): string {
  return f === 3 ? '#/components/schemas/' : '#/definitions/';
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Renders one definition (root = true keeps a CRD kind's apiVersion/kind/metadata in v2). */
export function renderSchema(s: Schema, f: Flavour, root = true): JsonObject {
  const out: JsonObject = {};
  let ref: string | undefined;
  const v2Opaque = f === 2 && (s['x-kubernetes-preserve-unknown-fields'] === true || s['nullable'] === true);
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref' && typeof v === 'string') {
      ref = v.startsWith('#') ? v : `${refPrefix(f)}${v}`;
      continue;
    }
    if (f === 2 && V2_DROPPED.has(k)) continue;
    // Like the apiserver's v2 conversion: kubectl rejects unknown fields under declared properties.
    if (v2Opaque && !root && (k === 'properties' || k === 'items')) continue;
    if (f === 2 && k === 'type' && s['nullable'] === true) continue;
    out[k] = renderChild(k, v, f);
  }
  if (f === 2 && out['type'] === 'array' && out['items'] === undefined) delete out['type'];
  if (f === 2 && s['x-kubernetes-int-or-string'] === true) delete out['type'];
  if (ref === undefined) return out;
  if (Object.keys(out).length === 0) return { $ref: ref };
  return f === 3 ? { allOf: [{ $ref: ref }], ...out } : { $ref: ref, ...out };
}

function renderChild(k: string, v: Json, f: Flavour): Json {
  if (SCHEMA_MAPS.has(k) && isObject(v)) {
    const m: JsonObject = {};
    for (const [name, sub] of Object.entries(v)) m[name] = isObject(sub) ? renderSchema(sub, f, false) : sub;
    return m;
  }
  if (SUB_SCHEMAS.has(k)) {
    if (isObject(v)) return renderSchema(v, f, false);
    if (Array.isArray(v)) return v.map((x) => (isObject(x) ? renderSchema(x, f, false) : x));
    return v;
  }
  if (SCHEMA_LISTS.has(k) && Array.isArray(v))
    return v.map((x) => (isObject(x) ? renderSchema(x, f, false) : x));
  return v;
}

/** Renders path items; rendered parameters and responses are shared between operations. */
export class PathRenderer {
  private readonly params = new Map<Param, JsonObject>();
  private readonly contents = new Map<string, JsonObject>();

  constructor(private readonly f: Flavour) {}

  /** The `paths` object, keys sorted as kube-apiserver serialises its map. */
  render(items: PathItem[]): JsonObject {
    const out: JsonObject = {};
    for (const it of [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      const p: JsonObject = {};
      for (const op of it.ops) p[op.method] = this.f === 3 ? this.opV3(op) : this.opV2(op);
      if (it.params.length > 0) p['parameters'] = it.params.map((x) => this.param(x));
      out[it.path] = p;
    }
    return out;
  }

  private param(p: Param): JsonObject {
    let r = this.params.get(p);
    if (!r) {
      r = { description: p.description, in: p.in, name: p.name };
      if (p.required) r['required'] = true;
      if (this.f === 3) r['schema'] = { type: p.type, uniqueItems: true };
      else Object.assign(r, { type: p.type, uniqueItems: true });
      this.params.set(p, r);
    }
    return r;
  }

  private ref(def: string): JsonObject {
    return { $ref: `${refPrefix(this.f)}${def}` };
  }

  private content(types: string[], schema: JsonObject, key: string): JsonObject {
    const k = `${types.join(',')}|${key}`;
    let c = this.contents.get(k);
    if (!c) {
      c = {};
      for (const t of [...types].sort()) c[t] = { schema };
      this.contents.set(k, c);
    }
    return c;
  }

  private responseSchema(r: Response): JsonObject | undefined {
    if (r.def !== undefined) return this.ref(r.def);
    return r.schema;
  }

  private opV3(op: Op): JsonObject {
    const o: JsonObject = { description: op.description, operationId: op.operationId };
    if (op.params.length > 0) o['parameters'] = op.params.map((x) => this.param(x));
    if (op.body) {
      const body: JsonObject = {
        content: this.content(op.body.contentTypes, this.ref(op.body.def), op.body.def),
      };
      if (op.body.required) body['required'] = true;
      o['requestBody'] = body;
    }
    const responses: JsonObject = {};
    for (const r of op.responses) {
      const schema = this.responseSchema(r);
      responses[r.code] = schema
        ? {
            content: this.content(op.produces, schema, r.def ?? JSON.stringify(schema)),
            description: r.description,
          }
        : { description: r.description };
    }
    o['responses'] = responses;
    o['tags'] = [op.tag];
    if (op.action !== '') o['x-kubernetes-action'] = op.action;
    if (op.gvk) o['x-kubernetes-group-version-kind'] = op.gvk;
    return o;
  }

  private opV2(op: Op): JsonObject {
    const params: Json[] = op.params.map((x) => this.param(x));
    if (op.body) {
      const b: JsonObject = { in: 'body', name: 'body', schema: this.ref(op.body.def) };
      if (op.body.required) b['required'] = true;
      params.unshift(b);
    }
    const o: JsonObject = {
      consumes: op.body ? op.body.contentTypes : ['*/*'],
      description: op.description,
      operationId: op.operationId,
    };
    if (params.length > 0) o['parameters'] = params;
    o['produces'] = op.produces;
    const responses: JsonObject = {};
    for (const r of op.responses) {
      const schema = this.responseSchema(r);
      responses[r.code] = schema ? { description: r.description, schema } : { description: r.description };
    }
    o['responses'] = responses;
    o['schemes'] = ['https'];
    o['tags'] = [op.tag];
    if (op.action !== '') o['x-kubernetes-action'] = op.action;
    if (op.gvk) o['x-kubernetes-group-version-kind'] = op.gvk;
    return o;
  }
}
