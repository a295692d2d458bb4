import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimCluster } from '../../sim/cluster.js';
import {
  clusterRequest,
  eventually,
  kubectl,
  smallScenario,
  startTestFleet,
  type TestFleet,
} from '../helpers/sim.js';

// The simulated apiserver speaks HTTP/2 (ALPN h2) and HTTP/1.1 on the same TLS port, as
// kube-apiserver does, and its faults act on HTTP/2 sessions and streams.
let t: TestFleet;
let edge: SimCluster;
const sessions: ClientHttp2Session[] = [];

beforeAll(async () => {
  t = await startTestFleet(smallScenario(), 0.02);
  edge = t.fleet.cluster('edge-1');
});
afterEach(async () => {
  for (const s of sessions.splice(0)) s.destroy();
  await edge.setFaults({ reset: true });
});
afterAll(async () => t?.dispose());

/** An HTTP/2 session to a cluster, negotiated through ALPN, with the cluster's CA. */
async function h2(cluster: SimCluster): Promise<ClientHttp2Session> {
  const session = connect(cluster.server, { ca: cluster.credentials.caCertPem });
  sessions.push(session);
  session.on('error', () => undefined); // failures are asserted through the streams and 'close'
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  return session;
}

interface H2Answer {
  headers: IncomingHttpHeaders;
  body: string;
}

/** One GET on a session; rejects with the stream's error. */
function get(session: ClientHttp2Session, path: string, token: string | null = edge.credentials.token) {
  const headers: Record<string, string> = { ':path': path };
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  const stream = session.request(headers);
  const answer = new Promise<H2Answer>((resolve, reject) => {
    let head: IncomingHttpHeaders = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (head = h));
    stream.on('data', (d: string) => (body += d));
    stream.on('end', () => resolve({ headers: head, body }));
    stream.on('error', reject);
  });
  return { stream, answer };
}

/** Resolves with 'answered' or 'silent' after ms. */
function within<T>(p: Promise<T>, ms: number): Promise<'answered' | 'silent'> {
  return Promise.race([
    p.then(
      () => 'answered' as const,
      () => 'answered' as const,
    ),
    new Promise<'silent'>((r) => setTimeout(() => r('silent'), ms)),
  ]);
}

function ping(session: ClientHttp2Session): Promise<number> {
  return new Promise((resolve, reject) =>
    session.ping((err, duration) => (err ? reject(err) : resolve(duration))),
  );
}

describe('HTTP/2', () => {
  it('negotiates h2 through ALPN and answers /version with the token, 401 without', async () => {
    edge.clearRequests();
    const session = await h2(edge);
    expect(session.alpnProtocol).toBe('h2');
    const ok = await get(session, '/version').answer;
    expect(ok.headers[':status']).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ gitVersion: edge.spec.kubernetesVersion });
    const denied = await get(session, '/version', null).answer;
    expect(denied.headers[':status']).toBe(401);
    expect(JSON.parse(denied.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized' });
    expect(edge.requests().map((r) => [r.path, r.httpVersion, r.status])).toEqual([
      ['/version', '2.0', 200],
      ['/version', '2.0', 401],
    ]);
  });

  it('still serves HTTP/1.1 clients on the same port', async () => {
    edge.clearRequests();
    const r = await clusterRequest(edge, 'GET', '/api/v1/nodes');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(edge.requests().map((e) => [e.path, e.httpVersion])).toEqual([['/api/v1/nodes', '1.1']]);
  });

  it('is what kubectl negotiates', async () => {
    edge.clearRequests();
    const r = await kubectl(t.kubeconfigPath, 'edge-1', ['get', 'nodes', '-o', 'name']);
    expect(r.stdout.trim()).toBe('node/edge-1-cp-1');
    const versions = new Set(edge.requests().map((e) => e.httpVersion));
    expect([...versions]).toEqual(['2.0']);
  });

  it('streams watch events as DATA frames on one stream, and cutWatches ends the stream', async () => {
    const session = await h2(edge);
    const { stream, answer } = get(session, '/api/v1/namespaces?watch=true');
    const lines: string[] = [];
    stream.on('data', (d: string) => lines.push(...d.split('\n').filter((l) => l !== '')));
    await eventually(() => lines.length >= 4, 3000, 'initial ADDED events');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ type: 'ADDED', object: { kind: 'Namespace' } });
    // Another request on the same session while the watch streams.
    expect((await get(session, '/version').answer).headers[':status']).toBe(200);
    await edge.setFaults({ cutWatches: true });
    const ended = await answer;
    expect(ended.headers[':status']).toBe(200);
    expect(ended.headers['content-type']).toBe('application/json');
    expect(session.closed).toBe(false);
  });

  it('blackhole: streams on an open session stall and PINGs go unanswered, until the link returns', async () => {
    const session = await h2(edge);
    await ping(session);
    const { stream, answer: watchDone } = get(session, '/api/v1/namespaces?watch=true&resourceVersion=0');
    const events: string[] = [];
    stream.on('data', (d: string) => events.push(...d.split('\n').filter((l) => l !== '')));
    await eventually(() => events.length >= 4, 3000, 'initial events');
    const initial = events.length;

    await edge.setFaults({ offline: 'blackhole' });
    const held = get(session, '/version').answer;
    const pinged = ping(session);
    expect(await within(held, 400)).toBe('silent');
    expect(await within(pinged, 50)).toBe('silent');
    const ns = edge.catalog.lookup('', 'v1', 'namespaces');
    if (!ns) throw new Error('namespaces not served');
    edge.registry.create(
      ns,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dark' } },
      { fieldManager: 'test' },
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toHaveLength(initial);

    await edge.setFaults({ offline: null });
    expect((await held).headers[':status']).toBe(200);
    expect(await pinged).toBeGreaterThanOrEqual(0);
    await eventually(() => events.some((e) => e.includes('"dark"')), 3000, 'held event delivered');
    stream.close();
    await watchDone.catch(() => undefined);
  });

  it('down: the open session is killed, its streams cancelled, and new connections are refused', async () => {
    const session = await h2(edge);
    const closed = new Promise<void>((r) => session.once('close', () => r()));
    const { stream } = get(session, '/api/v1/namespaces?watch=true');
    await new Promise((r) => stream.once('response', r));
    await edge.setFaults({ offline: 'down' });
    await closed;
    expect(session.destroyed).toBe(true);
    // The watch did not end with END_STREAM: the client sees it cancelled, not completed.
    expect(stream.rstCode).toBe(constants.NGHTTP2_CANCEL);
    const refused = connect(edge.server, { ca: edge.credentials.caCertPem });
    sessions.push(refused);
    await expect(
      new Promise((resolve, reject) => {
        refused.once('connect', resolve);
        refused.once('error', reject);
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('flaky: the request stream is reset and the session carries on', async () => {
    const session = await h2(edge);
    await edge.setFaults({ flaky: 1 });
    await expect(get(session, '/version').answer).rejects.toMatchObject({ code: 'ERR_HTTP2_STREAM_ERROR' });
    await edge.setFaults({ flaky: 0 });
    expect((await get(session, '/version').answer).headers[':status']).toBe(200);
    expect(session.closed).toBe(false);
  });
});
