import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  unsupportedMediaType,
  type ApiError,
} from './errors.js';
import {
  isJsonObject,
  isKubeObject,
  type Json,
  type JsonObject,
  type KubeObject,
  type Status,
} from './k8s-types.js';
import { customResourceStrategy, strategyFor, type KindStrategy } from './kinds/index.js';
import { metaSpecFromSchema, patchMetaFromSpec, type PatchMeta } from './patch/patch-meta.js';
import { listPage, type ListOptions, type ListPage } from './list-options.js';
import { applyJsonPatch } from './patch/json-patch.js';
import { jsonEqual } from './patch/util.js';
import { recordUpdate } from './patch/managed-fields.js';
import { applyMergePatch } from './patch/merge-patch.js';
import { parseApplyBody, serverSideApply } from './patch/server-side-apply.js';
import { applyStrategicMergePatch } from './patch/strategic-merge.js';
import { apiVersionOf, storageKey, type ResourceType } from './resource-types.js';
import type { ObjectStore } from './store.js';
import type { TypeCatalog } from './type-catalog.js';

/** Patch content types the API server accepts. */
export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;
/** One of PATCH_TYPES. */
export type PatchType = (typeof PATCH_TYPES)[number];

/** Options common to writes. */
export interface WriteOptions {
  /** dryRun=All: validate and return the result without storing it. */
  dryRun?: boolean;
  /** Field manager recorded in managedFields. */
  fieldManager: string;
  /** Write to a subresource instead of the main resource. */
  subresource?: 'status';
}

/** DeleteOptions as the apiserver takes them (body or query). */
export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** What a delete did: removed at once, or marked for deletion (finalizers, grace period). */
export type DeleteResult = { kind: 'deleted'; object: KubeObject } | { kind: 'pending'; object: KubeObject };

/** Hooks a cluster plugs into its registry (clusterIP allocation, CRD serving, pod grace). */
export interface RegistryHooks {
  /** Called with a new object of a type before validation, to fill server-allocated fields. */
  beforeCreate?(type: ResourceType, obj: KubeObject): KubeObject;
  /** Whether deleting this object must wait (e.g. a pod bound to a node gets a grace period). */
  gracefulDelete?(type: ResourceType, obj: KubeObject, opts: DeleteOptions): boolean;
}

const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The API semantics of one cluster over its store: defaulting, validation, optimistic
 * concurrency, generation, managedFields, finalizers and graceful deletion. Used by the HTTP
 * layer and by the simulated controllers alike, so both see the same rules.
 */
export class Registry {
  constructor(
    readonly store: ObjectStore,
    readonly catalog: TypeCatalog,
    private readonly hooks: RegistryHooks = {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Reads an object or throws NotFound. */
  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.store.get(storageKey(type), scoped(type, namespace), name);
    if (!obj) throw notFound({ group: type.group, resource: type.plural, name });
    return asVersion(type, obj);
  }

  /** Reads an object or returns undefined. */
  find(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.store.get(storageKey(type), scoped(type, namespace), name);
    return obj ? asVersion(type, obj) : undefined;
  }

  /** Lists one page. */
  list(type: ResourceType, opts: ListOptions): ListPage {
    const page = listPage(this.store, storageKey(type), { ...opts, namespace: scoped(type, opts.namespace) });
    if (type.custom) page.items = page.items.map((o) => asVersion(type, o));
    return page;
  }

  /** Creates an object. */
  create(type: ResourceType, namespace: string | undefined, body: unknown, opts: WriteOptions): KubeObject {
    let obj = this.checkBody(type, namespace, body);
    const meta = { ...obj.metadata };
    if (!meta.name) {
      if (!meta.generateName)
        throw invalid({ kind: type.kind, group: type.group }, [
          {
            reason: 'FieldValueRequired',
            message: 'name or generateName is required',
            field: 'metadata.name',
          },
        ]);
      meta.name = meta.generateName + randomSuffix();
    }
    if (type.namespaced) this.checkNamespaceWritable(meta.namespace ?? '');
    if (this.store.get(storageKey(type), meta.namespace, meta.name))
      throw alreadyExists({ group: type.group, resource: type.plural, name: meta.name });
    const strategy = this.strategyOf(type);
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    meta.uid = newUid();
    meta.creationTimestamp = timestamp(this.now());
    if (strategy.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    obj = { ...obj, metadata: meta };
    if (hasStatusSubresource(type) && type.kind !== 'Node') obj = withoutStatus(obj);
    obj = strategy.defaults(obj);
    if (this.hooks.beforeCreate) obj = this.hooks.beforeCreate(type, obj);
    this.validate(type, obj, undefined);
    obj.metadata.managedFields = recordUpdate(undefined, obj, this.managerOpts(type, opts));
    if (opts.dryRun) return { ...obj, metadata: { ...obj.metadata } };
    return asVersion(type, this.store.put(storageKey(type), obj));
  }

  /** Replaces an object (PUT), or its status with subresource 'status'. */
  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
  ): KubeObject {
    const obj = this.checkBody(type, namespace, body, name);
    const old = this.get(type, namespace, name);
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion)
      throw conflict({ group: type.group, resource: type.plural, name });
    return this.commitUpdate(type, old, obj, opts);
  }

  /** Applies a patch of the given content type. Apply patches create the object when missing. */
  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: string,
    body: string,
    opts: WriteOptions & { force?: boolean },
  ): KubeObject {
    if (patchType === 'application/apply-patch+yaml') return this.apply(type, namespace, name, body, opts);
    const old = this.get(type, namespace, name);
    const patch = parseJson(body);
    let patched: Json;
    switch (patchType) {
      case 'application/merge-patch+json':
        patched = applyMergePatch(old as unknown as Json, patch);
        break;
      case 'application/json-patch+json':
        patched = applyJsonPatch(old as unknown as JsonObject, patch);
        break;
      case 'application/strategic-merge-patch+json':
        if (type.custom)
          throw unsupportedMediaType([
            'application/json-patch+json',
            'application/merge-patch+json',
            'application/apply-patch+yaml',
          ]);
        if (!isJsonObject(patch)) throw badRequest('strategic merge patch must be a JSON object');
        patched = applyStrategicMergePatch(
          old as unknown as JsonObject,
          patch,
          type.kind,
          this.ownership(type).meta,
        );
        break;
      default:
        throw unsupportedMediaType([...PATCH_TYPES]);
    }
    if (!isKubeObject(patched)) throw badRequest('the patched object is not a Kubernetes object');
    const rv = patched.metadata.resourceVersion;
    if (rv !== undefined && rv !== old.metadata.resourceVersion)
      throw conflict({ group: type.group, resource: type.plural, name });
    return this.commitUpdate(type, old, patched, opts);
  }

  private apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: string,
    opts: WriteOptions & { force?: boolean },
  ): KubeObject {
    const applied = parseApplyBody(body);
    this.checkBody(type, namespace, applied, name);
    const live = this.find(type, namespace, name);
    const mo = { ...this.managerOpts(type, opts), force: opts.force ?? false };
    const merged = serverSideApply(
      live,
      applied,
      opts.subresource ? { ...mo, subresource: opts.subresource } : mo,
    );
    if (!live) {
      const created = this.create(
        type,
        namespace,
        { ...merged, metadata: { ...merged.metadata, managedFields: undefined } },
        { ...opts, dryRun: true },
      );
      const withFields = {
        ...created,
        metadata: { ...created.metadata, managedFields: merged.metadata.managedFields ?? [] },
      };
      if (opts.dryRun) return withFields;
      return asVersion(type, this.store.put(storageKey(type), withFields));
    }
    return this.commitUpdate(type, live, merged, opts, true);
  }

  /** Shared tail of update/patch/apply: immutable fields, status split, generation, fields. */
  private commitUpdate(
    type: ResourceType,
    old: KubeObject,
    next: KubeObject,
    opts: WriteOptions,
    managedFieldsSet = false,
  ): KubeObject {
    const strategy = this.strategyOf(type);
    let obj: KubeObject;
    if (opts.subresource === 'status') {
      obj = { ...old, status: next['status'] as Json, metadata: { ...old.metadata } };
      if (next['status'] === undefined) delete obj['status'];
      if (managedFieldsSet && next.metadata.managedFields)
        obj.metadata.managedFields = next.metadata.managedFields;
    } else {
      obj = { ...next, metadata: { ...next.metadata } };
      if (hasStatusSubresource(type)) {
        if (old['status'] === undefined) delete obj['status'];
        else obj['status'] = old['status'];
      }
    }
    const meta = obj.metadata;
    meta.uid = old.metadata.uid ?? newUid();
    meta.name = old.metadata.name ?? '';
    if (old.metadata.namespace !== undefined) meta.namespace = old.metadata.namespace;
    meta.creationTimestamp = old.metadata.creationTimestamp ?? timestamp(this.now());
    meta.resourceVersion = old.metadata.resourceVersion ?? '';
    if (old.metadata.deletionTimestamp !== undefined) meta.deletionTimestamp = old.metadata.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (strategy.tracksGeneration) {
      meta.generation = (old.metadata.generation ?? 1) + (specChanged(old, obj) ? 1 : 0);
    }
    obj = strategy.defaults(obj);
    this.validate(type, obj, old);
    if (!managedFieldsSet) {
      const mo = this.managerOpts(type, opts);
      obj.metadata.managedFields = recordUpdate(
        old,
        obj,
        opts.subresource ? { ...mo, subresource: opts.subresource } : mo,
      );
    }
    if (opts.dryRun) return obj;
    if (obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0) {
      const last = this.store.remove(storageKey(type), obj.metadata.namespace, meta.name);
      return asVersion(type, last ?? obj);
    }
    if (unchanged(old, obj)) return old;
    return asVersion(type, this.store.put(storageKey(type), obj));
  }

  /**
   * Deletes an object: at once, or by setting deletionTimestamp when finalizers, Foreground
   * propagation or a graceful pod deletion must run first.
   */
  delete(type: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions): DeleteResult {
    const old = this.get(type, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid)
      throw conflict(
        { group: type.group, resource: type.plural, name },
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid ?? ''}`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)
      throw conflict(
        { group: type.group, resource: type.plural, name },
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`,
      );
    const finalizers = [...(old.metadata.finalizers ?? [])];
    // Every served kind's DefaultGarbageCollectionPolicy is Background in apps/v1 and core/v1.
    const policy = opts.propagationPolicy ?? 'Background';
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion'))
      finalizers.push('foregroundDeletion');
    if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    const graceful = this.hooks.gracefulDelete?.(type, old, opts) ?? false;
    if (
      type.kind === 'Namespace' &&
      !finalizers.includes('kubernetes') &&
      old.metadata.deletionTimestamp === undefined
    ) {
      // Namespaces always go through the namespace controller, which empties them first.
      finalizers.push('kubernetes');
    }
    if (finalizers.length === 0 && !graceful) {
      if (opts.dryRun) return { kind: 'deleted', object: old };
      const last = this.store.remove(storageKey(type), old.metadata.namespace, name);
      return { kind: 'deleted', object: asVersion(type, last ?? old) };
    }
    if (old.metadata.deletionTimestamp !== undefined && sameList(finalizers, old.metadata.finalizers ?? []))
      return { kind: 'pending', object: old };
    const meta = {
      ...old.metadata,
      finalizers,
      deletionTimestamp: old.metadata.deletionTimestamp ?? timestamp(this.now()),
    };
    if (graceful) meta.deletionGracePeriodSeconds = opts.gracePeriodSeconds ?? 30;
    if (finalizers.length === 0) delete (meta as { finalizers?: string[] }).finalizers;
    const marked: KubeObject = { ...old, metadata: meta };
    if (type.kind === 'Namespace')
      marked['status'] = { ...(isJsonObject(old['status']) ? old['status'] : {}), phase: 'Terminating' };
    if (opts.dryRun) return { kind: 'pending', object: marked };
    return { kind: 'pending', object: asVersion(type, this.store.put(storageKey(type), marked)) };
  }

  /**
   * Binds a pod to a node, as the pods/binding subresource does for the scheduler: sets
   * spec.nodeName (otherwise immutable on update) and the PodScheduled condition.
   */
  bind(namespace: string, name: string, nodeName: string, fieldManager = 'kube-scheduler'): KubeObject {
    const type = this.catalog.lookup('', 'v1', 'pods');
    if (!type) throw notFound({ resource: 'pods', name });
    const pod = this.get(type, namespace, name);
    const spec = isJsonObject(pod['spec']) ? pod['spec'] : {};
    if (typeof spec['nodeName'] === 'string' && spec['nodeName'] !== '')
      throw conflict(
        { resource: 'pods', name },
        `pod ${name} is already assigned to node "${spec['nodeName']}"`,
      );
    if (pod.metadata.deletionTimestamp) throw conflict({ resource: 'pods', name }, 'pod is being deleted');
    const status = isJsonObject(pod['status']) ? pod['status'] : {};
    const conditions = (Array.isArray(status['conditions']) ? status['conditions'] : []).filter(
      (c) => !(isJsonObject(c) && c['type'] === 'PodScheduled'),
    );
    conditions.push({
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: timestamp(this.now()),
    });
    const next: KubeObject = { ...pod, spec: { ...spec, nodeName }, status: { ...status, conditions } };
    const mo = this.managerOpts(type, { fieldManager });
    next.metadata = { ...next.metadata, managedFields: recordUpdate(pod, next, mo) };
    return this.store.put(storageKey(type), next);
  }

  /** Removes an object now, skipping finalizers and grace: what controllers do once done. */
  forceRemove(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.remove(storageKey(type), scoped(type, namespace), name);
  }

  /** Deletes every object matching the list options; returns what was deleted or marked. */
  deleteCollection(type: ResourceType, listOpts: ListOptions, opts: DeleteOptions): KubeObject[] {
    const page = this.list(type, { ...listOpts, limit: undefined, continueToken: undefined });
    const out: KubeObject[] = [];
    for (const obj of page.items) {
      try {
        out.push(this.delete(type, obj.metadata.namespace, obj.metadata.name ?? '', opts).object);
      } catch (e) {
        if ((e as ApiError).code !== 404) throw e;
      }
    }
    return out;
  }

  private checkBody(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    name?: string,
  ): KubeObject {
    if (!isKubeObject(body)) {
      if (isJsonObject(body) && body['metadata'] === undefined && name === undefined) {
        throw invalid({ kind: type.kind, group: type.group }, [
          {
            reason: 'FieldValueRequired',
            message: 'name or generateName is required',
            field: 'metadata.name',
          },
        ]);
      }
      if (!isJsonObject(body)) throw badRequest(`the body of the request was not a ${type.kind} object`);
    }
    const obj = (isKubeObject(body) ? body : { ...(body as JsonObject), metadata: {} }) as KubeObject;
    const want = apiVersionOf(type);
    if (
      obj.apiVersion !== undefined &&
      obj.apiVersion !== want &&
      !(type.custom && obj.apiVersion.startsWith(`${type.group}/`))
    )
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`,
      );
    if (obj.kind !== undefined && obj.kind !== type.kind)
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${type.kind})`);
    const meta = { ...obj.metadata };
    if (type.namespaced) {
      if (
        meta.namespace !== undefined &&
        meta.namespace !== '' &&
        namespace !== undefined &&
        meta.namespace !== namespace
      )
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      meta.namespace = namespace ?? meta.namespace ?? 'default';
    } else {
      delete meta.namespace;
    }
    if (name !== undefined) {
      if (meta.name !== undefined && meta.name !== name)
        throw badRequest(
          `the name of the object (${meta.name}) does not match the name on the URL (${name})`,
        );
      meta.name = name;
    }
    return { ...obj, apiVersion: want, kind: type.kind, metadata: meta };
  }

  private checkNamespaceWritable(ns: string): void {
    const nsType = this.catalog.lookup('', 'v1', 'namespaces');
    if (!nsType) return;
    const nsObj = this.store.get(storageKey(nsType), undefined, ns);
    if (!nsObj) throw notFound({ resource: 'namespaces', name: ns });
    if (nsObj.metadata.deletionTimestamp)
      throw forbidden(`unable to create new content in namespace ${ns} because it is being terminated`, {
        resource: 'namespaces',
        name: ns,
      });
  }

  private validate(type: ResourceType, obj: KubeObject, old: KubeObject | undefined): void {
    const causes = this.strategyOf(type).validate(obj, old);
    if (causes.length > 0) {
      const t: { kind: string; group?: string; name?: string } = { kind: type.kind };
      if (type.group) t.group = type.group;
      if (obj.metadata.name) t.name = obj.metadata.name;
      throw invalid(t, causes);
    }
  }

  /** Field ownership options: the kind, and for custom resources patch metadata from the CRD schema. */
  private ownership(type: ResourceType): {
    kind: string;
    group: string;
    meta?: PatchMeta;
    resetFields?: string[];
  } {
    // A custom resource without a status subresource owns its status like any other field.
    const base =
      type.custom && !hasStatusSubresource(type)
        ? { kind: type.kind, group: type.group, resetFields: [] }
        : { kind: type.kind, group: type.group };
    const schema = type.custom ? this.catalog.customInfo(type)?.schema : undefined;
    return schema ? { ...base, meta: patchMetaFromSpec(metaSpecFromSchema(schema)) } : base;
  }

  private strategyOf(type: ResourceType): KindStrategy {
    if (!type.custom) return strategyFor(type);
    return customResourceStrategy(type.namespaced, this.catalog.customInfo(type)?.schema);
  }

  private managerOpts(type: ResourceType, opts: Pick<WriteOptions, 'fieldManager'>) {
    return {
      manager: opts.fieldManager,
      apiVersion: apiVersionOf(type),
      time: timestamp(this.now()),
      ...this.ownership(type),
    };
  }
}

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function timestamp(d: Date): string {
  // Many writes share a second; formatting once per second keeps this off the write path.
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastStamp = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return lastStamp;
}
let lastSecond = NaN;
let lastStamp = '';

/** The namespace to store an object under: undefined for cluster-scoped types. */
function scoped(type: ResourceType, namespace: string | undefined): string | undefined {
  return type.namespaced ? namespace : undefined;
}

/** Custom resources are stored once and served at every version (no conversion webhooks). */
function asVersion(type: ResourceType, obj: KubeObject): KubeObject {
  if (!type.custom) return obj;
  const apiVersion = apiVersionOf(type);
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

function hasStatusSubresource(type: ResourceType): boolean {
  return type.subresources.some((s) => s.name === 'status');
}

function withoutStatus(obj: KubeObject): KubeObject {
  const copy = { ...obj };
  delete copy['status'];
  return copy;
}

/** True when anything outside metadata and status differs: what bumps metadata.generation. */
function specChanged(a: KubeObject, b: KubeObject): boolean {
  return !equalExcept(a, b, TOP_LEVEL_NON_SPEC);
}

/** A no-op write does not bump resourceVersion, as in Kubernetes. */
function unchanged(a: KubeObject, b: KubeObject): boolean {
  return (
    equalExcept(a, b, METADATA_KEY) &&
    equalExcept(a.metadata as Json, b.metadata as Json, BOOKKEEPING_METADATA)
  );
}

const TOP_LEVEL_NON_SPEC = new Set(['metadata', 'status']);
const METADATA_KEY = new Set(['metadata']);
const BOOKKEEPING_METADATA = new Set(['managedFields', 'resourceVersion']);

/** Structural equality of two JSON objects, ignoring some top-level keys. */
function equalExcept(a: unknown, b: unknown, skip: ReadonlySet<string>): boolean {
  const ao = a as Record<string, Json | undefined>;
  const bo = b as Record<string, Json | undefined>;
  for (const k in ao) if (!skip.has(k) && !jsonEqual(ao[k], bo[k])) return false;
  for (const k in bo) if (!skip.has(k) && ao[k] === undefined && bo[k] !== undefined) return false;
  return true;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * A random UUID as one flat string. Node's randomUUID() joins about 20 pieces, which V8 keeps
 * as a rope (a ConsString per join, 32 bytes each) for as long as the string lives: every
 * stored object holds its uid, so in a 1,000-cluster fleet the ropes were about a million heap
 * objects that each full collection marked. Copied once, a uid is one string of 36 bytes.
 */
function newUid(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++)
    s += GENERATE_NAME_ALPHABET[Math.floor(Math.random() * GENERATE_NAME_ALPHABET.length)];
  return s;
}

function parseJson(body: string): Json {
  try {
    return JSON.parse(body) as Json;
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

/** A metav1.Status for a successful delete, as returned when the object is gone at once. */
export function deleteSuccessStatus(type: ResourceType, obj: KubeObject): Status {
  const details: NonNullable<Status['details']> = {
    name: obj.metadata.name ?? '',
    group: type.group,
    kind: type.plural,
  };
  if (obj.metadata.uid) details.uid = obj.metadata.uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}
