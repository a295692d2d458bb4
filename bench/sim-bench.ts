/**
 * Simulator benchmark: start time, memory, and list/watch throughput of a 1,000-cluster fleet.
 *
 *   npm run bench -- --clusters 1000
 *
 * The fleet runs in its own process (`fleetgraph sim --clusters N`, the same command users run),
 * so its RSS is measured alone and the load generator here does not steal its event loop.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { cpuSeconds, SIM_NODE_ARGS } from './harness.js';

interface ReadyLine {
  adminUrl: string;
  kubeconfig: string;
  clusters: { name: string; server: string; site: string; architectures: string[] }[];
}

interface Target {
  name: string;
  server: string;
  token: string;
  ca: string;
  agent: Agent;
}

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '32' },
    watchers: { type: 'string', default: '200' },
    writes: { type: 'string', default: '5' },
  },
});
const N = Number(values.clusters);
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const WATCHERS = Math.min(Number(values.watchers), N);
const WRITES = Number(values.writes);

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function call(
  t: Target,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${t.token}` };
    if (body) headers['Content-Type'] = 'application/json';
    const req = request(new URL(path, t.server), { method, headers, ca: t.ca, agent: t.agent }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetgraph-bench-'));
  const kubeconfigPath = join(dir, 'kubeconfig.yaml');
  const started = performance.now();
  // The compiled command, as `npm run sim` runs it (`npm run bench` builds dist/ first).
  const child = spawn(
    process.execPath,
    [
      ...SIM_NODE_ARGS,
      'dist/gateway/cli.js',
      'sim',
      '--clusters',
      String(N),
      '--kubeconfig-out',
      kubeconfigPath,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as ReadyLine);
    });
    child.on('exit', (code) => reject(new Error(`sim exited with ${code}`)));
  });
  const startMs = performance.now() - started;
  const pid = child.pid ?? 0;
  const rssReady = rssMiB(pid);
  await new Promise((r) => setTimeout(r, 5000));
  const rssSettled = rssMiB(pid);
  const cpuIdle0 = cpuSeconds(pid);
  await new Promise((r) => setTimeout(r, 10_000));
  const idleCpuPct = ((cpuSeconds(pid) - cpuIdle0) / 10) * 100;

  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const targets: Target[] = kc.getContexts().map((ctx) => {
    const cluster = kc.getCluster(ctx.cluster);
    const user = kc.getUser(ctx.user);
    return {
      name: ctx.name,
      server: cluster?.server ?? '',
      ca: Buffer.from(cluster?.caData ?? '', 'base64').toString('utf8'),
      token: user?.token ?? '',
      agent: new Agent({ keepAlive: true, maxSockets: 4 }),
    };
  });

  // List throughput: pods and nodes lists spread over every cluster, fixed concurrency.
  const latencies: number[] = [];
  let bytes = 0;
  let next = 0;
  const listStart = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const t = targets[i % targets.length];
        if (!t) continue;
        const path = i % 2 === 0 ? '/api/v1/pods' : '/api/v1/nodes';
        const t0 = performance.now();
        const r = await call(t, 'GET', path);
        latencies.push(performance.now() - t0);
        bytes += r.bytes;
        if (r.status !== 200) throw new Error(`list ${path} on ${t.name}: HTTP ${r.status}`);
      }
    }),
  );
  const listSeconds = (performance.now() - listStart) / 1000;
  latencies.sort((a, b) => a - b);

  // Watch throughput: one configmap watch on each of WATCHERS clusters, WRITES creates each.
  const watchTargets = targets.slice(0, WATCHERS);
  let delivered = 0;
  const expected = watchTargets.length * WRITES;
  const watchReqs = watchTargets.map(
    (t) =>
      new Promise<() => void>((resolve) => {
        const req = request(
          new URL('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0', t.server),
          { headers: { Authorization: `Bearer ${t.token}` }, ca: t.ca, agent: false },
          (res) => {
            res.on('data', (d: Buffer) => {
              for (const line of d.toString().split('\n'))
                if (line.includes('"ADDED"') && line.includes('bench-')) delivered++;
            });
            resolve(() => req.destroy());
          },
        );
        req.on('error', () => undefined);
        req.end();
      }),
  );
  const stops = await Promise.all(watchReqs);
  const watchStart = performance.now();
  let w = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (w < expected) {
        const i = w++;
        const t = watchTargets[i % watchTargets.length];
        if (!t) continue;
        await call(
          t,
          'POST',
          '/api/v1/namespaces/default/configmaps',
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `bench-${i}` },
            data: { i: String(i) },
          }),
        );
      }
    }),
  );
  while (delivered < expected && performance.now() - watchStart < 60_000)
    await new Promise((r) => setTimeout(r, 10));
  const watchSeconds = (performance.now() - watchStart) / 1000;
  for (const s of stops) s();
  const rssAfter = rssMiB(pid);

  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await rm(dir, { recursive: true, force: true });
  for (const t of targets) t.agent.destroy();

  const result = {
    clusters: N,
    readyClusters: ready.clusters.length,
    startSeconds: +(startMs / 1000).toFixed(2),
    rssReadyMiB: Math.round(rssReady),
    rssSettledMiB: Math.round(rssSettled),
    rssAfterLoadMiB: Math.round(rssAfter),
    idleCpuPercent: +idleCpuPct.toFixed(1),
    list: {
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      perSecond: Math.round(REQUESTS / listSeconds),
      p50ms: +percentile(latencies, 50).toFixed(2),
      p99ms: +percentile(latencies, 99).toFixed(2),
      MiBPerSecond: +(bytes / 1048576 / listSeconds).toFixed(1),
    },
    watch: {
      watchers: watchTargets.length,
      writes: expected,
      delivered,
      eventsPerSecond: Math.round(delivered / watchSeconds),
    },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  const ok = result.startSeconds < 10 && result.rssSettledMiB < 1536;
  process.stdout.write(`targets (start < 10 s, RSS < 1.5 GiB): ${ok ? 'met' : 'NOT met'}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
