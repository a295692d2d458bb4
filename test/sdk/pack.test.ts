/**
 * The packed SDK is what a script installs: `npm pack` of sdk/ installed into a fresh
 * directory imports as @fleetgraph/sdk, runs a query and a subscription against a real
 * gateway, and brings no gateway or native dependency along. Its browser entry imports
 * nothing from Node.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { smallScenario, startTestFleet, type TestFleet } from '../helpers/sim.js';

const run = promisify(execFile);
let dir: string;
let fleet: TestFleet;
let gw: TestGateway;
let tarball: string;
let packedFiles: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetgraph-sdk-pack-'));
  const packed = await run(
    'npm',
    ['pack', '--workspace', '@fleetgraph/sdk', '--pack-destination', dir, '--json', '--ignore-scripts'],
    { cwd: process.cwd() },
  );
  const info = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = info[0]?.filename ?? '';
  packedFiles = (info[0]?.files ?? []).map((f) => f.path);
  const app = join(dir, 'app');
  await run('mkdir', ['-p', app]);
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({ name: 'nightly-script', private: true, type: 'module', dependencies: {} }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, tarball)], {
    cwd: app,
  });
  fleet = await startTestFleet(smallScenario(), 0.02);
  gw = await startTestGateway({ kubeconfigPath: fleet.kubeconfigPath });
  await gw.settled();
}, 180_000);

afterAll(async () => {
  await gw?.close();
  await fleet?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('the packed SDK', () => {
  it('ships the built ESM and type declarations only', () => {
    expect(tarball).toMatch(/^fleetgraph-sdk-\d+\.\d+\.\d+\.tgz$/);
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/node.js',
        'dist/node.d.ts',
        'dist/browser.js',
        'dist/browser.d.ts',
        'dist/sdk.generated.js',
      ]),
    );
    expect(
      packedFiles.filter((f) => f.startsWith('src/') || f.includes('tsconfig') || f.endsWith('.graphql')),
    ).toEqual([]);
  });

  it('installs into a fresh directory with no gateway or native dependency', async () => {
    const modules = join(dir, 'app', 'node_modules');
    const installed = new Set<string>();
    for (const entry of await readdir(modules)) {
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@'))
        for (const sub of await readdir(join(modules, entry))) installed.add(`${entry}/${sub}`);
      else installed.add(entry);
    }
    expect([...installed].sort()).toEqual(['@fleetgraph/sdk', 'graphql', 'graphql-ws', 'ws']);
    // None of the gateway's own dependencies came along.
    const root = JSON.parse(await readFile('package.json', 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const gatewayOnly = Object.keys(root.dependencies).filter(
      (d) => !['graphql', 'graphql-ws', 'ws'].includes(d),
    );
    expect(gatewayOnly).toEqual(
      expect.arrayContaining(['better-sqlite3', '@apollo/server', '@kubernetes/client-node']),
    );
    for (const dep of gatewayOnly) expect(installed.has(dep), dep).toBe(false);
  });

  it('imports as @fleetgraph/sdk and runs a query and a subscription', async () => {
    const head = await gw.gql<{ eventCursor: string }>('{ eventCursor }');
    const node = (fleet.fleet.find('dc-1')?.store.list('/nodes')[0] as { metadata: { name: string } })
      .metadata.name;
    fleet.fleet.find('dc-1')?.controllers.setCordoned(node, true);
    const script = `import { createFleetClient } from '@fleetgraph/sdk';
const fleet = createFleetClient({ url: process.env.FLEETGRAPH_URL });
const clusters = await fleet.clusters();
console.log(JSON.stringify(clusters.nodes.map((c) => [c.name, c.site, c.state])));
for await (const e of fleet.nodeEvents({ where: { types: ['NODE_CORDONED'] }, after: process.env.AFTER })) {
  console.log(e.type, e.cluster, e.nodeName);
  break;
}
await fleet.close();
`;
    await writeFile(join(dir, 'app', 'script.mjs'), script);
    const out = await run(process.execPath, ['script.mjs'], {
      cwd: join(dir, 'app'),
      env: { ...process.env, FLEETGRAPH_URL: `${gw.url}/graphql`, AFTER: head.data?.eventCursor ?? '' },
      timeout: 30_000,
    });
    fleet.fleet.find('dc-1')?.controllers.setCordoned(node, false);
    expect(out.stdout.trim().split('\n')).toEqual([
      JSON.stringify([
        ['dc-1', 'dc-north', 'READY'],
        ['edge-1', 'b12', 'READY'],
      ]),
      `NODE_CORDONED dc-1 ${node}`,
    ]);
  });

  it('has a browser entry that imports nothing from Node', async () => {
    const distDir = join(dir, 'app', 'node_modules', '@fleetgraph', 'sdk', 'dist');
    const pkg = JSON.parse(await readFile(join(distDir, '..', 'package.json'), 'utf8')) as {
      exports: Record<string, { browser: { default: string }; node: { default: string } }>;
    };
    expect(pkg.exports['.']?.browser.default).toBe('./dist/browser.js');
    expect(pkg.exports['.']?.node.default).toBe('./dist/node.js');
    // Follow the browser entry's imports through the package.
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = await readFile(join(distDir, file), 'utf8');
      for (const m of text.matchAll(
        /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
      )) {
        const spec = m[1] ?? m[2] ?? '';
        if (spec.startsWith('./')) await visit(spec.slice(2));
        else external.add(spec);
      }
    };
    await visit('browser.js');
    expect(seen.size).toBeGreaterThan(4);
    expect([...external].sort()).toEqual(['graphql-ws']);
  });
});
