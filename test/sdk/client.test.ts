/**
 * @fleetgraph/sdk (the built package) against a real gateway on the simulator: typed queries
 * and mutations, per-cluster problems as data (and strict mode), FleetGraphError codes from
 * the gateway and from the wire, tokens, cancellation and timeouts; subscriptions resumed
 * exactly once and in order after their WebSocket is cut, by cursor.
 */
import { createServer, type Server } from 'node:http';
import {
  createFleetClient,
  FleetGraphError,
  isFleetGraphError,
  type FleetClient,
  type NodeEventFieldsFragment,
} from '@fleetgraph/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCluster } from '../../sim/cluster.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { freePort } from '../helpers/gateway-process.js';
import { eventually, smallScenario, startTestFleet, type TestFleet } from '../helpers/sim.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const TOKEN = 'sdk-test-token-0123456789abcdef';
let fleet: TestFleet;
let gw: TestGateway;
let client: FleetClient;
const clients: FleetClient[] = [];

function sim(name: string): SimCluster {
  const c = fleet.fleet.find(name);
  if (!c) throw new Error(`no simulated cluster ${name}`);
  return c;
}

function nodeNames(cluster: string): string[] {
  return (sim(cluster).store.list('/nodes') as { metadata: { name: string } }[]).map((n) => n.metadata.name);
}

function newClient(options: Partial<Parameters<typeof createFleetClient>[0]> = {}): FleetClient {
  const c = createFleetClient({ url: `${gw.url}/graphql`, token: TOKEN, ...options });
  clients.push(c);
  return c;
}

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  fleet = await startTestFleet(smallScenario(), 0.02);
  gw = await startTestGateway({ kubeconfigPath: fleet.kubeconfigPath, tokens: { sdk: TOKEN } });
  await gw.settled();
  client = newClient();
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await gw?.close();
  await fleet?.dispose();
});

describe('queries and mutations', () => {
  it('resolve to the root field, typed, with no problems when every cluster answers', async () => {
    const nodes = await client.nodes({ where: { target: { architectures: ['ARM64'] } }, first: 10 });
    expect(nodes.totalCount).toBe(1);
    expect(nodes.nodes[0]).toMatchObject({ site: 'b12', architecture: 'ARM64', cluster: { name: 'edge-1' } });
    expect(nodes.clusterProblems).toEqual([]);
    // Problems are not part of the data.
    expect(Object.keys(nodes)).not.toContain('clusterProblems');

    const dc = await client.cluster({ name: 'dc-1' });
    expect(dc).toMatchObject({ name: 'dc-1', site: 'dc-north', state: 'READY' });
    expect(await client.cluster({ name: 'nope' })).toBeNull();

    const paged = await client.nodes({ first: 2, orderBy: { field: 'NAME', direction: 'ASC' } });
    expect(paged.nodes).toHaveLength(2);
    expect(paged.pageInfo.hasNextPage).toBe(true);
    const rest = await client.nodes({
      first: 10,
      after: paged.pageInfo.endCursor,
      orderBy: { field: 'NAME' },
    });
    expect(paged.totalCount).toBe(4);
    expect([...paged.nodes, ...rest.nodes].map((n) => n.name)).toHaveLength(4);
  });

  it('runs mutations and raw requests', async () => {
    const updated = await client.updateCluster({
      name: 'edge-1',
      input: { labels: { tier: 'edge', sdk: 'yes' } },
    });
    expect(updated.labels).toMatchObject({ sdk: 'yes' });
    const raw = await client.request<{ clusters: { nodes: { name: string }[] } }>(
      'query($s: String!) { clusters(where: { clusterLabelSelector: $s }) { nodes { name } } }',
      { s: 'sdk=yes' },
    );
    expect(raw.clusters.nodes.map((c) => c.name)).toEqual(['edge-1']);
    expect(raw.clusterProblems).toEqual([]);
    const log = await client.auditLog({ where: { actor: 'sdk', action: 'cluster.update' }, first: 5 });
    expect(log.nodes[0]).toMatchObject({ actor: 'sdk', action: 'cluster.update', outcome: 'SUCCESS' });
  });

  it('maps gateway errors to FleetGraphError codes', async () => {
    const bad = await rejection(client.nodes({ where: { target: { clusterLabelSelector: 'tier in (' } } }));
    expect(isFleetGraphError(bad)).toBe(true);
    expect(bad).toBeInstanceOf(FleetGraphError);
    expect((bad as FleetGraphError).code).toBe('VALIDATION_FAILED');
    expect((bad as FleetGraphError).message).toMatch(/selector/i);

    const missing = await rejection(client.unregisterCluster({ name: 'no-such-cluster' }));
    expect((missing as FleetGraphError).code).toBe('NOT_FOUND');
    expect((missing as FleetGraphError).errors[0]?.extensions?.['code']).toBe('NOT_FOUND');

    // A variable of the wrong type at run time (a script without types): the gateway refuses.
    const wrongType = await rejection(client.nodes({ first: 'ten' as unknown as number }));
    expect((wrongType as FleetGraphError).code).toBe('VALIDATION_FAILED');

    const anonymous = createFleetClient({ url: `${gw.url}/graphql` });
    const denied = await rejection(anonymous.sites());
    expect((denied as FleetGraphError).code).toBe('UNAUTHENTICATED');
    expect((denied as FleetGraphError).status).toBe(401);
    // A token function is asked on every call.
    let asked = 0;
    const rotating = newClient({ token: () => (asked++, TOKEN) });
    await rotating.sites();
    await rotating.sites();
    expect(asked).toBe(2);
  });

  it('reports an offline cluster as data, or throws in strict mode', async () => {
    await sim('edge-1').setFaults({ offline: 'down' });
    try {
      await eventually(
        async () => (await client.cluster({ name: 'edge-1' }))?.state === 'OFFLINE',
        15_000,
        'OFFLINE',
      );
      const nodes = await client.nodes({ first: 10 });
      // The offline cluster's node is still served, from the cache, and flagged.
      expect(nodes.totalCount).toBe(4);
      expect(nodes.clusterProblems).toHaveLength(1);
      expect(nodes.clusterProblems[0]).toMatchObject({
        code: 'CLUSTER_UNREACHABLE',
        cluster: 'edge-1',
        stale: true,
      });
      expect(nodes.freshness.find((f) => f.cluster === 'edge-1')?.stale).toBe(true);

      const strict = await rejection(client.nodes({ first: 10 }, { strict: true }));
      expect((strict as FleetGraphError).code).toBe('CLUSTER_UNREACHABLE');
      expect((strict as FleetGraphError).problems.map((p) => p.cluster)).toEqual(['edge-1']);
      const strictClient = newClient({ strict: true });
      expect(((await rejection(strictClient.nodes())) as FleetGraphError).code).toBe('CLUSTER_UNREACHABLE');
      // Only edge-1's part is a problem: a read of dc-1 alone is clean, strict or not.
      const dcOnly = await strictClient.nodes({ where: { target: { clusters: ['dc-1'] } } });
      expect(dcOnly.totalCount).toBe(3);
    } finally {
      await sim('edge-1').setFaults({ offline: null });
    }
    await eventually(
      async () => (await client.cluster({ name: 'edge-1' }))?.state === 'READY',
      15_000,
      'READY',
    );
  });
});

describe('the wire', () => {
  let silent: Server;
  let silentUrl: string;
  let html: Server;
  let htmlUrl: string;
  let htmlHits = 0;

  beforeAll(async () => {
    // A server that accepts and never answers, and a proxy that answers 503 with an HTML page.
    silent = createServer(() => undefined);
    html = createServer((_req, res) => {
      htmlHits++;
      res.writeHead(503, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
    });
    const listen = async (s: Server): Promise<string> => {
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      const a = s.address();
      return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/graphql`;
    };
    silentUrl = await listen(silent);
    htmlUrl = await listen(html);
  });

  afterAll(() => {
    silent.closeAllConnections();
    silent.close();
    html.close();
  });

  it('cancels with an AbortSignal', async () => {
    const c = newClient({ url: silentUrl });
    const stop = new AbortController();
    const pending = rejection(c.sites(undefined, { signal: stop.signal }));
    setTimeout(() => stop.abort(), 50);
    const e = (await pending) as Error;
    expect(e.name).toBe('AbortError');
    const already = await rejection(c.sites(undefined, { signal: AbortSignal.abort(new Error('not now')) }));
    expect((already as Error).message).toBe('not now');
  });

  it('times out with TIMEOUT after the retries, and reports unreachable gateways as NETWORK_ERROR', async () => {
    const c = newClient({
      url: silentUrl,
      timeoutMs: 100,
      retry: { attempts: 1, minDelayMs: 10, maxDelayMs: 20 },
    });
    const started = Date.now();
    const e = (await rejection(c.sites())) as FleetGraphError;
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toMatch(/within 100 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);

    const n = newClient({ url: `http://127.0.0.1:${await freePort()}/graphql`, retry: { attempts: 0 } });
    const ne = (await rejection(n.sites())) as FleetGraphError;
    expect(ne.code).toBe('NETWORK_ERROR');
    expect(ne.message).toMatch(/ECONNREFUSED/);
  });

  it('retries queries on 503 and then reports BAD_RESPONSE; never retries mutations', async () => {
    const c = newClient({ url: htmlUrl, retry: { attempts: 2, minDelayMs: 5, maxDelayMs: 10 } });
    htmlHits = 0;
    const e = (await rejection(c.sites())) as FleetGraphError;
    expect(e.code).toBe('BAD_RESPONSE');
    expect(e.status).toBe(503);
    expect(e.message).toMatch(/maintenance/);
    expect(htmlHits).toBe(3);
    htmlHits = 0;
    await rejection(c.unregisterCluster({ name: 'x' }));
    expect(htmlHits).toBe(1);
    // Raw requests: a query (shorthand too) is retried; a mutation, even behind a comment,
    // and a document that starts with a fragment (it might hold a mutation) are sent once.
    for (const [doc, hits] of [
      ['{ sites { name } }', 3],
      ['# rename\nmutation { unregisterCluster(name: "x") { name } }', 1],
      ['fragment F on Query { sites { name } }\nquery { ...F }', 1],
    ] as const) {
      htmlHits = 0;
      await rejection(c.request(doc));
      expect(htmlHits, doc).toBe(hits);
    }
  });

  it('rejects a bad url at once', () => {
    expect(() => createFleetClient({ url: 'localhost:4000' })).toThrow(/gateway's GraphQL URL/);
    expect(() => createFleetClient({ url: 'not a url' })).toThrow(/got "not a url"/);
    expect(() => createFleetClient({ url: 'http://x/graphql', timeoutMs: -1 })).toThrow(/timeoutMs must be/);
  });
});

describe('subscriptions', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy(Number(new URL(gw.url).port));
  });
  afterAll(async () => {
    await proxy.close();
  });

  async function subscribers(count: number): Promise<void> {
    await eventually(() => gw.gateway.events.subscriberCount >= count, 10_000, `${count} subscribers`);
    await new Promise((r) => setTimeout(r, 100));
  }

  it('resumes after the WebSocket is cut: every missed event, once, in order', async () => {
    const where = {
      target: { clusters: ['dc-1'] },
      types: ['NODE_CORDONED' as const, 'NODE_UNCORDONED' as const],
    };
    const base = gw.gateway.events.subscriberCount;
    // The reference: a direct subscription that is never cut.
    const reference = newClient();
    const expected: NodeEventFieldsFragment[] = [];
    const refSub = reference.nodeEvents({ where });
    const refDone = (async () => {
      for await (const e of refSub) expected.push(e);
    })();

    const viaProxy = newClient({
      wsUrl: `ws://127.0.0.1:${proxy.port}/graphql`,
      retry: { minDelayMs: 50, maxDelayMs: 200 },
    });
    const received: NodeEventFieldsFragment[] = [];
    const sub = viaProxy.nodeEvents({ where });
    const done = (async () => {
      for await (const e of sub) received.push(e);
    })();
    await subscribers(base + 2);
    expect(proxy.accepted).toBe(1);

    const [a, b, c] = nodeNames('dc-1');
    const dc = sim('dc-1').controllers;
    dc.setCordoned(a ?? '', true);
    await eventually(() => received.length === 1, 10_000, 'first event');

    // The link drops; events happen while the client is away.
    proxy.block();
    proxy.cut();
    dc.setCordoned(b ?? '', true);
    dc.setCordoned(c ?? '', true);
    dc.setCordoned(a ?? '', false);
    await eventually(() => expected.length === 4, 10_000, 'reference saw the missed events');
    expect(received).toHaveLength(1);
    proxy.unblock();
    await eventually(() => received.length === 4, 15_000, 'missed events after reconnecting');
    expect(proxy.accepted).toBeGreaterThanOrEqual(2);

    dc.setCordoned(b ?? '', false);
    dc.setCordoned(c ?? '', false);
    await eventually(
      () => received.length === 6 && expected.length === 6,
      10_000,
      'live events after resuming',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(received.map((e) => e.cursor)).toEqual(expected.map((e) => e.cursor));
    expect(new Set(received.map((e) => e.cursor)).size).toBe(6);
    expect(received.map((e) => `${e.type} ${e.nodeName}`)).toEqual([
      `NODE_CORDONED ${a}`,
      `NODE_CORDONED ${b}`,
      `NODE_CORDONED ${c}`,
      `NODE_UNCORDONED ${a}`,
      `NODE_UNCORDONED ${b}`,
      `NODE_UNCORDONED ${c}`,
    ]);
    expect(sub.cursor).toBe(received[5]?.cursor);

    await sub.return();
    await refSub.return();
    await Promise.all([done, refDone]);
    // With its last subscription ended, the client closes its (lazy) WebSocket.
    await eventually(() => proxy.openConnections === 0, 5000, 'the WebSocket closed');
    // And the gateway has let both subscriptions go (the next tests count subscribers).
    await eventually(() => gw.gateway.events.subscriberCount === base, 5000, 'subscriptions released');
  });

  it('keeps a slow consumer bounded: past the buffer it resubscribes after what it handed out, losing nothing', async () => {
    const head = await client.eventCursor();
    const base = gw.gateway.events.subscriberCount;
    const slow = newClient({ subscriptionBuffer: 2 });
    const where = {
      target: { clusters: ['dc-1'] },
      types: ['NODE_CORDONED' as const, 'NODE_UNCORDONED' as const],
    };
    const sub = slow.nodeEvents({ where, after: head });
    await subscribers(base + 1);
    const [a, b, c] = nodeNames('dc-1');
    const dc = sim('dc-1').controllers;
    for (const n of [a, b, c]) dc.setCordoned(n ?? '', true);
    for (const n of [a, b, c]) dc.setCordoned(n ?? '', false);
    // Nobody reads: the buffer of 2 fills and the SDK stops receiving (unsubscribes).
    await eventually(() => gw.gateway.events.subscriberCount === base, 10_000, 'paused at a full buffer');
    const got: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await sub.next();
      got.push(`${r.value?.type} ${r.value?.nodeName}`);
    }
    await sub.return();
    expect(got).toEqual([
      ...[a, b, c].map((n) => `NODE_CORDONED ${n}`),
      ...[a, b, c].map((n) => `NODE_UNCORDONED ${n}`),
    ]);
  });

  it('starts after a given cursor, ends on abort, and fails with CURSOR_EXPIRED on a bad cursor', async () => {
    const head = await client.eventCursor();
    const [a] = nodeNames('dc-1');
    sim('dc-1').controllers.setCordoned(a ?? '', true);
    sim('dc-1').controllers.setCordoned(a ?? '', false);
    const stop = new AbortController();
    const sub = client.nodeEvents(
      { where: { target: { clusters: ['dc-1'] }, types: ['NODE_CORDONED', 'NODE_UNCORDONED'] }, after: head },
      { signal: stop.signal },
    );
    const first = await sub.next();
    const second = await sub.next();
    expect([first.value?.type, second.value?.type]).toEqual(['NODE_CORDONED', 'NODE_UNCORDONED']);
    const pending = sub.next();
    stop.abort();
    expect(((await rejection(pending)) as Error).name).toBe('AbortError');
    expect(await sub.next()).toEqual({ value: undefined, done: true });

    const garbage = (await rejection(client.nodeEvents({ after: 'not-a-cursor' }).next())) as FleetGraphError;
    expect(isFleetGraphError(garbage)).toBe(true);
    expect(garbage.code).toBe('VALIDATION_FAILED');
    // A cursor of another event log (a replaced gateway store): re-query, then resubscribe.
    const otherLog = Buffer.from('e1:someotherlog:5', 'utf8').toString('base64url');
    const expired = (await rejection(client.nodeEvents({ after: otherLog }).next())) as FleetGraphError;
    expect(expired.code).toBe('CURSOR_EXPIRED');
  });

  it('fails a subscription with UNAUTHENTICATED without a token', async () => {
    const anonymous = createFleetClient({ url: `${gw.url}/graphql`, retry: { attempts: 0 } });
    clients.push(anonymous);
    const e = (await rejection(anonymous.clusterEvents().next())) as FleetGraphError;
    expect(e.code).toBe('UNAUTHENTICATED');
  });
});
