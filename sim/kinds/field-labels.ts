/**
 * Per-kind field selector contracts. kube-apiserver checks a field selector in two separate
 * layers and both are mirrored here: the scheme's field label conversion (which labels a kind
 * accepts, aliases, and the 400 text) and the registry's ToSelectableFields (what value each
 * label reads, where an unset bool reads "false" rather than "").
 */
import { badRequest } from '../errors.js';
import { isJsonObject, type KubeObject } from '../k8s-types.js';
import type { ResourceType } from '../resource-types.js';

/** How an absent value reads: ToSelectableFields always sets every key it knows. */
type ValueKind = 'string' | 'bool' | 'int';

interface Selectable {
  /** Dotted path into the wire object. */
  path: string;
  kind?: ValueKind;
  /** Path read when `path` resolves to "" (core Events' source falls back to reportingComponent). */
  fallback?: string;
}

/** The compiled contract for one kind. */
export interface FieldLabelRules {
  /** Accepted client label → canonical label. */
  accepted: Map<string, string>;
  /** Canonical label → where its value lives; accepted labels missing here read "". */
  selectable: Map<string, Selectable>;
  reject: (label: string) => string;
}

interface KindSpec {
  namespaced: boolean;
  accepted: string[];
  aliases?: Record<string, string>;
  selectable: Record<string, Selectable>;
}

const notSupported = (label: string): string => `field label not supported: ${label}`;

/** Kinds with a registered field label conversion func (pkg/apis/core/v1/conversion.go). */
const SPECS: Record<string, KindSpec> = {
  '/Pod': {
    namespaced: true,
    accepted: [
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      // Accepted by the conversion func but never set by PodToSelectableFields, so it matches only "".
      'status.podIPs',
      'status.nominatedNodeName',
    ],
    aliases: { 'spec.host': 'spec.nodeName' },
    selectable: {
      'spec.nodeName': { path: 'spec.nodeName' },
      'spec.restartPolicy': { path: 'spec.restartPolicy' },
      'spec.schedulerName': { path: 'spec.schedulerName' },
      'spec.serviceAccountName': { path: 'spec.serviceAccountName' },
      'spec.hostNetwork': { path: 'spec.hostNetwork', kind: 'bool' },
      'status.phase': { path: 'status.phase' },
      'status.podIP': { path: 'status.podIP', fallback: 'status.podIPs.0.ip' },
      'status.nominatedNodeName': { path: 'status.nominatedNodeName' },
    },
  },
  '/Node': {
    namespaced: false,
    accepted: ['spec.unschedulable'],
    selectable: { 'spec.unschedulable': { path: 'spec.unschedulable', kind: 'bool' } },
  },
  '/Namespace': {
    namespaced: false,
    accepted: ['status.phase'],
    selectable: { 'status.phase': { path: 'status.phase' } },
  },
  '/Secret': { namespaced: true, accepted: ['type'], selectable: { type: { path: 'type' } } },
  '/Service': {
    namespaced: true,
    accepted: ['spec.clusterIP', 'spec.type'],
    selectable: { 'spec.clusterIP': { path: 'spec.clusterIP' }, 'spec.type': { path: 'spec.type' } },
  },
  '/ReplicationController': {
    namespaced: true,
    accepted: ['status.replicas'],
    selectable: { 'status.replicas': { path: 'status.replicas', kind: 'int' } },
  },
  '/Event': {
    namespaced: true,
    accepted: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
    selectable: {
      // The v1 wire name of ReportingController is reportingComponent.
      source: { path: 'source.component', fallback: 'reportingComponent' },
    },
  },
};

function compile(spec: KindSpec, extra: readonly string[]): FieldLabelRules {
  const accepted = new Map<string, string>([['metadata.name', 'metadata.name']]);
  if (spec.namespaced) accepted.set('metadata.namespace', 'metadata.namespace');
  for (const l of [...spec.accepted, ...extra]) accepted.set(l, l);
  for (const [from, to] of Object.entries(spec.aliases ?? {})) accepted.set(from, to);
  const selectable = new Map<string, Selectable>();
  for (const l of accepted.values()) selectable.set(l, { path: l });
  if (accepted.has('status.podIPs')) selectable.delete('status.podIPs');
  for (const [l, s] of Object.entries(spec.selectable)) selectable.set(l, s);
  return { accepted, selectable, reject: notSupported };
}

/**
 * The field label contract for a type. Built-in kinds without a conversion func fall back to
 * runtime.DefaultMetaV1FieldSelectorConversion (its own 400 text); custom resources take
 * metadata.name, metadata.namespace when namespaced, and the CRD's selectableFields.
 */
export function fieldLabelRules(type: ResourceType, extraFields: readonly string[] = []): FieldLabelRules {
  const extra = extraFields.map((f) => f.replace(/^\./, ''));
  if (type.custom) {
    const fields = [...type.fieldSelectors.map((f) => f.replace(/^\./, '')), ...extra];
    return compile({ namespaced: type.namespaced, accepted: fields, selectable: {} }, []);
  }
  const spec = SPECS[`${type.group}/${type.kind}`];
  if (spec) return compile(spec, [...type.fieldSelectors, ...extra]);
  const rules = compile(
    { namespaced: true, accepted: [...type.fieldSelectors, ...extra], selectable: {} },
    [],
  );
  if (type.fieldSelectors.length === 0 && extra.length === 0)
    rules.reject = (l) =>
      `${JSON.stringify(l)} is not a known field selector: only "metadata.name", "metadata.namespace"`;
  return rules;
}

function lookup(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(seg)) cur = cur[Number(seg)];
    else if (isJsonObject(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function asString(v: unknown, kind: ValueKind): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return kind === 'bool' ? 'false' : kind === 'int' ? '0' : '';
}

/** The value a canonical field label reads on obj, as ToSelectableFields would set it. */
export function selectableValue(rules: FieldLabelRules, label: string, obj: KubeObject): string {
  const s = rules.selectable.get(label);
  if (!s) return '';
  const kind = s.kind ?? 'string';
  const v = asString(lookup(obj, s.path), kind);
  if (v === '' && s.fallback) return asString(lookup(obj, s.fallback), kind);
  return v;
}

// ---------------------------------------------------------------- field selectors

/** One requirement of a field selector; field is the canonical label (aliases resolved). */
export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

/** A parsed field selector bound to its kind's contract (requirements ANDed). */
export interface FieldSelector {
  requirements: FieldRequirement[];
  rules: FieldLabelRules;
}

/** Splits on commas not escaped by a backslash, as fields.splitTerms. */
function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** fields.UnescapeValue: only \\, \, and \= are escapes; bare , and = are errors. */
function unescapeValue(s: string): string {
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=')
        throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v, i.e. its code point.
      throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * Parses a `fieldSelector=` string for a type (fields.ParseSelector, then the kind's field label
 * conversion). No whitespace trimming, like Kubernetes. extraFields are a CRD's selectableFields.
 * Throws 400 BadRequest, e.g. `field label not supported: spec.foo`.
 */
export function parseFieldSelector(
  s: string,
  type: ResourceType,
  extraFields: readonly string[] = [],
): FieldSelector {
  const rules = fieldLabelRules(type, extraFields);
  const terms = splitTerms(s).sort();
  const reqs: FieldRequirement[] = [];
  try {
    for (const part of terms) {
      if (part === '') continue;
      let found: { lhs: string; op: FieldRequirement['operator']; rhs: string } | undefined;
      for (let i = 0; i < part.length && !found; i++) {
        for (const op of ['!=', '==', '='] as const) {
          if (part.startsWith(op, i)) {
            found = { lhs: part.slice(0, i), op, rhs: part.slice(i + op.length) };
            break;
          }
        }
      }
      if (!found) throw new Error(`invalid selector: '${s}'; can't understand '${part}'`);
      reqs.push({ field: found.lhs, operator: found.op, value: unescapeValue(found.rhs) });
    }
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  for (const r of reqs) {
    const canonical = rules.accepted.get(r.field);
    if (canonical === undefined) throw badRequest(rules.reject(r.field));
    r.field = canonical;
  }
  return { requirements: reqs, rules };
}

/** True when obj satisfies every requirement; absent fields read "" (unset booleans "false"). */
export function matchesFields(sel: FieldSelector, obj: KubeObject): boolean {
  return sel.requirements.every((r) => {
    const v =
      r.field === 'metadata.name'
        ? (obj.metadata.name ?? '')
        : r.field === 'metadata.namespace'
          ? (obj.metadata.namespace ?? '')
          : selectableValue(sel.rules, r.field, obj);
    return r.operator === '!=' ? v !== r.value : v === r.value;
  });
}

/** Canonical string form (fields.Selector.String), values re-escaped. */
export function fieldSelectorToString(sel: FieldSelector): string {
  const esc = (v: string): string => v.replace(/[\\,=]/g, (c) => `\\${c}`);
  return sel.requirements
    .map((r) => `${r.field}${r.operator === '!=' ? '!=' : '='}${esc(r.value)}`)
    .join(',');
}
