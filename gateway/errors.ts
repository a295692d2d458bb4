/**
 * fleetgraph's error type: every failure a service reports carries one of the API's error
 * codes and a message that says what was received and what is expected. The GraphQL layer
 * turns these into errors with `extensions.code`; anything that is not a FleetError is
 * INTERNAL there.
 */
import { ErrorCode, isErrorCode } from './vocabulary.js';

/** Structured context of an error (field names, offending values, limits); never secrets. */
export type ErrorDetails = Record<string, unknown>;

/** A failure with an API error code; thrown by services, mapped to GraphQL errors at the edge. */
export class FleetError extends Error {
  /** One of the API's error codes. */
  readonly code: ErrorCode;
  /** Structured context for clients and logs; absent when there is none. */
  readonly details?: ErrorDetails;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FleetError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** True when e is a FleetError (also across module copies, by shape). */
export function isFleetError(e: unknown): e is FleetError {
  if (e instanceof FleetError) return true;
  return e instanceof Error && e.name === 'FleetError' && isErrorCode((e as { code?: unknown }).code);
}

/** Input failed validation; message quotes the value and says what is expected. */
export function validationFailed(message: string, details?: ErrorDetails): FleetError {
  return new FleetError(ErrorCode.VALIDATION_FAILED, message, details);
}

/** The named object does not exist, e.g. notFound('cluster', 'dc-1'). */
export function notFound(what: string, name: string, details?: ErrorDetails): FleetError {
  return new FleetError(ErrorCode.NOT_FOUND, `${what} ${JSON.stringify(name)} does not exist`, {
    [what]: name,
    ...details,
  });
}

/** The write conflicts with existing state: duplicate name, stale version. */
export function conflict(message: string, details?: ErrorDetails): FleetError {
  return new FleetError(ErrorCode.CONFLICT, message, details);
}

/** A kubeconfig could not be read or lacks what was asked for. */
export function kubeconfigInvalid(message: string, details?: ErrorDetails): FleetError {
  return new FleetError(ErrorCode.KUBECONFIG_INVALID, message, details);
}

/** No or bad credentials. */
export function unauthenticated(message: string, details?: ErrorDetails): FleetError {
  return new FleetError(ErrorCode.UNAUTHENTICATED, message, details);
}

/** Authenticated, but not allowed. */
export function forbidden(message: string, details?: ErrorDetails): FleetError {
  return new FleetError(ErrorCode.FORBIDDEN, message, details);
}

/** A request exceeded a limit; message names the limit and the value received. */
export function limitExceeded(message: string, details?: ErrorDetails): FleetError {
  return new FleetError(ErrorCode.LIMIT_EXCEEDED, message, details);
}

/** Something failed inside the gateway; the cause is kept for logs, never for clients. */
export function internal(message: string, cause?: unknown): FleetError {
  return new FleetError(ErrorCode.INTERNAL, message, undefined, cause === undefined ? undefined : { cause });
}

/**
 * The error as a FleetError: FleetErrors pass through, anything else becomes INTERNAL with a
 * generic message (the original stays in `cause` for logs, since its text may be internal).
 */
export function toFleetError(e: unknown): FleetError {
  if (isFleetError(e)) return e;
  return internal('internal error', e);
}
