/**
 * Every script in examples/ runs (as its own process, like a user would run it) against a
 * gateway on the demo fleet, and prints what it promises: NotReady nodes per site and
 * architecture with the stale clusters, a canary rollout followed to the end, verified backup
 * digests, and a tail of node events that survives a cut link and resumes by cursor.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCluster } from '../../sim/cluster.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '../helpers/sim.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

let gw: TestGateway;
const children: ChildProcess[] = [];

/** A running example: its output so far, and its end. */
interface Run {
  stdout: string[];
  stderr: string;
  exited: Promise<number | null>;
}

function start(script: string, args: string[], url = `${gw.url}/graphql`): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', `examples/${script}`, ...args], {
    env: { ...process.env, FLEETGRAPH_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const run: Run = {
    stdout: [],
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  let partial = '';
  child.stdout?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    run.stdout.push(...lines);
  });
  child.stderr?.on('data', (d: Buffer) => (run.stderr += d.toString('utf8')));
  return run;
}

/** Runs an example to its end; fails the test with its output when it exits non-zero. */
async function runExample(script: string, args: string[]): Promise<string[]> {
  const run = start(script, args);
  const code = await run.exited;
  if (code !== 0) throw new Error(`${script} exited ${code}:\n${run.stdout.join('\n')}\n${run.stderr}`);
  return run.stdout;
}

function sim(name: string): SimCluster {
  const c = gw.gateway.demoFleet?.find(name);
  if (!c) throw new Error(`no demo cluster ${name}`);
  return c;
}

function nodeOf(cluster: string): string {
  const n = (sim(cluster).store.list('/nodes') as { metadata: { name: string } }[])[0];
  if (!n) throw new Error(`${cluster} has no node`);
  return n.metadata.name;
}

async function clusterState(name: string): Promise<string | undefined> {
  const r = await gw.gql<{ cluster: { state: string } | null }>(
    'query($n: String!) { cluster(name: $n) { state } }',
    {
      n: name,
    },
  );
  return r.data?.cluster?.state;
}

beforeAll(async () => {
  gw = await startTestGateway({ demo: { timeScale: 0.05 } });
  await gw.settled();
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await gw?.close();
});

describe('examples', () => {
  it('not-ready-nodes.ts lists NotReady nodes per site and architecture and names stale clusters', async () => {
    expect(await runExample('not-ready-nodes.ts', [])).toEqual(['every node is Ready']);

    const node = nodeOf('edge-b14-2');
    sim('edge-b14-2').controllers.setNodeCondition(node, 'Ready', 'False', 'KubeletNotReady', 'runtime down');
    await sim('edge-b21-1').setFaults({ offline: 'down' });
    try {
      await eventually(
        async () => (await clusterState('edge-b21-1')) === 'OFFLINE',
        15_000,
        'edge-b21-1 OFFLINE',
      );
      await eventually(
        async () => {
          const r = await gw.gql<{ nodes: { totalCount: number } }>(
            '{ nodes(where: { readiness: NOT_READY }) { totalCount } }',
          );
          return r.data?.nodes.totalCount === 1;
        },
        10_000,
        'the NotReady node in the cache',
      );
      const out = await runExample('not-ready-nodes.ts', []);
      expect(out[0]).toBe('b14 ARM64: 1 not ready');
      expect(out[1]).toBe(`  edge-b14-2/${node} NOT_READY KubeletNotReady runtime down`);
      expect(out.filter((l) => l.startsWith('stale: '))).toEqual([
        expect.stringMatching(/^stale: edge-b21-1 \(OFFLINE/),
      ]);
      // Filtered to another site: nothing NotReady there.
      const b12 = await runExample('not-ready-nodes.ts', ['--site', 'b12', '--arch', 'arm64']);
      expect(b12).toEqual(['every node is Ready']);
    } finally {
      sim('edge-b14-2').controllers.setNodeCondition(
        node,
        'Ready',
        'True',
        'KubeletReady',
        'kubelet is ready',
      );
      await sim('edge-b21-1').setFaults({ offline: null });
    }
    await eventually(async () => (await clusterState('edge-b21-1')) === 'READY', 15_000, 'edge-b21-1 READY');
  });

  it('rollout-arm64.ts rolls an image to one site canary-first and follows it to SUCCEEDED', async () => {
    const out = await runExample('rollout-arm64.ts', ['--sites', 'b30', '--soak', '1']);
    const header = /^rollout (\S+): 3 clusters, canary (edge-b30-\d)$/.exec(out[0] ?? '');
    expect(header, out.join('\n')).not.toBeNull();
    const canary = header?.[2] ?? '';
    expect(out).not.toContainEqual(expect.stringMatching(/^warning:/));
    expect(out.at(-1)).toBe('finished: SUCCEEDED; SUCCEEDED 3');
    // Every cluster reached SUCCEEDED, the canary before any other cluster started.
    const succeeded = out.filter((l) => l.endsWith('-> SUCCEEDED')).map((l) => l.trim().split(' ')[0]);
    expect(succeeded.sort()).toEqual(['edge-b30-1', 'edge-b30-2', 'edge-b30-3']);
    const canaryDone = out.findIndex((l) => l.trim() === `${canary} PROGRESSING -> SUCCEEDED`);
    const firstOther = out.findIndex(
      (l) => /^\s+edge-b30-\d PENDING -> APPLYING/.test(l) && !l.includes(canary),
    );
    expect(canaryDone).toBeGreaterThan(0);
    expect(firstOther).toBeGreaterThan(canaryDone);
    // The clusters really run the new image now.
    const r = await gw.gql<{ deployments: { nodes: { cluster: { name: string }; images: string[] }[] } }>(
      '{ deployments(where: { target: { sites: ["b30"] }, namespace: "city", name: "mqtt-bridge" }) { nodes { cluster { name } images } } }',
    );
    expect(r.data?.deployments.nodes.map((d) => d.images)).toEqual([
      ['registry.example/mqtt-bridge:2.2'],
      ['registry.example/mqtt-bridge:2.2'],
      ['registry.example/mqtt-bridge:2.2'],
    ]);
  });

  it('backup-edge-clusters.ts backs up each edge cluster and prints digests that verify', async () => {
    const out = await runExample('backup-edge-clusters.ts', ['--sites', 'b21']);
    expect(out.at(-1)).toBe('3 of 3 clusters backed up and verified');
    const lines = out.slice(0, -1);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const m = /^(edge-b21-\d): (\d+) objects, sha256 ([0-9a-f]{64}) verified \((\S+)\)$/.exec(line);
      expect(m, line).not.toBeNull();
      const r = await gw.gql<{ backup: { cluster: string; phase: string; archiveSha256: string } | null }>(
        'query($id: ID!) { backup(id: $id) { cluster phase archiveSha256 } }',
        { id: m?.[4] },
      );
      expect(r.data?.backup).toEqual({ cluster: m?.[1], phase: 'COMPLETED', archiveSha256: m?.[3] });
      expect(Number(m?.[2])).toBeGreaterThan(0);
    }
  });

  describe('tail-node-events.ts', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await startTcpProxy(Number(new URL(gw.url).port));
    });
    afterAll(async () => {
      await proxy?.close();
    });

    const eventLine = /^\S+ (\S+)\/(\S+) (NODE_[A-Z_]+) .*cursor=(\S+)$/;

    it('tails one site, misses nothing across a cut link, and resumes with --after', async () => {
      const [n1, n2, n3] = ['edge-b14-1', 'edge-b14-2', 'edge-b14-3'].map((c) => ({ c, n: nodeOf(c) }));
      const base = gw.gateway.events.subscriberCount;
      const tail = start(
        'tail-node-events.ts',
        ['--site', 'b14', '--count', '4'],
        `http://127.0.0.1:${proxy.port}/graphql`,
      );
      await eventually(() => gw.gateway.events.subscriberCount > base, 20_000, 'the tail subscribed');
      await new Promise((r) => setTimeout(r, 100));

      const cordon = (x: { c: string; n: string } | undefined, on: boolean): void =>
        sim(x?.c ?? '').controllers.setCordoned(x?.n ?? '', on);
      cordon(n1, true);
      await eventually(() => tail.stdout.some((l) => eventLine.test(l)), 10_000, 'the first event printed');
      // The link drops; three things happen meanwhile, plus one at another site.
      proxy.block();
      proxy.cut();
      cordon(n2, true);
      cordon(n3, true);
      sim('edge-b12-1').controllers.setCordoned(nodeOf('edge-b12-1'), true);
      cordon(n1, false);
      await new Promise((r) => setTimeout(r, 500));
      proxy.unblock();
      const code = await Promise.race([
        tail.exited,
        new Promise((r) => setTimeout(() => r('running'), 15_000)),
      ]);
      expect(code, `${tail.stdout.join('\n')}\n${tail.stderr}`).toBe(0);

      const events = tail.stdout.filter((l) => eventLine.test(l)).map((l) => eventLine.exec(l) ?? []);
      expect(events.map((m) => `${m[1]}/${m[2]} ${m[3]}`)).toEqual([
        `edge-b14-1/${n1?.n} NODE_CORDONED`,
        `edge-b14-2/${n2?.n} NODE_CORDONED`,
        `edge-b14-3/${n3?.n} NODE_CORDONED`,
        `edge-b14-1/${n1?.n} NODE_UNCORDONED`,
      ]);
      const last = events[3]?.[4];
      expect(tail.stdout.at(-1)).toBe(`last cursor: ${last}`);
      expect(proxy.accepted).toBeGreaterThanOrEqual(2);

      // Restarted with the last cursor, it prints only what happened since.
      cordon(n2, false);
      const resumed = await runExample('tail-node-events.ts', [
        '--site',
        'b14',
        '--after',
        last ?? '',
        '--count',
        '1',
      ]);
      const next = resumed.filter((l) => eventLine.test(l));
      expect(next).toHaveLength(1);
      expect(next[0]).toContain(`edge-b14-2/${n2?.n} NODE_UNCORDONED`);
      cordon(n3, false);
      sim('edge-b12-1').controllers.setCordoned(nodeOf('edge-b12-1'), false);
    });
  });
});
