/**
 * The namespace controller: a namespace being deleted has everything in it deleted (every
 * namespaced type, custom ones included), reports progress in its status conditions like
 * kube-controller-manager does, and loses its `kubernetes` finalizer once empty.
 */
import type { KubeObject } from '../k8s-types.js';
import { storageKey } from '../resource-types.js';
import type { StoreEvent } from '../store.js';
import { KEYS, tolerant, type Host } from './runtime.js';
import { conditionsOf, rfc3339, specOf, statusOf, type Condition } from './util.js';

const FINALIZER = 'kubernetes';

/** Namespace deletion for one cluster. */
export class NamespaceController {
  static readonly queue = 'namespace';
  private readonly terminating = new Set<string>();

  constructor(private readonly h: Host) {}

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.key === KEYS.namespaces) {
      const name = o.metadata.name ?? '';
      if (ev.type === 'DELETED') {
        this.terminating.delete(name);
        return;
      }
      if (o.metadata.deletionTimestamp !== undefined) {
        this.terminating.add(name);
        this.h.queue.add(NamespaceController.queue, name);
      }
      return;
    }
    const ns = o.metadata.namespace;
    if (ev.type === 'DELETED' && ns !== undefined && this.terminating.has(ns))
      this.h.queue.add(NamespaceController.queue, ns);
  }

  reconcile(name: string): void {
    const h = this.h;
    const ns = h.registry.find(h.types.namespaces, undefined, name);
    if (!ns || ns.metadata.deletionTimestamp === undefined) return;
    const remaining = new Map<string, number>();
    const finalizers = new Map<string, number>();
    const seen = new Set<string>();
    for (const type of h.registry.catalog.all()) {
      if (!type.namespaced) continue;
      const key = storageKey(type);
      if (seen.has(key)) continue;
      seen.add(key);
      for (const obj of h.store.list(key, name)) {
        if (obj.metadata.deletionTimestamp === undefined)
          tolerant(() =>
            h.registry.delete(type, name, obj.metadata.name ?? '', { propagationPolicy: 'Background' }),
          );
      }
      const left = h.store.list(key, name);
      if (left.length === 0) continue;
      remaining.set(type.group ? `${type.plural}.${type.group}` : `${type.plural}.`, left.length);
      for (const obj of left)
        for (const f of obj.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    }
    this.setConditions(ns, remaining, finalizers);
    if (remaining.size > 0) {
      // Deletions of the remaining objects wake us too; this is the fallback retry.
      h.queue.addAfter(NamespaceController.queue, name, h.ms(5));
      return;
    }
    const cur = h.registry.find(h.types.namespaces, undefined, name);
    if (!cur) return;
    const spec = { ...specOf(cur) };
    const specFins = Array.isArray(spec['finalizers'])
      ? spec['finalizers'].filter((f) => f !== FINALIZER)
      : [];
    if (specFins.length > 0) spec['finalizers'] = specFins;
    else delete spec['finalizers'];
    const metaFins = (cur.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
    tolerant(() =>
      h.registry.update(
        h.types.namespaces,
        undefined,
        name,
        { ...cur, spec, metadata: { ...cur.metadata, finalizers: metaFins } },
        { fieldManager: h.managers.controllerManager },
      ),
    );
  }

  private setConditions(
    ns: KubeObject,
    remaining: Map<string, number>,
    finalizers: Map<string, number>,
  ): void {
    const h = this.h;
    const now = rfc3339(h.now());
    const old = conditionsOf(ns['status']);
    const mk = (type: string, status: string, reason: string, message: string): Condition => {
      const prev = old.find((c) => c.type === type);
      return {
        type,
        status,
        lastTransitionTime: prev && prev.status === status ? String(prev['lastTransitionTime'] ?? now) : now,
        reason,
        message,
      };
    };
    const rem = [...remaining].map(([r, n]) => `${r} has ${n} resource instances`).join(', ');
    const fin = [...finalizers].map(([f, n]) => `${f} in ${n} resource instances`).join(', ');
    const conditions = [
      mk(
        'NamespaceDeletionDiscoveryFailure',
        'False',
        'ResourcesDiscovered',
        'All resources successfully discovered',
      ),
      mk(
        'NamespaceDeletionGroupVersionParsingFailure',
        'False',
        'ParsedGroupVersions',
        'All legacy kube types successfully parsed',
      ),
      mk(
        'NamespaceDeletionContentFailure',
        'False',
        'ContentDeleted',
        'All content successfully deleted, may be waiting on finalization',
      ),
      remaining.size > 0
        ? mk(
            'NamespaceContentRemaining',
            'True',
            'SomeResourcesRemain',
            `Some resources are remaining: ${rem}`,
          )
        : mk('NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed'),
      finalizers.size > 0
        ? mk(
            'NamespaceFinalizersRemaining',
            'True',
            'SomeFinalizersRemain',
            `Some content in the namespace has finalizers remaining: ${fin}`,
          )
        : mk(
            'NamespaceFinalizersRemaining',
            'False',
            'ContentHasNoFinalizers',
            'All content-preserving finalizers finished',
          ),
    ];
    if (JSON.stringify(conditions) === JSON.stringify(old)) return;
    tolerant(() =>
      h.registry.update(
        h.types.namespaces,
        undefined,
        ns.metadata.name ?? '',
        { ...ns, status: { ...statusOf(ns), conditions } },
        { fieldManager: h.managers.controllerManager, subresource: 'status' },
      ),
    );
  }
}
