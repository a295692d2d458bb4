import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { SimCluster } from '../../sim/cluster.js';
import {
  ClusterConnection,
  type ClusterConnectionOptions,
  type ClusterStateChange,
} from '../../gateway/clusters/cluster-connection.js';
import { ClusterRequestError } from '../../gateway/clusters/cluster-errors.js';
import { credentialsFromKubeconfig, type ConnectionCredentials } from '../../gateway/clusters/credentials.js';
import { createKubeClient, type KubeClient } from '../../gateway/clusters/kube-client.js';
import { RequestLimit } from '../../gateway/clusters/request-limit.js';
import { eventually, smallScenario, startTestFleet, type TestFleet } from '../helpers/sim.js';

// Connections to simulated clusters over real HTTPS, with short detection times.
const OFFLINE_AFTER_MS = 1200;
const FAST: ClusterConnectionOptions = {
  offlineAfterMs: OFFLINE_AFTER_MS,
  probeIntervalMs: 200,
  // Generous enough that a loaded CI machine (two test files at once) does not time out a healthy probe.
  probeTimeoutMs: 900,
  reconnectBackoff: { initialMs: 100, maxMs: 400 },
  client: { requestTimeoutMs: 1000 },
  cache: { backoff: { initialMs: 50, maxMs: 400 } },
  // Several watches per cluster, as a connection has once queries started the lazy kinds.
  eagerKinds: ['Node', 'Namespace', 'Service', 'Event'],
};

let t: TestFleet;
let dc: SimCluster;
let edge: SimCluster;
const opened: { stop(): unknown }[] = [];

beforeAll(async () => {
  t = await startTestFleet(smallScenario(), 0.02);
  dc = t.fleet.cluster('dc-1');
  edge = t.fleet.cluster('edge-1');
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.stop()));
  await Promise.all([dc.setFaults({ reset: true }), edge.setFaults({ reset: true })]);
});
afterAll(async () => t?.dispose());

function creds(cluster: string): ConnectionCredentials {
  return credentialsFromKubeconfig(t.fleet.kubeconfig, cluster);
}

function connect(name: string, credentials = creds(name), options = FAST): ClusterConnection {
  const conn = new ClusterConnection(name, credentials, options);
  opened.push(conn);
  conn.start();
  return conn;
}

function client(name: string, maxConcurrentRequests: number): KubeClient {
  const c = createKubeClient(name, creds(name), { maxConcurrentRequests, requestTimeoutMs: 5000 });
  opened.push({ stop: () => c.close() });
  return c;
}

/** Writes a ConfigMap straight into the simulated datastore (a kind no cache watches). */
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

function record(conn: ClusterConnection): ClusterStateChange[] {
  const changes: ClusterStateChange[] = [];
  conn.onStateChange((c) => changes.push(c));
  return changes;
}

/** A kubeconfig as k3s writes it: cluster, user and context all named `default`. */
function k3sStyleKubeconfig(server: string, caPem: string, user: Record<string, unknown>): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'default',
        cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
      },
    ],
    users: [{ name: 'default', user }],
    contexts: [{ name: 'default', context: { cluster: 'default', user: 'default' } }],
    'current-context': 'default',
  });
}

/** An exec plugin (node -e) that prints an ExecCredential with the given token. */
function execPrinting(token: string): Record<string, unknown> {
  const credential = {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    status: { token, expirationTimestamp: new Date(Date.now() + 3600_000).toISOString() },
  };
  return {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: process.execPath,
      args: ['-e', `process.stdout.write(${JSON.stringify(JSON.stringify(credential))})`],
      interactiveMode: 'Never',
    },
  };
}

describe('cluster connection', () => {
  it('goes CONNECTING → SYNCING → READY with synced node, namespace, service and event caches', async () => {
    const conn = connect('dc-1');
    const changes = record(conn);
    await eventually(() => conn.state === 'READY', 5000, 'dc-1 READY');
    expect(changes.map((c) => c.to)).toEqual(['SYNCING', 'READY']);
    // READY means every initial list is in; each watch resumes from its list's
    // resourceVersion, so its stream may open a moment later without losing anything.
    await eventually(
      () => conn.cachedKinds().every((k) => conn.cache(k).status().watching),
      5000,
      'watches open',
    );
    for (const kind of conn.cachedKinds()) {
      const s = conn.cache(kind).status();
      expect({ kind, synced: s.synced, watching: s.watching }).toEqual({
        kind,
        synced: true,
        watching: true,
      });
    }
    expect(conn.cachedKinds().sort()).toEqual(['Event', 'Namespace', 'Node', 'Service']);
    expect(conn.cache('Pod').status().running).toBe(false);
    expect(
      conn
        .cache('Node')
        .list()
        .map((n) => n.name)
        .sort(),
    ).toEqual(['dc-1-cp-1', 'dc-1-worker-1', 'dc-1-worker-2']);
    expect(conn.cache('Namespace').get('', 'kube-system')?.phase).toBe('Active');
    expect(conn.cache('Service').get('default', 'kubernetes')?.clusterIP).toBe('10.96.0.1');
    expect(conn.freshness(['Node'])).toMatchObject({ cluster: 'dc-1', state: 'READY', stale: false });
  });

  it('detects the Kubernetes version and distribution (k3s from +k3s, kubeadm from node annotations)', async () => {
    const e = connect('edge-1');
    const d = connect('dc-1');
    await eventually(() => e.state === 'READY' && d.state === 'READY', 5000, 'both READY');
    expect(e.version?.gitVersion).toBe('v1.31.4+k3s1');
    expect(e.distro).toBe('k3s');
    expect(d.version?.gitVersion).toBe('v1.31.4');
    expect(d.distro).toBe('kubeadm');
    expect(d.lastSeen?.getTime()).toBeGreaterThan(Date.now() - 2000);
  });

  it('shows a node condition change in the node cache', async () => {
    const conn = connect('edge-1');
    await eventually(() => conn.state === 'READY', 5000, 'READY');
    edge.controllers.setNodeCondition(
      'edge-1-cp-1',
      'Ready',
      'False',
      'KubeletNotReady',
      'PLEG is not healthy',
    );
    const node = await eventually(
      () => {
        const n = conn.cache('Node').get('', 'edge-1-cp-1');
        return n?.readiness === 'NOT_READY' ? n : undefined;
      },
      3000,
      'node NOT_READY',
    );
    expect(node.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'KubeletNotReady',
      message: 'PLEG is not healthy',
    });
    edge.controllers.setNodeCondition('edge-1-cp-1', 'Ready', 'True');
    await eventually(
      () => conn.cache('Node').get('', 'edge-1-cp-1')?.readiness === 'READY',
      3000,
      'READY again',
    );
  });

  it('goes OFFLINE after the detection time when the cluster is down, keeps its data stale, and comes back READY', async () => {
    const conn = connect('edge-1');
    const changes = record(conn);
    await eventually(() => conn.state === 'READY', 5000, 'READY');
    const downAt = Date.now();
    await edge.setFaults({ offline: 'down' });
    await eventually(() => conn.state === 'OFFLINE', 4000, 'OFFLINE');
    const offline = changes.find((c) => c.to === 'OFFLINE');
    const lastSeen = conn.lastSeen?.getTime() ?? 0;
    expect(offline?.at.getTime()).toBeGreaterThanOrEqual(lastSeen + OFFLINE_AFTER_MS - 20);
    expect(offline?.at.getTime()).toBeLessThanOrEqual(downAt + OFFLINE_AFTER_MS + 800);

    const nodes = conn.cache('Node').list();
    expect(nodes.map((n) => n.name)).toEqual(['edge-1-cp-1']);
    const f = conn.freshness(['Node']);
    expect(f).toMatchObject({ state: 'OFFLINE', stale: true, error: { code: 'CLUSTER_UNREACHABLE' } });
    expect(f.observedAt?.getTime()).toBeLessThanOrEqual(downAt + 50);
    expect(conn.lastError).toMatchObject({ code: 'CLUSTER_UNREACHABLE', kind: 'unreachable' });
    expect(conn.lastError?.message).toContain('ECONNREFUSED');
    expect(conn.lastError?.message).not.toContain(edge.credentials.token);

    await edge.setFaults({ offline: null });
    await eventually(() => conn.state === 'READY', 4000, 'READY again');
    expect(conn.freshness(['Node'])).toMatchObject({ state: 'READY', stale: false });
    expect(conn.cache('Node').status().watching).toBe(true);
  });

  it('goes OFFLINE within the detection time when the cluster blackholes (requests time out), then recovers', async () => {
    const conn = connect('edge-1');
    const changes = record(conn);
    await eventually(() => conn.state === 'READY', 5000, 'READY');
    const holeAt = Date.now();
    await edge.setFaults({ offline: 'blackhole' });
    await eventually(() => conn.state === 'OFFLINE', 4000, 'OFFLINE');
    const offlineAt = changes.find((c) => c.to === 'OFFLINE')?.at.getTime() ?? Infinity;
    expect(offlineAt - holeAt).toBeLessThanOrEqual(OFFLINE_AFTER_MS + 800);
    expect(conn.lastError).toMatchObject({ kind: 'timeout', code: 'CLUSTER_UNREACHABLE' });
    expect(conn.cache('Node').list()).toHaveLength(1);

    await edge.setFaults({ offline: null });
    await eventually(() => conn.state === 'READY', 4000, 'READY again');
    // The caches resumed: a change made now arrives through a live watch.
    edge.controllers.setCordoned('edge-1-cp-1', true);
    await eventually(
      () => conn.cache('Node').get('', 'edge-1-cp-1')?.unschedulable === true,
      3000,
      'cordon seen',
    );
    edge.controllers.setCordoned('edge-1-cp-1', false);
  });

  it('probes a READY cluster with HTTP/2 PINGs, sending no requests, and stays READY on them', async () => {
    const conn = connect('dc-1');
    await eventually(() => conn.state === 'READY', 5000, 'READY');
    // One more probe round, then count what the cluster is asked for 10 probe intervals.
    await new Promise((r) => setTimeout(r, 400));
    dc.clearRequests();
    const before = conn.client.stats().lastContactAt ?? 0;
    await new Promise((r) => setTimeout(r, 2000));
    expect(dc.requests().filter((r) => r.path.startsWith('/version'))).toEqual([]);
    expect(conn.state).toBe('READY');
    // The PING answers count as contact.
    expect(conn.client.stats().lastContactAt ?? 0).toBeGreaterThan(before + 1000);
    expect(conn.version?.gitVersion).toBe('v1.31.4');
  });

  it('keeps two clusters apart whose kubeconfigs name cluster, user and context identically', async () => {
    // k3s-style kubeconfigs: everything is called `default`; one pair uses exec plugins, whose
    // tokens client-node caches by user name.
    const viaExec = (c: SimCluster) =>
      credentialsFromKubeconfig(
        k3sStyleKubeconfig(c.server, c.credentials.caCertPem, execPrinting(c.credentials.token)),
      );
    const viaToken = (c: SimCluster) =>
      credentialsFromKubeconfig(
        k3sStyleKubeconfig(c.server, c.credentials.caCertPem, { token: c.credentials.token }),
      );
    dc.clearRequests();
    edge.clearRequests();
    const conns = [
      connect('dc-1', viaExec(dc)),
      connect('edge-1', viaExec(edge)),
      connect('dc-1-token', viaToken(dc)),
      connect('edge-1-token', viaToken(edge)),
    ];
    await eventually(() => conns.every((c) => c.state === 'READY'), 8000, 'all READY');
    for (const c of [dc, edge]) {
      const statuses = new Set(c.requests().map((r) => r.status));
      expect(statuses.has(401)).toBe(false);
    }
  });

  it('stops cleanly: REMOVED, no watch or request left open, nothing sent afterwards', async () => {
    dc.clearRequests();
    const conn = connect('dc-1');
    await eventually(() => conn.state === 'READY', 5000, 'READY');
    expect(conn.client.stats().watches).toBe(4);
    // The simulator shares this process's event loop: a watch the client has opened can reach
    // the server's request log a few ticks later. Wait until all four have, so that any request
    // logged after stop() was really sent after it.
    const watchesSeen = () => dc.requests().filter((r) => r.path.includes('watch=true')).length;
    await eventually(() => watchesSeen() >= 4, 5000, 'four watches seen by the simulator');
    await conn.stop();
    expect(conn.state).toBe('REMOVED');
    expect(conn.client.stats()).toMatchObject({ watches: 0, inFlight: 0, queued: 0 });
    dc.clearRequests();
    await new Promise((r) => setTimeout(r, 500));
    expect(dc.requests()).toEqual([]);
    await expect(conn.client.get('/version')).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('reports a cluster that rejects the credentials as DEGRADED with an Unauthorized error, not OFFLINE', async () => {
    const conn = connect('dc-1-bad', { ...creds('dc-1'), token: 'not-the-token' });
    await eventually(() => conn.state === 'DEGRADED', 4000, 'DEGRADED');
    await new Promise((r) => setTimeout(r, OFFLINE_AFTER_MS + 200));
    expect(conn.state).toBe('DEGRADED');
    expect(conn.lastError).toMatchObject({ code: 'CLUSTER_ERROR', kind: 'http' });
    expect(conn.lastError?.message).toContain('401');
    expect(conn.lastError?.message).not.toContain('not-the-token');
  });
});

describe('kube client', () => {
  it('never has more requests in flight than its limit; the rest queue', async () => {
    const c = client('dc-1', 2);
    await c.version();
    await dc.setFaults({ latencyMs: 250 });
    dc.clearRequests();
    const started = Date.now();
    let maxSeen = 0;
    const sampler = setInterval(() => (maxSeen = Math.max(maxSeen, c.stats().inFlight)), 10);
    await Promise.all(Array.from({ length: 6 }, () => c.get('/api/v1/namespaces/default')));
    clearInterval(sampler);
    const elapsed = Date.now() - started;
    expect(c.stats().maxInFlight).toBe(2);
    expect(maxSeen).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(3 * 250 - 30);
    // The server saw them arrive two at a time: the third only after the first had finished.
    const arrivals = dc
      .requests()
      .filter((r) => r.path === '/api/v1/namespaces/default')
      .map((r) => Date.parse(r.time))
      .sort((a, b) => a - b);
    expect(arrivals).toHaveLength(6);
    for (let i = 2; i < arrivals.length; i++) {
      expect((arrivals[i] ?? 0) - (arrivals[i - 2] ?? 0)).toBeGreaterThanOrEqual(200);
    }
  });

  it('counts queue time against the deadline: a request that waits too long fails without being sent', async () => {
    const c = client('dc-1', 1);
    await c.version();
    await dc.setFaults({ latencyMs: 600 });
    dc.clearRequests();
    const first = c.get('/api/v1/namespaces/default');
    const second = c.get('/api/v1/namespaces/kube-system', {}, { timeoutMs: 200 });
    await expect(second).rejects.toMatchObject({ kind: 'timeout' });
    await expect(first).resolves.toMatchObject({ metadata: { name: 'default' } });
    expect(dc.requests().map((r) => r.path)).toEqual(['/api/v1/namespaces/default']);
  });

  it('ends a watch that stays silent past the idle timeout, without an error, so its owner resumes it', async () => {
    const c = createKubeClient('edge-1', creds('edge-1'), { watchIdleTimeoutMs: 300 });
    opened.push({ stop: () => c.close() });
    const { resourceVersion } = await c.list('/api/v1/namespaces');
    let events = 0;
    let open = false;
    const started = Date.now();
    // No bookmarks asked for and no namespace changes: the stream carries nothing.
    await c.watch(
      '/api/v1/namespaces',
      { resourceVersion },
      () => (events += 1),
      new AbortController().signal,
      () => (open = true),
    );
    const elapsed = Date.now() - started;
    expect({ open, events }).toEqual({ open: true, events: 0 });
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(1500);
    expect(c.stats().watches).toBe(0);
  });

  it('multiplexes the probe, the lists and every watch of a cluster over one HTTP/2 connection', async () => {
    await eventually(() => dc.openConnections === 0, 3000, 'earlier connections closed');
    dc.clearRequests();
    const conn = connect('dc-1');
    await eventually(() => conn.state === 'READY', 5000, 'READY');
    expect(conn.client.stats().watches).toBe(4);
    conn.ensure('Pod');
    await eventually(() => conn.cache('Pod').status().watching, 3000, 'pod watch open');
    expect(dc.openConnections).toBe(1);
    const versions = new Set(dc.requests().map((r) => r.httpVersion));
    expect([...versions]).toEqual(['2.0']);
  });

  it('falls back to HTTP/1.1 when the server does not offer HTTP/2, and when told not to use it', async () => {
    const seen: string[] = [];
    const http1Only = createHttpsServer(
      { cert: edge.credentials.serverCertPem, key: edge.credentials.serverKeyPem },
      (req, res) => {
        seen.push(`${req.httpVersion} ${req.url ?? ''}`);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ gitVersion: 'v1.31.4', major: '1', minor: '31' }));
      },
    );
    await new Promise<void>((r) => http1Only.listen(0, '127.0.0.1', () => r()));
    opened.push({ stop: () => new Promise((r) => http1Only.close(r)) });
    const port = (http1Only.address() as AddressInfo).port;
    const c = createKubeClient('h1', { ...creds('edge-1'), server: `https://127.0.0.1:${port}` });
    opened.push({ stop: () => c.close() });
    await expect(c.version()).resolves.toMatchObject({ gitVersion: 'v1.31.4' });
    await expect(c.version()).resolves.toMatchObject({ gitVersion: 'v1.31.4' });
    expect(seen).toEqual(['1.1 /version', '1.1 /version']);

    edge.clearRequests();
    const off = createKubeClient('edge-1', creds('edge-1'), { http2: false });
    opened.push({ stop: () => off.close() });
    await off.version();
    expect(edge.requests().map((r) => r.httpVersion)).toEqual(['1.1']);
  });

  it('fails the streams of a blackholed HTTP/2 connection once a PING goes unanswered, then reconnects', async () => {
    const c = createKubeClient('edge-1', creds('edge-1'), {
      http2Connection: { readIdleTimeoutMs: 200, pingTimeoutMs: 300 },
    });
    opened.push({ stop: () => c.close() });
    const { resourceVersion } = await c.list('/api/v1/namespaces');
    const watching = c.watch(
      '/api/v1/namespaces',
      { resourceVersion },
      () => undefined,
      new AbortController().signal,
    );
    await new Promise((r) => setTimeout(r, 100));
    await edge.setFaults({ offline: 'blackhole' });
    const started = Date.now();
    await expect(watching).rejects.toMatchObject({ kind: 'unreachable', errno: 'ETIMEDOUT' });
    // The watch's own idle timeout (3 minutes) did not have to pass.
    expect(Date.now() - started).toBeLessThan(1500);
    await edge.setFaults({ offline: null });
    await expect(c.version()).resolves.toMatchObject({ gitVersion: edge.spec.kubernetesVersion });
  });

  it('fails a watch as unreachable when its HTTP/2 connection dies mid-stream, not as a normal end', async () => {
    const c = client('edge-1', 4);
    const { resourceVersion } = await c.list('/api/v1/namespaces');
    let opened = false;
    const watching = c.watch(
      '/api/v1/namespaces',
      { resourceVersion },
      () => undefined,
      new AbortController().signal,
      () => (opened = true),
    );
    await eventually(() => opened, 2000, 'watch open');
    await edge.setFaults({ offline: 'down' });
    await expect(watching).rejects.toMatchObject({ kind: 'unreachable' });
    await edge.setFaults({ offline: null });
    await expect(c.version()).resolves.toMatchObject({ gitVersion: edge.spec.kubernetesVersion });
  });

  it('does not let a blackholed cluster’s pending handshake hold up the handshakes of reachable ones', async () => {
    const handshakes = new RequestLimit(1);
    const dark = createKubeClient('edge-1', creds('edge-1'), { http2Connection: { handshakes } });
    const lit = createKubeClient('dc-1', creds('dc-1'), { http2Connection: { handshakes } });
    opened.push({ stop: () => dark.close() }, { stop: () => lit.close() });
    await edge.setFaults({ offline: 'blackhole' });
    await expect(dark.version({ timeoutMs: 200 })).rejects.toMatchObject({ kind: 'timeout' });
    const started = Date.now();
    await expect(lit.version({ timeoutMs: 4000 })).resolves.toMatchObject({ gitVersion: 'v1.31.4' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a stream the server resets as unreachable, and keeps using the connection', async () => {
    const c = client('edge-1', 4);
    await c.version();
    await edge.setFaults({ flaky: 1 });
    await expect(c.version()).rejects.toMatchObject({ kind: 'unreachable', errno: 'ERR_HTTP2_STREAM_ERROR' });
    await edge.setFaults({ flaky: 0 });
    await expect(c.version()).resolves.toMatchObject({ gitVersion: edge.spec.kubernetesVersion });
    expect(edge.openConnections).toBe(1);
  });

  it('fails with typed errors: http (status, reason), expired (410), unreachable, timeout', async () => {
    const c = client('dc-1', 4);
    const notFound = await c.get('/api/v1/namespaces/default/configmaps/nope').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ClusterRequestError);
    expect(notFound).toMatchObject({ kind: 'http', status: 404, reason: 'NotFound' });

    const page = await c.list('/api/v1/namespaces', { limit: 1 });
    expect(page.continueToken).toBeDefined();
    writeConfigMap(dc, 'moves-the-revision');
    await dc.setFaults({ compact: true });
    await expect(
      c.list('/api/v1/namespaces', { limit: 1, continue: page.continueToken }),
    ).rejects.toMatchObject({
      kind: 'expired',
      status: 410,
      reason: 'Expired',
    });

    const e = client('edge-1', 4);
    await edge.setFaults({ offline: 'down' });
    await expect(e.version()).rejects.toMatchObject({ kind: 'unreachable', errno: 'ECONNREFUSED' });
    await edge.setFaults({ offline: 'blackhole' });
    await expect(e.version({ timeoutMs: 300 })).rejects.toMatchObject({ kind: 'timeout' });
  });
});
