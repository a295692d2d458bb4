#!/usr/bin/env node
import { runServeCommand } from './serve-command.js';

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
      return runServeCommand(rest);
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
