import { z } from 'zod';
import { internalError, serviceUnavailable, tooManyRequests, type ApiError } from './errors.js';

/** How an offline cluster fails: refused connections, or a link that never answers. */
export type OfflineMode = 'down' | 'blackhole';

/** Injected HTTP errors. */
export interface ErrorInjection {
  /** 429 (with Retry-After), 500 or 503. */
  code: 429 | 500 | 503;
  /** Fraction of requests that fail, 0..1. @default 1 */
  rate: number;
  /** Fail at most this many requests, then stop injecting. Unlimited when undefined. */
  count: number | undefined;
  /** Retry-After for 429. @default 1 */
  retryAfterSeconds: number;
  /** Only requests whose path starts with this fail (after the cluster prefix). */
  pathPrefix: string | undefined;
}

/** The standing faults of one cluster. */
export interface FaultState {
  offline: OfflineMode | undefined;
  /** Added to every request's handling time. */
  latencyMs: number;
  /** Random extra latency, 0..jitterMs. */
  jitterMs: number;
  /** Fraction of requests whose connection is reset, 0..1. */
  flaky: number;
  errors: ErrorInjection | undefined;
}

/** A fault request as the admin API and tests express it (standing faults plus one-shot actions). */
export const faultRequestSchema = z
  .object({
    offline: z.enum(['down', 'blackhole']).nullable().optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    jitterMs: z.number().int().min(0).max(600_000).optional(),
    flaky: z.number().min(0).max(1).optional(),
    errors: z
      .object({
        code: z.union([z.literal(429), z.literal(500), z.literal(503)]),
        rate: z.number().min(0).max(1).optional(),
        count: z.number().int().positive().optional(),
        retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
        pathPrefix: z.string().startsWith('/').optional(),
      })
      .strict()
      .nullable()
      .optional(),
    /** One-shot: end every open watch stream now. */
    cutWatches: z.boolean().optional(),
    /** One-shot: compact history so resuming from any earlier resourceVersion gets 410. */
    compact: z.boolean().optional(),
    /** Clear every standing fault first. */
    reset: z.boolean().optional(),
  })
  .strict();

/** A parsed fault request. */
export type FaultRequest = z.infer<typeof faultRequestSchema>;

/** No faults. */
export function healthyFaults(): FaultState {
  return { offline: undefined, latencyMs: 0, jitterMs: 0, flaky: 0, errors: undefined };
}

/** Applies the standing-fault part of a request to a state; returns the new state. */
export function applyFaultRequest(state: FaultState, req: FaultRequest): FaultState {
  const next = req.reset ? healthyFaults() : { ...state };
  if (req.offline !== undefined) next.offline = req.offline ?? undefined;
  if (req.latencyMs !== undefined) next.latencyMs = req.latencyMs;
  if (req.jitterMs !== undefined) next.jitterMs = req.jitterMs;
  if (req.flaky !== undefined) next.flaky = req.flaky;
  if (req.errors !== undefined) {
    next.errors =
      req.errors === null
        ? undefined
        : {
            code: req.errors.code,
            rate: req.errors.rate ?? 1,
            count: req.errors.count,
            retryAfterSeconds: req.errors.retryAfterSeconds ?? 1,
            pathPrefix: req.errors.pathPrefix,
          };
  }
  return next;
}

/** What the fault layer decides for one request. */
export type FaultVerdict =
  | { action: 'proceed'; delayMs: number }
  | { action: 'reset' }
  | { action: 'hold' }
  | { action: 'fail'; error: ApiError; delayMs: number };

/**
 * Decides how a request fares under the standing faults. Mutates state.errors.count as
 * injected errors are used up.
 */
export function judgeRequest(
  state: FaultState,
  path: string,
  random: () => number = Math.random,
): FaultVerdict {
  if (state.offline === 'blackhole') return { action: 'hold' };
  if (state.flaky > 0 && random() < state.flaky) return { action: 'reset' };
  const delayMs = state.latencyMs + (state.jitterMs > 0 ? Math.floor(random() * state.jitterMs) : 0);
  const inj = state.errors;
  if (inj && (inj.pathPrefix === undefined || path.startsWith(inj.pathPrefix)) && random() < inj.rate) {
    if (inj.count !== undefined) {
      inj.count -= 1;
      if (inj.count <= 0) state.errors = undefined;
    }
    return { action: 'fail', error: injectedError(inj), delayMs };
  }
  return { action: 'proceed', delayMs };
}

function injectedError(inj: ErrorInjection): ApiError {
  switch (inj.code) {
    case 429:
      return tooManyRequests(inj.retryAfterSeconds);
    case 500:
      return internalError('injected fault: etcdserver: request timed out');
    case 503:
      return serviceUnavailable('injected fault: the server is currently unable to handle the request');
  }
}
