/**
 * What the gateway benchmarks share: the simulated fleet and the gateway as their own
 * processes (the commands users run, from dist/), their RSS from /proc, and latency stats.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The compiled CLI (npm run build makes it). */
export const CLI = join(import.meta.dirname, '..', 'dist', 'gateway', 'cli.js');
/**
 * Extra Node flags for the spawned simulator and gateway, e.g. to profile them:
 * BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (NODE_OPTIONS refuses --cpu-prof).
 */
const NODE_ARGS = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
/**
 * Node flags for the gateway only (BENCH_GATEWAY_NODE_ARGS, "" for none). By default those
 * `npm start` runs it with: a young generation of 2 x 8 MiB instead of V8's 2 x 16 MiB, which
 * the sync fills and V8 gives back only 20-30 s later; about 15 MiB less RSS after a
 * 1,000-cluster sync, no slower (docs/benchmarks.md, "Gateway start-up and memory").
 */
const GATEWAY_NODE_ARGS = (process.env['BENCH_GATEWAY_NODE_ARGS'] ?? '--max-semi-space-size=8')
  .split(' ')
  .filter((a) => a !== '');
/** Extra `fleetgraph serve` flags, e.g. BENCH_GATEWAY_ARGS="--cluster-max-requests 64". */
const GATEWAY_ARGS = (process.env['BENCH_GATEWAY_ARGS'] ?? '').split(' ').filter((a) => a !== '');
/**
 * Node flags for the simulator only (BENCH_SIM_NODE_ARGS, "" for none). By default as
 * `npm run sim` runs it: a larger young generation (the simulator allocates a new object per
 * write, and with 64 MiB semi-spaces 1,000 clusters start in about 17 s instead of 22 s and
 * take less CPU from the gateway they share the machine with), and an old generation let grow
 * to twice its live size between full collections: the simulator is a thousand API servers in
 * one process, and one full collection of its 240 MB heap stalled every cluster's watches at
 * once, for 130-500 ms in a sustained fan-out burst, where a real fleet's servers collect
 * their own small heaps apart (docs/benchmarks.md).
 */
export const SIM_NODE_ARGS = (
  process.env['BENCH_SIM_NODE_ARGS'] ?? '--max-semi-space-size=64 --heap-growing-percent=100'
)
  .split(' ')
  .filter((a) => a !== '');

/** What `fleetgraph sim` prints when ready. */
export interface SimReady {
  adminUrl: string;
  clusters: { name: string; site: string; architectures: string[] }[];
}

/** Resident memory of a process, in MiB. */
export function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}

/** CPU seconds (user + system) a process has used so far, from /proc (100 ticks a second). */
export function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** The p-th percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** p50, p99 and mean of samples. */
export function stats(ms: readonly number[]): { p50: number; p99: number; mean: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Waits for the first complete stdout line matching re; rejects if the process exits first. */
export function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`timeout waiting for ${re}: ${buf.slice(-500)}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      // Only complete lines: the ready line of a large fleet arrives in several chunks.
      const line = buf
        .split('\n')
        .slice(0, -1)
        .find((l) => re.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`process exited (${code}): ${buf.slice(-500)}`)));
  });
}

/** Starts `fleetgraph sim` writing its kubeconfig to kubeconfigPath; resolves with its ready line. */
export async function startSim(
  args: { clusters: number; large: number; kubeconfigPath: string },
  children: ChildProcess[],
): Promise<SimReady> {
  const sim = spawn(
    process.execPath,
    [
      ...NODE_ARGS,
      ...SIM_NODE_ARGS,
      CLI,
      'sim',
      '--clusters',
      String(args.clusters),
      '--large',
      String(args.large),
      '--kubeconfig-out',
      args.kubeconfigPath,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(sim);
  return JSON.parse(await waitForLine(sim, /"adminUrl"/, 300_000)) as SimReady;
}

/** Starts `fleetgraph serve` on the kubeconfig; resolves once every cluster is READY. */
export async function startGateway(
  args: { kubeconfigPath: string; dataDir: string; clusters: number; extraArgs?: string[] },
  children: ChildProcess[],
): Promise<{ url: string; pid: number; syncMs: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const gw = spawn(
    process.execPath,
    [
      ...NODE_ARGS,
      ...GATEWAY_NODE_ARGS,
      CLI,
      'serve',
      '--kubeconfig',
      args.kubeconfigPath,
      '--site',
      'bench',
      '--port',
      String(port),
      '--data-dir',
      args.dataDir,
      '--log-level',
      'warn',
      ...(args.extraArgs ?? []),
      ...GATEWAY_ARGS,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  children.push(gw);
  await untilAllReady(url, args.clusters, started + 180_000);
  return { url, pid: gw.pid ?? 0, syncMs: Date.now() - started };
}

/** Polls /readyz until all n clusters are READY and none is pending. */
export async function untilAllReady(url: string, n: number, deadline: number): Promise<void> {
  for (;;) {
    const r = await fetch(`${url}/readyz`).then(
      (x) => x.json() as Promise<{ clusters: number; pending: number; byState: Record<string, number> }>,
      () => undefined,
    );
    if (r && r.clusters === n && r.pending === 0 && (r.byState.READY ?? 0) === n) return;
    if (Date.now() > deadline) throw new Error(`clusters not READY in time: ${JSON.stringify(r)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Stops the children, newest first, and waits for them to exit. */
export async function stopAll(children: ChildProcess[]): Promise<void> {
  for (const ch of [...children].reverse()) {
    ch.kill('SIGTERM');
    await new Promise((res) => (ch.exitCode !== null ? res(undefined) : ch.once('exit', res)));
  }
}

/**
 * POSTs a JSON body over HTTP or HTTPS with the given agent (keep-alive, CA) and headers;
 * resolves with the status and the body text. The benchmarks send their own requests this way
 * rather than with fetch: undici added about 1.5 ms to each request on our VM, more than the
 * gateway spends on a cached query, so latencies measured through it were mostly the client's.
 */
export function postJson(
  url: string | URL,
  body: unknown,
  agent: HttpAgent | HttpsAgent,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const text = JSON.stringify(body);
  const send = String(url).startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          ...headers,
        },
      },
      (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (answer += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: answer }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const gqlAgent = new HttpAgent({ keepAlive: true });

/** One GraphQL request over HTTP (sent again once if a reused keep-alive socket was reset). */
export async function gql(
  url: string,
  query: string,
): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const send = () => postJson(`${url}/graphql`, { query }, gqlAgent);
  const { body } = await send().catch(() => send());
  return JSON.parse(body) as { data?: Record<string, unknown>; errors?: unknown[] };
}
