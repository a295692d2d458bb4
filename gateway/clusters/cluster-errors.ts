/**
 * Typed failures of requests to one cluster. Every failure of the cluster layer is a
 * ClusterRequestError with a kind, so callers switch on `kind` instead of poking at
 * `statusCode` fields of whatever the transport threw.
 */
import { ErrorCode } from '../vocabulary.js';

/**
 * How a request to a cluster failed.
 * - unreachable: no HTTP answer (refused, reset, DNS, TLS failure).
 * - timeout: no answer within the deadline (queue wait included).
 * - http: the API server answered with an error status (see status and reason).
 * - expired: 410 Gone, as an HTTP status or a watch ERROR event: the resourceVersion or
 *   continue token is too old; relist.
 * - aborted: the caller's signal aborted the request (connection stopping).
 * - credentials: the credentials could not be obtained (exec plugin, auth provider).
 */
export type ClusterRequestErrorKind =
  'unreachable' | 'timeout' | 'http' | 'expired' | 'aborted' | 'credentials';

/** Construction details of a ClusterRequestError. */
export interface ClusterRequestErrorDetails {
  /** HTTP status (or the `code` of a watch ERROR Status). */
  status?: number;
  /** Kubernetes Status `reason`, e.g. NotFound, Expired, ResourceVersionTooLarge. */
  reason?: string;
  /** The Status `details.causes[].reason` values, e.g. ResourceVersionTooLarge under a 504 Timeout. */
  causes?: readonly string[];
  /** Node.js error code of a network failure, e.g. ECONNREFUSED. */
  errno?: string;
  /** The original error, kept for logs only. */
  cause?: unknown;
}

/** A failed request to one cluster; the message never contains credentials. */
export class ClusterRequestError extends Error {
  /** How it failed. */
  readonly kind: ClusterRequestErrorKind;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** Kubernetes Status reason, when the server sent one. */
  readonly reason: string | undefined;
  /** Reasons of the Status causes. */
  readonly causes: readonly string[];
  /** Network error code, when there was no answer. */
  readonly errno: string | undefined;

  constructor(kind: ClusterRequestErrorKind, message: string, details: ClusterRequestErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ClusterRequestError';
    this.kind = kind;
    this.status = details.status;
    this.reason = details.reason;
    this.causes = details.causes ?? [];
    this.errno = details.errno;
  }

  /**
   * True for 504 ResourceVersionTooLarge: the cluster has fewer revisions than we saw, so
   * its datastore was lost or restored; the only way forward is a fresh list.
   */
  get resourceVersionTooLarge(): boolean {
    return this.kind === 'http' && this.status === 504 && this.causes.includes('ResourceVersionTooLarge');
  }
}

/** True when e is a ClusterRequestError (of the given kind, when one is given). */
export function isClusterRequestError(e: unknown, kind?: ClusterRequestErrorKind): e is ClusterRequestError {
  return e instanceof ClusterRequestError && (kind === undefined || e.kind === kind);
}

/** The API error code a cluster failure maps to. */
export function errorCodeOf(e: ClusterRequestError): ErrorCode {
  switch (e.kind) {
    case 'unreachable':
    case 'timeout':
    case 'aborted':
      return ErrorCode.CLUSTER_UNREACHABLE;
    case 'http':
    case 'expired':
    case 'credentials':
      return ErrorCode.CLUSTER_ERROR;
  }
}

/** A Kubernetes `Status` as far as the cluster layer reads it. */
export interface KubeStatus {
  code: number | undefined;
  reason: string | undefined;
  message: string | undefined;
  causes: string[];
}

/** Reads a Kubernetes Status object out of parsed JSON; undefined when it is not one. */
export function readStatus(body: unknown): KubeStatus | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const o = body as Record<string, unknown>;
  if (o['kind'] !== 'Status') return undefined;
  const details = typeof o['details'] === 'object' && o['details'] !== null ? o['details'] : {};
  const rawCauses = (details as Record<string, unknown>)['causes'];
  const causes = Array.isArray(rawCauses)
    ? rawCauses.flatMap((c: unknown) => {
        const r = typeof c === 'object' && c !== null ? (c as Record<string, unknown>)['reason'] : undefined;
        return typeof r === 'string' ? [r] : [];
      })
    : [];
  return {
    code: typeof o['code'] === 'number' ? o['code'] : undefined,
    reason: typeof o['reason'] === 'string' ? o['reason'] : undefined,
    message: typeof o['message'] === 'string' ? o['message'] : undefined,
    causes,
  };
}

/** The typed error for an error answer (HTTP status, or a watch ERROR event's Status). */
export function errorFromStatus(
  what: string,
  status: number,
  body: KubeStatus | undefined,
): ClusterRequestError {
  const reason = body?.reason;
  const text = body?.message ?? reason ?? `HTTP ${status}`;
  const details: ClusterRequestErrorDetails = { status, causes: body?.causes ?? [] };
  if (reason !== undefined) details.reason = reason;
  return new ClusterRequestError(status === 410 ? 'expired' : 'http', `${what}: ${status} ${text}`, details);
}
