import { describe, expect, it } from 'vitest';
import { evalJsonPath, isValidJsonPath } from '../../sim/jsonpath.js';
import type { Json, JsonObject, KubeObject } from '../../sim/k8s-types.js';
import { BUILTIN_TYPES, type ResourceType } from '../../sim/resource-types.js';
import { humanDuration, toTable } from '../../sim/table.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const minutesAgo = (m: number): string =>
  new Date(NOW.getTime() - m * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

function builtin(plural: string): ResourceType {
  const t = BUILTIN_TYPES.find((x) => x.plural === plural);
  if (!t) throw new Error(`no type ${plural}`);
  return t;
}

function ko(
  kind: string,
  name: string,
  rest: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind,
    metadata: { name, namespace: 'default', creationTimestamp: minutesAgo(5), resourceVersion: '7', ...meta },
    ...rest,
  };
}

function table(
  plural: string,
  objs: KubeObject[],
  extra: Partial<Parameters<typeof toTable>[2]> = {},
): JsonObject {
  return toTable(builtin(plural), objs, { now: NOW, resourceVersion: '42', ...extra });
}

function cells(t: JsonObject, row = 0): Json[] {
  const rows = t['rows'] as JsonObject[];
  return (rows[row]?.['cells'] ?? []) as Json[];
}

function columns(t: JsonObject): { name: string; type: string; priority: number; format: string }[] {
  return t['columnDefinitions'] as unknown as {
    name: string;
    type: string;
    priority: number;
    format: string;
  }[];
}

describe('humanDuration (k8s.io/apimachinery/pkg/util/duration)', () => {
  it.each([
    [0, '0s'],
    [-1500, '0s'],
    [-2500, '<invalid>'],
    [59_000, '59s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [150_000, '2m30s'],
    [599_000, '9m59s'],
    [600_000, '10m'],
    [179 * 60_000, '179m'],
    [3 * 3_600_000, '3h'],
    [3 * 3_600_000 + 5 * 60_000, '3h5m'],
    [8 * 3_600_000 + 5 * 60_000, '8h'],
    [47 * 3_600_000, '47h'],
    [48 * 3_600_000, '2d'],
    [50 * 3_600_000, '2d2h'],
    [8 * 86_400_000, '8d'],
    [730 * 86_400_000, '2y'],
    [800 * 86_400_000, '2y70d'],
    [9 * 365 * 86_400_000, '9y'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('Table envelope', () => {
  const pod = ko('Pod', 'p', { spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending' } });

  it('has kind, metadata and column definitions with every field', () => {
    const t = table('pods', [pod], { continue: 'tok', remainingItemCount: 3 });
    expect(t['kind']).toBe('Table');
    expect(t['apiVersion']).toBe('meta.k8s.io/v1');
    expect(t['metadata']).toEqual({ resourceVersion: '42', continue: 'tok', remainingItemCount: 3 });
    expect(columns(t).map((c) => c.name)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
      'IP',
      'Node',
      'Nominated Node',
      'Readiness Gates',
    ]);
    expect(columns(t)[0]).toMatchObject({ type: 'string', format: 'name', priority: 0 });
    expect(
      columns(t)
        .filter((c) => c.priority === 1)
        .map((c) => c.name),
    ).toEqual(['IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  });

  it('includes PartialObjectMetadata by default, the object, or null', () => {
    const rows = (o: 'None' | 'Metadata' | 'Object' | undefined) =>
      (table('pods', [pod], { includeObject: o })['rows'] as JsonObject[])[0]?.['object'];
    expect(rows(undefined)).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: pod.metadata,
    });
    expect(rows('Object')).toEqual(pod);
    expect(rows('None')).toBeNull();
  });
});

describe('pod printer', () => {
  const spec = { containers: [{ name: 'a' }, { name: 'b' }], nodeName: 'n1' };
  const running = { state: { running: {} }, ready: true, restartCount: 0 };

  it('prints a running pod with wide cells', () => {
    const p = ko('Pod', 'web', {
      spec,
      status: {
        phase: 'Running',
        podIP: '10.0.0.5',
        podIPs: [{ ip: '10.0.0.5' }],
        containerStatuses: [running, running],
      },
    });
    expect(cells(table('pods', [p]))).toEqual([
      'web',
      '2/2',
      'Running',
      '0',
      '5m',
      '10.0.0.5',
      'n1',
      '<none>',
      '<none>',
    ]);
  });

  it('shows waiting reasons, restarts with age, and Terminating', () => {
    const backoff = ko('Pod', 'x', {
      spec,
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            ...running,
            restartCount: 2,
            lastState: { terminated: { finishedAt: minutesAgo(3), exitCode: 1 } },
          },
          { state: { waiting: { reason: 'ImagePullBackOff' } }, ready: false, restartCount: 1 },
        ],
      },
    });
    expect(cells(table('pods', [backoff])).slice(1, 4)).toEqual(['1/2', 'ImagePullBackOff', '3 (3m ago)']);
    const creating = ko('Pod', 'y', {
      spec,
      status: {
        phase: 'Pending',
        containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }],
      },
    });
    expect(cells(table('pods', [creating]))[2]).toBe('ContainerCreating');
    const deleting = ko(
      'Pod',
      'z',
      { spec, status: { phase: 'Running' } },
      { deletionTimestamp: minutesAgo(1) },
    );
    expect(cells(table('pods', [deleting]))[2]).toBe('Terminating');
  });

  it('shows init progress and completion conditions', () => {
    const init = ko('Pod', 'i', {
      spec: { ...spec, initContainers: [{ name: 'setup' }] },
      status: { phase: 'Pending', initContainerStatuses: [{ name: 'setup', state: { running: {} } }] },
    });
    expect(cells(table('pods', [init]))[2]).toBe('Init:0/1');
    const done = ko('Pod', 'd', {
      spec: { containers: [{ name: 'a' }] },
      status: {
        phase: 'Succeeded',
        containerStatuses: [{ state: { terminated: { reason: 'Completed', exitCode: 0 } } }],
      },
    });
    const t = table('pods', [done]);
    expect(cells(t)[2]).toBe('Completed');
    expect((t['rows'] as JsonObject[])[0]?.['conditions']).toEqual([
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ]);
  });
});

describe('built-in printers', () => {
  it('prints nodes: status, scheduling, roles, wide info', () => {
    const node = ko(
      'Node',
      'n1',
      {
        spec: { unschedulable: true },
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          addresses: [{ type: 'InternalIP', address: '192.168.0.2' }],
          nodeInfo: {
            kubeletVersion: 'v1.31.4',
            osImage: 'Ubuntu',
            kernelVersion: '6.8',
            containerRuntimeVersion: 'containerd://1.7',
          },
        },
      },
      {
        namespace: undefined,
        labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '' },
      },
    );
    expect(cells(table('nodes', [node]))).toEqual([
      'n1',
      'Ready,SchedulingDisabled',
      'control-plane,worker',
      '5m',
      'v1.31.4',
      '192.168.0.2',
      '<none>',
      'Ubuntu',
      '6.8',
      'containerd://1.7',
    ]);
    const notReady = ko('Node', 'n2', { status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } });
    expect(cells(table('nodes', [notReady])).slice(1, 3)).toEqual(['NotReady', '<none>']);
    expect(cells(table('nodes', [ko('Node', 'n3')]))[1]).toBe('Unknown');
  });

  it('prints deployments, replicasets and statefulsets', () => {
    const template = {
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1' },
          { name: 'log', image: 'busybox' },
        ],
      },
    };
    const d = ko('Deployment', 'd', {
      spec: { replicas: 3, selector: { matchLabels: { app: 'd' } }, template },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    });
    expect(cells(table('deployments', [d]))).toEqual([
      'd',
      '2/3',
      3,
      2,
      '5m',
      'web,log',
      'nginx:1,busybox',
      'app=d',
    ]);
    const rs = ko('ReplicaSet', 'r', {
      spec: { replicas: 2, selector: {}, template },
      status: { replicas: 2 },
    });
    expect(cells(table('replicasets', [rs]))).toEqual([
      'r',
      2,
      2,
      0,
      '5m',
      'web,log',
      'nginx:1,busybox',
      '<none>',
    ]);
    const sts = ko('StatefulSet', 's', { spec: { replicas: 1, template }, status: { readyReplicas: 1 } });
    expect(cells(table('statefulsets', [sts])).slice(0, 3)).toEqual(['s', '1/1', '5m']);
  });

  it('prints services', () => {
    const svc = ko('Service', 's', {
      spec: {
        type: 'NodePort',
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 443, nodePort: 30443, protocol: 'TCP' },
        ],
        selector: { app: 'web' },
      },
    });
    expect(cells(table('services', [svc]))).toEqual([
      's',
      'NodePort',
      '10.96.0.10',
      '<none>',
      '80/TCP,443:30443/TCP',
      '5m',
      'app=web',
    ]);
    const lb = ko('Service', 'lb', { spec: { type: 'LoadBalancer', ports: [] } });
    expect(cells(table('services', [lb])).slice(2, 5)).toEqual(['<none>', '<pending>', '<none>']);
  });

  it('prints configmaps, secrets, namespaces, leases, events', () => {
    expect(
      cells(table('configmaps', [ko('ConfigMap', 'c', { data: { a: '1' }, binaryData: { b: 'AA==' } })])),
    ).toEqual(['c', 2, '5m']);
    expect(cells(table('secrets', [ko('Secret', 's', { type: 'Opaque', data: { a: 'YQ==' } })]))).toEqual([
      's',
      'Opaque',
      1,
      '5m',
    ]);
    expect(cells(table('namespaces', [ko('Namespace', 'n', { status: { phase: 'Active' } })]))).toEqual([
      'n',
      'Active',
      '5m',
    ]);
    expect(cells(table('leases', [ko('Lease', 'l', { spec: { holderIdentity: 'me' } })]))).toEqual([
      'l',
      'me',
      '5m',
    ]);
    const ev = ko('Event', 'p.1', {
      involvedObject: { kind: 'Pod', name: 'p' },
      type: 'Warning',
      reason: 'BackOff',
      message: ' Back-off pulling image \n',
      source: { component: 'kubelet', host: 'n1' },
      firstTimestamp: minutesAgo(10),
      lastTimestamp: minutesAgo(2),
      count: 4,
    });
    expect(cells(table('events', [ev]))).toEqual([
      '2m',
      'Warning',
      'BackOff',
      'pod/p',
      '',
      'kubelet, n1',
      'Back-off pulling image',
      '10m',
      4,
      'p.1',
    ]);
  });

  it('uses Name and Created At for CRDs', () => {
    const t = table('customresourcedefinitions', [
      ko('CustomResourceDefinition', 'widgets.x.io', {}, { creationTimestamp: '2024-01-02T03:04:05Z' }),
    ]);
    expect(columns(t).map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Created At', 'date'],
    ]);
    expect(cells(t)).toEqual(['widgets.x.io', '2024-01-02T03:04:05Z']);
  });
});

describe('custom resources', () => {
  const widgets: ResourceType = {
    ...builtin('configmaps'),
    group: 'x.io',
    kind: 'Widget',
    plural: 'widgets',
    custom: true,
  };
  const w: KubeObject = {
    apiVersion: 'x.io/v1',
    kind: 'Widget',
    metadata: { name: 'w1', namespace: 'default', creationTimestamp: minutesAgo(90) },
    spec: { replicas: 3.0, size: { cpu: 2 }, enabled: true },
    status: {
      conditions: [
        { type: 'Synced', status: 'False' },
        { type: 'Ready', status: 'True' },
      ],
    },
  };

  it('defaults to Name and Age', () => {
    const t = toTable(widgets, [w], { now: NOW, resourceVersion: '1' });
    expect(columns(t).map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Age', 'date'],
    ]);
    expect(cells(t)).toEqual(['w1', '90m']);
  });

  it('evaluates additionalPrinterColumns', () => {
    const t = toTable(widgets, [w], {
      now: NOW,
      resourceVersion: '1',
      customColumns: [
        { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
        {
          name: 'Ready',
          type: 'string',
          jsonPath: '.status.conditions[?(@.type=="Ready")].status',
          priority: 1,
        },
        { name: 'Size', type: 'string', jsonPath: '.spec.size' },
        { name: 'On', type: 'boolean', jsonPath: '.spec.enabled' },
        { name: 'Missing', type: 'string', jsonPath: '.spec.nope' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    });
    expect(cells(t)).toEqual(['w1', 3, 'True', 'map[cpu:2]', true, null, '90m']);
    expect(columns(t)[2]).toMatchObject({
      name: 'Ready',
      priority: 1,
      description:
        'Custom resource definition column (in JSONPath format): .status.conditions[?(@.type=="Ready")].status',
    });
  });
});

describe('evalJsonPath', () => {
  const doc = {
    metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      containers: [
        { name: 'c1', image: 'i1', port: 80 },
        { name: 'c2', image: 'i2', port: 8080 },
      ],
    },
  };

  it.each([
    ['.metadata.name', ['a']],
    ['{.metadata.name}', ['a']],
    ['$.metadata.name', ['a']],
    ['.spec.containers[0].name', ['c1']],
    ['.spec.containers[-1].name', ['c2']],
    ['.spec.containers[*].image', ['i1', 'i2']],
    ['.spec.containers[0:1].name', ['c1']],
    ['.spec.containers[0,1].port', [80, 8080]],
    ['.spec.containers[?(@.port > 100)].name', ['c2']],
    [".spec.containers[?(@.name=='c1')].image", ['i1']],
    ['.metadata.labels.app\\.kubernetes\\.io/name', ['web']],
    [".metadata.labels['app.kubernetes.io/name']", ['web']],
    ['..image', ['i1', 'i2']],
    ['.spec.missing', []],
    ['.spec.containers[5].name', []],
  ])('%s', (path, want) => {
    expect(evalJsonPath(doc, path)).toEqual(want);
  });

  it('reports invalid paths', () => {
    expect(isValidJsonPath('.spec.containers[')).toBe(false);
    expect(isValidJsonPath('.spec.containers[0].name')).toBe(true);
    expect(() => evalJsonPath(doc, '.a[?(@.x ==')).toThrow();
  });
});
