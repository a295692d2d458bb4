/**
 * Facts about deployments that take more than one field to tell: availability from replica
 * counts, image matching, and the architectures a deployment's pods run on.
 */
import type { Architecture } from '../vocabulary.js';
import type { ClusterReader, DeploymentAvailability } from './fleet-queries.js';
import type { DeploymentProjection } from './projections.js';

/** A deployment's availability from its replica counts. */
export function deploymentAvailability(d: DeploymentProjection): DeploymentAvailability {
  if (d.replicas === 0) return 'SCALED_TO_ZERO';
  if (d.availableReplicas === 0) return 'UNAVAILABLE';
  if (
    d.updatedReplicas >= d.replicas &&
    d.availableReplicas >= d.replicas &&
    d.observedGeneration >= d.generation
  )
    return 'AVAILABLE';
  return 'PROGRESSING';
}

/** An exact image, or a prefix when `wanted` has no tag/digest or ends in ':'. */
export function imageMatches(image: string, wanted: string): boolean {
  if (image === wanted) return true;
  const lastSlash = wanted.lastIndexOf('/');
  const hasTag = wanted.includes('@') || wanted.slice(lastSlash + 1).includes(':');
  if (wanted.endsWith(':')) return image.startsWith(wanted);
  return !hasTag && (image.startsWith(`${wanted}:`) || image.startsWith(`${wanted}@`));
}

/**
 * Architectures of the nodes each deployment's pods run on, keyed `namespace/name`. A pod
 * belongs to a deployment through its ReplicaSet owner, named `<deployment>-<pod-template-hash>`.
 */
export function deploymentPodArchitectures(
  read: ClusterReader,
  namespace: string | undefined,
): Map<string, Set<Architecture>> {
  const out = new Map<string, Set<Architecture>>();
  for (const pod of read.list('Pod', namespace)) {
    const hash = pod.labels['pod-template-hash'];
    const owner = pod.ownerReferences.find((o) => o.kind === 'ReplicaSet');
    if (hash === undefined || !owner || !owner.name.endsWith(`-${hash}`) || pod.nodeName === null) continue;
    const arch = read.get('Node', '', pod.nodeName)?.architecture;
    if (arch === undefined || arch === null) continue;
    addTo(out, `${pod.namespace}/${owner.name.slice(0, -hash.length - 1)}`, arch);
  }
  return out;
}

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  let s = index.get(key);
  if (!s) index.set(key, (s = new Set()));
  s.add(value);
}
