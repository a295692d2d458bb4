/**
 * Vitest global setup: builds @fleetgraph/sdk (sdk/dist) once before the tests, so tests and
 * examples import what `npm pack` would ship, never a stale build.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export default async function setup(): Promise<void> {
  await run('npm', ['run', 'build', '--workspace', '@fleetgraph/sdk'], { cwd: process.cwd() }).catch(
    (e: { stdout?: string; stderr?: string }) => {
      throw new Error(`building the SDK failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    },
  );
}
