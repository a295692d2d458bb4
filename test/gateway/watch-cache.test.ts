import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimCluster } from '../../sim/cluster.js';
import type { RequestLogEntry } from '../../sim/cluster.js';
import {
  ClusterConnection,
  type ClusterConnectionOptions,
} from '../../gateway/clusters/cluster-connection.js';
import { credentialsFromKubeconfig } from '../../gateway/clusters/credentials.js';
import { createKubeClient } from '../../gateway/clusters/kube-client.js';
import { projectDeployment } from '../../gateway/clusters/projections.js';
import { WatchCache } from '../../gateway/clusters/watch-cache.js';
import { eventually, smallScenario, startTestFleet, type TestFleet } from '../helpers/sim.js';

// Watch caches against simulated clusters: sync, resume, relist, datastore loss, projections.
const FAST: ClusterConnectionOptions = {
  offlineAfterMs: 1500,
  probeIntervalMs: 250,
  probeTimeoutMs: 500,
  reconnectBackoff: { initialMs: 100, maxMs: 400 },
  client: { requestTimeoutMs: 1500 },
  cache: { backoff: { initialMs: 50, maxMs: 300 } },
};

let t: TestFleet;
let dc: SimCluster;
let edge: SimCluster;
const opened: { stop(): unknown }[] = [];

beforeAll(async () => {
  const scenario = smallScenario();
  // An amd64-only image on the arm64 edge cluster: its pod ends in ImagePullBackOff.
  scenario.clusters[1]?.workloads.push({
    kind: 'Deployment',
    name: 'legacy',
    namespace: 'default',
    replicas: 1,
    image: 'registry.example/x86-only:1.0',
  });
  t = await startTestFleet(scenario, 0.02);
  dc = t.fleet.cluster('dc-1');
  edge = t.fleet.cluster('edge-1');
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.stop()));
});
afterAll(async () => t?.dispose());

function connect(name: string): ClusterConnection {
  const conn = new ClusterConnection(name, credentialsFromKubeconfig(t.fleet.kubeconfig, name), FAST);
  opened.push(conn);
  conn.start();
  return conn;
}

function nodeCache(cluster: string): WatchCache<'Node'> {
  const client = createKubeClient(cluster, credentialsFromKubeconfig(t.fleet.kubeconfig, cluster), {
    requestTimeoutMs: 1500,
  });
  const cache = new WatchCache('Node', client, { backoff: { initialMs: 50, maxMs: 300 } });
  opened.push({ stop: () => cache.stop().then(() => client.close()) });
  return cache;
}

function writeConfigMap(cluster: SimCluster, name: string): void {
  const type = cluster.catalog.lookup('', 'v1', 'configmaps');
  if (!type) throw new Error('configmaps not served');
  cluster.registry.create(
    type,
    'default',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } },
    { fieldManager: 'test' },
  );
}

const isList = (path: string) => (r: RequestLogEntry) =>
  r.path.startsWith(`${path}?`) && !r.path.includes('watch=true');
const isWatch = (path: string) => (r: RequestLogEntry) =>
  r.path.startsWith(`${path}?`) && r.path.includes('watch=true');

describe('watch cache', () => {
  it('lists, then watches from the list resourceVersion with bookmarks, which keep advancing it', async () => {
    dc.clearRequests();
    const cache = nodeCache('dc-1');
    cache.start();
    expect(await cache.whenSynced(3000)).toBe(true);
    const listed = cache.status();
    expect(listed).toMatchObject({ synced: true, lists: 1, relists: 0, size: 3 });
    await eventually(() => cache.status().watching, 2000, 'watching');
    const watch = dc.requests().find(isWatch('/api/v1/nodes'));
    const q = new URL(watch?.path ?? '/', 'https://x').searchParams;
    expect(q.get('resourceVersion')).toBe(listed.resourceVersion);
    expect(q.get('allowWatchBookmarks')).toBe('true');
    // Leases move the revision without touching nodes; bookmarks (every 1.2 s here) carry it.
    await eventually(
      () => Number(cache.status().resourceVersion) > Number(listed.resourceVersion),
      4000,
      'a bookmark advancing the resourceVersion',
    );
  });

  it('keeps the unchanged parts of a changed node shared with its previous projection', async () => {
    const cache = nodeCache('edge-1');
    cache.start();
    expect(await cache.whenSynced(3000)).toBe(true);
    const name = cache.list()[0]?.name ?? '';
    const before = cache.get('', name);
    if (!before) throw new Error('no node cached');
    edge.controllers.setCordoned(name, true);
    await eventually(() => cache.get('', name)?.unschedulable === true, 3000, 'the cordon');
    const after = cache.get('', name);
    if (!after) throw new Error('node gone');
    expect(after).not.toBe(before);
    // What the cordon did not touch is the previous projection's own value, not an equal copy...
    expect(after.labels).toBe(before.labels);
    expect(after.conditions).toBe(before.conditions);
    expect(after.capacity).toBe(before.capacity);
    expect(after.addresses).toBe(before.addresses);
    // ...and what it changed is new.
    expect(after.taints).not.toEqual(before.taints);
    edge.controllers.setCordoned(name, false);
    await eventually(() => cache.get('', name)?.taints.length === before.taints.length, 3000, 'the uncordon');
    expect(cache.get('', name)?.unschedulable).toBe(false);
  });

  it('resumes a stream the server ended from the last resourceVersion, without a list', async () => {
    const cache = nodeCache('edge-1');
    cache.start();
    await cache.whenSynced(3000);
    await eventually(() => cache.status().watching, 2000, 'watching');
    const rv = cache.status().resourceVersion;
    edge.clearRequests();
    await edge.setFaults({ cutWatches: true });
    await eventually(() => edge.requests().some(isWatch('/api/v1/nodes')), 2000, 'a new watch');
    const resumed = new URL(edge.requests().find(isWatch('/api/v1/nodes'))?.path ?? '/', 'https://x');
    expect(Number(resumed.searchParams.get('resourceVersion'))).toBeGreaterThanOrEqual(Number(rv));
    expect(edge.requests().filter(isList('/api/v1/nodes'))).toEqual([]);
    expect(cache.status()).toMatchObject({ lists: 1, relists: 0 });
  });

  it('relists after history compaction and cut watches, keeping a write made in the gap', async () => {
    const cache = nodeCache('dc-1');
    cache.start();
    await cache.whenSynced(3000);
    await eventually(() => cache.status().watching, 2000, 'watching');
    dc.clearRequests();
    // Move the revision past what the watch has seen, then compact and cut: resuming gets 410.
    writeConfigMap(dc, 'gap-marker');
    await dc.setFaults({ compact: true, cutWatches: true });
    dc.controllers.setNodeCondition(
      'dc-1-worker-1',
      'MemoryPressure',
      'True',
      'KubeletHasInsufficientMemory',
      'low',
    );
    await eventually(
      () =>
        cache
          .get('', 'dc-1-worker-1')
          ?.conditions.some((c) => c.type === 'MemoryPressure' && c.status === 'True'),
      3000,
      'MemoryPressure=True in the cache',
    );
    expect(cache.status()).toMatchObject({ relists: 1, lists: 2, synced: true });
    // The log shows it: a watch that resumed (and got 410 Expired as an ERROR event), then a list.
    const log = dc.requests();
    const resumeAt = log.findIndex(isWatch('/api/v1/nodes'));
    const listAt = log.findIndex(isList('/api/v1/nodes'));
    expect(resumeAt).toBeGreaterThanOrEqual(0);
    expect(listAt).toBeGreaterThan(resumeAt);
    expect(log[listAt]?.status).toBe(200);
    dc.controllers.setNodeCondition('dc-1-worker-1', 'MemoryPressure', 'False');
  });

  it('keeps data and resourceVersion across stop and start, resuming without a list', async () => {
    const cache = nodeCache('edge-1');
    cache.start();
    await cache.whenSynced(3000);
    await cache.stop();
    expect(cache.status()).toMatchObject({ running: false, watching: false, synced: true, size: 1 });
    edge.clearRequests();
    edge.controllers.setCordoned('edge-1-cp-1', true);
    cache.start();
    await eventually(() => cache.get('', 'edge-1-cp-1')?.unschedulable === true, 3000, 'cordon seen');
    expect(edge.requests().filter(isList('/api/v1/nodes'))).toEqual([]);
    edge.controllers.setCordoned('edge-1-cp-1', false);
  });

  it('starts pod and deployment caches only on first use, with compact projections', async () => {
    const conn = connect('edge-1');
    await eventually(() => conn.state === 'READY', 5000, 'READY');
    expect(conn.cache('Pod').status()).toMatchObject({ running: false, synced: false, size: 0 });
    edge.clearRequests();
    const pods = conn.ensure('Pod');
    const deployments = conn.ensure('Deployment');
    expect(await pods.whenSynced(3000)).toBe(true);
    expect(await deployments.whenSynced(3000)).toBe(true);
    expect(edge.requests().filter(isList('/api/v1/pods'))).toHaveLength(1);

    const pod = await eventually(
      () =>
        pods
          .list('default')
          .find((p) => p.name.startsWith('legacy-') && p.waitingReason === 'ImagePullBackOff'),
      5000,
      'legacy pod in ImagePullBackOff',
    );
    expect(pod).toMatchObject({
      namespace: 'default',
      nodeName: 'edge-1-cp-1',
      readyContainers: 0,
      containers: [{ name: 'legacy', image: 'registry.example/x86-only:1.0', ready: false }],
      ownerReferences: [{ kind: 'ReplicaSet' }],
    });
    expect(pod.waitingMessage).toContain('linux/arm64');
    expect(deployments.get('default', 'legacy')).toMatchObject({
      replicas: 1,
      availableReplicas: 0,
      images: ['registry.example/x86-only:1.0'],
      allowedArchitectures: null,
    });
    const node = conn.cache('Node').get('', 'edge-1-cp-1');
    expect(node).toMatchObject({
      architecture: 'ARM64',
      roles: ['control-plane', 'master'],
      readiness: 'READY',
      distroHint: 'k3s',
      capacity: { cpu: '4', memory: expect.stringMatching(/^\d+Ki$/), pods: '110' },
    });
    // Projections, not objects: no managedFields, annotations or image lists.
    const text = JSON.stringify([node, pod, deployments.list()]);
    for (const dropped of ['managedFields', 'annotations', 'sha256:']) expect(text).not.toContain(dropped);
    expect(Object.keys(node ?? {})).not.toContain('images');
  });

  it('converges after the cluster loses its datastore: objects gone, nodes re-registered with new uids', async () => {
    const conn = connect('dc-1');
    await eventually(() => conn.state === 'READY', 5000, 'READY');
    const deployments = conn.ensure('Deployment');
    await deployments.whenSynced(3000);
    expect(deployments.get('default', 'web')).toBeDefined();
    const uidBefore = conn.cache('Node').get('', 'dc-1-worker-1')?.uid;
    const relistsBefore = conn.cache('Node').status().relists;
    dc.clearRequests();
    dc.wipe();
    await eventually(
      () => {
        const uid = conn.cache('Node').get('', 'dc-1-worker-1')?.uid;
        return deployments.list().length === 0 && uid !== undefined && uid !== uidBefore;
      },
      5000,
      'deployments gone and a new node uid',
    );
    expect(conn.cache('Node').list()).toHaveLength(3);
    expect(conn.cache('Node').status().relists).toBeGreaterThan(relistsBefore);
    // The new datastore is behind our resourceVersion: 504 ResourceVersionTooLarge, then a list.
    const log = dc.requests();
    const tooLarge = log.findIndex((r) => isWatch('/api/v1/nodes')(r) && r.status === 504);
    expect(tooLarge).toBeGreaterThanOrEqual(0);
    expect(log.slice(tooLarge).some(isList('/api/v1/nodes'))).toBe(true);
    await eventually(() => conn.state === 'READY', 3000, 'READY after the wipe');
  });
});

describe('deployment projection', () => {
  const deployment = (podSpec: Record<string, unknown>) => ({
    metadata: { name: 'd', namespace: 'n', uid: 'u', generation: 3 },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'c', image: 'i:1' }], ...podSpec } } },
    status: { observedGeneration: 2, readyReplicas: 1 },
  });
  const archTerm = (...values: string[]) => ({
    matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values }],
  });
  const affinity = (...terms: unknown[]) => ({
    affinity: {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
    },
  });

  it('derives the architectures a pod template may run on from nodeSelector and required affinity', () => {
    expect(projectDeployment(deployment({}))).toMatchObject({
      allowedArchitectures: null,
      generation: 3,
      observedGeneration: 2,
      readyReplicas: 1,
      images: ['i:1'],
    });
    expect(
      projectDeployment(deployment({ nodeSelector: { 'kubernetes.io/arch': 'amd64' } }))
        ?.allowedArchitectures,
    ).toEqual(['AMD64']);
    // Terms OR together; a term without an arch expression allows any architecture.
    const twoTerms = projectDeployment(deployment(affinity(archTerm('arm64'), archTerm('amd64', 'arm64'))));
    expect(twoTerms?.affinityArchitectureTerms).toEqual([['ARM64'], ['AMD64', 'ARM64']]);
    expect(twoTerms?.allowedArchitectures).toEqual(['AMD64', 'ARM64']);
    const openTerm = projectDeployment(deployment(affinity(archTerm('arm64'), { matchExpressions: [] })));
    expect(openTerm?.allowedArchitectures).toBeNull();
    // nodeSelector and affinity AND together: a contradiction allows nothing.
    const contradiction = projectDeployment(
      deployment({ nodeSelector: { 'kubernetes.io/arch': 'arm64' }, ...affinity(archTerm('amd64')) }),
    );
    expect(contradiction?.allowedArchitectures).toEqual([]);
  });

  it('skips objects without a name instead of inventing one', () => {
    expect(projectDeployment({ metadata: {} })).toBeUndefined();
    expect(projectDeployment('not an object')).toBeUndefined();
  });
});
