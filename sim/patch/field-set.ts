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

/** Memo tables for path elements; cleared wholesale when they grow past this many entries. */
const MEMO_LIMIT = 1 << 15;

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

const fieldPEs = new Map<string, PathElement>();

/** Path element naming an object field. */
export function fieldPE(name: string): PathElement {
  // Interned: the same field name yields the same (already hashed) string for map lookups.
  return fieldPEs.get(name) ?? remember(fieldPEs, name, `f:${name}`);
}

/** Path element naming a list-map element by its key fields (serialised with sorted names). */
export function keyPE(key: JsonObject): PathElement {
  return `k:${sortedJson(key)}`;
}

/** Path element naming a set element by value. */
export function valuePE(v: Json): PathElement {
  return `v:${sortedJson(v)}`;
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

/** Sorts a short array in place (stable; compares with `<` without cmp). */
function insertionSort(
  a: PathElement[],
  cmp: ((x: PathElement, y: PathElement) => number) | undefined,
): void {
  for (let i = 1; i < a.length; i++) {
    const x = a[i] ?? '';
    let j = i - 1;
    if (cmp === undefined) {
      for (; j >= 0 && (a[j] ?? '') > x; j--) a[j + 1] = a[j] ?? '';
    } else {
      for (; j >= 0 && cmp(a[j] ?? '', x) > 0; j--) a[j + 1] = a[j] ?? '';
    }
    a[j + 1] = x;
  }
}

/** Shared empty stand-ins for a node's arrays; frozen, as nothing may change them. */
const NO_PES: PathElement[] = Object.freeze([] as PathElement[]) as PathElement[];
const NO_NODES: FieldSet[] = Object.freeze([] as FieldSet[]) as FieldSet[];

/** Nodes with more members or children than this look them up through an index. */
const SCAN_LIMIT = 24;

/**
 * Write permission for the nodes of one set. A node may be changed in place only by inserts into
 * the set holding its (unrevoked) owner token; a set whose nodes get shared with another set has
 * its token revoked, which makes all of them copy-on-write from then on.
 */
interface Token {
  revoked: boolean;
}

/** Serialises a set made only of ordered path elements (see toFieldsV1). */
let fieldsV1Of: (set: FieldSet) => JsonObject;

/**
 * Equal serialised nodes are one object (hash-consing), whichever object or cluster they
 * belong to: the objects of one kind mostly have the same fields for the same manager, and a
 * 1,000-cluster fleet held 1.25 million fieldsV1 objects (64 MB, a quarter of the simulator's
 * heap) that every full collection marked. A node is keyed by its members and its children's
 * ids, so it is interned after its children. Interned nodes are read only (as every
 * serialised node already was); the empty one is frozen, so a write to it throws.
 */
const EMPTY_FIELDS: JsonObject = Object.freeze({}) as JsonObject;
const internIds = new WeakMap<object, number>([[EMPTY_FIELDS, 0]]);
/** Interned nodes by key; started afresh when full (later nodes are then shared anew). */
let interned = new Map<string, JsonObject>();
const INTERN_LIMIT = 50_000;
let nextInternId = 1;

function intern(json: JsonObject): JsonObject {
  const parts: string[] = [];
  for (const pe in json) {
    const id = internIds.get(json[pe] as object);
    if (id === undefined) return json;
    parts.push(`${pe.length}:${pe}${id}`);
  }
  // Joined, the key is one flat string; built with += it would be kept as a rope of pieces.
  const key = parts.join(',');
  const hit = interned.get(key);
  if (hit !== undefined) return hit;
  if (interned.size >= INTERN_LIMIT) interned = new Map();
  interned.set(key, json);
  internIds.set(json, nextInternId++);
  return json;
}
/** Builds a set from FieldsV1 JSON (see fromFieldsV1). */
let fieldSetFrom: (json: JsonObject) => FieldSet;

/** True when the set holds a path element whose order depends on how the set was built. */
let isUnordered: (set: FieldSet) => boolean;

/**
 * A set of field paths (fieldpath.Set). Instances are mutable only through insert(); child()
 * returns a part that other sets may share, to be read only.
 */
export class FieldSet {
  /** Members, in the order they were added. */
  private mem: PathElement[] = NO_PES;
  /** Path elements with a subset below them, in the order they were added, and those subsets. */
  private kpe: PathElement[] = NO_PES;
  private kid: FieldSet[] = NO_NODES;
  /** Lookup indexes of large nodes, built on demand. */
  private memIndex: Set<PathElement> | undefined = undefined;
  private kidIndex: Map<PathElement, number> | undefined = undefined;
  /** The arrays may be another node's too: copy them before a change. */
  private sharedArrays = false;
  /** See Token; undefined for a set nothing was inserted into yet. */
  private owner: Token | undefined = undefined;
  /** Some element in this subtree is not an orderedPE: operations take the path-based route. */
  private unordered = false;
  /** Cached element order of this node (members and children), as paths() visits them. */
  private order: PathElement[] | undefined = undefined;
  /** Cached FieldsV1 of this node, and the same with a leading "." (the node's path is a member too). */
  private json: JsonObject | undefined = undefined;
  private dotted: JsonObject | undefined = undefined;

  private static node(mem: PathElement[], kpe: PathElement[], kid: FieldSet[], owner: Token): FieldSet {
    const n = new FieldSet();
    n.mem = mem;
    n.kpe = kpe;
    n.kid = kid;
    n.owner = owner;
    return n;
  }

  /** A copy of this node for owner, sharing the children (and, until a change, the arrays). */
  private copyFor(owner: Token): FieldSet {
    const n = FieldSet.node(this.mem, this.kpe, this.kid, owner);
    n.sharedArrays = this.sharedArrays = true;
    n.memIndex = this.memIndex;
    n.kidIndex = this.kidIndex;
    n.unordered = this.unordered;
    n.order = this.order;
    n.json = this.json;
    n.dotted = this.dotted;
    return n;
  }

  /** Revokes the tokens of sets whose nodes an operation may share; returns the operation's token. */
  private static share(a: FieldSet, b?: FieldSet): Token {
    if (a.owner) a.owner.revoked = true;
    if (b?.owner) b.owner.revoked = true;
    return { revoked: false };
  }

  /** A set (root) whose contents are node's; node itself when it is owner's. */
  private static rootOf(node: FieldSet | undefined, owner: Token): FieldSet {
    if (node === undefined) return new FieldSet();
    return node.owner === owner ? node : node.copyFor({ revoked: false });
  }

  /** The token inserts into this set use (a fresh one once the old one was revoked). */
  private writeToken(): Token {
    if (this.owner === undefined || this.owner.revoked) this.owner = { revoked: false };
    return this.owner;
  }

  private hasMember(pe: PathElement): boolean {
    const m = this.mem;
    if (m.length <= SCAN_LIMIT) {
      for (let i = 0; i < m.length; i++) if (m[i] === pe) return true;
      return false;
    }
    return (this.memIndex ??= new Set(m)).has(pe);
  }

  private kidIndexOf(pe: PathElement): number {
    const ks = this.kpe;
    if (ks.length <= SCAN_LIMIT) {
      for (let i = 0; i < ks.length; i++) if (ks[i] === pe) return i;
      return -1;
    }
    if (this.kidIndex === undefined) {
      const idx = new Map<PathElement, number>();
      for (let i = 0; i < ks.length; i++) idx.set(ks[i] ?? '', i);
      this.kidIndex = idx;
    }
    return this.kidIndex.get(pe) ?? -1;
  }

  private kidOf(pe: PathElement): FieldSet | undefined {
    const i = this.kidIndexOf(pe);
    return i < 0 ? undefined : this.kid[i];
  }

  /** Makes the arrays this node's own before it changes them. */
  private ownArrays(): void {
    if (!this.sharedArrays) return;
    this.sharedArrays = false;
    if (this.mem !== NO_PES) this.mem = this.mem.slice();
    if (this.kpe !== NO_PES) {
      this.kpe = this.kpe.slice();
      this.kid = this.kid.slice();
    }
    this.memIndex = undefined;
    this.kidIndex = undefined;
  }

  private addMember(pe: PathElement): void {
    if (this.hasMember(pe)) return;
    this.ownArrays();
    if (this.mem === NO_PES) this.mem = [pe];
    else this.mem.push(pe);
    this.memIndex?.add(pe);
    this.order = undefined;
    if (!orderedPE(pe)) this.unordered = true;
  }

  /** Adds a child for a new path element, or replaces the child at index i. */
  private setKid(i: number, pe: PathElement, kid: FieldSet): void {
    this.ownArrays();
    if (i >= 0) {
      this.kid[i] = kid;
      return;
    }
    if (this.kpe === NO_PES) {
      this.kpe = [pe];
      this.kid = [kid];
    } else {
      this.kidIndex?.set(pe, this.kpe.length);
      this.kpe.push(pe);
      this.kid.push(kid);
    }
    this.order = undefined;
    if (!orderedPE(pe)) this.unordered = true;
  }

  /** Adds path to the set. */
  insert(path: FieldPath): this {
    FieldSet.insertInto(this, path);
    return this;
  }

  private static insertInto(root: FieldSet, path: FieldPath): void {
    const n = path.length;
    if (n === 0) return;
    // A set whose nodes were shared keeps its own node but copies everything below before changing it.
    const owner = root.writeToken();
    let node = root;
    let deepestUnordered = -1;
    for (let i = 0; i < n - 1; i++) {
      node.json = node.dotted = undefined;
      const pe = path[i] ?? '';
      const j = node.kidIndexOf(pe);
      let k = j < 0 ? undefined : node.kid[j];
      if (k === undefined) {
        k = FieldSet.node(NO_PES, NO_PES, NO_NODES, owner);
        node.setKid(-1, pe, k);
      } else if (k.owner !== owner) {
        // Shared with another set: change a private copy.
        k = k.copyFor(owner);
        node.setKid(j, pe, k);
      }
      if (node.unordered) deepestUnordered = i;
      node = k;
    }
    node.json = node.dotted = undefined;
    node.addMember(path[n - 1] ?? '');
    if (node.unordered) deepestUnordered = n - 1;
    // Keep "unordered" true on every ancestor of an unordered node.
    node = root;
    for (let i = 0; i < deepestUnordered; i++) {
      node.unordered = true;
      node = node.kidOf(path[i] ?? '') ?? node;
    }
  }

  /** True when path is a member. */
  has(path: FieldPath): boolean {
    const n = path.length;
    if (n === 0) return false;
    if (n === 1) return this.hasMember(path[0] ?? '');
    let node = this.kidOf(path[0] ?? '');
    for (let i = 1; i < n - 1 && node !== undefined; i++) node = node.kidOf(path[i] ?? '');
    return node !== undefined && node.hasMember(path[n - 1] ?? '');
  }

  /** The subset below one path element, if any (shared: read it, do not insert into it). */
  child(pe: PathElement): FieldSet | undefined {
    return this.kidOf(pe);
  }

  /** True when no path is a member. */
  isEmpty(): boolean {
    if (this.mem.length > 0) return false;
    for (const k of this.kid) if (!k.isEmpty()) return false;
    return true;
  }

  /** Number of member paths. */
  get size(): number {
    let n = this.mem.length;
    for (const k of this.kid) n += k.size;
    return n;
  }

  /** Members and children of this node, sorted with comparePE (stable: members first). */
  private sorted(): PathElement[] {
    let s = this.order;
    if (s !== undefined) return s;
    s = this.mem.slice();
    let fieldsOnly = true;
    for (const pe of s) if (pe.charCodeAt(0) !== 102) fieldsOnly = false;
    for (const pe of this.kpe) {
      if (this.hasMember(pe)) continue;
      s.push(pe);
      if (pe.charCodeAt(0) !== 102) fieldsOnly = false;
    }
    if (s.length > 1) {
      // Elements that order strictly sort the same whatever the algorithm: a small insertion sort
      // is quickest. Field names alone sort as plain strings, which is what comparePE does with them.
      if (this.unordered) s.sort(comparePE);
      else if (s.length > 24) s.sort(fieldsOnly ? undefined : comparePE);
      else insertionSort(s, fieldsOnly ? undefined : comparePE);
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
        if (node.hasMember(pe)) out.push([...prefix, pe]);
        const k = node.kidOf(pe);
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
    const owner = FieldSet.share(this, other);
    return FieldSet.rootOf(FieldSet.unionOf(this, other, owner), owner);
  }

  /** Paths in this set that are not members of other (children of a member of other stay). */
  difference(other: FieldSet): FieldSet {
    if (this.unordered || other.unordered) return filterSet(this, (p) => !other.has(p));
    const owner = FieldSet.share(this, other);
    return FieldSet.rootOf(FieldSet.differenceOf(this, other, owner), owner);
  }

  /** Paths in both sets. */
  intersection(other: FieldSet): FieldSet {
    if (this.unordered || other.unordered) return filterSet(this, (p) => other.has(p));
    const owner = FieldSet.share(this, other);
    return FieldSet.rootOf(FieldSet.intersectionOf(this, other, owner), owner);
  }

  /** Paths in this set that neither are in prefixes nor lie below one of its paths. */
  withoutPrefixes(prefixes: FieldSet): FieldSet {
    if (this.unordered || prefixes.unordered)
      return filterSet(this, (p) => !p.some((_, i) => prefixes.has(p.slice(0, i + 1))));
    const owner = FieldSet.share(this, prefixes);
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
    const owner = FieldSet.share(this);
    return FieldSet.rootOf(FieldSet.namedAncestorsOf(this, owner), owner);
  }

  // The node operations below assume ordered elements only (so the order in which a node's
  // members and children were added never shows), never return an empty node (undefined
  // instead), return an input node unchanged where they can, and never modify their inputs.

  private static isVoid(n: FieldSet): boolean {
    return n.mem.length === 0 && n.kpe.length === 0;
  }

  /**
   * The node with members mem and children kpe/kid, which are a's own arrays where unchanged
   * (a itself when nothing changed), or undefined when empty.
   */
  private static make(
    a: FieldSet,
    mem: PathElement[],
    kpe: PathElement[],
    kid: FieldSet[],
    owner: Token,
  ): FieldSet | undefined {
    if (mem === a.mem && kpe === a.kpe && kid === a.kid) return a;
    if (mem.length === 0 && kpe.length === 0) return undefined;
    const n = FieldSet.node(
      mem.length === 0 ? NO_PES : mem,
      kpe.length === 0 ? NO_PES : kpe,
      kpe.length === 0 ? NO_NODES : kid,
      owner,
    );
    if (mem === a.mem || kpe === a.kpe || kid === a.kid) n.sharedArrays = a.sharedArrays = true;
    if (mem === a.mem) n.memIndex = a.memIndex;
    return n;
  }

  /** Children of a with those at the indexes in changes replaced (undefined: removed). */
  private static replaceKids(
    a: FieldSet,
    changes: Map<number, FieldSet | undefined>,
  ): [PathElement[], FieldSet[]] {
    const kpe: PathElement[] = [];
    const kid: FieldSet[] = [];
    for (let i = 0; i < a.kpe.length; i++) {
      const k = changes.has(i) ? changes.get(i) : a.kid[i];
      if (k === undefined) continue;
      kpe.push(a.kpe[i] ?? '');
      kid.push(k);
    }
    return [kpe, kid];
  }

  private static unionOf(a: FieldSet, b: FieldSet, owner: Token): FieldSet | undefined {
    if (a === b || FieldSet.isVoid(b)) return FieldSet.isVoid(a) ? undefined : a;
    if (FieldSet.isVoid(a)) return b;
    let mem = a.mem;
    for (const pe of b.mem) {
      if (a.hasMember(pe)) continue;
      if (mem === a.mem) mem = a.mem.slice();
      mem.push(pe);
    }
    let kpe = a.kpe;
    let kid = a.kid;
    for (let i = 0; i < b.kpe.length; i++) {
      const pe = b.kpe[i] ?? '';
      const bk = b.kid[i];
      if (bk === undefined) continue;
      const j = a.kidIndexOf(pe);
      const ak = j < 0 ? undefined : a.kid[j];
      const u = ak === undefined ? bk : FieldSet.unionOf(ak, bk, owner);
      if (u === ak || u === undefined) continue;
      if (kid === a.kid) {
        kpe = a.kpe.slice();
        kid = a.kid.slice();
      }
      if (j < 0) {
        kpe.push(pe);
        kid.push(u);
      } else {
        kid[j] = u;
      }
    }
    return FieldSet.make(a, mem, kpe, kid, owner);
  }

  private static differenceOf(a: FieldSet, b: FieldSet, owner: Token): FieldSet | undefined {
    if (a === b || FieldSet.isVoid(a)) return undefined;
    if (FieldSet.isVoid(b)) return a;
    let mem = a.mem;
    if (mem.length > 0 && b.mem.length > 0 && mem.some((pe) => b.hasMember(pe)))
      mem = mem.filter((pe) => !b.hasMember(pe));
    let kpe = a.kpe;
    let kid = a.kid;
    if (kpe.length > 0 && b.kpe.length > 0) {
      let changes: Map<number, FieldSet | undefined> | undefined;
      for (let i = 0; i < b.kpe.length; i++) {
        const bk = b.kid[i];
        const j = a.kidIndexOf(b.kpe[i] ?? '');
        const ak = j < 0 ? undefined : a.kid[j];
        if (ak === undefined || bk === undefined) continue;
        const d = FieldSet.differenceOf(ak, bk, owner);
        if (d !== ak) (changes ??= new Map()).set(j, d);
      }
      if (changes) [kpe, kid] = FieldSet.replaceKids(a, changes);
    }
    return FieldSet.make(a, mem, kpe, kid, owner);
  }

  private static intersectionOf(a: FieldSet, b: FieldSet, owner: Token): FieldSet | undefined {
    if (FieldSet.isVoid(a) || FieldSet.isVoid(b)) return undefined;
    if (a === b) return a;
    let mem = a.mem;
    if (mem.length > 0 && !mem.every((pe) => b.hasMember(pe))) mem = mem.filter((pe) => b.hasMember(pe));
    let kpe = a.kpe;
    let kid = a.kid;
    if (kpe.length > 0) {
      let changes: Map<number, FieldSet | undefined> | undefined;
      for (let i = 0; i < a.kpe.length; i++) {
        const ak = a.kid[i];
        const bk = b.kidOf(a.kpe[i] ?? '');
        const x = ak === undefined || bk === undefined ? undefined : FieldSet.intersectionOf(ak, bk, owner);
        if (x !== ak) (changes ??= new Map()).set(i, x);
      }
      if (changes) [kpe, kid] = FieldSet.replaceKids(a, changes);
    }
    return FieldSet.make(a, mem, kpe, kid, owner);
  }

  private static withoutPrefixesOf(a: FieldSet, p: FieldSet, owner: Token): FieldSet | undefined {
    if (FieldSet.isVoid(a)) return undefined;
    if (FieldSet.isVoid(p)) return a;
    let mem = a.mem;
    if (mem.length > 0 && p.mem.length > 0 && mem.some((pe) => p.hasMember(pe)))
      mem = mem.filter((pe) => !p.hasMember(pe));
    let kpe = a.kpe;
    let kid = a.kid;
    if (kpe.length > 0) {
      let changes: Map<number, FieldSet | undefined> | undefined;
      for (let i = 0; i < a.kpe.length; i++) {
        const pe = a.kpe[i] ?? '';
        const ak = a.kid[i];
        if (ak === undefined) continue;
        let r: FieldSet | undefined = ak;
        if (p.hasMember(pe)) r = undefined;
        else {
          const pk = p.kidOf(pe);
          if (pk !== undefined) r = FieldSet.withoutPrefixesOf(ak, pk, owner);
        }
        if (r !== ak) (changes ??= new Map()).set(i, r);
      }
      if (changes) [kpe, kid] = FieldSet.replaceKids(a, changes);
    }
    return FieldSet.make(a, mem, kpe, kid, owner);
  }

  private static namedAncestorsOf(a: FieldSet, owner: Token): FieldSet | undefined {
    if (FieldSet.isVoid(a)) return undefined;
    let mem = a.mem;
    for (const pe of a.kpe) {
      if (!pe.startsWith('f:') || a.hasMember(pe)) continue;
      if (mem === a.mem) mem = a.mem.slice();
      mem.push(pe);
    }
    let kid = a.kid;
    for (let i = 0; i < a.kid.length; i++) {
      const k = a.kid[i];
      if (k === undefined) continue;
      const r = FieldSet.namedAncestorsOf(k, owner);
      if (r === k || r === undefined) continue;
      if (kid === a.kid) kid = a.kid.slice();
      kid[i] = r;
    }
    return FieldSet.make(a, mem, a.kpe, kid, owner);
  }

  static {
    isUnordered = (set) => set.unordered;

    // Serialised nodes are cached on the (from then on immutable) nodes and shared between outputs.
    const fill = (node: FieldSet, out: JsonObject): JsonObject => {
      for (const pe of node.sorted()) {
        const k = node.kidOf(pe);
        const member = node.hasMember(pe);
        if (k !== undefined && !k.isEmpty()) out[pe] = member ? dottedOf(k) : jsonOf(k);
        else if (member) out[pe] = EMPTY_FIELDS;
      }
      return out;
    };
    // Serialised nodes rarely need their order again: it is let go rather than kept around.
    const jsonOf = (node: FieldSet): JsonObject => {
      if (node.json === undefined) {
        node.json = intern(fill(node, {}));
        node.order = undefined;
      }
      return node.json;
    };
    const dottedOf = (node: FieldSet): JsonObject => {
      if (node.dotted === undefined) {
        node.dotted = intern(
          node.json === undefined ? fill(node, { '.': EMPTY_FIELDS }) : { '.': EMPTY_FIELDS, ...node.json },
        );
        node.order = undefined;
      }
      return node.dotted;
    };
    fieldsV1Of = jsonOf;

    // Mirrors the path-by-path parse exactly, including the order in which elements arrive.
    const add = (parent: FieldSet, owner: Token, pe: PathElement, v: Json | undefined): void => {
      if (!isObj(v)) {
        parent.addMember(pe);
        return;
      }
      let kid = parent.kidOf(pe);
      let empty = true;
      for (const k of Object.keys(v)) {
        empty = false;
        if (k === '.') {
          parent.addMember(pe);
          continue;
        }
        if (kid === undefined) {
          kid = FieldSet.node(NO_PES, NO_PES, NO_NODES, owner);
          parent.setKid(-1, pe, kid);
        }
        add(kid, owner, normalizePE(k), v[k]);
      }
      if (empty) parent.addMember(pe);
      else if (kid?.unordered) parent.unordered = true;
    };
    fieldSetFrom = (json) => {
      const root = new FieldSet();
      const owner = root.writeToken();
      for (const k of Object.keys(json)) if (k !== '.') add(root, owner, normalizePE(k), json[k]);
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

/**
 * True when set's serialisation does not depend on the order its paths were added in (every
 * path element orders strictly against the others), so that any two equal such sets behave
 * identically. Internal: lets the field manager reuse a set in place of its decoded FieldsV1.
 */
export function hasStableOrder(set: FieldSet): boolean {
  return !isUnordered(set);
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
