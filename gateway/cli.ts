#!/usr/bin/env node
// A production process unless told otherwise. graphql-js reads NODE_ENV once, when it loads,
// to choose its type checks: outside production every failed instanceof during execution
// also compares class names (the check for two copies of graphql): 290 ms of 8 s busy in a
// profile of the backup benchmark's result-heavy queries. Apollo's defaults that depend on
// NODE_ENV (introspection, stack traces, landing page) are set explicitly in
// server/http-server.ts. Hence the commands are imported after this line, not above it.
process.env['NODE_ENV'] ??= 'production';

const USAGE = `Usage: fleetgraph <command> [options]

Commands:
  serve   serve the GraphQL API over the registered clusters (fleetgraph serve --help)
  sim     run a fleet of simulated Kubernetes clusters (fleetgraph sim --help)
`;

/** Dispatches `fleetgraph <command>`. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return (await import('./serve-command.js')).runServeCommand(rest);
    case 'sim':
      return (await import('../sim/cli.js')).runSimCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`fleetgraph: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`fleetgraph: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
