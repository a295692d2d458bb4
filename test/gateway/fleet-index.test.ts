import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCluster } from '../../sim/cluster.js';
import { parseScenario } from '../../sim/scenario.js';
import { isFleetError } from '../../gateway/errors.js';
import { ClusterConnection } from '../../gateway/clusters/cluster-connection.js';
import { credentialsFromKubeconfig } from '../../gateway/clusters/credentials.js';
import { FleetIndex } from '../../gateway/clusters/fleet-index.js';
import type { ClusterTarget } from '../../gateway/vocabulary.js';
import { eventually, startTestFleet, type TestFleet } from '../helpers/sim.js';

// The fleet-wide index over five simulated clusters of different sites, labels and architectures.
let t: TestFleet;
let index: FleetIndex;
const conns = new Map<string, ClusterConnection>();

const IMAGES = [
  { name: 'registry.example/web:1.0', platforms: ['linux/amd64', 'linux/arm64'] },
  { name: 'registry.example/mqtt:2.1', platforms: ['linux/amd64', 'linux/arm64'] },
];

function edgeCluster(name: string, site: string, env: string, workloads: unknown[] = []): unknown {
  return {
    name,
    site,
    labels: { tier: 'edge', env },
    kubernetesVersion: 'v1.31.4+k3s1',
    distro: 'k3s',
    nodes: [{ count: 1, architecture: 'arm64', role: 'control-plane', cpu: '4', memory: '4Gi', pods: '110' }],
    workloads,
  };
}

beforeAll(async () => {
  const scenario = parseScenario({
    name: 'fleet-index',
    images: IMAGES,
    clusters: [
      {
        name: 'dc-1',
        site: 'dc-north',
        labels: { tier: 'datacenter', env: 'prod' },
        kubernetesVersion: 'v1.31.4',
        distro: 'kubeadm',
        nodes: [
          { count: 1, architecture: 'amd64', role: 'control-plane', cpu: '4', memory: '8Gi', pods: '110' },
          { count: 2, architecture: 'amd64', role: 'worker', cpu: '8', memory: '16Gi', pods: '110' },
        ],
        workloads: [{ kind: 'Deployment', name: 'web', replicas: 2, image: 'registry.example/web:1.0' }],
      },
      {
        name: 'lab-1',
        site: 'lab',
        labels: { tier: 'lab', env: 'staging' },
        kubernetesVersion: 'v1.31.4+k3s1',
        distro: 'k3s',
        nodes: [
          { count: 1, architecture: 'amd64', role: 'control-plane', cpu: '8', memory: '16Gi', pods: '110' },
          { count: 2, architecture: 'arm64', role: 'worker', cpu: '4', memory: '8Gi', pods: '110' },
        ],
        workloads: [
          {
            kind: 'Deployment',
            name: 'web',
            replicas: 2,
            image: 'registry.example/web:1.0',
            nodeSelector: { 'kubernetes.io/arch': 'arm64' },
          },
        ],
      },
      edgeCluster('edge-a', 'b12', 'prod', [
        {
          kind: 'Deployment',
          name: 'mqtt',
          namespace: 'city',
          replicas: 1,
          image: 'registry.example/mqtt:2.1',
        },
      ]),
      edgeCluster('edge-b', 'b12', 'staging'),
      edgeCluster('edge-c', 'b14', 'prod'),
    ],
  });
  t = await startTestFleet(scenario, 0.02);
  index = new FleetIndex([], { lazySyncWaitMs: 3000 });
  for (const info of t.fleet.info()) {
    const conn = new ClusterConnection(info.name, credentialsFromKubeconfig(t.fleet.kubeconfig, info.name), {
      offlineAfterMs: 1000,
      probeIntervalMs: 200,
      probeTimeoutMs: 400,
      reconnectBackoff: { initialMs: 100, maxMs: 400 },
      client: { requestTimeoutMs: 1000 },
      cache: { backoff: { initialMs: 50, maxMs: 300 } },
    });
    conns.set(info.name, conn);
    index.upsertCluster({ name: info.name, site: info.site, labels: info.labels }, conn);
    conn.start();
  }
  await eventually(() => [...conns.values()].every((c) => c.state === 'READY'), 8000, 'every cluster READY');
  // READY means the lists are in; the watches open just after (over HTTP/2, within milliseconds).
  await eventually(
    () => [...conns.values()].every((c) => !c.freshness(['Node', 'Namespace']).stale),
    3000,
    'every eager watch open',
  );
});
afterAll(async () => {
  await Promise.all([...conns.values()].map((c) => c.stop()));
  await t?.dispose();
});

function sim(name: string): SimCluster {
  return t.fleet.cluster(name);
}
function conn(name: string): ClusterConnection {
  const c = conns.get(name);
  if (!c) throw new Error(`no connection ${name}`);
  return c;
}
function targeted(target: ClusterTarget): string[] {
  return index.resolveTarget(target).clusters;
}

describe('fleet index', () => {
  it('selects clusters by name, site, architecture and label selector, ANDed, exactly', () => {
    expect(targeted({})).toEqual(['dc-1', 'edge-a', 'edge-b', 'edge-c', 'lab-1']);
    expect(targeted({ sites: ['b12'] })).toEqual(['edge-a', 'edge-b']);
    expect(targeted({ architectures: ['ARM64'] })).toEqual(['edge-a', 'edge-b', 'edge-c', 'lab-1']);
    expect(targeted({ architectures: ['AMD64'] })).toEqual(['dc-1', 'lab-1']);
    expect(targeted({ architectures: ['S390X'] })).toEqual([]);
    expect(targeted({ clusterLabelSelector: 'tier=edge,env in (prod)' })).toEqual(['edge-a', 'edge-c']);
    expect(targeted({ clusterLabelSelector: 'env!=prod' })).toEqual(['edge-b', 'lab-1']);
    expect(targeted({ clusterLabelSelector: 'tier notin (edge),env' })).toEqual(['dc-1', 'lab-1']);
    expect(targeted({ sites: ['b12', 'lab'], clusterLabelSelector: 'env=staging' })).toEqual([
      'edge-b',
      'lab-1',
    ]);
    expect(targeted({ sites: ['b12'], architectures: ['AMD64'] })).toEqual([]);
    expect(targeted({ clusters: [] })).toEqual([]);
    expect(index.resolveTarget({ clusters: ['lab-1', 'dc-1', 'nope'], architectures: ['AMD64'] })).toEqual({
      clusters: ['dc-1', 'lab-1'],
      unknown: ['nope'],
    });
    expect(index.clusterArchitectures('lab-1')).toEqual(['AMD64', 'ARM64']);
  });

  it('rejects a malformed cluster label selector with VALIDATION_FAILED, quoting it', () => {
    let caught: unknown;
    try {
      index.resolveTarget({ clusterLabelSelector: 'tier in (edge' });
    } catch (e) {
      caught = e;
    }
    expect(isFleetError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((caught as Error).message).toContain('"tier in (edge"');
  });

  it('lists nodes filtered by role and readiness, ordered by cluster then name, with every targeted cluster’s freshness', async () => {
    const workers = index.nodes({ target: { architectures: ['ARM64'] }, role: 'worker' });
    expect(workers.items.map((n) => `${n.cluster}/${n.node.name}`)).toEqual([
      'lab-1/lab-1-worker-1',
      'lab-1/lab-1-worker-2',
    ]);
    expect(workers.clusters.map((c) => [c.cluster, c.state, c.stale])).toEqual([
      ['edge-a', 'READY', false],
      ['edge-b', 'READY', false],
      ['edge-c', 'READY', false],
      ['lab-1', 'READY', false],
    ]);
    const all = index.nodes();
    expect(all.items.map((n) => `${n.cluster}/${n.node.name}`)).toEqual([
      'dc-1/dc-1-cp-1',
      'dc-1/dc-1-worker-1',
      'dc-1/dc-1-worker-2',
      'edge-a/edge-a-cp-1',
      'edge-b/edge-b-cp-1',
      'edge-c/edge-c-cp-1',
      'lab-1/lab-1-cp-1',
      'lab-1/lab-1-worker-1',
      'lab-1/lab-1-worker-2',
    ]);

    sim('edge-b').controllers.setNodeCondition(
      'edge-b-cp-1',
      'Ready',
      'False',
      'KubeletNotReady',
      'runtime down',
    );
    await eventually(
      () => index.nodes({ readiness: 'NOT_READY' }).items.length === 1,
      3000,
      'one NOT_READY node',
    );
    expect(index.nodes({ readiness: 'NOT_READY' }).items.map((n) => n.node.name)).toEqual(['edge-b-cp-1']);
    expect(
      index.nodes({ target: { sites: ['b12'] }, readiness: 'READY' }).items.map((n) => n.cluster),
    ).toEqual(['edge-a']);
    sim('edge-b').controllers.setNodeCondition('edge-b-cp-1', 'Ready', 'True');
    await eventually(() => index.nodes({ readiness: 'NOT_READY' }).items.length === 0, 3000, 'READY again');
  });

  it('derives cluster architectures from nodes as they join and leave', async () => {
    sim('edge-c').controllers.addNode({
      name: 'edge-c-x86-1',
      count: 1,
      architecture: 'amd64',
      role: 'worker',
      cpu: '4',
      memory: '8Gi',
      pods: '110',
    });
    await eventually(() => targeted({ architectures: ['AMD64'] }).includes('edge-c'), 3000, 'edge-c amd64');
    expect(index.clusterArchitectures('edge-c')).toEqual(['AMD64', 'ARM64']);
    sim('edge-c').controllers.removeNode('edge-c-x86-1');
    await eventually(
      () => !targeted({ architectures: ['AMD64'] }).includes('edge-c'),
      3000,
      'edge-c arm64 only',
    );
    expect(targeted({ architectures: ['AMD64'] })).toEqual(['dc-1', 'lab-1']);
  });

  // Runs before any untargeted pod query, which would start pod caches everywhere.
  it('reads only clusters that have the namespace, and starts pod caches only there', async () => {
    expect(conn('edge-c').cache('Pod').status().running).toBe(false);
    const city = await index.pods({ target: { sites: ['b12', 'b14'] }, namespace: 'city' });
    expect(city.items.map((p) => p.cluster)).toEqual(['edge-a']);
    expect(city.items[0]?.pod.name).toMatch(/^mqtt-/);
    // Every targeted cluster is accounted for, but only edge-a has a pod cache now.
    expect(city.clusters.map((c) => c.cluster)).toEqual(['edge-a', 'edge-b', 'edge-c']);
    expect(conn('edge-a').cache('Pod').status().running).toBe(true);
    expect(conn('edge-b').cache('Pod').status().running).toBe(false);
    expect(conn('edge-c').cache('Pod').status().running).toBe(false);
  });

  it('gives pods their node’s architecture and deployments their pods’ nodes’ plus pinned architectures', async () => {
    const pods = await index.pods({ target: { clusters: ['lab-1', 'dc-1'] }, namespace: 'default' });
    const web = pods.items.filter((p) => p.pod.name.startsWith('web-'));
    expect(web.map((p) => [p.cluster, p.architecture])).toEqual([
      ['dc-1', 'AMD64'],
      ['dc-1', 'AMD64'],
      ['lab-1', 'ARM64'],
      ['lab-1', 'ARM64'],
    ]);
    const names = web.map((p) => `${p.cluster}/${p.pod.namespace}/${p.pod.name}`);
    expect(names).toEqual([...names].sort());

    const deployments = await index.deployments({ name: 'web' });
    expect(deployments.items.map((d) => [d.cluster, d.deployment.name, d.architectures])).toEqual([
      ['dc-1', 'web', ['AMD64']],
      ['lab-1', 'web', ['ARM64']],
    ]);
    expect(deployments.items[1]?.deployment.allowedArchitectures).toEqual(['ARM64']);
    const amd = await index.deployments({ target: { architectures: ['AMD64'] }, namespace: 'default' });
    expect(amd.items.map((d) => d.cluster)).toEqual(['dc-1']);
    const arm = await index.pods({ target: { architectures: ['ARM64'] }, labelSelector: 'app=web' });
    expect(new Set(arm.items.map((p) => p.cluster))).toEqual(new Set(['lab-1']));
  });

  it('keeps an offline cluster’s last known nodes, marked stale, without blanking the others', async () => {
    await sim('edge-b').setFaults({ offline: 'down' });
    try {
      await eventually(() => conn('edge-b').state === 'OFFLINE', 4000, 'edge-b OFFLINE');
      const r = index.nodes({ target: { sites: ['b12'] } });
      expect(r.items.map((n) => n.cluster)).toEqual(['edge-a', 'edge-b']);
      const [a, b] = r.clusters;
      expect(a).toMatchObject({ cluster: 'edge-a', state: 'READY', stale: false });
      expect(b).toMatchObject({
        cluster: 'edge-b',
        state: 'OFFLINE',
        stale: true,
        error: { code: 'CLUSTER_UNREACHABLE' },
      });
      expect(b?.observedAt).toBeInstanceOf(Date);
      // A lazily cached kind the offline cluster never synced: no items, an error, and no wait.
      const started = Date.now();
      const pods = await index.pods({ target: { sites: ['b12'] } });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(new Set(pods.items.map((p) => p.cluster))).toEqual(new Set(['edge-a']));
      expect(pods.clusters.find((c) => c.cluster === 'edge-b')).toMatchObject({
        stale: true,
        error: { code: 'CLUSTER_UNREACHABLE' },
      });
    } finally {
      await sim('edge-b').setFaults({ offline: null });
    }
    await eventually(() => conn('edge-b').state === 'READY', 4000, 'edge-b READY');
  });

  it('re-indexes a cluster whose metadata changes, and forgets a removed one', () => {
    const edgeA = conn('edge-a');
    index.upsertCluster({ name: 'edge-a', site: 'b99', labels: { tier: 'edge', env: 'staging' } }, edgeA);
    expect(targeted({ sites: ['b12'] })).toEqual(['edge-b']);
    expect(targeted({ sites: ['b99'], clusterLabelSelector: 'env=staging' })).toEqual(['edge-a']);
    expect(index.removeCluster('edge-a')).toBe(true);
    expect(targeted({ architectures: ['ARM64'] })).toEqual(['edge-b', 'edge-c', 'lab-1']);
    expect(index.resolveTarget({ clusters: ['edge-a'] })).toEqual({ clusters: [], unknown: ['edge-a'] });
    index.upsertCluster({ name: 'edge-a', site: 'b12', labels: { tier: 'edge', env: 'prod' } }, edgeA);
    expect(targeted({ sites: ['b12'], architectures: ['ARM64'] })).toEqual(['edge-a', 'edge-b']);
  });
});
