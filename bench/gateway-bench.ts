/**
 * Gateway benchmark, one run, everything as a user runs it: a simulated fleet of N clusters
 * (`fleetgraph sim --clusters N --large L`: edge clusters plus L large data-centre ones) in
 * one process, the gateway (`fleetgraph serve --kubeconfig …`) in another, and this process
 * as the client. It reports:
 *
 * - sync: from spawning the gateway (kubeconfig import included) until no cluster is
 *   CONNECTING or SYNCING and all are READY
 * - the gateway's RSS after sync (and after the query runs)
 * - latency (p50/p99) of a filtered fleet question, "NotReady arm64 nodes at site S" and
 *   "NotReady arm64 nodes anywhere", answered from the caches (CACHED) and from the API
 *   servers (LIVE: only the targeted clusters are asked), over HTTP
 * - the site question answered by a kubectl loop over every context (the baseline)
 * - the ratios kubectl loop / CACHED and LIVE / CACHED
 *
 *   npm run bench:gateway -- --clusters 1000 --large 3
 */
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { gql, rssMiB, startGateway, startSim, stats, stopAll, untilAllReady } from './harness.js';

const run = promisify(execFile);

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '1000' },
    large: { type: 'string', default: '3' },
    'cached-runs': { type: 'string', default: '500' },
    'live-runs': { type: 'string', default: '10' },
    /** Contexts the kubectl loop visits; 0 = all. */
    'kubectl-contexts': { type: 'string', default: '0' },
    'not-ready': { type: 'string', default: '4' },
    /**
     * Also time LIVE for the site question with this much latency on each of the site's
     * clusters (the simulator's latency fault), as over edge links; 0 skips it.
     */
    'link-latency-ms': { type: 'string', default: '50' },
  },
});
const N = Number(values.clusters);
const LARGE = Number(values.large);
const CACHED_RUNS = Number(values['cached-runs']);
const LIVE_RUNS = Number(values['live-runs']);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetgraph-gw-bench-'));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  const children: ChildProcess[] = [];
  try {
    // 1. The fleet.
    const ready = await startSim({ clusters: N, large: LARGE, kubeconfigPath: kubeconfig }, children);
    const edge = ready.clusters.filter(
      (c) => c.architectures.includes('arm64') && c.name.startsWith('edge-'),
    );
    const site = edge[0]?.site ?? 'none';
    const siteClusters = edge.filter((c) => c.site === site);
    console.log(
      `fleet: ${ready.clusters.length} clusters (${LARGE} large); question: NotReady arm64 nodes at site ${site} (${siteClusters.length} clusters)`,
    );

    // Make some of that site's nodes NotReady (and one elsewhere, which must not be counted).
    const admin = ready.adminUrl;
    const notReady = siteClusters.slice(0, Number(values['not-ready']));
    for (const c of [...notReady, ...edge.filter((e) => e.site !== site).slice(0, 1)]) {
      // An edge cluster of a generated fleet has one node, <cluster>-rpi-1.
      const node = `${c.name}-rpi-1`;
      const res = await fetch(`${admin}/clusters/${c.name}/nodes/${node}/conditions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'bench' }),
      });
      if (!res.ok) throw new Error(`admin API: ${res.status} ${await res.text()}`);
    }

    // 2. The gateway.
    const { url, pid, syncMs } = await startGateway(
      { kubeconfigPath: kubeconfig, dataDir: join(dir, 'data'), clusters: N },
      children,
    );
    await new Promise((res) => setTimeout(res, 5000));
    const rssAfterSync = rssMiB(pid);
    // And once the sync's garbage has had time to go (probes and watches keep running).
    await new Promise((res) => setTimeout(res, 25_000));
    const rssSettled = rssMiB(pid);
    console.log(`gateway RSS 30 s after sync: ${rssSettled.toFixed(0)} MiB`);
    console.log(
      `sync: ${(syncMs / 1000).toFixed(1)} s; gateway RSS after sync: ${rssAfterSync.toFixed(0)} MiB`,
    );

    // 3. CACHED and LIVE latency of two questions: one site (LIVE asks only that site's
    // clusters) and the whole fleet (LIVE asks every cluster).
    const questions = [
      {
        name: `site ${site}`,
        target: `{ sites: ["${site}"], architectures: [ARM64] }`,
        expected: notReady.length,
      },
      { name: 'fleet-wide', target: '{ architectures: [ARM64] }', expected: notReady.length + 1 },
    ];
    const rows: Record<string, { value: number | string }> = {
      clusters: { value: N },
      'sync (s)': { value: +(syncMs / 1000).toFixed(1) },
      'gateway RSS after sync (MiB)': { value: +rssAfterSync.toFixed(0) },
      'gateway RSS 30 s after sync (MiB)': { value: +rssSettled.toFixed(0) },
    };
    const cachedP99: number[] = [];
    for (const q of questions) {
      const query = (mode: string) =>
        `{ nodes(where: { target: ${q.target}, readiness: NOT_READY }, consistency: ${mode}, deadlineMs: 30000) { totalCount nodes { name cluster { name } } } }`;
      const check = (r: { data?: Record<string, unknown>; errors?: unknown[] }, mode: string) => {
        const count = (r.data?.nodes as { totalCount: number } | undefined)?.totalCount;
        if (count !== q.expected || r.errors)
          throw new Error(
            `${q.name} ${mode}: expected ${q.expected} nodes, got ${JSON.stringify(r).slice(0, 400)}`,
          );
      };
      for (let i = 0; i < 20; i++) check(await gql(url, query('CACHED')), 'CACHED warm-up');
      const cached: number[] = [];
      for (let i = 0; i < CACHED_RUNS; i++) {
        const t = performance.now();
        const r = await gql(url, query('CACHED'));
        cached.push(performance.now() - t);
        check(r, 'CACHED');
      }
      const live: number[] = [];
      for (let i = 0; i < LIVE_RUNS; i++) {
        const t = performance.now();
        const r = await gql(url, query('LIVE'));
        live.push(performance.now() - t);
        check(r, 'LIVE');
      }
      const c = stats(cached);
      const l = stats(live);
      cachedP99.push(c.p99);
      console.log(
        `${q.name}: CACHED (${CACHED_RUNS} runs) p50 ${c.p50.toFixed(2)} ms, p99 ${c.p99.toFixed(2)} ms; LIVE (${LIVE_RUNS} runs) p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms`,
      );
      rows[`${q.name}: CACHED p50 (ms)`] = { value: +c.p50.toFixed(2) };
      rows[`${q.name}: CACHED p99 (ms)`] = { value: +c.p99.toFixed(2) };
      rows[`${q.name}: LIVE p50 (ms)`] = { value: +l.p50.toFixed(0) };
      rows[`${q.name}: LIVE p99 (ms)`] = { value: +l.p99.toFixed(0) };
      rows[`${q.name}: LIVE p50 / CACHED p50`] = { value: +(l.p50 / c.p50).toFixed(1) };
      // Loopback clusters answer LIVE in milliseconds; edge links add their latency to every
      // LIVE read and nothing to CACHED. The site question again, over slower links.
      const linkMs = Number(values['link-latency-ms']);
      if (q.name.startsWith('site') && linkMs > 0) {
        const setLatency = (latencyMs: number) =>
          Promise.all(
            siteClusters.map((sc) =>
              fetch(`${admin}/clusters/${sc.name}/faults`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ latencyMs }),
              }).then((res) => {
                if (!res.ok) throw new Error(`admin API: faults ${res.status}`);
              }),
            ),
          );
        await setLatency(linkMs);
        const slow: number[] = [];
        for (let i = 0; i < LIVE_RUNS; i++) {
          const t = performance.now();
          const r = await gql(url, query('LIVE'));
          slow.push(performance.now() - t);
          check(r, `LIVE over ${linkMs} ms links`);
        }
        await setLatency(0);
        const sl = stats(slow);
        console.log(
          `${q.name}: LIVE over ${linkMs} ms links p50 ${sl.p50.toFixed(0)} ms, p99 ${sl.p99.toFixed(0)} ms`,
        );
        rows[`${q.name}: LIVE over ${linkMs} ms links p50 (ms)`] = { value: +sl.p50.toFixed(0) };
        rows[`${q.name}: LIVE over ${linkMs} ms links p99 (ms)`] = { value: +sl.p99.toFixed(0) };
        rows[`${q.name}: LIVE over ${linkMs} ms links p50 / CACHED p50`] = {
          value: +(sl.p50 / c.p50).toFixed(1),
        };
      }
    }
    const rssAfterQueries = rssMiB(pid);
    rows['gateway RSS after queries (MiB)'] = { value: +rssAfterQueries.toFixed(0) };
    // Start every lazily cached kind on every cluster (pods, deployments, services, events),
    // as a dashboard that uses all of them would, and measure again.
    const everyKind = await gql(
      url,
      '{ pods(first: 1) { totalCount } deployments(first: 1) { totalCount } services(first: 1) { totalCount } events(first: 1) { totalCount } }',
    );
    // The first such query waits up to 3 s for the new caches and reports the clusters whose
    // caches are still syncing as problems; wait until every cluster is READY again.
    console.log(`every-kind query: ${everyKind.errors?.length ?? 0} clusters still syncing at first answer`);
    const kindsStarted = Date.now();
    await untilAllReady(url, N, kindsStarted + 120_000);
    console.log(`every kind synced on every cluster in ${((Date.now() - kindsStarted) / 1000).toFixed(1)} s`);
    await new Promise((res) => setTimeout(res, 10_000));
    const rssEveryKind = rssMiB(pid);
    console.log(
      `gateway RSS with every kind cached: ${rssEveryKind.toFixed(0)} MiB (${JSON.stringify(everyKind.data)})`,
    );
    rows['gateway RSS, every kind cached (MiB)'] = { value: +rssEveryKind.toFixed(0) };

    // 4. The kubectl loop answering the site question: every context (kubectl cannot select
    // by site), arm64 nodes as JSON, then site and readiness filtered here.
    const doc = parseYaml(readFileSync(kubeconfig, 'utf8')) as {
      contexts: {
        name: string;
        context: { extensions?: { name: string; extension: { site?: string } }[] };
      }[];
    };
    const limit = Number(values['kubectl-contexts']);
    const contexts = limit > 0 ? doc.contexts.slice(0, limit) : doc.contexts;
    const visited = new Set(contexts.map((c) => c.name));
    const kt = performance.now();
    let found = 0;
    for (const ctx of contexts) {
      const ctxSite = ctx.context.extensions?.find((e) => e.name === 'fleetgraph')?.extension.site;
      const { stdout } = await run(
        'kubectl',
        [
          '--kubeconfig',
          kubeconfig,
          '--context',
          ctx.name,
          'get',
          'nodes',
          '-l',
          'kubernetes.io/arch=arm64',
          '-o',
          'json',
        ],
        { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, KUBECACHEDIR: join(dir, 'kubecache') } },
      );
      if (ctxSite !== site) continue;
      const items = (
        JSON.parse(stdout) as { items: { status: { conditions: { type: string; status: string }[] } }[] }
      ).items;
      found += items.filter(
        (n) => n.status.conditions.find((x) => x.type === 'Ready')?.status !== 'True',
      ).length;
    }
    const measuredMs = performance.now() - kt;
    const loopMs = (measuredMs * doc.contexts.length) / contexts.length;
    const expectedHere = notReady.filter((c) => visited.has(c.name)).length;
    if (found !== expectedHere) throw new Error(`kubectl loop found ${found}, expected ${expectedHere}`);
    console.log(
      `kubectl loop over ${contexts.length} contexts: ${(measuredMs / 1000).toFixed(1)} s${contexts.length < doc.contexts.length ? ` (scaled to ${doc.contexts.length} contexts: ${(loopMs / 1000).toFixed(1)} s)` : ''}`,
    );
    rows['kubectl loop (s)'] = { value: +(loopMs / 1000).toFixed(1) };
    rows['kubectl loop / site CACHED p99'] = { value: +(loopMs / (cachedP99[0] ?? NaN)).toFixed(0) };
    console.log('\nresults');
    console.table(rows);
  } finally {
    await stopAll(children);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
