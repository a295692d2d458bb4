/**
 * The garbage collector, after pkg/controller/garbagecollector: dependents whose owners are
 * all gone are deleted (Background, or as their own finalizers say), dangling references
 * next to a live owner are removed, Foreground deletion deletes blocking dependents before
 * dropping the owner's foregroundDeletion finalizer, and Orphan deletion strips the owner
 * reference from dependents before dropping the orphan finalizer. Works on every resource,
 * custom ones included, through the uid → dependents index kept from store events.
 */
import type { KubeObject, OwnerReference } from '../k8s-types.js';
import type { DeleteOptions } from '../registry.js';
import type { ResourceType } from '../resource-types.js';
import type { StoreEvent } from '../store.js';
import { tolerant, type Host, type ObjectLocation } from './runtime.js';

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

function typeOf(h: Host, key: string): ResourceType | undefined {
  const i = key.indexOf('/');
  return h.registry.catalog.lookupAnyVersion(key.slice(0, i), key.slice(i + 1));
}

function waitingForDependents(o: KubeObject): boolean {
  return o.metadata.deletionTimestamp !== undefined && (o.metadata.finalizers ?? []).includes(FOREGROUND);
}

/** The garbage collector of one cluster. */
export class GarbageCollector {
  static readonly queue = 'gc';

  constructor(private readonly h: Host) {}

  /** Call after the owner index has seen the event. */
  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    const uid = o.metadata.uid ?? '';
    const q = (k: string): void => this.h.queue.add(GarbageCollector.queue, k);
    if (ev.type === 'DELETED') {
      for (const dep of this.h.owners.dependents(uid)) q(`dep:${dep.uid}`);
      for (const r of o.metadata.ownerReferences ?? []) q(`owner:${r.uid}`);
      return;
    }
    const refs = o.metadata.ownerReferences ?? [];
    const prevRefs = ev.prev?.metadata.ownerReferences ?? [];
    if (refs.length > 0 && (ev.type === 'ADDED' || refs !== prevRefs)) q(`dep:${uid}`);
    if (refs !== prevRefs)
      for (const r of prevRefs) if (!refs.some((x) => x.uid === r.uid)) q(`owner:${r.uid}`);
    const fins = o.metadata.finalizers ?? [];
    if (o.metadata.deletionTimestamp !== undefined && (fins.includes(FOREGROUND) || fins.includes(ORPHAN))) {
      const prevFins = ev.prev?.metadata.finalizers ?? [];
      if (ev.prev?.metadata.deletionTimestamp === undefined || prevFins.length !== fins.length)
        q(`owner:${uid}`);
    }
  }

  reconcile(key: string): void {
    const i = key.indexOf(':');
    const uid = key.slice(i + 1);
    if (key.startsWith('dep:')) this.attemptToDelete(uid);
    else this.processOwner(uid);
  }

  private load(loc: ObjectLocation | undefined): KubeObject | undefined {
    if (!loc) return undefined;
    const obj = this.h.store.get(loc.key, loc.namespace, loc.name);
    return obj && obj.metadata.uid === loc.uid ? obj : undefined;
  }

  /** attemptToDeleteItem for one dependent. */
  private attemptToDelete(uid: string): void {
    const h = this.h;
    const loc = h.owners.locate(uid);
    const obj = this.load(loc);
    if (!loc || !obj) return;
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const absent: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    const solid: OwnerReference[] = [];
    for (const r of refs) {
      const owner = this.load(h.owners.locate(r.uid));
      if (!owner) absent.push(r);
      else if (waitingForDependents(owner)) waiting.push(r);
      else solid.push(r);
    }
    if (absent.length === 0 && waiting.length === 0) return;
    if (solid.length > 0) {
      const keep = refs.filter((r) => solid.includes(r));
      this.setOwnerRefs(loc, obj, keep);
      return;
    }
    if (obj.metadata.deletionTimestamp !== undefined) return;
    let policy: DeleteOptions['propagationPolicy'];
    if (waiting.length > 0 && h.owners.hasDependents(uid)) policy = 'Foreground';
    else if ((obj.metadata.finalizers ?? []).includes(ORPHAN)) policy = 'Orphan';
    else if ((obj.metadata.finalizers ?? []).includes(FOREGROUND)) policy = 'Foreground';
    else policy = 'Background';
    const type = typeOf(h, loc.key);
    if (!type) {
      h.store.remove(loc.key, loc.namespace, loc.name);
      return;
    }
    tolerant(() =>
      h.registry.delete(type, loc.namespace, loc.name, { propagationPolicy: policy, preconditions: { uid } }),
    );
  }

  /** Foreground and orphan finalizers of an owner being deleted. */
  private processOwner(uid: string): void {
    const h = this.h;
    const loc = h.owners.locate(uid);
    const owner = this.load(loc);
    if (!loc || !owner || owner.metadata.deletionTimestamp === undefined) return;
    const fins = owner.metadata.finalizers ?? [];
    if (fins.includes(ORPHAN)) {
      for (const dep of h.owners.dependents(uid)) {
        const obj = this.load(dep);
        if (obj)
          this.setOwnerRefs(
            dep,
            obj,
            (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid),
          );
      }
      this.removeFinalizer(loc, owner, ORPHAN);
      return;
    }
    if (!fins.includes(FOREGROUND)) return;
    let blocking = 0;
    for (const dep of h.owners.dependents(uid)) {
      const obj = this.load(dep);
      if (!obj) continue;
      const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.uid === uid);
      if (ref?.blockOwnerDeletion !== true) continue;
      blocking++;
      if (obj.metadata.deletionTimestamp === undefined) h.queue.add(GarbageCollector.queue, `dep:${dep.uid}`);
    }
    if (blocking === 0) this.removeFinalizer(loc, owner, FOREGROUND);
  }

  private setOwnerRefs(loc: ObjectLocation, obj: KubeObject, refs: OwnerReference[]): void {
    const h = this.h;
    const type = typeOf(h, loc.key);
    if (!type) return;
    const meta = { ...obj.metadata };
    if (refs.length > 0) meta.ownerReferences = refs;
    else delete meta.ownerReferences;
    tolerant(() =>
      h.registry.update(
        type,
        loc.namespace,
        loc.name,
        { ...obj, metadata: meta },
        { fieldManager: h.managers.controllerManager },
      ),
    );
  }

  private removeFinalizer(loc: ObjectLocation, obj: KubeObject, finalizer: string): void {
    const h = this.h;
    const type = typeOf(h, loc.key);
    if (!type) return;
    const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    tolerant(() =>
      h.registry.update(
        type,
        loc.namespace,
        loc.name,
        { ...obj, metadata: { ...obj.metadata, finalizers } },
        { fieldManager: h.managers.controllerManager },
      ),
    );
  }
}
