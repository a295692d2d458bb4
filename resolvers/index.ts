/** Every resolver: thin maps from GraphQL arguments to gateway services. */
import { DateTimeScalar, JsonScalar, StringMapScalar } from '../gateway/graphql/scalars.js';
import type { Resolvers } from '../gateway/graphql/resolvers-types.generated.js';
import { auditResolvers } from './audit.js';
import { clusterResolvers } from './clusters.js';
import { connectionResolvers } from './connections.js';
import { eventResolvers } from './events.js';
import { rolloutResolvers } from './rollouts.js';
import { backupResolvers } from './backups.js';
import { kubernetesResolvers } from './kubernetes.js';

/** Resolver maps, merged by makeExecutableSchema. */
export const resolvers: Resolvers[] = [
  { DateTime: DateTimeScalar, JSON: JsonScalar, StringMap: StringMapScalar },
  clusterResolvers,
  kubernetesResolvers,
  auditResolvers,
  connectionResolvers,
  eventResolvers,
  rolloutResolvers,
  backupResolvers,
];
