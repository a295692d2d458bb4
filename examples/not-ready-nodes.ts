// Usage: npx tsx examples/not-ready-nodes.ts [--site b12] [--arch ARM64]   (FLEETGRAPH_URL, FLEETGRAPH_TOKEN)
// Lists nodes that are not Ready (NotReady or Unknown), grouped by site and architecture,
// and says which clusters could not answer (their part comes from the gateway's cache).
import { parseArgs } from 'node:util';
import {
  createFleetClient,
  isFleetGraphError,
  type Architecture,
  type NodeFieldsFragment,
} from '@fleetgraph/sdk';

const { values } = parseArgs({ options: { site: { type: 'string' }, arch: { type: 'string' } } });
const fleet = createFleetClient({
  url: process.env['FLEETGRAPH_URL'] ?? 'http://127.0.0.1:4000/graphql',
  token: process.env['FLEETGRAPH_TOKEN'],
});

async function main(): Promise<void> {
  const target = {
    ...(values.site ? { sites: [values.site] } : {}),
    ...(values.arch ? { architectures: [values.arch.toUpperCase() as Architecture] } : {}),
  };
  const notReady: NodeFieldsFragment[] = [];
  const stale = new Set<string>();
  for (const readiness of ['NOT_READY', 'UNKNOWN'] as const) {
    let after: string | null = null;
    do {
      const page = await fleet.nodes({
        where: { target, readiness },
        first: 500,
        after,
        orderBy: { field: 'SITE', direction: 'ASC' },
      });
      notReady.push(...page.nodes);
      for (const f of page.freshness)
        if (f.stale) stale.add(`${f.cluster} (${f.state}${f.error ? `: ${f.error.message}` : ''})`);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
  }

  const groups = new Map<string, NodeFieldsFragment[]>();
  for (const node of notReady) {
    const key = `${node.site} ${node.architecture ?? 'unknown-arch'}`;
    groups.set(key, [...(groups.get(key) ?? []), node]);
  }
  if (groups.size === 0) console.log('every node is Ready');
  for (const [key, nodes] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${key}: ${nodes.length} not ready`);
    for (const n of nodes) {
      const ready = n.conditions.find((c) => c.type === 'Ready');
      console.log(
        `  ${n.cluster.name}/${n.name} ${n.readiness} ${ready?.reason ?? ''} ${ready?.message ?? ''}`.trimEnd(),
      );
    }
  }
  for (const s of stale) console.log(`stale: ${s}`);
}

main().catch((e: unknown) => {
  // A FleetGraphError says what failed (code) and why; anything else is a bug worth its stack.
  console.error(isFleetGraphError(e) ? `${e.code}: ${e.message}` : e);
  process.exitCode = 1;
});
