/** Backups and restores: GraphQL arguments to backup service calls and back. */
import type {
  Resolvers,
  SubscriptionBackupProgressArgs,
  SubscriptionRestoreProgressArgs,
} from '../gateway/graphql/resolvers-types.generated.js';
import { pageSize } from '../gateway/service/pagination.js';
import { clean } from './args.js';
import { eventStream } from './events.js';

export const backupResolvers: Resolvers = {
  Mutation: {
    createBackup: (_, { input }, ctx) => {
      const { cluster, ...filter } = clean(input);
      return ctx.gateway.backups.createBackup({ cluster, filter }, ctx.actor);
    },
    verifyBackup: (_, { id }, ctx) => ctx.gateway.backups.verifyBackup(id, ctx.actor),
    restoreBackup: (_, { input }, ctx) => {
      const { backup, ...rest } = clean(input);
      return ctx.gateway.backups.restoreBackup({ backupId: backup, ...rest }, ctx.actor);
    },
    createBackupSchedule: (_, { input }, ctx) => {
      const { name, target, cron, timezone, retention, ...filter } = clean(input);
      return ctx.gateway.backupSchedules.create(
        {
          name,
          target,
          cron,
          ...(timezone !== undefined ? { timezone } : {}),
          ...(retention !== undefined ? { retention } : {}),
          filter,
        },
        ctx.actor,
      );
    },
    deleteBackupSchedule: (_, { id }, ctx) => ctx.gateway.backupSchedules.delete(id, ctx.actor),
  },
  Query: {
    backup: async (_, { id }, ctx) => (await ctx.gateway.backups.backup(id)) ?? null,
    backups: (_, args, ctx) =>
      ctx.gateway.backups.backups({
        limit: pageSize(args.first),
        ...(args.cluster ? { cluster: args.cluster } : {}),
        ...(args.phases ? { phases: args.phases } : {}),
      }),
    restore: async (_, { id }, ctx) => (await ctx.gateway.backups.restore(id)) ?? null,
    backupSchedules: (_, __, ctx) => ctx.gateway.backupSchedules.list(),
    restores: (_, args, ctx) =>
      ctx.gateway.backups.restores({
        limit: pageSize(args.first),
        ...(args.cluster ? { cluster: args.cluster } : {}),
      }),
  },
  Subscription: {
    backupProgress: eventStream<SubscriptionBackupProgressArgs>((args, ctx, slow) =>
      ctx.gateway.backups.subscribeProgress('backup', args.id, args.after ?? undefined, slow),
    ),
    restoreProgress: eventStream<SubscriptionRestoreProgressArgs>((args, ctx, slow) =>
      ctx.gateway.backups.subscribeProgress('restore', args.id, args.after ?? undefined, slow),
    ),
  },
  BackupProgressEvent: {
    phase: (e) => e.phase as never,
  },
  Backup: {
    archiveSha256: (b) => b.archive?.sha256 ?? null,
    archiveSize: (b) => b.archive?.size ?? null,
    location: (b) => b.archive?.location ?? null,
  },
};
