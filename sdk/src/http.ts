/**
 * Queries and mutations over HTTP POST with fetch: auth header, timeout, cancellation,
 * retries of queries on transient failures, and the split of a response's errors into
 * per-cluster problems (data) and failures (thrown).
 */
import {
  clusterProblemOf,
  errorFromGraphQL,
  FleetGraphError,
  type ClusterProblemInfo,
  type GraphQLErrorInfo,
} from './errors.js';

/** Retries with exponential backoff and full jitter. */
export interface RetryOptions {
  /**
   * Attempts after the first one. Queries are retried on network errors, timeouts and HTTP
   * 502/503/504; mutations never (they are not idempotent in general). Subscriptions retry
   * without limit unless this is set.
   * @default 2 for queries
   */
  attempts?: number | undefined;
  /** @default 250 */
  minDelayMs?: number | undefined;
  /** @default 10000 */
  maxDelayMs?: number | undefined;
}

/** Retry settings after defaults. */
export interface RetryPolicy {
  attempts: number;
  minDelayMs: number;
  maxDelayMs: number;
}

/** Options of one call. */
export interface RequestOptions {
  /** Cancels the call; it rejects with the signal's reason (an AbortError). */
  signal?: AbortSignal | undefined;
  /** Overrides the client's timeoutMs for this call. */
  timeoutMs?: number | undefined;
  /** Overrides the client's strict setting for this call. */
  strict?: boolean | undefined;
  /** Extra HTTP headers for this call. */
  headers?: Record<string, string> | undefined;
}

/** What the transport needs from the client's options. */
export interface HttpSettings {
  url: string;
  token: (() => string | undefined | Promise<string | undefined>) | undefined;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  retry: RetryPolicy;
  strict: boolean;
  headers: Record<string, string>;
}

/** A successful response: its data and the per-cluster problems it reported. */
export interface HttpOutcome {
  data: Record<string, unknown>;
  problems: ClusterProblemInfo[];
}

/** Milliseconds to wait before retry number `attempt` (0-based): full jitter, capped. */
export function backoffDelay(attempt: number, retry: RetryPolicy): number {
  const cap = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** Math.min(attempt, 20));
  return retry.minDelayMs / 2 + Math.random() * (cap - retry.minDelayMs / 2);
}

/** Waits, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const TRANSIENT_STATUS = new Set([502, 503, 504]);

class Transient extends Error {
  constructor(readonly failure: FleetGraphError) {
    super(failure.message);
  }
}

/** Sends one operation; retries it on transient failures when it is retryable (a query). */
export async function postOperation(
  settings: HttpSettings,
  query: string,
  variables: unknown,
  options: RequestOptions | undefined,
  /** A query, retried on transient failures; anything else (a mutation) is sent once. */
  retryable: boolean,
): Promise<HttpOutcome> {
  const attempts = retryable ? settings.retry.attempts : 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await postOnce(settings, query, variables, options);
    } catch (e) {
      if (!(e instanceof Transient)) throw e;
      if (attempt >= attempts) throw e.failure;
      await sleep(backoffDelay(attempt, settings.retry), options?.signal);
    }
  }
}

async function postOnce(
  settings: HttpSettings,
  query: string,
  variables: unknown,
  options: RequestOptions | undefined,
): Promise<HttpOutcome> {
  const timeoutMs = options?.timeoutMs ?? settings.timeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options?.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const token = await settings.token?.();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    ...settings.headers,
    ...options?.headers,
  };
  if (token) headers['authorization'] = `Bearer ${token}`;

  let response: Response;
  let text: string;
  try {
    response = await settings.fetch(settings.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables: variables ?? {} }),
      signal,
    });
    text = await response.text();
  } catch (e) {
    if (options?.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) {
      throw new Transient(
        new FleetGraphError(
          'TIMEOUT',
          `no answer from ${settings.url} within ${timeoutMs} ms`,
          [],
          [],
          undefined,
          {
            cause: e,
          },
        ),
      );
    }
    const reason = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    throw new Transient(
      new FleetGraphError('NETWORK_ERROR', `cannot reach ${settings.url}: ${reason}`, [], [], undefined, {
        cause: e,
      }),
    );
  }

  let body: { data?: Record<string, unknown> | null; errors?: GraphQLErrorInfo[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    const failure = new FleetGraphError(
      'BAD_RESPONSE',
      `HTTP ${response.status} from ${settings.url} is not a GraphQL response: ${text.slice(0, 200)}`,
      [],
      [],
      response.status,
    );
    if (TRANSIENT_STATUS.has(response.status)) throw new Transient(failure);
    throw failure;
  }
  if (typeof body !== 'object' || body === null) {
    throw new FleetGraphError(
      'BAD_RESPONSE',
      `HTTP ${response.status}: not a GraphQL response`,
      [],
      [],
      response.status,
    );
  }
  const errors = Array.isArray(body.errors) ? body.errors : [];
  const problems: ClusterProblemInfo[] = [];
  const failures: GraphQLErrorInfo[] = [];
  for (const error of errors) {
    const problem = clusterProblemOf(error);
    if (problem) problems.push(problem);
    else failures.push(error);
  }
  const data = body.data;
  if (!data || failures.length > 0) {
    const failure = errorFromGraphQL(failures.length > 0 ? failures : errors, response.status, problems);
    if (TRANSIENT_STATUS.has(response.status)) throw new Transient(failure);
    throw failure;
  }
  const strict = options?.strict ?? settings.strict;
  if (strict && problems.length > 0) {
    const names = problems.map((p) => p.cluster ?? p.clusters?.join(', ')).join(', ');
    throw new FleetGraphError(
      problems[0]?.code ?? 'CLUSTER_UNREACHABLE',
      `strict mode: ${problems.length} cluster problem(s) in the answer (${names}): ${problems[0]?.message ?? ''}`,
      errors,
      problems,
      response.status,
    );
  }
  return { data, problems };
}
