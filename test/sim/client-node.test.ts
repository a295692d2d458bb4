import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  Watch,
  makeInformer,
  setHeaderOptions,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, smallScenario, startTestFleet, type TestFleet } from '../helpers/sim.js';

// Fidelity: the official JavaScript client (the one the gateway uses) against the simulator.
let t: TestFleet;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;

beforeAll(async () => {
  t = await startTestFleet(smallScenario(), 0.02);
  kc = new KubeConfig();
  kc.loadFromString(t.fleet.kubeconfig);
  kc.setCurrentContext('dc-1');
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});
afterAll(async () => t?.dispose());

function statusCode(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'code' in e
    ? Number((e as { code: unknown }).code)
    : undefined;
}

describe('@kubernetes/client-node against a simulated cluster', () => {
  it('lists typed objects with resourceVersion and architecture facts', async () => {
    const nodes = await core.listNode();
    expect(nodes.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(nodes.items).toHaveLength(3);
    for (const n of nodes.items) {
      expect(n.metadata?.labels?.['kubernetes.io/arch']).toBe('amd64');
      expect(n.status?.nodeInfo?.architecture).toBe('amd64');
      expect(n.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('reports NotFound and Conflict as Kubernetes Status errors', async () => {
    await expect(core.readNamespacedConfigMap({ name: 'nope', namespace: 'default' })).rejects.toSatisfy(
      (e) => statusCode(e) === 404,
    );
    const cm = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'occ' }, data: { a: '1' } },
    });
    await core.replaceNamespacedConfigMap({
      name: 'occ',
      namespace: 'default',
      body: { ...cm, data: { a: '2' } },
    });
    // The first copy's resourceVersion is now stale.
    await expect(
      core.replaceNamespacedConfigMap({
        name: 'occ',
        namespace: 'default',
        body: { ...cm, data: { a: '3' } },
      }),
    ).rejects.toSatisfy((e) => statusCode(e) === 409);
  });

  it('resumes a watch from a resourceVersion without missing or repeating events', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const rv = list.metadata?.resourceVersion ?? '';
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w-1' } } });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w-2' } } });
    const seen: string[] = [];
    const watch = new Watch(kc);
    const ctrl = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: rv },
      (type, obj: V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name ?? ''}`),
      () => undefined,
    );
    await core.deleteNamespacedConfigMap({ name: 'w-1', namespace: 'default' });
    await eventually(() => seen.length >= 3, 5000, 'three events');
    ctrl.abort();
    expect(seen).toEqual(['ADDED w-1', 'ADDED w-2', 'DELETED w-1']);
  });

  it('answers a resume from a compacted resourceVersion with 410 Expired', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'c-1' } } });
    await t.fleet.cluster('dc-1').setFaults({ compact: true });
    const events: { type: string; code?: number }[] = [];
    let ended = false;
    await new Watch(kc).watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata?.resourceVersion ?? '' },
      (type, obj: { code?: number }) =>
        events.push({ type, ...(obj.code !== undefined ? { code: obj.code } : {}) }),
      () => (ended = true),
    );
    await eventually(() => ended, 5000, 'watch to end');
    expect(events).toEqual([{ type: 'ERROR', code: 410 }]);
  });

  it('keeps an informer correct across a watch cut and a 410: it relists', async () => {
    const informer = makeInformer(kc, '/api/v1/namespaces/default/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const errors: unknown[] = [];
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    try {
      await eventually(() => informer.get('occ', 'default'), 5000, 'initial list');
      const cluster = t.fleet.cluster('dc-1');
      // Cut the stream while compacting history, then write while the informer reconnects.
      await cluster.setFaults({ compact: true });
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'during-gap' } },
      });
      await cluster.setFaults({ compact: true, cutWatches: true });
      await eventually(
        () => informer.get('during-gap', 'default'),
        10_000,
        'informer to see the object written during the gap',
      );
      await core.deleteNamespacedConfigMap({ name: 'during-gap', namespace: 'default' });
      await eventually(
        () => informer.get('during-gap', 'default') === undefined,
        10_000,
        'informer to see the delete',
      );
      expect(errors).toEqual([]);
      const listPaths = cluster
        .requests()
        .filter(
          (r) =>
            r.method === 'GET' &&
            r.path.startsWith('/api/v1/namespaces/default/configmaps') &&
            !r.path.includes('watch=true'),
        );
      expect(listPaths.length).toBeGreaterThanOrEqual(2);
    } finally {
      await informer.stop();
    }
  });

  it('applies merge, strategic merge and JSON patches, and server-side apply', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'patched' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'patched' } },
          template: {
            metadata: { labels: { app: 'patched' } },
            spec: {
              containers: [
                { name: 'main', image: 'registry.example/web:1.0', env: [{ name: 'A', value: '1' }] },
                { name: 'side', image: 'registry.example/web:1.0' },
              ],
            },
          },
        },
      },
    });
    // Strategic merge: containers merge by name, env merges by name.
    await apps.patchNamespacedDeployment(
      {
        name: 'patched',
        namespace: 'default',
        body: {
          spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'B', value: '2' }] }] } } },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    let d = await apps.readNamespacedDeployment({ name: 'patched', namespace: 'default' });
    expect(d.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['main', 'side']);
    expect(d.spec?.template.spec?.containers[0]?.env?.map((e) => e.name)).toEqual(['B', 'A']);
    // JSON merge patch replaces lists wholesale.
    await apps.patchNamespacedDeployment(
      {
        name: 'patched',
        namespace: 'default',
        body: { metadata: { labels: { tier: 'edge' } }, spec: { replicas: 2 } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    // JSON patch with a test op that fails leaves the object unchanged.
    await expect(
      apps.patchNamespacedDeployment(
        {
          name: 'patched',
          namespace: 'default',
          body: [
            { op: 'test', path: '/spec/replicas', value: 9 },
            { op: 'replace', path: '/spec/replicas', value: 5 },
          ],
        },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    ).rejects.toBeDefined();
    await apps.patchNamespacedDeployment(
      { name: 'patched', namespace: 'default', body: [{ op: 'replace', path: '/spec/replicas', value: 3 }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    d = await apps.readNamespacedDeployment({ name: 'patched', namespace: 'default' });
    expect(d.spec?.replicas).toBe(3);
    expect(d.metadata?.labels?.['tier']).toBe('edge');
    expect(d.metadata?.generation).toBe(4);
    // Server-side apply by a second manager owning only the image of main.
    await apps.patchNamespacedDeployment(
      {
        name: 'patched',
        namespace: 'default',
        fieldManager: 'rollout-bot',
        force: true,
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'patched' },
          spec: { template: { spec: { containers: [{ name: 'main', image: 'registry.example/web:2.0' }] } } },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    d = await apps.readNamespacedDeployment({ name: 'patched', namespace: 'default' });
    expect(d.spec?.template.spec?.containers.map((c) => c.image)).toEqual([
      'registry.example/web:2.0',
      'registry.example/web:1.0',
    ]);
    const managers = (d.metadata?.managedFields ?? []).map((m) => `${m.manager}/${m.operation}`);
    expect(managers).toContain('rollout-bot/Apply');
  });
});
