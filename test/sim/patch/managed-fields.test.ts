import { describe, expect, it } from 'vitest';
import type { JsonObject, KubeObject } from '../../../sim/k8s-types.js';
import {
  FieldSet,
  difference,
  fieldSetOf,
  fromFieldsV1,
  intersection,
  pathString,
  recordUpdate,
  toFieldsV1,
  union,
} from '../../../sim/patch/managed-fields.js';

const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T10:05:00Z';

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'nginx',
      namespace: 'default',
      uid: 'u-1',
      resourceVersion: '7',
      labels: { app: 'nginx' },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'nginx' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          containers: [
            { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }] },
          ],
        },
      },
    },
    status: { replicas: 2 },
  };
}

describe('FieldsV1 field sets', () => {
  it('round-trips FieldsV1 with "." members, keyed and value elements', () => {
    const json: JsonObject = {
      'f:metadata': { 'f:finalizers': { '.': {}, 'v:"foo"': {} }, 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } } },
    };
    const set = fromFieldsV1(json);
    expect(set.has(['f:spec', 'f:containers', 'k:{"name":"web"}'])).toBe(true);
    expect(set.has(['f:spec', 'f:containers'])).toBe(false);
    expect(set.has(['f:metadata', 'f:finalizers', 'v:"foo"'])).toBe(true);
    expect(toFieldsV1(set)).toEqual(json);
    expect(JSON.stringify(toFieldsV1(set))).toBe(JSON.stringify(json));
    expect(pathString(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'])).toBe(
      '.spec.containers[name="web"].image',
    );
  });

  it('supports union, difference and intersection', () => {
    const a = new FieldSet().insert(['f:a']).insert(['f:b', 'f:c']);
    const b = new FieldSet().insert(['f:b', 'f:c']).insert(['f:d']);
    expect(union(a, b).paths()).toEqual([['f:a'], ['f:b', 'f:c'], ['f:d']]);
    expect(difference(a, b).paths()).toEqual([['f:a']]);
    expect(intersection(a, b).paths()).toEqual([['f:b', 'f:c']]);
  });

  it('fieldSetOf leaves out identity, server-set fields and status', () => {
    const set = fieldSetOf(deployment() as unknown as JsonObject, 'Deployment');
    const v1 = toFieldsV1(set);
    expect(Object.keys(v1)).toEqual(['f:metadata', 'f:spec']);
    expect(v1['f:metadata']).toEqual({ 'f:labels': { 'f:app': {} } });
    expect((v1['f:spec'] as JsonObject)['f:selector']).toEqual({});
  });
});

describe('recordUpdate', () => {
  it('records a created Deployment the way kube-apiserver does', () => {
    const mf = recordUpdate(undefined, deployment(), {
      manager: 'kubectl-create',
      apiVersion: 'apps/v1',
      time: T0,
      kind: 'Deployment',
    });
    expect(mf).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:strategy': {
              'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} },
              'f:type': {},
            },
            'f:template': {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': {
                      '.': {},
                      'k:{"containerPort":80,"protocol":"TCP"}': {
                        '.': {},
                        'f:containerPort': {},
                        'f:protocol': {},
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it('moves changed fields to the updating manager and drops emptied entries', () => {
    const created = deployment();
    created.metadata.managedFields = recordUpdate(undefined, created, {
      manager: 'kubectl-create',
      apiVersion: 'apps/v1',
      time: T0,
      kind: 'Deployment',
    });
    const scaled = structuredClone(created);
    (scaled['spec'] as JsonObject)['replicas'] = 5;
    const mf = recordUpdate(created, scaled, {
      manager: 'hpa',
      apiVersion: 'apps/v1',
      time: T1,
      kind: 'Deployment',
    });
    expect(mf.map((e) => e.manager)).toEqual(['kubectl-create', 'hpa']);
    expect(mf[1]?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(mf[1]?.time).toBe(T1);
    expect(fromFieldsV1(mf[0]?.fieldsV1).has(['f:spec', 'f:replicas'])).toBe(false);
    expect(mf[0]?.time).toBe(T0);
  });

  it('records status writes under subresource "status" and ignores status on the main resource', () => {
    const live = deployment();
    live.metadata.managedFields = recordUpdate(undefined, live, {
      manager: 'kubectl-create',
      apiVersion: 'apps/v1',
      time: T0,
      kind: 'Deployment',
    });
    const withStatus = structuredClone(live);
    withStatus['status'] = {
      replicas: 2,
      readyReplicas: 2,
      conditions: [{ type: 'Available', status: 'True' }],
    };
    const mf = recordUpdate(live, withStatus, {
      manager: 'kube-controller-manager',
      apiVersion: 'apps/v1',
      time: T1,
      kind: 'Deployment',
      subresource: 'status',
    });
    const entry = mf.find((e) => e.manager === 'kube-controller-manager');
    expect(entry?.subresource).toBe('status');
    expect(entry?.fieldsV1).toEqual({
      'f:status': {
        'f:conditions': { '.': {}, 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } },
        'f:readyReplicas': {},
      },
    });
    const main = recordUpdate(live, withStatus, {
      manager: 'sneaky',
      apiVersion: 'apps/v1',
      time: T1,
      kind: 'Deployment',
    });
    expect(main.map((e) => e.manager)).toEqual(['kubectl-create']);
  });

  it('a no-op update changes nothing, and objects whose managedFields were cleared stay untracked', () => {
    const live = deployment();
    live.metadata.managedFields = recordUpdate(undefined, live, {
      manager: 'a',
      apiVersion: 'apps/v1',
      time: T0,
      kind: 'Deployment',
    });
    expect(
      recordUpdate(live, structuredClone(live), {
        manager: 'b',
        apiVersion: 'apps/v1',
        time: T1,
        kind: 'Deployment',
      }),
    ).toEqual(live.metadata.managedFields);
    const untracked = deployment();
    const changed = structuredClone(untracked);
    (changed['spec'] as JsonObject)['replicas'] = 9;
    expect(
      recordUpdate(untracked, changed, { manager: 'b', apiVersion: 'apps/v1', time: T1, kind: 'Deployment' }),
    ).toEqual([]);
  });

  it('folds more than ten update managers into ancient-changes', () => {
    let obj = deployment();
    obj.metadata.managedFields = recordUpdate(undefined, obj, {
      manager: 'm0',
      apiVersion: 'apps/v1',
      time: T0,
      kind: 'Deployment',
    });
    for (let i = 1; i <= 11; i++) {
      const next = structuredClone(obj);
      next.metadata.labels = { ...next.metadata.labels, [`l${i}`]: 'x' };
      next.metadata.managedFields = recordUpdate(obj, next, {
        manager: `m${i}`,
        apiVersion: 'apps/v1',
        time: `2024-05-01T11:00:${String(i).padStart(2, '0')}Z`,
        kind: 'Deployment',
      });
      obj = next;
    }
    const names = (obj.metadata.managedFields ?? []).map((e) => e.manager);
    expect(names).toHaveLength(10);
    expect(names).toContain('ancient-changes');
    expect(names).not.toContain('m0');
  });
});
