/**
 * OpenAPI documents of a simulated cluster: /openapi/v2 (Swagger 2.0), the /openapi/v3 index
 * and one OpenAPI 3.0 document per served group-version, for exactly the types the catalogue
 * serves. Documents are big and a fleet serves many identical ones, so each is built once per
 * distinct type set and shared by every catalogue that serves that set.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../k8s-types.js';
import type { TypeCatalog } from '../type-catalog.js';
import { buildV2, buildV3GroupVersion, type TypeInput } from './build.js';

/** A built document with its serialisation and content hash (for ETags and the v3 index). */
export interface BuiltDocument {
  doc: JsonObject;
  json: string;
  /** Upper-case hex SHA-512 of json, as kube-apiserver computes its v3 hashes. */
  hash: string;
}

/** Content-addressed documents shared across catalogues; bounded so churned CRDs do not pile up. */
class SharedDocs {
  private readonly map = new Map<string, BuiltDocument>();
  constructor(private readonly max: number) {}

  get(key: string, build: () => JsonObject): BuiltDocument {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const doc = build();
    const json = JSON.stringify(doc);
    const built: BuiltDocument = {
      doc,
      json,
      hash: createHash('sha512').update(json).digest('hex').toUpperCase(),
    };
    this.map.set(key, built);
    // Evicted documents stay alive while a catalogue still references them; only sharing is lost.
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
    return built;
  }
}

const shared = new SharedDocs(256);

interface CatalogState {
  generation: number;
  /** "group/version" → content key of its document. */
  keys: Map<string, string>;
  inputs: Map<string, TypeInput[]>;
  docs: Map<string, BuiltDocument>;
  index: JsonObject | undefined;
  v2: BuiltDocument | undefined;
  v2GitVersion: string;
}

const states = new WeakMap<TypeCatalog, CatalogState>();

function state(catalog: TypeCatalog): CatalogState {
  const cached = states.get(catalog);
  if (cached && cached.generation === catalog.generation) return cached;
  const keys = new Map<string, string>();
  const inputs = new Map<string, TypeInput[]>();
  for (const [group, version] of servedGroupVersions(catalog)) {
    const list = catalog.typesOf(group, version).map((t) => ({ t, schema: catalog.customInfo(t)?.schema }));
    const parts = list.map(({ t, schema }) =>
      t.custom ? `c:${digest(JSON.stringify({ t, schema: schema ?? null }))}` : `b:${t.plural}`,
    );
    keys.set(`${group}/${version}`, `${group}/${version}|${parts.join(',')}`);
    inputs.set(`${group}/${version}`, list);
  }
  const s: CatalogState = {
    generation: catalog.generation,
    keys,
    inputs,
    docs: new Map(),
    index: undefined,
    v2: undefined,
    v2GitVersion: '',
  };
  states.set(catalog, s);
  return s;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

function servedGroupVersions(catalog: TypeCatalog): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (catalog.typesOf('', 'v1').length > 0) out.push(['', 'v1']);
  for (const g of catalog.groups()) for (const v of catalog.versionsOf(g)) out.push([g, v]);
  return out;
}

/** The built v3 document of one group-version, with its JSON and hash; undefined when not served. */
export function openApiV3GroupVersionDocument(
  catalog: TypeCatalog,
  group: string,
  version: string,
): BuiltDocument | undefined {
  const s = state(catalog);
  const gv = `${group}/${version}`;
  const key = s.keys.get(gv);
  const inputs = s.inputs.get(gv);
  if (key === undefined || inputs === undefined) return undefined;
  let built = s.docs.get(gv);
  if (!built) {
    built = shared.get(`v3|${key}`, () => buildV3GroupVersion(group, version, inputs));
    s.docs.set(gv, built);
  }
  return built;
}

/** GET /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>; undefined when not served. */
export function openApiV3GroupVersion(
  catalog: TypeCatalog,
  group: string,
  version: string,
): JsonObject | undefined {
  return openApiV3GroupVersionDocument(catalog, group, version)?.doc;
}

/** GET /openapi/v3: every served group-version with a content-hashed URL. */
export function openApiV3Index(catalog: TypeCatalog): JsonObject {
  const s = state(catalog);
  if (s.index) return s.index;
  const entries: Array<[string, string]> = [];
  for (const gv of s.keys.keys()) {
    const [group = '', version = ''] = gv.split('/');
    const built = openApiV3GroupVersionDocument(catalog, group, version);
    if (!built) continue;
    const path = group === '' ? `api/${version}` : `apis/${group}/${version}`;
    entries.push([path, built.hash]);
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const paths: JsonObject = {};
  for (const [path, hash] of entries) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  s.index = { paths };
  return s.index;
}

/** The built Swagger 2.0 document of the whole server, with its JSON and hash. */
export function openApiV2Document(catalog: TypeCatalog, info: { gitVersion: string }): BuiltDocument {
  const s = state(catalog);
  if (s.v2 && s.v2GitVersion === info.gitVersion) return s.v2;
  const all = [...s.inputs.values()].flat();
  const key = `v2|${info.gitVersion}|${digest([...s.keys.values()].join('\n'))}`;
  s.v2 = shared.get(key, () => buildV2(all, info.gitVersion));
  s.v2GitVersion = info.gitVersion;
  return s.v2;
}

/** GET /openapi/v2 as JSON (kubectl asks for protobuf first; see the package notes). */
export function openApiV2(catalog: TypeCatalog, info: { gitVersion: string }): JsonObject {
  return openApiV2Document(catalog, info).doc;
}
