/**
 * The JSONPath subset of k8s.io/client-go/util/jsonpath that CRD additionalPrinterColumns and
 * kubectl templates use: fields, escaped dots, [n], [-n], [*], .*, slices, unions, ['key'],
 * ..recursive descent and [?(@.a.b == "x")] filters. Missing keys yield no result
 * (AllowMissingKeys), which is how the apiserver evaluates printer columns.
 */
import { isJsonObject, type Json } from './k8s-types.js';

type Literal = string | number | boolean | null;
type Operand = { path: Segment[] } | { literal: Literal };
type Filter = { left: Operand; op: '==' | '!=' | '<' | '>' | '<=' | '>=' | 'exists'; right?: Operand };

type Segment =
  | { t: 'field'; name: string }
  | { t: 'recursive'; name: string }
  | { t: 'wildcard' }
  | { t: 'index'; indexes: number[] }
  | { t: 'slice'; start: number | undefined; end: number | undefined; step: number }
  | { t: 'filter'; filter: Filter };

class Scanner {
  pos = 0;
  constructor(readonly s: string) {}
  peek(n = 0): string {
    return this.s[this.pos + n] ?? '';
  }
  eof(): boolean {
    return this.pos >= this.s.length;
  }
  fail(msg: string): never {
    throw new Error(`unrecognized JSONPath ${JSON.stringify(this.s)}: ${msg} at position ${this.pos}`);
  }
  skipSpaces(): void {
    while (this.peek() === ' ') this.pos++;
  }
}

const FIELD_STOP = new Set([
  '.',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  ' ',
  '=',
  '!',
  '<',
  '>',
  ',',
  '"',
  "'",
  '@',
  '',
]);

function parseFieldName(sc: Scanner): string {
  let name = '';
  while (!FIELD_STOP.has(sc.peek())) {
    if (sc.peek() === '\\' && sc.peek(1) !== '') {
      // kubectl accepts `labels.app\.kubernetes\.io/name` for keys containing dots.
      name += sc.peek(1);
      sc.pos += 2;
    } else {
      name += sc.peek();
      sc.pos++;
    }
  }
  return name;
}

function parseQuoted(sc: Scanner): string {
  const q = sc.peek();
  sc.pos++;
  let out = '';
  while (!sc.eof() && sc.peek() !== q) {
    if (sc.peek() === '\\' && sc.peek(1) !== '') sc.pos++;
    out += sc.peek();
    sc.pos++;
  }
  if (sc.peek() !== q) sc.fail('unterminated string');
  sc.pos++;
  return out;
}

function parseNumber(sc: Scanner): number | undefined {
  const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(sc.s.slice(sc.pos));
  if (!m) return undefined;
  sc.pos += m[0].length;
  return Number(m[0]);
}

function parseOperand(sc: Scanner): Operand {
  sc.skipSpaces();
  const c = sc.peek();
  if (c === '@' || c === '$') {
    sc.pos++;
    return { path: parseSegments(sc, true) };
  }
  if (c === '"' || c === "'") return { literal: parseQuoted(sc) };
  for (const [word, value] of [
    ['true', true],
    ['false', false],
    ['null', null],
  ] as const) {
    if (sc.s.startsWith(word, sc.pos)) {
      sc.pos += word.length;
      return { literal: value };
    }
  }
  const n = parseNumber(sc);
  if (n === undefined) sc.fail('expected a filter operand');
  return { literal: n };
}

function parseFilter(sc: Scanner): Filter {
  const left = parseOperand(sc);
  sc.skipSpaces();
  const m = /^(==|!=|<=|>=|<|>)/.exec(sc.s.slice(sc.pos));
  if (!m) return { left, op: 'exists' };
  sc.pos += (m[1] ?? '').length;
  const right = parseOperand(sc);
  sc.skipSpaces();
  return { left, op: m[1] as Filter['op'], right };
}

function parseBracket(sc: Scanner): Segment {
  sc.pos++; // [
  sc.skipSpaces();
  let seg: Segment;
  const c = sc.peek();
  if (c === '?') {
    sc.pos++;
    if (sc.peek() !== '(') sc.fail("expected '(' after '?'");
    sc.pos++;
    seg = { t: 'filter', filter: parseFilter(sc) };
    if (sc.peek() !== ')') sc.fail("expected ')'");
    sc.pos++;
  } else if (c === '*') {
    sc.pos++;
    seg = { t: 'wildcard' };
  } else if (c === '"' || c === "'") {
    seg = { t: 'field', name: parseQuoted(sc) };
  } else {
    const nums: (number | undefined)[] = [parseNumber(sc)];
    let colons = 0;
    let comma = false;
    for (sc.skipSpaces(); sc.peek() === ':' || sc.peek() === ','; sc.skipSpaces()) {
      if (sc.peek() === ':') colons++;
      else comma = true;
      sc.pos++;
      sc.skipSpaces();
      nums.push(parseNumber(sc));
    }
    if (colons > 0 && !comma) {
      const [start, end, step] = nums;
      seg = { t: 'slice', start, end, step: step ?? 1 };
    } else {
      if (nums.some((n) => n === undefined) || (colons > 0 && comma)) sc.fail('invalid array index');
      seg = { t: 'index', indexes: nums.filter((n): n is number => n !== undefined) };
    }
  }
  sc.skipSpaces();
  if (sc.peek() !== ']') sc.fail("expected ']'");
  sc.pos++;
  return seg;
}

function parseSegments(sc: Scanner, inFilter: boolean): Segment[] {
  const segs: Segment[] = [];
  for (;;) {
    const c = sc.peek();
    if (c === '.' && sc.peek(1) === '.') {
      sc.pos += 2;
      if (sc.peek() === '*') {
        sc.pos++;
        segs.push({ t: 'recursive', name: '*' });
      } else segs.push({ t: 'recursive', name: parseFieldName(sc) });
    } else if (c === '.') {
      sc.pos++;
      if (sc.peek() === '*') {
        sc.pos++;
        segs.push({ t: 'wildcard' });
      } else if (sc.peek() === '[') {
        // `.[0]` is tolerated by client-go
        continue;
      } else {
        const name = parseFieldName(sc);
        if (name !== '') segs.push({ t: 'field', name });
      }
    } else if (c === '[') {
      segs.push(parseBracket(sc));
    } else if (c === '' || inFilter) {
      return segs;
    } else {
      sc.fail(`unexpected ${JSON.stringify(c)}`);
    }
  }
}

const cache = new Map<string, Segment[]>();

/** Parses a path (with or without `{}` and a leading `$`); throws Error when it is not valid. */
function parseJsonPath(path: string): Segment[] {
  const hit = cache.get(path);
  if (hit) return hit;
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  if (p.startsWith('$')) p = p.slice(1);
  const sc = new Scanner(p);
  const segs = parseSegments(sc, false);
  if (cache.size > 500) cache.clear();
  cache.set(path, segs);
  return segs;
}

function children(v: Json): Json[] {
  if (Array.isArray(v)) return v;
  if (isJsonObject(v)) return Object.values(v);
  return [];
}

function descendants(v: Json, out: Json[]): void {
  out.push(v);
  for (const c of children(v)) descendants(c, out);
}

function compare(a: Json | undefined, b: Json | undefined, op: Filter['op']): boolean {
  if (op === '==' || op === '!=') {
    const eq = typeof a === typeof b && JSON.stringify(a) === JSON.stringify(b);
    return op === '==' ? eq : !eq;
  }
  if (typeof a === 'number' && typeof b === 'number')
    return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
  if (typeof a === 'string' && typeof b === 'string')
    return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
  return false;
}

function operand(o: Operand, item: Json): Json[] {
  return 'literal' in o ? [o.literal] : evalSegments([item], o.path);
}

function applySegment(values: Json[], seg: Segment): Json[] {
  const out: Json[] = [];
  for (const v of values) {
    switch (seg.t) {
      case 'field':
        if (isJsonObject(v) && Object.prototype.hasOwnProperty.call(v, seg.name)) {
          const x = v[seg.name];
          if (x !== undefined) out.push(x);
        }
        break;
      case 'wildcard':
        out.push(...children(v));
        break;
      case 'recursive': {
        const all: Json[] = [];
        descendants(v, all);
        for (const d of all) {
          if (seg.name === '*') out.push(...children(d));
          else if (isJsonObject(d) && Object.prototype.hasOwnProperty.call(d, seg.name)) {
            const x = d[seg.name];
            if (x !== undefined) out.push(x);
          }
        }
        break;
      }
      case 'index':
        if (Array.isArray(v))
          for (const i of seg.indexes) {
            const x = v[i < 0 ? v.length + i : i];
            if (x !== undefined) out.push(x);
          }
        break;
      case 'slice': {
        if (!Array.isArray(v) || seg.step <= 0) break;
        const norm = (n: number): number => Math.min(Math.max(n < 0 ? v.length + n : n, 0), v.length);
        const end = seg.end === undefined ? v.length : norm(seg.end);
        for (let i = seg.start === undefined ? 0 : norm(seg.start); i < end; i += seg.step) {
          const x = v[i];
          if (x !== undefined) out.push(x);
        }
        break;
      }
      case 'filter':
        if (!Array.isArray(v)) break;
        for (const item of v) {
          const lefts = operand(seg.filter.left, item);
          if (seg.filter.op === 'exists') {
            if (lefts.length > 0) out.push(item);
            continue;
          }
          const rights = seg.filter.right ? operand(seg.filter.right, item) : [];
          if (lefts.length === 1 && rights.length === 1 && compare(lefts[0], rights[0], seg.filter.op))
            out.push(item);
        }
        break;
    }
  }
  return out;
}

function evalSegments(values: Json[], segs: Segment[]): Json[] {
  return segs.reduce(applySegment, values);
}

/** Evaluates path against obj; returns every match in document order ([] when nothing matches). */
export function evalJsonPath(obj: unknown, path: string): Json[] {
  return evalSegments([obj as Json], parseJsonPath(path));
}

/** True when path parses (CRD validation rejects additionalPrinterColumns it cannot parse). */
export function isValidJsonPath(path: string): boolean {
  try {
    parseJsonPath(path);
    return true;
  } catch {
    return false;
  }
}
