import { describe, expect, it } from 'vitest';
import type { Json } from '../../../sim/k8s-types.js';
import { applyMergePatch } from '../../../sim/patch/merge-patch.js';

describe('applyMergePatch (RFC 7386)', () => {
  it('merges objects recursively, deletes on null and replaces arrays', () => {
    const target: Json = { a: 1, b: { c: 2, d: 3 }, list: [1, 2, 3] };
    const out = applyMergePatch(target, { b: { d: null, e: 4 }, list: [9], a: null });
    expect(out).toEqual({ b: { c: 2, e: 4 }, list: [9] });
  });

  it('does not mutate target or patch and never aliases them', () => {
    const target: Json = { meta: { labels: { app: 'x' } }, keep: { deep: true } };
    const patch: Json = { meta: { labels: { tier: 'web' } } };
    const before = JSON.stringify([target, patch]);
    const out = applyMergePatch(target, patch) as { keep: { deep: boolean } };
    expect(JSON.stringify([target, patch])).toBe(before);
    out.keep.deep = false;
    expect((target as { keep: { deep: boolean } }).keep.deep).toBe(true);
  });

  it('a non-object patch replaces the whole document; an object patch over a scalar starts from {}', () => {
    expect(applyMergePatch({ a: 1 }, [1, 2])).toEqual([1, 2]);
    expect(applyMergePatch({ a: 'x' }, { a: { b: 1, c: null } })).toEqual({ a: { b: 1 } });
  });
});
