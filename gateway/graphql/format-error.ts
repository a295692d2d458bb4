/**
 * Every error the API sends has one of the API's codes in extensions.code and a message
 * meant for the caller. FleetErrors pass with their details; GraphQL parse and validation
 * errors become VALIDATION_FAILED (their original code kept as extensions.reason); anything
 * else is masked as INTERNAL with a request id, and logged in full. Never throws.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isFleetError, type FleetError } from '../errors.js';
import { ErrorCode, isErrorCode } from '../vocabulary.js';

/** Where masked errors are logged. */
export interface ErrorLogger {
  error(obj: Record<string, unknown>, msg: string): void;
}

const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** The formatted form of a FleetError. */
export function formatFleetError(
  e: FleetError,
  base: Partial<GraphQLFormattedError> = {},
): GraphQLFormattedError {
  return { ...base, message: e.message, extensions: { ...(e.details ?? {}), code: e.code } };
}

/** Builds a formatError for Apollo and graphql-ws. */
export function createErrorFormatter(
  logger: ErrorLogger,
): (formatted: GraphQLFormattedError, error: unknown, requestId?: string) => GraphQLFormattedError {
  return (formatted, error, requestId) => {
    try {
      const original = unwrapResolverError(error);
      const base = {
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
      };
      if (isFleetError(original)) return formatFleetError(original, base);
      // Apollo re-codes validation errors (GRAPHQL_VALIDATION_FAILED) but keeps the rule's
      // error as originalError: a limit rule's LIMIT_EXCEEDED survives that way.
      const inner = original instanceof GraphQLError ? original.originalError : undefined;
      const innerCode = inner instanceof GraphQLError ? inner.extensions.code : undefined;
      if (isErrorCode(innerCode))
        return { ...base, message: formatted.message, extensions: { code: innerCode } };
      const code = formatted.extensions?.code;
      if (isErrorCode(code)) return { ...base, message: formatted.message, extensions: { code } };
      if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
        return {
          ...base,
          message: formatted.message,
          extensions: { code: ErrorCode.VALIDATION_FAILED, reason: code },
        };
      }
      logger.error({ err: original, requestId, path: formatted.path }, 'request failed inside the gateway');
      return {
        ...base,
        message: `internal error${requestId ? ` (request ${requestId})` : ''}; details are in the gateway log`,
        extensions: { code: ErrorCode.INTERNAL, ...(requestId ? { requestId } : {}) },
      };
    } catch {
      return {
        message: 'internal error; details are in the gateway log',
        extensions: { code: ErrorCode.INTERNAL },
      };
    }
  };
}
