// Usage: npx tsx examples/tail-node-events.ts --site b12 [--after CURSOR] [--count N]
// Prints node events of one site as they happen. The SDK reconnects after a dropped link and
// resumes after the last event received, so nothing is missed or repeated; pass the last
// printed cursor as --after to resume after a restart of this script.
import { parseArgs } from 'node:util';
import { createFleetClient, isFleetGraphError } from '@fleetgraph/sdk';

const { values } = parseArgs({
  options: { site: { type: 'string' }, after: { type: 'string' }, count: { type: 'string' } },
});
const site =
  values.site ??
  (() => {
    console.error('usage: tail-node-events.ts --site SITE [--after CURSOR] [--count N]');
    return process.exit(2);
  })();
const fleet = createFleetClient({
  url: process.env['FLEETGRAPH_URL'] ?? 'http://127.0.0.1:4000/graphql',
  token: process.env['FLEETGRAPH_TOKEN'],
});

async function main(): Promise<void> {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());

  const events = fleet.nodeEvents(
    { where: { target: { sites: [site] } }, after: values.after ?? null },
    { signal: stop.signal },
  );
  console.log(`tailing node events of site ${site}`);
  let seen = 0;
  try {
    for await (const e of events) {
      const detail = e.condition ?? e.kubernetesEvent?.reason ?? e.current?.readiness ?? '';
      console.log(`${e.observedAt} ${e.cluster}/${e.nodeName} ${e.type} ${detail} cursor=${e.cursor}`);
      if (values.count && ++seen >= Number(values.count)) break;
    }
  } catch (e) {
    if (!stop.signal.aborted) throw e;
  }
  console.log(`last cursor: ${events.cursor ?? '(none)'}`);
}

main().catch((e: unknown) => {
  // A FleetGraphError says what failed (code) and why; anything else is a bug worth its stack.
  console.error(isFleetGraphError(e) ? `${e.code}: ${e.message}` : e);
  process.exitCode = 1;
});
