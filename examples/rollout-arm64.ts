// Usage: npx tsx examples/rollout-arm64.ts [--image registry.example/mqtt-bridge:2.2] [--sites b12,b14] [--soak 10]
// Sets the image of city/mqtt-bridge on the arm64 edge clusters: one canary first, then two
// clusters at a time, and prints every step of the rollout as it happens.
import { parseArgs } from 'node:util';
import { createFleetClient, isFleetGraphError } from '@fleetgraph/sdk';

const { values } = parseArgs({
  options: {
    image: { type: 'string', default: 'registry.example/mqtt-bridge:2.2' },
    namespace: { type: 'string', default: 'city' },
    deployment: { type: 'string', default: 'mqtt-bridge' },
    sites: { type: 'string' },
    soak: { type: 'string', default: '10' },
  },
});
const fleet = createFleetClient({
  url: process.env['FLEETGRAPH_URL'] ?? 'http://127.0.0.1:4000/graphql',
  token: process.env['FLEETGRAPH_TOKEN'],
});

async function main(): Promise<void> {
  // The event log's head before the mutation: following from it misses no transition.
  const cursor = await fleet.eventCursor();
  const rollout = await fleet.setDeploymentImage({
    input: {
      target: {
        architectures: ['ARM64'],
        clusterLabelSelector: 'tier=edge',
        ...(values.sites ? { sites: values.sites.split(',') } : {}),
      },
      namespace: values.namespace,
      name: values.deployment,
      images: [{ container: values.deployment, image: values.image }],
      strategy: { canaryClusters: 1, canarySoakSeconds: Number(values.soak), maxConcurrentClusters: 2 },
    },
  });
  console.log(
    `rollout ${rollout.id}: ${rollout.clusters.length} clusters, canary ${rollout.clusters.find((c) => c.canary)?.cluster}`,
  );
  for (const warning of rollout.platformCheck.warnings) console.log(`warning: ${warning}`);

  const done = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'PAUSED']);
  for await (const event of fleet.rolloutProgress({ id: rollout.id, after: cursor })) {
    if (event.cluster)
      console.log(
        `  ${event.cluster} ${event.previousState ?? '-'} -> ${event.state}${event.message ? ` (${event.message})` : ''}`,
      );
    else console.log(`rollout ${event.phase}${event.message ? `: ${event.message}` : ''}`);
    if (!event.cluster && done.has(event.phase)) break;
  }
  const final = await fleet.rollout({ id: rollout.id });
  console.log(`finished: ${final?.phase}; ${final?.counts.map((c) => `${c.state} ${c.count}`).join(', ')}`);
  if (final?.phase !== 'SUCCEEDED') process.exitCode = 1;
}

main().catch((e: unknown) => {
  // A FleetGraphError says what failed (code) and why; anything else is a bug worth its stack.
  console.error(isFleetGraphError(e) ? `${e.code}: ${e.message}` : e);
  process.exitCode = 1;
});
