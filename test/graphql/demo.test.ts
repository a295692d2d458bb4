/**
 * Demo mode: `fleetgraph serve --demo` starts the smart-city simulator in-process and
 * registers it afresh on every start, apart from real registrations, so a second start
 * never shows a stale, all-offline fleet.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway.js';
import { eventually, smallScenario, startTestFleet } from '../helpers/sim.js';

interface ClustersData {
  clusters: {
    totalCount: number;
    nodes: { name: string; source: string; state: string; server: string; registeredAt: string }[];
  };
}
const CLUSTERS = '{ clusters(first: 100) { totalCount nodes { name source state server registeredAt } } }';

describe('demo mode', () => {
  it('registers the demo fleet afresh on every start and keeps real registrations apart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fleetgraph-demo-'));
    const real = await startTestFleet(smallScenario(), 0.02);
    try {
      const first = await startTestGateway({ dataDir, demo: { timeScale: 0.05 } });
      const allReady = (r: { data?: ClustersData | null }) =>
        r.data?.clusters.nodes.every((c) => c.state === 'READY');
      const a = await eventually(
        async () => {
          const r = await first.gql<ClustersData>(CLUSTERS);
          return allReady(r) ? r : undefined;
        },
        15_000,
        'demo clusters READY',
      );
      expect(a.data?.clusters.totalCount).toBe(15);
      expect(a.data?.clusters.nodes.every((c) => c.source === 'DEMO' && c.state === 'READY')).toBe(true);
      // A real cluster registered next to the demo.
      const reg = await first.gql(
        'mutation($k: String!) { importKubeconfig(input: { kubeconfig: $k, contexts: ["edge-1"] }) { clusters { name } } }',
        {
          k: real.fleet.kubeconfig,
        },
      );
      expect(reg.errors).toBeUndefined();
      await first.close();

      const second = await startTestGateway({ dataDir, demo: { timeScale: 0.05 } });
      try {
        const b = await eventually(
          async () => {
            const r = await second.gql<ClustersData>(CLUSTERS);
            return allReady(r) ? r : undefined;
          },
          15_000,
          'all clusters READY after restart',
        );
        expect(b.data?.clusters.totalCount).toBe(16);
        const demo = b.data?.clusters.nodes.filter((c) => c.source === 'DEMO') ?? [];
        expect(demo).toHaveLength(15);
        // Fresh demo clusters: all READY and registered by this start, none left over from the
        // first. (Their servers are new simulators; the OS may hand one an earlier port again,
        // so ports alone do not tell.)
        expect(demo.every((c) => c.state === 'READY')).toBe(true);
        const firstStart = Math.max(...(a.data?.clusters.nodes ?? []).map((c) => Date.parse(c.registeredAt)));
        expect(demo.every((c) => Date.parse(c.registeredAt) > firstStart)).toBe(true);
        expect(b.data?.clusters.nodes.find((c) => c.name === 'edge-1')).toMatchObject({
          source: 'REGISTERED',
          state: 'READY',
        });
        // The simulator's admin API is mounted under /_sim in demo mode.
        const faults = await fetch(`${second.url}/_sim/clusters/edge-b12-1/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ latencyMs: 1 }),
        });
        expect(faults.status).toBe(200);
      } finally {
        await second.close();
      }
      const third = await startTestGateway({ dataDir });
      try {
        // Without demo mode, the demo clusters are gone, the real one stays.
        const c = await third.gql<ClustersData>(CLUSTERS);
        expect(c.data?.clusters.nodes.map((x) => x.name)).toEqual(['edge-1']);
      } finally {
        await third.close();
      }
    } finally {
      await real.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('answers a query from `fleetgraph serve --demo` started as a process', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fleetgraph-cli-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'gateway/cli.ts', 'serve', '--demo', '--port', '0', '--data-dir', dataDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no listening line in 30 s: ${out}`)), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ nodes(where: { target: { architectures: [ARM64] } }) { totalCount } }',
        }),
      });
      const body = (await res.json()) as { data: { nodes: { totalCount: number } } };
      expect(body.data.nodes.totalCount).toBeGreaterThan(10);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
