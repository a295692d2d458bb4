import { createHash } from 'node:crypto';
import type { JsonObject } from './k8s-types.js';
import type { ResourceType } from './resource-types.js';
import type { TypeCatalog } from './type-catalog.js';

/** Content type kube-apiserver answers aggregated discovery with. */
export const AGGREGATED_DISCOVERY_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const AGGREGATED_DISCOVERY_V2BETA1 =
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** Which aggregated discovery version an Accept header asks for, if any (v2 preferred). */
export function wantsAggregatedDiscovery(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const p = part.replace(/\s+/g, '');
    if (!p.includes('as=APIGroupDiscoveryList') || !p.includes('g=apidiscovery.k8s.io')) continue;
    if (p.includes('v=v2beta1')) return 'v2beta1';
    if (p.includes('v=v2')) return 'v2';
  }
  return undefined;
}

/** The Content-Type for an aggregated discovery answer. */
export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return version === 'v2' ? AGGREGATED_DISCOVERY_V2 : AGGREGATED_DISCOVERY_V2BETA1;
}

/** storageVersionHash as kube-apiserver computes it: base64 of the first 8 bytes of sha256(group/version/kind). */
export function storageVersionHash(t: Pick<ResourceType, 'group' | 'version' | 'kind'>): string {
  return createHash('sha256')
    .update(`${t.group}/${t.version}/${t.kind}`)
    .digest()
    .subarray(0, 8)
    .toString('base64');
}

/** GET /api: APIVersions. */
export function apiVersions(serverAddress: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** GET /apis: APIGroupList. */
export function apiGroupList(catalog: TypeCatalog): JsonObject {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: catalog.groups().map((g) => apiGroup(catalog, g)),
  };
}

/** GET /apis/<group>: APIGroup, or undefined when the group is not served. */
export function apiGroup(catalog: TypeCatalog, group: string): JsonObject {
  const versions = catalog.versionsOf(group);
  const gv = (v: string) => ({ groupVersion: `${group}/${v}`, version: v });
  const out: JsonObject = { name: group, versions: versions.map(gv) };
  if (versions[0]) out['preferredVersion'] = gv(versions[0]);
  return out;
}

/** GET /api/v1 or /apis/<group>/<version>: APIResourceList. */
export function apiResourceList(
  catalog: TypeCatalog,
  group: string,
  version: string,
): JsonObject | undefined {
  const types = catalog.typesOf(group, version);
  if (types.length === 0) return undefined;
  const resources: JsonObject[] = [];
  for (const t of types) {
    const r: JsonObject = {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: [...t.verbs],
    };
    if (t.shortNames.length) r['shortNames'] = [...t.shortNames];
    if (t.categories.length) r['categories'] = [...t.categories];
    r['storageVersionHash'] = storageVersionHash(t);
    resources.push(r);
    for (const s of [...t.subresources].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const sr: JsonObject = {
        name: `${t.plural}/${s.name}`,
        singularName: '',
        namespaced: t.namespaced,
        kind: s.kind,
        verbs: [...s.verbs],
      };
      if (s.group !== undefined) sr['group'] = s.group;
      if (s.version !== undefined) sr['version'] = s.version;
      resources.push(sr);
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources,
  };
}

/** Aggregated discovery (apidiscovery.k8s.io) for /api (core) or /apis (named groups). */
export function aggregatedDiscovery(
  catalog: TypeCatalog,
  core: boolean,
  version: 'v2' | 'v2beta1',
): JsonObject {
  const groups = core ? [''] : catalog.groups();
  const items: JsonObject[] = groups.map((g) => ({
    metadata: g === '' ? { creationTimestamp: null } : { name: g, creationTimestamp: null },
    versions: catalog.versionsOf(g).map((v) => ({
      version: v,
      resources: catalog.typesOf(g, v).map(aggregatedResource),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

function aggregatedResource(t: ResourceType): JsonObject {
  const r: JsonObject = {
    resource: t.plural,
    responseKind: { group: '', version: '', kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: [...t.verbs],
  };
  if (t.shortNames.length) r['shortNames'] = [...t.shortNames];
  if (t.categories.length) r['categories'] = [...t.categories];
  if (t.subresources.length) {
    r['subresources'] = t.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? '', version: s.version ?? '', kind: s.kind },
      verbs: [...s.verbs],
    }));
  }
  return r;
}

/** GET /version for a cluster's Kubernetes version (e.g. v1.31.4+k3s1) and architecture. */
export function versionInfo(gitVersion: string, platform: string): JsonObject {
  const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '31',
    gitVersion,
    gitCommit: createHash('sha1').update(gitVersion).digest('hex'),
    gitTreeState: 'clean',
    buildDate: '2024-12-10T00:00:00Z',
    goVersion: 'go1.22.9',
    compiler: 'gc',
    platform,
  };
}
