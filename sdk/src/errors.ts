/**
 * Errors of the SDK: one class, FleetGraphError, whose `code` is the gateway's
 * `extensions.code` (see ErrorCode) or one of the client-side codes below.
 */
import type { ErrorCode } from './sdk.generated.js';

/** Failures that happen on the client's side of the wire. */
export type ClientErrorCode =
  /** The gateway could not be reached (connection refused, reset, DNS). */
  | 'NETWORK_ERROR'
  /** No answer within timeoutMs. */
  | 'TIMEOUT'
  /** The gateway answered something that is not a GraphQL response (a proxy's error page). */
  | 'BAD_RESPONSE';

/** Every code a FleetGraphError can carry. */
export type FleetGraphErrorCode = ErrorCode | ClientErrorCode;

/** A GraphQL error as the gateway sends it. */
export interface GraphQLErrorInfo {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Readonly<Record<string, unknown>>;
}

/**
 * One cluster's part of a fleet read that failed or is stale (the gateway reports it in
 * `errors[]` with the cluster's name); the rest of the answer is still good.
 */
export interface ClusterProblemInfo {
  code: FleetGraphErrorCode;
  message: string;
  /** The cluster's name; absent when one entry sums up several (then see `clusters`). */
  cluster?: string;
  site?: string;
  /** Its connection state (ClusterState) when the gateway said. */
  state?: string;
  /** Whether its part of the data may be out of date. */
  stale?: boolean;
  /** Time up to which its part is current. */
  observedAt?: string;
  /** The clusters a summing-up entry stands for. */
  clusters?: string[];
  /** The field it concerns, e.g. ["nodes"]. */
  path?: ReadonlyArray<string | number>;
}

/** A request or subscription failed. `code` says why, `errors` holds what the gateway sent. */
export class FleetGraphError extends Error {
  override readonly name = 'FleetGraphError';

  constructor(
    readonly code: FleetGraphErrorCode,
    message: string,
    /** The GraphQL errors of the response, when there was one. */
    readonly errors: readonly GraphQLErrorInfo[] = [],
    /** Per-cluster problems (strict mode throws these). */
    readonly problems: readonly ClusterProblemInfo[] = [],
    /** The HTTP status, when the failure came with one. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether a value is a FleetGraphError (across copies of the SDK too). */
export function isFleetGraphError(e: unknown): e is FleetGraphError {
  return e instanceof FleetGraphError || (e instanceof Error && e.name === 'FleetGraphError');
}

// A Record, so a code added to the schema's ErrorCode fails to compile until listed here.
const CODES: Readonly<Record<ErrorCode, true>> = {
  VALIDATION_FAILED: true,
  NOT_FOUND: true,
  CONFLICT: true,
  UNAUTHENTICATED: true,
  FORBIDDEN: true,
  CLUSTER_UNREACHABLE: true,
  CLUSTER_ERROR: true,
  CURSOR_EXPIRED: true,
  IMAGE_PLATFORM_MISSING: true,
  LIMIT_EXCEEDED: true,
  KUBECONFIG_INVALID: true,
  BACKUP_INVALID: true,
  INTERNAL: true,
};

/** The code of a GraphQL error; INTERNAL when it has none we know. */
export function codeOf(error: GraphQLErrorInfo): FleetGraphErrorCode {
  const code = error.extensions?.['code'];
  if (typeof code === 'string' && Object.hasOwn(CODES, code)) return code as ErrorCode;
  // graphql-js and Apollo report malformed operations with their own codes.
  if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'BAD_USER_INPUT' || code === 'GRAPHQL_PARSE_FAILED')
    return 'VALIDATION_FAILED';
  return 'INTERNAL';
}

/** A per-cluster problem, when the error is one (it names a cluster or clusters). */
export function clusterProblemOf(error: GraphQLErrorInfo): ClusterProblemInfo | undefined {
  const ext = error.extensions ?? {};
  const cluster = typeof ext['cluster'] === 'string' ? ext['cluster'] : undefined;
  const clusters = Array.isArray(ext['clusters'])
    ? ext['clusters'].filter((c): c is string => typeof c === 'string')
    : undefined;
  if (cluster === undefined && clusters === undefined) return undefined;
  const problem: ClusterProblemInfo = { code: codeOf(error), message: error.message };
  if (cluster !== undefined) problem.cluster = cluster;
  if (clusters !== undefined) problem.clusters = clusters;
  if (typeof ext['site'] === 'string') problem.site = ext['site'];
  if (typeof ext['state'] === 'string') problem.state = ext['state'];
  if (typeof ext['stale'] === 'boolean') problem.stale = ext['stale'];
  if (typeof ext['observedAt'] === 'string') problem.observedAt = ext['observedAt'];
  if (error.path) problem.path = error.path;
  return problem;
}

/** The error a response's GraphQL errors stand for (the first one's code and message). */
export function errorFromGraphQL(
  errors: readonly GraphQLErrorInfo[],
  status?: number,
  problems: readonly ClusterProblemInfo[] = [],
): FleetGraphError {
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new FleetGraphError(
    first ? codeOf(first) : 'BAD_RESPONSE',
    (first?.message ?? 'the response has neither data nor errors') + more,
    errors,
    problems,
    status,
  );
}
