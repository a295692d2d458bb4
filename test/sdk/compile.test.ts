/**
 * The SDK's types catch mistakes at compile time: a script using it wrongly (misspelled
 * field, wrong argument type, unknown enum value, unknown operation) is rejected by tsc at
 * exactly those lines, and one using every call pattern rightly compiles, against the built
 * package resolved as `@fleetgraph/sdk` (Node entry, and the browser entry through a
 * bundler-style resolution).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsc = join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc');
let dir: string;

const COMPILER_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2023', 'DOM'],
  strict: true,
  noEmit: true,
  types: [],
  skipLibCheck: false,
};

/** Runs tsc on one file; returns its exit code and `file(line,col): error TSxxxx` lines. */
async function compile(
  file: string,
  source: string,
  resolution: { module: string; moduleResolution: string; customConditions?: string[] },
): Promise<{ code: number; errors: string[] }> {
  await writeFile(join(dir, file), source);
  const config = `tsconfig.${file}.json`;
  await writeFile(
    join(dir, config),
    JSON.stringify({ compilerOptions: { ...COMPILER_OPTIONS, ...resolution }, files: [file] }),
  );
  try {
    await run(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { cwd: dir });
    return { code: 0, errors: [] };
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    const errors = (err.stdout ?? '').split('\n').filter((l) => /error TS\d+/.test(l));
    return { code: err.code ?? -1, errors };
  }
}

const NODE = { module: 'NodeNext', moduleResolution: 'NodeNext' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetgraph-sdk-tsc-'));
  // A script's own directory, with @fleetgraph/sdk installed as a link to sdk/ (its dist is
  // built by the global setup).
  await mkdir(join(dir, 'node_modules', '@fleetgraph'), { recursive: true });
  await symlink(join(process.cwd(), 'sdk'), join(dir, 'node_modules', '@fleetgraph', 'sdk'), 'dir');
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const RIGHT = `import {
  createFleetClient,
  FleetGraphError,
  isFleetGraphError,
  type Architecture,
  type NodeFieldsFragment,
  type NodeEventType,
} from '@fleetgraph/sdk';

const fleet = createFleetClient({ url: 'http://127.0.0.1:4000/graphql', token: () => 'secret', timeoutMs: 5000 });

export async function main(signal: AbortSignal): Promise<void> {
  // A query with where, pagination and ordering; the result is the root field's value.
  const arch: Architecture = 'ARM64';
  const all: NodeFieldsFragment[] = [];
  let after: string | null = null;
  do {
    const page = await fleet.nodes(
      { where: { target: { sites: ['b12'], architectures: [arch] }, readiness: 'NOT_READY' }, first: 100, after },
      { signal },
    );
    all.push(...page.nodes);
    for (const problem of page.clusterProblems) console.log(problem.cluster, problem.code, problem.stale);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  const first = all[0];
  if (first) {
    const name: string = first.name;
    const cluster: string = first.cluster.name;
    const nodeArch: Architecture | null = first.architecture;
    console.log(name, cluster, nodeArch, first.conditions.map((c) => c.type));
  }
  // Optional variables may be left out entirely.
  const clusters = await fleet.clusters();
  console.log(clusters.totalCount, clusters.nodes.map((c) => c.state));
  const one = await fleet.cluster({ name: 'edge-b12-1' });
  console.log(one?.site);

  // A mutation, with a typed error.
  try {
    const rollout = await fleet.setDeploymentImage({
      input: {
        target: { clusterLabelSelector: 'tier=edge', architectures: ['ARM64'] },
        namespace: 'city',
        name: 'mqtt-bridge',
        images: [{ container: 'mqtt-bridge', image: 'registry.example/mqtt-bridge:2.2' }],
        strategy: { canaryClusters: 1, maxConcurrentClusters: 2 },
      },
    });
    // A progress subscription resumed from a cursor.
    for await (const event of fleet.rolloutProgress({ id: rollout.id, after: null }, { signal })) {
      const phase: string = event.phase;
      if (phase === 'SUCCEEDED') break;
    }
  } catch (e) {
    if (isFleetGraphError(e) && e.code === 'IMAGE_PLATFORM_MISSING') console.log(e.message, e.errors);
    if (e instanceof FleetGraphError && e.code === 'NETWORK_ERROR') console.log('offline');
  }

  // An event subscription, iterated, with its resume cursor.
  const types: NodeEventType[] = ['NODE_NOT_READY', 'NODE_READY'];
  const events = fleet.nodeEvents({ where: { target: { sites: ['b12'] }, types } }, { signal });
  for await (const e of events) {
    console.log(e.cluster, e.nodeName, e.type, e.node?.readiness, e.cursor);
    break;
  }
  console.log(events.cursor);

  // Any other operation, typed by the caller.
  const raw = await fleet.request<{ sites: { name: string }[] }>('{ sites { name } }');
  console.log(raw.sites.length, raw.clusterProblems.length);
  await fleet.close();
}
`;

// Each wrong line is marked; tsc must reject exactly the marked lines.
const WRONG = `import { createFleetClient } from '@fleetgraph/sdk';

const fleet = createFleetClient({ url: 'http://127.0.0.1:4000/graphql' });

export async function main(): Promise<void> {
  const page = await fleet.nodes({ first: 'ten' }); // WRONG: argument type
  console.log(page.nodes[0]?.nmae); // WRONG: misspelled field
  await fleet.nodes({ where: { target: { architectures: ['ARM65'] } } }); // WRONG: enum value
  await fleet.cluster({ nmae: 'edge-b12-1' }); // WRONG: misspelled argument
  await fleet.cluster(); // WRONG: required variables missing
  await fleet.clustrs(); // WRONG: unknown operation
  console.log(page.totalCount.toUpperCase()); // WRONG: totalCount is a number
  for await (const e of fleet.nodeEvents()) console.log(e.nodeNmae); // WRONG: misspelled event field
}
`;

describe('SDK types', () => {
  it('compile a script that uses every call pattern rightly (Node entry)', async () => {
    const r = await compile('right.ts', RIGHT, NODE);
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('compile the same script against the browser entry', async () => {
    const r = await compile('right-browser.ts', RIGHT, {
      module: 'ESNext',
      moduleResolution: 'Bundler',
      customConditions: ['browser'],
    });
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('reject a misspelled field, a wrong argument type and the like at exactly those lines', async () => {
    const r = await compile('wrong.ts', WRONG, NODE);
    expect(r.code).not.toBe(0);
    const wrongLines = WRONG.split('\n')
      .map((line, i) => (line.includes('// WRONG') ? i + 1 : 0))
      .filter((n) => n > 0);
    expect(wrongLines).toHaveLength(8);
    const errorLines = [...new Set(r.errors.map((l) => Number(/^wrong\.ts\((\d+),/.exec(l)?.[1])))];
    expect(errorLines.sort((a, b) => a - b)).toEqual(wrongLines);
    // The messages name the mistakes.
    const text = r.errors.join('\n');
    expect(text).toMatch(/Type 'string' is not assignable to type 'number'/);
    expect(text).toMatch(/Property 'nmae' does not exist/);
    expect(text).toMatch(/"ARM65"/);
    expect(text).toMatch(/Property 'clustrs' does not exist/);
    expect(text).toMatch(/Property 'nodeNmae' does not exist/);
  });
});
