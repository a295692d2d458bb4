import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:https';
import type { SimCluster } from '../../sim/cluster.js';
import { clusterRequest, smallScenario, startTestFleet, type TestFleet } from '../helpers/sim.js';

// Kubernetes API conventions over raw HTTPS, where a client library would hide the details.
let t: TestFleet;
let dc: SimCluster;
type Obj = Record<string, unknown> & { metadata: Record<string, unknown> };

beforeAll(async () => {
  t = await startTestFleet(smallScenario(), 0.02);
  dc = t.fleet.cluster('dc-1');
});
afterAll(async () => t?.dispose());

async function getJson(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Obj; contentType: string }> {
  const r = await clusterRequest(dc, 'GET', path, { headers });
  return {
    status: r.status,
    body: JSON.parse(r.body) as Obj,
    contentType: String(r.headers['content-type']),
  };
}

async function send(method: string, path: string, body: unknown, contentType = 'application/json') {
  const r = await clusterRequest(dc, method, path, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': contentType },
  });
  return { status: r.status, body: JSON.parse(r.body) as Obj };
}

/** Reads a watch stream for ms milliseconds; returns the parsed events. */
function watchFor(path: string, ms: number): Promise<{ type: string; object: Obj }[]> {
  return new Promise((resolve, reject) => {
    const events: { type: string; object: Obj }[] = [];
    let buf = '';
    const req = request(
      new URL(path, dc.server),
      {
        headers: { Authorization: `Bearer ${dc.credentials.token}` },
        ca: dc.credentials.caCertPem,
        agent: false,
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            events.push(JSON.parse(buf.slice(0, i)) as { type: string; object: Obj });
            buf = buf.slice(i + 1);
          }
        });
        res.on('end', () => resolve(events));
      },
    );
    req.on('error', (e) => (events.length ? resolve(events) : reject(e)));
    req.end();
    setTimeout(() => {
      req.destroy();
      resolve(events);
    }, ms);
  });
}

describe('authentication', () => {
  it('answers a missing or wrong token with 401 and a Status body', async () => {
    for (const token of [null, 'wrong-token']) {
      const r = await clusterRequest(dc, 'GET', '/api/v1/pods', { token });
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body)).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
  });

  it("rejects another cluster's token", async () => {
    const r = await clusterRequest(dc, 'GET', '/api/v1/pods', {
      token: t.fleet.cluster('edge-1').credentials.token,
    });
    expect(r.status).toBe(401);
  });
});

describe('discovery', () => {
  it('serves /version with the scenario Kubernetes version', async () => {
    const { body } = await getJson('/version');
    expect(body).toMatchObject({ major: '1', minor: '31', gitVersion: 'v1.31.4', platform: 'linux/amd64' });
  });

  it('advertises only served groups, with preferred versions', async () => {
    const { body } = await getJson('/apis');
    expect(body['kind']).toBe('APIGroupList');
    const groups = (body['groups'] as { name: string; preferredVersion: { groupVersion: string } }[]).map(
      (g) => g.name,
    );
    expect(groups).toEqual(['apiextensions.k8s.io', 'apps', 'coordination.k8s.io']);
  });

  it('lists resources with verbs, short names and subresources like kube-apiserver', async () => {
    const { body } = await getJson('/apis/apps/v1');
    const res = body['resources'] as {
      name: string;
      kind: string;
      verbs: string[];
      shortNames?: string[];
      singularName: string;
      storageVersionHash?: string;
      group?: string;
    }[];
    const deploy = res.find((r) => r.name === 'deployments');
    expect(deploy).toMatchObject({
      kind: 'Deployment',
      singularName: 'deployment',
      shortNames: ['deploy'],
      namespaced: true,
    });
    expect(deploy?.storageVersionHash).toBe('8aSe+NMegvE=');
    expect(deploy?.verbs).toEqual([
      'create',
      'delete',
      'deletecollection',
      'get',
      'list',
      'patch',
      'update',
      'watch',
    ]);
    expect(res.find((r) => r.name === 'deployments/scale')).toMatchObject({
      kind: 'Scale',
      group: 'autoscaling',
      version: 'v1',
      singularName: '',
    });
  });

  it('serves aggregated discovery when asked for it', async () => {
    const { body, contentType } = await getJson('/apis', {
      Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    expect(contentType).toContain('as=APIGroupDiscoveryList');
    expect(body['kind']).toBe('APIGroupDiscoveryList');
    const apps = (
      body['items'] as {
        metadata: { name: string };
        versions: { version: string; resources: { resource: string; scope: string }[] }[];
      }[]
    ).find((i) => i.metadata.name === 'apps');
    expect(apps?.versions[0]?.resources.find((r) => r.resource === 'deployments')?.scope).toBe('Namespaced');
  });

  it('serves OpenAPI v2 and v3 documents for the served kinds', async () => {
    const v2 = await getJson('/openapi/v2');
    expect(v2.body['swagger']).toBe('2.0');
    const v3 = await getJson('/openapi/v3');
    const paths = v3.body['paths'] as Record<string, { serverRelativeURL: string }>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1']));
    const apps = await getJson(paths['apis/apps/v1']?.serverRelativeURL ?? '');
    expect(apps.status).toBe(200);
    expect(JSON.stringify(apps.body)).toContain('io.k8s.api.apps.v1.Deployment');
  });

  it('answers health endpoints', async () => {
    for (const p of ['/readyz', '/livez', '/healthz'])
      expect((await clusterRequest(dc, 'GET', p)).body).toBe('ok');
  });
});

describe('objects and errors', () => {
  it('stamps uid, creationTimestamp, resourceVersion and generation on create', async () => {
    const { status, body } = await send('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { generateName: 'gen-' },
      spec: {
        selector: { matchLabels: { app: 'g' } },
        template: {
          metadata: { labels: { app: 'g' } },
          spec: { containers: [{ name: 'c', image: 'registry.example/web:1.0' }] },
        },
      },
    });
    expect(status).toBe(201);
    expect(body.metadata['name']).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(body.metadata['uid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.metadata['creationTimestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(body.metadata['generation']).toBe(1);
    expect(body['spec']).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      strategy: { type: 'RollingUpdate' },
    });
  });

  it('returns NotFound, AlreadyExists and Invalid Status objects with reason, code and details', async () => {
    const nf = await getJson('/api/v1/namespaces/default/configmaps/missing');
    expect(nf.status).toBe(404);
    expect(nf.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'configmaps "missing" not found',
      details: { name: 'missing', kind: 'configmaps' },
    });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup' } };
    expect((await send('POST', '/api/v1/namespaces/default/configmaps', cm)).status).toBe(201);
    const dup = await send('POST', '/api/v1/namespaces/default/configmaps', cm);
    expect(dup.body).toMatchObject({ reason: 'AlreadyExists', code: 409 });
    const bad = await send('POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'Bad_Name' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({
      reason: 'Invalid',
      details: { kind: 'ConfigMap', causes: [expect.objectContaining({ field: 'metadata.name' })] },
    });
    const noNs = await send('POST', '/api/v1/namespaces/nowhere/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
    });
    expect(noNs.body).toMatchObject({ reason: 'NotFound', message: 'namespaces "nowhere" not found' });
  });

  it('lists with kind and apiVersion on the list, and none on built-in items', async () => {
    const { body } = await getJson('/api/v1/nodes');
    expect(body).toMatchObject({ kind: 'NodeList', apiVersion: 'v1' });
    expect(body.metadata['resourceVersion']).toMatch(/^\d+$/);
    const item = (body['items'] as Obj[])[0];
    expect(item?.['kind']).toBeUndefined();
    expect(item?.metadata['name']).toBeTruthy();
  });

  it('does not store dryRun writes', async () => {
    const r = await send('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'dry' },
    });
    expect(r.status).toBe(201);
    expect((await getJson('/api/v1/namespaces/default/configmaps/dry')).status).toBe(404);
  });

  it('deletes a collection by label selector and returns what it deleted', async () => {
    for (const n of ['dc-a', 'dc-b', 'dc-keep'])
      await send('POST', '/api/v1/namespaces/default/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: n, labels: { batch: n === 'dc-keep' ? 'keep' : 'drop' } },
      });
    const r = await clusterRequest(
      dc,
      'DELETE',
      '/api/v1/namespaces/default/configmaps?labelSelector=batch%3Ddrop',
    );
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as { kind: string; items: Obj[] };
    expect(body.kind).toBe('ConfigMapList');
    expect(body.items.map((i) => i.metadata['name']).sort()).toEqual(['dc-a', 'dc-b']);
    const left = await getJson('/api/v1/namespaces/default/configmaps?labelSelector=batch');
    expect((left.body['items'] as Obj[]).map((i) => i.metadata['name'])).toEqual(['dc-keep']);
  });

  it('rejects unsupported patch content types with 415', async () => {
    const r = await send('PATCH', '/api/v1/namespaces/default/configmaps/dup', '{}', 'application/xml');
    expect(r.status).toBe(415);
    expect(r.body['reason']).toBe('UnsupportedMediaType');
  });

  it('refuses a stale continue token with 410 after compaction', async () => {
    for (let i = 0; i < 3; i++)
      await send('POST', '/api/v1/namespaces/default/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cont-${i}` },
      });
    const first = await getJson('/api/v1/namespaces/default/configmaps?limit=1');
    const token = String(first.body.metadata['continue']);
    expect(first.body.metadata['remainingItemCount']).toBeGreaterThan(0);
    await send('POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cont-late' },
    });
    await dc.setFaults({ compact: true });
    const second = await getJson(
      `/api/v1/namespaces/default/configmaps?limit=1&continue=${encodeURIComponent(token)}`,
    );
    expect(second.status).toBe(410);
    expect(second.body['reason']).toBe('Expired');
  });

  it('answers a too-large resourceVersion with 504 Timeout', async () => {
    const r = await getJson('/api/v1/nodes?watch=true&resourceVersion=999999999');
    expect(r.status).toBe(504);
    expect(r.body).toMatchObject({
      reason: 'Timeout',
      details: { causes: [{ reason: 'ResourceVersionTooLarge' }] },
    });
  });
});

describe('watch', () => {
  it('sends initial events, then the initial-events-end bookmark with sendInitialEvents', async () => {
    const events = await watchFor(
      '/api/v1/nodes?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=&allowWatchBookmarks=true',
      500,
    );
    expect(events.slice(0, 3).map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'ADDED']);
    const bm = events[3];
    expect(bm?.type).toBe('BOOKMARK');
    expect(bm?.object.metadata['annotations']).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(events[0]?.object['kind']).toBe('Node');
  });

  it('ends the stream at timeoutSeconds', async () => {
    const start = Date.now();
    const events = await watchFor('/api/v1/namespaces?watch=true&timeoutSeconds=1', 5000);
    expect(Date.now() - start).toBeLessThan(4000);
    expect(events.length).toBeGreaterThan(0);
  });

  it('turns a label change out of the selector into DELETED', async () => {
    await send('POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'sel', labels: { watch: 'yes' } },
    });
    const list = await getJson('/api/v1/namespaces/default/configmaps?labelSelector=watch%3Dyes');
    const rv = String(list.body.metadata['resourceVersion']);
    const stream = watchFor(
      `/api/v1/namespaces/default/configmaps?watch=true&labelSelector=watch%3Dyes&resourceVersion=${rv}`,
      800,
    );
    await new Promise((r) => setTimeout(r, 200));
    await send(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/sel',
      { metadata: { labels: { watch: 'no' } } },
      'application/merge-patch+json',
    );
    const events = await stream;
    expect(events.map((e) => `${e.type} ${String(e.object.metadata['name'])}`)).toEqual(['DELETED sel']);
  });
});

describe('request bodies', () => {
  it('answers a body over 3 MiB with 413 RequestEntityTooLarge and keeps serving', async () => {
    const big = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'too-big' },
      data: { blob: 'x'.repeat(3 * 1024 * 1024 + 10) },
    });
    const r = await send('POST', '/api/v1/namespaces/default/configmaps', big);
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
    const missing = await getJson('/api/v1/namespaces/default/configmaps/too-big');
    expect(missing.status).toBe(404);
    const ok = await send('POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'small-enough' },
      data: { blob: 'x'.repeat(1024 * 1024) },
    });
    expect(ok.status).toBe(201);
  });
});
