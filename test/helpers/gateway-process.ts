/**
 * The gateway as its own process (`fleetgraph serve`, run from source with tsx), for tests
 * that kill it (SIGKILL) and start it again on the same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { eventually, type TestFleet } from './sim.js';

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts `fleetgraph serve` on the fleet's kubeconfig on a free port; resolves once every
 * cluster is READY. A port found free can be taken by another process before the gateway
 * binds it (tests run in parallel): then it starts again on another port.
 */
export async function startGatewayProcess(
  fleet: TestFleet,
  opts: { dataDir: string; extraArgs?: string[] },
  children: ChildProcess[],
): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { child: await startOnPort(fleet, { ...opts, port }, children), port };
    } catch (e) {
      if (!(e instanceof Error && e.message.includes('EADDRINUSE')) || attempt >= 5) throw e;
    }
  }
}

async function startOnPort(
  fleet: TestFleet,
  opts: { port: number; dataDir: string; extraArgs?: string[] },
  children: ChildProcess[],
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'gateway/cli.ts',
      'serve',
      '--kubeconfig',
      fleet.kubeconfigPath,
      '--data-dir',
      opts.dataDir,
      '--port',
      String(opts.port),
      '--log-level',
      'warn',
      ...(opts.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FLEETGRAPH_SECRET_KEY: 'a'.repeat(64) } },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`gateway exited (${child.exitCode}): ${stderr}`);
      const r = await fetch(`http://127.0.0.1:${opts.port}/readyz`).then(
        (x) => x.json() as Promise<{ pending: number; byState: Record<string, number> }>,
        () => undefined,
      );
      return r !== undefined && r.pending === 0 && r.byState.READY === fleet.fleet.clusters.length;
    },
    30_000,
    'gateway READY',
  );
  return child;
}

/** Kills a gateway process at once, as a power cut would. */
export async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

/** One GraphQL request; throws on errors. */
export async function gqlAt<T>(port: number, query: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new Error(JSON.stringify(body));
  return body.data;
}
