/**
 * The neutral model of REST paths and operations that the v2 and v3 renderers both read, and
 * the naming conventions kube-apiserver uses for them (operation IDs, tags, URL prefixes).
 */
import type { JsonObject } from '../k8s-types.js';
import type { ResourceType, SubresourceType } from '../resource-types.js';
import type { Param } from './params.js';
import type { Schema } from './schema-dsl.js';

/** HTTP methods an operation can have. */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One response of an operation: a definition reference, an inline schema, or no body. */
export interface Response {
  code: string;
  description: string;
  def?: string;
  schema?: Schema;
}

/** One operation in neutral form. */
export interface Op {
  method: Method;
  operationId: string;
  description: string;
  action: string;
  gvk: JsonObject | undefined;
  tag: string;
  params: Param[];
  body?: { def: string; required: boolean; contentTypes: string[] };
  responses: Response[];
  produces: string[];
}

/** A path with its operations; params shared by every operation are hoisted here. */
export interface PathItem {
  path: string;
  params: Param[];
  ops: Op[];
}

/** Patch bodies kube-apiserver accepts for built-in kinds (kubectl picks strategic merge from this list). */
export const BUILTIN_PATCH_TYPES: readonly string[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];
/** Patch bodies accepted for custom resources: no strategic merge, as they have no Go struct tags. */
export const CUSTOM_PATCH_TYPES: readonly string[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

/** Response media types of built-in kinds. */
export const BUILTIN_PRODUCES = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
];
/** Response media types of built-in list and watch operations. */
export const BUILTIN_STREAM = [
  ...BUILTIN_PRODUCES,
  'application/json;stream=watch',
  'application/vnd.kubernetes.protobuf;stream=watch',
];
/** Response media types of custom resources (no protobuf). */
export const CUSTOM_PRODUCES = ['application/json', 'application/yaml'];
/** Response media types of custom resource list and watch operations. */
export const CUSTOM_STREAM = [...CUSTOM_PRODUCES, 'application/json;stream=watch'];
/** The 401 response every operation lists. */
export const UNAUTHORIZED: Response = { code: '401', description: 'Unauthorized' };

/** Status returned by DELETE of an item, or the deleted object for kinds whose registry returns it. */
export const RETURNS_DELETED_OBJECT = new Set([
  'Pod',
  'Namespace',
  'Service',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
]);

/** The CamelCase group name used in operation IDs: "" → Core, coordination.k8s.io → Coordination. */
export function friendlyGroup(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split(/[.-]/)
    .filter((p) => p !== '')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** The operation tag: core_v1, apps_v1, stableExampleCom_v1. */
export function tagOf(group: string, version: string): string {
  const g = friendlyGroup(group);
  return `${g.charAt(0).toLowerCase()}${g.slice(1)}_${version}`;
}

/** URL prefix of a group-version: /api/v1 or /apis/<group>/<version>. */
export function prefixOf(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** What a path builder needs to name definitions. */
export interface DefNamer {
  kind(t: ResourceType): string;
  list(t: ResourceType): string;
  /** Definition of a subresource's body kind (Scale, Binding, Eviction). */
  subresource(t: ResourceType, s: SubresourceType): string;
}

/** GET /api/v1/ or /apis/<g>/<v>/: the group-version's APIResourceList. */
export function discoveryPath(group: string, version: string): PathItem {
  const id = `get${friendlyGroup(group)}${version.charAt(0).toUpperCase()}${version.slice(1)}APIResources`;
  const op: Op = {
    method: 'get',
    operationId: id,
    description: 'get available resources',
    action: '',
    gvk: undefined,
    tag: tagOf(group, version),
    params: [],
    responses: [
      { code: '200', description: 'OK', def: 'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList' },
      UNAUTHORIZED,
    ],
    produces: BUILTIN_PRODUCES,
  };
  return { path: `${prefixOf(group, version)}/`, params: [], ops: [op] };
}

/** English indefinite article for a kind name, as operation descriptions use. */
export function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}

/** Builds a path item, hoisting parameters every operation shares (sorted, as kube-openapi does). */
export function item(path: string, common: Param[], ops: Op[]): PathItem {
  if (ops.length !== 1) return { path, params: sortParams(common), ops };
  // A lone operation's parameters all move to the path, as in the upstream documents.
  const [op] = ops;
  if (!op) return { path, params: sortParams(common), ops };
  return { path, params: sortParams([...common, ...op.params]), ops: [{ ...op, params: [] }] };
}

function sortParams(ps: Param[]): Param[] {
  const byName = new Map<string, Param>();
  for (const p of ps) byName.set(p.name, p);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
