/**
 * Subscriptions as AsyncIterables over graphql-ws: one lazy WebSocket shared by every
 * subscription of a client, reconnected with backoff, each subscription resumed after the
 * cursor of the last event it received (graphql-ws would re-send the original `after`).
 */
import { createClient, type Client } from 'graphql-ws';
import { errorFromGraphQL, FleetGraphError, type GraphQLErrorInfo } from './errors.js';
import { backoffDelay, sleep, type RetryPolicy } from './http.js';

/** Options of one subscription. */
export interface SubscriptionOptions {
  /** Ends the subscription; a pending `next()` rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** A live stream of events; `for await` it, `break` (or `return()`) to unsubscribe. */
export interface FleetSubscription<E> extends AsyncIterableIterator<E> {
  /**
   * Cursor of the last event handed to you: keep it to resume after a restart of your
   * script (pass it as `after`). Undefined before the first event unless `after` was given.
   */
  readonly cursor: string | undefined;
  /** Unsubscribes (what `break` in a `for await` does). */
  return(): Promise<IteratorResult<E, undefined>>;
}

/** What the socket layer needs from the client's options. */
export interface SocketSettings {
  url: string;
  webSocketImpl: unknown;
  token: (() => string | undefined | Promise<string | undefined>) | undefined;
  retry: RetryPolicy;
  /** Ping interval; no pong within it closes the socket (4499) and reconnects. 0 disables. */
  keepAliveMs: number;
  /** Events received but not consumed yet, per subscription, before it resubscribes. */
  bufferSize: number;
}

/**
 * graphql-ws close codes after which a retry cannot help (bad request, unauthorised,
 * forbidden, subprotocol, duplicate id, too many inits, internal error). The gateway's 4529
 * (subscriber too slow) and network losses are retried.
 */
const FATAL_CLOSE_CODES = new Set([4004, 4005, 4400, 4401, 4403, 4406, 4409, 4429, 4500]);

function isCloseEvent(e: unknown): e is { code: number; reason: string } {
  return typeof e === 'object' && e !== null && 'code' in e && 'reason' in e && typeof e.code === 'number';
}

/** The client's one WebSocket connection (lazy: open while a subscription is). */
export class SocketConnection {
  readonly client: Client;
  /** Consecutive failed or lost connections; reset when the gateway acknowledges one. */
  failures = 0;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly settings: SocketSettings) {
    this.client = createClient({
      url: settings.url,
      webSocketImpl: settings.webSocketImpl,
      lazy: true,
      // Reconnection is the subscriptions' job: they resubscribe with their latest cursor.
      retryAttempts: 0,
      keepAlive: settings.keepAliveMs,
      connectionParams: async () => {
        const token = await settings.token?.();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      on: {
        connected: () => {
          this.failures = 0;
        },
        closed: (event) => {
          clearTimeout(this.pongTimer);
          if (!isCloseEvent(event) || event.code !== 1000) this.failures++;
        },
        ping: (received) => {
          if (received || settings.keepAliveMs <= 0) return;
          // A dead link (a blackholed edge uplink) never answers: give up on the socket.
          clearTimeout(this.pongTimer);
          this.pongTimer = setTimeout(() => this.client.terminate(), settings.keepAliveMs);
        },
        pong: (received) => {
          if (received) clearTimeout(this.pongTimer);
        },
      },
    });
  }

  /** Closes the socket; subscriptions still open end. */
  async close(): Promise<void> {
    clearTimeout(this.pongTimer);
    await this.client.dispose();
  }
}

/** Converts what graphql-ws reports to an error, or undefined when a retry may help. */
function fatalError(e: unknown): unknown {
  if (Array.isArray(e)) return errorFromGraphQL(e as GraphQLErrorInfo[]);
  if (isCloseEvent(e)) {
    if (!FATAL_CLOSE_CODES.has(e.code)) return undefined;
    const code = e.code === 4401 ? 'UNAUTHENTICATED' : e.code === 4403 ? 'FORBIDDEN' : 'BAD_RESPONSE';
    return new FleetGraphError(code, `the gateway closed the WebSocket: ${e.code} ${e.reason}`);
  }
  if (e instanceof Error) return e;
  // A socket 'error' Event (connection refused, reset): retry.
  return undefined;
}

type Waiter = { resolve: (r: IteratorResult<never>) => void; reject: (e: unknown) => void };

/**
 * One subscription: pulls events into a bounded queue and hands them out in order. On a
 * lost connection it resubscribes after the last cursor received. When the queue is full (a
 * consumer slower than the events) it unsubscribes, and resubscribes after the last cursor
 * received once the consumer has drained the queue: memory stays bounded, nothing is lost,
 * and the gateway's event log holds what happened meanwhile.
 */
export class ResumableSubscription<E extends { cursor: string }> implements FleetSubscription<E> {
  private queue: E[] = [];
  private waiter: (Waiter & { resolve: (r: IteratorResult<E>) => void }) | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private generation = 0;
  private dispose: (() => void) | undefined;
  private delivered: string | undefined;
  /** Unsubscribed because the queue is full; resubscribes when it is drained. */
  private paused = false;
  /** Mutated as events arrive: whoever resubscribes sends the latest cursor. */
  private readonly payload: { query: string; variables: Record<string, unknown> };
  private readonly onAbort = (): void => this.stop({ error: this.options.signal?.reason });

  constructor(
    private readonly connection: SocketConnection,
    query: string,
    variables: Record<string, unknown> | undefined,
    private readonly options: SubscriptionOptions = {},
  ) {
    this.payload = { query, variables: { ...variables } };
    const after = variables?.['after'];
    this.delivered = typeof after === 'string' ? after : undefined;
    if (options.signal?.aborted) {
      this.ended = true;
      this.failure = { error: options.signal.reason };
      return;
    }
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.open();
  }

  get cursor(): string | undefined {
    return this.delivered;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<E>> {
    const event = this.queue.shift();
    if (event !== undefined) {
      this.delivered = event.cursor;
      if (this.paused && this.queue.length === 0 && !this.ended) {
        this.paused = false;
        this.open();
      }
      return Promise.resolve({ value: event, done: false });
    }
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<E, undefined>> {
    this.stop(undefined);
    this.queue = [];
    this.failure = undefined;
    return Promise.resolve({ value: undefined, done: true });
  }

  private open(): void {
    const generation = ++this.generation;
    const field = (result: { data?: Record<string, unknown> | null | undefined }): E | undefined => {
      const data = result.data;
      if (!data) return undefined;
      const value = Object.values(data)[0];
      return typeof value === 'object' && value !== null ? (value as E) : undefined;
    };
    this.dispose = this.connection.client.subscribe<Record<string, unknown>>(this.payload, {
      next: (result) => {
        if (generation !== this.generation) return;
        const event = field(result);
        if (!event) {
          this.stop({ error: errorFromGraphQL((result.errors ?? []) as GraphQLErrorInfo[]) });
          return;
        }
        this.payload.variables['after'] = event.cursor;
        if (this.waiter) {
          const waiter = this.waiter;
          this.waiter = undefined;
          this.delivered = event.cursor;
          waiter.resolve({ value: event, done: false });
          return;
        }
        this.queue.push(event);
        if (this.queue.length >= this.connection.settings.bufferSize) this.pause();
      },
      error: (e) => {
        if (generation !== this.generation) return;
        // graphql-ws keeps a failed subscription's hold on the socket until it is disposed:
        // release it, or the lazy socket would never close once the last subscription ends.
        this.dispose?.();
        this.dispose = undefined;
        const fatal = fatalError(e);
        const attempts = this.connection.settings.retry.attempts;
        if (fatal !== undefined) this.stop({ error: fatal });
        else if (this.connection.failures > attempts) {
          this.stop({
            error: new FleetGraphError(
              'NETWORK_ERROR',
              `lost the WebSocket to ${this.connection.settings.url} and ${attempts} reconnects failed`,
            ),
          });
        } else void this.reconnect(generation);
      },
      complete: () => {
        if (generation === this.generation) this.stop(undefined);
      },
    });
  }

  private async reconnect(generation: number): Promise<void> {
    const wait = backoffDelay(Math.max(0, this.connection.failures - 1), this.connection.settings.retry);
    try {
      await sleep(wait, this.options.signal);
    } catch {
      return; // aborted: onAbort ends the subscription
    }
    if (generation === this.generation && !this.ended) this.open();
  }

  /** Stops receiving until the queue is drained (payload's `after` is the last received). */
  private pause(): void {
    this.paused = true;
    this.generation++;
    this.dispose?.();
  }

  private stop(failure: { error: unknown } | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.generation++;
    this.dispose?.();
    this.options.signal?.removeEventListener('abort', this.onAbort);
    const aborted = failure !== undefined && this.options.signal?.aborted === true;
    if (aborted) this.queue = [];
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) {
      if (failure) waiter.reject(failure.error);
      else waiter.resolve({ value: undefined, done: true });
    } else if (failure) {
      this.failure = failure;
    }
  }
}
