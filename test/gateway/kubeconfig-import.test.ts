import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { FleetError } from '../../gateway/errors.js';
import { readKubeconfigContexts } from '../../gateway/registry/kubeconfig.js';
import { ClusterRegistry } from '../../gateway/registry/registry.js';
import type { ClusterCredentials } from '../../gateway/registry/types.js';
import { loadSecretBox } from '../../gateway/secrets.js';
import { openSqliteStore, SQLITE_FILE } from '../../gateway/store/sqlite.js';
import type { FleetStore } from '../../gateway/store/types.js';
import { smallScenario, startTestFleet, type TestFleet } from '../helpers/sim.js';

let fleet: TestFleet;
let dir: string;
let store: FleetStore | undefined;
let registry: ClusterRegistry;

beforeAll(async () => {
  fleet = await startTestFleet(smallScenario());
});
afterAll(async () => {
  await fleet.dispose();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetgraph-import-'));
  store = await openSqliteStore({ dataDir: join(dir, 'data') });
  const secrets = await loadSecretBox({ dataDir: join(dir, 'data'), env: {} });
  registry = new ClusterRegistry({ store, secrets });
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** The fleet's kubeconfig as a mutable object. */
interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: Record<string, unknown> }[];
  [key: string]: unknown;
}
function kubeconfigDoc(): Kubeconfig {
  return parse(fleet.fleet.kubeconfig) as Kubeconfig;
}

async function failure(p: Promise<unknown>): Promise<FleetError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (e instanceof FleetError) return e;
  throw new Error(`expected a FleetError, got ${String(e)}`);
}

async function auditRows() {
  if (store === undefined) throw new Error('store not open');
  return (await store.listAudit({ limit: 100 })).entries;
}

/** GET path on the cluster with the given credentials, as the connection layer would. */
function get(creds: ClusterCredentials, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, creds.server),
      {
        ...(creds.caData !== undefined ? { ca: Buffer.from(creds.caData, 'base64') } : {}),
        headers: creds.token !== undefined ? { Authorization: `Bearer ${creds.token}` } : {},
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('kubeconfig import', () => {
  it("imports every context of the simulator's kubeconfig with the sites and labels of its extension", async () => {
    const clusters = await registry.importKubeconfig({ yaml: fleet.fleet.kubeconfig }, { actor: 'alice' });
    expect(clusters.map((c) => [c.name, c.site, c.labels, c.server])).toEqual([
      ['dc-1', 'dc-north', { tier: 'datacenter' }, fleet.fleet.cluster('dc-1').server],
      ['edge-1', 'b12', { tier: 'edge' }, fleet.fleet.cluster('edge-1').server],
    ]);
    expect((await registry.list()).map((c) => c.name)).toEqual(['dc-1', 'edge-1']);
    const creds = await registry.credentialsOf('dc-1');
    expect(creds.token).toBe(fleet.fleet.cluster('dc-1').credentials.token);
    expect(Buffer.from(creds.caData ?? '', 'base64').toString('utf8')).toBe(
      fleet.fleet.cluster('dc-1').credentials.caCertPem,
    );
    // The stored credentials reach the cluster: TLS verifies against the CA and the token is accepted.
    const nodes = await get(creds, '/api/v1/nodes');
    expect(nodes.status).toBe(200);
    expect((JSON.parse(nodes.body) as { items: unknown[] }).items).toHaveLength(3);

    const [row] = await auditRows();
    expect(row).toMatchObject({
      actor: 'alice',
      action: 'cluster.importKubeconfig',
      outcome: 'success',
      input: { yaml: '[REDACTED]' },
    });
    const dbBytes = Buffer.concat([
      await readFile(join(dir, 'data', SQLITE_FILE)),
      await readFile(join(dir, 'data', `${SQLITE_FILE}-wal`)).catch(() => Buffer.alloc(0)),
    ]);
    expect(dbBytes.includes(fleet.fleet.cluster('edge-1').server)).toBe(true);
    for (const c of fleet.fleet.clusters) expect(dbBytes.includes(c.credentials.token)).toBe(false);
  });

  it('imports only the contexts asked for', async () => {
    const clusters = await registry.importKubeconfig({ yaml: fleet.fleet.kubeconfig, contexts: ['edge-1'] });
    expect(clusters.map((c) => c.name)).toEqual(['edge-1']);
    expect((await registry.list()).map((c) => c.name)).toEqual(['edge-1']);
  });

  it('writes nothing when one context refers to a user that does not exist', async () => {
    const doc = kubeconfigDoc();
    doc.contexts.push({ name: 'broken', context: { cluster: 'dc-1', user: 'ghost' } });
    const err = await failure(
      registry.importKubeconfig({ yaml: stringify(doc), site: 'x' }, { actor: 'alice' }),
    );
    expect(err.code).toBe('KUBECONFIG_INVALID');
    expect(err.message).toMatch(
      /context "broken" refers to user "ghost", which is not in the kubeconfig's users/,
    );
    expect(await registry.list()).toEqual([]);
    expect(await auditRows()).toMatchObject([
      { action: 'cluster.importKubeconfig', outcome: 'failure', errorCode: 'KUBECONFIG_INVALID' },
    ]);
  });

  it('writes nothing when one context has an invalid label in its extension', async () => {
    const doc = kubeconfigDoc();
    const edge = doc.contexts[1];
    if (edge === undefined) throw new Error('expected two contexts');
    edge.context['extensions'] = [
      { name: 'fleetgraph', extension: { site: 'b12', labels: { tier: 'edge site' } } },
    ];
    const err = await failure(registry.importKubeconfig({ yaml: stringify(doc) }));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toMatch(
      /context "edge-1" \(fleetgraph extension\): label "tier" has invalid value "edge site"/,
    );
    expect(await registry.list()).toEqual([]);
  });

  it('writes nothing when one context name is already registered (CONFLICT)', async () => {
    await registry.importKubeconfig({ yaml: fleet.fleet.kubeconfig, contexts: ['edge-1'] });
    const err = await failure(registry.importKubeconfig({ yaml: fleet.fleet.kubeconfig }));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toContain('"edge-1"');
    expect((await registry.list()).map((c) => c.name)).toEqual(['edge-1']);
  });

  it('with skipRegistered, imports the new contexts and leaves registered ones as they are', async () => {
    const [edge] = await registry.importKubeconfig({ yaml: fleet.fleet.kubeconfig, contexts: ['edge-1'] });
    await registry.update('edge-1', { labels: { tier: 'kept' } });
    const imported = await registry.importKubeconfig({ yaml: fleet.fleet.kubeconfig, skipRegistered: true });
    expect(imported.map((c) => c.name)).toEqual(['dc-1']);
    expect((await registry.list()).map((c) => [c.name, c.labels])).toEqual([
      ['dc-1', { tier: 'datacenter' }],
      ['edge-1', { tier: 'kept' }],
    ]);
    expect((await registry.get('edge-1'))?.createdAt).toEqual(edge?.createdAt);
    // Nothing left to import is not an error, and contexts still narrows the import.
    expect(await registry.importKubeconfig({ yaml: fleet.fleet.kubeconfig, skipRegistered: true })).toEqual(
      [],
    );
    expect(
      await registry.importKubeconfig({
        yaml: fleet.fleet.kubeconfig,
        contexts: ['edge-1'],
        skipRegistered: true,
      }),
    ).toEqual([]);
    // Listed contexts are still checked: an unknown one is an error, not silently skipped.
    const err = await failure(
      registry.importKubeconfig({
        yaml: fleet.fleet.kubeconfig,
        contexts: ['edge-1', 'nope'],
        skipRegistered: true,
      }),
    );
    expect(err.code).toBe('KUBECONFIG_INVALID');
    expect(err.message).toBe('context "nope" is not in the kubeconfig; expected one of "dc-1", "edge-1"');
  });

  it('names an unknown context and lists the ones the kubeconfig has', async () => {
    const err = await failure(
      registry.importKubeconfig({ yaml: fleet.fleet.kubeconfig, contexts: ['nope'] }),
    );
    expect(err.code).toBe('KUBECONFIG_INVALID');
    expect(err.message).toBe('context "nope" is not in the kubeconfig; expected one of "dc-1", "edge-1"');
  });

  it('reports malformed YAML by position without echoing its content', async () => {
    const yaml = 'apiVersion: v1\nusers:\n- name: u\n  user:\n    token: s3cr3t-token-value\n   bad: [\n';
    const err = await failure(registry.importKubeconfig({ yaml }));
    expect(err.code).toBe('KUBECONFIG_INVALID');
    expect(err.message).toMatch(/^kubeconfig is not valid YAML at line \d+, column \d+/);
    expect(err.message).not.toContain('s3cr3t');
    expect(await failure(registry.importKubeconfig({ yaml: '' }))).toMatchObject({
      code: 'KUBECONFIG_INVALID',
      message: expect.stringMatching(/kubeconfig is empty/) as unknown,
    });
  });

  it('requires a site from the extension or the import, naming the context', async () => {
    const doc = kubeconfigDoc();
    for (const c of doc.contexts) delete c.context['extensions'];
    const err = await failure(registry.importKubeconfig({ yaml: stringify(doc) }));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toMatch(/context "dc-1" has no site/);
    const clusters = await registry.importKubeconfig({ yaml: stringify(doc), site: 'lab' });
    expect(clusters.map((c) => [c.name, c.site, c.labels])).toEqual([
      ['dc-1', 'lab', {}],
      ['edge-1', 'lab', {}],
    ]);
  });

  it('rejects a context whose name cannot be a cluster name, quoting it', async () => {
    const doc = kubeconfigDoc();
    const dc = doc.contexts[0];
    if (dc === undefined) throw new Error('expected a context');
    dc.name = 'arn:aws:eks:dc/1';
    const err = await failure(registry.importKubeconfig({ yaml: stringify(doc) }));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toMatch(/context "arn:aws:eks:dc\/1": cluster name "arn:aws:eks:dc\/1" is invalid/);
  });

  it('inlines file references relative to the kubeconfig file, and refuses them in kubeconfig text', async () => {
    const kdir = join(dir, 'kube');
    await mkdir(join(kdir, 'certs'), { recursive: true });
    const dc1 = fleet.fleet.cluster('dc-1');
    await writeFile(join(kdir, 'certs', 'ca.crt'), dc1.credentials.caCertPem);
    await writeFile(join(kdir, 'token'), `${dc1.credentials.token}\n`);
    const doc = kubeconfigDoc();
    const cluster = doc.clusters[0];
    const user = doc.users[0];
    if (cluster === undefined || user === undefined) throw new Error('expected entries');
    delete cluster.cluster['certificate-authority-data'];
    cluster.cluster['certificate-authority'] = 'certs/ca.crt';
    delete user.user['token'];
    user.user['tokenFile'] = 'token';
    const yaml = stringify(doc);
    const path = join(kdir, 'config');
    await writeFile(path, yaml);

    const [resolved] = await readKubeconfigContexts({ yaml, path }, ['dc-1']);
    expect(resolved?.credentials.token).toBe(dc1.credentials.token);
    expect(Buffer.from(resolved?.credentials.caData ?? '', 'base64').toString()).toBe(
      dc1.credentials.caCertPem,
    );

    const err = await failure(registry.importKubeconfig({ yaml }));
    expect(err.code).toBe('KUBECONFIG_INVALID');
    expect(err.message).toMatch(
      /context "dc-1": cluster "dc-1" refers to file certificate-authority: "certs\/ca.crt"/,
    );
    expect(err.message).toMatch(/expected the data inline in certificate-authority-data/);
    expect(await registry.list()).toEqual([]);

    const missing = await failure(
      registry.importKubeconfig({ yaml: yaml.replace('certs/ca.crt', 'certs/none.crt'), path }),
    );
    expect(missing.message).toMatch(
      /refers to file certificate-authority: ".*none\.crt", which cannot be read \(ENOENT\)/,
    );
  });

  it('registers one cluster from a kubeconfig context, explicit site and labels winning over the extension', async () => {
    const c = await registry.register({
      name: 'edge-one',
      site: 'b99',
      kubeconfig: { yaml: fleet.fleet.kubeconfig, context: 'edge-1' },
    });
    expect(c).toMatchObject({ name: 'edge-one', site: 'b99', labels: { tier: 'edge' } });
    expect((await registry.credentialsOf('edge-one')).token).toBe(
      fleet.fleet.cluster('edge-1').credentials.token,
    );
  });

  it('keeps exec plugin settings and client certificates, redacting their secrets in the audit log', async () => {
    const doc = kubeconfigDoc();
    const user = doc.users[1];
    if (user === undefined) throw new Error('expected a user');
    user.user = {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: 'aws',
        args: ['eks', 'get-token'],
        env: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 'aws-secret-value' }],
        interactiveMode: 'Never',
      },
    };
    const yaml = stringify(doc);
    await registry.importKubeconfig({ yaml, contexts: ['edge-1'] });
    expect((await registry.credentialsOf('edge-1')).exec).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'aws',
      args: ['eks', 'get-token'],
      env: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 'aws-secret-value' }],
      interactiveMode: 'Never',
    });
    expect(JSON.stringify(await auditRows())).not.toContain('aws-secret-value');
  });

  it('rejects impersonation settings the client cannot honour instead of dropping them', async () => {
    const doc = kubeconfigDoc();
    const user = doc.users[0];
    if (user === undefined) throw new Error('expected a user');
    user.user['as-groups'] = ['system:masters'];
    const err = await failure(registry.importKubeconfig({ yaml: stringify(doc) }));
    expect(err.code).toBe('KUBECONFIG_INVALID');
    expect(err.message).toMatch(/context "dc-1": user "dc-1" sets as-groups/);
  });
});
