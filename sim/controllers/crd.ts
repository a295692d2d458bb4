/**
 * The apiextensions controllers: a CRD's resources are served as soon as the CRD is stored
 * (the type catalogue is updated synchronously from the store event), its status reports
 * NamesAccepted/Established with acceptedNames and storedVersions, and deleting it deletes
 * every custom resource before the customresourcecleanup finalizer is removed.
 */
import type { KubeObject } from '../k8s-types.js';
import type { StoreEvent } from '../store.js';
import { KEYS, tolerant, type Host } from './runtime.js';
import {
  conditionsOf,
  jsonEqual,
  rec,
  recs,
  rfc3339,
  specOf,
  stableJson,
  statusOf,
  str,
  type Condition,
  type Rec,
} from './util.js';

export const CRD_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** CRD handling for one cluster. */
export class CrdController {
  static readonly queue = 'crd';
  private readonly registered = new Map<string, string>();

  constructor(private readonly h: Host) {}

  /** Serves a CRD that exists already (controllers starting on a populated store). */
  adopt(crd: KubeObject): void {
    this.register(crd);
    this.h.queue.add(CrdController.queue, crd.metadata.name ?? '');
  }

  onEvent(ev: StoreEvent): void {
    if (ev.key !== KEYS.crds) return;
    const crd = ev.object;
    const name = crd.metadata.name ?? '';
    if (ev.type === 'DELETED') {
      this.unregister(name);
      return;
    }
    if (
      crd.metadata.deletionTimestamp !== undefined &&
      !(crd.metadata.finalizers ?? []).includes(CRD_FINALIZER)
    )
      this.unregister(name);
    else this.register(crd);
    const p = ev.prev;
    if (
      !p ||
      p.metadata.generation !== crd.metadata.generation ||
      p.metadata.deletionTimestamp !== crd.metadata.deletionTimestamp ||
      !jsonEqual(p.metadata.finalizers ?? [], crd.metadata.finalizers ?? [])
    )
      this.h.queue.add(CrdController.queue, name);
  }

  /** Forgets everything (controllers stopping). */
  clear(): void {
    this.registered.clear();
  }

  private register(crd: KubeObject): void {
    const name = crd.metadata.name ?? '';
    const spec = stableJson(crd['spec'] ?? {});
    if (this.registered.get(name) === spec) return;
    this.h.registry.catalog.registerCrd(crd);
    this.registered.set(name, spec);
  }

  private unregister(name: string): void {
    this.registered.delete(name);
    this.h.registry.catalog.unregisterCrd(name);
  }

  reconcile(name: string): void {
    const h = this.h;
    let crd = h.registry.find(h.types.crds, undefined, name);
    if (!crd) return;
    const fins = crd.metadata.finalizers ?? [];
    if (crd.metadata.deletionTimestamp !== undefined) {
      if (fins.includes(CRD_FINALIZER)) this.cleanup(crd);
      return;
    }
    if (!fins.includes(CRD_FINALIZER)) {
      const cur = crd;
      const updated = tolerant(() =>
        h.registry.update(
          h.types.crds,
          undefined,
          name,
          { ...cur, metadata: { ...cur.metadata, finalizers: [...fins, CRD_FINALIZER] } },
          { fieldManager: h.managers.apiserver },
        ),
      );
      if (!updated) return;
      crd = updated;
    }
    this.writeStatus(crd, this.desiredStatus(crd));
  }

  private desiredStatus(crd: KubeObject, terminating = false): Rec {
    const spec = specOf(crd);
    const names = rec(spec['names']) ?? {};
    const kind = str(names, 'kind') ?? '';
    const accepted: Rec = {
      plural: str(names, 'plural') ?? '',
      singular: str(names, 'singular') ?? kind.toLowerCase(),
    };
    if (Array.isArray(names['shortNames'])) accepted['shortNames'] = names['shortNames'];
    accepted['kind'] = kind;
    accepted['listKind'] = str(names, 'listKind') ?? `${kind}List`;
    if (Array.isArray(names['categories'])) accepted['categories'] = names['categories'];
    const old = statusOf(crd);
    const oldConds = conditionsOf(old);
    const now = rfc3339(this.h.now());
    const cond = (type: string, status: string, reason: string, message: string): Condition => {
      const prev = oldConds.find((c) => c.type === type);
      return {
        type,
        status,
        lastTransitionTime: prev && prev.status === status ? String(prev['lastTransitionTime'] ?? now) : now,
        reason,
        message,
      };
    };
    const conditions = [
      cond('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'),
      cond('Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ];
    if (terminating)
      conditions.push(
        cond('Terminating', 'True', 'InstanceDeletionInProgress', 'CustomResource deletion is in progress'),
      );
    const stored = Array.isArray(old['storedVersions']) ? old['storedVersions'].map(String) : [];
    const storage = recs(spec, 'versions').find((v) => v['storage'] === true);
    const storageName = str(storage, 'name');
    if (storageName && !stored.includes(storageName)) stored.push(storageName);
    return { conditions, acceptedNames: accepted, storedVersions: stored };
  }

  private writeStatus(crd: KubeObject, status: Rec): void {
    if (jsonEqual(status, crd['status'] ?? {})) return;
    const h = this.h;
    tolerant(() =>
      h.registry.update(
        h.types.crds,
        undefined,
        crd.metadata.name ?? '',
        { ...crd, status },
        { fieldManager: h.managers.apiserver, subresource: 'status' },
      ),
    );
  }

  /** Deletes every instance, then stops serving the type and removes the finalizer. */
  private cleanup(crd: KubeObject): void {
    const h = this.h;
    const name = crd.metadata.name ?? '';
    this.writeStatus(crd, this.desiredStatus(crd, true));
    const group = str(crd, 'spec', 'group') ?? '';
    const plural = str(crd, 'spec', 'names', 'plural') ?? '';
    const key = `${group}/${plural}`;
    const type = h.registry.catalog.lookupAnyVersion(group, plural);
    for (const obj of h.store.list(key)) {
      if (obj.metadata.deletionTimestamp !== undefined) continue;
      if (type) tolerant(() => h.registry.delete(type, obj.metadata.namespace, obj.metadata.name ?? '', {}));
      else h.store.remove(key, obj.metadata.namespace, obj.metadata.name ?? '');
    }
    if (h.store.count(key) > 0) {
      h.queue.addAfter(CrdController.queue, name, h.ms(1));
      return;
    }
    this.unregister(name);
    const cur = h.registry.find(h.types.crds, undefined, name);
    if (!cur) return;
    const finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== CRD_FINALIZER);
    tolerant(() =>
      h.registry.update(
        h.types.crds,
        undefined,
        name,
        { ...cur, metadata: { ...cur.metadata, finalizers } },
        { fieldManager: h.managers.apiserver },
      ),
    );
  }
}
