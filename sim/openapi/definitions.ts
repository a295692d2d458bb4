/**
 * The table of every built-in definition, and the mapping from served types to definition
 * names. The patch annotations of built-in kinds come from sim/patch/patch-meta.ts, the same
 * table the simulator's strategic-merge and apply code uses, so what kubectl reads from the
 * document is what the server does.
 */
import type { JsonObject } from '../k8s-types.js';
import { BUILTIN_PATCH_META, type MetaSpec } from '../patch/patch-meta.js';
import type { ResourceType, SubresourceType } from '../resource-types.js';
import { APPS_DEFS } from './apps-schemas.js';
import { CONTAINER_DEFS } from './core-container-schemas.js';
import { NODE_DEFS } from './core-node-schemas.js';
import { CORE_OTHER_DEFS } from './core-other-schemas.js';
import { POD_DEFS } from './core-pod-schemas.js';
import { SCHEDULING_DEFS } from './core-scheduling-schemas.js';
import { VOLUME_DEFS } from './core-volume-schemas.js';
import { APIEXT, CRD_DEFS, customDefName } from './crd-schemas.js';
import { META_DEFS } from './meta-schemas.js';
import { kindDef, listDef, loose, type Defs, type Schema } from './schema-dsl.js';

/** Definition name prefix per built-in group (kube-openapi names them after the Go package). */
const GROUP_PACKAGES: Record<string, string> = {
  '': 'io.k8s.api.core',
  apps: 'io.k8s.api.apps',
  autoscaling: 'io.k8s.api.autoscaling',
  policy: 'io.k8s.api.policy',
  'coordination.k8s.io': 'io.k8s.api.coordination',
  'apiextensions.k8s.io': APIEXT.replace(/\.v1\.$/, ''),
};

/** Definition name of a built-in kind, e.g. io.k8s.api.apps.v1.Deployment. */
export function builtinDefName(group: string, version: string, kind: string): string {
  const pkg = GROUP_PACKAGES[group] ?? `io.k8s.api.${group.split('.')[0] ?? group}`;
  return `${pkg}.${version}.${kind}`;
}

/** Definition name of a served type's kind. */
export function kindDefName(t: ResourceType): string {
  return t.custom ? customDefName(t.group, t.version, t.kind) : builtinDefName(t.group, t.version, t.kind);
}

/** Definition name of a served type's list kind. */
export function listDefName(t: ResourceType): string {
  return t.custom
    ? customDefName(t.group, t.version, t.listKind)
    : builtinDefName(t.group, t.version, t.listKind);
}

/** Definition name of a subresource's body (Scale, Binding, Eviction, or the kind itself). */
export function subresourceDefName(t: ResourceType, s: SubresourceType): string {
  if (s.kind === t.kind && s.group === undefined) return kindDefName(t);
  return builtinDefName(s.group ?? t.group, s.version ?? t.version, s.kind);
}

/** Every built-in definition, patch-annotated; treat as read-only. */
export const BUILTIN_DEFS: Readonly<Defs> = buildBuiltinDefs();

function buildBuiltinDefs(): Defs {
  // Deep copy: the DSL may share sub-objects, and annotating must touch only one field.
  const defs = structuredClone({
    ...META_DEFS,
    ...CONTAINER_DEFS,
    ...POD_DEFS,
    ...SCHEDULING_DEFS,
    ...VOLUME_DEFS,
    ...NODE_DEFS,
    ...CORE_OTHER_DEFS,
    ...APPS_DEFS,
    ...CRD_DEFS,
  });
  for (const [kind, spec] of Object.entries(BUILTIN_PATCH_META)) {
    const name = Object.keys(defs).find((n) => n.endsWith(`.${kind}`) && isKindDef(defs[n], kind));
    if (name) annotateObject(defs, name, spec);
  }
  return defs;
}

function isKindDef(s: Schema | undefined, kind: string): boolean {
  const g = s?.['x-kubernetes-group-version-kind'];
  return (
    Array.isArray(g) &&
    g.some((x) => typeof x === 'object' && x !== null && !Array.isArray(x) && x['kind'] === kind)
  );
}

/** The definition a property refers to, or the property itself when inline. */
function target(defs: Defs, s: Schema): Schema | undefined {
  const r = s['$ref'];
  return typeof r === 'string' ? defs[r] : s;
}

function annotateObject(defs: Defs, defName: string, spec: MetaSpec): void {
  const def = defs[defName];
  if (def) annotateFields(defs, def, spec);
}

function annotateFields(defs: Defs, objSchema: Schema, spec: MetaSpec): void {
  const props = objSchema['properties'];
  if (!spec.fields || !isObject(props)) return;
  for (const [field, sub] of Object.entries(spec.fields)) {
    const p = props[field];
    if (isObject(p)) annotateProperty(defs, p, sub);
  }
}

function annotateProperty(defs: Defs, p: Schema, spec: MetaSpec): void {
  if (spec.list !== undefined) {
    p['x-kubernetes-list-type'] = spec.list;
    const keys = spec.keys ?? (spec.mergeKey !== undefined ? [spec.mergeKey] : []);
    if (spec.list === 'map') p['x-kubernetes-list-map-keys'] = keys;
    else delete p['x-kubernetes-list-map-keys'];
  }
  const strategies = [...(spec.smp === 'merge' ? ['merge'] : []), ...(spec.retainKeys ? ['retainKeys'] : [])];
  if (strategies.length > 0) p['x-kubernetes-patch-strategy'] = strategies.join(',');
  else if (spec.list !== undefined) delete p['x-kubernetes-patch-strategy'];
  if (spec.mergeKey !== undefined) p['x-kubernetes-patch-merge-key'] = spec.mergeKey;
  else if (spec.list !== undefined) delete p['x-kubernetes-patch-merge-key'];
  if (spec.atomic) {
    const t = target(defs, p);
    if (t) t['x-kubernetes-map-type'] = 'atomic';
  }
  if (spec.fields) {
    const t = target(defs, p);
    if (t) annotateFields(defs, t, spec);
  }
  const items = p['items'];
  if (spec.elem && isObject(items)) {
    const t = target(defs, items);
    if (t) {
      if (spec.elem.atomic) t['x-kubernetes-map-type'] = 'atomic';
      annotateFields(defs, t, spec.elem);
    }
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A type's own definitions: the built-in ones, or a stand-in for a built-in kind this table
 * does not describe (so every served type still has a schema with its GVK).
 */
export function builtinTypeDefs(t: ResourceType): Defs {
  const kind = kindDefName(t);
  const list = listDefName(t);
  const out: Defs = {};
  const k = BUILTIN_DEFS[kind];
  const l = BUILTIN_DEFS[list];
  out[kind] = k ?? {
    ...kindDef(t.group, t.version, t.kind, `${t.kind} (schema not published by this simulator).`, {
      spec: loose(),
      status: loose(),
    }),
    'x-kubernetes-preserve-unknown-fields': true,
  };
  out[list] = l ?? listDef(t.group, t.version, t.listKind, kind, t.kind);
  return out;
}
