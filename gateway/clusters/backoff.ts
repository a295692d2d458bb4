/**
 * Bounded exponential backoff with jitter, and an abortable sleep: what every retry loop of
 * the cluster layer (reconnect probes, watch restarts) waits with.
 */
import type { AbortSignalLike } from './abort-flag.js';

/** Backoff bounds. */
export interface BackoffOptions {
  /** Delay of the first retry, in ms. */
  initialMs: number;
  /** Upper bound of any delay, in ms. */
  maxMs: number;
  /** Growth per attempt. @default 2 */
  factor?: number;
  /** Fraction of the delay that is randomised (0..1): the delay lies in [d·(1-jitter), d]. @default 0.5 */
  jitter?: number;
}

/** The delay before retry number `attempt` (0-based), within [initialMs·(1-jitter), maxMs]. */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions,
  random: () => number = Math.random,
): number {
  const factor = opts.factor ?? 2;
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? 0.5));
  const base = Math.min(opts.maxMs, opts.initialMs * Math.pow(factor, Math.max(0, Math.min(attempt, 64))));
  return Math.round(base * (1 - jitter * random()));
}

/** Waits ms, or less when signal aborts; resolves true when the full time passed. */
export function sleep(ms: number, signal?: AbortSignalLike): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
