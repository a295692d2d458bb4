/**
 * One bad cluster never blanks the fleet view: a blackholed edge cluster still yields the
 * other clusters' data plus its own part marked stale and a CLUSTER_UNREACHABLE error,
 * within the LIVE deadline and, once detected, in CACHED reads; a 410 during a watch is
 * recovered by a relist without losing the update made in the gap.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually, smallScenario, startTestFleet, type TestFleet } from '../helpers/sim.js';

let fleet: TestFleet;
let gw: TestGateway;

beforeAll(async () => {
  fleet = await startTestFleet(smallScenario(), 0.02);
  gw = await startTestGateway({ kubeconfigPath: fleet.kubeconfigPath });
  await gw.settled();
}, 60_000);

afterEach(async () => {
  for (const c of fleet.fleet.clusters) await c.setFaults({ reset: true });
  await eventually(
    () => gw.gateway.connections.list().every((c) => c.connection.state === 'READY'),
    15_000,
    'all READY',
  );
});

afterAll(async () => {
  await gw?.close();
  await fleet?.dispose();
});

const NODES = `query($consistency: Consistency, $deadlineMs: Int) {
  nodes(consistency: $consistency, deadlineMs: $deadlineMs) {
    nodes { name cluster { name } unschedulable }
    freshness { cluster site state stale observedAt offlineSince error { code message } }
  }
}`;

interface Data {
  nodes: {
    nodes: { name: string; cluster: { name: string }; unschedulable: boolean }[];
    freshness: {
      cluster: string;
      state: string;
      stale: boolean;
      observedAt: string | null;
      offlineSince: string | null;
      error: { code: string; message: string } | null;
    }[];
  };
}

describe('partial results', () => {
  it('answers a LIVE read within the deadline when an edge cluster is blackholed, serving its part stale', async () => {
    const before = await gw.gql<Data>(NODES, { consistency: 'LIVE', deadlineMs: 3000 });
    expect(before.errors).toBeUndefined();
    expect(before.data?.nodes.freshness.every((f) => !f.stale)).toBe(true);

    await fleet.fleet.cluster('edge-1').setFaults({ offline: 'blackhole' });
    const started = Date.now();
    const r = await gw.gql<Data>(NODES, { consistency: 'LIVE', deadlineMs: 1500 });
    const elapsed = Date.now() - started;
    // Bounded by the deadline (plus slack for a loaded machine), not by the blackhole.
    expect(elapsed).toBeLessThan(1500 + 2500);
    const clusters = new Set(r.data?.nodes.nodes.map((n) => n.cluster.name));
    expect(clusters).toEqual(new Set(['dc-1', 'edge-1']));
    expect(r.data?.nodes.nodes.filter((n) => n.cluster.name === 'dc-1')).toHaveLength(3);
    const edge = r.data?.nodes.freshness.find((f) => f.cluster === 'edge-1');
    expect(edge).toMatchObject({ stale: true, error: { code: 'CLUSTER_UNREACHABLE' } });
    expect(r.data?.nodes.freshness.find((f) => f.cluster === 'dc-1')).toMatchObject({
      stale: false,
      error: null,
    });
    expect(r.errors).toEqual([
      expect.objectContaining({
        path: ['nodes'],
        extensions: expect.objectContaining({ code: 'CLUSTER_UNREACHABLE', cluster: 'edge-1', stale: true }),
      }),
    ]);
  });

  it('marks a blackholed cluster OFFLINE after the detection time and keeps serving its last known nodes from the cache', async () => {
    await fleet.fleet.cluster('edge-1').setFaults({ offline: 'blackhole' });
    const r = await eventually(
      async () => {
        const x = await gw.gql<Data>(NODES);
        return x.data?.nodes.freshness.find((f) => f.cluster === 'edge-1')?.state === 'OFFLINE'
          ? x
          : undefined;
      },
      15_000,
      'edge-1 OFFLINE',
    );
    const edge = r.data?.nodes.freshness.find((f) => f.cluster === 'edge-1');
    expect(edge?.stale).toBe(true);
    expect(edge?.offlineSince).not.toBeNull();
    expect(edge?.observedAt).not.toBeNull();
    expect(edge?.error?.code).toBe('CLUSTER_UNREACHABLE');
    expect(r.data?.nodes.nodes.some((n) => n.cluster.name === 'edge-1')).toBe(true);
    expect(r.data?.nodes.nodes.filter((n) => n.cluster.name === 'dc-1')).toHaveLength(3);
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['CLUSTER_UNREACHABLE']);
    const cluster = await gw.gql<{ cluster: { state: string; lastError: { code: string } | null } }>(
      '{ cluster(name: "edge-1") { state lastError { code } } }',
    );
    expect(cluster.data?.cluster.state).toBe('OFFLINE');
    expect(cluster.data?.cluster.lastError?.code).toBe('CLUSTER_UNREACHABLE');
  });

  it('recovers from a 410 during a watch by relisting, without losing the update made in the gap', async () => {
    const sim = fleet.fleet.cluster('dc-1');
    const node = 'dc-1-worker-1';
    // Hold the watch silent, change the node, compact history and cut the watch: the resume
    // from the old resourceVersion gets 410 and only a relist can see the change.
    await sim.setFaults({ offline: 'blackhole' });
    sim.controllers.setCordoned(node, true);
    sim.clearRequests();
    await sim.setFaults({ offline: null, compact: true, cutWatches: true });
    const r = await eventually(
      async () => {
        const x = await gw.gql<Data>(NODES);
        return x.data?.nodes.nodes.find((n) => n.name === node)?.unschedulable ? x : undefined;
      },
      15_000,
      'cordon seen by the gateway',
    );
    expect(r.data?.nodes.freshness.find((f) => f.cluster === 'dc-1')?.stale).toBe(false);
    const lists = sim
      .requests()
      .filter(
        (q) => q.method === 'GET' && q.path.startsWith('/api/v1/nodes') && !q.path.includes('watch=true'),
      );
    expect(lists.length).toBeGreaterThan(0);
    sim.controllers.setCordoned(node, false);
    await eventually(async () => {
      const x = await gw.gql<Data>(NODES);
      return x.data?.nodes.nodes.find((n) => n.name === node)?.unschedulable === false;
    });
  });
});
