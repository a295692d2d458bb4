/**
 * Vitest global setup: writes dist/vendor/ (scripts/bundle-dependencies.mjs) before the tests,
 * so the gateway code under test loads `#client-node` and `#kysely` from bundles of the
 * installed packages, as the built gateway does, never from a stale build.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export default async function setup(): Promise<void> {
  await run(process.execPath, ['scripts/bundle-dependencies.mjs'], { cwd: process.cwd() }).catch(
    (e: { stdout?: string; stderr?: string }) => {
      throw new Error(`bundling dependencies failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    },
  );
}
