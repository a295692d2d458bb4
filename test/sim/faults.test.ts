import { CoreV1Api, KubeConfig, Watch, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCluster } from '../../sim/cluster.js';
import {
  clusterRequest,
  eventually,
  kubectl,
  smallScenario,
  startTestFleet,
  type TestFleet,
} from '../helpers/sim.js';

// Each fault, and what a client sees when it is switched on.
let t: TestFleet;
let edge: SimCluster;
let dc: SimCluster;
let kc: KubeConfig;

beforeAll(async () => {
  t = await startTestFleet(smallScenario(), 0.02);
  edge = t.fleet.cluster('edge-1');
  dc = t.fleet.cluster('dc-1');
  kc = new KubeConfig();
  kc.loadFromString(t.fleet.kubeconfig);
});
afterAll(async () => t?.dispose());

function api(context: string): CoreV1Api {
  const c = new KubeConfig();
  c.loadFromString(t.fleet.kubeconfig);
  c.setCurrentContext(context);
  return c.makeApiClient(CoreV1Api);
}

/** A raw request that reports how it failed: an error code, a timeout, or a status. */
function probe(cluster: SimCluster, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      new URL('/api/v1/namespaces', cluster.server),
      {
        headers: { Authorization: `Bearer ${cluster.credentials.token}` },
        ca: cluster.credentials.caCertPem,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        resolve(`status ${res.statusCode ?? 0}`);
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve('timeout');
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

function node(cluster: SimCluster): Promise<V1Node> {
  return api(cluster.name)
    .listNode()
    .then((l) => {
      const n = l.items[0];
      if (!n) throw new Error('no node');
      return n;
    });
}

function condition(n: V1Node, type: string): string | undefined {
  return n.status?.conditions?.find((c) => c.type === type)?.status;
}

describe('simulated faults', () => {
  it('down: connections are refused, kubectl says so, and the cluster comes back on the same port', async () => {
    const port = edge.port;
    await edge.setFaults({ offline: 'down' });
    expect(await probe(edge, 2000)).toBe('ECONNREFUSED');
    const r = await kubectl(t.kubeconfigPath, 'edge-1', ['get', 'nodes', '--request-timeout=3s']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('connection refused');
    await edge.setFaults({ offline: null });
    expect(edge.port).toBe(port);
    expect(await probe(edge, 2000)).toBe('status 200');
  });

  it('blackhole: requests never answer and open watches go silent until the link returns', async () => {
    const events: string[] = [];
    kc.setCurrentContext('edge-1');
    const ctrl = await new Watch(kc).watch(
      '/api/v1/namespaces/default/configmaps',
      {},
      (type, o: { metadata?: { name?: string } }) => events.push(`${type} ${o.metadata?.name ?? ''}`),
      () => undefined,
    );
    await eventually(() => events.length > 0, 5000, 'initial events');
    events.length = 0;
    await edge.setFaults({ offline: 'blackhole' });
    expect(await probe(edge, 700)).toBe('timeout');
    await edge.registry.create(
      edge.catalog.lookup('', 'v1', 'configmaps') ?? fail(),
      'default',
      { metadata: { name: 'in-the-dark' } },
      { fieldManager: 'test' },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toEqual([]);
    await edge.setFaults({ offline: null });
    await eventually(
      () => events.includes('ADDED in-the-dark'),
      5000,
      'held event delivered after the blackhole',
    );
    ctrl.abort();
    expect(await probe(edge, 2000)).toBe('status 200');
  });

  it('latency: every answer is delayed', async () => {
    await dc.setFaults({ latencyMs: 300 });
    const start = Date.now();
    expect(await probe(dc, 5000)).toBe('status 200');
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
    await dc.setFaults({ latencyMs: 0 });
  });

  it('flaky: connections are reset', async () => {
    await dc.setFaults({ flaky: 1 });
    expect(await probe(dc, 2000)).toBe('ECONNRESET');
    await dc.setFaults({ flaky: 0 });
    expect(await probe(dc, 2000)).toBe('status 200');
  });

  it('error injection: 429 with Retry-After, 500 and 503 as Status objects, for a limited count', async () => {
    await dc.setFaults({ errors: { code: 429, retryAfterSeconds: 7, count: 1 } });
    const r429 = await clusterRequest(dc, 'GET', '/api/v1/nodes');
    expect(r429.status).toBe(429);
    expect(r429.headers['retry-after']).toBe('7');
    expect(JSON.parse(r429.body)).toMatchObject({
      kind: 'Status',
      reason: 'TooManyRequests',
      code: 429,
      details: { retryAfterSeconds: 7 },
    });
    expect((await clusterRequest(dc, 'GET', '/api/v1/nodes')).status).toBe(200);
    await dc.setFaults({ errors: { code: 500, count: 1 } });
    expect(JSON.parse((await clusterRequest(dc, 'GET', '/api/v1/nodes')).body)).toMatchObject({
      reason: 'InternalError',
      code: 500,
    });
    await dc.setFaults({ errors: { code: 503, pathPrefix: '/apis/apps' } });
    expect((await clusterRequest(dc, 'GET', '/api/v1/nodes')).status).toBe(200);
    expect(JSON.parse((await clusterRequest(dc, 'GET', '/apis/apps/v1/deployments')).body)).toMatchObject({
      reason: 'ServiceUnavailable',
      code: 503,
    });
    await dc.setFaults({ errors: null });
    expect((await clusterRequest(dc, 'GET', '/apis/apps/v1/deployments')).status).toBe(200);
  });

  it('watch cut: open streams end and the client is told', async () => {
    let done = false;
    kc.setCurrentContext('dc-1');
    const ctrl = await new Watch(kc).watch(
      '/api/v1/nodes',
      {},
      () => undefined,
      () => (done = true),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(done).toBe(false);
    await dc.setFaults({ cutWatches: true });
    await eventually(() => done, 5000, 'watch done');
    ctrl.abort();
  });

  it('node conditions: NotReady and pressure show on the node, with taints and events', async () => {
    const n = await node(edge);
    const name = n.metadata?.name ?? '';
    edge.controllers.setNodeCondition(name, 'Ready', 'False', 'KubeletNotReady', 'container runtime is down');
    edge.controllers.setNodeCondition(name, 'DiskPressure', 'True');
    await eventually(async () => condition(await node(edge), 'Ready') === 'False', 5000, 'NotReady');
    const after = await node(edge);
    expect(condition(after, 'DiskPressure')).toBe('True');
    expect(after.spec?.taints?.map((x) => x.key)).toEqual(
      expect.arrayContaining(['node.kubernetes.io/not-ready', 'node.kubernetes.io/disk-pressure']),
    );
    const table = await kubectl(t.kubeconfigPath, 'edge-1', ['get', 'nodes', '--no-headers']);
    expect(table.stdout).toMatch(/\sNotReady\s/);
    edge.controllers.setNodeCondition(name, 'Ready', 'True');
    edge.controllers.setNodeCondition(name, 'DiskPressure', 'False');
    await eventually(async () => condition(await node(edge), 'Ready') === 'True', 5000, 'Ready again');
  });

  it('heartbeat stop: the node goes Unknown with unreachable taints, then recovers', async () => {
    const name = (await node(edge)).metadata?.name ?? '';
    edge.controllers.setHeartbeat(name, false);
    // Grace is 40 s of simulated time: 0.8 s at this time scale.
    const unknown = await eventually(
      async () => {
        const n = await node(edge);
        // The lifecycle controller marks conditions and taints the node: wait for both.
        const tainted = (n.spec?.taints ?? []).some((x) => x.key === 'node.kubernetes.io/unreachable');
        return condition(n, 'Ready') === 'Unknown' && tainted ? n : undefined;
      },
      10_000,
      'Ready Unknown',
    );
    expect(unknown.status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('NodeStatusUnknown');
    expect(unknown.spec?.taints?.map((x) => x.key)).toContain('node.kubernetes.io/unreachable');
    edge.controllers.setHeartbeat(name, true);
    await eventually(
      async () => {
        const n = await node(edge);
        const tainted = (n.spec?.taints ?? []).some((x) => x.key === 'node.kubernetes.io/unreachable');
        return condition(n, 'Ready') === 'True' && !tainted;
      },
      10_000,
      'Ready and untainted after heartbeat resumes',
    );
  });

  it('cordon, node add and node remove are visible to clients', async () => {
    const c = api('dc-1');
    const added = dc.controllers.addNode({
      name: 'dc-1-arm-1',
      count: 1,
      architecture: 'arm64',
      role: 'worker',
      cpu: '4',
      memory: '8Gi',
      pods: '110',
    });
    expect(added.metadata.name).toBe('dc-1-arm-1');
    const n = await c.readNode({ name: 'dc-1-arm-1' });
    expect(n.metadata?.labels?.['kubernetes.io/arch']).toBe('arm64');
    dc.controllers.setCordoned('dc-1-arm-1', true);
    await eventually(
      async () => (await c.readNode({ name: 'dc-1-arm-1' })).spec?.unschedulable === true,
      5000,
      'cordoned',
    );
    const table = await kubectl(t.kubeconfigPath, 'dc-1', ['get', 'node', 'dc-1-arm-1', '--no-headers']);
    expect(table.stdout).toContain('Ready,SchedulingDisabled');
    dc.controllers.removeNode('dc-1-arm-1');
    await expect(c.readNode({ name: 'dc-1-arm-1' })).rejects.toBeDefined();
  });

  it('image catalogue edits: an amd64-only image fails on arm64 until the catalogue gains arm64', async () => {
    const c = api('edge-1');
    await c.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'x86' },
        spec: { containers: [{ name: 'app', image: 'registry.example/x86-only:1.0' }] },
      },
    });
    const waiting = await eventually(
      async () => {
        const p: V1Pod = await c.readNamespacedPod({ name: 'x86', namespace: 'default' });
        const w = p.status?.containerStatuses?.[0]?.state?.waiting;
        return w?.reason === 'ImagePullBackOff' || w?.reason === 'ErrImagePull' ? w : undefined;
      },
      10_000,
      'ImagePullBackOff',
    );
    expect(waiting.message).toMatch(/linux\/arm64/);
    t.fleet.images.set('registry.example/x86-only:1.0', ['linux/amd64', 'linux/arm64']);
    await eventually(
      async () =>
        (await c.readNamespacedPod({ name: 'x86', namespace: 'default' })).status?.phase === 'Running',
      15_000,
      'Running after catalogue edit',
    );
  });

  it('wipe: the datastore is gone, nodes re-register, endpoint and credentials stay', async () => {
    const c = api('edge-1');
    await c.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'precious' } } });
    const before = await node(edge);
    const rvBefore = Number(
      (await c.listNamespacedConfigMap({ namespace: 'default' })).metadata?.resourceVersion,
    );
    edge.wipe();
    await expect(c.readNamespacedConfigMap({ name: 'precious', namespace: 'default' })).rejects.toBeDefined();
    const after = await node(edge);
    expect(after.metadata?.name).toBe(before.metadata?.name);
    expect(after.metadata?.uid).not.toBe(before.metadata?.uid);
    const rvAfter = Number(
      (await c.listNamespacedConfigMap({ namespace: 'default' })).metadata?.resourceVersion,
    );
    expect(rvAfter).toBeLessThan(rvBefore);
    expect((await c.listNamespace()).items.map((n) => n.metadata?.name)).toEqual(
      expect.arrayContaining(['default', 'kube-system']),
    );
  });

  it('request log: shows what a client sent, including content types', async () => {
    dc.clearRequests();
    await kubectl(t.kubeconfigPath, 'dc-1', [
      'label',
      'node',
      (await node(dc)).metadata?.name ?? '',
      'zone=z1',
      '--overwrite',
    ]);
    const log = dc.requests();
    const patch = log.find((r) => r.method === 'PATCH');
    expect(patch?.path).toMatch(/^\/api\/v1\/nodes\//);
    expect(patch?.contentType).toMatch(/patch\+json/);
    expect(patch?.status).toBe(200);
    expect(log.some((r) => r.method === 'DELETE')).toBe(false);
  });
});

function fail(): never {
  throw new Error('configmaps type missing');
}
