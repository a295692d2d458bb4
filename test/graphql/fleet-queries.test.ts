/**
 * The gateway over real HTTP against the simulator's smart-city fleet: filters by
 * architecture, site and cluster labels return exactly the objects the clusters hold
 * (ground truth read straight from each simulated API server, sites and labels from the
 * scenario), and pagination across clusters is stable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelSelector } from '../../sim/selectors.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { clusterRequest, eventually, startTestFleet, type TestFleet } from '../helpers/sim.js';

let fleet: TestFleet;
let gw: TestGateway;

interface KubeObj {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** Objects listed straight from one simulated cluster's API server. */
async function rawList(cluster: string, path: string): Promise<KubeObj[]> {
  const res = await clusterRequest(fleet.fleet.cluster(cluster), 'GET', path);
  expect(res.status).toBe(200);
  return (JSON.parse(res.body) as { items: KubeObj[] }).items;
}

const ARCH = { amd64: 'AMD64', arm64: 'ARM64' } as Record<string, string>;

interface TruthNode {
  cluster: string;
  site: string;
  name: string;
  arch: string;
  clusterLabels: Record<string, string>;
}

async function truthNodes(): Promise<TruthNode[]> {
  const out: TruthNode[] = [];
  for (const c of fleet.fleet.scenario.clusters) {
    for (const n of await rawList(c.name, '/api/v1/nodes')) {
      out.push({
        cluster: c.name,
        site: c.site,
        name: n.metadata.name,
        arch: ARCH[n.metadata.labels?.['kubernetes.io/arch'] ?? ''] ?? 'OTHER',
        clusterLabels: c.labels ?? {},
      });
    }
  }
  return out;
}

const key = (cluster: string, name: string) => `${cluster}/${name}`;

beforeAll(async () => {
  fleet = await startTestFleet('smart-city', 0.02);
  gw = await startTestGateway({ kubeconfigPath: fleet.kubeconfigPath });
  await gw.settled();
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await fleet?.dispose();
});

const NODES = `query Nodes($where: NodeWhere, $first: Int, $after: String, $orderBy: OrderBy) {
  nodes(where: $where, first: $first, after: $after, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { name site architecture readiness cluster { name } } }
    freshness { cluster site state stale observedAt }
  }
}`;

interface NodesData {
  nodes: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    edges: {
      cursor: string;
      node: { name: string; site: string; architecture: string; cluster: { name: string } };
    }[];
    freshness: { cluster: string; state: string; stale: boolean }[];
  };
}

async function nodeKeys(where: Record<string, unknown>): Promise<string[]> {
  const r = await gw.gql<NodesData>(NODES, { where, first: 1000 });
  expect(r.errors).toBeUndefined();
  return (r.data?.nodes.edges ?? []).map((e) => key(e.node.cluster.name, e.node.name));
}

describe('fleet queries over the smart-city fleet', () => {
  it('registers every context of the kubeconfig and reaches READY with versions and distros', async () => {
    const r = await gw.gql<{
      clusters: {
        totalCount: number;
        nodes: { name: string; state: string; distro: string; kubernetesVersion: string; site: string }[];
      };
    }>('{ clusters(first: 100) { totalCount nodes { name site state distro kubernetesVersion } } }');
    expect(r.errors).toBeUndefined();
    const scenario = fleet.fleet.scenario.clusters;
    expect(r.data?.clusters.totalCount).toBe(scenario.length);
    for (const c of scenario) {
      const got = r.data?.clusters.nodes.find((n) => n.name === c.name);
      expect(got, c.name).toBeDefined();
      expect(got?.state).toBe('READY');
      expect(got?.site).toBe(c.site);
      expect(got?.distro).toBe(c.distro.toUpperCase());
      expect(got?.kubernetesVersion).toBe(c.kubernetesVersion);
    }
  });

  it('returns exactly the arm64 nodes at one site', async () => {
    const truth = await truthNodes();
    const expected = truth
      .filter((n) => n.arch === 'ARM64' && n.site === 'b12')
      .map((n) => key(n.cluster, n.name));
    expect(expected.length).toBeGreaterThan(0);
    expect(await nodeKeys({ target: { architectures: ['ARM64'], sites: ['b12'] } })).toEqual(expected.sort());
  });

  it('narrows a mixed amd64+arm64 cluster to the nodes of the asked architecture', async () => {
    const truth = await truthNodes();
    const lab = truth.filter((n) => n.site === 'lab');
    expect(new Set(lab.map((n) => n.arch))).toEqual(new Set(['AMD64', 'ARM64']));
    for (const arch of ['AMD64', 'ARM64']) {
      const expected = lab.filter((n) => n.arch === arch).map((n) => key(n.cluster, n.name));
      expect(await nodeKeys({ target: { sites: ['lab'], architectures: [arch] } })).toEqual(expected.sort());
    }
    const allArm = truth.filter((n) => n.arch === 'ARM64').map((n) => key(n.cluster, n.name));
    expect(await nodeKeys({ target: { architectures: ['ARM64'] } })).toEqual(allArm.sort());
  });

  it('selects clusters by label selector, AND-ed with the other target fields', async () => {
    const truth = await truthNodes();
    for (const selector of ['tier=edge,region=north', 'env in (staging),tier!=edge', 'tier=datacenter']) {
      const sel = parseLabelSelector(selector);
      const expected = truth
        .filter((n) => matchesLabels(sel, n.clusterLabels))
        .map((n) => key(n.cluster, n.name));
      expect(expected.length, selector).toBeGreaterThan(0);
      expect(await nodeKeys({ target: { clusterLabelSelector: selector } }), selector).toEqual(
        expected.sort(),
      );
    }
    const sel = parseLabelSelector('region=north');
    const expected = truth
      .filter((n) => matchesLabels(sel, n.clusterLabels) && n.arch === 'ARM64')
      .map((n) => key(n.cluster, n.name));
    expect(
      await nodeKeys({ target: { clusterLabelSelector: 'region=north', architectures: ['ARM64'] } }),
    ).toEqual(expected.sort());
    expect(await nodeKeys({ target: { sites: [] } })).toEqual([]);
  });

  it('answers pods by node architecture, namespace and label selector exactly', async () => {
    const expected: string[] = [];
    for (const c of fleet.fleet.scenario.clusters) {
      const archOf = new Map(
        (await rawList(c.name, '/api/v1/nodes')).map((n) => [
          n.metadata.name,
          n.metadata.labels?.['kubernetes.io/arch'],
        ]),
      );
      for (const p of await rawList(c.name, '/api/v1/namespaces/city/pods')) {
        const node = p.spec?.nodeName as string | undefined;
        if (
          node !== undefined &&
          archOf.get(node) === 'arm64' &&
          p.metadata.labels?.app === 'sensor-collector'
        ) {
          expected.push(`${c.name}/city/${p.metadata.name}`);
        }
      }
    }
    expect(expected.length).toBeGreaterThan(3);
    const r = await gw.gql<{
      pods: {
        totalCount: number;
        nodes: { cluster: { name: string }; namespace: string; name: string; architecture: string }[];
      };
    }>(
      `{ pods(where: { target: { architectures: [ARM64] }, namespace: "city", labelSelector: "app=sensor-collector" }, first: 1000) {
          totalCount nodes { cluster { name } namespace name architecture } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.pods.nodes.map((p) => `${p.cluster.name}/${p.namespace}/${p.name}`)).toEqual(
      expected.sort(),
    );
    expect(new Set(r.data?.pods.nodes.map((p) => p.architecture))).toEqual(new Set(['ARM64']));
  });

  it('tells where a workload runs and at which image, with its architectures', async () => {
    const expected: string[] = [];
    for (const c of fleet.fleet.scenario.clusters) {
      for (const d of await rawList(c.name, '/apis/apps/v1/deployments')) {
        const containers = (d.spec?.template as { spec: { containers: { image: string }[] } }).spec
          .containers;
        if (containers.some((x) => x.image.startsWith('registry.example/mqtt-bridge:'))) {
          expected.push(`${c.name}/${d.metadata.namespace}/${d.metadata.name}`);
        }
      }
    }
    expect(expected.length).toBeGreaterThan(3);
    const r = await gw.gql<{
      deployments: {
        nodes: {
          cluster: { name: string };
          site: string;
          namespace: string;
          name: string;
          images: string[];
          architectures: string[];
        }[];
      };
    }>(
      `{ deployments(where: { image: "registry.example/mqtt-bridge" }, first: 1000) {
          nodes { cluster { name } site namespace name images architectures } } }`,
    );
    expect(r.errors).toBeUndefined();
    const got = r.data?.deployments.nodes ?? [];
    expect(got.map((d) => `${d.cluster.name}/${d.namespace}/${d.name}`)).toEqual(expected.sort());
    for (const d of got) expect(d.images).toContain('registry.example/mqtt-bridge:2.1');
    // Edge clusters are arm64-only; their deployments run on arm64.
    for (const d of got.filter((x) => x.cluster.name.startsWith('edge-')))
      expect(d.architectures).toEqual(['ARM64']);
    // The amd64-only legacy-analytics image pinned to amd64 shows AMD64 only.
    const legacy = await gw.gql<{
      deployments: { nodes: { cluster: { name: string }; architectures: string[] }[] };
    }>(
      '{ deployments(where: { name: "legacy-analytics", target: { clusters: ["dc-north-1"] } }) { nodes { cluster { name } architectures } } }',
    );
    expect(legacy.data?.deployments.nodes).toEqual([
      { cluster: { name: 'dc-north-1' }, architectures: ['AMD64'] },
    ]);
  });

  it('pages across clusters in a stable order with totalCount, without duplicates or gaps', async () => {
    const all = await nodeKeys({});
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const r: Awaited<ReturnType<typeof gw.gql<NodesData>>> = await gw.gql<NodesData>(NODES, {
        first: 4,
        after,
      });
      expect(r.errors).toBeUndefined();
      const page = r.data?.nodes;
      expect(page?.totalCount).toBe(pages < 2 ? all.length : all.length + 1);
      expect(page?.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...(page?.edges ?? []).map((e) => key(e.node.cluster.name, e.node.name)));
      after = page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages += 1;
      // A node joins a cluster mid-paging: pages already served stay valid, nothing repeats.
      if (pages === 2) {
        fleet.fleet.cluster('dc-south-1').controllers.addNode({
          name: 'aaa-new-node',
          count: 1,
          architecture: 'amd64',
          role: 'worker',
          cpu: '4',
          memory: '8Gi',
          pods: '110',
        });
        await eventually(async () =>
          (await nodeKeys({ target: { clusters: ['dc-south-1'] } })).includes('dc-south-1/aaa-new-node'),
        );
      }
    } while (after !== null);
    expect(pages).toBeGreaterThan(3);
    expect(new Set(seen).size).toBe(seen.length);
    for (const k of all) expect(seen).toContain(k);
    // The order is (cluster, namespace, name), the same on every call.
    expect([...seen].sort()).toEqual(seen);
  });

  it('orders by name descending and refuses a cursor from another order', async () => {
    const r = await gw.gql<NodesData>(NODES, { first: 3, orderBy: { field: 'NAME', direction: 'DESC' } });
    const names = r.data?.nodes.edges.map((e) => e.node.name) ?? [];
    expect(names).toEqual([...names].sort().reverse());
    const cursor = r.data?.nodes.pageInfo.endCursor;
    const bad = await gw.gql(NODES, { first: 3, after: cursor });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.message).toMatch(/cursor of nodes ordered by NAME:DESC/);
    const garbage = await gw.gql(NODES, { first: 3, after: 'not-a-cursor' });
    expect(garbage.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const huge = await gw.gql(NODES, { first: 5000 });
    expect(huge.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
  });

  it('summarises nodes by site, architecture and readiness, matching the clusters', async () => {
    const truth = await truthNodes();
    const r = await gw.gql<{
      fleetSummary: {
        clusters: number;
        nodes: number;
        groups: { site: string; architecture: string; readiness: string; nodes: number }[];
      };
    }>('{ fleetSummary { clusters nodes groups { site architecture readiness nodes } } }');
    expect(r.errors).toBeUndefined();
    expect(r.data?.fleetSummary.nodes).toBe(truth.length);
    expect(r.data?.fleetSummary.clusters).toBe(fleet.fleet.scenario.clusters.length);
    const lab = r.data?.fleetSummary.groups.filter((g) => g.site === 'lab');
    expect(lab?.map((g) => g.architecture).sort()).toEqual(['AMD64', 'ARM64']);
    const sum = r.data?.fleetSummary.groups.reduce((s, g) => s + g.nodes, 0);
    expect(sum).toBe(truth.length);
  });

  it('gives a clear VALIDATION_FAILED for a malformed selector and NOT_FOUND for unknown cluster names, keeping the data', async () => {
    const bad = await gw.gql(NODES, { where: { target: { clusterLabelSelector: 'tier in edge' } } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.message).toMatch(/clusterLabelSelector .* is not a valid label selector/);
    const partial = await gw.gql<NodesData>(NODES, {
      where: { target: { clusters: ['edge-b12-1', 'no-such-cluster'] } },
    });
    expect(partial.data?.nodes.edges.length).toBe(1);
    expect(partial.errors).toEqual([
      expect.objectContaining({
        path: ['nodes'],
        extensions: expect.objectContaining({ code: 'NOT_FOUND', cluster: 'no-such-cluster' }),
      }),
    ]);
  });
});
