import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Json, JsonObject, KubeObject } from '../../sim/k8s-types.js';
import { isJsonObject } from '../../sim/k8s-types.js';
import {
  openApiV2,
  openApiV3GroupVersion,
  openApiV3GroupVersionDocument,
  openApiV3Index,
} from '../../sim/openapi/index.js';
import { apiVersionOf, type ResourceType } from '../../sim/resource-types.js';
import { TypeCatalog } from '../../sim/type-catalog.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const BUILTIN_PATCH = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

/** Narrows a JSON value to an object, failing the test when it is not one. */
function o(v: Json | undefined): JsonObject {
  if (!isJsonObject(v)) throw new Error(`expected an object, got ${JSON.stringify(v)?.slice(0, 200)}`);
  return v;
}

function arr(v: Json | undefined): Json[] {
  if (!Array.isArray(v)) throw new Error(`expected an array, got ${JSON.stringify(v)?.slice(0, 200)}`);
  return v;
}

/** The v3 document of an apiVersion string (v1 or group/version). */
function docOf(c: TypeCatalog, apiVersion: string): JsonObject {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return o(openApiV3GroupVersion(c, group ?? '', version ?? ''));
}

function schemas(doc: JsonObject): JsonObject {
  return o(o(doc['components'])['schemas']);
}

type OpEntry = { path: string; method: string; op: JsonObject; params: JsonObject[] };

/** Every operation of a document with its path and path-level parameters merged in. */
function operations(doc: JsonObject): OpEntry[] {
  const out: OpEntry[] = [];
  for (const [path, item] of Object.entries(o(doc['paths']))) {
    const pathParams = Array.isArray(o(item)['parameters']) ? arr(o(item)['parameters']).map(o) : [];
    for (const m of METHODS) {
      const op = o(item)[m];
      if (op === undefined) continue;
      const own = Array.isArray(o(op)['parameters']) ? arr(o(op)['parameters']).map(o) : [];
      out.push({ path, method: m, op: o(op), params: [...pathParams, ...own] });
    }
  }
  return out;
}

function gvkOf(t: Pick<ResourceType, 'group' | 'version'>, kind: string): JsonObject {
  return { group: t.group, kind, version: t.version };
}

/** Key-order-independent identity of a GVK object. */
const gvkKey = (x: Json | undefined): string =>
  isJsonObject(x) ? `${x['group']}/${x['version']}/${x['kind']}` : '';

function hasGvk(s: JsonObject, g: JsonObject): boolean {
  const list = s['x-kubernetes-group-version-kind'];
  return Array.isArray(list) && list.some((x) => gvkKey(x) === gvkKey(g));
}

/** Calls f on every object inside v, with its JSON path. */
function eachObject(v: Json, f: (x: JsonObject, at: string) => void, at = ''): void {
  if (Array.isArray(v)) v.forEach((x, i) => eachObject(x, f, `${at}[${i}]`));
  else if (isJsonObject(v)) {
    f(v, at);
    for (const [k, x] of Object.entries(v)) eachObject(x, f, `${at}.${k}`);
  }
}

/** Every "$ref" string anywhere in a value. */
function refs(v: Json): string[] {
  const out: string[] = [];
  eachObject(v, (x) => typeof x['$ref'] === 'string' && out.push(x['$ref']));
  return out;
}

/** Resolves a v3 property the way kubectl's PatchMetaFromOpenAPIV3 does: allOf[0], then $ref. */
function resolveV3(doc: JsonObject, s: JsonObject): JsonObject {
  let cur = s;
  const allOf = cur['allOf'];
  if (Array.isArray(allOf) && allOf.length > 0) cur = o(allOf[0]);
  const r = cur['$ref'];
  if (typeof r === 'string') cur = o(schemas(doc)[r.replace('#/components/schemas/', '')]);
  return cur;
}

/** Follows properties from a schema, resolving each step as kubectl does. */
function prop(doc: JsonObject, s: JsonObject, ...names: string[]): JsonObject {
  let cur = s;
  for (const n of names) cur = o(o(resolveV3(doc, cur)['properties'])[n]);
  return cur;
}

const CRD = parseYaml(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, listKind: CronTabList}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}, scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {cronSpec: {type: string}, replicas: {type: integer}}}
          status: {type: object, properties: {replicas: {type: integer}}}
`) as KubeObject;

describe('openapi v3 index', () => {
  it('lists every served group-version with a content hash of its document', () => {
    const c = new TypeCatalog();
    const index = openApiV3Index(c);
    const paths = o(JSON.parse(JSON.stringify(index))['paths']);
    expect(Object.keys(paths)).toEqual([
      'api/v1',
      'apis/apiextensions.k8s.io/v1',
      'apis/apps/v1',
      'apis/coordination.k8s.io/v1',
    ]);
    for (const [path, entry] of Object.entries(paths)) {
      const url = String(o(entry)['serverRelativeURL']);
      const m = /^\/openapi\/v3\/(.+)\?hash=([0-9A-F]{128})$/.exec(url);
      expect(m?.[1]).toBe(path);
      const [group, version] = path === 'api/v1' ? ['', 'v1'] : path.split('/').slice(1);
      const doc = openApiV3GroupVersion(c, group ?? '', version ?? '');
      const expected = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
      expect(m?.[2]).toBe(expected);
    }
  });

  it('adds a CRD group and changes only that group hash; a schema change changes it again', () => {
    const c = new TypeCatalog();
    const before = o(openApiV3Index(c)['paths']);
    c.registerCrd(CRD);
    const after = o(openApiV3Index(c)['paths']);
    const url = String(o(after['apis/stable.example.com/v1'])['serverRelativeURL']);
    expect(url).toMatch(/^\/openapi\/v3\/apis\/stable\.example\.com\/v1\?hash=[0-9A-F]{128}$/);
    expect(after['api/v1']).toEqual(before['api/v1']);
    expect(after['apis/apps/v1']).toEqual(before['apis/apps/v1']);

    const changed = structuredClone(CRD);
    const v = o(arr(o(changed['spec'] as Json)['versions'])[0]);
    o(o(o(o(v['schema'])['openAPIV3Schema'])['properties'])['spec'])['description'] = 'changed';
    c.registerCrd(changed);
    const again = o(openApiV3Index(c)['paths']);
    expect(String(o(again['apis/stable.example.com/v1'])['serverRelativeURL'])).not.toBe(url);

    c.unregisterCrd('crontabs.stable.example.com');
    expect(Object.keys(o(openApiV3Index(c)['paths']))).not.toContain('apis/stable.example.com/v1');
    expect(openApiV3GroupVersion(c, 'stable.example.com', 'v1')).toBeUndefined();
  });
});

describe('openapi v3 group-version documents', () => {
  const c = new TypeCatalog();
  c.registerCrd(CRD);
  const gvs = [...new Set(c.all().map((t) => apiVersionOf(t)))];

  it('are OpenAPI 3.0 documents whose $refs all resolve', () => {
    for (const gv of gvs) {
      const doc = docOf(c, gv);
      expect(doc['openapi']).toBe('3.0.0');
      expect(o(doc['info'])['title']).toBe('Kubernetes');
      const names = Object.keys(schemas(doc));
      for (const r of refs(doc)) {
        expect(r.startsWith('#/components/schemas/'), r).toBe(true);
        expect(names, `${gv}: ${r}`).toContain(r.slice('#/components/schemas/'.length));
      }
    }
    expect(openApiV3GroupVersion(c, 'apps', 'v2')).toBeUndefined();
    expect(openApiV3GroupVersion(c, 'nope.example.com', 'v1')).toBeUndefined();
  });

  it('has a schema with the GVK of every served kind and list kind', () => {
    for (const t of c.all()) {
      const all = Object.values(schemas(docOf(c, apiVersionOf(t)))).map(o);
      for (const k of [t.kind, t.listKind])
        expect(
          all.some((s) => hasGvk(s, gvkOf(t, k))),
          k,
        ).toBe(true);
    }
  });

  it('lists fieldValidation, dryRun, fieldManager and force plus the patch content types on every PATCH', () => {
    let patches = 0;
    for (const gv of gvs) {
      for (const { path, method, op, params } of operations(docOf(c, gv))) {
        const names = params.filter((p) => p['in'] === 'query').map((p) => p['name']);
        if (method === 'post' || method === 'put')
          expect(names, `${method} ${path}`).toContain('fieldValidation');
        if (method !== 'patch') continue;
        patches++;
        expect(names, path).toEqual(
          expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager', 'force']),
        );
        expect(op['x-kubernetes-action']).toBe('patch');
        expect(isJsonObject(op['x-kubernetes-group-version-kind'])).toBe(true);
        const types = Object.keys(o(o(op['requestBody'])['content'])).sort();
        const custom = gv.startsWith('stable.example.com/');
        expect(types).toEqual(BUILTIN_PATCH.filter((x) => !custom || !x.includes('strategic')));
      }
    }
    expect(patches).toBeGreaterThan(20);
  });

  it('lets kubectl find fieldValidation and strategic merge support by GVK for every served kind', () => {
    for (const t of c.all()) {
      const doc = docOf(c, apiVersionOf(t));
      const want = gvkKey(gvkOf(t, t.kind));
      const matching = operations(doc).filter(
        ({ method, op }) => method === 'patch' && gvkKey(op['x-kubernetes-group-version-kind']) === want,
      );
      expect(matching.length, t.kind).toBeGreaterThan(0);
      // kubectl iterates paths in random order and trusts the first match, so all must agree.
      for (const { params, op } of matching) {
        expect(params.some((p) => p['name'] === 'fieldValidation' && p['in'] === 'query')).toBe(true);
        expect(
          Object.keys(o(o(op['requestBody'])['content'])).includes('application/strategic-merge-patch+json'),
        ).toBe(!t.custom);
      }
    }
  });

  it('publishes collection, item, subresource and watch paths with unique operation IDs and actions', () => {
    const doc = docOf(c, 'apps/v1');
    const ops = operations(doc);
    const ids = ops.map(({ op }) => op['operationId']);
    expect(new Set(ids).size).toBe(ids.length);
    const at = (path: string, method: string): JsonObject => o(o(o(doc['paths'])[path])[method]);
    const deps = '/apis/apps/v1/namespaces/{namespace}/deployments';
    expect(at(deps, 'get')['operationId']).toBe('listAppsV1NamespacedDeployment');
    expect(at(deps, 'post')['x-kubernetes-action']).toBe('post');
    expect(at(deps, 'delete')['x-kubernetes-action']).toBe('deletecollection');
    expect(at('/apis/apps/v1/deployments', 'get')['operationId']).toBe(
      'listAppsV1DeploymentForAllNamespaces',
    );
    const scale = at(`${deps}/{name}/scale`, 'patch');
    expect(scale['x-kubernetes-group-version-kind']).toEqual({
      group: 'autoscaling',
      kind: 'Scale',
      version: 'v1',
    });
    expect(at(`${deps}/{name}/status`, 'put')['operationId']).toBe('replaceAppsV1NamespacedDeploymentStatus');
    expect(
      at('/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}', 'get')['x-kubernetes-action'],
    ).toBe('watch');
    expect(at('/apis/apps/v1/watch/deployments', 'get')['x-kubernetes-action']).toBe('watchlist');
    const paramsOf = (id: string): Json[] =>
      ops.find(({ op }) => op['operationId'] === id)?.params.map((x) => x['name']) ?? [];
    const listing = ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'watch'];
    expect(paramsOf('listAppsV1DeploymentForAllNamespaces')).toEqual(
      expect.arrayContaining([
        ...listing,
        'resourceVersionMatch',
        'sendInitialEvents',
        'timeoutSeconds',
        'pretty',
      ]),
    );
    expect(paramsOf('listAppsV1NamespacedDeployment')).toEqual(
      expect.arrayContaining([...listing, 'namespace']),
    );
    const deleting = ['propagationPolicy', 'gracePeriodSeconds', 'orphanDependents', 'dryRun', 'name'];
    expect(paramsOf('deleteAppsV1NamespacedDeployment')).toEqual(expect.arrayContaining(deleting));
    const core = o(docOf(c, 'v1')['paths']);
    expect(core['/api/v1/nodes/{name}']).toBeDefined();
    expect(core['/api/v1/namespaces/{namespace}/nodes']).toBeUndefined();
    // Namespaces have no deletecollection verb, so no DELETE on the collection.
    expect(o(core['/api/v1/namespaces'])['delete']).toBeUndefined();
    const eviction = o(o(core['/api/v1/namespaces/{namespace}/pods/{name}/eviction'])['post']);
    expect(eviction['x-kubernetes-group-version-kind']).toEqual({
      group: 'policy',
      kind: 'Eviction',
      version: 'v1',
    });
  });

  it('carries strategic-merge metadata where kubectl apply looks for it', () => {
    const doc = docOf(c, 'apps/v1');
    const gvk = { group: 'apps', kind: 'Deployment', version: 'v1' };
    const deployment = o(Object.values(schemas(doc)).find((s) => hasGvk(o(s), gvk)));
    expect(prop(doc, deployment, 'spec', 'replicas')['type']).toBe('integer');
    const strategy = prop(doc, deployment, 'spec', 'strategy');
    expect(strategy['x-kubernetes-patch-strategy']).toBe('retainKeys');
    expect(arr(strategy['allOf']).length).toBe(1);
    const containers = prop(doc, deployment, 'spec', 'template', 'spec', 'containers');
    expect(containers['x-kubernetes-patch-merge-key']).toBe('name');
    expect(containers['x-kubernetes-patch-strategy']).toBe('merge');
    expect(containers['x-kubernetes-list-map-keys']).toEqual(['name']);
    const container = o(containers['items']);
    expect(prop(doc, container, 'ports')['x-kubernetes-list-map-keys']).toEqual([
      'containerPort',
      'protocol',
    ]);
    expect(prop(doc, container, 'env')['x-kubernetes-patch-merge-key']).toBe('name');
    const volumes = prop(doc, deployment, 'spec', 'template', 'spec', 'volumes');
    expect(volumes['x-kubernetes-patch-strategy']).toBe('merge,retainKeys');
    const quantity = o(schemas(doc)['io.k8s.apimachinery.pkg.api.resource.Quantity']);
    expect(quantity['oneOf']).toEqual([{ type: 'string' }, { type: 'number' }]);
  });

  it('serves a CRD version schema with metadata as ObjectMeta and the scale subresource', () => {
    const doc = docOf(c, 'stable.example.com/v1');
    const s = o(schemas(doc)['com.example.stable.v1.CronTab']);
    expect(s['x-kubernetes-group-version-kind']).toEqual([
      { group: 'stable.example.com', kind: 'CronTab', version: 'v1' },
    ]);
    const props = o(s['properties']);
    expect(o(o(o(props['spec'])['properties'])['cronSpec'])['type']).toBe('string');
    expect(refs(props['metadata'] ?? null)).toEqual([
      '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    ]);
    expect(o(props['apiVersion'])['type']).toBe('string');
    const listGvk = { group: 'stable.example.com', kind: 'CronTabList', version: 'v1' };
    expect(hasGvk(o(schemas(doc)['com.example.stable.v1.CronTabList']), listGvk)).toBe(true);
    const crontabs = '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs';
    expect(o(doc['paths'])[`${crontabs}/{name}/scale`]).toBeDefined();
    expect(schemas(doc)['io.k8s.api.autoscaling.v1.Scale']).toBeDefined();
  });

  it('gives a schema-less CRD a preserve-unknown-fields kind', () => {
    const cat = new TypeCatalog();
    const bare = structuredClone(CRD);
    const v = o(arr(o(bare['spec'] as Json)['versions'])[0]);
    delete v['schema'];
    cat.registerCrd(bare);
    const s = o(schemas(docOf(cat, 'stable.example.com/v1'))['com.example.stable.v1.CronTab']);
    expect(s['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(o(s['properties'])['metadata']).toBeDefined();
  });

  it('shares one built document between catalogues serving the same types', () => {
    const a = new TypeCatalog();
    const b = new TypeCatalog();
    const coreA = openApiV3GroupVersionDocument(a, '', 'v1');
    expect(openApiV3GroupVersionDocument(b, '', 'v1')).toBe(coreA);
    a.registerCrd(CRD);
    b.registerCrd(CRD);
    expect(openApiV3GroupVersion(a, 'stable.example.com', 'v1')).toBe(
      openApiV3GroupVersion(b, 'stable.example.com', 'v1'),
    );
    expect(openApiV3GroupVersionDocument(a, '', 'v1')).toBe(coreA);
    expect(coreA?.json).toBe(JSON.stringify(coreA?.doc));
  });
});

describe('openapi v2', () => {
  const c = new TypeCatalog();
  c.registerCrd(CRD);
  const doc = openApiV2(c, { gitVersion: 'v1.31.0' });
  const defs = o(doc['definitions']);

  it('is a Swagger 2.0 document whose $refs resolve to definitions', () => {
    expect(doc['swagger']).toBe('2.0');
    expect(o(doc['info'])['version']).toBe('v1.31.0');
    for (const r of refs(doc)) {
      expect(r.startsWith('#/definitions/'), r).toBe(true);
      expect(defs[r.slice('#/definitions/'.length)], r).toBeDefined();
    }
    // As keywords they hold arrays; JSONSchemaProps has properties of the same names, holding schemas.
    const keywords: string[] = [];
    eachObject(doc, (x, at) =>
      ['oneOf', 'anyOf', 'allOf'].forEach((k) => Array.isArray(x[k]) && keywords.push(`${at}.${k}`)),
    );
    expect(keywords).toEqual([]);
    expect(o(defs['io.k8s.apimachinery.pkg.api.resource.Quantity'])['type']).toBe('string');
  });

  it('marks PodSpec.containers with patch merge key name', () => {
    const containers = o(o(o(defs['io.k8s.api.core.v1.PodSpec'])['properties'])['containers']);
    expect(containers['x-kubernetes-patch-merge-key']).toBe('name');
    expect(containers['x-kubernetes-patch-strategy']).toBe('merge');
    expect(o(containers['items'])['$ref']).toBe('#/definitions/io.k8s.api.core.v1.Container');
  });

  it('has every served kind and path, with patch consumes and GVK extensions', () => {
    for (const t of c.all())
      expect(
        Object.values(defs).some((s) => hasGvk(o(s), gvkOf(t, t.kind))),
        t.kind,
      ).toBe(true);
    const paths = o(doc['paths']);
    const patch = o(o(paths['/api/v1/namespaces/{namespace}/pods/{name}'])['patch']);
    // Swagger keeps kube-apiserver's order: json-patch, merge-patch, strategic-merge-patch, apply-patch.
    expect(patch['consumes']).toEqual([1, 2, 3, 0].map((i) => BUILTIN_PATCH[i]));
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: '', kind: 'Pod', version: 'v1' });
    expect(arr(patch['parameters']).map((p) => o(p)['name'])).toEqual(
      expect.arrayContaining(['body', 'fieldValidation', 'force']),
    );
    const crPatch = o(
      o(paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'])['patch'],
    );
    expect(crPatch['consumes']).not.toContain('application/strategic-merge-patch+json');
    expect(paths['/apis/apps/']).toBeDefined();
    expect(paths['/version/']).toBeDefined();
  });
});
