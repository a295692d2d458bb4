/**
 * The deployment controller, after pkg/controller/deployment: ReplicaSets named
 * `<deployment>-<pod-template-hash>`, revisions in annotations (so `kubectl rollout history`
 * and `undo` work), RollingUpdate with maxSurge/maxUnavailable, Recreate, proportional
 * scaling, pause/resume, revisionHistoryLimit cleanup, and the status/conditions that
 * `kubectl rollout status` waits on.
 */
import { isApiError } from '../errors.js';
import type { KubeObject } from '../k8s-types.js';
import type { StoreEvent } from '../store.js';
import { KEYS, ownedBy, tolerant, type Host } from './runtime.js';
import {
  at,
  clone,
  conditionsOf,
  controllerRef,
  findCondition,
  jsonEqual,
  num,
  ownerRefTo,
  parseTime,
  rec,
  rfc3339,
  scaledValue,
  specOf,
  splitKey,
  stableJson,
  statusOf,
  str,
  strMap,
  templateHash,
  type Condition,
  type Rec,
} from './util.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
const SKIP_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);
const SOURCE = { component: 'deployment-controller' };
const NEW_RS_AVAILABLE = 'NewReplicaSetAvailable';
const TIMED_OUT = 'ProgressDeadlineExceeded';
const PAUSED = 'DeploymentPaused';
const RESUMED = 'DeploymentResumed';

/** spec.replicas, defaulting to 1. */
export function replicasOf(o: KubeObject): number {
  return num(o, 'spec', 'replicas') ?? 1;
}

function revisionOf(rs: KubeObject): number {
  const n = Number(rs.metadata.annotations?.[REVISION] ?? '0');
  return Number.isFinite(n) ? n : 0;
}

function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

function withoutHash(template: unknown): unknown {
  const t = clone(rec(template) ?? {});
  const meta = rec(t['metadata']);
  const labels = rec(meta?.['labels']);
  if (meta && labels) {
    delete labels[POD_TEMPLATE_HASH];
    if (Object.keys(labels).length === 0) delete meta['labels'];
  }
  if (meta && Object.keys(meta).length === 0) delete t['metadata'];
  return t;
}

function statusInt(o: KubeObject, field: string): number {
  return num(o, 'status', field) ?? 0;
}

function active(list: KubeObject[]): KubeObject[] {
  return list.filter((rs) => replicasOf(rs) > 0);
}

function sum(list: KubeObject[], f: (rs: KubeObject) => number): number {
  return list.reduce((acc, rs) => acc + f(rs), 0);
}

function isRolling(d: KubeObject): boolean {
  return str(d, 'spec', 'strategy', 'type') !== 'Recreate';
}

/** [maxSurge, maxUnavailable] resolved against spec.replicas, as ResolveFenceposts does. */
function fenceposts(d: KubeObject): [number, number] {
  const desired = replicasOf(d);
  const ru = rec(at(d, 'spec', 'strategy', 'rollingUpdate'));
  const surge = scaledValue(ru?.['maxSurge'], desired, true, '25%');
  let unavailable = scaledValue(ru?.['maxUnavailable'], desired, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

function maxSurge(d: KubeObject): number {
  return isRolling(d) ? fenceposts(d)[0] : 0;
}

function maxUnavailable(d: KubeObject): number {
  if (!isRolling(d) || replicasOf(d) === 0) return 0;
  return Math.min(fenceposts(d)[1], replicasOf(d));
}

function progressDeadline(d: KubeObject): number | undefined {
  const v = specOf(d)['progressDeadlineSeconds'];
  if (v === undefined) return 600;
  return typeof v === 'number' && v < 2147483647 ? v : undefined;
}

function deploymentComplete(d: KubeObject, status: Rec): boolean {
  const r = replicasOf(d);
  return (
    (num(status, 'updatedReplicas') ?? 0) === r &&
    (num(status, 'replicas') ?? 0) === r &&
    (num(status, 'availableReplicas') ?? 0) === r &&
    (num(status, 'observedGeneration') ?? 0) >= (d.metadata.generation ?? 0)
  );
}

function deploymentProgressing(d: KubeObject, next: Rec): boolean {
  const cur = statusOf(d);
  const oldOld = (num(cur, 'replicas') ?? 0) - (num(cur, 'updatedReplicas') ?? 0);
  const newOld = (num(next, 'replicas') ?? 0) - (num(next, 'updatedReplicas') ?? 0);
  return (
    (num(next, 'updatedReplicas') ?? 0) > (num(cur, 'updatedReplicas') ?? 0) ||
    newOld < oldOld ||
    (num(next, 'readyReplicas') ?? 0) > (num(cur, 'readyReplicas') ?? 0) ||
    (num(next, 'availableReplicas') ?? 0) > (num(cur, 'availableReplicas') ?? 0)
  );
}

/** SetDeploymentCondition: same status and reason is a no-op; same status keeps lastTransitionTime. */
function setCondition(conds: Condition[], next: Condition): Condition[] {
  const cur = conds.find((c) => c.type === next.type);
  if (cur && cur.status === next.status && cur['reason'] === next['reason']) return conds;
  const c = { ...next };
  if (cur && cur.status === next.status) c['lastTransitionTime'] = cur['lastTransitionTime'];
  return [...conds.filter((x) => x.type !== next.type), c];
}

/** Store-event routing and reconciliation of Deployments. */
export class DeploymentController {
  static readonly queue = 'deployment';

  constructor(private readonly h: Host) {}

  /** Enqueues the deployment a store event concerns. */
  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.key === KEYS.deployments) {
      if (ev.type === 'DELETED') return;
      if (ev.prev && !relevantChange(ev.prev, o)) return;
      this.h.queue.add(DeploymentController.queue, `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    } else if (ev.key === KEYS.replicasets) {
      const ref = controllerRef(o);
      if (ref?.kind === 'Deployment')
        this.h.queue.add(DeploymentController.queue, `${o.metadata.namespace ?? ''}/${ref.name}`);
    } else if (ev.key === KEYS.pods && ev.type === 'DELETED') {
      // Recreate waits for the old pods to be gone, which the ReplicaSet's status does not show.
      const ref = controllerRef(o);
      if (ref?.kind !== 'ReplicaSet') return;
      const rs = this.h.store.get(KEYS.replicasets, o.metadata.namespace, ref.name);
      const dref = rs ? controllerRef(rs) : undefined;
      if (dref?.kind !== 'Deployment') return;
      const d = this.h.store.get(KEYS.deployments, o.metadata.namespace, dref.name);
      if (d && str(d, 'spec', 'strategy', 'type') === 'Recreate')
        this.h.queue.add(DeploymentController.queue, `${o.metadata.namespace ?? ''}/${dref.name}`);
    }
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const d = this.h.registry.find(this.h.types.deployments, ns, name);
    if (!d) return;
    new DeploymentSync(this.h, d).run();
  }
}

function relevantChange(prev: KubeObject, next: KubeObject): boolean {
  const a = prev.metadata;
  const b = next.metadata;
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    stableJson(a.annotations ?? {}) !== stableJson(b.annotations ?? {}) ||
    stableJson(a.labels ?? {}) !== stableJson(b.labels ?? {})
  );
}

/** One reconciliation of one Deployment; keeps the latest written versions of what it touches. */
class DeploymentSync {
  private d: KubeObject;
  private readonly rs = new Map<string, KubeObject>();
  private newName: string | undefined;
  private readonly cm: string;

  constructor(
    private readonly h: Host,
    d: KubeObject,
  ) {
    this.d = d;
    this.cm = h.managers.controllerManager;
    for (const r of ownedBy(h, d, KEYS.replicasets)) this.rs.set(r.metadata.name ?? '', r);
  }

  run(): void {
    const d = this.d;
    if (d.metadata.deletionTimestamp !== undefined) {
      this.syncAll(false);
      return this.syncDeploymentStatus();
    }
    this.checkPausedConditions();
    if (specOf(this.d)['paused'] === true) return this.sync();
    if (this.isScalingEvent()) return this.sync();
    if (isRolling(this.d)) this.rolloutRolling();
    else this.rolloutRecreate();
  }

  // ------------------------------------------------------------ replica sets

  private get newRS(): KubeObject | undefined {
    return this.newName === undefined ? undefined : this.rs.get(this.newName);
  }

  private get oldRSs(): KubeObject[] {
    return [...this.rs.values()].filter((r) => r.metadata.name !== this.newName).sort(byCreation);
  }

  private get allRSs(): KubeObject[] {
    const n = this.newRS;
    return n ? [...this.oldRSs, n] : this.oldRSs;
  }

  /** getAllReplicaSetsAndSyncRevision: finds (or creates) the new RS and syncs revisions. */
  private syncAll(create: boolean): void {
    const template = withoutHash(specOf(this.d)['template']);
    const wanted = stableJson(template);
    const sorted = [...this.rs.values()].sort(byCreation);
    const found = sorted.find((r) => stableJson(withoutHash(specOf(r)['template'])) === wanted);
    this.newName = found?.metadata.name;
    const maxOld = Math.max(0, ...this.oldRSs.map(revisionOf));
    const newRevision = String(maxOld + 1);
    if (found) {
      const ann = { ...(found.metadata.annotations ?? {}) };
      let changed = false;
      if (revisionOf(found) < maxOld + 1) {
        const oldRev = ann[REVISION];
        if (oldRev)
          ann[REVISION_HISTORY] = ann[REVISION_HISTORY] ? `${ann[REVISION_HISTORY]},${oldRev}` : oldRev;
        ann[REVISION] = newRevision;
        changed = true;
      }
      changed = this.copyAnnotations(ann) || changed;
      if (changed) this.writeRS({ ...found, metadata: { ...found.metadata, annotations: ann } });
      const rev = this.newRS?.metadata.annotations?.[REVISION] ?? newRevision;
      this.setDeploymentRevision(rev);
      if (progressDeadline(this.d) !== undefined && !findCondition(this.d['status'], 'Progressing')) {
        const conds = setCondition(
          conditionsOf(this.d['status']),
          this.condition(
            'Progressing',
            'True',
            'FoundNewReplicaSet',
            `Found new replica set "${this.newName ?? ''}"`,
          ),
        );
        this.writeStatus({ ...statusOf(this.d), conditions: conds });
      }
      return;
    }
    if (!create) return;
    this.createNewRS(newRevision);
  }

  /** Copies the deployment's annotations onto an RS annotation map (SetNewReplicaSetAnnotations); true when changed. */
  private copyAnnotations(ann: Record<string, string>): boolean {
    let changed = false;
    for (const [k, v] of Object.entries(this.d.metadata.annotations ?? {})) {
      if (SKIP_ANNOTATIONS.has(k) || ann[k] === v) continue;
      ann[k] = v;
      changed = true;
    }
    return changed;
  }

  private createNewRS(newRevision: string): void {
    const d = this.d;
    const spec = specOf(d);
    const ns = d.metadata.namespace;
    let collision = num(d, 'status', 'collisionCount') ?? 0;
    const baseTemplate = rec(spec['template']) ?? {};
    for (let attempt = 0; attempt < 5; attempt++) {
      const hash = templateHash(withoutHash(baseTemplate), collision);
      const template = clone(baseTemplate);
      const tmeta = rec(template['metadata']) ?? {};
      template['metadata'] = { ...tmeta, labels: { ...strMap(tmeta, 'labels'), [POD_TEMPLATE_HASH]: hash } };
      const selector = clone(rec(spec['selector']) ?? {});
      selector['matchLabels'] = { ...strMap(selector, 'matchLabels'), [POD_TEMPLATE_HASH]: hash };
      const replicas = this.newRSNewReplicas(undefined);
      const ann: Record<string, string> = {};
      this.copyAnnotations(ann);
      ann[REVISION] = newRevision;
      ann[DESIRED_REPLICAS] = String(replicasOf(d));
      ann[MAX_REPLICAS] = String(replicasOf(d) + maxSurge(d));
      const name = `${d.metadata.name ?? ''}-${hash}`;
      const rsSpec: Rec = { replicas };
      const mrs = num(d, 'spec', 'minReadySeconds');
      if (mrs) rsSpec['minReadySeconds'] = mrs;
      rsSpec['selector'] = selector;
      rsSpec['template'] = template;
      const body: KubeObject = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name,
          namespace: ns ?? 'default',
          labels: { ...strMap(template, 'metadata', 'labels') },
          annotations: ann,
          ownerReferences: [ownerRefTo(d)],
        },
        spec: rsSpec,
      };
      try {
        const created = this.h.registry.create(this.h.types.replicasets, ns, body, { fieldManager: this.cm });
        this.rs.set(name, created);
        this.newName = name;
        if (replicas > 0)
          this.h.events.record(
            d,
            'Normal',
            'ScalingReplicaSet',
            `Scaled up replica set ${name} from 0 to ${replicas}`,
            SOURCE,
          );
        this.setDeploymentRevision(newRevision);
        if (progressDeadline(d) !== undefined) {
          const conds = setCondition(
            conditionsOf(this.d['status']),
            this.condition(
              'Progressing',
              'True',
              'NewReplicaSetCreated',
              `Created new replica set "${name}"`,
            ),
          );
          this.writeStatus({ ...statusOf(this.d), conditions: conds });
        }
        return;
      } catch (e) {
        if (!isApiError(e) || e.code !== 409) throw e;
        const existing = this.h.registry.find(this.h.types.replicasets, ns, name);
        if (
          existing &&
          controllerRef(existing)?.uid === d.metadata.uid &&
          stableJson(withoutHash(specOf(existing)['template'])) === stableJson(withoutHash(baseTemplate))
        ) {
          this.rs.set(name, existing);
          this.newName = name;
          return;
        }
        collision++;
        this.writeStatus({ ...statusOf(this.d), collisionCount: collision });
      }
    }
  }

  private setDeploymentRevision(rev: string): void {
    const ann = this.d.metadata.annotations ?? {};
    if (ann[REVISION] === rev) return;
    const updated = tolerant(() =>
      this.h.registry.update(
        this.h.types.deployments,
        this.d.metadata.namespace,
        this.d.metadata.name ?? '',
        { ...this.d, metadata: { ...this.d.metadata, annotations: { ...ann, [REVISION]: rev } } },
        { fieldManager: this.cm },
      ),
    );
    if (updated) this.d = updated;
  }

  private writeRS(rs: KubeObject): KubeObject {
    const updated = this.h.registry.update(
      this.h.types.replicasets,
      rs.metadata.namespace,
      rs.metadata.name ?? '',
      rs,
      { fieldManager: this.cm },
    );
    this.rs.set(updated.metadata.name ?? '', updated);
    return updated;
  }

  private writeStatus(status: Rec): void {
    if (jsonEqual(status, this.d['status'] ?? {})) return;
    const updated = tolerant(() =>
      this.h.registry.update(
        this.h.types.deployments,
        this.d.metadata.namespace,
        this.d.metadata.name ?? '',
        { ...this.d, status },
        { fieldManager: this.cm, subresource: 'status' },
      ),
    );
    if (updated) this.d = updated;
  }

  private condition(type: string, status: string, reason: string, message: string): Condition {
    const now = rfc3339(this.h.now());
    return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
  }

  /** Scales an RS, records the event and the replica annotations; false when already at size. */
  private scaleAndRecord(rs: KubeObject, size: number): boolean {
    if (replicasOf(rs) === size) return false;
    this.scale(rs, size);
    return true;
  }

  private scale(rs: KubeObject, size: number): void {
    const d = this.d;
    const old = replicasOf(rs);
    const ann = { ...(rs.metadata.annotations ?? {}) };
    const desired = String(replicasOf(d));
    const max = String(replicasOf(d) + maxSurge(d));
    const annChanged = ann[DESIRED_REPLICAS] !== desired || ann[MAX_REPLICAS] !== max;
    if (old === size && !annChanged) return;
    ann[DESIRED_REPLICAS] = desired;
    ann[MAX_REPLICAS] = max;
    this.writeRS({
      ...rs,
      metadata: { ...rs.metadata, annotations: ann },
      spec: { ...specOf(rs), replicas: size },
    });
    if (old !== size)
      this.h.events.record(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${size > old ? 'up' : 'down'} replica set ${rs.metadata.name ?? ''} from ${old} to ${size}`,
        SOURCE,
      );
  }

  /** NewRSNewReplicas. */
  private newRSNewReplicas(newRS: KubeObject | undefined): number {
    const d = this.d;
    if (!isRolling(d)) return replicasOf(d);
    const current = sum(this.allRSs, replicasOf);
    const maxTotal = replicasOf(d) + maxSurge(d);
    const newReplicas = newRS ? replicasOf(newRS) : 0;
    if (current >= maxTotal) return newReplicas;
    const up = Math.min(maxTotal - current, replicasOf(d) - newReplicas);
    return newReplicas + Math.max(0, up);
  }

  // ------------------------------------------------------------ strategies

  private rolloutRolling(): void {
    this.syncAll(true);
    const newRS = this.newRS;
    if (!newRS) return this.syncRolloutStatus();
    if (this.reconcileNewReplicaSet(newRS)) return this.syncRolloutStatus();
    if (this.reconcileOldReplicaSets()) return this.syncRolloutStatus();
    if (deploymentComplete(this.d, statusOf(this.d))) this.cleanup();
    this.syncRolloutStatus();
  }

  private reconcileNewReplicaSet(newRS: KubeObject): boolean {
    const want = replicasOf(this.d);
    const have = replicasOf(newRS);
    if (have === want) return false;
    if (have > want) return this.scaleAndRecord(newRS, want);
    return this.scaleAndRecord(newRS, this.newRSNewReplicas(newRS));
  }

  private reconcileOldReplicaSets(): boolean {
    const d = this.d;
    const newRS = this.newRS;
    const oldPods = sum(this.oldRSs, replicasOf);
    if (oldPods === 0) return false;
    const allPods = sum(this.allRSs, replicasOf);
    const minAvailable = replicasOf(d) - maxUnavailable(d);
    const newUnavailable = newRS ? replicasOf(newRS) - statusInt(newRS, 'availableReplicas') : 0;
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    // cleanupUnhealthyReplicas: old pods that are not available go first.
    let cleaned = 0;
    for (const rs of active(this.oldRSs)) {
      if (cleaned >= maxScaledDown) break;
      const r = replicasOf(rs);
      const avail = statusInt(rs, 'availableReplicas');
      if (r === avail) continue;
      const down = Math.min(maxScaledDown - cleaned, r - avail);
      this.scaleAndRecord(rs, r - down);
      cleaned += down;
    }
    // scaleDownOldReplicaSetsForRollingUpdate
    let scaled = 0;
    const available = sum(this.allRSs, (rs) => statusInt(rs, 'availableReplicas'));
    if (available > minAvailable) {
      const total = available - minAvailable;
      for (const rs of this.oldRSs) {
        if (scaled >= total) break;
        const r = replicasOf(rs);
        if (r === 0) continue;
        const down = Math.min(r, total - scaled);
        this.scaleAndRecord(rs, r - down);
        scaled += down;
      }
    }
    return cleaned + scaled > 0;
  }

  private rolloutRecreate(): void {
    this.syncAll(false);
    let scaledDown = false;
    for (const rs of active(this.oldRSs)) scaledDown = this.scaleAndRecord(rs, 0) || scaledDown;
    if (scaledDown) return this.syncRolloutStatus();
    if (this.oldPodsRunning()) return this.syncRolloutStatus();
    if (!this.newRS) this.syncAll(true);
    const newRS = this.newRS;
    if (newRS) this.scaleAndRecord(newRS, replicasOf(this.d));
    if (deploymentComplete(this.d, statusOf(this.d))) this.cleanup();
    this.syncRolloutStatus();
  }

  private oldPodsRunning(): boolean {
    const old = this.oldRSs;
    if (sum(old, (rs) => statusInt(rs, 'replicas')) > 0) return true;
    for (const rs of old) {
      for (const pod of ownedBy(this.h, rs, KEYS.pods)) {
        const phase = str(pod, 'status', 'phase');
        if (phase !== 'Succeeded' && phase !== 'Failed') return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------ scaling and pause

  private checkPausedConditions(): void {
    if (progressDeadline(this.d) === undefined) return;
    const cond = findCondition(this.d['status'], 'Progressing');
    if (cond?.['reason'] === TIMED_OUT) return;
    const paused = specOf(this.d)['paused'] === true;
    const pausedCond = cond?.['reason'] === PAUSED;
    let next: Condition | undefined;
    if (paused && !pausedCond)
      next = this.condition('Progressing', 'Unknown', PAUSED, 'Deployment is paused');
    else if (!paused && pausedCond)
      next = this.condition('Progressing', 'Unknown', RESUMED, 'Deployment is resumed');
    if (next)
      this.writeStatus({
        ...statusOf(this.d),
        conditions: setCondition(conditionsOf(this.d['status']), next),
      });
  }

  private isScalingEvent(): boolean {
    this.syncAll(false);
    const want = String(replicasOf(this.d));
    return active(this.allRSs).some((rs) => {
      const desired = rs.metadata.annotations?.[DESIRED_REPLICAS];
      return desired !== undefined && desired !== want;
    });
  }

  /** sync: scale (paused or scaling event), clean up when paused, then status. */
  private sync(): void {
    this.syncAll(false);
    this.scaleAll();
    if (specOf(this.d)['paused'] === true) this.cleanup();
    this.syncDeploymentStatus();
  }

  private scaleAll(): void {
    const d = this.d;
    const want = replicasOf(d);
    const newRS = this.newRS;
    const olds = this.oldRSs;
    const activeAll = active(newRS ? [...olds, newRS] : olds);
    let activeOrLatest: KubeObject | undefined;
    if (activeAll.length === 0) activeOrLatest = newRS ?? [...olds].sort(byCreation).reverse()[0];
    else if (activeAll.length === 1) activeOrLatest = activeAll[0];
    if (activeOrLatest) {
      if (replicasOf(activeOrLatest) !== want) this.scaleAndRecord(activeOrLatest, want);
      return;
    }
    if (
      newRS &&
      replicasOf(newRS) === want &&
      newRS.metadata.annotations?.[DESIRED_REPLICAS] === String(want) &&
      statusInt(newRS, 'availableReplicas') === want
    ) {
      for (const rs of active(olds)) this.scaleAndRecord(rs, 0);
      return;
    }
    if (!isRolling(d)) return;
    const allowed = want > 0 ? want + maxSurge(d) : 0;
    const toAdd = allowed - sum(activeAll, replicasOf);
    const sorted = [...activeAll].sort((a, b) => {
      const diff = replicasOf(b) - replicasOf(a);
      if (diff !== 0) return diff;
      return toAdd > 0 ? byCreation(b, a) : byCreation(a, b);
    });
    const sizes = new Map<string, number>();
    let added = 0;
    for (const rs of sorted) {
      let p = 0;
      if (toAdd !== 0 && replicasOf(rs) > 0 && toAdd !== added) {
        const fraction = this.fraction(rs);
        const allowedLeft = toAdd - added;
        p = toAdd > 0 ? Math.min(fraction, allowedLeft) : Math.max(fraction, allowedLeft);
      }
      sizes.set(rs.metadata.name ?? '', replicasOf(rs) + p);
      added += p;
    }
    sorted.forEach((rs, i) => {
      const name = rs.metadata.name ?? '';
      let size = sizes.get(name) ?? replicasOf(rs);
      if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
      this.scale(rs, size);
    });
  }

  private fraction(rs: KubeObject): number {
    const d = this.d;
    if (replicasOf(d) === 0) return -replicasOf(rs);
    const deploymentReplicas = replicasOf(d) + maxSurge(d);
    const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS] ?? NaN);
    const base =
      Number.isFinite(annotated) && annotated > 0 ? annotated : (num(d, 'status', 'replicas') ?? 0);
    if (base === 0) return 0;
    return Math.round((replicasOf(rs) * deploymentReplicas) / base) - replicasOf(rs);
  }

  /** cleanupDeployment: old, empty RSs beyond revisionHistoryLimit are deleted, oldest revision first. */
  private cleanup(): void {
    const limit = num(this.d, 'spec', 'revisionHistoryLimit') ?? 10;
    const cleanable = this.oldRSs
      .filter(
        (rs) =>
          replicasOf(rs) === 0 &&
          statusInt(rs, 'replicas') === 0 &&
          rs.metadata.deletionTimestamp === undefined,
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    const diff = cleanable.length - limit;
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i];
      if (!rs) continue;
      tolerant(() =>
        this.h.registry.delete(this.h.types.replicasets, rs.metadata.namespace, rs.metadata.name ?? '', {
          preconditions: { uid: rs.metadata.uid ?? '' },
        }),
      );
      this.rs.delete(rs.metadata.name ?? '');
    }
  }

  // ------------------------------------------------------------ status

  private refresh(): void {
    for (const [name, rs] of this.rs) {
      const cur = this.h.store.get(KEYS.replicasets, rs.metadata.namespace, name);
      if (cur) this.rs.set(name, cur);
      else this.rs.delete(name);
    }
  }

  private calculateStatus(): Rec {
    this.refresh();
    const d = this.d;
    const all = this.allRSs;
    const newRS = this.newRS;
    const available = sum(all, (rs) => statusInt(rs, 'availableReplicas'));
    const total = sum(all, replicasOf);
    const s: Rec = {};
    const put = (k: string, v: number): void => {
      if (v !== 0) s[k] = v;
    };
    put('observedGeneration', d.metadata.generation ?? 0);
    put(
      'replicas',
      sum(all, (rs) => statusInt(rs, 'replicas')),
    );
    put('updatedReplicas', newRS ? statusInt(newRS, 'replicas') : 0);
    put(
      'readyReplicas',
      sum(all, (rs) => statusInt(rs, 'readyReplicas')),
    );
    put('availableReplicas', available);
    put('unavailableReplicas', Math.max(0, total - available));
    let conds = conditionsOf(d['status']);
    if (available >= replicasOf(d) - maxUnavailable(d))
      conds = setCondition(
        conds,
        this.condition(
          'Available',
          'True',
          'MinimumReplicasAvailable',
          'Deployment has minimum availability.',
        ),
      );
    else
      conds = setCondition(
        conds,
        this.condition(
          'Available',
          'False',
          'MinimumReplicasUnavailable',
          'Deployment does not have minimum availability.',
        ),
      );
    s['conditions'] = conds;
    const cc = num(d, 'status', 'collisionCount');
    if (cc !== undefined) s['collisionCount'] = cc;
    return s;
  }

  private syncDeploymentStatus(): void {
    this.writeStatus(this.calculateStatus());
  }

  private syncRolloutStatus(): void {
    const d = this.d;
    const next = this.calculateStatus();
    const deadline = progressDeadline(d);
    const newName = this.newName;
    if (deadline !== undefined) {
      const cur = findCondition(d['status'], 'Progressing');
      const complete = next['replicas'] === next['updatedReplicas'] && cur?.['reason'] === NEW_RS_AVAILABLE;
      if (!complete) {
        let conds = conditionsOf(next);
        if (deploymentComplete(d, next)) {
          const msg = newName
            ? `ReplicaSet "${newName}" has successfully progressed.`
            : `Deployment "${d.metadata.name ?? ''}" has successfully progressed.`;
          conds = setCondition(conds, this.condition('Progressing', 'True', NEW_RS_AVAILABLE, msg));
        } else if (deploymentProgressing(d, next)) {
          const msg = newName
            ? `ReplicaSet "${newName}" is progressing.`
            : `Deployment "${d.metadata.name ?? ''}" is progressing.`;
          const c = this.condition('Progressing', 'True', 'ReplicaSetUpdated', msg);
          if (cur?.status === 'True') c['lastTransitionTime'] = cur['lastTransitionTime'];
          conds = [...conds.filter((x) => x.type !== 'Progressing'), c];
        } else if (this.timedOut(next, deadline)) {
          const msg = newName
            ? `ReplicaSet "${newName}" has timed out progressing.`
            : `Deployment "${d.metadata.name ?? ''}" has timed out progressing.`;
          conds = setCondition(conds, this.condition('Progressing', 'False', TIMED_OUT, msg));
        }
        next['conditions'] = conds;
      }
    }
    this.writeStatus(next);
    this.requeueStuck(next, deadline);
  }

  private timedOut(status: Rec, deadline: number): boolean {
    const cond = findCondition(status, 'Progressing');
    if (!cond) return false;
    if (cond['reason'] === NEW_RS_AVAILABLE) return false;
    if (cond['reason'] === TIMED_OUT) return true;
    const from = parseTime(cond['lastUpdateTime']);
    if (from === undefined) return false;
    return from + this.h.ms(deadline) < this.h.now().getTime();
  }

  private requeueStuck(status: Rec, deadline: number | undefined): void {
    if (deadline === undefined) return;
    const cond = findCondition(status, 'Progressing');
    if (!cond || cond['reason'] === NEW_RS_AVAILABLE || cond['reason'] === TIMED_OUT) return;
    if (deploymentComplete(this.d, status)) return;
    const from = parseTime(cond['lastUpdateTime']);
    if (from === undefined) return;
    const after = from + this.h.ms(deadline) + 5 - this.h.now().getTime();
    this.h.queue.addAfter(
      DeploymentController.queue,
      `${this.d.metadata.namespace ?? ''}/${this.d.metadata.name ?? ''}`,
      Math.max(after, this.h.ms(1), 10),
    );
  }
}
