/**
 * The server's edges: API tokens on HTTP and WebSocket, the refusal to listen beyond
 * loopback without one, query limits on both transports, error masking and codes, health
 * and readiness, the offline landing page, and any kind (CRDs included) through discovery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../gateway/vocabulary.js';
import { parseServeConfig } from '../../gateway/serve-command.js';
import { startTestGateway, wsQuery, type TestGateway } from '../helpers/gateway.js';
import { clusterRequest, eventually, smallScenario, startTestFleet, type TestFleet } from '../helpers/sim.js';

const TOKEN = 'test-token-0123456789abcdef';
let fleet: TestFleet;
let gw: TestGateway;

beforeAll(async () => {
  fleet = await startTestFleet(smallScenario(), 0.02);
  gw = await startTestGateway({ kubeconfigPath: fleet.kubeconfigPath, tokens: { ci: TOKEN } });
  await gw.settled();
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await fleet?.dispose();
});

describe('authentication', () => {
  it('answers 401 UNAUTHENTICATED without a token or with a wrong one, and serves a valid one', async () => {
    const none = await gw.gql('{ clusters { totalCount } }');
    expect(none.status).toBe(401);
    expect(none.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const wrong = await gw.gql('{ clusters { totalCount } }', undefined, { token: 'x'.repeat(26) });
    expect(wrong.status).toBe(401);
    expect(wrong.errors?.[0]?.message).toMatch(/not valid/);
    const ok = await gw.gql('{ clusters { totalCount } }', undefined, { token: TOKEN });
    expect(ok.status).toBe(200);
    expect(ok.data).toEqual({ clusters: { totalCount: 2 } });
  });

  it('records the token name as the actor of mutations', async () => {
    await gw.gql(
      'mutation { updateCluster(name: "edge-1", input: { labels: { tier: "edge", owner: "ci" } }) { name } }',
      undefined,
      {
        token: TOKEN,
      },
    );
    const r = await gw.gql<{ auditLog: { nodes: { actor: string; action: string }[] } }>(
      '{ auditLog(first: 1, where: { action: "cluster.update" }) { nodes { actor action } } }',
      undefined,
      { token: TOKEN },
    );
    expect(r.data?.auditLog.nodes).toEqual([{ actor: 'ci', action: 'cluster.update' }]);
  });

  it('accepts a WebSocket with the token in connectionParams and closes one without it (4401)', async () => {
    const ok = gw.ws({ authorization: `Bearer ${TOKEN}` });
    const r = await wsQuery(ok, '{ clusters { totalCount } }');
    expect(r).toEqual({ data: { clusters: { totalCount: 2 } } });
    const denied = gw.ws({});
    const closed = await new Promise<{ code: number; reason: string }>((resolve) => {
      denied.on('closed', (e) => resolve(e as { code: number; reason: string }));
    });
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/API token is required/);
  });

  it('refuses to listen beyond loopback without a token', async () => {
    await expect(startTestGateway({ host: '0.0.0.0' })).rejects.toMatchObject({
      code: ErrorCode.VALIDATION_FAILED,
      message: expect.stringMatching(/requires an API token/),
    });
  });
});

describe('limits and errors', () => {
  it('rejects a too-deep query with LIMIT_EXCEEDED over HTTP and WebSocket alike', async () => {
    // The schema's deepest valid path is short, so a gateway with a depth limit of 5 shows the rule.
    const shallow = await startTestGateway({ limits: { maxDepth: 5, maxAliases: 20, maxCost: 100_000 } });
    try {
      const ok = await shallow.gql('{ pods { edges { node { cluster { name } } } } }');
      expect(ok.errors).toBeUndefined();
      const tooDeep = '{ pods { edges { node { node { cluster { name } } } } } }';
      const http = await shallow.gql(tooDeep);
      expect(http.status).toBe(400);
      expect(http.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
      expect(http.errors?.[0]?.message).toMatch(/depth limit of 5/);
      const ws = await wsQuery(shallow.ws(), tooDeep);
      expect(ws.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
      expect(ws.errors?.[0]?.message).toMatch(/depth limit of 5/);
    } finally {
      await shallow.close();
    }
  });

  it('rejects alias floods and over-costly queries with LIMIT_EXCEEDED', async () => {
    const aliases = `{ ${Array.from({ length: 25 }, (_, i) => `a${i}: clusters { totalCount }`).join(' ')} }`;
    const r = await gw.gql(aliases, undefined, { token: TOKEN });
    expect(r.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(r.errors?.[0]?.message).toMatch(/alias/i);
    const costly = `{ pods(first: 1000) { nodes { name node { name labels conditions { type status reason message } taints { key value effect } cluster { name site labels state architectures } } containers { name image ready restartCount } } } }`;
    const c = await gw.gql(costly, undefined, { token: TOKEN });
    expect(c.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(c.errors?.[0]?.message).toMatch(/cost/i);
  });

  it('answers syntax and validation errors as VALIDATION_FAILED with the original reason', async () => {
    const syntax = await gw.gql('{ clusters { ', undefined, { token: TOKEN });
    expect(syntax.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      reason: 'GRAPHQL_PARSE_FAILED',
    });
    const unknown = await gw.gql('{ clusters { nope } }', undefined, { token: TOKEN });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      reason: 'GRAPHQL_VALIDATION_FAILED',
    });
    const badEnum = await gw.gql(
      '{ nodes(where: { target: { architectures: [SPARC] } }) { totalCount } }',
      undefined,
      {
        token: TOKEN,
      },
    );
    expect(badEnum.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const badDeadline = await gw.gql(
      '{ nodes(consistency: LIVE, deadlineMs: 5) { totalCount } }',
      undefined,
      { token: TOKEN },
    );
    expect(badDeadline.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(badDeadline.errors?.[0]?.message).toMatch(
      /deadlineMs is 5; expected an integer from 100 to 60000/,
    );
  });

  it('codes WebSocket syntax and validation errors like HTTP and keeps the socket open', async () => {
    const client = gw.ws({ authorization: `Bearer ${TOKEN}` });
    const syntax = await wsQuery(client, '{ nodes { ');
    expect(syntax.errors?.[0]?.extensions).toEqual({
      code: 'VALIDATION_FAILED',
      reason: 'GRAPHQL_PARSE_FAILED',
    });
    const invalid = await wsQuery(client, '{ nodes(where: { readiness: SLEEPY }) { totalCount } }');
    expect(invalid.errors?.[0]?.extensions).toEqual({
      code: 'VALIDATION_FAILED',
      reason: 'GRAPHQL_VALIDATION_FAILED',
    });
    expect(await wsQuery(client, '{ clusters { totalCount } }')).toEqual({
      data: { clusters: { totalCount: 2 } },
    });
  });

  it('validates deadlineMs in CACHED mode too, and answers sites with NOT_FOUND for unknown clusters', async () => {
    const cached = await gw.gql('{ nodes(consistency: CACHED, deadlineMs: 5) { totalCount } }', undefined, {
      token: TOKEN,
    });
    expect(cached.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const sites = await gw.gql<{ sites: { name: string }[] }>(
      '{ sites(where: { clusters: ["edge-1", "nope"] }) { name } }',
      undefined,
      {
        token: TOKEN,
      },
    );
    expect(sites.data?.sites).toEqual([{ name: 'b12' }]);
    expect(sites.errors?.map((e) => [e.extensions?.code, e.extensions?.cluster])).toEqual([
      ['NOT_FOUND', 'nope'],
    ]);
  });

  it('answers a body over 1 MB with 413 LIMIT_EXCEEDED', async () => {
    const res = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query: `{ clusters { totalCount } } # ${'x'.repeat(1_100_000)}` }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('LIMIT_EXCEEDED');
  });

  it('answers a malformed JSON body with a coded error instead of crashing', async () => {
    const res = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('VALIDATION_FAILED');
    const after = await gw.gql('{ clusters { totalCount } }', undefined, { token: TOKEN });
    expect(after.status).toBe(200);
  });
});

describe('health, readiness and the landing page', () => {
  it('answers /healthz and /readyz without a token', async () => {
    expect(await (await fetch(`${gw.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, clusters: 2, pending: 0 });
  });

  it('serves GraphiQL and its assets from the gateway itself (no CDN)', async () => {
    const html = await (await fetch(`${gw.url}/`)).text();
    expect(html).toContain('GraphiQL');
    const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(scripts.length).toBe(3);
    for (const src of scripts) {
      expect(src.startsWith('/')).toBe(true);
      const res = await fetch(`${gw.url}${src}`);
      expect(res.status, src).toBe(200);
      expect((await res.text()).length, src).toBeGreaterThan(1000);
    }
  });
});

describe('any kind, CRDs included', () => {
  it('lists a custom resource served by one cluster only, with apiResources saying who serves it', async () => {
    const dc = fleet.fleet.cluster('dc-1');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'sensors.city.example' },
      spec: {
        group: 'city.example',
        names: { plural: 'sensors', singular: 'sensor', kind: 'Sensor' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
    const created = await clusterRequest(
      dc,
      'POST',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      {
        body: JSON.stringify(crd),
        headers: { 'content-type': 'application/json' },
      },
    );
    expect(created.status).toBe(201);
    await eventually(async () => (await clusterRequest(dc, 'GET', '/apis/city.example/v1')).status === 200);
    const cr = {
      apiVersion: 'city.example/v1',
      kind: 'Sensor',
      metadata: { name: 'temp-1', namespace: 'default', labels: { kind: 'temperature' } },
      spec: { unit: 'C' },
    };
    const made = await clusterRequest(dc, 'POST', '/apis/city.example/v1/namespaces/default/sensors', {
      body: JSON.stringify(cr),
      headers: { 'content-type': 'application/json' },
    });
    expect(made.status).toBe(201);

    const api = await gw.gql<{
      apiResources: {
        resources: {
          apiVersion: string;
          kind: string;
          resource: string;
          namespaced: boolean;
          clusters: string[];
        }[];
      };
    }>(
      '{ apiResources(where: { group: "city.example" }) { resources { apiVersion kind resource namespaced clusters } } }',
      undefined,
      { token: TOKEN },
    );
    expect(api.errors).toBeUndefined();
    expect(api.data?.apiResources.resources).toEqual([
      {
        apiVersion: 'city.example/v1',
        kind: 'Sensor',
        resource: 'sensors',
        namespaced: true,
        clusters: ['dc-1'],
      },
    ]);
    const deployments = await gw.gql<{ apiResources: { resources: { clusters: string[] }[] } }>(
      '{ apiResources(where: { group: "apps", kind: "Deployment" }) { resources { clusters } } }',
      undefined,
      { token: TOKEN },
    );
    expect(deployments.data?.apiResources.resources).toEqual([{ clusters: ['dc-1', 'edge-1'] }]);

    const r = await gw.gql<{
      resources: {
        totalCount: number;
        nodes: {
          cluster: { name: string };
          name: string;
          labels: Record<string, string>;
          object: { spec: unknown; metadata: Record<string, unknown> };
        }[];
      };
    }>(
      '{ resources(where: { apiVersion: "city.example/v1", kind: "Sensor", labelSelector: "kind=temperature" }) { totalCount nodes { cluster { name } name labels object } } }',
      undefined,
      { token: TOKEN },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.resources.totalCount).toBe(1);
    const item = r.data?.resources.nodes[0];
    expect(item).toMatchObject({
      cluster: { name: 'dc-1' },
      name: 'temp-1',
      labels: { kind: 'temperature' },
      object: { spec: { unit: 'C' } },
    });
    expect(item?.object.metadata.managedFields).toBeUndefined();
    const bad = await gw.gql(
      '{ resources(where: { apiVersion: "a/b/c", kind: "X" }) { totalCount } }',
      undefined,
      { token: TOKEN },
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });
});

describe('serve configuration', () => {
  it('reads flags first, then environment variables, and rejects bad values clearly', () => {
    const cfg = parseServeConfig(['--port', '0', '--demo'], {
      FLEETGRAPH_HOST: '0.0.0.0',
      FLEETGRAPH_PORT: '9',
    });
    expect(cfg).toMatchObject({ host: '0.0.0.0', port: 0, demo: true });
    expect(parseServeConfig([], { FLEETGRAPH_DEMO: '1' })).toMatchObject({
      demo: true,
      host: '127.0.0.1',
      port: 4000,
    });
    expect(parseServeConfig(['--no-demo'], { FLEETGRAPH_DEMO: '1' })).toMatchObject({ demo: false });
    expect(() => parseServeConfig(['--port', 'x'], {})).toThrow(/port "x" is invalid/);
    expect(() => parseServeConfig([], { FLEETGRAPH_DEMO: 'yes' })).toThrow(
      /FLEETGRAPH_DEMO "yes" is invalid/,
    );
    expect(() => parseServeConfig(['--bogus'], {})).toThrow(/bogus/);
    expect(parseServeConfig([], {})).toMatchObject({ eventRetention: 100_000, subscriberBuffer: 1000 });
    expect(
      parseServeConfig(['--event-retention', '5000'], { FLEETGRAPH_SUBSCRIBER_BUFFER: '50' }),
    ).toMatchObject({ eventRetention: 5000, subscriberBuffer: 50 });
    expect(() => parseServeConfig(['--event-retention', '10'], {})).toThrow(
      /event retention "10" is invalid; expected an integer of at least 1000/,
    );
    expect(
      parseServeConfig(['--insecure-registries', '127.0.0.1:5000, reg.local:5000'], {
        FLEETGRAPH_UNKNOWN_IMAGE_PLATFORMS: 'refuse',
      }),
    ).toMatchObject({
      insecureRegistries: ['127.0.0.1:5000', 'reg.local:5000'],
      unknownImagePlatforms: 'refuse',
    });
    expect(() => parseServeConfig(['--unknown-image-platforms', 'maybe'], {})).toThrow(
      /unknown image platforms policy "maybe" is invalid; expected warn or refuse/,
    );
    expect(() => parseServeConfig([], { FLEETGRAPH_SUBSCRIBER_BUFFER: '1.5' })).toThrow(
      /subscriber buffer "1.5" is invalid/,
    );
    expect(parseServeConfig([], {})).toMatchObject({ clusterMaxRequests: 32 });
    expect(
      parseServeConfig(['--cluster-max-requests', '4'], { FLEETGRAPH_CLUSTER_MAX_REQUESTS: '64' }),
    ).toMatchObject({ clusterMaxRequests: 4 });
    expect(parseServeConfig([], { FLEETGRAPH_CLUSTER_MAX_REQUESTS: '64' })).toMatchObject({
      clusterMaxRequests: 64,
    });
    expect(() => parseServeConfig(['--cluster-max-requests', '0'], {})).toThrow(
      /cluster max requests "0" is invalid; expected an integer of at least 1/,
    );
  });
});
