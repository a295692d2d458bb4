/**
 * Field sets as structured-merge-diff models them: a trie of path elements where each node
 * records which children are members of the set. Serialises to and from the FieldsV1 JSON
 * stored in metadata.managedFields, in the apiserver's element order.
 *
 * The set operations work on the trie directly and share unchanged subtrees between sets
 * (copy-on-write: insert() copies a shared node before changing it). Sets holding a path
 * element that can compare equal to a different one (malformed FieldsV1 from a client, where
 * the serialisation order would depend on insertion order) fall back to the path-by-path
 * definitions so that their results stay exactly those of fieldpath.Set's reference semantics.
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

/** Memo tables for path elements; cleared wholesale when they grow past this many entries. */
const MEMO_LIMIT = 1 << 15;

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

const normalized = new Map<string, PathElement>();

/** Canonical form of a path element read from FieldsV1 (key fields re-sorted). */
export function normalizePE(pe: string): PathElement {
  const c = pe.charCodeAt(0);
  if ((c !== 107 && c !== 118) || pe.charCodeAt(1) !== 58) return pe;
  const hit = normalized.get(pe);
  if (hit !== undefined) return hit;
  let out: PathElement;
  try {
    out = `${pe.slice(0, 2)}${sortedJson(JSON.parse(pe.slice(2)) as Json)}`;
  } catch {
    out = pe;
  }
  return remember(normalized, pe, out);
}

/** Rank of a path element's type in PathElement.Compare: f < k < v < i < anything else. */
function peType(pe: PathElement): number {
  switch (pe.charCodeAt(0)) {
    case 102: // f
      return 0;
    case 107: // k
      return 1;
    case 118: // v
      return 2;
    case 105: // i
      return 3;
    default:
      return 4;
  }
}

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

/** A path element's value as comparisons need it (never mutated: shared through the memo). */
interface ParsedPE {
  value: Json;
  /** The value when it is an object, with its field names sorted. */
  object: JsonObject | undefined;
  fields: string[];
}

const parsedMemo = new Map<string, ParsedPE>();

function parsed(pe: PathElement): ParsedPE {
  const hit = parsedMemo.get(pe);
  if (hit !== undefined) return hit;
  const value = parse(pe);
  const object = isObj(value) ? value : undefined;
  return remember(parsedMemo, pe, { value, object, fields: object ? Object.keys(object).sort() : [] });
}

/** PathElement.Compare: field names, then keys, then values, then indices. */
export function comparePE(a: PathElement, b: PathElement): number {
  const ta = peType(a);
  const tb = peType(b);
  if (ta !== tb) return ta - tb;
  if (ta === 0) return a < b ? -1 : a > b ? 1 : 0;
  if (ta === 3) return Number(a.slice(2)) - Number(b.slice(2));
  const pa = parsed(a);
  const pb = parsed(b);
  const va = pa.object;
  const vb = pb.object;
  if (ta === 1 && va !== undefined && vb !== undefined) {
    const fa = pa.fields;
    const fb = pb.fields;
    const n = Math.min(fa.length, fb.length);
    for (let i = 0; i < n; i++) {
      const na = fa[i] ?? '';
      const nb = fb[i] ?? '';
      if (na !== nb) return na < nb ? -1 : 1;
      const c = compareValues(va[na] ?? null, vb[nb] ?? null);
      if (c !== 0) return c;
    }
    return fa.length - fb.length;
  }
  return compareValues(pa.value, pb.value);
}

const canonicalMemo = new Map<string, boolean>();

/**
 * True when comparePE orders pe strictly against every other path element that also passes
 * this test: field names, canonical indices, and keys/values in canonical JSON. Only sets made
 * of such elements have an element order that does not depend on how they were built.
 */
function orderedPE(pe: PathElement): boolean {
  const c = pe.charCodeAt(0);
  if (c === 102) return true;
  if (pe.charCodeAt(1) !== 58) return false;
  if (c === 105) {
    const rest = pe.slice(2);
    const n = Number(rest);
    return Number.isFinite(n) && String(n) === rest;
  }
  if (c !== 107 && c !== 118) return false;
  const hit = canonicalMemo.get(pe);
  if (hit !== undefined) return hit;
  let ok: boolean;
  try {
    const rest = pe.slice(2);
    ok = sortedJson(JSON.parse(rest) as Json) === rest;
  } catch {
    ok = false;
  }
  return remember(canonicalMemo, pe, ok);
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

/** Shared stand-ins for a node without members or children; never mutated. */
const NO_MEMBERS: ReadonlySet<PathElement> = new Set<PathElement>();
const NO_KIDS: ReadonlyMap<PathElement, FieldSet> = new Map<PathElement, FieldSet>();

let lastOwner = 0;

/** Serialises a set made only of ordered path elements (see toFieldsV1). */
let fieldsV1Of: (set: FieldSet) => JsonObject;
/** Builds a set from FieldsV1 JSON (see fromFieldsV1). */
let fieldSetFrom: (json: JsonObject) => FieldSet;
/** True when the set holds a path element whose order depends on how the set was built. */
let isUnordered: (set: FieldSet) => boolean;

/** A set of field paths (fieldpath.Set). Instances are mutable only through insert(). */
export class FieldSet {
  private members: ReadonlySet<PathElement> = NO_MEMBERS;
  private kids: ReadonlyMap<PathElement, FieldSet> = NO_KIDS;
  /**
   * Nodes are shared between sets; a node may be changed in place only by inserts into the set
   * (root) that has the same owner number. Everything else is copied first.
   */
  private owner: number = ++lastOwner;
  /** Some element in this subtree is not an orderedPE: operations take the path-based route. */
  private unordered = false;
  /** Cached element order of this node (members and children), as paths() visits them. */
  private order: PathElement[] | undefined = undefined;

  private static node(
    members: ReadonlySet<PathElement>,
    kids: ReadonlyMap<PathElement, FieldSet>,
    owner: number,
  ): FieldSet {
    const n = new FieldSet();
    n.members = members;
    n.kids = kids;
    n.owner = owner;
    return n;
  }

  /** A copy of this node for owner, sharing the children. */
  private copyFor(owner: number): FieldSet {
    const n = FieldSet.node(
      this.members.size === 0 ? NO_MEMBERS : new Set(this.members),
      this.kids.size === 0 ? NO_KIDS : new Map(this.kids),
      owner,
    );
    n.unordered = this.unordered;
    n.order = this.order;
    return n;
  }

  /** A set (root) whose contents are node's; node itself when it is owner's. */
  private static rootOf(node: FieldSet | undefined, owner: number): FieldSet {
    if (node === undefined) return new FieldSet();
    return node.owner === owner ? node : node.copyFor(owner);
  }

  private addMember(pe: PathElement): void {
    if (this.members.has(pe)) return;
    const m = this.members === NO_MEMBERS ? new Set<PathElement>() : (this.members as Set<PathElement>);
    m.add(pe);
    this.members = m;
    this.order = undefined;
    if (!orderedPE(pe)) this.unordered = true;
  }

  private addKid(pe: PathElement, kid: FieldSet): void {
    const k = this.kids === NO_KIDS ? new Map<PathElement, FieldSet>() : (this.kids as Map<PathElement, FieldSet>);
    if (!k.has(pe)) this.order = undefined;
    k.set(pe, kid);
    this.kids = k;
    if (!orderedPE(pe)) this.unordered = true;
  }

  /** Adds path to the set. */
  insert(path: FieldPath): this {
    const n = path.length;
    if (n === 0) return this;
    const owner = this.owner;
    let node: FieldSet = this;
    let deepestUnordered = -1;
    for (let i = 0; i < n - 1; i++) {
      const pe = path[i] ?? '';
      let k = node.kids.get(pe);
      if (k === undefined) {
        k = FieldSet.node(NO_MEMBERS, NO_KIDS, owner);
        node.addKid(pe, k);
      } else if (k.owner !== owner) {
        // Shared with another set: change a private copy.
        k = k.copyFor(owner);
        node.addKid(pe, k);
      }
      if (node.unordered) deepestUnordered = i;
      node = k;
    }
    node.addMember(path[n - 1] ?? '');
    if (node.unordered) deepestUnordered = n - 1;
    // Keep "unordered" true on every ancestor of an unordered node.
    node = this;
    for (let i = 0; i < deepestUnordered && !node.unordered; i++) {
      node.unordered = true;
      node = node.kids.get(path[i] ?? '') ?? node;
    }
    return this;
  }

  /** True when path is a member. */
  has(path: FieldPath): boolean {
    const n = path.length;
    if (n === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < n - 1 && node !== undefined; i++) node = node.kids.get(path[i] ?? '');
    return node !== undefined && node.members.has(path[n - 1] ?? '');
  }

  /** The subset below one path element, if any. */
  child(pe: PathElement): FieldSet | undefined {
    return this.kids.get(pe);
  }

  /** True when no path is a member. */
  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const k of this.kids.values()) if (!k.isEmpty()) return false;
    return true;
  }

  /** Number of member paths. */
  get size(): number {
    let n = this.members.size;
    for (const k of this.kids.values()) n += k.size;
    return n;
  }

  /** Members and children of this node, sorted with comparePE (stable: members first). */
  private sorted(): PathElement[] {
    let s = this.order;
    if (s !== undefined) return s;
    s = [...this.members];
    for (const pe of this.kids.keys()) if (!this.members.has(pe)) s.push(pe);
    if (s.length > 1) {
      // Field names alone sort as plain strings, which is what comparePE does with them.
      if (s.every((pe) => pe.charCodeAt(0) === 102)) s.sort();
      else s.sort(comparePE);
    }
    this.order = s;
    return s;
  }

  /** Members in the apiserver's serialisation order. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const prefix: PathElement[] = [];
    const walk = (node: FieldSet): void => {
      for (const pe of node.sorted()) {
        if (node.members.has(pe)) out.push([...prefix, pe]);
        const k = node.kids.get(pe);
        if (k !== undefined) {
          prefix.push(pe);
          walk(k);
          prefix.pop();
        }
      }
    };
    walk(this);
    return out;
  }

  /** Paths in this set or in other. */
  union(other: FieldSet): FieldSet {
    if (this.unordered || other.unordered) return unionByPaths([this, other]);
    const owner = ++lastOwner;
    return FieldSet.rootOf(FieldSet.unionOf(this, other, owner), owner);
  }

  /** Paths in this set that are not members of other (children of a member of other stay). */
  difference(other: FieldSet): FieldSet {
    if (this.unordered || other.unordered) return filterSet(this, (p) => !other.has(p));
    const owner = ++lastOwner;
    return FieldSet.rootOf(FieldSet.differenceOf(this, other, owner), owner);
  }

  /** Paths in both sets. */
  intersection(other: FieldSet): FieldSet {
    if (this.unordered || other.unordered) return filterSet(this, (p) => other.has(p));
    const owner = ++lastOwner;
    return FieldSet.rootOf(FieldSet.intersectionOf(this, other, owner), owner);
  }

  /** Paths in this set that neither are in prefixes nor lie below one of its paths. */
  withoutPrefixes(prefixes: FieldSet): FieldSet {
    if (this.unordered || prefixes.unordered)
      return filterSet(this, (p) => !p.some((_, i) => prefixes.has(p.slice(0, i + 1))));
    const owner = ++lastOwner;
    return FieldSet.rootOf(FieldSet.withoutPrefixesOf(this, prefixes, owner), owner);
  }

  /** Adds every field-named ancestor of each member (EnsureNamedFieldsAreMembers). */
  withNamedAncestors(): FieldSet {
    if (this.unordered) {
      const out = new FieldSet();
      for (const p of this.paths()) {
        out.insert(p);
        for (let i = 1; i < p.length; i++) if (p[i - 1]?.startsWith('f:')) out.insert(p.slice(0, i));
      }
      return out;
    }
    const owner = ++lastOwner;
    return FieldSet.rootOf(FieldSet.namedAncestorsOf(this, owner), owner);
  }

  // The node operations below assume ordered elements only (so the order in which a node's
  // members and children were added never shows), never return an empty node (undefined
  // instead), return an input node unchanged where they can, and never modify their inputs.

  private static isVoid(n: FieldSet): boolean {
    return n.members.size === 0 && n.kids.size === 0;
  }

  private static make(
    a: FieldSet,
    members: ReadonlySet<PathElement>,
    kids: ReadonlyMap<PathElement, FieldSet>,
    owner: number,
  ): FieldSet | undefined {
    if (members === a.members && kids === a.kids) return a;
    if (members.size === 0 && kids.size === 0) return undefined;
    return FieldSet.node(
      members === a.members && members.size > 0 ? new Set(members) : members,
      kids === a.kids && kids.size > 0 ? new Map(kids) : kids,
      owner,
    );
  }

  private static unionOf(a: FieldSet, b: FieldSet, owner: number): FieldSet | undefined {
    if (a === b || FieldSet.isVoid(b)) return FieldSet.isVoid(a) ? undefined : a;
    if (FieldSet.isVoid(a)) return b;
    let members = a.members;
    for (const pe of b.members) {
      if (members.has(pe)) continue;
      if (members === a.members) members = new Set(a.members);
      (members as Set<PathElement>).add(pe);
    }
    let kids = a.kids;
    for (const [pe, bk] of b.kids) {
      const ak = a.kids.get(pe);
      const u = ak === undefined ? bk : FieldSet.unionOf(ak, bk, owner);
      if (u === ak || u === undefined) continue;
      if (kids === a.kids) kids = new Map(a.kids);
      (kids as Map<PathElement, FieldSet>).set(pe, u);
    }
    return FieldSet.make(a, members, kids, owner);
  }

  private static differenceOf(a: FieldSet, b: FieldSet, owner: number): FieldSet | undefined {
    if (a === b || FieldSet.isVoid(a)) return undefined;
    if (FieldSet.isVoid(b)) return a;
    let members = a.members;
    if (members.size > 0 && b.members.size > 0) {
      if (b.members.size < members.size) {
        for (const pe of b.members) {
          if (!members.has(pe)) continue;
          if (members === a.members) members = new Set(a.members);
          (members as Set<PathElement>).delete(pe);
        }
      } else {
        const kept = new Set<PathElement>();
        for (const pe of a.members) if (!b.members.has(pe)) kept.add(pe);
        if (kept.size !== a.members.size) members = kept;
      }
    }
    let kids = a.kids;
    if (kids.size > 0 && b.kids.size > 0) {
      const small = b.kids.size < a.kids.size;
      for (const pe of small ? b.kids.keys() : a.kids.keys()) {
        const ak = a.kids.get(pe);
        const bk = b.kids.get(pe);
        if (ak === undefined || bk === undefined) continue;
        const d = FieldSet.differenceOf(ak, bk, owner);
        if (d === ak) continue;
        if (kids === a.kids) kids = new Map(a.kids);
        if (d === undefined) (kids as Map<PathElement, FieldSet>).delete(pe);
        else (kids as Map<PathElement, FieldSet>).set(pe, d);
      }
    }
    return FieldSet.make(a, members, kids, owner);
  }

  private static intersectionOf(a: FieldSet, b: FieldSet, owner: number): FieldSet | undefined {
    if (FieldSet.isVoid(a) || FieldSet.isVoid(b)) return undefined;
    if (a === b) return a;
    let members = a.members;
    if (members.size > 0) {
      const [small, large] = members.size <= b.members.size ? [members, b.members] : [b.members, members];
      const kept = new Set<PathElement>();
      for (const pe of small) if (large.has(pe)) kept.add(pe);
      if (kept.size !== members.size) members = kept.size === 0 ? NO_MEMBERS : kept;
    }
    let kids = a.kids;
    if (kids.size > 0) {
      const kept = new Map<PathElement, FieldSet>();
      let same = true;
      const small = b.kids.size < a.kids.size;
      for (const pe of small ? b.kids.keys() : a.kids.keys()) {
        const ak = a.kids.get(pe);
        const bk = b.kids.get(pe);
        if (ak === undefined || bk === undefined) continue;
        const x = FieldSet.intersectionOf(ak, bk, owner);
        if (x === undefined) continue;
        if (x !== ak) same = false;
        kept.set(pe, x);
      }
      if (!same || kept.size !== kids.size) kids = kept.size === 0 ? NO_KIDS : kept;
    }
    return FieldSet.make(a, members, kids, owner);
  }

  private static withoutPrefixesOf(a: FieldSet, p: FieldSet, owner: number): FieldSet | undefined {
    if (FieldSet.isVoid(a)) return undefined;
    if (FieldSet.isVoid(p)) return a;
    let members = a.members;
    let kids = a.kids;
    for (const pe of p.members) {
      if (members.has(pe)) {
        if (members === a.members) members = new Set(a.members);
        (members as Set<PathElement>).delete(pe);
      }
      if (kids.has(pe)) {
        if (kids === a.kids) kids = new Map(a.kids);
        (kids as Map<PathElement, FieldSet>).delete(pe);
      }
    }
    for (const [pe, pk] of p.kids) {
      if (p.members.has(pe)) continue;
      const ak = a.kids.get(pe);
      if (ak === undefined) continue;
      const r = FieldSet.withoutPrefixesOf(ak, pk, owner);
      if (r === ak) continue;
      if (kids === a.kids) kids = new Map(a.kids);
      if (r === undefined) (kids as Map<PathElement, FieldSet>).delete(pe);
      else (kids as Map<PathElement, FieldSet>).set(pe, r);
    }
    return FieldSet.make(a, members, kids, owner);
  }

  private static namedAncestorsOf(a: FieldSet, owner: number): FieldSet | undefined {
    if (FieldSet.isVoid(a)) return undefined;
    let members = a.members;
    let kids = a.kids;
    for (const [pe, k] of a.kids) {
      if (pe.startsWith('f:') && !members.has(pe)) {
        if (members === a.members) members = new Set(a.members);
        (members as Set<PathElement>).add(pe);
      }
      const r = FieldSet.namedAncestorsOf(k, owner);
      if (r === k || r === undefined) continue;
      if (kids === a.kids) kids = new Map(a.kids);
      (kids as Map<PathElement, FieldSet>).set(pe, r);
    }
    return FieldSet.make(a, members, kids, owner);
  }

  static {
    isUnordered = (set) => set.unordered;

    const fill = (node: FieldSet, out: JsonObject): void => {
      for (const pe of node.sorted()) {
        const k = node.kids.get(pe);
        const member = node.members.has(pe);
        if (k !== undefined && !k.isEmpty()) {
          const o: JsonObject = {};
          if (member) o['.'] = {};
          fill(k, o);
          out[pe] = o;
        } else if (member) {
          out[pe] = {};
        }
      }
    };
    fieldsV1Of = (set) => {
      const out: JsonObject = {};
      fill(set, out);
      return out;
    };

    // Mirrors the path-by-path parse exactly, including the order in which elements arrive.
    const add = (parent: FieldSet, pe: PathElement, v: Json | undefined): void => {
      if (!isObj(v)) {
        parent.addMember(pe);
        return;
      }
      let kid = parent.kids.get(pe);
      let empty = true;
      for (const k of Object.keys(v)) {
        empty = false;
        if (k === '.') {
          parent.addMember(pe);
          continue;
        }
        if (kid === undefined) {
          kid = FieldSet.node(NO_MEMBERS, NO_KIDS, parent.owner);
          parent.addKid(pe, kid);
        }
        add(kid, normalizePE(k), v[k]);
      }
      if (empty) parent.addMember(pe);
      else if (kid?.unordered) parent.unordered = true;
    };
    fieldSetFrom = (json) => {
      const root = new FieldSet();
      for (const k of Object.keys(json)) if (k !== '.') add(root, normalizePE(k), json[k]);
      return root;
    };
  }
}

function filterSet(s: FieldSet, keep: (p: FieldPath) => boolean): FieldSet {
  const out = new FieldSet();
  for (const p of s.paths()) if (keep(p)) out.insert(p);
  return out;
}

function unionByPaths(sets: Iterable<FieldSet>): FieldSet {
  const out = new FieldSet();
  for (const s of sets) for (const p of s.paths()) out.insert(p);
  return out;
}

/** Union of any number of sets. */
export function unionAll(sets: Iterable<FieldSet>): FieldSet {
  const list = [...sets];
  if (list.some(isUnordered)) return unionByPaths(list);
  let out = new FieldSet();
  for (const s of list) out = out.union(s);
  return out;
}

/** Serialises a set as FieldsV1 JSON: `.` marks a member that also has children. */
export function toFieldsV1(set: FieldSet): JsonObject {
  if (!isUnordered(set)) return fieldsV1Of(set);
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
  return isObj(json) ? fieldSetFrom(json) : new FieldSet();
}
