import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../sim/errors.js';
import type { Json, JsonObject } from '../../../sim/k8s-types.js';
import {
  applyStrategicMergePatch,
  strategicMergeSupported,
  strategicMergeUnsupportedError,
} from '../../../sim/patch/strategic-merge.js';

function deployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, finalizers: ['a', 'b'] },
    spec: {
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
            { name: 'sidecar', image: 'side:1' },
          ],
          tolerations: [{ key: 'x', operator: 'Exists' }],
        },
      },
    },
  };
}

const podSpec = (o: JsonObject): JsonObject =>
  ((o['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject;
const containers = (o: JsonObject): JsonObject[] => podSpec(o)['containers'] as JsonObject[];
const patchSpec = (spec: JsonObject): JsonObject => ({ spec: { template: { spec } } });

function directiveKeys(v: Json, path = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => directiveKeys(x, `${path}[${i}]`));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => [
    ...(k.startsWith('$') ? [`${path}.${k}`] : []),
    ...directiveKeys(x, `${path}.${k}`),
  ]);
}

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('applyStrategicMergePatch', () => {
  it('merges containers by name, keeping the ones the patch does not mention', () => {
    const target = deployment();
    const out = applyStrategicMergePatch(
      target,
      patchSpec({ containers: [{ name: 'sidecar', image: 'side:2' }] }),
      'Deployment',
    );
    expect(containers(out).map((c) => [c['name'], c['image']])).toEqual([
      ['app', 'app:1'],
      ['sidecar', 'side:2'],
    ]);
    expect(containers(out)[0]?.['env']).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    expect(target).toEqual(deployment());
  });

  it('merges env by name and appends new variables', () => {
    const out = applyStrategicMergePatch(
      deployment(),
      patchSpec({
        containers: [
          {
            name: 'app',
            env: [
              { name: 'B', value: '3' },
              { name: 'C', value: '4' },
            ],
          },
        ],
      }),
      'Deployment',
    );
    expect(containers(out)[0]?.['env']).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '3' },
      { name: 'C', value: '4' },
    ]);
  });

  it('deletes a keyed element with $patch: delete', () => {
    const out = applyStrategicMergePatch(
      deployment(),
      patchSpec({ containers: [{ name: 'app', $patch: 'delete' }] }),
      'Deployment',
    );
    expect(containers(out).map((c) => c['name'])).toEqual(['sidecar']);
  });

  it('honours $setElementOrder (kubectl set image) and leaves no directive keys behind', () => {
    const patch = patchSpec({
      '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
      containers: [{ name: 'app', image: 'app:2' }],
    });
    const out = applyStrategicMergePatch(deployment(), patch, 'Deployment');
    expect(containers(out).map((c) => [c['name'], c['image']])).toEqual([
      ['sidecar', 'side:1'],
      ['app', 'app:2'],
    ]);
    expect(directiveKeys(out)).toEqual([]);
  });

  it('supports $patch: replace on maps and lists', () => {
    const labels = applyStrategicMergePatch(
      deployment(),
      { metadata: { labels: { $patch: 'replace', only: 'this' } } },
      'Deployment',
    );
    expect((labels['metadata'] as JsonObject)['labels']).toEqual({ only: 'this' });
    const list = applyStrategicMergePatch(
      deployment(),
      patchSpec({ containers: [{ name: 'solo', image: 'solo:1' }, { $patch: 'replace' }] }),
      'Deployment',
    );
    expect(containers(list)).toEqual([{ name: 'solo', image: 'solo:1' }]);
  });

  it('$patch: delete on a map leaves an empty map, like strategicpatch', () => {
    const out = applyStrategicMergePatch(
      deployment(),
      { spec: { strategy: { $patch: 'delete' } } },
      'Deployment',
    );
    expect((out['spec'] as JsonObject)['strategy']).toEqual({});
  });

  it('$retainKeys drops the keys it does not list', () => {
    const out = applyStrategicMergePatch(
      deployment(),
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      'Deployment',
    );
    expect((out['spec'] as JsonObject)['strategy']).toEqual({ type: 'Recreate' });
    const bad = caught(() =>
      applyStrategicMergePatch(
        deployment(),
        { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } },
        'Deployment',
      ),
    );
    expect([bad.code, bad.status.message]).toEqual([400, 'invalid patch format of retainKeys']);
  });

  it('merges primitive sets and honours $deleteFromPrimitiveList', () => {
    const out = applyStrategicMergePatch(
      deployment(),
      { metadata: { finalizers: ['b', 'c'], '$deleteFromPrimitiveList/finalizers': ['a'] } },
      'Deployment',
    );
    expect((out['metadata'] as JsonObject)['finalizers']).toEqual(['b', 'c']);
    expect(directiveKeys(out)).toEqual([]);
  });

  it('null deletes a field and lists without a strategy are replaced', () => {
    const out = applyStrategicMergePatch(
      deployment(),
      {
        metadata: { labels: { tier: null } },
        spec: { template: { spec: { tolerations: [{ key: 'y', operator: 'Exists' }] } } },
      },
      'Deployment',
    );
    expect((out['metadata'] as JsonObject)['labels']).toEqual({ app: 'web' });
    expect(podSpec(out)['tolerations']).toEqual([{ key: 'y', operator: 'Exists' }]);
  });

  it('merges Service ports by port', () => {
    const svc: JsonObject = {
      spec: {
        ports: [
          { port: 80, targetPort: 8080 },
          { port: 443, targetPort: 8443 },
        ],
      },
    };
    const out = applyStrategicMergePatch(
      svc,
      { spec: { ports: [{ port: 443, targetPort: 9443 }] } },
      'Service',
    );
    expect((out['spec'] as JsonObject)['ports']).toEqual([
      { port: 80, targetPort: 8080 },
      { port: 443, targetPort: 9443 },
    ]);
  });

  it('rejects unknown $patch values with 400 and elements missing their merge key with 500', () => {
    const e = caught(() =>
      applyStrategicMergePatch(deployment(), { spec: { $patch: 'frob' } }, 'Deployment'),
    );
    expect(e.code).toBe(400);
    expect(e.status.message).toContain('unknown patch type: frob');
    const m = caught(() =>
      applyStrategicMergePatch(deployment(), patchSpec({ containers: [{ image: 'x' }] }), 'Deployment'),
    );
    expect(m.code).toBe(500);
    expect(m.status.message).toBe('map: map[image:x] does not contain declared merge key: name');
  });

  it('is not supported for custom resources (415)', () => {
    expect(strategicMergeSupported('Deployment')).toBe(true);
    expect(strategicMergeSupported('Widget')).toBe(false);
    expect(strategicMergeSupported('Deployment', true)).toBe(false);
    const e = strategicMergeUnsupportedError();
    expect(e.code).toBe(415);
    expect(e.status.message).toContain('application/merge-patch+json');
  });
});
