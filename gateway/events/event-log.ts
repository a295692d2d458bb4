/**
 * The event log behind the subscriptions: every node and cluster event gets the next
 * sequence number when it happens (synchronously, so the order is the order of observation),
 * is written to the store in small batches together with the state it was diffed against,
 * and is published to subscribers only once written, so a cursor a client holds is always
 * in the store. The newest events stay in memory too, for cheap catch-up.
 *
 * Cursors are opaque: the log's id (made with the store) and a sequence number. A cursor of
 * another log, or older than what is retained, is CURSOR_EXPIRED: re-query the state, then
 * subscribe again.
 */
import { FleetError, validationFailed } from '../errors.js';
import type {
  EventStateEntry,
  EventStateWrites,
  FleetStore,
  JsonValue,
  StoredEvent,
} from '../store/types.js';
import { ErrorCode } from '../vocabulary.js';

/** Options of the event log. */
export interface EventLogOptions {
  /** Events kept in the store; older ones are deleted. @default 100000 */
  retainEvents?: number;
  /** Newest events also kept in memory, for catch-up without reading the store. @default 10000 */
  memoryEvents?: number;
  /** Time an event waits to be written with others while the log is quiet, in ms. @default 2 */
  flushDelayMs?: number;
  /**
   * Shortest time from the start of one write to the start of the next, in ms. Under a steady
   * stream of events (hundreds a second in a burst of node changes) the log writes one batch
   * per interval instead of one every flushDelayMs: each write is a store transaction, and
   * at 2 ms apart they took about a tenth of the gateway's CPU in the fan-out benchmark.
   * A lone event still waits only flushDelayMs. @default 10
   */
  minFlushIntervalMs?: number;
}

/** Where failures of writing the log go. */
export interface EventLogLogger {
  error(obj: Record<string, unknown>, msg: string): void;
}

/** An event as logged: its position, its stream and cluster, and the rest as JSON. */
export interface LoggedEvent {
  seq: number;
  stream: 'node' | 'cluster' | 'rollout' | 'backup';
  /** The cluster it is about ('' for none). */
  cluster: string;
  time: Date;
  payload: JsonValue;
}

const CURSOR_VERSION = 'e1';
const EMPTY_WRITES = (): EventStateWrites => ({ put: [], delete: [], deleteClusters: [] });

/** The persistent, bounded, ordered event log. */
export class EventLog {
  private assigned: number;
  private publishedSeq: number;
  private oldest: number;
  private pending: LoggedEvent[] = [];
  private pendingState: EventStateWrites = EMPTY_WRITES();
  private readonly recent: LoggedEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private flushFailures = 0;
  private sinceTrim = 0;
  private closed = false;
  private readonly listeners = new Set<(events: readonly LoggedEvent[]) => void>();
  private readonly retain: number;
  private readonly memory: number;
  private readonly flushDelayMs: number;
  private readonly minFlushIntervalMs: number;
  /** When the last write started (performance.now()). */
  private lastFlushAt = -Infinity;

  private constructor(
    private readonly store: FleetStore,
    readonly logId: string,
    newest: number,
    oldest: number,
    private readonly logger: EventLogLogger,
    options: EventLogOptions,
  ) {
    this.assigned = newest;
    this.publishedSeq = newest;
    this.oldest = oldest;
    this.retain = positiveInt(options.retainEvents ?? 100_000, 'retainEvents');
    this.memory = Math.min(this.retain, positiveInt(options.memoryEvents ?? 10_000, 'memoryEvents'));
    this.flushDelayMs = Math.max(0, options.flushDelayMs ?? 2);
    this.minFlushIntervalMs = Math.max(0, options.minFlushIntervalMs ?? 10);
  }

  /** Opens the log stored in store. */
  static async open(
    store: FleetStore,
    logger: EventLogLogger,
    options: EventLogOptions = {},
  ): Promise<EventLog> {
    const b = await store.eventLogBounds();
    const newest = b.newest ?? 0;
    const log = new EventLog(store, b.logId, newest, b.oldest ?? newest + 1, logger, options);
    // Fill the memory window from the store, so catch-up after a restart reads memory too.
    const from = Math.max(log.oldest - 1, newest - log.memory);
    for (let after = from; ;) {
      const page = await store.listEvents(after, 1000);
      if (page.length === 0) break;
      log.recent.push(...page);
      after = page[page.length - 1]?.seq ?? after;
    }
    return log;
  }

  /** The newest assigned seq: everything observed so far is at or below it. */
  get head(): number {
    return this.assigned;
  }

  /** The newest seq written and published. */
  get published(): number {
    return this.publishedSeq;
  }

  /** The oldest seq still retained (head + 1 when the log is empty). */
  get oldestRetained(): number {
    return this.oldest;
  }

  /** The cursor of a position: pass it as `after` to get what follows. */
  cursorOf(seq: number): string {
    return Buffer.from(`${CURSOR_VERSION}:${this.logId}:${seq}`, 'utf8').toString('base64url');
  }

  /**
   * The position a cursor names. VALIDATION_FAILED for text that is no cursor; CURSOR_EXPIRED
   * for a cursor of another log (the store was replaced) or older than the retained log.
   */
  positionOf(cursor: string): number {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    const m = /^e1:([A-Za-z0-9_-]+):(\d{1,15})$/.exec(text);
    const seq = m ? Number(m[2]) : NaN;
    if (!m || !Number.isSafeInteger(seq)) {
      throw validationFailed(
        `cursor ${JSON.stringify(cursor)} is not an event cursor; expected the cursor of an event or the eventCursor query`,
        { after: cursor },
      );
    }
    if (m[1] !== this.logId || seq > this.assigned) {
      throw cursorExpired('the cursor belongs to another event log (the gateway store was replaced)', cursor);
    }
    if (seq < this.oldest - 1) {
      throw cursorExpired(
        `the cursor is older than the retained event log (the newest ${this.retain} events are kept)`,
        cursor,
      );
    }
    return seq;
  }

  /**
   * Appends an event: it gets the next seq now and is written, together with the state
   * writes, within flushDelayMs (or minFlushIntervalMs after the previous write, under load);
   * subscribers see it after that.
   */
  append(event: Omit<LoggedEvent, 'seq'>, state?: Partial<EventStateWrites>): LoggedEvent {
    const logged: LoggedEvent = { ...event, seq: ++this.assigned };
    this.pending.push(logged);
    if (state) this.addState(state);
    this.scheduleFlush();
    return logged;
  }

  /**
   * Queues state writes without an event (they go with the next batch). Within a batch the
   * last write of a key wins, and a cluster's deletion drops its earlier writes, so the
   * store ends as the calls left it.
   */
  addState(state: Partial<EventStateWrites>): void {
    const p = this.pendingState;
    for (const name of state.deleteClusters ?? []) {
      p.put = p.put.filter((e) => e.cluster !== name);
      p.delete = p.delete.filter((e) => e.cluster !== name);
      p.deleteClusters.push(name);
    }
    for (const d of state.delete ?? []) {
      p.put = p.put.filter((e) => !sameKey(e, d));
      p.delete.push(d);
    }
    for (const e of state.put ?? []) {
      p.put = p.put.filter((x) => !sameKey(x, e));
      p.delete = p.delete.filter((x) => !sameKey(x, e));
      p.put.push(e);
    }
    this.scheduleFlush();
  }

  /** Calls listener with each written batch, in seq order; returns the unsubscribe function. */
  onPublish(listener: (events: readonly LoggedEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Up to limit published events with seq > after, oldest first (memory, else the store). */
  async read(after: number, limit: number): Promise<LoggedEvent[]> {
    const first = this.recent[0];
    if (first !== undefined && after >= first.seq - 1) {
      const start = after - first.seq + 1;
      return this.recent.slice(start, start + limit);
    }
    const rows: StoredEvent[] = await this.store.listEvents(after, limit);
    return rows.filter((r) => r.seq <= this.publishedSeq);
  }

  /** Writes what is pending and stops; later appends are dropped. */
  async close(): Promise<void> {
    clearTimeout(this.flushTimer);
    await this.flushing;
    if (this.pending.length > 0 || hasWrites(this.pendingState)) await this.flush();
    this.closed = true;
    this.listeners.clear();
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.closed) return;
    const delay = Math.max(this.flushDelayMs, this.lastFlushAt + this.minFlushIntervalMs - performance.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.lastFlushAt = performance.now();
      this.flushing = this.flushing.then(() => this.flush());
    }, delay);
  }

  private async flush(): Promise<void> {
    const events = this.pending;
    const state = this.pendingState;
    if (events.length === 0 && !hasWrites(state)) return;
    this.pending = [];
    this.pendingState = EMPTY_WRITES();
    try {
      await this.store.appendEvents(events, state);
      this.flushFailures = 0;
    } catch (e) {
      // Keep the batch (ahead of newer events) and try again: the log must not lose events.
      this.flushFailures += 1;
      this.pending = [...events, ...this.pending];
      const newer = this.pendingState;
      this.pendingState = state;
      this.addState(newer);
      this.logger.error({ err: e, events: events.length }, 'writing the event log failed; retrying');
      if (!this.closed) {
        const delay = Math.min(30_000, 100 * 2 ** Math.min(this.flushFailures, 9));
        clearTimeout(this.flushTimer);
        this.flushTimer = setTimeout(() => {
          this.flushTimer = undefined;
          this.flushing = this.flushing.then(() => this.flush());
        }, delay);
      }
      return;
    }
    if (events.length === 0) return;
    const last = events[events.length - 1];
    if (last !== undefined) this.publishedSeq = last.seq;
    this.recent.push(...events);
    if (this.recent.length > this.memory) this.recent.splice(0, this.recent.length - this.memory);
    this.sinceTrim += events.length;
    if (this.sinceTrim >= Math.max(100, Math.floor(this.retain / 20))) await this.trim();
    for (const l of this.listeners) l(events);
  }

  private async trim(): Promise<void> {
    this.sinceTrim = 0;
    const minSeq = this.publishedSeq - this.retain + 1;
    if (minSeq <= this.oldest) return;
    try {
      await this.store.trimEvents(minSeq);
      this.oldest = minSeq;
    } catch (e) {
      this.logger.error({ err: e }, 'trimming the event log failed');
    }
  }
}

/** CURSOR_EXPIRED with what to do about it. */
function cursorExpired(why: string, cursor: string): FleetError {
  return new FleetError(
    ErrorCode.CURSOR_EXPIRED,
    `${why}; query the current state (and eventCursor) again, then subscribe after that cursor`,
    { after: cursor },
  );
}

function sameKey(
  a: Pick<EventStateEntry, 'scope' | 'cluster' | 'key'>,
  b: Pick<EventStateEntry, 'scope' | 'cluster' | 'key'>,
): boolean {
  return a.scope === b.scope && a.cluster === b.cluster && a.key === b.key;
}

function hasWrites(w: EventStateWrites): boolean {
  return w.put.length > 0 || w.delete.length > 0 || w.deleteClusters.length > 0;
}

function positiveInt(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 1) {
    throw validationFailed(`event log option ${what} is ${JSON.stringify(v)}; expected a positive integer`);
  }
  return v;
}
