/**
 * The seed scenario against the smart-city simulator over real HTTP: back up an arm64 edge
 * cluster running the sensor stack (namespaces, deployments, daemonsets, services, config
 * maps, a secret, a CRD with a custom resource), wipe it through the simulator, restore,
 * and every object comes back equal and the pods run again on the arm64 node; the secret
 * never appears in the archive in plaintext. Also: a flipped byte fails verification and
 * the restore refuses; a dry run on a changed cluster reports exactly the change; conflict
 * policies; a restore to another cluster with a namespace mapping.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripServerFields, type ServedResource } from '../../gateway/backups/capture.js';
import type { SimCluster } from '../../sim/cluster.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { clusterRequest, eventually, startTestFleet, type TestFleet } from '../helpers/sim.js';

let fleet: TestFleet;
let gw: TestGateway;
const EDGE = 'edge-b12-1';
const SECRET_VALUE = 'mqtt-password-s3cr3t-value';

function sim(name: string): SimCluster {
  const c = fleet.fleet.find(name);
  if (!c) throw new Error(`no simulated cluster ${name}`);
  return c;
}

async function create(cluster: string, path: string, body: unknown): Promise<void> {
  const res = await clusterRequest(sim(cluster), 'POST', path, {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${res.body}`);
}

async function get(
  cluster: string,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await clusterRequest(sim(cluster), 'GET', path);
  return { status: res.status, body: JSON.parse(res.body) as Record<string, unknown> };
}

interface BackupData {
  id: string;
  phase: string;
  message: string | null;
  objectCount: number;
  archiveSha256: string | null;
  resourceCounts: { resource: string; count: number }[];
}
interface RestoreData {
  id: string;
  phase: string;
  message: string | null;
  results: {
    kind: string;
    namespace: string;
    name: string;
    action: string;
    changedFields: string[];
    message: string | null;
  }[];
}

async function backupOf(cluster: string): Promise<BackupData> {
  const r = await gw.gql<{ createBackup: BackupData }>(
    `mutation($c: String!) { createBackup(input: { cluster: $c }) { id phase } }`,
    { c: cluster },
  );
  const id = r.data?.createBackup.id ?? '';
  expect(id).not.toBe('');
  return eventually(
    async () => {
      const b = await gw.gql<{ backup: BackupData }>(
        `query($id: ID!) { backup(id: $id) { id phase message objectCount archiveSha256 resourceCounts { resource count } } }`,
        { id },
      );
      const d = b.data?.backup;
      return d && d.phase !== 'PENDING' && d.phase !== 'RUNNING' ? d : undefined;
    },
    30_000,
    'backup finished',
  );
}

async function restore(input: Record<string, unknown>): Promise<RestoreData> {
  const r = await gw.gql<{ restoreBackup: RestoreData }>(
    `mutation($input: RestoreBackupInput!) { restoreBackup(input: $input) { id phase } }`,
    { input },
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  const id = r.data?.restoreBackup.id ?? '';
  return eventually(
    async () => {
      const q = await gw.gql<{ restore: RestoreData }>(
        `query($id: ID!) { restore(id: $id) { id phase message results { kind namespace name action changedFields message } } }`,
        { id },
      );
      const d = q.data?.restore;
      return d && d.phase !== 'RUNNING' ? d : undefined;
    },
    60_000,
    'restore finished',
  );
}

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'calibrations.city.example' },
  spec: {
    group: 'city.example',
    scope: 'Namespaced',
    names: { plural: 'calibrations', singular: 'calibration', kind: 'Calibration' },
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

beforeAll(async () => {
  fleet = await startTestFleet('smart-city', 0.02);
  gw = await startTestGateway({ kubeconfigPath: fleet.kubeconfigPath });
  await gw.settled();
  // The sensor stack's own objects next to what the scenario runs (city/mqtt-bridge, daemonsets).
  await create(EDGE, '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'sensors' },
  });
  await create(EDGE, '/api/v1/namespaces/sensors/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'collector-config', labels: { app: 'collector' } },
    data: { interval: '10s', topics: 'temp,humidity' },
  });
  await create(EDGE, '/api/v1/namespaces/sensors/secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'mqtt-credentials' },
    type: 'Opaque',
    data: { password: Buffer.from(SECRET_VALUE).toString('base64') },
  });
  await create(EDGE, '/api/v1/namespaces/sensors/services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'collector' },
    spec: { selector: { app: 'collector' }, ports: [{ port: 8080, targetPort: 8080 }] },
  });
  await create(EDGE, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD);
  await eventually(
    async () =>
      (
        (await get(EDGE, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/calibrations.city.example'))
          .body['status'] as { conditions?: { type: string; status: string }[] } | undefined
      )?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'),
    10_000,
    'CRD Established',
  );
  await create(EDGE, '/apis/city.example/v1/namespaces/sensors/calibrations', {
    apiVersion: 'city.example/v1',
    kind: 'Calibration',
    metadata: { name: 'temp-probe-1' },
    spec: { offset: 0.4, unit: 'C' },
  });
}, 90_000);

afterAll(async () => {
  await gw?.close();
  await fleet?.dispose();
});

/** The objects a backup must bring back, as (path, resource) pairs. */
const CHECKED: { path: string; r: ServedResource }[] = [
  {
    path: '/api/v1/namespaces/sensors',
    r: { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  },
  {
    path: '/api/v1/namespaces/sensors/configmaps/collector-config',
    r: { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
  },
  {
    path: '/api/v1/namespaces/sensors/secrets/mqtt-credentials',
    r: { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
  },
  {
    path: '/api/v1/namespaces/sensors/services/collector',
    r: { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  },
  {
    path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/calibrations.city.example',
    r: {
      group: 'apiextensions.k8s.io',
      version: 'v1',
      resource: 'customresourcedefinitions',
      kind: 'CustomResourceDefinition',
      namespaced: false,
    },
  },
  {
    path: '/apis/city.example/v1/namespaces/sensors/calibrations/temp-probe-1',
    r: {
      group: 'city.example',
      version: 'v1',
      resource: 'calibrations',
      kind: 'Calibration',
      namespaced: true,
    },
  },
  {
    path: '/apis/apps/v1/namespaces/city/deployments/mqtt-bridge',
    r: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  },
  {
    path: '/apis/apps/v1/namespaces/city/daemonsets/sensor-collector',
    r: { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  },
  {
    path: '/apis/apps/v1/namespaces/monitoring/daemonsets/metrics-agent',
    r: { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  },
];

async function snapshot(cluster: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const { path, r } of CHECKED) {
    const { status, body } = await get(cluster, path);
    out[path] = status === 200 ? stripServerFields(r, body) : `HTTP ${status}`;
  }
  return out;
}

describe('backup and restore of an edge cluster that died with its datastore', () => {
  let backup: BackupData;

  it('backs the cluster up, with the secret never in plaintext in the archive', async () => {
    backup = await backupOf(EDGE);
    expect(backup.phase).toBe('COMPLETED');
    expect(backup.objectCount).toBeGreaterThanOrEqual(CHECKED.length);
    const counts = Object.fromEntries(backup.resourceCounts.map((c) => [c.resource, c.count]));
    expect(counts['calibrations.city.example']).toBe(1);
    expect(counts['customresourcedefinitions.apiextensions.k8s.io']).toBe(1);
    expect(counts['nodes']).toBeUndefined();
    expect(counts['pods']).toBeUndefined();
    const bytes = await readFile(join(gw.dataDir, 'backups', `${backup.id}.json.gz`));
    const text = gunzipSync(bytes).toString('utf8');
    expect(text).toContain('collector-config');
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
    expect(bytes.includes(Buffer.from(SECRET_VALUE))).toBe(false);
  });

  it('restores every object equal onto the wiped cluster, and its pods run again on the arm64 node', async () => {
    const before = await snapshot(EDGE);
    expect(Object.entries(before).filter(([, v]) => typeof v === 'string')).toEqual([]);
    sim(EDGE).wipe();
    expect((await get(EDGE, '/api/v1/namespaces/sensors')).status).toBe(404);
    await eventually(
      () => gw.gateway.connections.get(EDGE)?.connection.state === 'READY',
      20_000,
      'the rebuilt cluster READY',
    );
    // The plan first: on the wiped cluster everything is a create, and nothing changes.
    const plan = await restore({ backup: backup.id, dryRun: true });
    expect(plan.phase).toBe('COMPLETED');
    expect(plan.results.find((x) => x.name === 'collector-config')?.action).toBe('CREATE');
    expect(plan.results.find((x) => x.name === 'calibrations.city.example')?.action).toBe('CREATE');
    expect((await get(EDGE, '/api/v1/namespaces/sensors')).status).toBe(404);
    const r = await restore({ backup: backup.id });
    expect(r.message).toBeNull();
    expect(r.phase).toBe('COMPLETED');
    expect(r.results.filter((x) => x.action === 'FAILED')).toEqual([]);
    expect(await snapshot(EDGE)).toEqual(before);
    const secret = (await get(EDGE, '/api/v1/namespaces/sensors/secrets/mqtt-credentials')).body as {
      data: { password: string };
    };
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe(SECRET_VALUE);
    await eventually(
      async () => {
        const pods = (await get(EDGE, '/api/v1/namespaces/city/pods')).body as {
          items: { metadata: { name: string }; spec: { nodeName?: string }; status: { phase?: string } }[];
        };
        const bridge = pods.items.filter((p) => p.metadata.name.startsWith('mqtt-bridge-'));
        return (
          bridge.length > 0 &&
          bridge.every((p) => p.status.phase === 'Running' && p.spec.nodeName?.includes(EDGE))
        );
      },
      20_000,
      'mqtt-bridge pods Running on the edge node',
    );
  }, 90_000);

  it('reports exactly the changes in a dry run on a changed cluster, and applies them with UPDATE', async () => {
    const res = await clusterRequest(
      sim(EDGE),
      'PATCH',
      '/api/v1/namespaces/sensors/configmaps/collector-config',
      {
        body: JSON.stringify({ data: { interval: '30s' } }),
        headers: { 'content-type': 'application/merge-patch+json' },
      },
    );
    expect(res.status).toBe(200);
    const skip = await restore({ backup: backup.id, dryRun: true });
    expect(skip.results.find((x) => x.name === 'collector-config')?.action).toBe('SKIPPED');
    const plan = await restore({ backup: backup.id, dryRun: true, conflictPolicy: 'FORCE' });
    const changed = plan.results.filter((x) => x.action !== 'UNCHANGED');
    expect(
      changed.map((x) => `${x.kind} ${x.namespace}/${x.name} ${x.action} ${x.changedFields.join(',')}`),
    ).toEqual(['ConfigMap sensors/collector-config UPDATE data.interval']);
    // Nothing changed by the dry run.
    const cm = (await get(EDGE, '/api/v1/namespaces/sensors/configmaps/collector-config')).body as {
      data: Record<string, string>;
    };
    expect(cm.data['interval']).toBe('30s');
    const applied = await restore({ backup: backup.id, conflictPolicy: 'FORCE' });
    expect(applied.results.find((x) => x.name === 'collector-config')?.action).toBe('UPDATED');
    const after = (await get(EDGE, '/api/v1/namespaces/sensors/configmaps/collector-config')).body as {
      data: Record<string, string>;
    };
    expect(after.data['interval']).toBe('10s');
  }, 60_000);

  it('restores onto another cluster with a namespace mapping', async () => {
    const r = await restore({
      backup: backup.id,
      targetCluster: 'edge-b14-1',
      includeNamespaces: ['sensors'],
      namespaceMapping: [{ from: 'sensors', to: 'sensors-b12' }],
    });
    expect(r.phase).toBe('COMPLETED');
    const cm = await get('edge-b14-1', '/api/v1/namespaces/sensors-b12/configmaps/collector-config');
    expect(cm.status).toBe(200);
    const cr = await get(
      'edge-b14-1',
      '/apis/city.example/v1/namespaces/sensors-b12/calibrations/temp-probe-1',
    );
    expect(cr.status).toBe(200);
    expect((await get('edge-b14-1', '/api/v1/namespaces/sensors')).status).toBe(404);
  }, 60_000);

  it('completes a backup over a flaky link (connections reset at random), retrying the pages that failed', async () => {
    const flaky = sim('edge-b21-1');
    flaky.clearRequests();
    await flaky.setFaults({ flaky: 0.3 });
    try {
      const b = await backupOf('edge-b21-1');
      expect(b.message).toBeNull();
      expect(b.phase).toBe('COMPLETED');
      expect(b.objectCount).toBeGreaterThan(5);
      // The link really dropped requests during the backup.
      const dropped = flaky.requests().filter((q) => q.status === undefined && !q.path.includes('watch='));
      expect(dropped.length).toBeGreaterThan(0);
    } finally {
      await flaky.setFaults({ reset: true });
    }
  }, 60_000);

  it('fails verification of an archive with a flipped byte, and refuses to restore it', async () => {
    const ok = await gw.gql<{ verifyBackup: { objects: number } }>(
      `mutation($id: ID!) { verifyBackup(id: $id) { objects } }`,
      { id: backup.id },
    );
    expect(ok.data?.verifyBackup.objects).toBe(backup.objectCount);
    const file = join(gw.dataDir, 'backups', `${backup.id}.json.gz`);
    const bytes = await readFile(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    await writeFile(file, bytes);
    const bad = await gw.gql(`mutation($id: ID!) { verifyBackup(id: $id) { objects } }`, { id: backup.id });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BACKUP_INVALID');
    expect(bad.errors?.[0]?.message).toMatch(/changed or truncated/);
    const refused = await gw.gql(
      `mutation($input: RestoreBackupInput!) { restoreBackup(input: $input) { id } }`,
      { input: { backup: backup.id } },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('BACKUP_INVALID');
  });
});

describe('progress', () => {
  it("replays a backup's phases after a cursor taken before it", async () => {
    const cursor = (await gw.gql<{ eventCursor: string }>('{ eventCursor }')).data?.eventCursor ?? '';
    const b = await backupOf('edge-b21-2');
    const phases: { phase: string; objects: number }[] = [];
    await new Promise<void>((resolve, reject) => {
      const dispose = gw.ws().subscribe(
        {
          query:
            'subscription($id: ID!, $after: String) { backupProgress(id: $id, after: $after) { type phase objects } }',
          variables: { id: b.id, after: cursor },
        },
        {
          next: (m) => {
            const e = (m.data as { backupProgress?: { phase: string; objects: number } } | undefined)
              ?.backupProgress;
            if (e) phases.push(e);
            if (e?.phase === 'COMPLETED') {
              dispose();
              resolve();
            }
          },
          error: (e: unknown) => reject(new Error(JSON.stringify(e))),
          complete: () => resolve(),
        },
      );
    });
    expect(phases.map((p) => p.phase)).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
    expect(phases[2]?.objects).toBe(b.objectCount);
  });
});

describe('backup schedules', () => {
  interface ListedBackup {
    id: string;
    cluster: string;
    phase: string;
    scheduleId: string | null;
  }
  const scheduled = async (cluster: string, scheduleId: string): Promise<ListedBackup[]> =>
    (
      (
        await gw.gql<{ backups: ListedBackup[] }>(
          `query($c: String) { backups(cluster: $c) { id cluster phase scheduleId } }`,
          { c: cluster },
        )
      ).data?.backups ?? []
    ).filter((b) => b.scheduleId === scheduleId);

  it('backs up on schedule, keeps keepLast per cluster, and backs up an offline cluster when it returns', async () => {
    const offline = sim('edge-b30-3');
    await offline.setFaults({ offline: 'down' });
    try {
      await eventually(
        () => gw.gateway.connections.get('edge-b30-3')?.connection.state === 'OFFLINE',
        10_000,
        'edge-b30-3 OFFLINE',
      );
      const bad = await gw.gql(
        `mutation { createBackupSchedule(input: { name: "bad", target: {}, cron: "every minute" }) { id } }`,
      );
      expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
      expect(bad.errors?.[0]?.message).toMatch(/cron "every minute" is invalid/);
      const created = await gw.gql<{ createBackupSchedule: { id: string; nextRunAt: string | null } }>(
        `mutation { createBackupSchedule(input: { name: "b30-every-second", target: { clusters: ["edge-b30-2", "edge-b30-3"] },
          cron: "* * * * * *", retention: { keepLast: 2, keepDaily: 0, keepWeekly: 0 } }) { id nextRunAt } }`,
      );
      const id = created.data?.createBackupSchedule.id ?? '';
      expect(created.data?.createBackupSchedule.nextRunAt).not.toBeNull();
      // Several runs later: retention keeps two per cluster.
      await eventually(
        async () => (await scheduled('edge-b30-2', id)).filter((b) => b.phase === 'COMPLETED').length >= 2,
        15_000,
        'two scheduled backups',
      );
      await new Promise((r) => setTimeout(r, 3000));
      const kept = await scheduled('edge-b30-2', id);
      expect(kept.length).toBeLessThanOrEqual(3);
      // The offline cluster has no failed backups, and is waiting.
      expect(await scheduled('edge-b30-3', id)).toEqual([]);
      const listed = await gw.gql<{ backupSchedules: { name: string; waiting: string[] }[] }>(
        '{ backupSchedules { name waiting } }',
      );
      expect(listed.data?.backupSchedules.find((s) => s.name === 'b30-every-second')?.waiting).toEqual([
        'edge-b30-3',
      ]);
      await offline.setFaults({ reset: true, offline: null });
      await eventually(
        async () => (await scheduled('edge-b30-3', id)).some((b) => b.phase === 'COMPLETED'),
        30_000,
        'a backup of the returned cluster',
      );
      const deleted = await gw.gql(`mutation($id: ID!) { deleteBackupSchedule(id: $id) { name } }`, { id });
      expect(deleted.errors).toBeUndefined();
      await new Promise((r) => setTimeout(r, 2500));
      const after = (await scheduled('edge-b30-2', id)).length;
      await new Promise((r) => setTimeout(r, 2000));
      expect((await scheduled('edge-b30-2', id)).length).toBe(after);
    } finally {
      await offline.setFaults({ reset: true, offline: null });
    }
  }, 90_000);
});
