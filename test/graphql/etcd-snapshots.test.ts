/**
 * etcd snapshots next to API backups: the smart-city fleet's RKE2 cluster (dc-south-1) serves
 * ETCDSnapshotFile with its scheduled snapshots, as kubectl shows them; etcdSnapshots lists
 * them with their facts, filtered, ordered and paged like every list; clusters that do not
 * serve the kind are not part of the answer; an unreachable one is reported, not fatal; a
 * wiped (rebuilt) RKE2 cluster serves the kind again with no snapshot left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantityBytes } from '../../gateway/service/fleet-resources.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { kubectl, startTestFleet, type TestFleet } from '../helpers/sim.js';

interface Snapshot {
  cluster: { name: string };
  site: string;
  name: string;
  snapshotName: string;
  nodeName: string;
  location: string;
  storage: string;
  size: string | null;
  sizeBytes: number | null;
  createdAt: string | null;
  readyToUse: boolean;
  error: string | null;
}
interface Answer {
  etcdSnapshots: {
    totalCount: number;
    nodes: Snapshot[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    freshness: { cluster: string; stale: boolean }[];
  };
}

const QUERY = `query($where: EtcdSnapshotWhere, $first: Int, $after: String, $orderBy: OrderBy, $deadlineMs: Int) {
  etcdSnapshots(where: $where, first: $first, after: $after, orderBy: $orderBy, deadlineMs: $deadlineMs) {
    totalCount
    nodes { cluster { name } site name snapshotName nodeName location storage size sizeBytes createdAt readyToUse error }
    pageInfo { hasNextPage endCursor }
    freshness { cluster stale }
  }
}`;

let fleet: TestFleet;
let gw: TestGateway;

/** The ETCDSnapshotFile objects dc-south-1 holds, straight from the simulator's store. */
function stored(): {
  metadata: { name: string };
  spec: Record<string, string>;
  status: Record<string, unknown>;
}[] {
  const c = fleet.fleet.find('dc-south-1');
  if (!c) throw new Error('no dc-south-1');
  return c.store.list('k3s.cattle.io/etcdsnapshotfiles') as never;
}

beforeAll(async () => {
  fleet = await startTestFleet('smart-city', 0.02);
  gw = await startTestGateway({ kubeconfigPath: fleet.kubeconfigPath });
  await gw.settled();
}, 90_000);

afterAll(async () => {
  await gw?.close();
  await fleet?.dispose();
});

describe('etcd snapshots', () => {
  it('are served by the RKE2 cluster as kubectl shows them', async () => {
    const r = await kubectl(fleet.kubeconfigPath, 'dc-south-1', ['get', 'etcdsnapshotfiles']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SNAPSHOTNAME\s+NODE\s+LOCATION\s+SIZE\s+CREATIONTIME$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      /^local-etcd-snapshot-dcs1-server-1-\d+-[0-9a-f]{6}\s+etcd-snapshot-dcs1-server-1-\d+\s+dcs1-server-1\s+file:\/\/\/var\/lib\/rancher\/rke2\/server\/db\/snapshots\//,
    );
    const scope = await kubectl(fleet.kubeconfigPath, 'dc-south-1', [
      'api-resources',
      '--api-group=k3s.cattle.io',
      '--no-headers',
    ]);
    expect(scope.stdout).toMatch(/^etcdsnapshotfiles\s+k3s.cattle.io\/v1\s+false\s+ETCDSnapshotFile/);
  });

  it('are listed across the fleet with their facts, only from clusters serving the kind', async () => {
    const r = await gw.gql<Answer>(QUERY, {});
    expect(r.errors).toBeUndefined();
    const objects = stored();
    expect(objects).toHaveLength(3);
    const page = r.data?.etcdSnapshots;
    expect(page?.totalCount).toBe(3);
    expect(page?.nodes).toEqual(
      objects.map((o) => ({
        cluster: { name: 'dc-south-1' },
        site: 'dc-south',
        name: o.metadata.name,
        snapshotName: o.spec['snapshotName'],
        nodeName: 'dcs1-server-1',
        location: `file:///var/lib/rancher/rke2/server/db/snapshots/${o.spec['snapshotName']}`,
        storage: 'LOCAL',
        size: o.status['size'],
        sizeBytes: Number(o.status['size']),
        // DateTime: ISO 8601 with milliseconds.
        createdAt: new Date(o.status['creationTime'] as string).toISOString(),
        readyToUse: true,
        error: null,
      })),
    );
    // Only the RKE2 cluster serves the kind; every other cluster is left out, not reported.
    expect(page?.freshness.map((f) => f.cluster)).toEqual(['dc-south-1']);
    const edge = await gw.gql<Answer>(QUERY, { where: { target: { clusters: ['edge-b12-1'] } } });
    expect(edge.errors).toBeUndefined();
    expect(edge.data?.etcdSnapshots).toMatchObject({ totalCount: 0, nodes: [], freshness: [] });
  });

  it('filter by node, order newest first and page with cursors', async () => {
    const none = await gw.gql<Answer>(QUERY, { where: { nodeName: 'dcs1-agent-1' } });
    expect(none.data?.etcdSnapshots.totalCount).toBe(0);
    const newest = await gw.gql<Answer>(QUERY, {
      where: { nodeName: 'dcs1-server-1' },
      orderBy: { field: 'CREATED_AT', direction: 'DESC' },
      first: 2,
    });
    const first = newest.data?.etcdSnapshots;
    const times = stored()
      .map((o) => new Date(o.status['creationTime'] as string).toISOString())
      .sort()
      .reverse();
    expect(first?.nodes.map((n) => n.createdAt)).toEqual(times.slice(0, 2));
    expect(first?.pageInfo.hasNextPage).toBe(true);
    const rest = await gw.gql<Answer>(QUERY, {
      where: { nodeName: 'dcs1-server-1' },
      orderBy: { field: 'CREATED_AT', direction: 'DESC' },
      first: 2,
      after: first?.pageInfo.endCursor,
    });
    expect(rest.data?.etcdSnapshots.nodes.map((n) => n.createdAt)).toEqual(times.slice(2));
    expect(rest.data?.etcdSnapshots.pageInfo.hasNextPage).toBe(false);
  });

  it('report an unreachable cluster as a partial result with CLUSTER_UNREACHABLE', async () => {
    const dc = fleet.fleet.find('dc-south-1');
    await dc?.setFaults({ offline: 'blackhole' });
    try {
      const r = await gw.gql<Answer>(QUERY, { deadlineMs: 1500 });
      expect(r.data?.etcdSnapshots).toMatchObject({
        totalCount: 0,
        freshness: [{ cluster: 'dc-south-1', stale: true }],
      });
      expect(r.errors?.map((e) => e.extensions)).toEqual([
        expect.objectContaining({ code: 'CLUSTER_UNREACHABLE', cluster: 'dc-south-1' }),
      ]);
    } finally {
      await dc?.setFaults({ offline: null });
    }
  });

  it('are gone from a wiped RKE2 cluster, which serves the kind again', async () => {
    fleet.fleet.find('dc-south-1')?.wipe();
    expect(stored()).toEqual([]);
    const r = await kubectl(fleet.kubeconfigPath, 'dc-south-1', ['get', 'etcdsnapshotfiles']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('No resources found');
  });

  it('sizes are read as Kubernetes quantities', () => {
    expect(quantityBytes('25802240')).toBe(25802240);
    expect(quantityBytes('25200Ki')).toBe(25200 * 1024);
    expect(quantityBytes('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(quantityBytes('2e6')).toBe(2_000_000);
    expect(quantityBytes('12M')).toBe(12_000_000);
    expect(quantityBytes('twelve')).toBeNull();
  });
});
