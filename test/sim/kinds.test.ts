import { describe, expect, it } from 'vitest';
import { invalid } from '../../sim/errors.js';
import type { KubeObject, StatusCause } from '../../sim/k8s-types.js';
import { customResourceStrategy, podQOSClass, strategyFor } from '../../sim/kinds/index.js';
import { BUILTIN_TYPES, type ResourceType } from '../../sim/resource-types.js';

function type(kind: string): ResourceType {
  const t = BUILTIN_TYPES.find((x) => x.kind === kind);
  if (!t) throw new Error(`no type ${kind}`);
  return t;
}

function mk(kind: string, body: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  const t = type(kind);
  return {
    apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
    kind,
    metadata: { name: 'x', ...(t.namespaced ? { namespace: 'default' } : {}), ...meta },
    ...body,
  };
}

const defaults = (o: KubeObject): KubeObject => strategyFor(type(o.kind)).defaults(o);
const validate = (o: KubeObject, old?: KubeObject): StatusCause[] =>
  strategyFor(type(o.kind)).validate(o, old);
const fields = (causes: StatusCause[]): string[] => causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`);
const get = (o: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      o,
    );

const template = (labels: Record<string, string>, image = 'nginx:1.25') => ({
  metadata: { labels },
  spec: { containers: [{ name: 'web', image }] },
});

describe('Pod strategy', () => {
  const pod = mk('Pod', {
    spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] },
  });

  it('fills what the apiserver and default admission fill', () => {
    const out = defaults(pod);
    expect(out['spec']).toEqual({
      containers: [
        {
          name: 'web',
          image: 'nginx',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          imagePullPolicy: 'Always',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          resources: {},
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      securityContext: {},
      enableServiceLinks: true,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
    });
    expect(out['status']).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(pod['status']).toBeUndefined();
    expect(defaults(out)).toEqual(out);
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry:5000/nginx', 'Always'],
    ['nginx@sha256:abc', 'IfNotPresent'],
  ])('image %s pulls %s', (image, policy) => {
    const out = defaults(mk('Pod', { spec: { containers: [{ name: 'c', image }] } }));
    expect(get(out, 'spec.containers')).toMatchObject([{ imagePullPolicy: policy }]);
  });

  it('computes the QoS class (a limit alone also requests)', () => {
    const guaranteed = defaults(
      mk('Pod', {
        spec: {
          containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '500m', memory: '128Mi' } } }],
        },
      }),
    );
    expect(get(guaranteed, 'status.qosClass')).toBe('Guaranteed');
    expect(get(guaranteed, 'spec.containers')).toMatchObject([
      { resources: { requests: { cpu: '500m', memory: '128Mi' } } },
    ]);
    expect(
      podQOSClass({ containers: [{ resources: { requests: { cpu: '0.5' }, limits: { cpu: '1' } } }] }),
    ).toBe('Burstable');
  });

  it('requires containers, names and images', () => {
    expect(fields(validate(mk('Pod', { spec: {} })))).toContain('spec.containers: Required value');
    const causes = validate(defaults(mk('Pod', { spec: { containers: [{ name: 'Web_1' }] } })));
    expect(fields(causes)).toEqual([
      "spec.containers[0].name: Invalid value: \"Web_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      'spec.containers[0].image: Required value',
    ]);
    expect(causes[1]?.reason).toBe('FieldValueRequired');
  });

  it('validates names as RFC 1123 subdomains, with Kubernetes wording', () => {
    const causes = validate(defaults({ ...pod, metadata: { name: 'Bad_Name', namespace: 'default' } }));
    expect(fields(causes)).toEqual([
      "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(invalid({ kind: 'Pod', name: 'Bad_Name' }, causes).message).toMatch(
      /^Pod "Bad_Name" is invalid: metadata\.name: Invalid value/,
    );
  });

  it('validates labels and requires a name', () => {
    const causes = validate(
      defaults({ ...pod, metadata: { namespace: 'default', labels: { 'a/b/c': 'x', ok: 'bad value' } } }),
    );
    expect(fields(causes)[0]).toBe('metadata.name: Required value: name or generateName is required');
    expect(causes.filter((c) => c.field === 'metadata.labels')).toHaveLength(2);
  });

  it('allows only image and a few other changes on update', () => {
    const old = defaults(pod);
    const newImage = structuredClone(old);
    const [first] = get(newImage, 'spec.containers') as Record<string, unknown>[];
    if (first) first['image'] = 'nginx:2';
    expect(validate(newImage, old)).toEqual([]);
    const moved = { ...old, spec: { ...(old['spec'] as object), nodeName: 'n1' } };
    expect(fields(validate(moved, old))[0]).toMatch(
      /^spec: Forbidden: pod updates may not change fields other than/,
    );
  });
});

describe('workload strategies', () => {
  const deploy = mk('Deployment', {
    spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) },
  });

  it('defaults deployments and their pod templates (no admission fields)', () => {
    const out = defaults(deploy);
    expect(out['spec']).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler' },
      },
    });
    expect(get(out, 'spec.template.spec.tolerations')).toBeUndefined();
    expect(get(out, 'spec.template.spec.enableServiceLinks')).toBeUndefined();
    expect(strategyFor(type('Deployment')).tracksGeneration).toBe(true);
    expect(validate(out)).toEqual([]);
  });

  it('rejects a selector that does not match the template', () => {
    const bad = defaults(
      mk('Deployment', {
        spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'db' }) },
      }),
    );
    expect(fields(validate(bad))).toEqual([
      'spec.template.metadata.labels: Invalid value: {"app":"db"}: `selector` does not match template `labels`',
    ]);
  });

  it('requires a selector, non-negative replicas and images', () => {
    const bad = defaults(mk('Deployment', { spec: { replicas: -1, template: template({ app: 'x' }, '') } }));
    expect(fields(validate(bad))).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.selector: Required value',
      'spec.template.spec.containers[0].image: Required value',
    ]);
  });

  it('makes the selector immutable', () => {
    const old = defaults(deploy);
    const next = defaults(
      mk('Deployment', {
        spec: {
          selector: { matchLabels: { app: 'web', v: '2' } },
          template: template({ app: 'web', v: '2' }),
        },
      }),
    );
    expect(fields(validate(next, old))).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable',
    ]);
  });

  it('defaults daemonsets, replicasets and statefulsets', () => {
    const ds = defaults(
      mk('DaemonSet', { spec: { selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }) } }),
    );
    expect(ds['spec']).toMatchObject({
      revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    });
    expect(validate(ds)).toEqual([]);
    expect(get(defaults(mk('ReplicaSet', { spec: {} })), 'spec.replicas')).toBe(1);
    const sts = defaults(
      mk('StatefulSet', {
        spec: {
          serviceName: 'db',
          selector: { matchLabels: { a: 'b' } },
          template: template({ a: 'b' }),
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
        },
      }),
    );
    expect(sts['spec']).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          spec: { volumeMode: 'Filesystem' },
          status: { phase: 'Pending' },
        },
      ],
    });
    expect(validate(sts)).toEqual([]);
    const dotted = { ...sts, metadata: { name: 'a.b', namespace: 'default' } };
    expect(fields(validate(dotted))).toEqual(['metadata.name: Invalid value: "a.b": must not contain dots']);
    const changed = { ...sts, spec: { ...(sts['spec'] as object), serviceName: 'other' } };
    expect(fields(validate(changed, sts))[0]).toMatch(
      /^spec: Forbidden: updates to statefulset spec for fields other than 'replicas'/,
    );
  });
});

describe('core strategies', () => {
  it('defaults a node allocatable to a copy of its capacity, and keeps one that is set', () => {
    const capacity = { cpu: '4', memory: '8Gi', pods: '110' };
    const input = mk('Node', { status: { capacity } });
    const node = defaults(input);
    expect(get(node, 'status.allocatable')).toEqual(capacity);
    expect(get(node, 'status.allocatable')).not.toBe(capacity);
    // The caller's object is not changed.
    expect(get(input, 'status.allocatable')).toBeUndefined();
    const set = mk('Node', {
      status: { capacity, allocatable: { cpu: '3500m', memory: '7Gi', pods: '110' } },
    });
    expect(get(defaults(set), 'status.allocatable')).toEqual({ cpu: '3500m', memory: '7Gi', pods: '110' });
    const statusless = mk('Node', { spec: { unschedulable: true } });
    expect(defaults(statusless)).toEqual(statusless);
  });

  it('defaults services; clusterIP is left to the allocator', () => {
    const svc = defaults(mk('Service', { spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }));
    expect(svc['spec']).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
    expect(svc['status']).toEqual({ loadBalancer: {} });
    expect(validate(svc)).toEqual([]);
  });

  it('validates services', () => {
    const svc = defaults(
      mk('Service', { spec: { ports: [{ port: 80 }, { port: 70000, name: 'b' }] } }, { name: '1svc' }),
    );
    expect(fields(validate(svc))).toEqual([
      "metadata.name: Invalid value: \"1svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      'spec.ports[0].name: Required value',
      'spec.ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.ports[1].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
    expect(fields(validate(defaults(mk('Service', { spec: {} }))))).toEqual(['spec.ports: Required value']);
  });

  it('defaults namespaces, adding the kubernetes finalizer only on create', () => {
    const ns = defaults(mk('Namespace', {}, { name: 'team-a' }));
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' });
    expect(ns['spec']).toEqual({ finalizers: ['kubernetes'] });
    expect(ns['status']).toEqual({ phase: 'Active' });
    const finalized = defaults({ ...ns, spec: { finalizers: [] } });
    expect(finalized['spec']).toEqual({ finalizers: [] });
    expect(fields(validate(mk('Namespace', {}, { name: 'a.b' })))).toEqual([
      'metadata.name: Invalid value: "a.b": must not contain dots',
    ]);
  });

  it('folds secret stringData into data and validates keys', () => {
    const s = defaults(mk('Secret', { stringData: { password: 'hunter2' } }));
    expect(s['type']).toBe('Opaque');
    expect(s['data']).toEqual({ password: Buffer.from('hunter2').toString('base64') });
    expect(s['stringData']).toBeUndefined();
    const cm = mk('ConfigMap', { data: { 'bad key': 'v', ok: 'v' }, binaryData: { ok: 'AA==' } });
    expect(fields(validate(cm))).toEqual([
      "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      'data[ok]: Invalid value: "ok": duplicate of key present in binaryData',
    ]);
  });

  it('keeps immutable configmaps immutable', () => {
    const old = mk('ConfigMap', { immutable: true, data: { a: '1' } });
    expect(fields(validate({ ...old, data: { a: '2' } }, old))).toEqual([
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });

  it('defaults PVCs and checks required fields', () => {
    const pvc = defaults(mk('PersistentVolumeClaim', { spec: {} }));
    expect(get(pvc, 'spec.volumeMode')).toBe('Filesystem');
    expect(get(pvc, 'status.phase')).toBe('Pending');
    expect(fields(validate(pvc))).toEqual([
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]);
  });

  it('tracks generation only where Kubernetes does', () => {
    expect(strategyFor(type('ConfigMap')).tracksGeneration).toBe(false);
    expect(strategyFor(type('Service')).tracksGeneration).toBe(false);
    expect(strategyFor(type('StatefulSet')).tracksGeneration).toBe(true);
    expect(strategyFor(type('CustomResourceDefinition')).tracksGeneration).toBe(true);
  });
});

describe('CRDs and custom resources', () => {
  const crd = (over: Record<string, unknown> = {}, name = 'widgets.example.com') =>
    mk(
      'CustomResourceDefinition',
      {
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'widgets', kind: 'Widget' },
          versions: [
            { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
          ],
          ...over,
        },
      },
      { name },
    );

  it('defaults names, conversion and storedVersions', () => {
    const out = defaults(crd());
    expect(get(out, 'spec.names')).toEqual({
      plural: 'widgets',
      kind: 'Widget',
      singular: 'widget',
      listKind: 'WidgetList',
    });
    expect(get(out, 'spec.conversion')).toEqual({ strategy: 'None' });
    expect(get(out, 'status.storedVersions')).toEqual(['v1']);
    expect(validate(out)).toEqual([]);
  });

  it('validates the name, group and storage versions', () => {
    const bad = defaults(
      crd(
        {
          group: 'example',
          versions: [
            { name: 'v1', storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
            { name: 'v2', storage: false },
          ],
        },
        'widgets.wrong.com',
      ),
    );
    expect(fields(validate(bad))).toEqual([
      'metadata.name: Invalid value: "widgets.wrong.com": must be spec.names.plural+"."+spec.group',
      'spec.group: Invalid value: "example": should be a domain with at least one dot',
      'spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required',
      expect.stringMatching(
        /^spec\.versions: Invalid value: \[.*\]: must have exactly one version marked as storage version$/,
      ),
    ]);
  });

  it('applies schema defaults to custom resources', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          default: {},
          properties: {
            size: { type: 'integer', default: 3 },
            tags: {
              type: 'array',
              items: { type: 'object', properties: { on: { type: 'boolean', default: true } } },
            },
          },
        },
      },
    };
    const s = customResourceStrategy(true, schema);
    const out = s.defaults({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'd' },
      spec: { tags: [{}] },
    } as KubeObject);
    expect(out['spec']).toEqual({ size: 3, tags: [{ on: true }] });
    expect(s.tracksGeneration).toBe(true);
    const custom: ResourceType = {
      ...type('ConfigMap'),
      group: 'example.com',
      kind: 'Widget',
      plural: 'widgets',
      custom: true,
    };
    expect(
      fields(
        strategyFor(custom).validate(
          { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'W', namespace: 'd' } },
          undefined,
        ),
      )[0],
    ).toMatch(/^metadata\.name: Invalid value: "W": a lowercase RFC 1123 subdomain/);
  });
});
