/**
 * One subscriber of the event log: an async iterator that first reads what it missed (from
 * its `after` position, out of the log's memory window or the store), then switches to live
 * events without a gap or a duplicate. The switch happens synchronously once the catch-up
 * has reached the newest published event, and live events are offered in seq order, so the
 * subscriber sees every matching event once, in log order.
 *
 * Live events wait in a bounded buffer until the consumer (the WebSocket) takes them; a
 * consumer that falls past the limit is cut off (onOverflow) rather than grow memory.
 *
 * Two ways to consume it: as an async iterator (next()), or pushed (push(sink)): each value
 * is handed to the sink as soon as it is published, in the same order and with the same
 * bound, and nothing waits between events. With 1,000 dashboards the iterator's pending
 * next() (and graphql-ws's awaits around it) was a new chain of promises for every delivery,
 * living until the dashboard's next event: long enough for V8 to move it to the old
 * generation, where it was a fifth of what a sustained stream of events promoted
 * (docs/benchmarks.md).
 */
import type { EventLog, LoggedEvent } from './event-log.js';

/**
 * A source that can push its values (see EventSubscription.push); shared-execution.ts uses
 * it when the subscription's connection can take results directly.
 */
export interface PushSource<T> {
  push(sink: (value: T) => boolean): Promise<void>;
  resume(): void;
  return(): Promise<IteratorResult<T>>;
}

/** True when source can push its values. */
export function isPushSource<T>(source: object): source is PushSource<T> {
  return source instanceof EventSubscription;
}

/** Options of one subscription. */
export interface EventSubscriptionOptions<T> {
  log: EventLog;
  /** Seq to start after. */
  after: number;
  /** The delivered value of a matching event, undefined for one that does not match. */
  select: (event: LoggedEvent) => T | undefined;
  /** Live events buffered at most; one more calls onOverflow and ends the iterator. */
  bufferLimit: number;
  /** Called once when the buffer overflows. */
  onOverflow: () => void;
  /** Called once when the subscription ends, whatever the reason. */
  onEnd: () => void;
}

const CATCH_UP_PAGE = 500;

/** An async iterator over the matching events after a position. */
export class EventSubscription<T> implements AsyncIterableIterator<T>, PushSource<T> {
  private position: number;
  private live = false;
  private ended = false;
  private readonly buffer: T[] = [];
  /** The push consumer, once push() is called; then next() is not used. */
  private sink: ((value: T) => boolean) | undefined;
  /** The sink asked for no more until resume(). */
  private paused = false;
  /** A catch-up page is being read for the sink. */
  private reading = false;
  /** Settles push()'s promise. */
  private pushEnded: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  /**
   * The consumer's pending next(), when it found the buffer empty. One at a time: a
   * subscription has one reader (graphql-ws asks for the next event once it has sent one).
   */
  private waiter: ((r: IteratorResult<T>) => void) | undefined;

  constructor(private readonly options: EventSubscriptionOptions<T>) {
    this.position = options.after;
  }

  /** Events waiting for the consumer. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** True once the subscription reads live events. */
  get isLive(): boolean {
    return this.live;
  }

  /** Offers freshly published events (in seq order); ignored until the catch-up is done. */
  offer(events: readonly LoggedEvent[]): void {
    if (!this.live || this.ended) return;
    for (const e of events) {
      if (this.ended) return;
      if (e.seq <= this.position) continue;
      this.position = e.seq;
      const value = this.options.select(e);
      if (value === undefined) continue;
      if (this.buffer.length >= this.options.bufferLimit) {
        this.finish();
        this.options.onOverflow();
        return;
      }
      this.buffer.push(value);
      if (this.sink !== undefined) this.drain();
    }
    const waiter = this.waiter;
    if (waiter !== undefined && this.buffer.length > 0) {
      this.waiter = undefined;
      waiter({ value: this.buffer.shift() as T, done: false });
    }
  }

  /**
   * The next matching event. Not an async function: a dashboard waits most of the time, and
   * what a pending next() holds (here one promise and its resolver) lives until the next
   * event, long enough to be moved to V8's old generation. With 1,000 subscribers an async
   * chain's frames made up most of what the gateway promoted under a burst of events, and
   * so brought on the full collections that stall it.
   */
  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift() as T, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    if (!this.live) return this.catchUp().then(() => this.next());
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /**
   * Hands every value to sink, in order: the missed ones first (read a page at a time), then
   * live ones as they are published, synchronously. When sink returns false it gets nothing
   * more until resume() is called; meanwhile live values wait in the bounded buffer as they
   * would for a slow next(). Resolves when the subscription ends (return(), overflow), and
   * rejects if reading missed events fails. Call once, instead of next().
   */
  push(sink: (value: T) => boolean): Promise<void> {
    if (this.sink !== undefined) throw new Error('push() was already called');
    this.sink = sink;
    const ended = new Promise<void>((resolve, reject) => (this.pushEnded = { resolve, reject }));
    if (this.ended) this.pushEnded?.resolve();
    else this.resume();
    return ended;
  }

  /** Lets the sink have values again after it returned false. */
  resume(): void {
    this.paused = false;
    this.drain();
    if (!this.live && !this.paused && !this.ended && !this.reading && this.buffer.length === 0)
      void this.readMissed();
  }

  async return(): Promise<IteratorResult<T>> {
    this.finish();
    return { value: undefined, done: true };
  }

  async throw(e: unknown): Promise<IteratorResult<T>> {
    this.finish();
    throw e;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  /** Gives the sink what the buffer holds, until it asks for a pause. */
  private drain(): void {
    const sink = this.sink;
    if (sink === undefined) return;
    while (!this.paused && !this.ended && this.buffer.length > 0) {
      if (!sink(this.buffer.shift() as T)) this.paused = true;
    }
  }

  /** For the sink: reads the next page of missed events, then delivers it. */
  private async readMissed(): Promise<void> {
    this.reading = true;
    try {
      await this.catchUp();
    } catch (e) {
      const ended = this.pushEnded;
      this.pushEnded = undefined;
      this.finish();
      ended?.reject(e);
      return;
    } finally {
      this.reading = false;
    }
    this.resume();
  }

  /** Reads one page of missed events into the buffer, or goes live when there are none. */
  private async catchUp(): Promise<void> {
    const log = this.options.log;
    const page = await log.read(this.position, CATCH_UP_PAGE);
    if (this.ended) return;
    for (const e of page) {
      if (e.seq <= this.position) continue;
      this.position = e.seq;
      const value = this.options.select(e);
      if (value !== undefined) this.buffer.push(value);
    }
    // An empty page means the position is at (or past) the newest published event. Going
    // live synchronously after the read means nothing is published in between: the next
    // published event is the first one offered.
    if (page.length === 0) this.live = true;
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.buffer.length = 0;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.({ value: undefined, done: true });
    const pushEnded = this.pushEnded;
    this.pushEnded = undefined;
    pushEnded?.resolve();
    this.options.onEnd();
  }
}
