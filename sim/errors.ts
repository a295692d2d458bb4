import type { Status, StatusCause } from './k8s-types.js';

/** Details identifying the object an API error is about. */
export interface ErrorTarget {
  group?: string;
  /** Resource (plural) for NotFound/AlreadyExists/Conflict, as Kubernetes reports it. */
  resource?: string;
  kind?: string;
  name?: string;
}

/**
 * An error the API server answers with: an HTTP code and a metav1.Status body.
 * Thrown anywhere in request handling; the HTTP layer serialises it.
 */
export class ApiError extends Error {
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string>;
  constructor(
    readonly status: Status,
    headers: Record<string, string> = {},
  ) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
    this.headers = headers;
  }
  /** HTTP status code. */
  get code(): number {
    return this.status.code;
  }
  /** metav1.StatusReason, e.g. NotFound. */
  get reason(): string {
    return this.status.reason ?? '';
  }
}

function status(code: number, reason: string, message: string, details?: Status['details']): Status {
  const s: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) s.details = details;
  return s;
}

function qualified(t: ErrorTarget): string {
  const res = t.resource ?? t.kind ?? 'object';
  return t.group ? `${res}.${t.group}` : res;
}

function details(t: ErrorTarget): Status['details'] {
  const d: NonNullable<Status['details']> = {};
  if (t.name !== undefined) d.name = t.name;
  if (t.group !== undefined) d.group = t.group;
  const kind = t.resource ?? t.kind;
  if (kind !== undefined) d.kind = kind;
  return d;
}

/** 404 NotFound: `pods "x" not found`. */
export function notFound(t: ErrorTarget): ApiError {
  return new ApiError(status(404, 'NotFound', `${qualified(t)} "${t.name ?? ''}" not found`, details(t)));
}

/** 404 NotFound for a URL the server does not serve at all. */
export function pathNotFound(): ApiError {
  return new ApiError(status(404, 'NotFound', 'the server could not find the requested resource', {}));
}

/** 409 AlreadyExists. */
export function alreadyExists(t: ErrorTarget): ApiError {
  return new ApiError(
    status(409, 'AlreadyExists', `${qualified(t)} "${t.name ?? ''}" already exists`, details(t)),
  );
}

/** 409 Conflict for a stale resourceVersion on update. */
export function conflict(
  t: ErrorTarget,
  why = 'the object has been modified; please apply your changes to the latest version and try again',
): ApiError {
  return new ApiError(
    status(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(t)} "${t.name ?? ''}": ${why}`,
      details(t),
    ),
  );
}

/** 409 Conflict from server-side apply, listing the conflicting fields. */
export function applyConflict(t: ErrorTarget, causes: StatusCause[]): ApiError {
  const n = causes.length;
  const lines = causes.map((c) => `- ${c.message ?? ''}`).join('\n');
  return new ApiError(
    status(
      409,
      'Conflict',
      `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${lines.replace(/^- /, '')}`,
      {
        ...details(t),
        causes,
      },
    ),
  );
}

/** 422 Invalid with field causes, as validation failures are reported. */
export function invalid(t: ErrorTarget & { kind: string }, causes: StatusCause[]): ApiError {
  const parts = causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`);
  // Kubernetes brackets the list only when there is more than one cause.
  const msg = parts.length === 1 ? (parts[0] ?? '') : `[${parts.join(', ')}]`;
  return new ApiError(
    status(422, 'Invalid', `${t.kind}${t.group ? `.${t.group}` : ''} "${t.name ?? ''}" is invalid: ${msg}`, {
      ...(t.name !== undefined ? { name: t.name } : {}),
      ...(t.group !== undefined ? { group: t.group } : {}),
      kind: t.kind,
      causes,
    }),
  );
}

/** 400 BadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(status(400, 'BadRequest', message));
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(
  message = 'the server does not allow this method on the requested resource',
): ApiError {
  return new ApiError(status(405, 'MethodNotAllowed', message, {}));
}

/** 415 UnsupportedMediaType. */
export function unsupportedMediaType(allowed: string[]): ApiError {
  return new ApiError(
    status(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${allowed.join(', ')}`,
      {},
    ),
  );
}

/** 410 Expired: a resourceVersion or continue token older than the retained history. */
export function expired(message: string): ApiError {
  return new ApiError(status(410, 'Expired', message));
}

/** 401 Unauthorized. */
export function unauthorized(): ApiError {
  return new ApiError(status(401, 'Unauthorized', 'Unauthorized'));
}

/** 403 Forbidden for a namespace being terminated etc. */
export function forbidden(message: string, t: ErrorTarget = {}): ApiError {
  return new ApiError(status(403, 'Forbidden', message, details(t)));
}

/** 429 TooManyRequests with Retry-After. */
export function tooManyRequests(retryAfterSeconds: number): ApiError {
  return new ApiError(
    status(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds }),
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

/** 500 InternalError. */
export function internalError(message: string): ApiError {
  return new ApiError(
    status(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
  );
}

/** 503 ServiceUnavailable. */
export function serviceUnavailable(
  message = 'The server is currently unable to handle the request',
): ApiError {
  return new ApiError(status(503, 'ServiceUnavailable', message));
}

/** 504 Timeout (e.g. resourceVersion too large). */
export function timeout(message: string, causes?: StatusCause[]): ApiError {
  return new ApiError(status(504, 'Timeout', message, causes ? { causes } : {}));
}

/** True when e is an ApiError. */
export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
