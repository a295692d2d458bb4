/**
 * Patch metadata of the built-in types: for every list, how strategic merge patch merges it
 * (patchStrategy/patchMergeKey struct tags) and how server-side apply keys it (+listType,
 * +listMapKey); for objects, whether they are atomic (+structType/+mapType=atomic) and whether
 * their keys are free-form map entries. The tables follow k8s.io/api's Go markers; anything not
 * listed is what Kubernetes assumes for an unannotated field: lists atomic, objects granular.
 */
import type { Json, JsonObject } from '../k8s-types.js';
import { isObj } from './util.js';

/** Server-side apply list semantics (x-kubernetes-list-type). */
export type ListType = 'atomic' | 'set' | 'map';

/** Declarative description of one schema node; the tables below and CRD schemas produce these. */
export interface MetaSpec {
  /** Declared fields of an object. */
  fields?: Record<string, MetaSpec>;
  /** Element of a list, or value of a map whose keys are entries. */
  elem?: MetaSpec;
  /** SSA list type; omitted means atomic. */
  list?: ListType;
  /** SSA list-map keys (x-kubernetes-list-map-keys). */
  keys?: string[];
  /** Schema defaults of key fields, used when an element omits them (e.g. protocol: TCP). */
  keyDefaults?: Record<string, Json>;
  /** SMP patchStrategy for lists and maps: merge lists by key / as sets, or replace whole. */
  smp?: 'merge' | 'replace';
  /** SMP patchMergeKey. */
  mergeKey?: string;
  /** SMP retainKeys strategy (clients send $retainKeys for these). */
  retainKeys?: boolean;
  /** The object is replaced as a unit by SSA (+structType=atomic / +mapType=atomic). */
  atomic?: boolean;
  /** Keys are map entries (map[string]X) rather than declared fields. */
  entries?: boolean;
}

/** A node of the patch-metadata schema walker. */
export interface PatchMeta {
  /** Metadata of a child field of this object. */
  field(name: string): PatchMeta;
  /** Metadata of this list's elements (or this map's values). */
  elem(): PatchMeta;
  /** Fields this node declares, for generators that want to walk the table. */
  declaredFields(): readonly string[];
  /** SSA list type; 'atomic' for any list nobody annotated. */
  readonly listType: ListType;
  /** SSA list-map keys (empty unless listType is 'map'). */
  readonly listMapKeys: readonly string[];
  /** Defaults for list-map key fields. */
  readonly keyDefaults: Readonly<Record<string, Json>>;
  /**
   * SMP patchStrategy tag: 'merge' merges lists by patchMergeKey (or as sets of primitives),
   * 'replace' replaces; '' (no tag) replaces lists but merges maps.
   */
  readonly patchStrategy: '' | 'merge' | 'replace';
  /** SMP merge key of a list of objects. */
  readonly patchMergeKey: string | undefined;
  /** SMP retainKeys strategy. */
  readonly retainKeys: boolean;
  /** SSA treats this object as a single value. */
  readonly atomic: boolean;
  /** Keys of this object are map entries, not declared fields. */
  readonly mapEntries: boolean;
}

class SpecMeta implements PatchMeta {
  readonly listType: ListType;
  readonly listMapKeys: readonly string[];
  readonly keyDefaults: Readonly<Record<string, Json>>;
  readonly patchStrategy: '' | 'merge' | 'replace';
  readonly patchMergeKey: string | undefined;
  readonly retainKeys: boolean;
  readonly atomic: boolean;
  readonly mapEntries: boolean;
  private readonly children = new Map<string, PatchMeta>();
  private elemMeta: PatchMeta | undefined;

  constructor(private readonly spec: MetaSpec) {
    this.listType = spec.list ?? 'atomic';
    this.listMapKeys = spec.list === 'map' ? (spec.keys ?? (spec.mergeKey ? [spec.mergeKey] : [])) : [];
    this.keyDefaults = spec.keyDefaults ?? {};
    this.patchStrategy = spec.smp ?? '';
    this.patchMergeKey = spec.mergeKey;
    this.retainKeys = spec.retainKeys ?? false;
    this.atomic = spec.atomic ?? false;
    this.mapEntries = spec.entries ?? false;
  }

  field(name: string): PatchMeta {
    if (this.spec.entries) return this.elem();
    // Nothing declared: every field is unknown (no need to look it up or remember it).
    if (this.spec.fields === undefined) return UNKNOWN;
    let m = this.children.get(name);
    if (!m) {
      const s = this.spec.fields?.[name];
      m = s ? new SpecMeta(s) : UNKNOWN;
      this.children.set(name, m);
    }
    return m;
  }

  elem(): PatchMeta {
    if (!this.elemMeta) {
      // A free-form map without an element schema is "deduced": its values are free-form too.
      this.elemMeta = this.spec.elem ? new SpecMeta(this.spec.elem) : this.spec.entries ? this : UNKNOWN;
    }
    return this.elemMeta;
  }

  declaredFields(): readonly string[] {
    return Object.keys(this.spec.fields ?? {});
  }
}

const UNKNOWN: PatchMeta = new SpecMeta({});

const MAP: MetaSpec = { entries: true };
const ATOMIC: MetaSpec = { atomic: true };
const ATOMIC_LIST: MetaSpec = { list: 'atomic' };
const keyed = (key: string, extra: MetaSpec = {}): MetaSpec => ({
  list: 'map',
  keys: [key],
  smp: 'merge',
  mergeKey: key,
  ...extra,
});
const CONDITIONS = keyed('type');

/** metav1.ObjectMeta */
export const OBJECT_META: MetaSpec = {
  fields: {
    labels: MAP,
    annotations: MAP,
    finalizers: { list: 'set', smp: 'merge' },
    ownerReferences: keyed('uid'),
    managedFields: ATOMIC_LIST,
  },
};

const CONTAINER: MetaSpec = {
  fields: {
    ports: keyed('containerPort', { keys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } }),
    env: keyed('name', {
      elem: {
        fields: {
          valueFrom: {
            fields: {
              fieldRef: ATOMIC,
              resourceFieldRef: ATOMIC,
              configMapKeyRef: ATOMIC,
              secretKeyRef: ATOMIC,
            },
          },
        },
      },
    }),
    envFrom: ATOMIC_LIST,
    volumeMounts: keyed('mountPath'),
    volumeDevices: keyed('devicePath'),
    resources: { fields: { limits: MAP, requests: MAP, claims: { list: 'map', keys: ['name'] } } },
    command: ATOMIC_LIST,
    args: ATOMIC_LIST,
    resizePolicy: ATOMIC_LIST,
  },
};

/** core/v1 PodSpec */
export const POD_SPEC: MetaSpec = {
  fields: {
    volumes: keyed('name', { retainKeys: true }),
    initContainers: keyed('name', { elem: CONTAINER }),
    containers: keyed('name', { elem: CONTAINER }),
    ephemeralContainers: keyed('name', { elem: CONTAINER }),
    imagePullSecrets: keyed('name', { elem: ATOMIC }),
    hostAliases: keyed('ip'),
    topologySpreadConstraints: keyed('topologyKey', {
      keys: ['topologyKey', 'whenUnsatisfiable'],
      elem: { fields: { labelSelector: ATOMIC } },
    }),
    resourceClaims: keyed('name', { retainKeys: true }),
    schedulingGates: keyed('name'),
    tolerations: ATOMIC_LIST,
    readinessGates: ATOMIC_LIST,
    nodeSelector: { atomic: true, entries: true },
    overhead: MAP,
    affinity: {
      fields: { nodeAffinity: { fields: { requiredDuringSchedulingIgnoredDuringExecution: ATOMIC } } },
    },
  },
};

/** core/v1 PodTemplateSpec */
export const POD_TEMPLATE: MetaSpec = { fields: { metadata: OBJECT_META, spec: POD_SPEC } };

const POD_STATUS: MetaSpec = {
  fields: {
    conditions: CONDITIONS,
    podIPs: keyed('ip'),
    hostIPs: { list: 'atomic', smp: 'merge', mergeKey: 'ip' },
    containerStatuses: ATOMIC_LIST,
    initContainerStatuses: ATOMIC_LIST,
    ephemeralContainerStatuses: ATOMIC_LIST,
    resourceClaimStatuses: keyed('name', { retainKeys: true }),
  },
};

const workload = (specFields: Record<string, MetaSpec>): MetaSpec => ({
  fields: {
    metadata: OBJECT_META,
    spec: { fields: { selector: ATOMIC, template: POD_TEMPLATE, ...specFields } },
    status: { fields: { conditions: CONDITIONS } },
  },
});

/** Patch metadata of every built-in kind the simulator serves, keyed by kind. */
export const BUILTIN_PATCH_META: Readonly<Record<string, MetaSpec>> = {
  Pod: { fields: { metadata: OBJECT_META, spec: POD_SPEC, status: POD_STATUS } },
  Deployment: workload({ strategy: { retainKeys: true } }),
  ReplicaSet: workload({}),
  DaemonSet: workload({}),
  StatefulSet: workload({ volumeClaimTemplates: ATOMIC_LIST }),
  Service: {
    fields: {
      metadata: OBJECT_META,
      spec: {
        fields: {
          ports: keyed('port', { keys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } }),
          selector: { atomic: true, entries: true },
          clusterIPs: ATOMIC_LIST,
          externalIPs: ATOMIC_LIST,
          ipFamilies: ATOMIC_LIST,
          loadBalancerSourceRanges: ATOMIC_LIST,
        },
      },
      status: { fields: { loadBalancer: { fields: { ingress: ATOMIC_LIST } }, conditions: CONDITIONS } },
    },
  },
  Node: {
    fields: {
      metadata: OBJECT_META,
      spec: { fields: { podCIDRs: { list: 'set', smp: 'merge' }, taints: ATOMIC_LIST } },
      status: {
        fields: {
          conditions: CONDITIONS,
          addresses: keyed('type'),
          images: ATOMIC_LIST,
          volumesInUse: ATOMIC_LIST,
          volumesAttached: ATOMIC_LIST,
          capacity: MAP,
          allocatable: MAP,
        },
      },
    },
  },
  ConfigMap: { fields: { metadata: OBJECT_META, data: MAP, binaryData: MAP } },
  Secret: { fields: { metadata: OBJECT_META, data: MAP, stringData: MAP } },
  Namespace: {
    fields: {
      metadata: OBJECT_META,
      spec: { fields: { finalizers: ATOMIC_LIST } },
      status: { fields: { conditions: CONDITIONS } },
    },
  },
  ServiceAccount: {
    fields: {
      metadata: OBJECT_META,
      secrets: keyed('name', { elem: ATOMIC }),
      imagePullSecrets: ATOMIC_LIST,
    },
  },
  Event: { fields: { metadata: OBJECT_META, involvedObject: ATOMIC, related: ATOMIC } },
  PersistentVolumeClaim: {
    fields: {
      metadata: OBJECT_META,
      spec: {
        fields: {
          accessModes: ATOMIC_LIST,
          selector: ATOMIC,
          resources: { fields: { limits: MAP, requests: MAP } },
          dataSource: ATOMIC,
        },
      },
      status: {
        fields: { conditions: CONDITIONS, accessModes: ATOMIC_LIST, capacity: MAP, allocatedResources: MAP },
      },
    },
  },
  Lease: { fields: { metadata: OBJECT_META } },
  CustomResourceDefinition: {
    fields: {
      metadata: OBJECT_META,
      // CRD conditions are +listType=map but carry no patchStrategy, so SMP replaces them.
      status: { fields: { conditions: { list: 'map', keys: ['type'] }, storedVersions: ATOMIC_LIST } },
    },
  },
};

/** Object shape of a kind nobody described: only metadata is known. */
const GENERIC: MetaSpec = { fields: { metadata: OBJECT_META } };

/** API group of each built-in kind, so a custom resource that reuses a built-in kind name is not mistaken for it. */
const BUILTIN_GROUP: Readonly<Record<string, string>> = {
  Pod: '',
  Service: '',
  Node: '',
  ConfigMap: '',
  Secret: '',
  Namespace: '',
  ServiceAccount: '',
  Event: '',
  PersistentVolumeClaim: '',
  Deployment: 'apps',
  ReplicaSet: 'apps',
  DaemonSet: 'apps',
  StatefulSet: 'apps',
  Lease: 'coordination.k8s.io',
  CustomResourceDefinition: 'apiextensions.k8s.io',
};

const cache = new Map<string, PatchMeta>();

/** True when kind (in group, when given) is one of the built-in kinds with a patch-metadata table. */
export function isBuiltinKind(kind: string, group?: string): boolean {
  const g = BUILTIN_GROUP[kind];
  return g !== undefined && Object.hasOwn(BUILTIN_PATCH_META, kind) && (group === undefined || group === g);
}

/** Root patch metadata of kind; unknown kinds (custom resources) get atomic lists and granular maps. */
export function patchMetaFor(kind: string, group?: string): PatchMeta {
  const key = isBuiltinKind(kind, group) ? kind : '';
  let m = cache.get(key);
  if (!m) {
    m = new SpecMeta(BUILTIN_PATCH_META[key] ?? GENERIC);
    cache.set(key, m);
  }
  return m;
}

/** Wraps a MetaSpec (e.g. one built from a CRD schema) as a walker. */
export function patchMetaFromSpec(spec: MetaSpec): PatchMeta {
  return new SpecMeta(spec);
}

/**
 * Builds MetaSpec from an OpenAPI v3 / CRD structural schema, honouring x-kubernetes-list-type,
 * x-kubernetes-list-map-keys, x-kubernetes-map-type, x-kubernetes-preserve-unknown-fields and the
 * x-kubernetes-patch-* extensions. At the root, metadata always gets ObjectMeta's metadata.
 */
export function metaSpecFromSchema(schema: JsonObject, root = true): MetaSpec {
  const spec: MetaSpec = {};
  const props = schema['properties'];
  if (isObj(props)) {
    const fields: Record<string, MetaSpec> = {};
    for (const [name, sub] of Object.entries(props)) {
      if (isObj(sub)) fields[name] = metaSpecFromSchema(sub, false);
    }
    if (root) fields['metadata'] = OBJECT_META;
    spec.fields = fields;
  } else if (root) {
    spec.fields = { metadata: OBJECT_META };
  }
  const addl = schema['additionalProperties'];
  if (!isObj(props) && (isObj(addl) || schema['x-kubernetes-preserve-unknown-fields'] === true)) {
    spec.entries = true;
    if (isObj(addl)) spec.elem = metaSpecFromSchema(addl, false);
  }
  if (schema['x-kubernetes-map-type'] === 'atomic') spec.atomic = true;
  const items = schema['items'];
  if (isObj(items)) spec.elem = metaSpecFromSchema(items, false);
  const lt = schema['x-kubernetes-list-type'];
  const strategy = schema['x-kubernetes-patch-strategy'];
  const mergeKey = schema['x-kubernetes-patch-merge-key'];
  if (typeof strategy === 'string' && strategy.split(',').includes('merge')) spec.smp = 'merge';
  if (typeof strategy === 'string' && strategy.split(',').includes('retainKeys')) spec.retainKeys = true;
  if (typeof mergeKey === 'string') spec.mergeKey = mergeKey;
  if (lt === 'map' || lt === 'set' || lt === 'atomic') {
    spec.list = lt;
  } else if (spec.smp === 'merge') {
    // Like structured-merge-diff's schemaconv: a merge strategy without listType implies map/set.
    spec.list = mergeKey === undefined ? 'set' : 'map';
  }
  const keys = schema['x-kubernetes-list-map-keys'];
  if (Array.isArray(keys)) spec.keys = keys.filter((k): k is string => typeof k === 'string');
  if (spec.list === 'map' && isObj(items) && isObj(items['properties'])) {
    const defaults: Record<string, Json> = {};
    for (const k of spec.keys ?? (spec.mergeKey ? [spec.mergeKey] : [])) {
      const p = items['properties'][k];
      if (isObj(p) && p['default'] !== undefined) defaults[k] = p['default'];
    }
    if (Object.keys(defaults).length > 0) spec.keyDefaults = defaults;
  }
  return spec;
}
