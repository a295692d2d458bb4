/**
 * The gateway process killed (SIGKILL) in the middle of a rollout and started again on the
 * same data directory completes the rollout, and the simulator's request log shows one
 * write per cluster: nothing was applied twice, no generation bumped twice.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlAt, killProcess, startGatewayProcess } from '../helpers/gateway-process.js';
import { eventually, startTestFleet, type TestFleet } from '../helpers/sim.js';

let fleet: TestFleet;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  fleet = await startTestFleet('smart-city', 0.05);
  dir = await mkdtemp(join(tmpdir(), 'fleetgraph-kill-'));
  const images = fleet.fleet.images
    .list()
    .map((i) => `- name: ${i.name}\n  platforms: [${i.platforms.join(', ')}]`);
  await writeFile(join(dir, 'images.yaml'), `${images.join('\n')}\n`);
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await fleet?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a gateway killed mid-rollout', () => {
  it('completes the rollout after a restart, writing each cluster once', async () => {
    const clusters = ['edge-b30-1', 'edge-b30-2', 'edge-b30-3'];
    for (const c of clusters) fleet.fleet.find(c)?.clearRequests();
    let port = 0;
    const start = async () => {
      const started = await startGatewayProcess(
        fleet,
        { dataDir: join(dir, 'data'), extraArgs: ['--image-catalogue', join(dir, 'images.yaml')] },
        children,
      );
      port = started.port;
      return started.child;
    };
    const first = await start();
    const { applyDeployment } = await gqlAt<{ applyDeployment: { id: string } }>(
      port,
      `mutation { applyDeployment(input: { target: { clusters: ${JSON.stringify(clusters)} },
        deployment: { name: "kill-probe", namespace: "sensors", image: "registry.example/mqtt-bridge:2.1", replicas: 2 },
        strategy: { canaryClusters: 1, canarySoakSeconds: 0, maxConcurrentClusters: 1 } }) { id } }`,
    );
    const id = applyDeployment.id;
    const states = async () =>
      (
        await gqlAt<{ rollout: { phase: string; clusters: { cluster: string; state: string }[] } }>(
          port,
          `{ rollout(id: "${id}") { phase clusters { cluster state } } }`,
        )
      ).rollout;
    // Kill it once the canary is done and the next cluster is being written or converging.
    await eventually(
      async () => {
        const r = await states();
        return r.clusters.filter((c) => c.state === 'SUCCEEDED').length >= 1 &&
          r.clusters.some((c) => c.state === 'APPLYING' || c.state === 'PROGRESSING')
          ? r
          : undefined;
      },
      30_000,
      'the canary done and the second cluster in progress',
    );
    await killProcess(first);
    await start();
    const done = await eventually(
      async () => {
        const r = await states();
        return ['SUCCEEDED', 'FAILED', 'PAUSED'].includes(r.phase) ? r : undefined;
      },
      60_000,
      'the rollout finished after the restart',
    );
    expect(done.phase).toBe('SUCCEEDED');
    for (const c of clusters) {
      const sim = fleet.fleet.find(c);
      const writes = (sim?.requests() ?? []).filter(
        (r) =>
          r.method !== 'GET' &&
          r.path.startsWith('/apis/apps/v1/namespaces/sensors/deployments/kill-probe') &&
          !r.path.includes('dryRun=All'),
      );
      expect(writes.map((w) => w.method)).toEqual(['PATCH']);
      const d = sim?.store.get('apps/deployments', 'sensors', 'kill-probe') as
        { metadata: { generation: number }; status?: { availableReplicas?: number } } | undefined;
      expect(d?.metadata.generation).toBe(1);
      expect(d?.status?.availableReplicas).toBe(2);
    }
  }, 120_000);
});
