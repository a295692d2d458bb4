/**
 * Backups in S3-compatible object storage, end to end: the gateway over real HTTP, configured
 * with an s3:// storage URL, backs a simulated edge cluster up into a real S3 protocol server
 * (s3rver), verifies the archive, restores it onto the wiped cluster, and refuses an archive
 * changed or removed behind its back in the bucket.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBackupStorage } from '../../gateway/backups/storage-config.js';
import type { BackupStorage } from '../../gateway/backups/storage.js';
import { FleetGateway } from '../../gateway/service/fleet-gateway.js';
import type { SimCluster } from '../../sim/cluster.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startTestS3, type TestS3 } from '../helpers/s3.js';
import { clusterRequest, eventually, smallScenario, startTestFleet, type TestFleet } from '../helpers/sim.js';

let s3: TestS3;
let fleet: TestFleet;
let gw: TestGateway;
const EDGE = 'edge-1';
const PREFIX = 'fleet/backups';
const SECRET_VALUE = 'broker-password-in-s3-test';

interface BackupData {
  id: string;
  phase: string;
  message: string | null;
  objectCount: number;
  archiveSha256: string | null;
  archiveSize: number | null;
  location: string | null;
}

function sim(name: string): SimCluster {
  const c = fleet.fleet.find(name);
  if (!c) throw new Error(`no simulated cluster ${name}`);
  return c;
}

async function create(path: string, body: unknown): Promise<void> {
  const res = await clusterRequest(sim(EDGE), 'POST', path, {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${res.body}`);
}

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await clusterRequest(sim(EDGE), 'GET', path);
  return { status: res.status, body: JSON.parse(res.body) as Record<string, unknown> };
}

async function backupOf(cluster: string): Promise<BackupData> {
  const r = await gw.gql<{ createBackup: { id: string } }>(
    `mutation($c: String!) { createBackup(input: { cluster: $c }) { id } }`,
    { c: cluster },
  );
  const id = r.data?.createBackup.id ?? '';
  expect(id, JSON.stringify(r.errors)).not.toBe('');
  return eventually(
    async () => {
      const b = await gw.gql<{ backup: BackupData }>(
        `query($id: ID!) { backup(id: $id) { id phase message objectCount archiveSha256 archiveSize location } }`,
        { id },
      );
      const d = b.data?.backup;
      return d && d.phase !== 'PENDING' && d.phase !== 'RUNNING' ? d : undefined;
    },
    30_000,
    'backup finished',
  );
}

async function restoreOf(backup: string): Promise<{ phase: string; message: string | null; failed: number }> {
  const r = await gw.gql<{ restoreBackup: { id: string } }>(
    `mutation($b: ID!) { restoreBackup(input: { backup: $b }) { id } }`,
    { b: backup },
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  const id = r.data?.restoreBackup.id ?? '';
  return eventually(
    async () => {
      const q = await gw.gql<{
        restore: { phase: string; message: string | null; results: { action: string }[] };
      }>(`query($id: ID!) { restore(id: $id) { phase message results { action } } }`, { id });
      const d = q.data?.restore;
      return d && d.phase !== 'RUNNING'
        ? {
            phase: d.phase,
            message: d.message,
            failed: d.results.filter((x) => x.action === 'FAILED').length,
          }
        : undefined;
    },
    60_000,
    'restore finished',
  );
}

async function verify(id: string) {
  return gw.gql<{ verifyBackup: { objects: number } }>(
    `mutation($id: ID!) { verifyBackup(id: $id) { objects } }`,
    { id },
  );
}

beforeAll(async () => {
  s3 = await startTestS3();
  fleet = await startTestFleet(smallScenario(), 0.02);
  gw = await startTestGateway({ kubeconfigPath: fleet.kubeconfigPath, backupStorage: s3.storageUrl(PREFIX) });
  await gw.settled();
  await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sensors' } });
  await create('/api/v1/namespaces/sensors/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'collector-config' },
    data: { interval: '10s' },
  });
  await create('/api/v1/namespaces/sensors/secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'broker' },
    type: 'Opaque',
    data: { password: Buffer.from(SECRET_VALUE).toString('base64') },
  });
}, 90_000);

afterAll(async () => {
  await gw?.close();
  await fleet?.dispose();
  await s3?.dispose();
});

describe('backups in S3-compatible storage', () => {
  let backup: BackupData;
  const key = () => `${PREFIX}/${backup.id}.json.gz`;

  it('writes a completed backup into the bucket, byte for byte what the catalogue recorded', async () => {
    backup = await backupOf(EDGE);
    expect(backup.message).toBeNull();
    expect(backup.phase).toBe('COMPLETED');
    expect(backup.location).toBe(`s3://${s3.bucket}/${PREFIX}?endpoint=${s3.endpoint}`);
    const stored = await s3.getObject(key());
    expect(stored.length).toBe(backup.archiveSize);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(backup.archiveSha256);
    const text = gunzipSync(stored).toString('utf8');
    expect(text).toContain('collector-config');
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
    const ok = await verify(backup.id);
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.verifyBackup.objects).toBe(backup.objectCount);
  });

  it('restores from the bucket onto the wiped cluster', async () => {
    sim(EDGE).wipe();
    expect((await get('/api/v1/namespaces/sensors')).status).toBe(404);
    await eventually(
      () => gw.gateway.connections.get(EDGE)?.connection.state === 'READY',
      20_000,
      'the rebuilt cluster READY',
    );
    const r = await restoreOf(backup.id);
    expect(r).toEqual({ phase: 'COMPLETED', message: null, failed: 0 });
    const cm = await get('/api/v1/namespaces/sensors/configmaps/collector-config');
    expect(cm.status).toBe(200);
    expect(cm.body['data']).toEqual({ interval: '10s' });
    const secret = (await get('/api/v1/namespaces/sensors/secrets/broker')).body as {
      data: { password: string };
    };
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe(SECRET_VALUE);
  }, 90_000);

  it('fails verification of an object with a flipped byte in the bucket, and refuses to restore it', async () => {
    const bytes = await s3.getObject(key());
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    await s3.putObject(key(), bytes);
    const bad = await verify(backup.id);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BACKUP_INVALID');
    expect(bad.errors?.[0]?.message).toMatch(/changed or truncated/);
    const refused = await gw.gql(`mutation($b: ID!) { restoreBackup(input: { backup: $b }) { id } }`, {
      b: backup.id,
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BACKUP_INVALID');
  });

  it('fails verification of a backup whose object was removed from the bucket', async () => {
    const second = await backupOf(EDGE);
    expect(second.phase).toBe('COMPLETED');
    await s3.deleteObject(`${PREFIX}/${second.id}.json.gz`);
    const bad = await verify(second.id);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BACKUP_INVALID');
  });

  it('deletes the object from the bucket when the backup is deleted', async () => {
    const third = await backupOf(EDGE);
    const before = await gw.gateway.backups.backup(third.id);
    expect(before?.archive?.key).toBe(`${third.id}.json.gz`);
    await gw.gateway.backups.deleteBackup(third.id);
    await expect(s3.getObject(`${PREFIX}/${third.id}.json.gz`)).rejects.toThrow(/NoSuchKey|does not exist/);
  });
});

describe('the gateway and its backup storage', () => {
  it('closes the storage it was given when it closes', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fleetgraph-gw-'));
    const inner = await openBackupStorage(s3.storageUrl('closing'));
    const calls: string[] = [];
    // Records calls and hands them to the real S3 storage.
    const recorder: BackupStorage = {
      location: inner.location,
      put: (k, b) => (calls.push('put'), inner.put(k, b)),
      get: (k) => (calls.push('get'), inner.get(k)),
      delete: (k) => (calls.push('delete'), inner.delete(k)),
      list: () => (calls.push('list'), inner.list()),
      close: () => (calls.push('close'), inner.close()),
    };
    try {
      const gateway = await FleetGateway.open({
        dataDir,
        logger: pino({ level: 'silent' }),
        env: {},
        demo: false,
        backupStorage: recorder,
      });
      await gateway.close();
      expect(calls).toEqual(['close']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
