import { describe, expect, it } from 'vitest';
import { jsonEqual, stableJson } from '../../sim/controllers/util.js';

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LEAVES = [null, undefined, 0, 1, 'a', 'b', true, false, NaN];

function value(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (depth > 3 || r < 0.3) return LEAVES[Math.floor(rnd() * LEAVES.length)];
  if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 3) }, () => value(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  for (const k of ['x', 'y', 'z']) if (rnd() < 0.5) o[k] = value(rnd, depth + 1);
  return o;
}

describe('jsonEqual', () => {
  it('agrees with comparing stableJson serialisations', () => {
    const rnd = random(42);
    let equal = 0;
    for (let i = 0; i < 50_000; i++) {
      const a = value(rnd, 0);
      // A third of the pairs are a value and its JSON round trip (equal, keys possibly dropped).
      const b = rnd() < 0.3 ? (JSON.parse(JSON.stringify({ v: a })) as { v?: unknown }).v : value(rnd, 0);
      const want = stableJson(a) === stableJson(b);
      if (want) equal++;
      expect(jsonEqual(a, b), `${stableJson(a)} vs ${stableJson(b)}`).toBe(want);
    }
    // Both outcomes were exercised, many times.
    expect(equal).toBeGreaterThan(5_000);
    expect(equal).toBeLessThan(45_000);
  });

  it('ignores key order and keys holding undefined, not keys holding null', () => {
    expect(jsonEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: null }, {})).toBe(false);
    expect(jsonEqual({ x: null }, { x: undefined, y: null })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({}, [])).toBe(false);
  });
});
