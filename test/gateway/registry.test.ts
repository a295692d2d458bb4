import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redact, REDACTED } from '../../gateway/audit.js';
import { FleetError } from '../../gateway/errors.js';
import { ClusterRegistry, type RegistryLogger } from '../../gateway/registry/registry.js';
import type { ClusterCredentials, RegistryEvent } from '../../gateway/registry/types.js';
import { createSecretBox, loadSecretBox, type SecretBox } from '../../gateway/secrets.js';
import { openSqliteStore, SQLITE_FILE } from '../../gateway/store/sqlite.js';
import type { FleetStore } from '../../gateway/store/types.js';

/** A token that is easy to find in raw bytes. */
const TOKEN = `tok-${randomBytes(12).toString('hex')}`;
const KEY_PEM_B64 = Buffer.from(
  '-----BEGIN PRIVATE KEY-----\nSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n',
).toString('base64');
const CERT_PEM_B64 = Buffer.from('-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n').toString(
  'base64',
);

function creds(extra: Partial<ClusterCredentials> = {}): ClusterCredentials {
  return { server: 'https://10.0.0.1:6443', token: TOKEN, ...extra };
}

class RecordingLogger implements RegistryLogger {
  readonly errors: { obj: Record<string, unknown>; msg: string }[] = [];
  error(obj: Record<string, unknown>, msg: string): void {
    this.errors.push({ obj, msg });
  }
}

let dir: string;
let store: FleetStore | undefined;
let secrets: SecretBox;
let registry: ClusterRegistry;
let events: RegistryEvent[];
let logger: RecordingLogger;

async function openRegistry(box?: SecretBox): Promise<void> {
  store = await openSqliteStore({ dataDir: dir });
  secrets = box ?? (await loadSecretBox({ dataDir: dir, env: {} }));
  logger = new RecordingLogger();
  registry = new ClusterRegistry({ store, secrets, logger });
  events = [];
  registry.onChange((e) => events.push(e));
}

async function reopen(box?: SecretBox): Promise<void> {
  await store?.close();
  store = undefined;
  await openRegistry(box);
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

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetgraph-registry-'));
  await openRegistry();
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('cluster registry', () => {
  it('registers a cluster and shows it without credentials', async () => {
    const c = await registry.register(
      { name: 'dc-1', site: 'dc-north', labels: { tier: 'datacenter' }, credentials: creds() },
      { actor: 'alice' },
    );
    expect(c).toMatchObject({
      name: 'dc-1',
      site: 'dc-north',
      labels: { tier: 'datacenter' },
      server: 'https://10.0.0.1:6443',
      source: 'registered',
      version: 1,
    });
    expect(Object.keys(c).sort()).toEqual(
      ['createdAt', 'labels', 'name', 'server', 'site', 'source', 'updatedAt', 'version'].sort(),
    );
    expect(await registry.get('dc-1')).toEqual(c);
    expect(await registry.list()).toEqual([c]);
    expect(await registry.credentialsOf('dc-1')).toEqual(creds());
    expect(events).toEqual([{ type: 'registered', cluster: c }]);
    expect(await auditRows()).toMatchObject([
      {
        actor: 'alice',
        action: 'cluster.register',
        target: { type: 'cluster', name: 'dc-1' },
        outcome: 'success',
        input: { name: 'dc-1', credentials: { server: 'https://10.0.0.1:6443', token: REDACTED } },
      },
    ]);
  });

  it('updates site, labels and credentials, bumping the version and telling listeners what changed', async () => {
    await registry.register({ name: 'dc-1', site: 'dc-north', credentials: creds() });
    const v2 = await registry.update('dc-1', { site: 'dc-south', labels: { tier: 'dc', env: 'prod' } });
    expect(v2).toMatchObject({ version: 2, site: 'dc-south', labels: { tier: 'dc', env: 'prod' } });
    const v3 = await registry.update('dc-1', {
      credentials: { server: 'https://10.0.0.2:6443/', token: 'new-token' },
      expectedVersion: 2,
    });
    expect(v3).toMatchObject({ version: 3, server: 'https://10.0.0.2:6443', site: 'dc-south' });
    expect(await registry.credentialsOf('dc-1')).toEqual({
      server: 'https://10.0.0.2:6443',
      token: 'new-token',
    });
    expect(
      events.map((e) => (e.type === 'updated' ? [e.type, e.previous.version, e.credentialsChanged] : e.type)),
    ).toEqual(['registered', ['updated', 1, false], ['updated', 2, true]]);
  });

  it('rejects an update at a stale version with CONFLICT and changes nothing', async () => {
    await registry.register({ name: 'dc-1', site: 'dc-north', credentials: creds() });
    await registry.update('dc-1', { site: 'dc-south' });
    const err = await failure(
      registry.update('dc-1', { site: 'dc-east', expectedVersion: 1 }, { actor: 'bob' }),
    );
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/"dc-1" is at version 2, not the expected version 1/);
    expect((await registry.get('dc-1'))?.site).toBe('dc-south');
    expect((await auditRows())[0]).toMatchObject({
      actor: 'bob',
      action: 'cluster.update',
      outcome: 'failure',
      errorCode: 'CONFLICT',
    });
  });

  it('rejects an update that changes nothing, or of an unknown cluster', async () => {
    await registry.register({ name: 'dc-1', site: 'dc-north', credentials: creds() });
    expect((await failure(registry.update('dc-1', {}))).message).toMatch(/changes nothing/);
    expect((await failure(registry.update('nope', { site: 'x' }))).code).toBe('NOT_FOUND');
  });

  it('unregisters a cluster, and a second time reports NOT_FOUND', async () => {
    await registry.register({ name: 'dc-1', site: 'dc-north', credentials: creds() });
    const removed = await registry.unregister('dc-1', { actor: 'alice' });
    expect(removed.name).toBe('dc-1');
    expect(await registry.get('dc-1')).toBeUndefined();
    expect(await registry.list()).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'unregistered', cluster: removed });
    const err = await failure(registry.unregister('dc-1'));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toBe('cluster "dc-1" does not exist');
    expect((await failure(registry.credentialsOf('dc-1'))).code).toBe('NOT_FOUND');
  });

  it('rejects a duplicate name with CONFLICT and keeps the first registration', async () => {
    await registry.register({ name: 'dc-1', site: 'dc-north', credentials: creds() });
    const err = await failure(
      registry.register({ name: 'dc-1', site: 'other', credentials: creds({ token: 'x' }) }),
    );
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toContain('"dc-1"');
    expect((await registry.get('dc-1'))?.site).toBe('dc-north');
    expect((await registry.credentialsOf('dc-1')).token).toBe(TOKEN);
    expect(events).toHaveLength(1);
  });

  it('rejects invalid names, sites and labels with VALIDATION_FAILED quoting the value', async () => {
    const cases: [Parameters<ClusterRegistry['register']>[0], RegExp][] = [
      [
        { name: 'DC_1', site: 's', credentials: creds() },
        /cluster name "DC_1" is invalid; expected a DNS-1123 label/,
      ],
      [{ name: 'a'.repeat(64), site: 's', credentials: creds() }, /cluster name "a{64}" is invalid/],
      [{ name: 'dc-1', site: 'North Site', credentials: creds() }, /site "North Site" is invalid; expected/],
      [
        { name: 'dc-1', site: 's', labels: { 'bad key!': 'x' }, credentials: creds() },
        /label key "bad key!" is invalid/,
      ],
      [
        { name: 'dc-1', site: 's', labels: { tier: 'not valid!' }, credentials: creds() },
        /label "tier" has invalid value "not valid!"; expected/,
      ],
      [
        { name: 'dc-1', site: 's', credentials: { server: 'ftp://host' } },
        /server "ftp:\/\/host" is invalid; expected an absolute URL with scheme https or http/,
      ],
    ];
    for (const [input, message] of cases) {
      const err = await failure(registry.register(input));
      expect(err.code).toBe('VALIDATION_FAILED');
      expect(err.message).toMatch(message);
    }
    expect(await registry.list()).toEqual([]);
    expect((await auditRows()).map((r) => [r.outcome, r.errorCode])).toEqual(
      cases.map(() => ['failure', 'VALIDATION_FAILED']),
    );
  });

  it('describes bad secret fields by length only, never by value', async () => {
    const badToken = 'has space-secret';
    const err = await failure(
      registry.register({ name: 'dc-1', site: 's', credentials: creds({ token: badToken }) }),
    );
    expect(err.message).toMatch(/token .*\(16 characters received\)/);
    expect(err.message).not.toContain('secret');
    const keyErr = await failure(
      registry.register({
        name: 'dc-1',
        site: 's',
        credentials: creds({ clientCertificateData: CERT_PEM_B64, clientKeyData: 'not*base64*SECRETKEY' }),
      }),
    );
    expect(keyErr.message).toMatch(/clientKeyData is not base64/);
    expect(keyErr.message).not.toContain('SECRETKEY');
  });

  it('never stores credentials in plaintext, in the database file or in audit rows', async () => {
    await registry.register({
      name: 'dc-1',
      site: 'dc-north',
      credentials: creds({
        clientCertificateData: CERT_PEM_B64,
        clientKeyData: KEY_PEM_B64,
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: 'get-token',
          env: [{ name: 'API_SECRET', value: 'exec-env-secret-value' }],
        },
      }),
    });
    await registry.update('dc-1', { credentials: creds({ username: 'admin', password: 'p4ssw0rd-secret' }) });
    const rows = JSON.stringify(await auditRows());
    const dbBytes = Buffer.concat([
      await readFile(join(dir, SQLITE_FILE)),
      await readFile(join(dir, `${SQLITE_FILE}-wal`)).catch(() => Buffer.alloc(0)),
    ]);
    // The server URL is stored in clear, so finding it shows the bytes searched are the right ones.
    expect(dbBytes.includes('https://10.0.0.1:6443')).toBe(true);
    expect(rows).toContain('API_SECRET');
    for (const secret of [TOKEN, KEY_PEM_B64, 'exec-env-secret-value', 'p4ssw0rd-secret']) {
      expect(dbBytes.includes(secret), `database bytes contain ${secret.slice(0, 8)}...`).toBe(false);
      expect(rows.includes(secret), `audit rows contain ${secret.slice(0, 8)}...`).toBe(false);
    }
  });

  it('keeps clusters and credentials across a reopen with the same key file', async () => {
    await registry.register({ name: 'edge-1', site: 'b12', labels: { tier: 'edge' }, credentials: creds() });
    await reopen();
    expect(await registry.list()).toMatchObject([{ name: 'edge-1', site: 'b12', labels: { tier: 'edge' } }]);
    expect((await registry.credentialsOf('edge-1')).token).toBe(TOKEN);
  });

  it('refuses to reveal credentials sealed under another key, with a clear error', async () => {
    await registry.register({ name: 'edge-1', site: 'b12', credentials: creds() });
    await reopen(createSecretBox(randomBytes(32)));
    const err = await failure(registry.credentialsOf('edge-1'));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toMatch(/sealed with a different key/);
    expect(err.message).not.toContain(TOKEN);
  });

  it('filters the list by cluster names, sites and label selector', async () => {
    await registry.register({ name: 'dc-1', site: 'north', labels: { tier: 'dc' }, credentials: creds() });
    await registry.register({ name: 'edge-1', site: 'b12', labels: { tier: 'edge' }, credentials: creds() });
    await registry.register({
      name: 'edge-2',
      site: 'b13',
      labels: { tier: 'edge', env: 'prod' },
      credentials: creds(),
    });
    const names = async (f: Parameters<ClusterRegistry['list']>[0]) =>
      (await registry.list(f)).map((c) => c.name);
    expect(await names({ clusterLabelSelector: 'tier=edge' })).toEqual(['edge-1', 'edge-2']);
    expect(await names({ clusterLabelSelector: 'tier in (edge,dc),!env' })).toEqual(['dc-1', 'edge-1']);
    expect(await names({ sites: ['b13', 'north'] })).toEqual(['dc-1', 'edge-2']);
    expect(await names({ clusters: ['edge-1'], sites: ['north'] })).toEqual([]);
    const err = await failure(registry.list({ clusterLabelSelector: 'tier in (' }));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toMatch(/cluster label selector "tier in \(" is invalid/);
  });

  it('removes all clusters of a source in one audited mutation', async () => {
    await registry.register({ name: 'demo-1', site: 's', credentials: creds(), source: 'demo' });
    await registry.register({ name: 'real-1', site: 's', credentials: creds() });
    const removed = await registry.unregisterBySource('demo');
    expect(removed.map((c) => c.name)).toEqual(['demo-1']);
    expect((await registry.list()).map((c) => c.name)).toEqual(['real-1']);
    expect(events.filter((e) => e.type === 'unregistered').map((e) => e.cluster.name)).toEqual(['demo-1']);
    expect((await auditRows())[0]).toMatchObject({
      action: 'cluster.unregisterBySource',
      outcome: 'success',
    });
  });

  it('commits a change even when a listener throws, and logs the listener failure', async () => {
    registry.onChange(() => {
      throw new Error('listener broke');
    });
    const stop = registry.onChange((e) => events.push(e));
    stop();
    await registry.register({ name: 'dc-1', site: 's', credentials: creds() });
    expect(await registry.get('dc-1')).toBeDefined();
    expect(events).toHaveLength(1);
    expect(logger.errors).toMatchObject([{ msg: expect.stringMatching(/listener threw/) as unknown }]);
  });
});

describe('redact', () => {
  it('replaces tokens, keys, passwords, kubeconfig text and exec env values, keeping the rest', () => {
    const out = redact({
      name: 'dc-1',
      credentials: {
        server: 'https://x',
        token: 't',
        'client-key-data': 'k',
        clientKeyData: 'k',
        password: 'p',
        username: 'u',
        exec: { command: 'c', env: [{ name: 'N', value: 'v' }] },
        authProvider: { name: 'oidc', config: { 'id-token': 'i', 'client-id': 'cid' } },
      },
      kubeconfig: { yaml: 'apiVersion: v1', context: 'ctx' },
      at: new Date('2025-01-01T00:00:00Z'),
      skip: undefined,
    });
    expect(out).toEqual({
      name: 'dc-1',
      credentials: {
        server: 'https://x',
        token: REDACTED,
        'client-key-data': REDACTED,
        clientKeyData: REDACTED,
        password: REDACTED,
        username: 'u',
        exec: { command: 'c', env: [{ name: 'N', value: REDACTED }] },
        authProvider: { name: 'oidc', config: { 'id-token': REDACTED, 'client-id': REDACTED } },
      },
      kubeconfig: { yaml: REDACTED, context: 'ctx' },
      at: '2025-01-01T00:00:00.000Z',
    });
  });
});
