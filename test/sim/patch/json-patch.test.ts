import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../sim/errors.js';
import type { JsonObject } from '../../../sim/k8s-types.js';
import { applyJsonPatch } from '../../../sim/patch/json-patch.js';

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

const doc = (): JsonObject => ({
  metadata: { name: 'x', labels: { app: 'a' } },
  spec: { replicas: 1, list: [1, 2] },
});

describe('applyJsonPatch (RFC 6902)', () => {
  it('applies add/replace/remove/move/copy in order without touching the input', () => {
    const target = doc();
    const out = applyJsonPatch(target, [
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/labels/tier', value: 'web' },
      { op: 'remove', path: '/metadata/labels/app' },
      { op: 'add', path: '/spec/list/-', value: 3 },
      { op: 'copy', from: '/spec/replicas', path: '/spec/copied' },
      { op: 'move', from: '/spec/copied', path: '/spec/moved' },
      { op: 'test', path: '/spec/moved', value: 3 },
    ]);
    expect(out).toEqual({
      metadata: { name: 'x', labels: { tier: 'web' } },
      spec: { replicas: 3, list: [1, 2, 3], moved: 3 },
    });
    expect(target).toEqual(doc());
  });

  it('a failing test op is a 422 Invalid whose cause quotes the path', () => {
    const e = caught(() => applyJsonPatch(doc(), [{ op: 'test', path: '/spec/replicas', value: 5 }]));
    expect(e.code).toBe(422);
    expect(e.reason).toBe('Invalid');
    expect(e.status.message).toBe('the server rejected our request due to an error in our request');
    expect(e.status.details?.causes?.[0]).toEqual({
      reason: 'UnexpectedServerResponse',
      message: 'testing value /spec/replicas failed: test failed',
    });
  });

  it('operations on missing paths are 422 with evanphx/json-patch wording', () => {
    const rm = caught(() => applyJsonPatch(doc(), [{ op: 'remove', path: '/metadata/annotations/x' }]));
    expect(rm.code).toBe(422);
    expect(rm.status.details?.causes?.[0]?.message).toBe(
      'remove operation does not apply: doc is missing path: "/metadata/annotations/x": missing value',
    );
    const rep = caught(() => applyJsonPatch(doc(), [{ op: 'replace', path: '/spec/paused', value: true }]));
    expect(rep.status.details?.causes?.[0]?.message).toBe(
      'replace operation does not apply: doc is missing key: /spec/paused: missing value',
    );
    const add = caught(() => applyJsonPatch(doc(), [{ op: 'add', path: '/status/phase', value: 'x' }]));
    expect(add.status.details?.causes?.[0]?.message).toContain('add operation does not apply');
    const bad = caught(() => applyJsonPatch(doc(), [{ op: 'frobnicate', path: '/spec' }]));
    expect(bad.code).toBe(422);
    expect(bad.status.details?.causes?.[0]?.message).toBe('Unexpected kind: frobnicate');
  });

  it('a document that is not a list of operations is a 400', () => {
    const e = caught(() => applyJsonPatch(doc(), { op: 'add', path: '/a', value: 1 }));
    expect(e.code).toBe(400);
    expect(e.status.message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    expect(caught(() => applyJsonPatch(doc(), [1])).code).toBe(400);
  });

  it('too many operations is a 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/metadata/name', value: 'x' }));
    expect(caught(() => applyJsonPatch(doc(), ops)).code).toBe(413);
  });

  it('a test of a missing key against null passes, as in evanphx/json-patch', () => {
    expect(applyJsonPatch(doc(), [{ op: 'test', path: '/spec/nothing', value: null }])).toEqual(doc());
  });
});
