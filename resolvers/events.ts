/** Subscriptions over the event log, and its head cursor. */
import { CLOSE_SUBSCRIBER_TOO_SLOW } from '../gateway/vocabulary.js';
import type { GatewayContext } from '../gateway/graphql/context.js';
import type { Resolvers } from '../gateway/graphql/resolvers-types.generated.js';
import { clean } from './args.js';

/** Closes the caller's socket with the retryable 4529 when its subscription falls too far behind. */
export function onOverflow(ctx: GatewayContext): { onOverflow: () => void } {
  return {
    onOverflow: () =>
      ctx.closeConnection?.(
        CLOSE_SUBSCRIBER_TOO_SLOW,
        'subscriber too slow: event buffer full; resubscribe after your last cursor',
      ),
  };
}

export const eventResolvers: Resolvers = {
  Query: {
    eventCursor: (_, __, ctx) => ctx.gateway.events.headCursor(),
  },
  Subscription: {
    nodeEvents: {
      // Throws here (CURSOR_EXPIRED, VALIDATION_FAILED), so the error answers the subscribe.
      subscribe: (_, args, ctx) =>
        ctx.gateway.events.subscribeNodes(
          clean(args.where ?? {}),
          args.after ?? undefined,
          onOverflow(ctx),
        ) as unknown as AsyncIterable<never>,
      resolve: (event: unknown) => event as never,
    },
    clusterEvents: {
      subscribe: (_, args, ctx) =>
        ctx.gateway.events.subscribeClusters(
          clean(args.where ?? {}),
          args.after ?? undefined,
          onOverflow(ctx),
        ) as unknown as AsyncIterable<never>,
      resolve: (event: unknown) => event as never,
    },
  },
  NodeEvent: {
    occurredAt: (e) => e.occurredAt,
    node: (e) => (e.node ? { cluster: e.cluster, node: e.node } : null),
    kubernetesEvent: (e) =>
      e.kubernetesEvent ? { ...e.kubernetesEvent, source: e.kubernetesEvent.sourceComponent } : null,
  },
  ClusterEvent: {
    labels: (e) => e.clusterLabels,
  },
};
