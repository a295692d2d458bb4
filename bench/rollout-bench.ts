/**
 * Rollout benchmark, as users run it: a simulated fleet (`fleetgraph sim --clusters N`) with
 * --latency-ms of API latency on every cluster (the simulator's latency fault), the gateway
 * (`fleetgraph serve`) in its own process, and this process applying one new Deployment to
 * every cluster with one canary (no soak) and then --concurrency clusters at a time.
 *
 * It reports the total time from the mutation to SUCCEEDED, the per-cluster step time
 * (write to converged, p50/p99), the ideal total (canary step + clusters / concurrency ×
 * median step time) and the gateway's overhead over it, the gateway's CPU and RSS.
 *
 *   npm run bench:rollout -- --clusters 1000 --latency-ms 50 --concurrency 100
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { cpuSeconds, gql, rssMiB, startGateway, startSim, stats, stopAll } from './harness.js';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '1000' },
    'latency-ms': { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '100' },
  },
});
const N = Number(values.clusters);
const LATENCY = Number(values['latency-ms']);
const CONCURRENCY = Number(values.concurrency);

interface Step {
  cluster: string;
  state: string;
  canary: boolean;
  startedAt: string | null;
  appliedAt: string | null;
  finishedAt: string | null;
  message: string | null;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetgraph-rollout-bench-'));
  const kubeconfigPath = join(dir, 'kubeconfig.yaml');
  const children: ChildProcess[] = [];
  try {
    const ready = (await startSim({ clusters: N, large: 0, kubeconfigPath }, children)) as Awaited<
      ReturnType<typeof startSim>
    > & { images: { name: string; platforms: string[] }[] };
    // The gateway learns image platforms from the simulator's catalogue (no registry here).
    const catalogue = join(dir, 'images.yaml');
    writeFileSync(catalogue, toYaml(ready.images));
    for (const c of ready.clusters) {
      const res = await fetch(`${ready.adminUrl}/clusters/${c.name}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs: LATENCY }),
      });
      if (!res.ok) throw new Error(`admin API: ${res.status}`);
    }
    const gw = await startGateway(
      {
        kubeconfigPath,
        dataDir: join(dir, 'data'),
        clusters: N,
        extraArgs: ['--image-catalogue', catalogue],
      },
      children,
    );
    console.log(`fleet: ${N} clusters with ${LATENCY} ms API latency; gateway READY in ${gw.syncMs} ms`);
    const image = ready.images.find(
      (i) => i.platforms.includes('linux/arm64') && i.platforms.includes('linux/amd64'),
    );
    if (!image) throw new Error('no multi-arch image in the catalogue');

    const cpu0 = cpuSeconds(gw.pid);
    const t0 = performance.now();
    const created = await gql(
      gw.url,
      `mutation { applyDeployment(input: { target: {}, deployment: { name: "bench-app", namespace: "bench", image: "${image.name}", replicas: 1 },
        strategy: { canaryClusters: 1, canarySoakSeconds: 0, maxConcurrentClusters: ${CONCURRENCY}, progressDeadlineSeconds: 600 } }) { id } }`,
    );
    const id = (created.data?.applyDeployment as { id?: string } | undefined)?.id;
    if (!id) throw new Error(`applyDeployment: ${JSON.stringify(created).slice(0, 500)}`);
    let rssPeak = 0;
    let final: { phase: string; clusters: Step[] } | undefined;
    for (;;) {
      rssPeak = Math.max(rssPeak, rssMiB(gw.pid));
      const r = await gql(
        gw.url,
        `{ rollout(id: "${id}") { phase clusters { cluster state canary startedAt appliedAt finishedAt message } } }`,
      );
      const ro = r.data?.rollout as { phase: string; clusters: Step[] } | undefined;
      if (ro && ['SUCCEEDED', 'FAILED', 'PAUSED', 'CANCELLED'].includes(ro.phase)) {
        final = ro;
        break;
      }
      if (performance.now() - t0 > 1_800_000) throw new Error('rollout did not finish in 30 min');
      await new Promise((res) => setTimeout(res, 1000));
    }
    const totalS = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(gw.pid) - cpu0;
    const failed = final.clusters.filter((c) => c.state !== 'SUCCEEDED');
    const steps = final.clusters
      .filter((c) => c.startedAt && c.finishedAt)
      .map((c) => (Date.parse(c.finishedAt ?? '') - Date.parse(c.startedAt ?? '')) / 1000);
    const s = stats(steps);
    const canary = final.clusters.find((c) => c.canary);
    const canaryS = canary
      ? (Date.parse(canary.finishedAt ?? '') - Date.parse(canary.startedAt ?? '')) / 1000
      : 0;
    const ideal = canaryS + Math.ceil((N - 1) / CONCURRENCY) * s.p50;
    console.log('\nresults');
    console.table({
      clusters: { value: N },
      'API latency (ms)': { value: LATENCY },
      maxConcurrentClusters: { value: CONCURRENCY },
      phase: { value: final.phase },
      'clusters not SUCCEEDED': { value: failed.length },
      'total (s)': { value: +totalS.toFixed(1) },
      'step p50 / p99 (s)': { value: `${s.p50.toFixed(2)} / ${s.p99.toFixed(2)}` },
      'ideal: canary + ceil((N-1)/concurrency) × step p50 (s)': { value: +ideal.toFixed(1) },
      'overhead over ideal (s)': { value: +(totalS - ideal).toFixed(1) },
      'total / ideal': { value: +(totalS / ideal).toFixed(2) },
      'gateway CPU during the rollout (s)': { value: +cpu.toFixed(1) },
      'gateway RSS peak (MiB)': { value: +rssPeak.toFixed(0) },
    });
    if (failed.length > 0) console.log('first failures:', failed.slice(0, 3));
  } finally {
    await stopAll(children);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
