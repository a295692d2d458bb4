/** Fleet lists of Kubernetes objects (cached or live), discovery and generic resources. */
import { notFound } from '../gateway/errors.js';
import type { GatewayContext } from '../gateway/graphql/context.js';
import type { ClusterView } from '../gateway/graphql/models.js';
import type { QueryNodesArgs, Resolvers } from '../gateway/graphql/resolvers-types.generated.js';
import type { PageRequest } from '../gateway/service/pagination.js';
import type { ReadMode } from '../gateway/service/fleet-reads.js';
import { deploymentAvailability } from '../gateway/clusters/deployment-facts.js';
import { clean } from './args.js';
import { withProblems } from './problems.js';

type ListArgs = Pick<QueryNodesArgs, 'first' | 'after' | 'orderBy' | 'consistency' | 'deadlineMs'>;

function page(args: ListArgs): PageRequest {
  return { first: args.first, after: args.after, orderBy: clean(args.orderBy ?? {}) };
}

function mode(args: ListArgs, ctx: GatewayContext): ReadMode {
  return { consistency: args.consistency, deadlineMs: args.deadlineMs, live: ctx.live };
}

function clusterOf(ctx: GatewayContext, name: string): ClusterView {
  const c = ctx.gateway.reads.cluster(name);
  if (!c) throw notFound('cluster', name, { cluster: name });
  return c;
}

/** Fields every object type shares. */
const owned = {
  cluster: (o: { cluster: string }, _: unknown, ctx: GatewayContext) => clusterOf(ctx, o.cluster),
  site: (o: { cluster: string }, _: unknown, ctx: GatewayContext) => ctx.gateway.reads.siteOf(o.cluster),
};

export const kubernetesResolvers: Resolvers = {
  Query: {
    nodes: async (_, args, ctx, info) =>
      withProblems(
        ctx,
        info,
        await ctx.gateway.reads.nodes(clean(args.where ?? {}), page(args), mode(args, ctx)),
      ),
    pods: async (_, args, ctx, info) => {
      const { node, ...where } = clean(args.where ?? {});
      const q = { ...where, ...(node !== undefined ? { nodeName: node } : {}) };
      return withProblems(ctx, info, await ctx.gateway.reads.pods(q, page(args), mode(args, ctx)));
    },
    deployments: async (_, args, ctx, info) =>
      withProblems(
        ctx,
        info,
        await ctx.gateway.reads.deployments(clean(args.where ?? {}), page(args), mode(args, ctx)),
      ),
    namespaces: async (_, args, ctx, info) =>
      withProblems(
        ctx,
        info,
        await ctx.gateway.reads.namespaces(clean(args.where ?? {}), page(args), mode(args, ctx)),
      ),
    services: async (_, args, ctx, info) =>
      withProblems(
        ctx,
        info,
        await ctx.gateway.reads.services(clean(args.where ?? {}), page(args), mode(args, ctx)),
      ),
    events: async (_, args, ctx, info) =>
      withProblems(
        ctx,
        info,
        await ctx.gateway.reads.events(clean(args.where ?? {}), page(args), mode(args, ctx)),
      ),
    apiResources: async (_, args, ctx, info) => {
      const { target, ...filter } = clean(args.where ?? {});
      return withProblems(
        ctx,
        info,
        await ctx.gateway.resources.apiResources(target, filter, args.deadlineMs),
      );
    },
    resources: async (_, args, ctx, info) =>
      withProblems(
        ctx,
        info,
        await ctx.gateway.resources.resources(clean(args.where), page(args), args.deadlineMs),
      ),
    etcdSnapshots: async (_, args, ctx, info) =>
      withProblems(
        ctx,
        info,
        await ctx.gateway.resources.etcdSnapshots(clean(args.where ?? {}), page(args), args.deadlineMs),
      ),
  },
  Node: {
    ...owned,
    name: (n) => n.node.name,
    uid: (n) => n.node.uid,
    labels: (n) => n.node.labels,
    architecture: (n) => n.node.architecture,
    roles: (n) => n.node.roles,
    readiness: (n) => n.node.readiness,
    conditions: (n) => n.node.conditions,
    unschedulable: (n) => n.node.unschedulable,
    taints: (n) => n.node.taints,
    kubeletVersion: (n) => n.node.kubeletVersion,
    osImage: (n) => n.node.osImage,
    kernelVersion: (n) => n.node.kernelVersion,
    containerRuntimeVersion: (n) => n.node.containerRuntimeVersion,
    capacity: (n) => n.node.capacity,
    allocatable: (n) => n.node.allocatable,
    addresses: (n) => n.node.addresses,
    createdAt: (n) => n.node.creationTimestamp,
  },
  Pod: {
    ...owned,
    namespace: (p) => p.pod.namespace,
    name: (p) => p.pod.name,
    uid: (p) => p.pod.uid,
    labels: (p) => p.pod.labels,
    phase: (p) => p.pod.phase,
    nodeName: (p) => p.pod.nodeName,
    node: (p, _, ctx) => {
      if (p.pod.nodeName === null) return null;
      const node = ctx.gateway.reads.nodeOf(p.cluster, p.pod.nodeName);
      return node ? { cluster: p.cluster, node } : null;
    },
    architecture: (p) => p.architecture,
    containers: (p) => p.pod.containers,
    readyContainers: (p) => p.pod.readyContainers,
    restartCount: (p) => p.pod.restartCount,
    waitingReason: (p) => p.pod.waitingReason,
    waitingMessage: (p) => p.pod.waitingMessage,
    ownerReferences: (p) => p.pod.ownerReferences,
    podIP: (p) => p.pod.podIP,
    terminating: (p) => p.pod.deleting,
    createdAt: (p) => p.pod.creationTimestamp,
  },
  Deployment: {
    ...owned,
    namespace: (d) => d.deployment.namespace,
    name: (d) => d.deployment.name,
    uid: (d) => d.deployment.uid,
    labels: (d) => d.deployment.labels,
    replicas: (d) => d.deployment.replicas,
    readyReplicas: (d) => d.deployment.readyReplicas,
    updatedReplicas: (d) => d.deployment.updatedReplicas,
    availableReplicas: (d) => d.deployment.availableReplicas,
    availability: (d) => deploymentAvailability(d.deployment),
    images: (d) => d.deployment.images,
    architectures: (d) => d.architectures,
    nodeSelector: (d) => d.deployment.nodeSelector,
    conditions: (d) => d.deployment.conditions,
    generation: (d) => d.deployment.generation,
    observedGeneration: (d) => d.deployment.observedGeneration,
    createdAt: (d) => d.deployment.creationTimestamp,
  },
  Namespace: {
    ...owned,
    name: (n) => n.namespace.name,
    uid: (n) => n.namespace.uid,
    labels: (n) => n.namespace.labels,
    phase: (n) => n.namespace.phase,
    createdAt: (n) => n.namespace.creationTimestamp,
  },
  Service: {
    ...owned,
    namespace: (s) => s.service.namespace,
    name: (s) => s.service.name,
    uid: (s) => s.service.uid,
    labels: (s) => s.service.labels,
    type: (s) => s.service.type,
    clusterIP: (s) => s.service.clusterIP,
    ports: (s) => s.service.ports,
    selector: (s) => s.service.selector,
    createdAt: (s) => s.service.creationTimestamp,
  },
  Event: {
    ...owned,
    namespace: (e) => e.event.namespace,
    name: (e) => e.event.name,
    uid: (e) => e.event.uid,
    involvedObject: (e) => e.event.involvedObject,
    reason: (e) => e.event.reason,
    message: (e) => e.event.message,
    type: (e) => e.event.type,
    count: (e) => e.event.count,
    firstTimestamp: (e) => e.event.firstTimestamp,
    lastTimestamp: (e) => e.event.lastTimestamp,
    source: (e) => e.event.source,
    createdAt: (e) => e.event.creationTimestamp,
  },
  Resource: {
    cluster: (r, _, ctx) => clusterOf(ctx, r.cluster),
  },
  EtcdSnapshot: {
    cluster: (s, _, ctx) => clusterOf(ctx, s.cluster),
  },
};
