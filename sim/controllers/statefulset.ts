/**
 * The StatefulSet controller: pods `<sts>-0..N-1` with stable names, OrderedReady (the next
 * pod only once the previous is Running and Ready) or Parallel, PVCs from
 * volumeClaimTemplates, scale-down from the highest ordinal, RollingUpdate from the highest
 * ordinal down to the partition, and revisions in status.
 */
import type { KubeObject } from '../k8s-types.js';
import type { StoreEvent } from '../store.js';
import { replicasOf } from './deployment.js';
import { createPod, deletePod, podFromTemplate, specOrMetaChanged } from './replicaset.js';
import { KEYS, ownedBy, tolerant, type Host } from './runtime.js';
import {
  at,
  clone,
  controllerRef,
  isPodAvailable,
  isPodReady,
  jsonEqual,
  num,
  rec,
  recs,
  splitKey,
  str,
  strMap,
  templateHash,
  type Rec,
} from './util.js';

const SOURCE = { component: 'statefulset-controller' };
const REVISION_HASH = 'controller-revision-hash';

function isRunningAndReady(pod: KubeObject): boolean {
  return str(pod, 'status', 'phase') === 'Running' && isPodReady(pod);
}

/** Reconciles StatefulSets. */
export class StatefulSetController {
  static readonly queue = 'statefulset';

  constructor(private readonly h: Host) {}

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.key === KEYS.statefulsets) {
      if (ev.type === 'DELETED') return;
      if (ev.prev && !specOrMetaChanged(ev.prev, o)) return;
      this.h.queue.add(StatefulSetController.queue, `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    } else if (ev.key === KEYS.pods) {
      const ref = controllerRef(o);
      if (ref?.kind === 'StatefulSet')
        this.h.queue.add(StatefulSetController.queue, `${o.metadata.namespace ?? ''}/${ref.name}`);
    }
  }

  reconcile(key: string): void {
    const h = this.h;
    const [ns, name] = splitKey(key);
    const sts = h.registry.find(h.types.statefulsets, ns, name);
    if (!sts) return;
    const updateRevision = `${name}-${templateHash(at(sts, 'spec', 'template'))}`;
    const currentRevision = str(sts, 'status', 'currentRevision') ?? updateRevision;
    if (sts.metadata.deletionTimestamp === undefined) this.manage(sts, updateRevision);
    this.updateStatus(sts, currentRevision, updateRevision);
  }

  private ordinals(sts: KubeObject): Map<number, KubeObject> {
    const name = sts.metadata.name ?? '';
    const out = new Map<number, KubeObject>();
    for (const pod of ownedBy(this.h, sts, KEYS.pods)) {
      const m = /^(.*)-(\d+)$/.exec(pod.metadata.name ?? '');
      if (m && m[1] === name) out.set(Number(m[2]), pod);
      else out.set(-1 - out.size, pod);
    }
    return out;
  }

  private manage(sts: KubeObject, updateRevision: string): void {
    const replicas = replicasOf(sts);
    const parallel = str(sts, 'spec', 'podManagementPolicy') === 'Parallel';
    const pods = this.ordinals(sts);
    for (let i = 0; i < replicas; i++) {
      const pod = pods.get(i);
      if (!pod) {
        this.createPod(sts, i, updateRevision);
        if (!parallel) return;
        continue;
      }
      if (pod.metadata.deletionTimestamp !== undefined) {
        if (!parallel) return;
        continue;
      }
      if (str(pod, 'status', 'phase') === 'Failed') {
        this.deletePod(sts, pod);
        if (!parallel) return;
        continue;
      }
      if (!parallel && !isRunningAndReady(pod)) return;
    }
    const condemned = [...pods.entries()].filter(([i]) => i >= replicas || i < 0).sort((a, b) => b[0] - a[0]);
    if (condemned.length > 0) {
      for (const [, pod] of condemned) {
        if (pod.metadata.deletionTimestamp !== undefined) {
          if (!parallel) return;
          continue;
        }
        this.deletePod(sts, pod);
        if (!parallel) return;
      }
      return;
    }
    if (str(sts, 'spec', 'updateStrategy', 'type') === 'OnDelete') return;
    const partition = num(sts, 'spec', 'updateStrategy', 'rollingUpdate', 'partition') ?? 0;
    for (let i = 0; i < replicas; i++) {
      const pod = pods.get(i);
      if (!pod || pod.metadata.deletionTimestamp !== undefined || !isRunningAndReady(pod)) return;
    }
    for (let i = replicas - 1; i >= partition; i--) {
      const pod = pods.get(i);
      if (pod && pod.metadata.labels?.[REVISION_HASH] !== updateRevision) {
        this.deletePod(sts, pod);
        return;
      }
    }
  }

  private createPod(sts: KubeObject, ordinal: number, revision: string): void {
    const h = this.h;
    const stsName = sts.metadata.name ?? '';
    const podName = `${stsName}-${ordinal}`;
    const template = rec(at(sts, 'spec', 'template')) ?? {};
    const body = podFromTemplate(sts, template, {
      [REVISION_HASH]: revision,
      'statefulset.kubernetes.io/pod-name': podName,
      'apps.kubernetes.io/pod-index': String(ordinal),
    });
    body.metadata.name = podName;
    const spec = rec(body['spec']) ?? {};
    spec['hostname'] = podName;
    const service = str(sts, 'spec', 'serviceName');
    if (service) spec['subdomain'] = service;
    const volumes = recs(spec, 'volumes');
    for (const claim of recs(sts, 'spec', 'volumeClaimTemplates')) {
      const claimName = `${str(claim, 'metadata', 'name') ?? 'data'}-${podName}`;
      if (!this.ensureClaim(sts, claim, claimName, podName)) return;
      const vol = { name: str(claim, 'metadata', 'name') ?? 'data', persistentVolumeClaim: { claimName } };
      const idx = volumes.findIndex((v) => v['name'] === vol.name);
      if (idx >= 0) volumes[idx] = vol;
      else volumes.push(vol);
    }
    if (volumes.length > 0) spec['volumes'] = volumes;
    body['spec'] = spec;
    const pod = createPod(h, body);
    if (pod)
      h.events.record(
        sts,
        'Normal',
        'SuccessfulCreate',
        `create Pod ${podName} in StatefulSet ${stsName} successful`,
        SOURCE,
      );
  }

  /** Creates a claim from a template and binds it, as a dynamic provisioner would. */
  private ensureClaim(sts: KubeObject, claim: Rec, claimName: string, podName: string): boolean {
    const h = this.h;
    const ns = sts.metadata.namespace;
    if (h.registry.find(h.types.pvcs, ns, claimName)) return true;
    const labels = {
      ...strMap(claim, 'metadata', 'labels'),
      ...strMap(sts, 'spec', 'selector', 'matchLabels'),
    };
    const spec = clone(rec(claim['spec']) ?? {});
    const body: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claimName, namespace: ns ?? 'default', labels },
      spec,
    };
    const created = tolerant(() =>
      h.registry.create(h.types.pvcs, ns, body, { fieldManager: h.managers.controllerManager }),
    );
    if (!created) return false;
    h.events.record(
      sts,
      'Normal',
      'SuccessfulCreate',
      `create Claim ${claimName} Pod ${podName} in StatefulSet ${sts.metadata.name ?? ''} success`,
      SOURCE,
    );
    const storage = at(spec, 'resources', 'requests', 'storage');
    const bound = tolerant(() =>
      h.registry.update(
        h.types.pvcs,
        ns,
        claimName,
        {
          ...created,
          metadata: {
            ...created.metadata,
            annotations: {
              ...(created.metadata.annotations ?? {}),
              'pv.kubernetes.io/bind-completed': 'yes',
              'pv.kubernetes.io/bound-by-controller': 'yes',
            },
          },
          spec: { ...(rec(created['spec']) ?? {}), volumeName: `pvc-${created.metadata.uid ?? ''}` },
        },
        { fieldManager: h.managers.controllerManager },
      ),
    );
    const cur = bound ?? created;
    const status: Rec = { phase: 'Bound', accessModes: at(spec, 'accessModes') ?? ['ReadWriteOnce'] };
    if (storage !== undefined) status['capacity'] = { storage };
    tolerant(() =>
      h.registry.update(
        h.types.pvcs,
        ns,
        claimName,
        { ...cur, status },
        { fieldManager: h.managers.controllerManager, subresource: 'status' },
      ),
    );
    return true;
  }

  private deletePod(sts: KubeObject, pod: KubeObject): void {
    if (deletePod(this.h, pod))
      this.h.events.record(
        sts,
        'Normal',
        'SuccessfulDelete',
        `delete Pod ${pod.metadata.name ?? ''} in StatefulSet ${sts.metadata.name ?? ''} successful`,
        SOURCE,
      );
  }

  private updateStatus(sts: KubeObject, currentRevision: string, updateRevision: string): void {
    const h = this.h;
    const minReadyMs = h.ms(num(sts, 'spec', 'minReadySeconds') ?? 0);
    const now = h.now().getTime();
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let current = 0;
    let updated = 0;
    for (const pod of this.ordinals(sts).values()) {
      if (str(pod, 'status', 'phase')) replicas++;
      if (isRunningAndReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReadyMs, now)) available++;
      }
      if (pod.metadata.deletionTimestamp === undefined) {
        const rev = pod.metadata.labels?.[REVISION_HASH];
        if (rev === currentRevision) current++;
        if (rev === updateRevision) updated++;
      }
    }
    let curRev = currentRevision;
    if (
      str(sts, 'spec', 'updateStrategy', 'type') !== 'OnDelete' &&
      updated === replicas &&
      ready === replicas &&
      replicas === replicasOf(sts)
    ) {
      curRev = updateRevision;
      current = updated;
    }
    const status: Rec = {};
    const gen = sts.metadata.generation ?? 0;
    if (gen) status['observedGeneration'] = gen;
    status['replicas'] = replicas;
    if (ready) status['readyReplicas'] = ready;
    if (current) status['currentReplicas'] = current;
    if (updated) status['updatedReplicas'] = updated;
    status['currentRevision'] = curRev;
    status['updateRevision'] = updateRevision;
    status['collisionCount'] = num(sts, 'status', 'collisionCount') ?? 0;
    status['availableReplicas'] = available;
    if (!jsonEqual(status, sts['status'] ?? {}))
      tolerant(() =>
        h.registry.update(
          h.types.statefulsets,
          sts.metadata.namespace,
          sts.metadata.name ?? '',
          { ...sts, status },
          { fieldManager: h.managers.controllerManager, subresource: 'status' },
        ),
      );
  }
}
