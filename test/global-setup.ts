/**
 * Vitest global setup: the build steps the code under test depends on, run once before the
 * tests so nothing is tested against a stale build:
 * - @fleetgraph/sdk (sdk/dist), so tests and examples import what `npm pack` would ship;
 * - dist/vendor/ (scripts/bundle-dependencies.mjs), so the gateway loads `#client-node` and
 *   `#kysely` from bundles of the installed packages, as the built gateway does.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function step(what: string, command: string, args: string[]): Promise<void> {
  await run(command, args, { cwd: process.cwd() }).catch((e: { stdout?: string; stderr?: string }) => {
    throw new Error(`${what} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  });
}

export default async function setup(): Promise<void> {
  await step('building the SDK', 'npm', ['run', 'build', '--workspace', '@fleetgraph/sdk']);
  await step('bundling dependencies', process.execPath, ['scripts/bundle-dependencies.mjs']);
}
