/**
 * Gateway benchmark: how long the cluster layer takes to bring a whole fleet to READY, and
 * what the connections and their watch caches cost in memory, over HTTP/2 and HTTP/1.1.
 *
 *   npx tsx bench/gateway-sync-bench.ts --clusters 1000 --large 3
 *
 * The benchmark compiles itself and the code it imports to dist/ first (tsc, no type check,
 * about 4 s), and runs every measured process as compiled JavaScript under plain node, as
 * `fleetgraph` runs: under tsx, @kubernetes/client-node alone costs ~85 MiB more RSS.
 *
 * Three processes, so each figure is one side's alone: the simulated fleet (generateFleet:
 * the smart-city shape plus `--large` data-centre clusters of 63 nodes and ~255 pods), and
 * for each protocol a fresh gateway process that imports the kubeconfig the way the gateway
 * does, opens one ClusterConnection per context under a FleetIndex (default options: eager
 * Node and Namespace caches, /version probes) and reports:
 *
 * - sync: from start() until every connection is READY (50th, 90th and last cluster)
 * - RSS after sync, after global.gc(), less the RSS before any connection existed, per cluster
 * - CPU seconds spent meanwhile by the gateway and by the simulator
 * - open file descriptors (sockets) of the gateway
 *
 * Flags: --protocols h2,http1 (either or both), --eager-kinds Node,Event ('' for transport and
 * probes only), --settle-s, --gateway-node-flags=--max-semi-space-size=2. With
 * GATEWAY_BENCH_HEAP_SNAPSHOT=/path the gateway writes a heap snapshot after sync.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import type { CachedKind } from '../gateway/clusters/cached-kinds.js';
import { ClusterConnection } from '../gateway/clusters/cluster-connection.js';
import { FleetIndex } from '../gateway/clusters/fleet-index.js';
import { readKubeconfigContexts } from '../gateway/registry/kubeconfig.js';
import { cpuSeconds } from './harness.js';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    clusters: { type: 'string', default: '1000' },
    large: { type: 'string', default: '3' },
    protocols: { type: 'string', default: 'h2,http1' },
    protocol: { type: 'string', default: 'h2' },
    kubeconfig: { type: 'string' },
    'sim-pid': { type: 'string' },
    'timeout-s': { type: 'string', default: '120' },
    /** Eager cache kinds, comma-separated ('' for none: transport and probes only). */
    'eager-kinds': { type: 'string' },
    /** Seconds to let the gateway settle after sync before RSS is read. */
    'settle-s': { type: 'string', default: '10' },
    /** Extra node flags of the gateway process, e.g. --max-semi-space-size=2. */
    'gateway-node-flags': { type: 'string', default: '' },
  },
});

const SELF = fileURLToPath(import.meta.url);
const REPO = join(SELF, SELF.endsWith('.js') ? '../../..' : '../..');

/** This file as compiled JavaScript: compiled now when running from source. */
function compiledSelf(): string {
  if (SELF.endsWith('.js')) return SELF;
  const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
  const flags = [
    '--outDir',
    'dist',
    '--rootDir',
    '.',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
  ];
  flags.push('--target', 'es2022', '--skipLibCheck', '--noCheck', '--sourceMap', 'false');
  execFileSync(process.execPath, [tsc, relative(REPO, SELF), ...flags], { cwd: REPO, stdio: 'inherit' });
  return join(REPO, 'dist', relative(REPO, SELF).replace(/\.ts$/, '.js'));
}

/** What one gateway run reports. */
interface GatewayResult {
  protocol: string;
  clusters: number;
  ready: number;
  syncSeconds: { p50: number; p90: number; all: number };
  /** When 10%, 20%, ... 100% of the clusters were READY, in s. */
  readyDeciles: number[];
  rssBeforeMiB: number;
  /** RSS 1 s after sync, after gc(). */
  rssSyncedMiB: number;
  rssAfterMiB: number;
  perClusterKiB: number;
  heapUsedMiB: number;
  heapPerClusterKiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  gatewayCpuSeconds: number;
  simCpuSeconds: number;
  openFds: number;
}

function rssMiB(): number {
  return process.memoryUsage().rss / 1048576;
}

function settle(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (the main role passes it to the gateway process)');
  for (let i = 0; i < 3; i++) {
    gc();
    await settle(200);
  }
}

/** A child process of this file, compiled, in another role; resolves with its first stdout line. */
function child(
  script: string,
  args: string[],
  nodeFlags: string[] = [],
): { proc: ChildProcess; line: Promise<string> } {
  const proc = spawn(process.execPath, [...nodeFlags, script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { proc, line };
}

async function runFleet(): Promise<void> {
  // Imported here, so the gateway process does not carry the simulator's modules.
  const { SimFleet } = await import('../sim/fleet.js');
  const { generateFleet } = await import('../sim/scenario.js');
  const dir = await mkdtemp(join(tmpdir(), 'fleetgraph-gateway-bench-'));
  const kubeconfigPath = join(dir, 'kubeconfig.yaml');
  const scenario = generateFleet({ clusters: Number(values.clusters), largeClusters: Number(values.large) });
  const started = performance.now();
  const fleet = await SimFleet.start({ scenario, kubeconfigPath });
  const startSeconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ kubeconfigPath, startSeconds })}\n`);
  const stop = () =>
    void fleet
      .stop()
      .then(() => rm(dir, { recursive: true, force: true }))
      .then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function runGateway(): Promise<void> {
  const path = values.kubeconfig ?? '';
  const simPid = Number(values['sim-pid']);
  const contexts = await readKubeconfigContexts({ yaml: await readFile(path, 'utf8'), path });
  const http2 = values.protocol === 'h2';
  const eager = values['eager-kinds'];
  const eagerKinds =
    eager === undefined ? undefined : (eager.split(',').filter((k) => k !== '') as CachedKind[]);
  await collectGarbage();
  const rssBefore = rssMiB();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const sim0 = cpuSeconds(simPid);
  const started = performance.now();
  const readyAt: number[] = [];
  const connections = contexts.map((c) => {
    const connection = new ClusterConnection(c.context, c.credentials, {
      client: { http2 },
      ...(eagerKinds !== undefined ? { eagerKinds } : {}),
    });
    const off = connection.onStateChange((change) => {
      if (change.to !== 'READY') return;
      readyAt.push(performance.now() - started);
      off();
    });
    return { metadata: { name: c.context, site: c.site ?? '', labels: c.labels ?? {} }, connection };
  });
  const index = new FleetIndex(connections);
  for (const { connection } of connections) connection.start();
  const deadline = Date.now() + Number(values['timeout-s']) * 1000;
  while (readyAt.length < connections.length && Date.now() < deadline) await settle(20);
  const syncCpu = process.cpuUsage(cpu0);
  const simCpu = cpuSeconds(simPid) - sim0;
  await settle(1000);
  await collectGarbage();
  const rssSynced = rssMiB();
  await settle(Number(values['settle-s']) * 1000);
  await collectGarbage();
  const mem = process.memoryUsage();
  if (process.env['GATEWAY_BENCH_HEAP_SNAPSHOT'])
    writeHeapSnapshot(process.env['GATEWAY_BENCH_HEAP_SNAPSHOT']);
  const sorted = [...readyAt].sort((a, b) => a - b);
  const at = (q: number) => +((sorted[Math.ceil(q * sorted.length) - 1] ?? NaN) / 1000).toFixed(2);
  const result: GatewayResult = {
    protocol: http2 ? 'HTTP/2' : 'HTTP/1.1',
    clusters: connections.length,
    ready: readyAt.length,
    syncSeconds: { p50: at(0.5), p90: at(0.9), all: at(1) },
    readyDeciles: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map(at),
    rssBeforeMiB: Math.round(rssBefore),
    rssAfterMiB: Math.round(mem.rss / 1048576),
    perClusterKiB: Math.round(((mem.rss / 1048576 - rssBefore) * 1024) / connections.length),
    rssSyncedMiB: Math.round(rssSynced),
    heapUsedMiB: Math.round(mem.heapUsed / 1048576),
    heapPerClusterKiB: Math.round((mem.heapUsed - heapBefore) / 1024 / connections.length),
    heapTotalMiB: Math.round(mem.heapTotal / 1048576),
    externalMiB: Math.round(mem.external / 1048576),
    gatewayCpuSeconds: +((syncCpu.user + syncCpu.system) / 1e6).toFixed(1),
    simCpuSeconds: +simCpu.toFixed(1),
    openFds: readdirSync('/proc/self/fd').length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await Promise.all(connections.map((c) => c.connection.stop()));
  void index;
  process.exit(0);
}

async function main(): Promise<void> {
  const script = compiledSelf();
  const fleet = child(script, [
    '--role',
    'fleet',
    '--clusters',
    String(values.clusters),
    '--large',
    String(values.large),
  ]);
  try {
    const ready = JSON.parse(await fleet.line) as { kubeconfigPath: string; startSeconds: number };
    process.stdout.write(
      `fleet: ${values.clusters} clusters (${values.large} large) started in ${ready.startSeconds.toFixed(1)} s\n`,
    );
    const results: GatewayResult[] = [];
    for (const protocol of (values.protocols ?? 'h2').split(',')) {
      await settle(2000); // let the previous run's connections drain from the simulator
      const gw = child(
        script,
        [
          '--role',
          'gateway',
          '--protocol',
          protocol,
          '--kubeconfig',
          ready.kubeconfigPath,
          '--sim-pid',
          String(fleet.proc.pid),
          '--timeout-s',
          String(values['timeout-s']),
          ...(values['eager-kinds'] !== undefined ? ['--eager-kinds', values['eager-kinds']] : []),
        ],
        ['--expose-gc', ...(values['gateway-node-flags'] ?? '').split(' ').filter((f) => f !== '')],
      );
      const r = JSON.parse(await gw.line) as GatewayResult;
      await new Promise((resolve) => gw.proc.once('exit', resolve));
      results.push(r);
      process.stdout.write(`${JSON.stringify(r)}\n`);
    }
    process.stdout.write(
      '\n| protocol | ready | sync p50 / p90 / all | RSS before → after | per cluster | CPU gateway / sim | fds |\n',
    );
    process.stdout.write('| --- | --- | --- | --- | --- | --- | --- |\n');
    for (const r of results) {
      process.stdout.write(
        `| ${r.protocol} | ${r.ready}/${r.clusters} | ${r.syncSeconds.p50} / ${r.syncSeconds.p90} / ${r.syncSeconds.all} s | ${r.rssBeforeMiB} → ${r.rssAfterMiB} MiB | ${r.perClusterKiB} KiB | ${r.gatewayCpuSeconds} / ${r.simCpuSeconds} s | ${r.openFds} |\n`,
      );
    }
  } finally {
    fleet.proc.kill('SIGTERM');
    await new Promise((r) => fleet.proc.once('exit', r));
  }
}

const roles: Record<string, () => Promise<void>> = { main, fleet: runFleet, gateway: runGateway };
const role = roles[values.role ?? 'main'];
if (!role) throw new Error(`unknown --role ${JSON.stringify(values.role)}; expected main, fleet or gateway`);
role().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
