/**
 * ObjectMeta and metav1.LabelSelector validation shared by every kind, as
 * ValidateObjectMeta / ValidateLabelSelector in Kubernetes.
 */
import { isJsonObject, type KubeObject, type StatusCause } from '../k8s-types.js';
import { isQualifiedName, isValidLabelValue, type NameValidator } from './names.js';
import { forbiddenField, immutable, invalidField, notSupported, obj, required, tooLong } from './util.js';

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** ValidateLabels: keys as qualified names, values as label values (field is the map). */
export function validateLabels(labels: unknown, field: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!isJsonObject(labels)) return out;
  for (const [k, v] of Object.entries(labels)) {
    for (const m of isQualifiedName(k)) out.push(invalidField(field, k, m));
    const value = typeof v === 'string' ? v : String(v);
    for (const m of isValidLabelValue(value)) out.push(invalidField(field, value, m));
  }
  return out;
}

/** ValidateAnnotations: keys qualified (case-insensitively), total size ≤ 256KiB. */
export function validateAnnotations(annotations: unknown, field: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!isJsonObject(annotations)) return out;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) out.push(invalidField(field, k, m));
    size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : '');
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) out.push(tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  return out;
}

/** ValidateObjectMeta for a new or updated object; name validity is only checked on create. */
export function validateObjectMeta(
  o: KubeObject,
  old: KubeObject | undefined,
  namespaced: boolean,
  nameFn: NameValidator,
): StatusCause[] {
  const out: StatusCause[] = [];
  const m = o.metadata;
  if (!old) {
    if (m.generateName)
      for (const e of nameFn(m.generateName, true))
        out.push(invalidField('metadata.generateName', m.generateName, e));
    if (!m.name) {
      if (!m.generateName) out.push(required('metadata.name', 'name or generateName is required'));
    } else {
      for (const e of nameFn(m.name, false)) out.push(invalidField('metadata.name', m.name, e));
    }
  } else {
    out.push(...immutable('metadata.name', m.name, old.metadata.name));
    out.push(...immutable('metadata.namespace', m.namespace, old.metadata.namespace));
  }
  if (namespaced && !m.namespace) out.push(required('metadata.namespace'));
  if (!namespaced && m.namespace) out.push(forbiddenField('metadata.namespace', 'not allowed on this type'));
  if (typeof m.generation === 'number' && m.generation < 0)
    out.push(invalidField('metadata.generation', m.generation, 'must be greater than or equal to 0'));
  out.push(...validateLabels(m.labels, 'metadata.labels'));
  out.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  (m.finalizers ?? []).forEach((f, i) => {
    for (const e of isQualifiedName(f)) out.push(invalidField(`metadata.finalizers[${i}]`, f, e));
  });
  (m.ownerReferences ?? []).forEach((r, i) => {
    const p = `metadata.ownerReferences[${i}]`;
    const version = (r.apiVersion ?? '').split('/').pop() ?? '';
    if (!version) out.push(invalidField(`${p}.apiVersion`, version, 'version must not be empty'));
    if (!r.kind) out.push(invalidField(`${p}.kind`, r.kind ?? '', 'kind must not be empty'));
    if (!r.name) out.push(invalidField(`${p}.name`, r.name ?? '', 'name must not be empty'));
    if (!r.uid) out.push(invalidField(`${p}.uid`, r.uid ?? '', 'uid must not be empty'));
  });
  const controllers = (m.ownerReferences ?? []).filter((r) => r.controller === true);
  if (controllers.length > 1)
    out.push(
      invalidField(
        'metadata.ownerReferences',
        m.ownerReferences,
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers
          .map((r) => `${r.kind}/${r.name}`)
          .join(' and ')}`,
      ),
    );
  return out;
}

/** ValidateLabelSelector for a metav1.LabelSelector at field. */
export function validateLabelSelector(sel: unknown, field: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!isJsonObject(sel)) return out;
  out.push(...validateLabels(sel['matchLabels'], `${field}.matchLabels`));
  const exprs = sel['matchExpressions'];
  if (!Array.isArray(exprs)) return out;
  exprs.forEach((e, i) => {
    const p = `${field}.matchExpressions[${i}]`;
    if (!isJsonObject(e)) return;
    const op = e['operator'];
    const values = Array.isArray(e['values']) ? e['values'] : [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0)
        out.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0)
        out.push(
          forbiddenField(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
    } else {
      out.push(invalidField(`${p}.operator`, op ?? '', 'not a valid selector operator'));
    }
    const key = typeof e['key'] === 'string' ? e['key'] : '';
    for (const m of isQualifiedName(key)) out.push(invalidField(`${p}.key`, key, m));
    values.forEach((v, j) => {
      for (const m of isValidLabelValue(String(v))) out.push(invalidField(`${p}.values[${j}]`, v, m));
    });
  });
  return out;
}

/** An enum field that must be one of valid (NotSupported otherwise); absent is fine unless requiredField. */
export function validateEnum(
  o: unknown,
  key: string,
  field: string,
  valid: readonly string[],
  requiredField = false,
): StatusCause[] {
  const v = isJsonObject(o) ? o[key] : undefined;
  if (v === undefined || v === null || v === '') return requiredField ? [required(field)] : [];
  return typeof v === 'string' && valid.includes(v) ? [] : [notSupported(field, v, valid)];
}

/** The spec object of o, or {} (validators read it loosely). */
export function specOf(o: KubeObject): Record<string, unknown> {
  return obj(o, 'spec') ?? {};
}
