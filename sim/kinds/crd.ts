/**
 * CustomResourceDefinition strategy (apiextensions-apiserver defaults and validation) and the
 * strategy for custom resources themselves, including structural-schema `default`s.
 */
import { isJsonObject, type Json, type JsonObject, type KubeObject, type StatusCause } from '../k8s-types.js';
import { isValidJsonPath } from '../jsonpath.js';
import { specOf, validateEnum, validateObjectMeta } from './meta.js';
import { isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain, type NameValidator } from './names.js';
import type { KindStrategy } from './types.js';
import {
  arr,
  clone,
  ensureObj,
  immutable,
  invalidField,
  obj,
  objs,
  required,
  setDefault,
  str,
} from './util.js';

function storageVersion(spec: unknown): string | undefined {
  return str(
    objs(spec, 'versions').find((v) => v['storage'] === true),
    'name',
  );
}

function dns1035(field: string, value: string, prefix = ''): StatusCause[] {
  const errs = isDNS1035Label(prefix ? value.toLowerCase() : value);
  return errs.length ? [invalidField(field, value, prefix + errs.join(','))] : [];
}

const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];

function validateVersions(spec: Record<string, unknown>): StatusCause[] {
  const out: StatusCause[] = [];
  const versions = objs(spec, 'versions');
  if (versions.length === 0) return [required('spec.versions')];
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    const name = str(v, 'name') ?? '';
    if (seen.has(name)) unique = false;
    seen.add(name);
    out.push(...dns1035(`${p}.name`, name));
    const schema = obj(obj(v, 'schema'), 'openAPIV3Schema');
    if (!schema) out.push(required(`${p}.schema.openAPIV3Schema`, 'schemas are required'));
    else if (!schema['type'])
      out.push(required(`${p}.schema.openAPIV3Schema.type`, 'must not be empty at the root'));
    else if (schema['type'] !== 'object')
      out.push(
        invalidField(`${p}.schema.openAPIV3Schema.type`, schema['type'], 'must be object at the root'),
      );
    objs(v, 'additionalPrinterColumns').forEach((c, j) => {
      const cp = `${p}.additionalPrinterColumns[${j}]`;
      if (!str(c, 'name')) out.push(required(`${cp}.name`));
      if (!str(c, 'type')) out.push(required(`${cp}.type`, `must be one of ${COLUMN_TYPES.join(',')}`));
      else out.push(...validateEnum(c, 'type', `${cp}.type`, COLUMN_TYPES));
      out.push(...validateEnum(c, 'format', `${cp}.format`, COLUMN_FORMATS));
      const jp = str(c, 'jsonPath') ?? '';
      if (!jp) out.push(required(`${cp}.jsonPath`));
      else if (!jp.startsWith('.') || !isValidJsonPath(jp))
        out.push(invalidField(`${cp}.jsonPath`, jp, 'must be a simple json path starting with .'));
    });
  });
  if (!unique) out.push(invalidField('spec.versions', versions, 'must contain unique version names'));
  if (versions.filter((v) => v['storage'] === true).length !== 1)
    out.push(
      invalidField('spec.versions', versions, 'must have exactly one version marked as storage version'),
    );
  return out;
}

function validateNames(spec: Record<string, unknown>): StatusCause[] {
  const out: StatusCause[] = [];
  const names = obj(spec, 'names') ?? {};
  const plural = str(names, 'plural') ?? '';
  const singular = str(names, 'singular') ?? '';
  const kind = str(names, 'kind') ?? '';
  const listKind = str(names, 'listKind') ?? '';
  if (!plural) out.push(required('spec.names.plural'));
  else out.push(...dns1035('spec.names.plural', plural));
  if (!singular) out.push(required('spec.names.singular'));
  else out.push(...dns1035('spec.names.singular', singular));
  const mixed = 'may have mixed case, but should otherwise match: ';
  if (!kind) out.push(required('spec.names.kind'));
  else out.push(...dns1035('spec.names.kind', kind, mixed));
  if (!listKind) out.push(required('spec.names.listKind'));
  else out.push(...dns1035('spec.names.listKind', listKind, mixed));
  if (kind && kind === listKind)
    out.push(invalidField('spec.names.listKind', listKind, 'kind and listKind may not be the same'));
  arr(names, 'shortNames').forEach((s, i) => out.push(...dns1035(`spec.names.shortNames[${i}]`, String(s))));
  arr(names, 'categories').forEach((s, i) => out.push(...dns1035(`spec.names.categories[${i}]`, String(s))));
  return out;
}

function isEstablished(o: KubeObject): boolean {
  return objs(obj(o, 'status'), 'conditions').some(
    (c) => c['type'] === 'Established' && c['status'] === 'True',
  );
}

/** CustomResourceDefinition: names.singular/listKind, conversion None, storedVersions; names, group, versions validated. */
export const crdStrategy: KindStrategy = {
  tracksGeneration: true,
  defaults(o) {
    const out = clone(o) as unknown as JsonObject;
    const spec = ensureObj(out, 'spec');
    const names = ensureObj(spec, 'names');
    const kind = str(names, 'kind') ?? '';
    setDefault(names, 'singular', kind.toLowerCase());
    if (kind) setDefault(names, 'listKind', `${kind}List`);
    if (!isJsonObject(spec['conversion'])) spec['conversion'] = { strategy: 'None' };
    const status = ensureObj(out, 'status');
    if (!isJsonObject(status['acceptedNames'])) status['acceptedNames'] = { plural: '', kind: '' };
    const stored = arr(status, 'storedVersions').map(String);
    const sv = storageVersion(spec);
    if (sv && !stored.includes(sv)) stored.push(sv);
    status['storedVersions'] = stored;
    return out as unknown as KubeObject;
  },
  validate(o, old) {
    const spec = specOf(o);
    const group = str(spec, 'group') ?? '';
    const plural = str(obj(spec, 'names'), 'plural') ?? '';
    const nameFn: NameValidator = (name, prefix) => {
      const errs = nameIsDNSSubdomain(name, prefix);
      if (name !== `${plural}.${group}`) errs.push('must be spec.names.plural+"."+spec.group');
      return errs;
    };
    const out = validateObjectMeta(o, old, false, nameFn);
    if (!group) out.push(required('spec.group'));
    else {
      const errs = isDNS1123Subdomain(group);
      if (errs.length) out.push(invalidField('spec.group', group, errs.join(',')));
      else if (!group.includes('.'))
        out.push(invalidField('spec.group', group, 'should be a domain with at least one dot'));
    }
    out.push(...validateEnum(spec, 'scope', 'spec.scope', ['Cluster', 'Namespaced'], true));
    out.push(...validateNames(spec));
    out.push(...validateVersions(spec));
    const conv = obj(spec, 'conversion');
    if (conv)
      out.push(...validateEnum(conv, 'strategy', 'spec.conversion.strategy', ['None', 'Webhook'], true));
    if (old) {
      const oldSpec = specOf(old);
      out.push(...immutable('spec.group', spec['group'], oldSpec['group']));
      out.push(...immutable('spec.names.plural', plural, str(obj(oldSpec, 'names'), 'plural')));
      if (isEstablished(old)) {
        out.push(...immutable('spec.scope', spec['scope'], oldSpec['scope']));
        out.push(
          ...immutable(
            'spec.names.kind',
            str(obj(spec, 'names'), 'kind'),
            str(obj(oldSpec, 'names'), 'kind'),
          ),
        );
      }
    }
    return out;
  },
};

/** Fills absent properties from an OpenAPI v3 schema's `default`s (structural defaulting). */
export function applySchemaDefaults(value: Json, schema: unknown): Json {
  if (!isJsonObject(schema)) return value;
  if (Array.isArray(value)) {
    const items = schema['items'];
    return isJsonObject(items) ? value.map((v) => applySchemaDefaults(v, items)) : value;
  }
  if (!isJsonObject(value)) return value;
  const out: JsonObject = { ...value };
  const props = obj(schema, 'properties') ?? {};
  for (const [k, s] of Object.entries(props)) {
    if (out[k] === undefined && isJsonObject(s) && s['default'] !== undefined) out[k] = clone(s['default']);
    const v = out[k];
    if (v !== undefined) out[k] = applySchemaDefaults(v, s);
  }
  const ap = schema['additionalProperties'];
  if (isJsonObject(ap))
    for (const [k, v] of Object.entries(out)) if (!(k in props)) out[k] = applySchemaDefaults(v, ap);
  return out;
}

/**
 * The strategy for objects of a CRD. With the version's openAPIV3Schema, defaults come from it
 * (apiVersion, kind and metadata are never defaulted, as in Kubernetes); without, none.
 */
export function customResourceStrategy(namespaced: boolean, schema?: unknown): KindStrategy {
  return {
    tracksGeneration: true,
    defaults(o) {
      if (!isJsonObject(schema)) return o;
      const { apiVersion, kind, metadata, ...rest } = clone(o);
      const body = applySchemaDefaults(rest as JsonObject, schema) as JsonObject;
      return { ...body, apiVersion, kind, metadata };
    },
    validate: (o, old) => validateObjectMeta(o, old, namespaced, nameIsDNSSubdomain),
  };
}
