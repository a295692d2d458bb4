import { describe, expect, it } from 'vitest';
import { metaSpecFromSchema, patchMetaFor, patchMetaFromSpec } from '../../../sim/patch/patch-meta.js';
import { zeroObjectOf } from '../../../sim/patch/zero-values.js';

describe('patchMetaFor', () => {
  it('describes pod-template containers of workloads as name-keyed merge lists', () => {
    for (const kind of ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet']) {
      const containers = patchMetaFor(kind).field('spec').field('template').field('spec').field('containers');
      expect(containers.listType).toBe('map');
      expect(containers.listMapKeys).toEqual(['name']);
      expect(containers.patchStrategy).toBe('merge');
      expect(containers.patchMergeKey).toBe('name');
    }
    const env = patchMetaFor('Pod').field('spec').field('containers').elem().field('env');
    expect([env.listType, env.patchMergeKey]).toEqual(['map', 'name']);
  });

  it('uses multi-key list-map keys for SSA where Kubernetes does, with schema key defaults', () => {
    const ports = patchMetaFor('Pod').field('spec').field('containers').elem().field('ports');
    expect(ports.listMapKeys).toEqual(['containerPort', 'protocol']);
    expect(ports.patchMergeKey).toBe('containerPort');
    expect(ports.keyDefaults).toEqual({ protocol: 'TCP' });
    expect(patchMetaFor('Service').field('spec').field('ports').listMapKeys).toEqual(['port', 'protocol']);
    const tsc = patchMetaFor('Pod').field('spec').field('topologySpreadConstraints');
    expect([tsc.listMapKeys, tsc.patchMergeKey]).toEqual([
      ['topologyKey', 'whenUnsatisfiable'],
      'topologyKey',
    ]);
  });

  it('knows atomic lists and structs, sets and free-form maps', () => {
    const node = patchMetaFor('Node');
    expect(node.field('spec').field('taints').listType).toBe('atomic');
    expect(node.field('spec').field('taints').patchStrategy).toBe('');
    expect(node.field('status').field('images').listType).toBe('atomic');
    expect(node.field('status').field('addresses').listMapKeys).toEqual(['type']);
    const fin = patchMetaFor('ConfigMap').field('metadata').field('finalizers');
    expect([fin.listType, fin.patchStrategy]).toEqual(['set', 'merge']);
    expect(patchMetaFor('Deployment').field('spec').field('selector').atomic).toBe(true);
    expect(patchMetaFor('Pod').field('status').field('containerStatuses').listType).toBe('atomic');
    expect(patchMetaFor('Pod').field('metadata').field('ownerReferences').listMapKeys).toEqual(['uid']);
    expect(patchMetaFor('Pod').field('metadata').field('labels').mapEntries).toBe(true);
  });

  it('treats custom resources as atomic lists and granular maps, keeping ObjectMeta semantics', () => {
    const cr = patchMetaFor('Widget');
    expect(cr.field('spec').field('items').listType).toBe('atomic');
    expect(cr.field('spec').field('items').patchStrategy).toBe('');
    expect(cr.field('spec').atomic).toBe(false);
    expect(cr.field('metadata').field('finalizers').listType).toBe('set');
    // A CR reusing a built-in kind name in another group is still a CR.
    expect(
      patchMetaFor('Deployment', 'example.com')
        .field('spec')
        .field('template')
        .field('spec')
        .field('containers').listType,
    ).toBe('atomic');
    expect(zeroObjectOf('Deployment', 'example.com')).toEqual({});
  });

  it('builds metadata from a CRD openAPIV3Schema', () => {
    const spec = metaSpecFromSchema({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            ports: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['port', 'protocol'],
              items: {
                type: 'object',
                properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } },
              },
            },
            tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
            selector: {
              type: 'object',
              'x-kubernetes-map-type': 'atomic',
              additionalProperties: { type: 'string' },
            },
            config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      },
    });
    const m = patchMetaFromSpec(spec);
    const ports = m.field('spec').field('ports');
    expect([ports.listType, ports.listMapKeys, ports.keyDefaults]).toEqual([
      'map',
      ['port', 'protocol'],
      { protocol: 'TCP' },
    ]);
    expect(m.field('spec').field('tags').listType).toBe('set');
    expect(m.field('spec').field('selector').atomic).toBe(true);
    expect(m.field('spec').field('config').mapEntries).toBe(true);
    expect(m.field('metadata').field('ownerReferences').listMapKeys).toEqual(['uid']);
  });
});
