/**
 * The registry over GraphQL: registering, updating, importing and unregistering clusters,
 * with clear coded errors for bad input and nothing half-written; the audit log; and
 * credentials that appear in no response and no log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually, smallScenario, startTestFleet, type TestFleet } from '../helpers/sim.js';

let fleet: TestFleet;
let gw: TestGateway;

beforeAll(async () => {
  fleet = await startTestFleet(smallScenario(), 0.02);
  gw = await startTestGateway();
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await fleet?.dispose();
});

const CLUSTER_FIELDS = 'name site labels server source authMethod state version';
const REGISTER = `mutation($input: RegisterClusterInput!) { registerCluster(input: $input) { ${CLUSTER_FIELDS} } }`;

function credentialsOf(name: string): { server: string; caData: string; token: string } {
  const c = fleet.fleet.cluster(name);
  return {
    server: c.server,
    caData: Buffer.from(c.credentials.caCertPem).toString('base64'),
    token: c.credentials.token,
  };
}

async function clusterNames(): Promise<string[]> {
  const r = await gw.gql<{ clusters: { nodes: { name: string }[] } }>('{ clusters { nodes { name } } }');
  return r.data?.clusters.nodes.map((c) => c.name) ?? [];
}

describe('registry mutations', () => {
  it('registers a cluster from credentials, connects to it, and never returns the credentials', async () => {
    const r = await gw.gql<{ registerCluster: Record<string, unknown> }>(REGISTER, {
      input: {
        name: 'dc-1',
        site: 'dc-north',
        labels: { tier: 'datacenter' },
        credentials: credentialsOf('dc-1'),
      },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?.registerCluster).toMatchObject({
      name: 'dc-1',
      site: 'dc-north',
      labels: { tier: 'datacenter' },
      source: 'REGISTERED',
      authMethod: 'TOKEN',
      version: 1,
    });
    await eventually(async () => {
      const x = await gw.gql<{ cluster: { state: string; nodeCount: number } }>(
        '{ cluster(name: "dc-1") { state nodeCount } }',
      );
      return x.data?.cluster.state === 'READY' && x.data.cluster.nodeCount === 3;
    });
  });

  it('refuses bad input with a coded, explanatory error and writes nothing', async () => {
    const before = await clusterNames();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ name: 'Bad_Name', site: 'x', credentials: credentialsOf('edge-1') }, 'VALIDATION_FAILED', /name/],
      [
        { name: 'edge-1', site: 'not a site!', credentials: credentialsOf('edge-1') },
        'VALIDATION_FAILED',
        /site/,
      ],
      [
        { name: 'edge-1', site: 'b12', labels: { 'bad key!': 'x' }, credentials: credentialsOf('edge-1') },
        'VALIDATION_FAILED',
        /label/,
      ],
      [{ name: 'edge-1', site: 'b12' }, 'VALIDATION_FAILED', /exactly one of credentials or kubeconfig/],
      [{ name: 'dc-1', site: 'dc-north', credentials: credentialsOf('dc-1') }, 'CONFLICT', /dc-1/],
      [
        { name: 'edge-1', site: 'b12', kubeconfig: { kubeconfig: 'clusters: [', context: 'edge-1' } },
        'KUBECONFIG_INVALID',
        /./,
      ],
      [
        { name: 'edge-1', site: 'b12', kubeconfig: { kubeconfig: fleet.fleet.kubeconfig, context: 'nope' } },
        'KUBECONFIG_INVALID',
        /nope/,
      ],
    ];
    for (const [input, code, message] of cases) {
      const r = await gw.gql(REGISTER, { input });
      const what = `${String(input.name)} expecting ${code}`;
      expect(r.data, what).toBeNull();
      expect(r.errors?.[0]?.extensions?.code, what).toBe(code);
      expect(r.errors?.[0]?.message).toMatch(message);
    }
    const wrongType = await gw.gql(REGISTER, { input: { name: 'edge-1', site: 'b12', labels: { a: 1 } } });
    expect(wrongType.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(await clusterNames()).toEqual(before);
  });

  it('imports every context of a kubeconfig all or nothing, reading site and labels from its fleetgraph extension', async () => {
    // A kubeconfig with a context whose name is taken (dc-1) fails as a whole.
    const clash = await gw.gql(
      'mutation($k: String!) { importKubeconfig(input: { kubeconfig: $k }) { clusters { name } } }',
      {
        k: fleet.fleet.kubeconfig,
      },
    );
    expect(clash.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await clusterNames()).toEqual(['dc-1']);
    const r = await gw.gql<{
      importKubeconfig: { clusters: { name: string; site: string; labels: Record<string, string> }[] };
    }>(
      'mutation($k: String!) { importKubeconfig(input: { kubeconfig: $k, contexts: ["edge-1"] }) { clusters { name site labels } } }',
      { k: fleet.fleet.kubeconfig },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.importKubeconfig.clusters).toEqual([
      { name: 'edge-1', site: 'b12', labels: { tier: 'edge' } },
    ]);
    expect(await clusterNames()).toEqual(['dc-1', 'edge-1']);
  });

  it('updates labels with optimistic concurrency and re-indexes the cluster for selectors', async () => {
    const stale = await gw.gql(
      'mutation { updateCluster(name: "edge-1", input: { labels: { tier: "edge", ring: "canary" }, expectedVersion: 7 }) { version } }',
    );
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const ok = await gw.gql<{ updateCluster: { version: number; labels: Record<string, string> } }>(
      'mutation { updateCluster(name: "edge-1", input: { labels: { tier: "edge", ring: "canary" }, expectedVersion: 1 }) { version labels } }',
    );
    expect(ok.data?.updateCluster).toEqual({ version: 2, labels: { tier: 'edge', ring: 'canary' } });
    const sel = await gw.gql<{ nodes: { nodes: { cluster: { name: string } }[] } }>(
      '{ nodes(where: { target: { clusterLabelSelector: "ring=canary" } }) { nodes { cluster { name } } } }',
    );
    expect(sel.data?.nodes.nodes.map((n) => n.cluster.name)).toEqual(['edge-1']);
  });

  it('unregisters a cluster and stops serving it; a second unregister is NOT_FOUND', async () => {
    const r = await gw.gql('mutation { unregisterCluster(name: "edge-1") { name site } }');
    expect(r.data).toEqual({ unregisterCluster: { name: 'edge-1', site: 'b12' } });
    expect(await clusterNames()).toEqual(['dc-1']);
    const again = await gw.gql('mutation { unregisterCluster(name: "edge-1") { name } }');
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('records every mutation in the audit log with actor, outcome and redacted credentials', async () => {
    const r = await gw.gql<{
      auditLog: {
        nodes: { actor: string; action: string; outcome: string; errorCode: string | null; input: unknown }[];
      };
    }>('{ auditLog(first: 100) { nodes { actor action outcome errorCode input } } }');
    expect(r.errors).toBeUndefined();
    const entries = r.data?.auditLog.nodes ?? [];
    const actions = entries.map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toContain('cluster.register:SUCCESS');
    expect(actions).toContain('cluster.register:FAILURE');
    expect(actions).toContain('cluster.importKubeconfig:SUCCESS');
    expect(actions).toContain('cluster.update:SUCCESS');
    expect(actions).toContain('cluster.unregister:SUCCESS');
    // API callers on loopback without a token are "local"; the gateway's own start-up work is "system".
    expect(new Set(entries.map((e) => e.actor))).toEqual(new Set(['local', 'system']));
    expect(
      entries
        .filter((e) => e.action.startsWith('cluster.') && e.action !== 'cluster.unregisterBySource')
        .every((e) => e.actor === 'local'),
    ).toBe(true);
    const registered = entries.find((e) => e.action === 'cluster.register' && e.outcome === 'SUCCESS');
    expect(JSON.stringify(registered?.input)).toContain('[REDACTED]');
    // Labels are not secrets, even one named like a secret container (env).
    await gw.gql(
      'mutation { updateCluster(name: "dc-1", input: { labels: { env: "prod", config: "a" } }) { name } }',
    );
    const last = await gw.gql<{ auditLog: { nodes: { input: { labels: Record<string, string> } }[] } }>(
      '{ auditLog(first: 1) { nodes { input } } }',
    );
    expect(last.data?.auditLog.nodes[0]?.input.labels).toEqual({ env: 'prod', config: 'a' });
    const none = await gw.gql<{ auditLog: { nodes: unknown[] } }>('{ auditLog(first: 0) { nodes { id } } }');
    expect(none.data?.auditLog.nodes).toEqual([]);
  });

  it('never shows a credential in any response or log line', async () => {
    // Exercise the paths that touch credentials once more: a failed and a successful update.
    const creds = credentialsOf('dc-1');
    await gw.gql(
      'mutation($c: ClusterCredentialsInput!) { updateCluster(name: "dc-1", input: { credentials: $c }) { name } }',
      {
        c: { ...creds, server: 'not a url' },
      },
    );
    await gw.gql(
      'mutation($c: ClusterCredentialsInput!) { updateCluster(name: "dc-1", input: { credentials: $c }) { name } }',
      {
        c: creds,
      },
    );
    const kc = parse(fleet.fleet.kubeconfig) as { users: { user: { token: string } }[] };
    const secrets = [
      ...fleet.fleet.clusters.map((c) => c.credentials.token),
      ...kc.users.map((u) => u.user.token),
    ];
    expect(gw.responses.length).toBeGreaterThan(10);
    expect(gw.logs.length).toBeGreaterThan(0);
    for (const s of secrets) {
      expect(s.length).toBeGreaterThan(10);
      for (const body of gw.responses) expect(body).not.toContain(s);
      for (const line of gw.logs) expect(line).not.toContain(s);
    }
    expect(stringify(gw.logs)).not.toMatch(/BEGIN (CERTIFICATE|PRIVATE KEY)/);
  });
});
