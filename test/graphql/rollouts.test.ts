/**
 * Fleet deployments against the smart-city simulator over real HTTP: a canary-then-batches
 * rollout really updates and converges every targeted cluster; an amd64-only image fails on
 * the canary with the pod's ImagePullBackOff and pauses with no other cluster touched; an
 * offline cluster gets the change when it returns; a gateway restart mid-rollout completes it
 * without writing anything twice (the simulator's request log); a dry run changes nothing
 * and reports the diff; scale, set image, restart, rollback and delete each reach the
 * clusters; idempotency keys and progress events.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCluster } from '../../sim/cluster.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually, startTestFleet, type TestFleet } from '../helpers/sim.js';

let fleet: TestFleet;
let gw: TestGateway;
let dataDir: string;

const FAST = { tickMs: 100, pollMs: 200 };
/** The simulator's image catalogue is what its clusters pull from. */
const images = () => ({ catalogue: (image: string) => fleet.fleet.images.platforms(image) });

interface Step {
  cluster: string;
  state: string;
  canary: boolean;
  message: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}
interface RolloutData {
  id: string;
  phase: string;
  message: string | null;
  clusters: Step[];
  dryRunResults: { cluster: string; change: string; changedFields: string[]; message: string | null }[];
}

const ROLLOUT_FIELDS = `id phase message
  clusters { cluster state canary message startedAt finishedAt }
  dryRunResults { cluster change changedFields message }`;

function sim(name: string): SimCluster {
  const c = fleet.fleet.find(name);
  if (!c) throw new Error(`no simulated cluster ${name}`);
  return c;
}

interface DeploymentObject {
  metadata: { generation: number; annotations?: Record<string, string> };
  spec: {
    replicas: number;
    template: {
      metadata?: { annotations?: Record<string, string> };
      spec: { containers: { name: string; image: string }[] };
    };
  };
  status?: { availableReplicas?: number; updatedReplicas?: number };
}

function deploymentOn(cluster: string, namespace: string, name: string): DeploymentObject | undefined {
  return sim(cluster).store.get('apps/deployments', namespace, name) as DeploymentObject | undefined;
}

async function mutate(mutation: string, input: Record<string, unknown>): Promise<RolloutData> {
  const r = await gw.gql<Record<string, RolloutData>>(
    `mutation($input: ${inputType(mutation)}!) { ${mutation}(input: $input) { ${ROLLOUT_FIELDS} } }`,
    { input },
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  const data = r.data?.[mutation];
  if (!data) throw new Error(`no data: ${r.raw}`);
  return data;
}

function inputType(mutation: string): string {
  return (
    {
      applyDeployment: 'ApplyDeploymentInput',
      scaleDeployment: 'ScaleDeploymentInput',
      setDeploymentImage: 'SetDeploymentImageInput',
      restartDeployment: 'DeploymentRolloutInput',
      rollbackDeployment: 'RollbackDeploymentInput',
      deleteDeployment: 'DeploymentRolloutInput',
    }[mutation] ?? 'X'
  );
}

async function rollout(id: string): Promise<RolloutData> {
  const r = await gw.gql<{ rollout: RolloutData }>(
    `query($id: ID!) { rollout(id: $id) { ${ROLLOUT_FIELDS} } }`,
    { id },
  );
  if (!r.data?.rollout) throw new Error(`no rollout: ${r.raw}`);
  return r.data.rollout;
}

async function until(id: string, phases: string[], timeoutMs = 30_000): Promise<RolloutData> {
  return eventually(
    async () => {
      const r = await rollout(id);
      return phases.includes(r.phase) ? r : undefined;
    },
    timeoutMs,
    `rollout ${id} ${phases.join('/')}`,
  );
}

/** Non-dry-run writes to a Deployment path in a cluster's request log. */
function writesTo(cluster: string, namespace: string, name: string): { method: string; path: string }[] {
  return sim(cluster)
    .requests()
    .filter(
      (r) =>
        r.method !== 'GET' &&
        r.path.startsWith(`/apis/apps/v1/namespaces/${namespace}/deployments/${name}`) &&
        !r.path.includes('dryRun=All'),
    );
}

const SITES_B12_B14 = { sites: ['b12', 'b14'], architectures: ['ARM64'] };

beforeAll(async () => {
  fleet = await startTestFleet('smart-city', 0.02);
  fleet.fleet.images.set('registry.example/sensor-api:2.4', ['linux/amd64', 'linux/arm64']);
  fleet.fleet.images.set('registry.example/sensor-api:2.5', ['linux/amd64', 'linux/arm64']);
  dataDir = await mkdtemp(join(tmpdir(), 'fleetgraph-rollouts-'));
  gw = await startTestGateway({
    kubeconfigPath: fleet.kubeconfigPath,
    dataDir,
    rollouts: FAST,
    images: images(),
  });
  await gw.settled();
}, 90_000);

afterAll(async () => {
  await gw?.close();
  await fleet?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('applyDeployment', () => {
  it('rolls a new Deployment out canary first, then in batches, until every cluster really converged', async () => {
    const started = await mutate('applyDeployment', {
      target: SITES_B12_B14,
      deployment: {
        name: 'sensor-api',
        namespace: 'sensors',
        image: 'registry.example/sensor-api:2.4',
        replicas: 2,
      },
      strategy: { canaryClusters: 1, canarySoakSeconds: 1, maxConcurrentClusters: 2 },
    });
    expect(started.clusters).toHaveLength(6);
    expect(started.clusters.filter((c) => c.canary)).toHaveLength(1);
    const done = await until(started.id, ['SUCCEEDED', 'FAILED', 'PAUSED']);
    expect(done.phase).toBe('SUCCEEDED');
    const canary = done.clusters.find((c) => c.canary);
    for (const c of done.clusters) {
      expect(c.state).toBe('SUCCEEDED');
      const d = deploymentOn(c.cluster, 'sensors', 'sensor-api');
      expect(d?.spec.template.spec.containers[0]?.image).toBe('registry.example/sensor-api:2.4');
      expect(d?.status?.availableReplicas).toBe(2);
      // Nobody started before the canary finished and soaked.
      if (!c.canary)
        expect(Date.parse(c.startedAt ?? '')).toBeGreaterThanOrEqual(
          Date.parse(canary?.finishedAt ?? '') + 1000,
        );
    }
    // Batches of two: never more than two clusters in flight after the canary.
    const others = done.clusters.filter((c) => !c.canary);
    for (const c of others) {
      const overlapping = others.filter(
        (o) =>
          Date.parse(o.startedAt ?? '') < Date.parse(c.finishedAt ?? '') &&
          Date.parse(o.finishedAt ?? '') > Date.parse(c.startedAt ?? ''),
      );
      expect(overlapping.length).toBeLessThanOrEqual(2);
    }
    // Clusters outside the target are untouched.
    expect(deploymentOn('edge-b21-1', 'sensors', 'sensor-api')).toBeUndefined();
  }, 60_000);

  it('fails on the canary with the pod ImagePullBackOff reason for an amd64-only image and pauses, touching no other cluster', async () => {
    const before = ['edge-b21-2', 'edge-b21-3'].map(
      (c) => deploymentOn(c, 'city', 'mqtt-bridge')?.metadata.generation,
    );
    const input = {
      target: { sites: ['b21'] },
      namespace: 'city',
      name: 'mqtt-bridge',
      images: [{ container: 'mqtt-bridge', image: 'registry.example/legacy-analytics:2.0' }],
      strategy: { canaryNames: ['edge-b21-1'], progressDeadlineSeconds: 60 },
    };
    // Refused by the platform check: the image has no arm64 variant.
    const refused = await gw.gql(
      'mutation($input: SetDeploymentImageInput!) { setDeploymentImage(input: $input) { id } }',
      { input },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('IMAGE_PLATFORM_MISSING');
    expect(refused.errors?.[0]?.message).toMatch(
      /image registry.example\/legacy-analytics:2.0 has platforms linux\/amd64 .*would not run on 3 cluster\(s\): edge-b21-1 \(ARM64\), edge-b21-2 \(ARM64\), edge-b21-3 \(ARM64\)/,
    );
    expect(writesTo('edge-b21-1', 'city', 'mqtt-bridge')).toEqual([]);
    // Forced: it fails on the canary.
    const started = await mutate('setDeploymentImage', { ...input, force: true });
    const paused = await until(started.id, ['PAUSED', 'SUCCEEDED', 'FAILED']);
    expect(paused.phase).toBe('PAUSED');
    const canary = paused.clusters.find((c) => c.cluster === 'edge-b21-1');
    expect(canary?.state).toBe('FAILED');
    expect(canary?.message).toMatch(/ImagePullBackOff/);
    expect(paused.clusters.filter((c) => !c.canary).every((c) => c.state === 'PENDING')).toBe(true);
    const after = ['edge-b21-2', 'edge-b21-3'].map(
      (c) => deploymentOn(c, 'city', 'mqtt-bridge')?.metadata.generation,
    );
    expect(after).toEqual(before);
    expect(writesTo('edge-b21-2', 'city', 'mqtt-bridge')).toEqual([]);

    // Cancel it and put the canary back.
    const cancelled = await gw.gql<{ cancelRollout: RolloutData }>(
      `mutation($id: ID!) { cancelRollout(id: $id) { ${ROLLOUT_FIELDS} } }`,
      { id: started.id },
    );
    expect(cancelled.data?.cancelRollout.phase).toBe('CANCELLED');
    expect(cancelled.data?.cancelRollout.clusters.filter((c) => c.state === 'CANCELLED')).toHaveLength(2);
    const fixed = await mutate('setDeploymentImage', {
      target: { clusters: ['edge-b21-1'] },
      namespace: 'city',
      name: 'mqtt-bridge',
      images: [{ container: 'mqtt-bridge', image: 'registry.example/mqtt-bridge:2.1' }],
      strategy: { canaryClusters: 0 },
    });
    expect((await until(fixed.id, ['SUCCEEDED', 'FAILED', 'PAUSED'])).phase).toBe('SUCCEEDED');
  }, 60_000);

  it('waits for an offline cluster and applies the change when it returns', async () => {
    const offline = sim('edge-b30-2');
    await offline.setFaults({ offline: 'down' });
    try {
      await eventually(
        () => gw.gateway.connections.get('edge-b30-2')?.connection.state === 'OFFLINE',
        10_000,
        'edge-b30-2 OFFLINE',
      );
      const started = await mutate('applyDeployment', {
        target: { sites: ['b30'] },
        deployment: { name: 'sensor-api', namespace: 'sensors', image: 'registry.example/sensor-api:2.4' },
        strategy: { canaryClusters: 1, canarySoakSeconds: 0, maxConcurrentClusters: 3 },
      });
      const waiting = await eventually(
        async () => {
          const r = await rollout(started.id);
          const others = r.clusters.filter((c) => c.cluster !== 'edge-b30-2');
          return others.every((c) => c.state === 'SUCCEEDED') &&
            r.clusters.find((c) => c.cluster === 'edge-b30-2')?.state === 'WAITING_FOR_CLUSTER'
            ? r
            : undefined;
        },
        30_000,
        'the reachable clusters done, the offline one waiting',
      );
      expect(waiting.phase).toBe('RUNNING');
      // The canary was chosen among the clusters that answered.
      expect(waiting.clusters.find((c) => c.canary)?.cluster).not.toBe('edge-b30-2');
      expect(deploymentOn('edge-b30-2', 'sensors', 'sensor-api')).toBeUndefined();
      await offline.setFaults({ reset: true, offline: null });
      const done = await until(started.id, ['SUCCEEDED', 'FAILED', 'PAUSED'], 45_000);
      expect(done.phase).toBe('SUCCEEDED');
      expect(deploymentOn('edge-b30-2', 'sensors', 'sensor-api')?.status?.availableReplicas).toBe(1);
    } finally {
      await offline.setFaults({ reset: true, offline: null });
    }
  }, 90_000);
});

describe('control', () => {
  it('supersedes the part of an older rollout that waits for an offline cluster', async () => {
    const offline = sim('edge-b14-3');
    await offline.setFaults({ offline: 'down' });
    try {
      await eventually(
        () => gw.gateway.connections.get('edge-b14-3')?.connection.state === 'OFFLINE',
        10_000,
        'edge-b14-3 OFFLINE',
      );
      const base = {
        target: { clusters: ['edge-b14-3'] },
        namespace: 'city',
        name: 'mqtt-bridge',
        strategy: { canaryClusters: 0 },
      };
      const older = await mutate('scaleDeployment', { ...base, replicas: 3 });
      await eventually(
        async () => (await rollout(older.id)).clusters[0]?.state === 'WAITING_FOR_CLUSTER',
        10_000,
        'the older rollout waiting',
      );
      const newer = await mutate('scaleDeployment', { ...base, replicas: 2 });
      const superseded = await until(older.id, ['SUCCEEDED', 'FAILED']);
      expect(superseded.clusters[0]).toMatchObject({
        state: 'SUPERSEDED',
        message: `superseded by rollout ${newer.id}`,
      });
      await offline.setFaults({ reset: true, offline: null });
      expect((await until(newer.id, ['SUCCEEDED', 'FAILED', 'PAUSED'], 45_000)).phase).toBe('SUCCEEDED');
      expect(deploymentOn('edge-b14-3', 'city', 'mqtt-bridge')?.spec.replicas).toBe(2);
    } finally {
      await offline.setFaults({ reset: true, offline: null });
    }
  }, 90_000);

  it('pauses and resumes, one site at a time with bySite', async () => {
    const started = await mutate('scaleDeployment', {
      target: { sites: ['b12', 'b21'] },
      namespace: 'city',
      name: 'mqtt-bridge',
      replicas: 1,
      strategy: { canaryClusters: 0, maxConcurrentClusters: 10, bySite: true },
    });
    const paused = await gw.gql<{ pauseRollout: RolloutData }>(
      `mutation($id: ID!) { pauseRollout(id: $id) { ${ROLLOUT_FIELDS} } }`,
      { id: started.id },
    );
    expect(paused.data?.pauseRollout.phase).toBe('PAUSED');
    await new Promise((r) => setTimeout(r, 500));
    const whilePaused = await rollout(started.id);
    // Nothing of the second site started while paused.
    expect(
      whilePaused.clusters
        .filter((c) => c.cluster.startsWith('edge-b21'))
        .every((c) => c.state === 'PENDING'),
    ).toBe(true);
    const resumed = await gw.gql<{ resumeRollout: RolloutData }>(
      `mutation($id: ID!) { resumeRollout(id: $id) { phase } }`,
      { id: started.id },
    );
    expect(resumed.data?.resumeRollout.phase).toBe('RUNNING');
    const done = await until(started.id, ['SUCCEEDED', 'FAILED', 'PAUSED']);
    expect(done.phase).toBe('SUCCEEDED');
    const b12 = done.clusters.filter((c) => c.cluster.startsWith('edge-b12'));
    const b21 = done.clusters.filter((c) => c.cluster.startsWith('edge-b21'));
    const lastB12 = Math.max(...b12.map((c) => Date.parse(c.finishedAt ?? '')));
    for (const c of b21) expect(Date.parse(c.startedAt ?? '')).toBeGreaterThanOrEqual(lastB12);
    const again = await gw.gql(`mutation($id: ID!) { resumeRollout(id: $id) { phase } }`, { id: started.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  }, 60_000);
});

describe('dry run', () => {
  it('changes nothing and reports per cluster what would change', async () => {
    for (const c of ['edge-b14-1', 'edge-b14-2']) sim(c).clearRequests();
    const before = deploymentOn('edge-b14-1', 'sensors', 'sensor-api')?.metadata.generation;
    const r = await mutate('setDeploymentImage', {
      target: { clusters: ['edge-b14-1', 'edge-b14-2'] },
      namespace: 'sensors',
      name: 'sensor-api',
      images: [{ container: 'sensor-api', image: 'registry.example/sensor-api:2.5' }],
      dryRun: true,
    });
    expect(r.phase).toBe('SUCCEEDED');
    expect(r.dryRunResults.map((x) => x.change)).toEqual(['CHANGED', 'CHANGED']);
    expect(r.dryRunResults[0]?.changedFields).toContain('spec.template.spec.containers[sensor-api].image');
    expect(deploymentOn('edge-b14-1', 'sensors', 'sensor-api')?.metadata.generation).toBe(before);
    expect(writesTo('edge-b14-1', 'sensors', 'sensor-api')).toEqual([]);
    expect(
      sim('edge-b14-1')
        .requests()
        .some((q) => q.path.includes('dryRun=All')),
    ).toBe(true);

    const fresh = await mutate('applyDeployment', {
      target: { clusters: ['edge-b14-1'] },
      deployment: { name: 'not-there', namespace: 'nowhere', image: 'registry.example/sensor-api:2.4' },
      dryRun: true,
    });
    expect(fresh.dryRunResults[0]).toMatchObject({
      change: 'CREATED',
      message: 'namespace nowhere would be created too',
    });
    expect(sim('edge-b14-1').store.get('/namespaces', undefined, 'nowhere')).toBeUndefined();
  });
});

describe('Deployment operations', () => {
  const target = { clusters: ['edge-b12-1', 'edge-b12-2'] };
  const ns = 'sensors';
  const name = 'sensor-api';
  const run = async (mutation: string, extra: Record<string, unknown>) => {
    const r = await mutate(mutation, {
      target,
      namespace: ns,
      name,
      strategy: { canaryClusters: 0 },
      ...extra,
    });
    const done = await until(r.id, ['SUCCEEDED', 'FAILED', 'PAUSED']);
    expect(done.clusters.map((c) => `${c.cluster} ${c.state} ${c.message ?? ''}`)).toEqual(
      target.clusters.map((c) => `${c} SUCCEEDED `),
    );
    return done;
  };

  it('scales, sets the image, restarts, rolls back and deletes, as seen on the clusters', async () => {
    await run('scaleDeployment', { replicas: 3 });
    for (const c of target.clusters) expect(deploymentOn(c, ns, name)?.status?.availableReplicas).toBe(3);

    await run('setDeploymentImage', {
      images: [{ container: name, image: 'registry.example/sensor-api:2.5' }],
    });
    for (const c of target.clusters)
      expect(deploymentOn(c, ns, name)?.spec.template.spec.containers[0]?.image).toBe(
        'registry.example/sensor-api:2.5',
      );

    await run('restartDeployment', {});
    for (const c of target.clusters)
      expect(
        deploymentOn(c, ns, name)?.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'],
      ).toBeDefined();

    await run('rollbackDeployment', {});
    for (const c of target.clusters) {
      const d = deploymentOn(c, ns, name);
      // The revision before the restart: image 2.5, no restartedAt annotation.
      expect(d?.spec.template.spec.containers[0]?.image).toBe('registry.example/sensor-api:2.5');
      expect(d?.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeUndefined();
    }

    await run('deleteDeployment', {});
    for (const c of target.clusters) expect(deploymentOn(c, ns, name)).toBeUndefined();
  }, 90_000);

  it('answers bad input with VALIDATION_FAILED and unknown clusters with NOT_FOUND, and audits it', async () => {
    const bad = await gw.gql(
      'mutation { scaleDeployment(input: { target: { sites: ["b12"] }, name: "Bad_Name", replicas: 1 }) { id } }',
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.message).toMatch(/name "Bad_Name" is invalid/);
    const unknown = await gw.gql(
      'mutation { scaleDeployment(input: { target: { clusters: ["nope"] }, name: "x", replicas: 1 }) { id } }',
    );
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const manifest = await gw.gql(
      'mutation { applyDeployment(input: { target: {}, manifest: "kind: Pod" }) { id } }',
    );
    expect(manifest.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(manifest.errors?.[0]?.message).toMatch(/expected apps\/v1 Deployment/);
    const audit = await gw.gql<{ auditLog: { nodes: { action: string; outcome: string }[] } }>(
      '{ auditLog(first: 5, where: { action: "rollout.scaleDeployment" }) { nodes { action outcome } } }',
    );
    expect(audit.data?.auditLog.nodes.some((n) => n.outcome === 'FAILURE')).toBe(true);
  });

  it('returns the same rollout for the same idempotency key', async () => {
    const input = {
      target: { clusters: ['edge-b12-3'] },
      namespace: 'city',
      name: 'mqtt-bridge',
      replicas: 1,
      idempotencyKey: 'scale-mqtt-b12-3',
      strategy: { canaryClusters: 0 },
    };
    const a = await mutate('scaleDeployment', input);
    const b = await mutate('scaleDeployment', input);
    expect(b.id).toBe(a.id);
    await until(a.id, ['SUCCEEDED']);
  });
});

describe('rolloutProgress', () => {
  it('streams every cluster transition and phase of a rollout, and replays them after a cursor', async () => {
    const cursor = (await gw.gql<{ eventCursor: string }>('{ eventCursor }')).data?.eventCursor ?? '';
    expect(cursor).not.toBe('');
    const started = await mutate('scaleDeployment', {
      target: { clusters: ['edge-b14-2', 'edge-b14-3'] },
      namespace: 'city',
      name: 'mqtt-bridge',
      replicas: 2,
      strategy: { canaryClusters: 0, maxConcurrentClusters: 1 },
    });
    await until(started.id, ['SUCCEEDED']);
    // Subscribing after the fact, after a cursor taken before the rollout, replays its history.
    const events: {
      cursor: string;
      type: string;
      cluster: string | null;
      state: string | null;
      phase: string;
    }[] = [];
    const all = events;
    const client = gw.ws();
    await new Promise<void>((resolve, reject) => {
      const dispose = client.subscribe(
        {
          query: `subscription($id: ID!, $after: String) { rolloutProgress(id: $id, after: $after) { cursor type cluster state phase } }`,
          variables: { id: started.id, after: cursor },
        },
        {
          next: (m) => {
            const e = (m.data as { rolloutProgress?: (typeof events)[number] } | undefined)?.rolloutProgress;
            if (e) all.push(e);
            if (e?.type === 'PHASE' && e.phase === 'SUCCEEDED') {
              dispose();
              resolve();
            }
          },
          error: (e: unknown) => reject(new Error(JSON.stringify(e))),
          complete: () => resolve(),
        },
      );
    });
    const of = (c: string) => all.filter((e) => e.cluster === c).map((e) => e.state);
    expect(of('edge-b14-2')).toEqual(['APPLYING', 'PROGRESSING', 'SUCCEEDED']);
    expect(of('edge-b14-3')).toEqual(['APPLYING', 'PROGRESSING', 'SUCCEEDED']);
    expect(all.filter((e) => e.type === 'PHASE').map((e) => e.phase)).toEqual([
      'PENDING',
      'RUNNING',
      'SUCCEEDED',
    ]);
    const unknown = await gw.gql('subscription { rolloutProgress(id: "ro-nope") { cursor } }');
    expect(unknown.errors?.[0]).toBeDefined();
  });
});

describe('restart', () => {
  it('completes a rollout after a gateway restart mid-rollout without writing anything twice', async () => {
    const clusters = ['edge-b21-1', 'edge-b21-2', 'edge-b21-3'];
    for (const c of clusters) sim(c).clearRequests();
    // A gateway that checks convergence only every 3 s, so a step stays PROGRESSING a while.
    await gw.close();
    gw = await startTestGateway({
      kubeconfigPath: fleet.kubeconfigPath,
      dataDir,
      rollouts: { tickMs: 100, pollMs: 3000 },
    });
    await gw.settled();
    const started = await mutate('applyDeployment', {
      target: { clusters },
      deployment: {
        name: 'restart-probe',
        namespace: 'sensors',
        image: 'registry.example/sensor-api:2.4',
        replicas: 2,
      },
      strategy: { canaryClusters: 1, canarySoakSeconds: 0, maxConcurrentClusters: 1 },
    });
    // Stop while the canary's write has landed and it waits for convergence.
    await eventually(
      async () => (await rollout(started.id)).clusters.some((c) => c.state === 'PROGRESSING'),
      20_000,
      'canary PROGRESSING',
    );
    await gw.close();
    gw = await startTestGateway({
      kubeconfigPath: fleet.kubeconfigPath,
      dataDir,
      rollouts: FAST,
      images: images(),
    });
    const done = await until(started.id, ['SUCCEEDED', 'FAILED', 'PAUSED'], 45_000);
    expect(done.phase).toBe('SUCCEEDED');
    for (const c of clusters) {
      // One apply per cluster, and one generation.
      expect(writesTo(c, 'sensors', 'restart-probe').map((w) => w.method)).toEqual(['PATCH']);
      expect(deploymentOn(c, 'sensors', 'restart-probe')?.metadata.generation).toBe(1);
    }
  }, 90_000);
});
