/**
 * Label and field selectors, parsed and matched the way kube-apiserver does
 * (k8s.io/apimachinery/pkg/labels and /fields plus the per-kind field label conversions),
 * so error texts and edge cases (`x in ()`, `spec.nodeName=`, unset booleans) agree.
 */
import { badRequest } from './errors.js';
import { isJsonObject } from './k8s-types.js';
import { isQualifiedName, isValidLabelValue } from './kinds/names.js';

/** selection.Operator values as Kubernetes spells them. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement of a label selector. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/** A parsed label selector: requirements ANDed. matchesNothing is labels.Nothing() (a nil metav1.LabelSelector). */
export interface LabelSelector {
  requirements: LabelRequirement[];
  matchesNothing: boolean;
}

// ---------------------------------------------------------------- lexer

type Tok = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';
interface Item {
  tok: Tok;
  lit: string;
}
const STRING_TO_TOKEN = new Map<string, Tok>([
  [')', ')'],
  [',', ','],
  ['!', '!'],
  ['==', '=='],
  ['=', '='],
  ['>', '>'],
  ['in', 'in'],
  ['<', '<'],
  ['!=', '!='],
  ['notin', 'notin'],
  ['(', '('],
]);
const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch) && ch !== '';

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  const read = (): string => (pos < s.length ? (s[pos++] ?? '') : '');
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === '') {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    pos--;
    let buf = '';
    if (isSpecial(ch)) {
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === '') break;
        if (!isSpecial(c)) {
          pos--;
          break;
        }
        buf += c;
        const t = STRING_TO_TOKEN.get(buf);
        if (t) last = { tok: t, lit: buf };
        else if (last) {
          pos--;
          break;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
    } else {
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        buf += c;
      }
      items.push({ tok: STRING_TO_TOKEN.get(buf) ?? 'id', lit: buf });
    }
  }
}

// ---------------------------------------------------------------- requirements

/** Go's field.Error text for an Invalid value. */
function invalidMsg(path: string, value: string | string[], detail: string): string {
  return `${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`;
}

/** utilerrors aggregate text: one error bare, several bracketed and de-duplicated. */
function aggregate(errs: string[]): string {
  const uniq = [...new Set(errs)];
  return uniq.length === 1 ? (uniq[0] ?? '') : `[${uniq.join(', ')}]`;
}

function validateLabelKey(key: string, path: string): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalidMsg(path, key, errs.join('; ')) : undefined;
}

const INT64 = /^[+-]?\d+$/;
function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n > 9223372036854775807n || n < -9223372036854775808n ? undefined : n;
}

/** labels.NewRequirement: validates and builds; throws an Error with the aggregated field errors. */
function newRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs: string[] = [];
  const keyErr = validateLabelKey(key, 'key');
  if (keyErr) errs.push(keyErr);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0)
        errs.push(invalidMsg('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1)
        errs.push(invalidMsg('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0)
        errs.push(invalidMsg('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1)
        errs.push(invalidMsg('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined)
          errs.push(invalidMsg(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  values.forEach((v, i) => {
    const ve = isValidLabelValue(v);
    if (ve.length) errs.push(invalidMsg(`values[${i}][${key}]`, v, ve.join('; ')));
  });
  if (errs.length) throw new Error(aggregate(errs));
  return { key, operator, values };
}

// ---------------------------------------------------------------- parser

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  /** In value context `in` and `notin` are plain identifiers (`x in (in)`). */
  private lookahead(values: boolean): Item {
    const it = this.items[this.position] ?? { tok: 'eos', lit: '' };
    return values && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'id', lit: it.lit } : it;
  }
  private consume(values: boolean): Item {
    const it = this.lookahead(values);
    this.position++;
    return it;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === 'id' || tok === '!') {
        let r: LabelRequirement;
        try {
          r = this.parseRequirement();
        } catch (e) {
          throw new Error(`unable to parse requirement: ${(e as Error).message}`, { cause: e });
        }
        reqs.push(r);
        const t = this.consume(true);
        if (t.tok === 'eos') return reqs;
        if (t.tok === ',') {
          const t2 = this.lookahead(true);
          if (t2.tok !== 'id' && t2.tok !== '!')
            throw new Error(`found '${t2.lit}', expected: identifier after ','`);
        } else {
          throw new Error(`found '${t.lit}', expected: ',' or 'end of string'`);
        }
      } else if (tok === 'eos') {
        return reqs;
      } else {
        throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    let op: LabelOperator | undefined;
    let t = this.consume(true);
    if (t.tok === '!') {
      op = '!';
      t = this.consume(true);
    }
    if (t.tok !== 'id') throw new Error(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyErr = validateLabelKey(key, '');
    if (keyErr) throw new Error(keyErr);
    const next = this.lookahead(true).tok;
    if (next === 'eos' || next === ',') op ??= 'exists';
    if (op === 'exists' || op === '!') return newRequirement(key, op, []);
    const o = this.consume(false);
    const OPS: Partial<Record<Tok, LabelOperator>> = {
      in: 'in',
      '=': '=',
      '==': '==',
      '>': 'gt',
      '<': 'lt',
      notin: 'notin',
      '!=': '!=',
    };
    const operator = OPS[o.tok];
    if (!operator) throw new Error(`found '${o.lit}', expected: ${BINARY_OPERATORS}`);
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, operator, [...new Set(values)].sort());
  }

  private parseValues(): string[] {
    const t = this.consume(true);
    if (t.tok !== '(') throw new Error(`found '${t.lit}' expected: '('`);
    const la = this.lookahead(true);
    if (la.tok === 'id' || la.tok === ',') {
      const s = this.parseIdentifiersList();
      if (this.consume(true).tok !== ')') throw new Error(`found '${la.lit}', expected: ')'`);
      return s;
    }
    if (la.tok === ')') {
      this.consume(true);
      return [''];
    }
    throw new Error(`found '${la.lit}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): string[] {
    const s: string[] = [];
    for (;;) {
      const t = this.consume(true);
      if (t.tok === 'id') {
        s.push(t.lit);
        const t2 = this.lookahead(true);
        if (t2.tok === ',') continue;
        if (t2.tok === ')') return s;
        throw new Error(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (t.tok === ',') {
        // Empty members are allowed: `(,a)`, `(a,)` and `(a,,b)` all include "".
        if (s.length === 0) s.push('');
        const t2 = this.lookahead(true);
        if (t2.tok === ')') {
          s.push('');
          return s;
        }
        if (t2.tok === ',') {
          this.consume(true);
          s.push('');
        }
      } else {
        throw new Error(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const la = this.lookahead(true);
    if (la.tok === 'eos' || la.tok === ',') return [''];
    const t = this.consume(true);
    if (t.tok === 'id') return [t.lit];
    throw new Error(`found '${t.lit}', expected: identifier`);
  }
}

function byKey(reqs: LabelRequirement[]): LabelRequirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Parses a `labelSelector=` string like labels.Parse; throws 400 BadRequest with the apiserver's message. */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    return { requirements: byKey(new Parser(lex(s)).parse()), matchesNothing: false };
  } catch (e) {
    throw badRequest((e as Error).message);
  }
}

/** Matches like labels.Selector.Matches; undefined labels match as an empty set. */
export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (sel.matchesNothing) return false;
  const ls = labels ?? {};
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(ls, k);
  return sel.requirements.every((r) => {
    switch (r.operator) {
      case 'in':
      case '=':
      case '==':
        return has(r.key) && r.values.includes(ls[r.key] ?? '');
      case 'notin':
      case '!=':
        return !has(r.key) || !r.values.includes(ls[r.key] ?? '');
      case 'exists':
        return has(r.key);
      case '!':
        return !has(r.key);
      case 'gt':
      case 'lt': {
        if (!has(r.key) || r.values.length !== 1) return false;
        const lv = parseInt64(ls[r.key] ?? '');
        const rv = parseInt64(r.values[0] ?? '');
        if (lv === undefined || rv === undefined) return false;
        return r.operator === 'gt' ? lv > rv : lv < rv;
      }
    }
    return false;
  });
}

function requirementString(r: LabelRequirement): string {
  let s = r.operator === '!' ? `!${r.key}` : r.key;
  if (r.operator === 'exists' || r.operator === '!') return s;
  const ops: Record<string, string> = {
    '=': '=',
    '==': '==',
    '!=': '!=',
    in: ' in ',
    notin: ' notin ',
    gt: '>',
    lt: '<',
  };
  s += ops[r.operator] ?? '';
  const vals = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort().join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${vals})` : s + vals;
}

/** Canonical string form, as labels.Selector.String (requirements sorted by key). */
export function selectorToString(sel: LabelSelector): string {
  return sel.matchesNothing ? '' : sel.requirements.map(requirementString).join(',');
}

/** A selector matching exactly the given labels (labels.SelectorFromSet), e.g. a Service's spec.selector. */
export function selectorFromSet(set: Record<string, string> | undefined): LabelSelector {
  const reqs = Object.entries(set ?? {}).map(([key, v]) => ({ key, operator: '=' as const, values: [v] }));
  return { requirements: byKey(reqs), matchesNothing: false };
}

/**
 * metav1.LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything.
 * Throws 400 BadRequest with Kubernetes' text when the selector is invalid.
 */
export function selectorFromLabelSelectorObject(obj: unknown): LabelSelector {
  if (obj === undefined || obj === null) return { requirements: [], matchesNothing: true };
  if (!isJsonObject(obj)) throw badRequest('invalid label selector');
  const reqs: LabelRequirement[] = [];
  try {
    const ml = obj['matchLabels'];
    if (isJsonObject(ml))
      for (const [k, v] of Object.entries(ml)) reqs.push(newRequirement(k, '=', [String(v)]));
    const me = obj['matchExpressions'];
    if (Array.isArray(me)) {
      for (const e of me) {
        if (!isJsonObject(e)) continue;
        const opName = String(e['operator'] ?? '');
        const OPS: Record<string, LabelOperator> = {
          In: 'in',
          NotIn: 'notin',
          Exists: 'exists',
          DoesNotExist: '!',
        };
        const op = OPS[opName];
        if (!op) throw new Error(`${JSON.stringify(opName)} is not a valid label selector operator`);
        const vals = Array.isArray(e['values']) ? e['values'].map(String) : [];
        reqs.push(newRequirement(String(e['key'] ?? ''), op, vals));
      }
    }
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  return { requirements: byKey(reqs), matchesNothing: false };
}

/** metav1.FormatLabelSelector: "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(obj: unknown): string {
  try {
    return selectorToString(selectorFromLabelSelectorObject(obj)) || '<none>';
  } catch {
    return '<error>';
  }
}

export {
  parseFieldSelector,
  matchesFields,
  fieldSelectorToString,
  type FieldSelector,
  type FieldRequirement,
} from './kinds/field-labels.js';
