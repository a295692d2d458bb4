/**
 * Subscription fan-out benchmark, as users run it: a simulated fleet (`fleetgraph sim`) and
 * the gateway (`fleetgraph serve`) in their own processes, and this process as 1,000
 * dashboards, each a graphql-ws connection with one nodeEvents subscription:
 *
 * - most follow one site (spread over every site), some a few clusters, and a few the whole
 *   fleet's arm64 nodes (--fleet-wide), so each event reaches a realistic handful of them
 * - a warm-up of --warmup-changes node changes (1,500; 0 for none) at --warmup-rate (250/s)
 *   over 50 clusters, its latency reported apart, so the burst measures optimised code, not
 *   V8 compiling it
 * - then a burst of real node changes (cordon / uncordon through the simulator's admin API)
 *   at --rate events/s for --seconds, round-robin over every edge cluster
 *
 * It reports delivery latency p50/p99 to the client's receipt from three points: the
 * simulator's change (the `appliedAt` its admin API answers with, the measure), the
 * admin request being sent (an upper bound that adds the simulator's queueing of admin
 * requests), and the gateway observing the change (the event's observedAt). It also reports
 * the deliveries expected by each subscriber's filter against those received (lost and
 * duplicated must be 0), the gateway's RSS, and the CPU each process used during the burst;
 * --timeline adds the latency of each second of the burst.
 *
 *   npm run bench:fanout -- --clusters 1000 --subscribers 1000 --rate 500 --seconds 10
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { cpuSeconds, postJson, rssMiB, startGateway, startSim, stats, stopAll } from './harness.js';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '1000' },
    subscribers: { type: 'string', default: '1000' },
    'fleet-wide': { type: 'string', default: '10' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    'warmup-changes': { type: 'string', default: '1500' },
    'warmup-rate': { type: 'string', default: '250' },
    timeline: { type: 'boolean', default: false },
  },
});
const N = Number(values.clusters);
const SUBSCRIBERS = Number(values.subscribers);
const FLEET_WIDE = Number(values['fleet-wide']);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const WARMUP_CHANGES = Number(values['warmup-changes']);
/** The warm-up's pace and spread (see the warm-up in main). */
const WARMUP_RATE = Number(values['warmup-rate']);
const WARMUP_CLUSTERS = 50;

interface Filter {
  sites?: string[];
  clusters?: string[];
  architectures?: string[];
}

interface Subscriber {
  filter: Filter;
  matches: (cluster: string, site: string) => boolean;
  /** cluster → events received, in order (one per change of that cluster's node). */
  received: Map<string, number>;
  duplicates: number;
  /** Why its subscription ended before the run did (error or completion), if it did. */
  ended?: string;
}

interface NodeEventMsg {
  cluster: string;
  type: string;
  cursor: string;
  observedAt: string;
}

/** The admin API over keep-alive HTTP/1.1 (see postJson). */
const adminAgent = new Agent({ keepAlive: true, maxSockets: 64 });

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetgraph-fanout-'));
  const kubeconfigPath = join(dir, 'kubeconfig.yaml');
  const children: ChildProcess[] = [];
  const clients: Client[] = [];
  try {
    const ready = await startSim({ clusters: N, large: 0, kubeconfigPath }, children);
    const edge = ready.clusters.filter(
      (c) => c.name.startsWith('edge-') && c.architectures.includes('arm64'),
    );
    const siteOf = new Map(ready.clusters.map((c) => [c.name, c.site]));
    const sites = [...new Set(edge.map((c) => c.site))].sort();
    const gw = await startGateway({ kubeconfigPath, dataDir: join(dir, 'data'), clusters: N }, children);
    console.log(
      `fleet: ${N} clusters, ${edge.length} edge, ${sites.length} sites; gateway READY in ${gw.syncMs} ms`,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const rssBefore = rssMiB(gw.pid);

    // The subscribers.
    const subs: Subscriber[] = [];
    const latencies: number[] = [];
    /** From the gateway observing the change (the event's observedAt) to the client's receipt. */
    const fanout: number[] = [];
    /** cluster → send times of its changes, in order. */
    const sentAt = new Map<string, number[]>();
    /** cluster → when the simulator applied its changes (wall clock, ms), in order. */
    const appliedAt = new Map<string, number[]>();
    /** Every receipt: its cluster, which change of that cluster it is, and when (wall clock). */
    const receipts: { cluster: string; k: number; at: number }[] = [];
    /** p50/p99 from the simulator's change to the receipts so far. */
    const latencyFromChange = (): { p50: number; p99: number } => {
      const fromChange: number[] = [];
      for (const r of receipts) {
        const t = appliedAt.get(r.cluster)?.[r.k];
        if (t !== undefined) fromChange.push(r.at - t);
      }
      return stats(fromChange);
    };
    const wsUrl = `${gw.url.replace(/^http/, 'ws')}/graphql`;
    let acked = 0;
    for (let i = 0; i < SUBSCRIBERS; i++) {
      let filter: Filter;
      if (i < FLEET_WIDE) filter = { architectures: ['ARM64'] };
      else if (i % 10 === 0) {
        const picks = [0, 1, 2].map((k) => edge[(i * 7 + k * 131) % edge.length]?.name ?? '');
        filter = { clusters: picks };
      } else filter = { sites: [sites[i % sites.length] ?? ''] };
      const clusters = filter.clusters ? new Set(filter.clusters) : undefined;
      const siteSet = filter.sites ? new Set(filter.sites) : undefined;
      const sub: Subscriber = {
        filter,
        matches: (c, s) => (!clusters || clusters.has(c)) && (!siteSet || siteSet.has(s)),
        received: new Map(),
        duplicates: 0,
      };
      subs.push(sub);
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        on: { connected: () => void (acked += 1) },
      });
      clients.push(client);
      const seen = new Set<string>();
      client.subscribe(
        {
          query: `subscription($t: ClusterTarget) { nodeEvents(where: { target: $t, types: [NODE_CORDONED, NODE_UNCORDONED] }) { cluster type cursor observedAt } }`,
          variables: { t: filter },
        },
        {
          next: (msg) => {
            const now = performance.now();
            const wall = Date.now();
            const e = (msg.data as { nodeEvents?: NodeEventMsg } | undefined)?.nodeEvents;
            if (!e) return;
            if (seen.has(e.cursor)) {
              sub.duplicates += 1;
              return;
            }
            seen.add(e.cursor);
            const k = sub.received.get(e.cluster) ?? 0;
            sub.received.set(e.cluster, k + 1);
            const t0 = sentAt.get(e.cluster)?.[k];
            if (t0 !== undefined) latencies.push(now - t0);
            receipts.push({ cluster: e.cluster, k, at: wall });
            fanout.push(wall - Date.parse(e.observedAt));
          },
          error: (err: unknown) => {
            const e = err as { code?: number; reason?: string } | undefined;
            sub.ended =
              e && typeof e.code === 'number'
                ? `closed ${e.code} ${e.reason ?? ''}`
                : `error ${JSON.stringify(err).slice(0, 300)}`;
            console.error(`subscription ${subs.indexOf(sub)}: ${sub.ended}`);
          },
          complete: () => void (sub.ended ??= 'completed'),
        },
      );
    }
    while (acked < SUBSCRIBERS) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 2000));
    const rssSubscribed = rssMiB(gw.pid);
    console.log(`${SUBSCRIBERS} subscribers connected; gateway RSS ${rssSubscribed.toFixed(0)} MiB`);

    // A burst: RATE changes per second, paced every 10 ms, round-robin over the edge clusters.
    const cordoned = new Map<string, boolean>();
    let failed = 0;
    let retried = 0;
    /** Admin request failures (and retries) by reason. */
    const failures = new Map<string, number>();
    const tally = (reason: string): void => void failures.set(reason, (failures.get(reason) ?? 0) + 1);
    let cursor = 0;
    let rssPeak = rssSubscribed;
    const simPid = children[0]?.pid ?? 0;
    const burst = async (
      seconds: number,
      rate = RATE,
      targets = edge,
    ): Promise<{ sent: number; sendSeconds: number }> => {
      const total = rate * seconds;
      const start = performance.now();
      let sent = 0;
      const inflight = new Set<Promise<void>>();
      const busy = new Set<string>();
      while (sent < total) {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
        for (; sent < due; sent++) {
          // The next edge cluster with no change in flight: two changes of one node in flight at
          // once could reach the simulator in either order and cancel out.
          let c = targets[cursor++ % targets.length];
          for (let tries = 0; c && busy.has(c.name) && tries < targets.length; tries++)
            c = targets[cursor++ % targets.length];
          if (!c || busy.has(c.name)) break;
          const name = c.name;
          busy.add(name);
          const next = !(cordoned.get(c.name) ?? false);
          cordoned.set(c.name, next);
          const times = sentAt.get(c.name) ?? [];
          times.push(performance.now());
          sentAt.set(c.name, times);
          // Setting the cordon to an explicit value is idempotent, so a request that failed
          // on its connection is sent again once (counted and reported with its reason).
          const url = `${ready.adminUrl}/clusters/${c.name}/nodes/${c.name}-rpi-1/cordon`;
          const post = () => postJson(url, { cordoned: next }, adminAgent);
          const p = post()
            .catch((e: unknown) => {
              retried += 1;
              tally(`retried: ${String(e)}`);
              return post();
            })
            .then((r) => {
              if (r.status !== 200) throw new Error(`HTTP ${r.status} ${r.body.slice(0, 200)}`);
              const at = Date.parse((JSON.parse(r.body) as { appliedAt: string }).appliedAt);
              const list = appliedAt.get(name) ?? [];
              list.push(at);
              appliedAt.set(name, list);
            })
            .catch((e: unknown) => {
              // Not applied: the change is not expected, and the node keeps its state.
              failed += 1;
              tally(String(e));
              times.pop();
              cordoned.set(name, !next);
            })
            .finally(() => busy.delete(name));
          inflight.add(p);
          void p.finally(() => inflight.delete(p));
        }
        rssPeak = Math.max(rssPeak, rssMiB(gw.pid));
        await new Promise((r) => setTimeout(r, 10));
      }
      const sendSeconds = (performance.now() - start) / 1000;
      await Promise.all(inflight);
      return { sent, sendSeconds };
    };
    // Every change so far to every subscriber whose filter matches its cluster.
    const expectedTotal = (): number => {
      let n = 0;
      for (const s of subs) {
        for (const [cluster, times] of sentAt)
          if (s.matches(cluster, siteOf.get(cluster) ?? '')) n += times.length;
      }
      return n;
    };
    const receivedTotal = () =>
      subs.reduce((n, s) => n + [...s.received.values()].reduce((a, b) => a + b, 0), 0);
    const drain = async (): Promise<void> => {
      const deadline = Date.now() + 30_000;
      const expected = expectedTotal();
      while (receivedTotal() < expected && Date.now() < deadline) {
        rssPeak = Math.max(rssPeak, rssMiB(gw.pid));
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    // The warm-up: changes over a few clusters, so the measured burst does not run through
    // code that V8 has not optimised yet. What counts is how many: V8's log of one run
    // (--log-function-events) showed the simulator's controllers optimised by TurboFan only in
    // the burst's first seconds after a warm-up of 300 changes (0.6 s of compiling on its
    // helper threads in the first three, with both cores already busy), and during the warm-up
    // after 1,500 (docs/benchmarks.md, fourth session of 2026-12-07).
    let warm: { p50: number; p99: number } | undefined;
    if (WARMUP_CHANGES > 0) {
      await burst(WARMUP_CHANGES / WARMUP_RATE, WARMUP_RATE, edge.slice(0, WARMUP_CLUSTERS));
      await drain();
      warm = latencyFromChange();
      latencies.length = 0;
      fanout.length = 0;
      receipts.length = 0;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const expectedBefore = expectedTotal();
    const receivedBefore = receivedTotal();
    const cpu0 = { sim: cpuSeconds(simPid), gateway: cpuSeconds(gw.pid), bench: process.cpuUsage() };
    const { sent, sendSeconds } = await burst(SECONDS);

    await drain();
    const expected = expectedTotal() - expectedBefore;
    await new Promise((r) => setTimeout(r, 1000));
    const benchCpu = process.cpuUsage(cpu0.bench);
    const cpu = {
      sim: cpuSeconds(simPid) - cpu0.sim,
      gateway: cpuSeconds(gw.pid) - cpu0.gateway,
      bench: (benchCpu.user + benchCpu.system) / 1e6,
    };
    const received = receivedTotal() - receivedBefore;
    const duplicates = subs.reduce((n, s) => n + s.duplicates, 0);
    const ended = subs.filter((s) => s.ended !== undefined);
    const l = stats(latencies);
    const ch = latencyFromChange();
    const f = stats(fanout);
    const rows: Record<string, { value: number | string }> = {
      clusters: { value: N },
      subscribers: { value: SUBSCRIBERS },
      'fleet-wide / cluster-list / site subscribers': {
        value: `${FLEET_WIDE} / ${subs.filter((s) => s.filter.clusters).length} / ${subs.filter((s) => s.filter.sites).length}`,
      },
      'changes sent': { value: sent },
      'admin requests failed (their changes not expected)': { value: failed },
      'admin requests sent again after a connection error': { value: retried },
      'send rate (events/s)': { value: +(sent / sendSeconds).toFixed(0) },
      'deliveries expected': { value: expected },
      'deliveries received': { value: received },
      'lost (expected - received)': { value: expected - received },
      duplicates: { value: duplicates },
      'subscriptions ended before the run did': { value: ended.length },
      'delivery rate (msgs/s)': { value: +(received / sendSeconds).toFixed(0) },
      'warm-up changes before the burst; their latency p50 / p99 (ms)': {
        value: warm ? `${WARMUP_CHANGES}; ${warm.p50.toFixed(1)} / ${warm.p99.toFixed(1)}` : 'none',
      },
      'latency change (simulator) to receipt p50 / p99 (ms)': {
        value: `${ch.p50.toFixed(1)} / ${ch.p99.toFixed(1)}`,
      },
      'latency admin request sent to receipt p50 / p99 (ms)': {
        value: `${l.p50.toFixed(1)} / ${l.p99.toFixed(1)}`,
      },
      'latency gateway observed to receipt p50 / p99 (ms)': {
        value: `${f.p50.toFixed(1)} / ${f.p99.toFixed(1)}`,
      },
      'gateway RSS before subscribers (MiB)': { value: +rssBefore.toFixed(0) },
      'gateway RSS subscribed (MiB)': { value: +rssSubscribed.toFixed(0) },
      'gateway RSS peak during burst (MiB)': { value: +rssPeak.toFixed(0) },
      'CPU during the burst: simulator / gateway / this process (s)': {
        value: `${cpu.sim.toFixed(1)} / ${cpu.gateway.toFixed(1)} / ${cpu.bench.toFixed(1)}`,
      },
    };
    console.log('\nresults');
    console.table(rows);
    for (const [reason, n] of failures) console.log(`admin requests: ${n} x ${reason}`);
    if (expected !== received) {
      // Where the deliveries went missing: per cluster, the changes sent and applied, and what
      // the subscribers that follow it received (all short by the same count points at the
      // gateway or the simulator, one short subscriber at that subscriber).
      const short: string[] = [];
      for (const [cluster, times] of sentAt) {
        const following = subs.filter((s) => s.matches(cluster, siteOf.get(cluster) ?? ''));
        const got = following.map((s) => s.received.get(cluster) ?? 0);
        if (got.every((g) => g === times.length)) continue;
        short.push(
          `${cluster}: ${times.length} changes sent, ${appliedAt.get(cluster)?.length ?? 0} applied; received by its ${following.length} subscribers: ${got.join(' ')}`,
        );
      }
      console.log(`deliveries missing, by cluster (${short.length}):\n${short.slice(0, 20).join('\n')}`);
      for (const s of ended.slice(0, 10))
        console.log(`subscription ${subs.indexOf(s)} (${JSON.stringify(s.filter)}): ${s.ended}`);
    }
    if (values.timeline) {
      // Latency from the simulator's change, by the second of receipt: where the tail comes from.
      const t0 = receipts[0]?.at ?? 0;
      console.log(`timeline from the first receipt, ${new Date(t0).toISOString()} (${t0})`);
      const bySecond = new Map<number, number[]>();
      for (const r of receipts) {
        const t = appliedAt.get(r.cluster)?.[r.k];
        if (t === undefined) continue;
        const sec = Math.floor((r.at - t0) / 1000);
        const list = bySecond.get(sec) ?? [];
        list.push(r.at - t);
        bySecond.set(sec, list);
      }
      for (const [sec, list] of [...bySecond].sort((a, b) => a[0] - b[0])) {
        const s = stats(list);
        console.log(
          `second ${sec}: ${list.length} receipts, p50 ${s.p50.toFixed(0)} p99 ${s.p99.toFixed(0)} max ${Math.max(...list)}`,
        );
      }
    }
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    adminAgent.destroy();
    await stopAll(children);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
