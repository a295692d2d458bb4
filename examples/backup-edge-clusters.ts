// Usage: npx tsx examples/backup-edge-clusters.ts [--selector tier=edge] [--sites b12]
// Backs up every edge cluster (two at a time), waits for each backup, verifies its archive
// and prints the verified digests. Offline clusters are reported, not fatal.
import { parseArgs } from 'node:util';
import { createFleetClient, isFleetGraphError } from '@fleetgraph/sdk';

const { values } = parseArgs({
  options: { selector: { type: 'string', default: 'tier=edge' }, sites: { type: 'string' } },
});
const fleet = createFleetClient({
  url: process.env['FLEETGRAPH_URL'] ?? 'http://127.0.0.1:4000/graphql',
  token: process.env['FLEETGRAPH_TOKEN'],
});

async function main(): Promise<void> {
  const clusters = await fleet.clusters({
    where: {
      clusterLabelSelector: values.selector,
      ...(values.sites ? { sites: values.sites.split(',') } : {}),
    },
    first: 1000,
  });

  async function backUp(cluster: string): Promise<boolean> {
    const cursor = await fleet.eventCursor();
    const backup = await fleet.createBackup({ input: { cluster } });
    let phase = backup.phase;
    for await (const event of fleet.backupProgress({ id: backup.id, after: cursor })) {
      phase = event.phase;
      if (phase !== 'PENDING' && phase !== 'RUNNING') break;
    }
    if (phase !== 'COMPLETED') {
      const failed = await fleet.backup({ id: backup.id });
      console.log(`${cluster}: backup ${backup.id} ${phase}: ${failed?.message ?? ''}`);
      return false;
    }
    const verified = await fleet.verifyBackup({ id: backup.id });
    console.log(
      `${cluster}: ${verified.objects} objects, sha256 ${verified.backup.archiveSha256} verified (${backup.id})`,
    );
    return true;
  }

  let failures = 0;
  const queue = clusters.nodes.map((c) => c.name);
  await Promise.all(
    [0, 1].map(async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        try {
          if (!(await backUp(name))) failures++;
        } catch (e) {
          failures++;
          console.log(`${name}: ${isFleetGraphError(e) ? `${e.code}: ${e.message}` : String(e)}`);
        }
      }
    }),
  );
  console.log(
    `${clusters.nodes.length - failures} of ${clusters.nodes.length} clusters backed up and verified`,
  );
  if (failures > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  // A FleetGraphError says what failed (code) and why; anything else is a bug worth its stack.
  console.error(isFleetGraphError(e) ? `${e.code}: ${e.message}` : e);
  process.exitCode = 1;
});
