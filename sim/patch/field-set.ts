/**
 * Field sets as structured-merge-diff models them: a trie of path elements where each node
 * records which children are members of the set. Serialises to and from the FieldsV1 JSON
 * stored in metadata.managedFields, in the apiserver's element order.
 */
import type { Json, JsonObject } from '../k8s-types.js';
import { isObj, sortedJson } from './util.js';

/** One path element: `f:<field>`, `k:<json of key fields>`, `v:<json value>` or `i:<index>`. */
export type PathElement = string;
/** A path from the object root. */
export type FieldPath = readonly PathElement[];

/** Path element naming an object field. */
export function fieldPE(name: string): PathElement {
  return `f:${name}`;
}

/** Path element naming a list-map element by its key fields (serialised with sorted names). */
export function keyPE(key: JsonObject): PathElement {
  return `k:${sortedJson(key)}`;
}

/** Path element naming a set element by value. */
export function valuePE(v: Json): PathElement {
  return `v:${sortedJson(v)}`;
}

/** Canonical form of a path element read from FieldsV1 (key fields re-sorted). */
export function normalizePE(pe: string): PathElement {
  if (pe.startsWith('k:') || pe.startsWith('v:')) {
    try {
      return `${pe.slice(0, 2)}${sortedJson(JSON.parse(pe.slice(2)) as Json)}`;
    } catch {
      return pe;
    }
  }
  return pe;
}

const TYPE_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

function typeRank(v: Json): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null) return 4;
  return 5;
}

/** structured-merge-diff's value.Compare: numbers < strings < bools < lists < maps < null. */
function compareValues(a: Json, b: Json): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = typeof a === 'string' ? a : sortedJson(a);
  const sb = typeof b === 'string' ? b : sortedJson(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function parse(pe: PathElement): Json {
  try {
    return JSON.parse(pe.slice(2)) as Json;
  } catch {
    return pe.slice(2);
  }
}

/** PathElement.Compare: field names, then keys, then values, then indices. */
export function comparePE(a: PathElement, b: PathElement): number {
  const ta = TYPE_ORDER[a[0] ?? ''] ?? 4;
  const tb = TYPE_ORDER[b[0] ?? ''] ?? 4;
  if (ta !== tb) return ta - tb;
  if (ta === 0) return a < b ? -1 : a > b ? 1 : 0;
  if (ta === 3) return Number(a.slice(2)) - Number(b.slice(2));
  const va = parse(a);
  const vb = parse(b);
  if (ta === 1 && isObj(va) && isObj(vb)) {
    const fa = Object.keys(va).sort();
    const fb = Object.keys(vb).sort();
    for (let i = 0; i < Math.min(fa.length, fb.length); i++) {
      const na = fa[i] ?? '';
      const nb = fb[i] ?? '';
      if (na !== nb) return na < nb ? -1 : 1;
      const c = compareValues(va[na] ?? null, vb[nb] ?? null);
      if (c !== 0) return c;
    }
    return fa.length - fb.length;
  }
  return compareValues(va, vb);
}

function goValueString(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goValueString).join(',')}]`;
  if (isObj(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${k}=${goValueString(v[k] ?? null)}`)
      .join(',')}}`;
  return String(v);
}

/** fieldpath.Path.String(): `.spec.containers[name="web"].image`, as conflict messages print it. */
export function pathString(path: FieldPath): string {
  return path
    .map((pe) => {
      if (pe.startsWith('f:')) return `.${pe.slice(2)}`;
      if (pe.startsWith('i:')) return `[${pe.slice(2)}]`;
      const v = parse(pe);
      if (pe.startsWith('v:')) return `[=${goValueString(v)}]`;
      if (!isObj(v)) return `[${pe.slice(2)}]`;
      return `[${Object.keys(v)
        .sort()
        .map((k) => `${k}=${goValueString(v[k] ?? null)}`)
        .join(',')}]`;
    })
    .join('');
}

/** A set of field paths (fieldpath.Set). Instances are mutable only through insert(). */
export class FieldSet {
  private readonly members = new Set<PathElement>();
  private readonly kids = new Map<PathElement, FieldSet>();

  /** Adds path to the set. */
  insert(path: FieldPath): this {
    if (path.length === 0) return this;
    const [head, ...rest] = path as [PathElement, ...PathElement[]];
    if (rest.length === 0) {
      this.members.add(head);
    } else {
      let k = this.kids.get(head);
      if (!k) this.kids.set(head, (k = new FieldSet()));
      k.insert(rest);
    }
    return this;
  }

  /** True when path is a member. */
  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    const [head, ...rest] = path as [PathElement, ...PathElement[]];
    if (rest.length === 0) return this.members.has(head);
    return this.kids.get(head)?.has(rest) ?? false;
  }

  /** The subset below one path element, if any. */
  child(pe: PathElement): FieldSet | undefined {
    return this.kids.get(pe);
  }

  /** True when no path is a member. */
  isEmpty(): boolean {
    return this.members.size === 0 && [...this.kids.values()].every((k) => k.isEmpty());
  }

  /** Number of member paths. */
  get size(): number {
    let n = this.members.size;
    for (const k of this.kids.values()) n += k.size;
    return n;
  }

  /** Members in the apiserver's serialisation order. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const pes = [...new Set([...this.members, ...this.kids.keys()])].sort(comparePE);
    for (const pe of pes) {
      if (this.members.has(pe)) out.push([pe]);
      const k = this.kids.get(pe);
      if (k) for (const p of k.paths()) out.push([pe, ...p]);
    }
    return out;
  }

  /** Paths in this set or in other. */
  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const p of this.paths()) out.insert(p);
    for (const p of other.paths()) out.insert(p);
    return out;
  }

  /** Paths in this set that are not members of other (children of a member of other stay). */
  difference(other: FieldSet): FieldSet {
    return filterSet(this, (p) => !other.has(p));
  }

  /** Paths in both sets. */
  intersection(other: FieldSet): FieldSet {
    return filterSet(this, (p) => other.has(p));
  }

  /** Paths in this set that neither are in prefixes nor lie below one of its paths. */
  withoutPrefixes(prefixes: FieldSet): FieldSet {
    return filterSet(this, (p) => !p.some((_, i) => prefixes.has(p.slice(0, i + 1))));
  }

  /** Adds every field-named ancestor of each member (EnsureNamedFieldsAreMembers). */
  withNamedAncestors(): FieldSet {
    const out = new FieldSet();
    for (const p of this.paths()) {
      out.insert(p);
      for (let i = 1; i < p.length; i++) if (p[i - 1]?.startsWith('f:')) out.insert(p.slice(0, i));
    }
    return out;
  }
}

function filterSet(s: FieldSet, keep: (p: FieldPath) => boolean): FieldSet {
  const out = new FieldSet();
  for (const p of s.paths()) if (keep(p)) out.insert(p);
  return out;
}

/** Union of any number of sets. */
export function unionAll(sets: Iterable<FieldSet>): FieldSet {
  const out = new FieldSet();
  for (const s of sets) for (const p of s.paths()) out.insert(p);
  return out;
}

/** Serialises a set as FieldsV1 JSON: `.` marks a member that also has children. */
export function toFieldsV1(set: FieldSet): JsonObject {
  const out: JsonObject = {};
  const root = collect(set);
  for (const [pe, node] of root) out[pe] = node;
  return out;
}

function collect(set: FieldSet): [PathElement, JsonObject][] {
  const byPE = new Map<PathElement, { member: boolean; child: FieldSet | undefined }>();
  for (const p of set.paths()) {
    const head = p[0] ?? '';
    const e = byPE.get(head) ?? { member: false, child: set.child(head) };
    if (p.length === 1) e.member = true;
    byPE.set(head, e);
  }
  const pes = [...byPE.keys()].sort(comparePE);
  return pes.map((pe) => {
    const e = byPE.get(pe) ?? { member: false, child: undefined };
    const node: JsonObject = {};
    const kids = e.child && !e.child.isEmpty() ? collect(e.child) : [];
    if (e.member && kids.length > 0) node['.'] = {};
    for (const [k, v] of kids) node[k] = v;
    return [pe, node];
  });
}

/** Parses FieldsV1 JSON; anything that is not an object is ignored. */
export function fromFieldsV1(json: Json | undefined): FieldSet {
  const out = new FieldSet();
  const walk = (node: JsonObject, prefix: PathElement[]): void => {
    for (const [k, v] of Object.entries(node)) {
      if (k === '.') {
        out.insert(prefix);
        continue;
      }
      const path = [...prefix, normalizePE(k)];
      if (!isObj(v) || Object.keys(v).length === 0) out.insert(path);
      else walk(v, path);
    }
  };
  if (isObj(json)) walk(json, []);
  return out;
}
