/**
 * Query limits, as GraphQL validation rules, applied the same on HTTP and WebSocket: depth,
 * aliases and an estimated cost (graphql-armor). Rejections carry LIMIT_EXCEEDED.
 */
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { ErrorCode } from '../vocabulary.js';

/** Query limits. */
export interface QueryLimits {
  /** Deepest selection nesting. @default 12 */
  maxDepth: number;
  /** Most aliases in one operation. @default 20 */
  maxAliases: number;
  /** Largest estimated cost (objects 2, scalars 1, times depth factor). @default 100000 (a 1,000-item page of ~40 fields) */
  maxCost: number;
  /** Most subscriptions open at once on one WebSocket. @default 100 */
  maxSubscriptionsPerConnection?: number;
}

/** The defaults, generous for dashboards and tight enough to stop abuse. */
export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 20,
  maxCost: 100_000,
  maxSubscriptionsPerConnection: 100,
};

function reject(ctx: ValidationContext | null, error: GraphQLError): void {
  ctx?.reportError(
    new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
      nodes: error.nodes ?? [],
      extensions: { code: ErrorCode.LIMIT_EXCEEDED },
    }),
  );
}

/** Validation rules enforcing the limits. */
export function limitRules(limits: QueryLimits = DEFAULT_LIMITS): ValidationRule[] {
  const callbacks = { propagateOnRejection: false, onReject: [reject], exposeLimits: true };
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...callbacks }),
    maxAliasesRule({ n: limits.maxAliases, ...callbacks }),
    costLimitRule({ maxCost: limits.maxCost, ignoreIntrospection: true, ...callbacks }),
  ] as ValidationRule[];
}
