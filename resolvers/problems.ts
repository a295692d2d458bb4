/** Per-cluster problems of a field's result, reported as GraphQL errors next to its data. */
import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { FleetError } from '../gateway/errors.js';
import type { GatewayContext } from '../gateway/graphql/context.js';

/** Queues `problems` to be sent as errors at this field's path; returns `result`. */
export function withProblems<T extends { problems: readonly FleetError[] }>(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  result: T,
): T {
  const path = responsePathAsArray(info.path);
  for (const error of result.problems) ctx.problems.push({ error, path });
  return result;
}
