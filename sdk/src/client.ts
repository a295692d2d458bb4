/**
 * createFleetClient: the typed SDK over one gateway. Every operation of sdk/operations is a
 * method named like its root field, resolving to that field's value: queries and mutations
 * over HTTP (fetch), subscriptions as resumable AsyncIterables over one shared WebSocket.
 * No Node-only imports here: the Node and browser entries only differ in the WebSocket.
 */
import type { ClusterProblemInfo } from './errors.js';
import { postOperation, type HttpSettings, type RequestOptions, type RetryOptions } from './http.js';
import { getSdk, type Sdk } from './sdk.generated.js';
import {
  ResumableSubscription,
  SocketConnection,
  type FleetSubscription,
  type SubscriptionOptions,
} from './subscriptions.js';

/** Options of createFleetClient. */
export interface FleetClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** API token (sent as `Authorization: Bearer`), or a function returning the current one. */
  token?: string | (() => string | undefined | Promise<string | undefined>) | undefined;
  /** fetch to use. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch | undefined;
  /** WebSocket class for subscriptions. @default `ws` on Node, the browser's WebSocket in browsers */
  webSocketImpl?: unknown | undefined;
  /** WebSocket URL. @default url with http(s) replaced by ws(s) */
  wsUrl?: string | undefined;
  /** Per-request timeout of queries and mutations. @default 30000 */
  timeoutMs?: number | undefined;
  /** Retries: of queries on transient failures, of subscriptions on lost connections. */
  retry?: RetryOptions | undefined;
  /**
   * Throw a FleetGraphError when a fleet read reports per-cluster problems (an offline
   * cluster), instead of returning the rest with `clusterProblems`. @default false
   */
  strict?: boolean | undefined;
  /** Extra HTTP headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /** Ping interval of the WebSocket; a missing pong reconnects. 0 disables. @default 10000 */
  keepAliveMs?: number | undefined;
  /**
   * Events a subscription holds for a slow consumer; when full it stops receiving and
   * resumes from its cursor once the consumer catches up. @default 10000
   */
  subscriptionBuffer?: number | undefined;
}

/**
 * A query or mutation result with the per-cluster problems the gateway reported alongside
 * it (offline or failing clusters whose part is stale or missing). `clusterProblems` is not
 * enumerable: JSON.stringify and spreads show only the data.
 */
export type WithProblems<T> = T extends object
  ? T & { readonly clusterProblems: readonly ClusterProblemInfo[] }
  : T;

type RootValue<R, K> = K extends keyof R ? R[K] : never;

/** One SDK method: the generated one, resolving to its root field's value. */
type FleetMethod<F, K> = F extends (variables: infer V, options?: never) => Promise<infer R>
  ? undefined extends V
    ? (variables?: V, options?: RequestOptions) => Promise<WithProblems<RootValue<R, K>>>
    : (variables: V, options?: RequestOptions) => Promise<WithProblems<RootValue<R, K>>>
  : F extends (variables: infer V, options?: never) => AsyncIterable<infer R>
    ? undefined extends V
      ? (variables?: V, options?: SubscriptionOptions) => FleetSubscription<RootValue<R, K>>
      : (variables: V, options?: SubscriptionOptions) => FleetSubscription<RootValue<R, K>>
    : never;

/** Every operation of the schema as a typed method. */
export type FleetSdk = { [K in keyof Sdk]: FleetMethod<Sdk[K], K> };

/** The client: the typed methods, a raw request for anything else, and close(). */
export type FleetClient = FleetSdk & {
  /**
   * Any GraphQL operation (your own selection); resolves to the whole `data` with
   * `clusterProblems`. For results you type yourself.
   */
  request<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<WithProblems<T>>;
  /** Closes the WebSocket (ending open subscriptions). HTTP needs no closing. */
  close(): Promise<void>;
};

function attachProblems<T>(value: T, problems: readonly ClusterProblemInfo[]): WithProblems<T> {
  if (typeof value === 'object' && value !== null) {
    Object.defineProperty(value, 'clusterProblems', { value: problems, enumerable: false });
  }
  return value as WithProblems<T>;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value >= 0))
    throw new TypeError(`createFleetClient: ${name} must be a number >= 0, got ${String(value)}`);
  return value;
}

/**
 * The kind of a document's first definition (comments skipped; `{ … }` is a query), or
 * undefined when it starts otherwise (e.g. with a fragment): then it is not retried, since it
 * might be a mutation.
 */
function operationKind(text: string): 'query' | 'mutation' | 'subscription' | undefined {
  const first = /^(?:\s|#[^\n]*\n?)*(\{|query\b|mutation\b|subscription\b)/.exec(text)?.[1];
  return first === '{' ? 'query' : (first as 'query' | 'mutation' | 'subscription' | undefined);
}

/** Creates a client; nothing connects until the first call. */
export function createFleetClient(options: FleetClientOptions): FleetClient {
  let url: URL | undefined;
  try {
    url = new URL(options.url);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new TypeError(
      `createFleetClient: url must be the gateway's GraphQL URL (http or https), e.g. http://127.0.0.1:4000/graphql; got ${JSON.stringify(options.url)}`,
    );
  }
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchImpl !== 'function')
    throw new TypeError('createFleetClient: no fetch available; pass options.fetch');
  const staticToken = options.token;
  const token =
    typeof staticToken === 'function'
      ? staticToken
      : staticToken === undefined
        ? undefined
        : () => staticToken;
  const queryRetry = {
    attempts: positive('retry.attempts', options.retry?.attempts, 2),
    minDelayMs: positive('retry.minDelayMs', options.retry?.minDelayMs, 250),
    maxDelayMs: positive('retry.maxDelayMs', options.retry?.maxDelayMs, 10_000),
  };
  const http: HttpSettings = {
    url: url.toString(),
    token,
    fetch: fetchImpl,
    timeoutMs: positive('timeoutMs', options.timeoutMs, 30_000),
    retry: queryRetry,
    strict: options.strict ?? false,
    headers: options.headers ?? {},
  };
  const wsUrl = options.wsUrl ?? url.toString().replace(/^http/, 'ws');
  let socket: SocketConnection | undefined;
  const connection = (): SocketConnection => {
    socket ??= new SocketConnection({
      url: wsUrl,
      webSocketImpl: options.webSocketImpl ?? globalThis.WebSocket,
      token,
      retry: { ...queryRetry, attempts: options.retry?.attempts ?? Number.POSITIVE_INFINITY },
      keepAliveMs: positive('keepAliveMs', options.keepAliveMs, 10_000),
      bufferSize: Math.max(1, positive('subscriptionBuffer', options.subscriptionBuffer, 10_000)),
    });
    return socket;
  };

  // The generated SDK calls this with each operation's text; the operation's one root field
  // is what the method resolves to.
  const requester = (
    doc: string,
    variables?: unknown,
    callOptions?: RequestOptions | SubscriptionOptions,
  ) => {
    const text = doc.toString();
    const kind = operationKind(text);
    if (kind === 'subscription') {
      return new ResumableSubscription(
        connection(),
        text,
        variables as Record<string, unknown> | undefined,
        callOptions,
      );
    }
    return postOperation(http, text, variables, callOptions, kind === 'query').then(({ data, problems }) =>
      attachProblems(Object.values(data)[0], problems),
    );
  };
  const sdk = getSdk(requester as Parameters<typeof getSdk>[0]) as unknown as FleetSdk;

  return Object.assign(sdk, {
    request: async <T>(query: string, variables?: Record<string, unknown>, callOptions?: RequestOptions) => {
      const retryable = operationKind(query) === 'query';
      const { data, problems } = await postOperation(http, query, variables, callOptions, retryable);
      return attachProblems(data as T, problems);
    },
    close: async () => {
      await socket?.close();
      socket = undefined;
    },
  });
}
