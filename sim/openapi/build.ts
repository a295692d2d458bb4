/**
 * Assembles whole documents: the OpenAPI 3 document of one group-version and the Swagger 2.0
 * document of the whole server, from the served types plus the definitions they reach.
 */
import type { JsonObject } from '../k8s-types.js';
import { apiVersionOf, type ResourceType } from '../resource-types.js';
import { customResourceDefs } from './crd-schemas.js';
import {
  BUILTIN_DEFS,
  builtinTypeDefs,
  kindDefName,
  listDefName,
  subresourceDefName,
} from './definitions.js';
import { SHARED_KINDS, V2_OVERRIDES } from './meta-schemas.js';
import { discoveryPath, friendlyGroup, type DefNamer, type Op, type PathItem } from './paths.js';
import { PathRenderer, renderSchema, type Flavour } from './render.js';
import { typePaths } from './type-paths.js';
import { META, closure, type Defs, type Schema } from './schema-dsl.js';

/** A served type with, for custom resources, its version's openAPIV3Schema. */
export interface TypeInput {
  t: ResourceType;
  schema: JsonObject | undefined;
}

const NAMER: DefNamer = { kind: kindDefName, list: listDefName, subresource: subresourceDefName };
const ALWAYS = ['Status', 'DeleteOptions', 'WatchEvent', 'APIResourceList', 'Patch'].map(
  (k) => `${META}${k}`,
);
const SECURITY_SCHEME: JsonObject = {
  description: 'Bearer Token authentication',
  in: 'header',
  name: 'authorization',
  type: 'apiKey',
};

/** Rendered built-in definitions, shared by every document of that flavour. */
const renderedBuiltins: Record<Flavour, Map<string, JsonObject>> = { 2: new Map(), 3: new Map() };

function renderDef(name: string, def: Schema, f: Flavour, builtin: boolean): JsonObject {
  if (!builtin) return renderSchema(def, f);
  const cache = renderedBuiltins[f];
  let r = cache.get(name);
  if (!r) {
    r = renderSchema(f === 2 ? (V2_OVERRIDES[name] ?? def) : def, f);
    cache.set(name, r);
  }
  return r;
}

interface Collected {
  defs: Defs;
  paths: PathItem[];
  roots: string[];
}

function collect(inputs: TypeInput[]): Collected {
  const defs: Defs = {};
  const paths: PathItem[] = [];
  const roots = [...ALWAYS];
  for (const { t, schema } of inputs) {
    Object.assign(defs, t.custom ? customResourceDefs(t, schema) : builtinTypeDefs(t));
    roots.push(kindDefName(t), listDefName(t));
    for (const s of t.subresources) roots.push(subresourceDefName(t, s));
    paths.push(...typePaths(t, NAMER));
  }
  return { defs, paths, roots };
}

function definitions(c: Collected, f: Flavour, sharedGvks: JsonObject[]): JsonObject {
  const lookup = (n: string): Schema | undefined => c.defs[n] ?? BUILTIN_DEFS[n];
  const out: JsonObject = {};
  for (const name of closure(c.roots, lookup)) {
    const def = lookup(name);
    if (!def) continue;
    const kind = name.slice(META.length);
    if (name.startsWith(META) && SHARED_KINDS.includes(kind)) {
      // The apiserver lists every group-version these meta kinds are registered in.
      out[name] = {
        ...renderSchema(def, f),
        'x-kubernetes-group-version-kind': sharedGvks.map((g) => ({ ...g, kind })),
      };
      continue;
    }
    // Stand-ins and custom kinds are per document; genuine built-ins render once for all documents.
    const builtin =
      BUILTIN_DEFS[name] !== undefined && (c.defs[name] === undefined || c.defs[name] === BUILTIN_DEFS[name]);
    out[name] = renderDef(name, def, f, builtin);
  }
  return out;
}

/** {group, version} pairs for the shared meta kinds' GVK lists: core v1 plus the given ones, sorted. */
function groupVersions(gvs: Array<[string, string]>): JsonObject[] {
  const seen = new Map<string, [string, string]>([['/v1', ['', 'v1']]]);
  for (const [g, v] of gvs) seen.set(`${g}/${v}`, [g, v]);
  return [...seen.keys()].sort().flatMap((k) => {
    const gv = seen.get(k);
    return gv ? [{ group: gv[0], version: gv[1] }] : [];
  });
}

/** The OpenAPI 3.0 document of one group-version (what GET /openapi/v3/apis/<g>/<v> returns). */
export function buildV3GroupVersion(group: string, version: string, inputs: TypeInput[]): JsonObject {
  const c = collect(inputs);
  c.paths.unshift(discoveryPath(group, version));
  return {
    components: {
      schemas: definitions(c, 3, groupVersions([[group, version]])),
      securitySchemes: { BearerToken: SECURITY_SCHEME },
    },
    info: { title: 'Kubernetes', version: 'unversioned' },
    openapi: '3.0.0',
    paths: new PathRenderer(3).render(c.paths),
    security: [{ BearerToken: [] }],
  };
}

/** The Swagger 2.0 document of the whole server (GET /openapi/v2). */
export function buildV2(inputs: TypeInput[], gitVersion: string): JsonObject {
  const c = collect(inputs);
  const gvs = new Map<string, [string, string]>();
  for (const { t } of inputs) gvs.set(apiVersionOf(t), [t.group, t.version]);
  for (const [g, v] of gvs.values()) c.paths.push(discoveryPath(g, v));
  c.paths.push(...rootPaths([...new Set([...gvs.values()].map(([g]) => g))].filter((g) => g !== '')));
  c.roots.push(
    ...['APIGroup', 'APIGroupList', 'APIVersions'].map((k) => `${META}${k}`),
    'io.k8s.apimachinery.pkg.version.Info',
  );
  return {
    definitions: definitions(c, 2, groupVersions([...gvs.values()])),
    info: { title: 'Kubernetes', version: gitVersion },
    paths: new PathRenderer(2).render(c.paths),
    security: [{ BearerToken: [] }],
    securityDefinitions: { BearerToken: SECURITY_SCHEME },
    swagger: '2.0',
  };
}

/** /api/, /apis/, /apis/<group>/ and /version/, which only the v2 document carries. */
function rootPaths(groups: string[]): PathItem[] {
  const op = (operationId: string, description: string, tag: string, def: string): Op => ({
    method: 'get',
    operationId,
    description,
    action: '',
    gvk: undefined,
    tag,
    params: [],
    responses: [
      { code: '200', description: 'OK', def },
      { code: '401', description: 'Unauthorized' },
    ],
    produces: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
  });
  const one = (path: string, o: Op): PathItem => ({ path, params: [], ops: [o] });
  const out = [
    one('/api/', op('getCoreAPIVersions', 'get available API versions', 'core', `${META}APIVersions`)),
    one('/apis/', op('getAPIVersions', 'get available API versions', 'apis', `${META}APIGroupList`)),
    one('/version/', {
      ...op('getCodeVersion', 'get the code version', 'version', 'io.k8s.apimachinery.pkg.version.Info'),
      produces: ['application/json'],
    }),
  ];
  for (const g of groups) {
    const tag = friendlyGroup(g);
    out.push(
      one(
        `/apis/${g}/`,
        op(
          `get${tag}APIGroup`,
          'get information of a group',
          `${tag.charAt(0).toLowerCase()}${tag.slice(1)}`,
          `${META}APIGroup`,
        ),
      ),
    );
  }
  return out;
}
