/**
 * Live subscriptions with a real graphql-ws client against the gateway and the smart-city
 * simulator: node events filtered by site and architecture, cordon, pressure, node add and
 * remove, Kubernetes Events; cluster connectivity with no false NotReady while offline; resume
 * by cursor (also across a gateway restart); CURSOR_EXPIRED; a slow subscriber cut off with a
 * retryable close code while others keep receiving; the per-connection cap.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_SUBSCRIBER_TOO_SLOW } from '../../gateway/vocabulary.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { clusterRequest, eventually, startTestFleet, type TestFleet } from '../helpers/sim.js';
import type { SimCluster } from '../../sim/cluster.js';

interface NodeEventMsg {
  cursor: string;
  type: string;
  cluster: string;
  site: string;
  architecture: string | null;
  nodeName: string;
  previous: { readiness: string; unschedulable: boolean } | null;
  current: { readiness: string; unschedulable: boolean } | null;
  condition: string | null;
  kubernetesEvent: { reason: string | null; message: string | null; count: number } | null;
  observedAt: string;
  occurredAt: string | null;
  node: { name: string; readiness: string; unschedulable: boolean; architecture: string | null } | null;
}

interface ClusterEventMsg {
  cursor: string;
  type: string;
  cluster: string;
  site: string;
  previousState: string | null;
  state: string;
  reason: string | null;
  outageSeconds: number | null;
  observedAt: string;
}

const NODE_EVENTS = `subscription($where: NodeEventWhere, $after: String) {
  nodeEvents(where: $where, after: $after) {
    cursor type cluster site architecture nodeName condition observedAt occurredAt
    previous { readiness unschedulable } current { readiness unschedulable }
    kubernetesEvent { reason message count }
    node { name readiness unschedulable architecture }
  }
}`;

const CLUSTER_EVENTS = `subscription($where: ClusterEventWhere, $after: String) {
  clusterEvents(where: $where, after: $after) {
    cursor type cluster site previousState state reason outageSeconds observedAt
  }
}`;

/** A running subscription's received values, errors and end. */
interface Received<T> {
  values: T[];
  errors: { message: string; extensions?: Record<string, unknown> }[];
  ended: boolean;
  dispose: () => void;
}

function subscribe<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  field: string,
): Received<T> {
  const r: Received<T> = { values: [], errors: [], ended: false, dispose: () => undefined };
  r.dispose = client.subscribe(
    { query, variables },
    {
      next: (msg) => {
        const data = msg.data as Record<string, T> | null | undefined;
        const v = data?.[field];
        if (v !== undefined && v !== null) r.values.push(v);
        if (msg.errors) r.errors.push(...(msg.errors as Received<T>['errors']));
      },
      error: (e: unknown) => {
        if (Array.isArray(e)) r.errors.push(...(e as Received<T>['errors']));
        r.ended = true;
      },
      complete: () => {
        r.ended = true;
      },
    },
  );
  return r;
}

let fleet: TestFleet;
let gw: TestGateway;
let dataDir: string;

function sim(name: string): SimCluster {
  const c = fleet.fleet.find(name);
  if (!c) throw new Error(`no simulated cluster ${name}`);
  return c;
}

/** The only node of a smart-city edge cluster. */
function edgeNode(cluster: string): string {
  const n = sim(cluster).store.list('/nodes')[0] as { metadata: { name: string } } | undefined;
  if (!n) throw new Error(`${cluster} has no node`);
  return n.metadata.name;
}

async function allReady(g: TestGateway): Promise<void> {
  await eventually(
    () => g.gateway.connections.list().every((c) => c.connection.state === 'READY'),
    20_000,
    'every cluster READY',
  ).catch((e: unknown) => {
    const states = g.gateway.connections
      .list()
      .map((c) => `${c.registered.name}=${JSON.stringify(c.connection.phase)}`);
    throw new Error(`${String(e)}: ${states.join(', ')}`);
  });
}

/** Waits until the subscription has started reading live events (the gateway has it registered). */
/**
 * A raw graphql-ws client of one site's node events with large messages (the whole node, ten
 * times over, so socket buffers fill sooner) that can stop reading its socket.
 */
async function rawSubscriber(
  g: TestGateway,
  site: string,
): Promise<{
  /** Each next message's node event, as received. */
  values: NodeEventMsg[];
  closed: Promise<{ code: number; reason: string }>;
  pause(): void;
  resume(): void;
  close(): void;
}> {
  const whole =
    'name uid labels roles readiness unschedulable kubeletVersion osImage kernelVersion containerRuntimeVersion ' +
    'conditions { type status reason message lastTransitionTime } addresses { type address } ' +
    'taints { key value effect } capacity { cpu memory pods } allocatable { cpu memory pods }';
  const aliases = Array.from({ length: 10 }, (_, i) => `n${i}: node { ${whole} }`).join(' ');
  const query = JSON.stringify({
    id: '1',
    type: 'subscribe',
    payload: {
      query: `subscription { nodeEvents(where: { target: { sites: ["${site}"] } }) { cursor type cluster ${aliases} } }`,
    },
  });
  const socket = new WebSocket(`${g.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  const values: NodeEventMsg[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (m: Buffer) => {
      const msg = JSON.parse(m.toString()) as {
        type: string;
        payload?: { data?: { nodeEvents: NodeEventMsg } };
      };
      if (msg.type === 'connection_ack') {
        socket.send(query);
        resolve();
      } else if (msg.type === 'next' && msg.payload?.data) values.push(msg.payload.data.nodeEvents);
    });
    socket.on('error', reject);
  });
  const raw = () => (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  return {
    values,
    closed,
    pause: () => raw().pause(),
    resume: () => raw().resume(),
    close: () => socket.close(),
  };
}

async function subscribed(g: TestGateway, count: number): Promise<void> {
  await eventually(() => g.gateway.events.subscriberCount >= count, 5000, `${count} subscribers`);
  // The iterator goes live on its first pull, a tick after graphql-ws registers it.
  await new Promise((r) => setTimeout(r, 100));
}

beforeAll(async () => {
  fleet = await startTestFleet('smart-city', 0.02);
  dataDir = await mkdtemp(join(tmpdir(), 'fleetgraph-subs-'));
  gw = await startTestGateway({ kubeconfigPath: fleet.kubeconfigPath, dataDir });
  await allReady(gw);
}, 90_000);

afterAll(async () => {
  await gw?.close();
  await fleet?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('nodeEvents', () => {
  it('delivers a node going NotReady to a subscription of its site and arch, and not to one of another site', async () => {
    const client = gw.ws();
    const b12 = subscribe<NodeEventMsg>(
      client,
      NODE_EVENTS,
      {
        where: {
          target: { sites: ['b12'], architectures: ['ARM64'] },
          types: ['NODE_NOT_READY', 'NODE_READY'],
        },
      },
      'nodeEvents',
    );
    const b14 = subscribe<NodeEventMsg>(
      client,
      NODE_EVENTS,
      { where: { target: { sites: ['b14'] }, types: ['NODE_NOT_READY', 'NODE_READY'] } },
      'nodeEvents',
    );
    await subscribed(gw, 2);
    const node = edgeNode('edge-b12-2');
    sim('edge-b12-2').controllers.setNodeCondition(node, 'Ready', 'False', 'KubeletNotReady', 'runtime down');
    const notReady = await eventually(
      () => b12.values.find((e) => e.type === 'NODE_NOT_READY'),
      10_000,
      'NODE_NOT_READY',
    );
    expect(notReady).toMatchObject({
      cluster: 'edge-b12-2',
      site: 'b12',
      architecture: 'ARM64',
      nodeName: node,
      previous: { readiness: 'READY' },
      current: { readiness: 'NOT_READY' },
      node: { name: node, readiness: 'NOT_READY', architecture: 'ARM64' },
    });
    expect(Date.parse(notReady.observedAt)).toBeGreaterThan(0);
    expect(notReady.occurredAt).not.toBeNull();

    sim('edge-b12-2').controllers.setNodeCondition(node, 'Ready', 'True', 'KubeletReady', 'ok');
    await eventually(() => b12.values.find((e) => e.type === 'NODE_READY'), 10_000, 'NODE_READY');
    expect(b12.values.map((e) => e.type)).toEqual(['NODE_NOT_READY', 'NODE_READY']);
    expect(b14.values).toEqual([]);
    expect(b12.errors).toEqual([]);
    b12.dispose();
    b14.dispose();
  });

  it('delivers cordon, pressure conditions, node add and remove, and Kubernetes Events about nodes', async () => {
    const client = gw.ws();
    const sub = subscribe<NodeEventMsg>(
      client,
      NODE_EVENTS,
      { where: { target: { clusters: ['lab-mixed-1'] } } },
      'nodeEvents',
    );
    await subscribed(gw, 1);
    const lab = sim('lab-mixed-1');
    const worker = (lab.store.list('/nodes') as { metadata: { name: string } }[])[0]?.metadata.name ?? '';

    lab.controllers.setCordoned(worker, true);
    await eventually(() => sub.values.find((e) => e.type === 'NODE_CORDONED'), 10_000, 'NODE_CORDONED');
    lab.controllers.setCordoned(worker, false);
    await eventually(() => sub.values.find((e) => e.type === 'NODE_UNCORDONED'), 10_000, 'NODE_UNCORDONED');

    lab.controllers.setNodeCondition(
      worker,
      'DiskPressure',
      'True',
      'KubeletHasDiskPressure',
      'disk 95% full',
    );
    const pressure = await eventually(
      () => sub.values.find((e) => e.type === 'NODE_CONDITION_CHANGED' && e.condition === 'DiskPressure'),
      10_000,
      'DiskPressure',
    );
    expect(pressure.nodeName).toBe(worker);

    lab.controllers.addNode({
      name: 'lab-mixed-1-new',
      count: 1,
      architecture: 'arm64',
      role: 'worker',
      cpu: '4',
      memory: '8Gi',
      pods: '110',
    });
    const added = await eventually(
      () => sub.values.find((e) => e.type === 'NODE_ADDED' && e.nodeName === 'lab-mixed-1-new'),
      10_000,
      'NODE_ADDED',
    );
    expect(added).toMatchObject({
      architecture: 'ARM64',
      previous: null,
      current: { readiness: expect.any(String) },
    });
    lab.controllers.removeNode('lab-mixed-1-new');
    const removed = await eventually(
      () => sub.values.find((e) => e.type === 'NODE_REMOVED' && e.nodeName === 'lab-mixed-1-new'),
      10_000,
      'NODE_REMOVED',
    );
    expect(removed).toMatchObject({ current: null, node: { name: 'lab-mixed-1-new' } });

    // A core/v1 Event about a node, written through the cluster's API as any component would.
    const res = await clusterRequest(lab, 'POST', '/api/v1/namespaces/default/events', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'worker-rebooted.1', namespace: 'default' },
        involvedObject: { kind: 'Node', name: worker, apiVersion: 'v1' },
        reason: 'Rebooted',
        message: `Node ${worker} has been rebooted`,
        type: 'Warning',
        count: 1,
        source: { component: 'kubelet', host: worker },
      }),
    });
    expect(res.status).toBe(201);
    const kube = await eventually(
      () => sub.values.find((e) => e.type === 'KUBERNETES_EVENT' && e.kubernetesEvent?.reason === 'Rebooted'),
      10_000,
      'KUBERNETES_EVENT',
    );
    expect(kube).toMatchObject({
      nodeName: worker,
      kubernetesEvent: { count: 1, message: `Node ${worker} has been rebooted` },
    });

    lab.controllers.setNodeCondition(worker, 'DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'ok');
    await eventually(
      () =>
        sub.values.filter((e) => e.type === 'NODE_CONDITION_CHANGED' && e.condition === 'DiskPressure')
          .length === 2,
      10_000,
      'DiskPressure cleared',
    );
    // Per-node order: the worker's events arrive in the order they happened.
    const workerTypes = sub.values
      .filter((e) => e.nodeName === worker && e.type !== 'KUBERNETES_EVENT')
      .map((e) => e.type);
    expect(workerTypes).toEqual([
      'NODE_CORDONED',
      'NODE_UNCORDONED',
      'NODE_CONDITION_CHANGED',
      'NODE_CONDITION_CHANGED',
    ]);
    sub.dispose();
  });
});

describe('serialisation', () => {
  it('serialises a shared result once and gives each subscriber its own message id and selection', async () => {
    // Raw graphql-transport-ws sockets, to see the frames as sent.
    const open = async (subs: { id: string; query: string }[]) => {
      const frames: string[] = [];
      const socket = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
      socket.on('message', (d: Buffer) => frames.push(d.toString()));
      await new Promise((r) => socket.once('open', r));
      socket.send(JSON.stringify({ type: 'connection_init' }));
      await eventually(() => frames.some((f) => f.includes('connection_ack')), 5000, 'ack');
      const where = { target: { clusters: ['edge-b12-1'] }, types: ['NODE_CORDONED'] };
      for (const sub of subs) {
        socket.send(
          JSON.stringify({
            id: sub.id,
            type: 'subscribe',
            payload: { query: sub.query, variables: { where } },
          }),
        );
      }
      return { frames, socket };
    };
    const full = `subscription($where: NodeEventWhere) { nodeEvents(where: $where) { type cluster nodeName node { name unschedulable } } }`;
    const slim = `subscription($where: NodeEventWhere) { nodeEvents(where: $where) { type nodeName } }`;
    // An id that looks like the end of a message: JSON.stringify escapes it.
    const tricky = 'b","payload":"\u0000fleetgraph:raw-payload"}';
    const one = await open([
      { id: 'a', query: full },
      { id: tricky, query: full },
    ]);
    const two = await open([{ id: 'c', query: slim }]);
    await subscribed(gw, 3);
    const node = edgeNode('edge-b12-1');
    sim('edge-b12-1').controllers.setCordoned(node, true);
    try {
      const nexts = (frames: string[]) => frames.filter((f) => f.includes('"next"'));
      await eventually(
        () => nexts(one.frames).length >= 2 && nexts(two.frames).length >= 1,
        10_000,
        'deliveries',
      );
      const parsed = [...nexts(one.frames), ...nexts(two.frames)].map(
        (f) => JSON.parse(f) as { id: string; type: string; payload: unknown },
      );
      const byId = new Map(parsed.map((m) => [m.id, m]));
      expect([...byId.keys()].sort()).toEqual(['a', tricky, 'c'].sort());
      const event = {
        type: 'NODE_CORDONED',
        cluster: 'edge-b12-1',
        nodeName: node,
        node: { name: node, unschedulable: true },
      };
      expect(byId.get('a')).toEqual({ id: 'a', type: 'next', payload: { data: { nodeEvents: event } } });
      expect(byId.get(tricky)).toEqual({
        id: tricky,
        type: 'next',
        payload: { data: { nodeEvents: event } },
      });
      expect(byId.get('c')).toEqual({
        id: 'c',
        type: 'next',
        payload: { data: { nodeEvents: { type: 'NODE_CORDONED', nodeName: node } } },
      });
    } finally {
      sim('edge-b12-1').controllers.setCordoned(node, false);
      one.socket.close();
      two.socket.close();
      await eventually(() => gw.gateway.events.subscriberCount === 0, 5000, 'subscribers released');
    }
  });
});

describe('clusterEvents', () => {
  it('reports a blackholed edge cluster OFFLINE with no false NotReady, then ONLINE with only the real changes', async () => {
    const client = gw.ws();
    const clusters = subscribe<ClusterEventMsg>(
      client,
      CLUSTER_EVENTS,
      { where: { target: { sites: ['b14'] } } },
      'clusterEvents',
    );
    const nodes = subscribe<NodeEventMsg>(
      client,
      NODE_EVENTS,
      { where: { target: { clusters: ['edge-b14-1'] } } },
      'nodeEvents',
    );
    await subscribed(gw, 2);
    const edge = sim('edge-b14-1');
    const node = edgeNode('edge-b14-1');
    const started = Date.now();
    await edge.setFaults({ offline: 'blackhole' });
    try {
      const offline = await eventually(
        () => clusters.values.find((e) => e.type === 'CLUSTER_OFFLINE'),
        15_000,
        'CLUSTER_OFFLINE',
      );
      // Detection: 2 s without contact in tests (15 s by default), plus probe and scheduling slack.
      expect(Date.now() - started).toBeLessThan(2000 + 3000);
      // Its watches time out first, so it may pass through DEGRADED on the way.
      expect(offline).toMatchObject({ cluster: 'edge-b14-1', site: 'b14', state: 'OFFLINE' });
      expect(clusters.values.map((e) => e.type).filter((t) => t !== 'CLUSTER_DEGRADED')).toEqual([
        'CLUSTER_OFFLINE',
      ]);

      // A real change while the gateway cannot see the cluster.
      edge.controllers.setCordoned(node, true);
      await new Promise((r) => setTimeout(r, 1000));
      expect(nodes.values).toEqual([]);

      await edge.setFaults({ reset: true, offline: null });
      const online = await eventually(
        () => clusters.values.find((e) => e.type === 'CLUSTER_ONLINE'),
        15_000,
        'CLUSTER_ONLINE',
      );
      expect(online).toMatchObject({ cluster: 'edge-b14-1', previousState: 'OFFLINE', state: 'READY' });
      expect(online.outageSeconds).toBeGreaterThan(1);
      await eventually(() => nodes.values.length > 0, 10_000, 'the change made while offline');
      await new Promise((r) => setTimeout(r, 1000));
      expect(nodes.values.map((e) => e.type)).toEqual(['NODE_CORDONED']);
      expect(clusters.values.filter((e) => e.cluster !== 'edge-b14-1')).toEqual([]);

      edge.controllers.setCordoned(node, false);
      await eventually(() => nodes.values.some((e) => e.type === 'NODE_UNCORDONED'), 10_000, 'uncordon');
    } finally {
      await edge.setFaults({ reset: true, offline: null });
      edge.controllers.setCordoned(node, false);
      clusters.dispose();
      nodes.dispose();
    }
  });
});

describe('resume', () => {
  it('gives a subscriber that reconnects with its last cursor exactly the events it missed, in order', async () => {
    const where = { target: { sites: ['b21'] }, types: ['NODE_CORDONED', 'NODE_UNCORDONED'] };
    const watcher = subscribe<NodeEventMsg>(gw.ws(), NODE_EVENTS, { where }, 'nodeEvents');
    const leaver = gw.ws();
    const first = subscribe<NodeEventMsg>(leaver, NODE_EVENTS, { where }, 'nodeEvents');
    await subscribed(gw, 2);
    const a = edgeNode('edge-b21-1');
    const b = edgeNode('edge-b21-2');
    sim('edge-b21-1').controllers.setCordoned(a, true);
    await eventually(() => first.values.length === 1, 10_000, 'first event');
    const last = first.values[0]?.cursor ?? '';
    await leaver.dispose();

    sim('edge-b21-2').controllers.setCordoned(b, true);
    sim('edge-b21-1').controllers.setCordoned(a, false);
    sim('edge-b21-2').controllers.setCordoned(b, false);
    await eventually(() => watcher.values.length === 4, 10_000, 'the watcher sees all four');

    const resumed = subscribe<NodeEventMsg>(gw.ws(), NODE_EVENTS, { where, after: last }, 'nodeEvents');
    await eventually(() => resumed.values.length >= 3, 10_000, 'missed events');
    await new Promise((r) => setTimeout(r, 300));
    expect(resumed.values.map((e) => e.cursor)).toEqual(watcher.values.slice(1).map((e) => e.cursor));
    // Across clusters the order is the order the gateway observed; per node it is the cluster's.
    const of = (node: string) => resumed.values.filter((e) => e.nodeName === node).map((e) => e.type);
    expect(of(b)).toEqual(['NODE_CORDONED', 'NODE_UNCORDONED']);
    expect(of(a)).toEqual(['NODE_UNCORDONED']);
    // Live events follow the missed ones.
    sim('edge-b21-1').controllers.setCordoned(a, true);
    await eventually(() => resumed.values.length === 4, 10_000, 'the live event after catch-up');
    sim('edge-b21-1').controllers.setCordoned(a, false);
    await eventually(() => resumed.values.length === 5, 10_000, 'uncordon');
    expect(new Set(resumed.values.map((e) => e.cursor)).size).toBe(5);
    watcher.dispose();
    resumed.dispose();
  });

  it('hands out a head cursor with the state, so nothing between the query and the subscription is lost', async () => {
    const q = await gw.gql<{
      eventCursor: string;
      nodes: { nodes: { name: string; unschedulable: boolean }[] };
    }>(
      '{ eventCursor nodes(where: { target: { clusters: ["edge-b30-1"] } }) { nodes { name unschedulable } } }',
    );
    expect(q.data?.nodes.nodes[0]?.unschedulable).toBe(false);
    const node = edgeNode('edge-b30-1');
    sim('edge-b30-1').controllers.setCordoned(node, true);
    await new Promise((r) => setTimeout(r, 500));
    const sub = subscribe<NodeEventMsg>(
      gw.ws(),
      NODE_EVENTS,
      { where: { target: { clusters: ['edge-b30-1'] } }, after: q.data?.eventCursor },
      'nodeEvents',
    );
    await eventually(() => sub.values.length === 1, 10_000, 'the change after the query');
    expect(sub.values[0]).toMatchObject({ type: 'NODE_CORDONED', nodeName: node });
    sim('edge-b30-1').controllers.setCordoned(node, false);
    await eventually(() => sub.values.length === 2, 10_000, 'uncordon');
    sub.dispose();
  });

  it('answers a cursor that is not one with VALIDATION_FAILED and one of another event log with CURSOR_EXPIRED', async () => {
    const client = gw.ws();
    const bad = subscribe<NodeEventMsg>(client, NODE_EVENTS, { after: 'not-a-cursor' }, 'nodeEvents');
    const other = subscribe<NodeEventMsg>(
      client,
      NODE_EVENTS,
      { after: Buffer.from('e1:otherlog:5', 'utf8').toString('base64url') },
      'nodeEvents',
    );
    await eventually(() => bad.ended && other.ended, 5000, 'both answered');
    expect(bad.errors[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(other.errors[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
    expect(other.errors[0]?.message).toMatch(/query the current state/);
  });
});

describe('limits', () => {
  it('refuses subscriptions past the per-connection cap with LIMIT_EXCEEDED', async () => {
    const small = await startTestGateway({
      kubeconfigPath: fleet.kubeconfigPath,
      limits: { maxDepth: 12, maxAliases: 20, maxCost: 100_000, maxSubscriptionsPerConnection: 2 },
    });
    try {
      const client = small.ws();
      const subs = [0, 1, 2].map(() =>
        subscribe<ClusterEventMsg>(client, CLUSTER_EVENTS, {}, 'clusterEvents'),
      );
      await eventually(() => subs[2]?.ended, 5000, 'the third refused');
      expect(subs[2]?.errors[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
      expect(subs[0]?.ended).toBe(false);
      expect(subs[1]?.ended).toBe(false);
    } finally {
      await small.close();
    }
  });

  it('cuts off a subscriber that stops reading with a retryable close code while others keep receiving', async () => {
    const g = await startTestGateway({
      kubeconfigPath: fleet.kubeconfigPath,
      events: { subscriberBuffer: 20 },
    });
    try {
      await allReady(g);
      const slow = await rawSubscriber(g, 'b30');
      const fast = subscribe<NodeEventMsg>(
        g.ws(),
        NODE_EVENTS,
        { where: { target: { sites: ['b30'] } } },
        'nodeEvents',
      );
      await subscribed(g, 2);
      slow.pause();

      // A burst of real node changes, far more than the socket buffers and the 20-event buffer hold.
      const nodes = ['edge-b30-1', 'edge-b30-2', 'edge-b30-3'].map((c) => ({ c: sim(c), n: edgeNode(c) }));
      let cordoned = false;
      let made = 0;
      const deadline = Date.now() + 25_000;
      // Until the gateway has dropped the slow subscription (the fast one stays).
      while (g.gateway.events.subscriberCount > 1 && Date.now() < deadline) {
        cordoned = !cordoned;
        for (const { c, n } of nodes) c.controllers.setCordoned(n, cordoned);
        made += nodes.length;
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(g.gateway.events.subscriberCount).toBe(1);
      expect(g.logs.some((l) => l.includes('fell too far behind'))).toBe(true);
      // The client reads again: through what its socket buffered, to the close frame.
      slow.resume();
      const result = await slow.closed;
      expect(result.code).toBe(CLOSE_SUBSCRIBER_TOO_SLOW);
      expect(result.reason).toMatch(/too slow/);
      // The fast subscriber got every event, and keeps receiving.
      await eventually(
        () => fast.values.length === made,
        20_000,
        `all ${made} events for the fast subscriber`,
      );
      for (const { c, n } of nodes) c.controllers.setCordoned(n, !cordoned);
      await eventually(() => fast.values.length === made + 3, 10_000, 'events after the cut-off');
      expect(fast.ended).toBe(false);
      fast.dispose();
    } finally {
      await g.close();
      for (const c of ['edge-b30-1', 'edge-b30-2', 'edge-b30-3'])
        sim(c).controllers.setCordoned(edgeNode(c), false);
    }
  }, 60_000);
  it('holds the events of a subscriber that stops reading and delivers them all, in order, when it reads again', async () => {
    const g = await startTestGateway({
      kubeconfigPath: fleet.kubeconfigPath,
      events: { subscriberBuffer: 10_000 },
    });
    const clusters = ['edge-b21-1', 'edge-b21-2', 'edge-b21-3'];
    try {
      await allReady(g);
      const slow = await rawSubscriber(g, 'b21');
      await subscribed(g, 1);
      slow.pause();
      const nodes = clusters.map((c) => ({ c: sim(c), n: edgeNode(c) }));
      let cordoned = false;
      let made = 0;
      const change = () => {
        cordoned = !cordoned;
        for (const { c, n } of nodes) c.controllers.setCordoned(n, cordoned);
        made += nodes.length;
      };
      // Until its socket is full and the gateway holds its events, then some more.
      const deadline = Date.now() + 25_000;
      while (g.gateway.events.heldEvents === 0 && Date.now() < deadline) {
        change();
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(g.gateway.events.heldEvents).toBeGreaterThan(0);
      for (let i = 0; i < 10; i++) {
        change();
        await new Promise((r) => setTimeout(r, 2));
      }
      slow.resume();
      await eventually(
        () => slow.values.length === made,
        20_000,
        `all ${made} events for the paused subscriber`,
      );
      expect(g.gateway.events.heldEvents).toBe(0);
      expect(g.gateway.events.subscriberCount).toBe(1);
      // In order: each cluster's events alternate cordon and uncordon, starting with a cordon.
      for (const c of clusters) {
        const types = slow.values.filter((v) => v.cluster === c).map((v) => v.type);
        expect(types).toEqual(
          Array.from({ length: made / nodes.length }, (_, i) =>
            i % 2 === 0 ? 'NODE_CORDONED' : 'NODE_UNCORDONED',
          ),
        );
      }
      slow.close();
    } finally {
      await g.close();
      for (const c of clusters) sim(c).controllers.setCordoned(edgeNode(c), false);
    }
  }, 60_000);
});

describe('restart', () => {
  it('resumes a cursor across a gateway restart and reports what changed while the gateway was down', async () => {
    const where = { target: { sites: ['b12'] }, types: ['NODE_CORDONED', 'NODE_UNCORDONED'] };
    const sub = subscribe<NodeEventMsg>(gw.ws(), NODE_EVENTS, { where }, 'nodeEvents');
    await subscribed(gw, 1);
    const a = edgeNode('edge-b12-1');
    sim('edge-b12-1').controllers.setCordoned(a, true);
    await eventually(() => sub.values.length === 1, 10_000, 'cordon');
    const cursor = sub.values[0]?.cursor ?? '';
    sim('edge-b12-1').controllers.setCordoned(a, false);
    await eventually(() => sub.values.length === 2, 10_000, 'uncordon seen before the restart');
    sub.dispose();
    await gw.close();

    // While no gateway runs.
    const b = edgeNode('edge-b12-3');
    sim('edge-b12-3').controllers.setCordoned(b, true);

    gw = await startTestGateway({ kubeconfigPath: fleet.kubeconfigPath, dataDir });
    await allReady(gw);
    const resumed = subscribe<NodeEventMsg>(gw.ws(), NODE_EVENTS, { where, after: cursor }, 'nodeEvents');
    await eventually(() => resumed.values.length >= 2, 10_000, 'missed events after restart');
    await new Promise((r) => setTimeout(r, 500));
    expect(resumed.values.map((e) => `${e.nodeName} ${e.type}`)).toEqual([
      `${a} NODE_UNCORDONED`,
      `${b} NODE_CORDONED`,
    ]);

    // No spurious events: the restart itself (every cluster relisted) reported nothing else.
    const all = subscribe<NodeEventMsg>(gw.ws(), NODE_EVENTS, { after: cursor }, 'nodeEvents');
    await eventually(() => all.values.length >= 2, 10_000, 'all node events after the cursor');
    await new Promise((r) => setTimeout(r, 300));
    expect(all.values.map((e) => `${e.nodeName} ${e.type}`)).toEqual([
      `${a} NODE_UNCORDONED`,
      `${b} NODE_CORDONED`,
    ]);
    const clusters = subscribe<ClusterEventMsg>(gw.ws(), CLUSTER_EVENTS, { after: cursor }, 'clusterEvents');
    await new Promise((r) => setTimeout(r, 300));
    expect(clusters.values).toEqual([]);
    sim('edge-b12-3').controllers.setCordoned(b, false);
    await eventually(() => resumed.values.length === 3, 10_000, 'live after restart');
    resumed.dispose();
    all.dispose();
    clusters.dispose();
  });
});
