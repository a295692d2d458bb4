/**
 * The event log on a real SQLite file: ordered, gap-free positions that survive a reopen,
 * bounded retention with CURSOR_EXPIRED past it, state writes applied as last written; and
 * a subscription's switch from catch-up to live without a gap, a duplicate, or an unbounded
 * buffer. Plus the node diff the events are made of.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isFleetError } from '../../gateway/errors.js';
import { projectNode, type NodeProjection } from '../../gateway/clusters/projections.js';
import { EventLog, type LoggedEvent } from '../../gateway/events/event-log.js';
import { EventSubscription } from '../../gateway/events/event-subscription.js';
import { nodeChanges } from '../../gateway/events/node-changes.js';
import { openSqliteStore } from '../../gateway/store/sqlite.js';
import type { FleetStore } from '../../gateway/store/types.js';

let dir: string;
let stores: FleetStore[] = [];
const errors: string[] = [];
const logger = { error: (_: Record<string, unknown>, msg: string) => void errors.push(msg) };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetgraph-events-'));
});
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
  await rm(dir, { recursive: true, force: true });
  expect(errors).toEqual([]);
});

async function openStore(name = 'data'): Promise<FleetStore> {
  const s = await openSqliteStore({ dataDir: join(dir, name) });
  stores.push(s);
  return s;
}

function event(cluster: string, n: number): Omit<LoggedEvent, 'seq'> {
  return { stream: 'node', cluster, time: new Date(), payload: { n } };
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return isFleetError(e) ? e.code : 'not a FleetError';
  }
}

async function published(log: EventLog, seq: number): Promise<void> {
  for (let i = 0; i < 200 && log.published < seq; i++) await new Promise((r) => setTimeout(r, 5));
  expect(log.published).toBeGreaterThanOrEqual(seq);
}

/** Waits (up to 5 s) for condition to hold. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

describe('event log', () => {
  it('numbers events in order, publishes them once written, and keeps positions across a reopen', async () => {
    const store = await openStore();
    const log = await EventLog.open(store, logger);
    const seen: number[] = [];
    log.onPublish((batch) => seen.push(...batch.map((e) => e.seq)));
    const a = log.append(event('c1', 1));
    const b = log.append(event('c1', 2));
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(log.head).toBe(2);
    expect(log.published).toBe(0);
    await published(log, 2);
    expect(seen).toEqual([1, 2]);
    const cursor = log.cursorOf(1);
    await log.close();

    const again = await EventLog.open(store, logger);
    expect(again.head).toBe(2);
    expect(again.positionOf(cursor)).toBe(1);
    expect((await again.read(1, 10)).map((e) => e.payload)).toEqual([{ n: 2 }]);
    expect(again.append(event('c2', 3)).seq).toBe(3);
    await again.close();
  });

  it('writes a steady stream of events in batches at most once per minFlushIntervalMs', async () => {
    const store = await openStore();
    const log = await EventLog.open(store, logger, { flushDelayMs: 1, minFlushIntervalMs: 50 });
    const batches: number[] = [];
    log.onPublish((batch) => batches.push(batch.length));
    // One event every 2 ms or more (at least 300 ms): a write every few ms without the interval.
    const t0 = performance.now();
    for (let i = 1; i <= 150; i++) {
      log.append(event('c', i));
      await new Promise((r) => setTimeout(r, 2));
    }
    await published(log, 150);
    const elapsed = performance.now() - t0;
    expect(batches.reduce((a, b) => a + b, 0)).toBe(150);
    // Timers only run late, so at most one write per 50 ms of the run (plus the first).
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 1);
    expect(Math.max(...batches)).toBeGreaterThan(1);
    await log.close();
  });

  it('keeps the newest retainEvents and answers older cursors with CURSOR_EXPIRED', async () => {
    const store = await openStore();
    const log = await EventLog.open(store, logger, { retainEvents: 100, memoryEvents: 10 });
    const first = log.cursorOf(0);
    for (let i = 1; i <= 250; i++) log.append(event('c', i));
    await published(log, 250);
    await log.close();
    // Trimming runs every retainEvents/20 (at least 100) events: the log holds at most 100 + 100.
    const bounds = await store.eventLogBounds();
    expect(bounds.newest).toBe(250);
    expect(bounds.oldest).toBeGreaterThan(50);
    const reopened = await EventLog.open(store, logger, { retainEvents: 100 });
    expect(codeOf(() => reopened.positionOf(first))).toBe('CURSOR_EXPIRED');
    const oldest = reopened.oldestRetained;
    expect(reopened.positionOf(reopened.cursorOf(oldest - 1))).toBe(oldest - 1);
    expect(codeOf(() => reopened.positionOf(reopened.cursorOf(oldest - 2)))).toBe('CURSOR_EXPIRED');
    // Reading from the store beyond the memory window returns the retained events in order.
    const page = await reopened.read(oldest - 1, 1000);
    expect(page.map((e) => e.seq)).toEqual(Array.from({ length: 250 - oldest + 1 }, (_, i) => oldest + i));
    await reopened.close();
  });

  it('refuses cursors of another log as CURSOR_EXPIRED and text that is no cursor as VALIDATION_FAILED', async () => {
    const a = await EventLog.open(await openStore('a'), logger);
    const b = await EventLog.open(await openStore('b'), logger);
    a.append(event('c', 1));
    expect(a.logId).not.toBe(b.logId);
    expect(codeOf(() => b.positionOf(a.cursorOf(1)))).toBe('CURSOR_EXPIRED');
    expect(codeOf(() => b.positionOf('garbage'))).toBe('VALIDATION_FAILED');
    // A position the log has not reached (a cursor of a lost store with the same id cannot exist).
    expect(codeOf(() => a.positionOf(a.cursorOf(99)))).toBe('CURSOR_EXPIRED');
    await a.close();
    await b.close();
  });

  it('applies the state writes of a batch as last written', async () => {
    const store = await openStore();
    const log = await EventLog.open(store, logger);
    log.addState({ put: [{ scope: 'node', cluster: 'c1', key: 'n1', value: 1 }] });
    log.addState({ delete: [{ scope: 'node', cluster: 'c1', key: 'n1' }] });
    log.addState({ put: [{ scope: 'node', cluster: 'c1', key: 'n2', value: 2 }] });
    log.addState({ put: [{ scope: 'node', cluster: 'c2', key: 'n3', value: 3 }] });
    log.addState({ deleteClusters: ['c2'] });
    log.addState({ put: [{ scope: 'node', cluster: 'c1', key: 'n2', value: 22 }] });
    await log.close();
    const state = await store.listEventState();
    expect(state.map((e) => [e.cluster, e.key, e.value])).toEqual([['c1', 'n2', 22]]);
  });
});

describe('event subscription', () => {
  it('catches up from the log, then goes live with no gap and no duplicate', async () => {
    const log = await EventLog.open(await openStore(), logger);
    for (let i = 1; i <= 1200; i++) log.append(event('c', i));
    await published(log, 1200);
    const sub = new EventSubscription<number>({
      log,
      after: 100,
      select: (e) => ((e.payload as { n: number }).n % 2 === 0 ? e.seq : undefined),
      bufferLimit: 10_000,
      onOverflow: () => undefined,
      onEnd: () => undefined,
    });
    const off = log.onPublish((batch) => sub.offer(batch));
    const got: number[] = [];
    // Events keep arriving while it catches up.
    let n = 1200;
    const writer = setInterval(() => {
      for (let i = 0; i < 20; i++) log.append(event('c', ++n));
    }, 1);
    while (got.length < 1000) {
      const r = await sub.next();
      if (r.done) break;
      got.push(r.value);
    }
    clearInterval(writer);
    expect(sub.isLive).toBe(true);
    const expected = Array.from({ length: 1000 }, (_, i) => 102 + 2 * i);
    expect(got).toEqual(expected);
    await sub.return();
    off();
    await log.close();
  });

  it('ends a subscriber whose buffer overflows and tells its owner once', async () => {
    const log = await EventLog.open(await openStore(), logger);
    const { sub, counts } = followLog(log, 5);
    const first = sub.next();
    log.append(event('c', 1));
    expect((await first).value).toBe(1);
    // Not read: 6 events are one too many.
    for (let i = 2; i <= 8; i++) log.append(event('c', i));
    await published(log, 8);
    expect(counts.overflows).toBe(1);
    expect(counts.ended).toBe(1);
    expect((await sub.next()).done).toBe(true);
    await log.close();
  });

  it('answers a next() that is waiting for an event with done once the subscription returns', async () => {
    const log = await EventLog.open(await openStore(), logger);
    const { sub, counts } = followLog(log, 5);
    const first = sub.next();
    log.append(event('c', 1));
    expect(await first).toEqual({ value: 1, done: false });
    const waiting = sub.next();
    await sub.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(counts.ended).toBe(1);
    // Published after the end: not delivered.
    log.append(event('c', 2));
    await published(log, 2);
    expect(await sub.next()).toEqual({ value: undefined, done: true });
    await log.close();
  });
});

describe('event subscription, pushed', () => {
  it('pushes what was missed, then live events as they are published, in order and once each', async () => {
    const log = await EventLog.open(await openStore(), logger);
    for (let i = 1; i <= 1200; i++) log.append(event('c', i));
    await published(log, 1200);
    const { sub } = followLog(log, 10_000, 100);
    const got: number[] = [];
    const ended = sub.push((seq) => {
      got.push(seq);
      return true;
    });
    // Events keep arriving while it catches up (pages of 500 from the store).
    let n = 1200;
    const writer = setInterval(() => {
      for (let i = 0; i < 20; i++) log.append(event('c', ++n));
    }, 1);
    await until(() => sub.isLive && got.length > 1200);
    clearInterval(writer);
    await published(log, n);
    expect(got).toEqual(Array.from({ length: n - 100 }, (_, i) => 101 + i));
    // A live event reaches the sink during the publish, with nothing awaited in between.
    log.append(event('c', ++n));
    await published(log, n);
    expect(got.at(-1)).toBe(n);
    await sub.return();
    await ended;
    await log.close();
  });

  it('holds events while the sink is full, resumes in order, and cuts off a sink that stays full', async () => {
    const log = await EventLog.open(await openStore(), logger);
    const { sub, counts } = followLog(log, 5);
    const got: number[] = [];
    let full = true;
    const ended = sub.push((seq) => {
      got.push(seq);
      return !full;
    });
    await until(() => sub.isLive);
    log.append(event('c', 1));
    await published(log, 1);
    expect(got).toEqual([1]);
    // Full after the first: the next ones wait in the buffer.
    for (let i = 2; i <= 4; i++) log.append(event('c', i));
    await published(log, 4);
    expect(got).toEqual([1]);
    full = false;
    sub.resume();
    expect(got).toEqual([1, 2, 3, 4]);
    // Full again, and more than the buffer holds: cut off once, and push() settles.
    full = true;
    log.append(event('c', 5));
    for (let i = 6; i <= 11; i++) log.append(event('c', i));
    await published(log, 11);
    await ended;
    expect(got).toEqual([1, 2, 3, 4, 5]);
    expect(counts).toEqual({ overflows: 1, ended: 1 });
    await log.close();
  });

  it('rejects push() when the missed events cannot be read', async () => {
    const store = await openStore();
    // Two events in memory: a subscription from the start reads the rest from the store.
    const log = await EventLog.open(store, logger, { memoryEvents: 2 });
    for (let i = 1; i <= 5; i++) log.append(event('c', i));
    await published(log, 5);
    const { sub, counts } = followLog(log, 5);
    // The store closed under it: reading the catch-up page fails.
    await log.close();
    await store.close();
    stores = stores.filter((s) => s !== store);
    await expect(sub.push(() => true)).rejects.toThrow();
    expect(counts.ended).toBe(1);
  });
});

/** A subscription to every event of log from its start, fed as the log publishes, counting its overflows and its end. */
function followLog(
  log: EventLog,
  bufferLimit: number,
  after = 0,
): { sub: EventSubscription<number>; counts: { overflows: number; ended: number } } {
  const counts = { overflows: 0, ended: 0 };
  const sub = new EventSubscription<number>({
    log,
    after,
    select: (e) => e.seq,
    bufferLimit,
    onOverflow: () => (counts.overflows += 1),
    onEnd: () => (counts.ended += 1),
  });
  log.onPublish((batch) => sub.offer(batch));
  return { sub, counts };
}

function node(
  overrides: { uid?: string; ready?: string; unschedulable?: boolean; disk?: string } = {},
): NodeProjection {
  const conditions = [
    { type: 'Ready', status: overrides.ready ?? 'True', lastTransitionTime: '2026-12-01T00:00:00Z' },
  ];
  if (overrides.disk)
    conditions.push({
      type: 'DiskPressure',
      status: overrides.disk,
      lastTransitionTime: '2026-12-01T00:01:00Z',
    });
  const p = projectNode({
    metadata: { name: 'n1', uid: overrides.uid ?? 'u1', labels: { 'kubernetes.io/arch': 'arm64' } },
    spec: overrides.unschedulable ? { unschedulable: true } : {},
    status: { conditions },
  });
  if (!p) throw new Error('projection failed');
  return p;
}

describe('node changes', () => {
  it('names readiness, pressure and cordon changes, and nothing for an unchanged node', () => {
    expect(nodeChanges(node(), node())).toEqual([]);
    expect(nodeChanges(node(), node({ ready: 'False' })).map((c) => c.type)).toEqual(['NODE_NOT_READY']);
    expect(nodeChanges(node({ ready: 'False' }), node({ ready: 'Unknown' })).map((c) => c.type)).toEqual([
      'NODE_UNKNOWN',
    ]);
    expect(nodeChanges(node(), node({ disk: 'True', unschedulable: true }))).toEqual([
      { type: 'NODE_CONDITION_CHANGED', condition: 'DiskPressure', occurredAt: '2026-12-01T00:01:00Z' },
      { type: 'NODE_CORDONED', occurredAt: null },
    ]);
    // A healthy (False) pressure condition appearing is not news; a True one going away is.
    expect(nodeChanges(node(), node({ disk: 'False' }))).toEqual([]);
    expect(nodeChanges(node({ disk: 'True' }), node()).map((c) => c.condition)).toEqual(['DiskPressure']);
  });

  it('reports a node registered again under a new uid as removed and added', () => {
    expect(nodeChanges(node(), node({ uid: 'u2' })).map((c) => c.type)).toEqual([
      'NODE_REMOVED',
      'NODE_ADDED',
    ]);
    expect(nodeChanges(undefined, node()).map((c) => c.type)).toEqual(['NODE_ADDED']);
    expect(nodeChanges(node(), undefined).map((c) => c.type)).toEqual(['NODE_REMOVED']);
  });
});
