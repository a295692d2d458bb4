/** Registry queries and mutations, and the Cluster, Site and FleetSummary types. */
import { notFound, validationFailed } from '../gateway/errors.js';
import type { GatewayContext } from '../gateway/graphql/context.js';
import type { ClusterView } from '../gateway/graphql/models.js';
import type {
  ClusterCredentialsInput,
  KubernetesDistro,
  Resolvers,
} from '../gateway/graphql/resolvers-types.generated.js';
import type { ClusterCredentials } from '../gateway/registry/types.js';
import { paginate } from '../gateway/service/pagination.js';
import { clean } from './args.js';
import { withProblems } from './problems.js';

/** The cluster after a registry change has reached the connection layer. */
async function connected(ctx: GatewayContext, name: string): Promise<ClusterView> {
  await ctx.gateway.connections.settled();
  const c = ctx.gateway.reads.cluster(name);
  if (!c) throw notFound('cluster', name);
  return c;
}

function credentials(input: ClusterCredentialsInput): ClusterCredentials {
  return clean(input) as ClusterCredentials;
}

const DISTRO: Record<string, KubernetesDistro> = {
  k3s: 'K3S',
  rke2: 'RKE2',
  kubeadm: 'KUBEADM',
  kubernetes: 'KUBERNETES',
};

export const clusterResolvers: Resolvers = {
  Query: {
    clusters: (_, args, ctx, info) => {
      const { clusters, problems } = ctx.gateway.reads.clusters(clean(args.where ?? {}));
      withProblems(ctx, info, { problems });
      return paginate(
        'clusters',
        clusters,
        (c) => ({
          cluster: c.registered.name,
          site: c.registered.site,
          namespace: '',
          name: c.registered.name,
          createdAt: c.registered.createdAt.toISOString(),
        }),
        { first: args.first, after: args.after },
        true,
      );
    },
    cluster: (_, { name }, ctx) => ctx.gateway.reads.cluster(name) ?? null,
    sites: (_, args, ctx, info) =>
      withProblems(ctx, info, ctx.gateway.reads.sites(clean(args.where ?? {}))).sites,
    fleetSummary: (_, args, ctx, info) =>
      withProblems(ctx, info, ctx.gateway.reads.summary(clean(args.where ?? {}))),
  },
  Mutation: {
    registerCluster: async (_, { input }, ctx) => {
      const { credentials: creds, kubeconfig, ...rest } = clean(input);
      if ((creds === undefined) === (kubeconfig === undefined)) {
        throw validationFailed(
          'registerCluster needs exactly one of credentials or kubeconfig; got ' +
            (creds === undefined ? 'neither' : 'both'),
          { field: 'input' },
        );
      }
      const registered = await ctx.gateway.registry.register(
        creds !== undefined
          ? { ...rest, credentials: credentials(input.credentials as ClusterCredentialsInput) }
          : {
              ...rest,
              kubeconfig: { yaml: kubeconfig?.kubeconfig ?? '', context: kubeconfig?.context ?? '' },
            },
        { actor: ctx.actor },
      );
      return connected(ctx, registered.name);
    },
    updateCluster: async (_, { name, input }, ctx) => {
      const { credentials: creds, ...rest } = clean(input);
      const updated = await ctx.gateway.registry.update(
        name,
        {
          ...rest,
          ...(creds !== undefined && input.credentials
            ? { credentials: credentials(input.credentials) }
            : {}),
        },
        { actor: ctx.actor },
      );
      return connected(ctx, updated.name);
    },
    unregisterCluster: async (_, { name }, ctx) => {
      const removed = await ctx.gateway.registry.unregister(name, { actor: ctx.actor });
      await ctx.gateway.connections.settled();
      return { name: removed.name, site: removed.site };
    },
    importKubeconfig: async (_, { input }, ctx) => {
      const { kubeconfig, ...rest } = clean(input);
      const imported = await ctx.gateway.registry.importKubeconfig(
        { yaml: kubeconfig, ...rest },
        { actor: ctx.actor },
      );
      return { clusters: await Promise.all(imported.map((c) => connected(ctx, c.name))) };
    },
  },
  Cluster: {
    name: (c) => c.registered.name,
    site: (c) => c.registered.site,
    labels: (c) => c.registered.labels,
    server: (c) => c.registered.server,
    source: (c) => (c.registered.source === 'demo' ? 'DEMO' : 'REGISTERED'),
    authMethod: (c) => c.authMethod,
    state: (c) => c.connection.state,
    stateSince: (c) => new Date(c.connection.phase.since),
    degradedReasons: (c) => (c.connection.phase.state === 'DEGRADED' ? [...c.connection.phase.reasons] : []),
    lastSeen: (c) => c.connection.lastSeen,
    lastError: (c) => c.connection.lastError,
    kubernetesVersion: (c) => c.connection.version?.gitVersion ?? null,
    distro: (c) => {
      const d = c.connection.distro;
      return d === null ? null : (DISTRO[d] ?? 'KUBERNETES');
    },
    architectures: (c, _, ctx) => ctx.gateway.reads.architecturesOf(c.registered.name),
    nodeCount: (c, _, ctx) => ctx.gateway.reads.nodeCountOf(c.registered.name),
    registeredAt: (c) => c.registered.createdAt,
    updatedAt: (c) => c.registered.updatedAt,
    version: (c) => c.registered.version,
  },
  Site: {
    clusterCount: (s) => s.clusters.length,
  },
};
