/**
 * Property-style checks (fixed seeds) of the trie-based FieldSet against the plain path-list
 * definitions of fieldpath.Set: membership, order, FieldsV1, and the set operations, plus the
 * copy-on-write sharing between sets and the field manager's reuse of encoded sets.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject, KubeObject } from '../../../sim/k8s-types.js';
import { FieldSet, comparePE, fromFieldsV1, toFieldsV1, unionAll } from '../../../sim/patch/field-set.js';
import type { FieldPath, PathElement } from '../../../sim/patch/field-set.js';
import { recordUpdate } from '../../../sim/patch/managed-fields.js';
import { serverSideApply } from '../../../sim/patch/server-side-apply.js';
import { applyStrategicMergePatch } from '../../../sim/patch/strategic-merge.js';

/** Small deterministic PRNG (LCG), so that failures reproduce. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const FIELDS = ['a', 'b', 'c', 'spec', 'metadata', 'labels', 'x', 'constructor', '5', ''];
const KEYS = ['{"name":"a"}', '{"name":"b"}', '{"a":2,"b":1}', '{"port":80,"protocol":"TCP"}', '{"name":1}'];
const VALUES = ['"foo"', '"bar"', '1', 'true', 'null', '[1]', '{"a":1}'];

/** Path elements whose order is total (field names, canonical keys, values and indices). */
function randomPE(rnd: () => number): PathElement {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const r = rnd();
  if (r < 0.6) return `f:${pick(FIELDS)}`;
  if (r < 0.8) return `k:${pick(KEYS)}`;
  if (r < 0.95) return `v:${pick(VALUES)}`;
  return `i:${Math.floor(rnd() * 3)}`;
}

function randomPaths(rnd: () => number, count: number): FieldPath[] {
  const out: FieldPath[] = [];
  for (let i = 0; i < count; i++) {
    const len = 1 + Math.floor(rnd() * 4);
    out.push(Array.from({ length: len }, () => randomPE(rnd)));
  }
  return out;
}

// ---- the reference: a set is a list of distinct paths, operations are their definitions ----

const key = (p: FieldPath): string => JSON.stringify(p);

function ref(paths: Iterable<FieldPath>): Map<string, FieldPath> {
  const m = new Map<string, FieldPath>();
  for (const p of paths) if (p.length > 0) m.set(key(p), p);
  return m;
}

/** Path order of fieldpath.Set: element by element with comparePE, a path before its extensions. */
function comparePaths(a: FieldPath, b: FieldPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePE(a[i] ?? '', b[i] ?? '');
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

const sortedPaths = (s: Map<string, FieldPath>): FieldPath[] => [...s.values()].sort(comparePaths);

/** FieldsV1 of a path list: `{}` for a member, "." first when a member also has children. */
function refFieldsV1(s: Map<string, FieldPath>): JsonObject {
  const build = (prefix: FieldPath): JsonObject => {
    const out: JsonObject = {};
    const heads = new Set<PathElement>();
    for (const p of sortedPaths(s)) {
      if (p.length > prefix.length && prefix.every((pe, i) => p[i] === pe)) heads.add(p[prefix.length] ?? '');
    }
    for (const pe of heads) {
      const path = [...prefix, pe];
      const member = s.has(key(path));
      const below = build(path);
      const hasKids = Object.keys(below).length > 0;
      out[pe] = hasKids ? { ...(member ? { '.': {} } : {}), ...below } : {};
    }
    return out;
  };
  return build([]);
}

function build(paths: readonly FieldPath[]): FieldSet {
  const s = new FieldSet();
  for (const p of paths) s.insert(p);
  return s;
}

const isPrefix = (pre: FieldPath, p: FieldPath): boolean =>
  pre.length <= p.length && pre.every((pe, i) => p[i] === pe);

describe('FieldSet against path-list definitions (randomized, fixed seeds)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`agrees on membership, order, FieldsV1 and operations (seed ${seed})`, () => {
      const rnd = prng(seed);
      for (let round = 0; round < 60; round++) {
        const pa = randomPaths(rnd, Math.floor(rnd() * 16));
        const pb = randomPaths(rnd, Math.floor(rnd() * 16));
        const a = build(pa);
        const b = build(pb);
        const ra = ref(pa);
        const rb = ref(pb);

        expect(a.paths()).toEqual(sortedPaths(ra));
        expect(a.size).toBe(ra.size);
        expect(a.isEmpty()).toBe(ra.size === 0);
        for (const p of [...pa, ...pb]) expect(a.has(p)).toBe(ra.has(key(p)));
        // Serialised with the same key order, not merely equal.
        expect(JSON.stringify(toFieldsV1(a))).toBe(JSON.stringify(refFieldsV1(ra)));
        expect(fromFieldsV1(toFieldsV1(a)).paths()).toEqual(a.paths());

        const check = (got: FieldSet, want: Map<string, FieldPath>): void => {
          expect(got.paths()).toEqual(sortedPaths(want));
          expect(JSON.stringify(toFieldsV1(got))).toBe(JSON.stringify(refFieldsV1(want)));
          expect(got.isEmpty()).toBe(want.size === 0);
        };
        check(a.union(b), ref([...ra.values(), ...rb.values()]));
        check(a.difference(b), ref([...ra.values()].filter((p) => !rb.has(key(p)))));
        check(a.intersection(b), ref([...ra.values()].filter((p) => rb.has(key(p)))));
        check(
          a.withoutPrefixes(b),
          ref([...ra.values()].filter((p) => ![...rb.values()].some((pre) => isPrefix(pre, p)))),
        );
        const named: FieldPath[] = [];
        for (const p of ra.values()) {
          named.push(p);
          for (let i = 1; i < p.length; i++) if (p[i - 1]?.startsWith('f:')) named.push(p.slice(0, i));
        }
        check(a.withNamedAncestors(), ref(named));
        check(unionAll([a, b, a.difference(b)]), ref([...ra.values(), ...rb.values()]));
        for (const pe of new Set([...pa, ...pb].map((p) => p[0] ?? ''))) {
          const sub = [...ra.values()].filter((p) => p[0] === pe && p.length > 1).map((p) => p.slice(1));
          const child = a.child(pe);
          expect(child?.paths() ?? []).toEqual(sortedPaths(ref(sub)));
        }
      }
    });
  }

  it('keeps operands and results independent when either is inserted into later', () => {
    const rnd = prng(42);
    for (let round = 0; round < 200; round++) {
      const pa = randomPaths(rnd, 1 + Math.floor(rnd() * 12));
      const pb = randomPaths(rnd, 1 + Math.floor(rnd() * 12));
      const a = build(pa);
      const b = build(pb);
      const results = [
        a.union(b),
        a.difference(b),
        a.intersection(b),
        a.withoutPrefixes(b),
        a.withNamedAncestors(),
      ];
      const before = results.map((r) => r.paths());
      const extra = randomPaths(rnd, 4);
      for (const p of extra) a.insert(p);
      for (const p of extra) b.insert([...p, 'f:more']);
      // Results do not see later inserts into their operands …
      expect(results.map((r) => r.paths())).toEqual(before);
      expect(a.paths()).toEqual(sortedPaths(ref([...pa, ...extra])));
      // … and operands do not see inserts into results.
      for (const r of results) for (const p of extra) r.insert([...p, 'f:res']);
      expect(a.paths()).toEqual(sortedPaths(ref([...pa, ...extra])));
      expect(b.paths()).toEqual(sortedPaths(ref([...pb, ...extra.map((p) => [...p, 'f:more'])])));
      // Serialising, changing and serialising again reflects the change.
      const u = a.union(b);
      const first = JSON.stringify(toFieldsV1(u));
      u.insert(['f:zz', 'f:new']);
      expect(JSON.stringify(toFieldsV1(u))).not.toBe(first);
      expect(u.has(['f:zz', 'f:new'])).toBe(true);
    }
  });

  it('serialises equal sets built apart as one shared, read-only object', () => {
    const paths: FieldPath[] = [
      ['f:metadata', 'f:labels', 'f:app'],
      ['f:spec', 'f:containers', 'k:{"name":"agent"}'],
      ['f:spec', 'f:containers', 'k:{"name":"agent"}', 'f:image'],
    ];
    const a = toFieldsV1(build(paths));
    const b = toFieldsV1(build(paths));
    expect(b).toBe(a);
    expect(JSON.stringify(a)).toBe(
      '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"agent\\"}":{".":{},"f:image":{}}}}}',
    );
    // A set with one more field is its own object, sharing the equal part.
    const c = toFieldsV1(build([...paths, ['f:spec', 'f:replicas']]));
    expect(c).not.toBe(a);
    expect(c['f:metadata']).toBe(a['f:metadata']);
    expect(c['f:spec']).not.toBe(a['f:spec']);
    // Serialised nodes are read only; the empty one every leaf shares refuses a write.
    const leaf = ((a['f:metadata'] as JsonObject)['f:labels'] as JsonObject)['f:app'] as JsonObject;
    expect(() => {
      leaf['f:x'] = {};
    }).toThrow(TypeError);
  });

  it('keeps insertion order for elements that compare equal (malformed FieldsV1)', () => {
    // "i:1" and "i:01" are the same index to comparePE; unknown types all compare equal.
    const json: JsonObject = { 'i:01': {}, 'i:1': {}, zz: {}, aa: { 'f:x': {} }, 'f:a': {} };
    const set = fromFieldsV1(json);
    expect(set.paths()).toEqual([['f:a'], ['i:01'], ['i:1'], ['zz'], ['aa', 'f:x']]);
    expect(Object.keys(toFieldsV1(set))).toEqual(['f:a', 'i:01', 'i:1', 'zz', 'aa']);
    const other = new FieldSet().insert(['yy']).insert(['i:1', 'f:b']);
    expect(set.union(other).paths()).toEqual([
      ['f:a'],
      ['i:01'],
      ['i:1'],
      ['i:1', 'f:b'],
      ['zz'],
      ['yy'],
      ['aa', 'f:x'],
    ]);
  });
});

describe('field manager reuse of encoded sets', () => {
  const T = (m: number): string => `2024-05-01T10:${String(m).padStart(2, '0')}:00Z`;
  const deployment = (replicas: number, image: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u-1', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }] }] },
      },
    },
  });

  it('gives the same managedFields whether the stored entries are the ones it returned or a copy', () => {
    const opts = (manager: string, m: number) => ({
      kind: 'Deployment',
      manager,
      apiVersion: 'apps/v1',
      time: T(m),
    });
    let stored: KubeObject = deployment(1, 'nginx:1');
    stored = {
      ...stored,
      metadata: { ...stored.metadata, managedFields: recordUpdate(undefined, stored, opts('a', 0)) },
    };
    for (let i = 1; i < 12; i++) {
      const next = deployment(1 + (i % 3), `nginx:${i % 4}`);
      const sent = stored.metadata.managedFields;
      if (sent) next.metadata.managedFields = structuredClone(sent);
      const copy = structuredClone(stored);
      const viaReturned = recordUpdate(stored, next, opts(['a', 'b', 'c'][i % 3] ?? 'a', i));
      const viaCopy = recordUpdate(copy, structuredClone(next), opts(['a', 'b', 'c'][i % 3] ?? 'a', i));
      expect(viaReturned).toEqual(viaCopy);
      expect(JSON.stringify(viaReturned)).toBe(JSON.stringify(viaCopy));
      stored = { ...next, metadata: { ...next.metadata, managedFields: viaReturned } };
    }
  });

  it('leaves its inputs alone', () => {
    const live = serverSideApply(undefined, deployment(2, 'nginx:1'), {
      kind: 'Deployment',
      manager: 'kubectl',
      force: false,
      apiVersion: 'apps/v1',
      time: T(0),
    });
    const liveBefore = JSON.stringify(live);
    const applied = deployment(3, 'nginx:2');
    const appliedBefore = JSON.stringify(applied);
    serverSideApply(live, applied, {
      kind: 'Deployment',
      manager: 'kubectl',
      force: true,
      apiVersion: 'apps/v1',
      time: T(1),
    });
    expect(JSON.stringify(live)).toBe(liveBefore);
    expect(JSON.stringify(applied)).toBe(appliedBefore);

    const patch: JsonObject = {
      metadata: { labels: { app: null, tier: 'fe' } },
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:3' }] } } },
    };
    const patchBefore = JSON.stringify(patch);
    const patched = applyStrategicMergePatch(live as unknown as JsonObject, patch, 'Deployment');
    expect(JSON.stringify(live)).toBe(liveBefore);
    expect(JSON.stringify(patch)).toBe(patchBefore);
    expect((patched['metadata'] as JsonObject)['labels']).toEqual({ tier: 'fe' });
  });
});
