/** Fleet deployments: GraphQL arguments to rollout service calls and back. */
import { validationFailed } from '../gateway/errors.js';
import type { GatewayContext } from '../gateway/graphql/context.js';
import type {
  Resolvers,
  RolloutStrategyInput,
  SubscriptionRolloutProgressArgs,
} from '../gateway/graphql/resolvers-types.generated.js';
import {
  deploymentFromFields,
  parseManifest,
  parseReplicas,
  setImageAction,
} from '../gateway/rollouts/rollout-input.js';
import type { RolloutRequest } from '../gateway/rollouts/rollout-service.js';
import type { StrategyInput } from '../gateway/rollouts/strategy.js';
import { pageSize } from '../gateway/service/pagination.js';
import { clean } from './args.js';
import { eventStream } from './events.js';

/** The fields every Deployment mutation's input shares. */
interface Common {
  target: Parameters<typeof clean>[0];
  strategy?: RolloutStrategyInput | null;
  dryRun?: boolean | null;
  idempotencyKey?: string | null;
}

function common(input: Common): Pick<RolloutRequest, 'target' | 'strategy' | 'dryRun' | 'idempotencyKey'> {
  return {
    target: clean(input.target) as RolloutRequest['target'],
    strategy: clean(input.strategy ?? {}) as StrategyInput,
    dryRun: input.dryRun ?? false,
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
  };
}

function create(ctx: GatewayContext, req: RolloutRequest) {
  return ctx.gateway.rollouts.create(req, ctx.actor);
}

export const rolloutResolvers: Resolvers = {
  Mutation: {
    applyDeployment: (_, { input }, ctx) => {
      if ((input.manifest == null) === (input.deployment == null)) {
        throw validationFailed('applyDeployment needs exactly one of manifest and deployment', {
          field: 'manifest',
        });
      }
      const parsed =
        input.manifest != null
          ? parseManifest(input.manifest)
          : (() => {
              const d = clean(input.deployment ?? { name: '', image: '' });
              const fields = { ...d, namespace: d.namespace ?? 'default' };
              return { namespace: fields.namespace, name: d.name, objects: [deploymentFromFields(fields)] };
            })();
      return create(ctx, {
        ...common(input),
        namespace: parsed.namespace,
        deployment: parsed.name,
        action: { type: 'APPLY', objects: parsed.objects },
        mutation: 'applyDeployment',
        force: input.force ?? false,
      });
    },
    scaleDeployment: (_, { input }, ctx) =>
      create(ctx, {
        ...common(input),
        namespace: input.namespace ?? 'default',
        deployment: input.name,
        action: { type: 'SCALE', replicas: parseReplicas(input.replicas) },
        mutation: 'scaleDeployment',
      }),
    setDeploymentImage: (_, { input }, ctx) =>
      create(ctx, {
        ...common(input),
        namespace: input.namespace ?? 'default',
        deployment: input.name,
        action: setImageAction(input.images.map((i) => ({ container: i.container, image: i.image }))),
        mutation: 'setDeploymentImage',
        force: input.force ?? false,
      }),
    restartDeployment: (_, { input }, ctx) =>
      create(ctx, {
        ...common(input),
        namespace: input.namespace ?? 'default',
        deployment: input.name,
        action: { type: 'RESTART', restartedAt: new Date().toISOString() },
        mutation: 'restartDeployment',
      }),
    rollbackDeployment: (_, { input }, ctx) => {
      if (input.toRevision != null && (!Number.isInteger(input.toRevision) || input.toRevision < 1)) {
        throw validationFailed(`toRevision is ${input.toRevision}; expected a positive revision number`, {
          field: 'toRevision',
        });
      }
      return create(ctx, {
        ...common(input),
        namespace: input.namespace ?? 'default',
        deployment: input.name,
        action: { type: 'ROLLBACK', toRevision: input.toRevision ?? null },
        mutation: 'rollbackDeployment',
      });
    },
    deleteDeployment: (_, { input }, ctx) =>
      create(ctx, {
        ...common(input),
        namespace: input.namespace ?? 'default',
        deployment: input.name,
        action: { type: 'DELETE' },
        mutation: 'deleteDeployment',
      }),
    pauseRollout: (_, { id }, ctx) => ctx.gateway.rollouts.pause(id, ctx.actor),
    resumeRollout: (_, { id }, ctx) => ctx.gateway.rollouts.resume(id, ctx.actor),
    cancelRollout: (_, { id }, ctx) => ctx.gateway.rollouts.cancel(id, ctx.actor),
  },
  Query: {
    rollout: async (_, { id }, ctx) => (await ctx.gateway.rollouts.get(id)) ?? null,
    rollouts: async (_, args, ctx) => {
      const where = clean(args.where ?? {});
      const page = await ctx.gateway.rollouts.list({
        first: pageSize(args.first),
        ...(where.phases ? { phases: where.phases } : {}),
        ...(where.namespace !== undefined ? { namespace: where.namespace } : {}),
        ...(where.deployment !== undefined ? { deployment: where.deployment } : {}),
        ...(args.after ? { after: args.after } : {}),
      });
      return { ...page, hasPreviousPage: args.after != null };
    },
  },
  Subscription: {
    rolloutProgress: eventStream<SubscriptionRolloutProgressArgs>((args, ctx, slow) =>
      ctx.gateway.rollouts.subscribeProgress(args.id, args.after ?? undefined, slow),
    ),
  },
  Rollout: {
    action: (r) => r.action.type,
    actionDetails: (r) => r.action,
    target: (r) => r.target,
    clusters: (r) => r.steps,
    counts: (r) => {
      const counts = new Map<string, number>();
      for (const s of r.steps) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
      return [...counts].map(([state, count]) => ({ state: state as never, count }));
    },
  },
  RolloutStrategy: {
    canaryClusters: (s) => s.canary.clusters,
    canaryNames: (s) => s.canary.names,
    canarySoakSeconds: (s) => s.canary.soakSeconds,
    maxFailures: (s) => s.maxFailures.count,
    maxFailurePercent: (s) => s.maxFailures.percent,
  },
  RolloutConnection: {
    nodes: (p) => p.rollouts,
    pageInfo: (p) => ({
      hasNextPage: p.hasNextPage,
      hasPreviousPage: p.hasPreviousPage,
      startCursor: p.rollouts[0]?.id ?? null,
      endCursor: p.rollouts[p.rollouts.length - 1]?.id ?? null,
    }),
  },
  RolloutEvent: {
    previousState: (e) => e.previousState as never,
    state: (e) => e.state as never,
    phase: (e) => e.phase as never,
  },
};
