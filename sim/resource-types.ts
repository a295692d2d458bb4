/**
 * The catalogue of resource types a simulated cluster serves: names, scope, verbs and
 * subresources as discovery advertises them, plus the per-kind facts the API server needs
 * (which field selectors are supported). Custom resources are added at run time from CRDs.
 */

/** Verbs as discovery lists them. */
export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

/** A subresource a type serves. */
export interface SubresourceType {
  name: 'status' | 'scale' | 'log' | 'binding' | 'eviction' | 'finalize';
  /** Kind returned by the subresource (Scale for /scale). */
  kind: string;
  group?: string;
  version?: string;
  verbs: Verb[];
}

/** One served resource type at one group/version. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Plural resource name, e.g. deployments. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  subresources: SubresourceType[];
  /**
   * Extra field paths accepted in fieldSelector: a CRD version's selectableFields. Built-in
   * kinds' field labels live in kinds/field-labels.ts, as kube-apiserver defines them per kind.
   */
  fieldSelectors: string[];
  /** True for types defined by a CustomResourceDefinition. */
  custom: boolean;
}

/** apiVersion string for a type: v1 or group/version. */
export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

/** Storage key shared by every version of a resource: group/plural. */
export function storageKey(t: { group: string; plural: string }): string {
  return `${t.group}/${t.plural}`;
}

const ALL: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS: Verb[] = ['get', 'patch', 'update'];

function rt(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  opts: Partial<
    Pick<ResourceType, 'shortNames' | 'categories' | 'verbs' | 'subresources' | 'fieldSelectors'>
  > = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: opts.shortNames ?? [],
    categories: opts.categories ?? [],
    verbs: opts.verbs ?? ALL,
    subresources: opts.subresources ?? [],
    fieldSelectors: opts.fieldSelectors ?? [],
    custom: false,
  };
}

const status = (kind: string): SubresourceType => ({ name: 'status', kind, verbs: STATUS_VERBS });
const scale: SubresourceType = {
  name: 'scale',
  kind: 'Scale',
  group: 'autoscaling',
  version: 'v1',
  verbs: STATUS_VERBS,
};

/** Built-in types every simulated cluster serves. */
export const BUILTIN_TYPES: readonly ResourceType[] = [
  rt('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  rt('', 'v1', 'Event', 'events', true, {
    shortNames: ['ev'],
  }),
  rt('', 'v1', 'Namespace', 'namespaces', false, {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [status('Namespace'), { name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
  }),
  rt('', 'v1', 'Node', 'nodes', false, {
    shortNames: ['no'],
    subresources: [status('Node')],
  }),
  rt('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, {
    shortNames: ['pvc'],
    subresources: [status('PersistentVolumeClaim')],
  }),
  rt('', 'v1', 'Pod', 'pods', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      status('Pod'),
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    ],
  }),
  rt('', 'v1', 'Secret', 'secrets', true),
  rt('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  rt('', 'v1', 'Service', 'services', true, {
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [status('Service')],
  }),
  rt('apps', 'v1', 'DaemonSet', 'daemonsets', true, {
    shortNames: ['ds'],
    categories: ['all'],
    subresources: [status('DaemonSet')],
  }),
  rt('apps', 'v1', 'Deployment', 'deployments', true, {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [scale, status('Deployment')],
  }),
  rt('apps', 'v1', 'ReplicaSet', 'replicasets', true, {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: [scale, status('ReplicaSet')],
  }),
  rt('apps', 'v1', 'StatefulSet', 'statefulsets', true, {
    shortNames: ['sts'],
    categories: ['all'],
    subresources: [scale, status('StatefulSet')],
  }),
  rt('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  rt('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: [status('CustomResourceDefinition')],
  }),
];

/** Groups in the order /apis lists them (core group first is implicit under /api). */
export const BUILTIN_GROUP_ORDER: readonly string[] = ['apiextensions.k8s.io', 'apps', 'coordination.k8s.io'];
