/**
 * The order a restore applies objects in, and the rewriting each object needs on the way:
 * CRDs first (then waited for until Established), namespaces, then what workloads depend on
 * (service accounts, secrets, config maps, storage, RBAC, services), custom resources, and
 * workloads last, as Velero orders them. Namespaces are mapped; owner references point to
 * the restored owners' new uids (or are dropped when the owner is not restored, since a
 * reference to a uid that does not exist would let the garbage collector delete the object).
 */
import { qualifiedResource } from './capture.js';
import type { ArchiveEntry } from './archive.js';

const FIRST = [
  'customresourcedefinitions.apiextensions.k8s.io',
  'namespaces',
  'storageclasses.storage.k8s.io',
  'persistentvolumes',
  'persistentvolumeclaims',
  'serviceaccounts',
  'secrets',
  'configmaps',
  'limitranges',
  'resourcequotas',
  'clusterroles.rbac.authorization.k8s.io',
  'clusterrolebindings.rbac.authorization.k8s.io',
  'roles.rbac.authorization.k8s.io',
  'rolebindings.rbac.authorization.k8s.io',
  'services',
  'ingresses.networking.k8s.io',
  'networkpolicies.networking.k8s.io',
  'poddisruptionbudgets.policy',
];
const LAST = [
  'deployments.apps',
  'statefulsets.apps',
  'daemonsets.apps',
  'replicasets.apps',
  'replicationcontrollers',
  'cronjobs.batch',
  'jobs.batch',
  'pods',
];

/** Rank of an entry in the restore order (lower first); custom resources sit between the two lists. */
function rank(e: ArchiveEntry): number {
  const q = qualifiedResource(e);
  const first = FIRST.indexOf(q);
  if (first >= 0) return first;
  const last = LAST.indexOf(q);
  if (last >= 0) return FIRST.length + 1 + last;
  return FIRST.length;
}

/** The entries in restore order (stable: by rank, then namespace and name). */
function restoreOrder(entries: readonly ArchiveEntry[]): ArchiveEntry[] {
  return [...entries].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      qualifiedResource(a).localeCompare(qualifiedResource(b)) ||
      a.namespace.localeCompare(b.namespace) ||
      a.name.localeCompare(b.name),
  );
}

/** The entries in restore order, grouped by rank: a group's objects do not depend on each other. */
export function restoreGroups(entries: readonly ArchiveEntry[]): ArchiveEntry[][] {
  const groups: ArchiveEntry[][] = [];
  let last: number | undefined;
  for (const e of restoreOrder(entries)) {
    const r = rank(e);
    if (r !== last) groups.push([]);
    groups[groups.length - 1]?.push(e);
    last = r;
  }
  return groups;
}

/** The namespace an object goes to. */
export function mapNamespace(namespace: string, mapping: ReadonlyMap<string, string>): string {
  return mapping.get(namespace) ?? namespace;
}

/**
 * The object as it is applied: its namespace mapped (for a Namespace, its name), and its
 * owner references rewritten to the new uids in `restored` (old uid → new uid), dropping
 * those whose owner was not restored.
 */
export function rewriteForRestore(
  e: ArchiveEntry,
  object: Record<string, unknown>,
  mapping: ReadonlyMap<string, string>,
  restored: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const meta = { ...(object['metadata'] as Record<string, unknown>) };
  if (e.group === '' && e.resource === 'namespaces') meta['name'] = mapNamespace(e.name, mapping);
  else if (e.namespaced) meta['namespace'] = mapNamespace(e.namespace, mapping);
  if (Array.isArray(meta['ownerReferences'])) {
    const refs = (meta['ownerReferences'] as Record<string, unknown>[]).flatMap((ref) => {
      const now = restored.get(String(ref['uid'] ?? ''));
      return now === undefined ? [] : [{ ...ref, uid: now }];
    });
    if (refs.length > 0) meta['ownerReferences'] = refs;
    else delete meta['ownerReferences'];
  }
  return { ...object, metadata: meta };
}
