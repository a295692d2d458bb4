/**
 * A per-cluster limit on requests in flight: a FIFO queue of waiters, so a slow or
 * overloaded cluster gets at most `limit` requests at once from the gateway.
 */
import type { AbortSignalLike } from './abort-flag.js';

/** Counts of a limit, for metrics and tests. */
export interface RequestLimitStats {
  /** Requests holding a slot. */
  inFlight: number;
  /** Requests waiting for a slot. */
  queued: number;
  /** Highest inFlight seen. */
  maxInFlight: number;
}

interface Waiter {
  grant: (release: () => void) => void;
}

/** A counting semaphore with an abortable FIFO queue. */
export class RequestLimit {
  private inFlight = 0;
  private maxInFlight = 0;
  private readonly waiters: Waiter[] = [];

  /** @param limit requests in flight at most (>= 1). */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`request limit must be an integer >= 1, got ${String(limit)}`);
    }
  }

  /**
   * Waits for a slot; resolves with the function that gives it back (call it exactly once;
   * later calls do nothing). Rejects with the signal's reason when it aborts first.
   */
  acquire(signal: AbortSignalLike): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.inFlight < this.limit) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Current counts. */
  stats(): RequestLimitStats {
    return { inFlight: this.inFlight, queued: this.waiters.length, maxInFlight: this.maxInFlight };
  }

  private take(): () => void {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      const next = this.waiters.shift();
      if (next) next.grant(this.take());
    };
  }
}
