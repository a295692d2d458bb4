/** The audit log query. */
import type { Resolvers } from '../gateway/graphql/resolvers-types.generated.js';
import { pageSize } from '../gateway/service/pagination.js';

export const auditResolvers: Resolvers = {
  Query: {
    auditLog: async (_, args, ctx) => {
      const where = args.where ?? {};
      const size = pageSize(args.first);
      if (size === 0) {
        const pageInfo = { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null };
        return { edges: [], pageInfo, totalCount: 0 };
      }
      const result = await ctx.gateway.store.listAudit({
        limit: size,
        ...(where.actor ? { actor: where.actor } : {}),
        ...(where.action ? { action: where.action } : {}),
        ...(where.since ? { since: new Date(where.since) } : {}),
        ...(args.after ? { after: args.after } : {}),
      });
      const edges = result.entries.map((node, i) => ({ node, cursor: result.cursors[i] ?? '' }));
      return {
        edges,
        pageInfo: {
          hasNextPage: result.nextCursor !== undefined,
          hasPreviousPage: args.after !== undefined && args.after !== null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges[edges.length - 1]?.cursor ?? null,
        },
        totalCount: edges.length,
      };
    },
  },
  AuditEntry: {
    outcome: (e) => (e.outcome === 'success' ? 'SUCCESS' : 'FAILURE'),
    errorCode: (e) => e.errorCode ?? null,
    errorMessage: (e) => e.errorMessage ?? null,
  },
};
