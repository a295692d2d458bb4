/** Subscriptions over the event log, and its head cursor. */
import { CLOSE_SUBSCRIBER_TOO_SLOW } from '../gateway/vocabulary.js';
import type { GatewayContext } from '../gateway/graphql/context.js';
import type {
  Resolvers,
  SubscriptionClusterEventsArgs,
  SubscriptionNodeEventsArgs,
} from '../gateway/graphql/resolvers-types.generated.js';
import type { SubscribeOptions } from '../gateway/events/fleet-events.js';
import { clean } from './args.js';

/** Closes the caller's socket with the retryable 4529 when its subscription falls too far behind. */
function onOverflow(ctx: GatewayContext): { onOverflow: () => void } {
  return {
    onOverflow: () =>
      ctx.closeConnection?.(
        CLOSE_SUBSCRIBER_TOO_SLOW,
        'subscriber too slow: event buffer full; resubscribe after your last cursor',
      ),
  };
}

/**
 * A subscription field over one of the event log's streams: subscribe opens the stream (its
 * errors, CURSOR_EXPIRED or VALIDATION_FAILED, answer the subscribe), and each event it
 * yields is the field's value.
 */
export function eventStream<A>(
  open: (args: A, ctx: GatewayContext, slow: SubscribeOptions) => object | Promise<object>,
) {
  return {
    subscribe: async (_: unknown, args: A, ctx: GatewayContext) =>
      (await open(args, ctx, onOverflow(ctx))) as AsyncIterable<never>,
    resolve: (event: unknown) => event as never,
  };
}

export const eventResolvers: Resolvers = {
  Query: {
    eventCursor: (_, __, ctx) => ctx.gateway.events.headCursor(),
  },
  Subscription: {
    nodeEvents: eventStream<SubscriptionNodeEventsArgs>((args, ctx, slow) =>
      ctx.gateway.events.subscribeNodes(clean(args.where ?? {}), args.after ?? undefined, slow),
    ),
    clusterEvents: eventStream<SubscriptionClusterEventsArgs>((args, ctx, slow) =>
      ctx.gateway.events.subscribeClusters(clean(args.where ?? {}), args.after ?? undefined, slow),
    ),
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
