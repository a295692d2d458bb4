/**
 * RSS of an idle gateway over time: `fleetgraph sim --clusters N` and `fleetgraph serve` as
 * their own processes, RSS sampled every --every seconds for --minutes after sync.
 *
 *   npx tsx bench/rss-soak.ts --clusters 1000 --minutes 3
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rssMiB, startGateway, startSim, stopAll } from './harness.js';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '3' },
    every: { type: 'string', default: '10' },
  },
});

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetgraph-soak-'));
  const children: ChildProcess[] = [];
  try {
    const kubeconfigPath = join(dir, 'kubeconfig.yaml');
    await startSim({ clusters: Number(values.clusters), large: 0, kubeconfigPath }, children);
    const gw = await startGateway(
      { kubeconfigPath, dataDir: join(dir, 'data'), clusters: Number(values.clusters) },
      children,
    );
    const end = Date.now() + Number(values.minutes) * 60_000;
    const t0 = Date.now();
    while (Date.now() < end) {
      console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s after sync: ${rssMiB(gw.pid).toFixed(0)} MiB`);
      await new Promise((r) => setTimeout(r, Number(values.every) * 1000));
    }
  } finally {
    await stopAll(children);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
