import { afterEach, describe, expect, it } from 'vitest';
import { ClusterControllers } from '../../sim/controllers/index.js';
import type { KubeObject } from '../../sim/k8s-types.js';
import { Registry } from '../../sim/registry.js';
import type { ResourceType } from '../../sim/resource-types.js';
import type { ClusterSpec, NodePoolSpec, WorkloadSpec } from '../../sim/scenario.js';
import { ObjectStore } from '../../sim/store.js';
import { TypeCatalog } from '../../sim/type-catalog.js';

// ---------------------------------------------------------------- harness

interface Sim {
  store: ObjectStore;
  catalog: TypeCatalog;
  registry: Registry;
  ctl: ClusterControllers;
  images: Map<string, string[]>;
  t: (group: string, version: string, plural: string) => ResourceType;
}

const running: ClusterControllers[] = [];
afterEach(() => {
  for (const c of running.splice(0)) c.stop();
});

function pool(
  namePrefix: string,
  architecture: NodePoolSpec['architecture'],
  count = 1,
  role: NodePoolSpec['role'] = 'worker',
): NodePoolSpec {
  return { namePrefix, count, architecture, role, cpu: '4', memory: '8Gi', pods: '110' };
}

function sim(
  opts: {
    nodes?: NodePoolSpec[];
    workloads?: WorkloadSpec[];
    images?: Record<string, string[]>;
    distro?: ClusterSpec['distro'];
  } = {},
): Sim {
  const spec: ClusterSpec = {
    name: 'test-1',
    site: 'lab',
    labels: {},
    kubernetesVersion: 'v1.31.4+k3s1',
    distro: opts.distro ?? 'k3s',
    nodes: opts.nodes ?? [pool('arm', 'arm64', 2)],
    workloads: opts.workloads ?? [],
  };
  const store = new ObjectStore();
  const catalog = new TypeCatalog();
  const holder: { ctl?: ClusterControllers } = {};
  const registry = new Registry(store, catalog, {
    gracefulDelete: (type, obj, o) => holder.ctl?.gracefulDelete(type, obj, o) ?? false,
  });
  const images = new Map(Object.entries(opts.images ?? {}));
  const ctl = new ClusterControllers({
    clusterName: spec.name,
    spec,
    registry,
    catalog,
    store,
    images: { platforms: (i) => images.get(i) },
    caCertPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    timeScale: 0.01,
    now: () => new Date(),
  });
  holder.ctl = ctl;
  running.push(ctl);
  ctl.bootstrap();
  ctl.start();
  const t = (group: string, version: string, plural: string): ResourceType => {
    const type = catalog.lookup(group, version, plural);
    if (!type) throw new Error(`no type ${group}/${version}/${plural}`);
    return type;
  };
  return { store, catalog, registry, ctl, images, t };
}

async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 4000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Loose = Record<string, unknown>;
const st = (o: KubeObject | undefined): Loose => (o?.['status'] ?? {}) as Loose;
const sp = (o: KubeObject | undefined): Loose => (o?.['spec'] ?? {}) as Loose;
const conds = (o: KubeObject | undefined): Loose[] => (st(o)['conditions'] ?? []) as Loose[];
const cond = (o: KubeObject | undefined, type: string): Loose | undefined =>
  conds(o).find((c) => c['type'] === type);

function deployment(name: string, replicas: number, image: string, extra: Loose = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }], ...extra } },
    },
  };
}

/** What `kubectl rollout status` checks. */
function rolledOut(d: KubeObject | undefined): boolean {
  if (!d) return false;
  const s = st(d);
  const replicas = (sp(d)['replicas'] as number | undefined) ?? 1;
  return (
    ((s['observedGeneration'] as number | undefined) ?? 0) >= (d.metadata.generation ?? 0) &&
    (s['updatedReplicas'] ?? 0) === replicas &&
    (s['replicas'] ?? 0) === replicas &&
    (s['availableReplicas'] ?? 0) === replicas
  );
}

function podsOf(s: Sim, prefix: string): KubeObject[] {
  return s.store.list('/pods', 'default').filter((p) => (p.metadata.name ?? '').startsWith(prefix));
}

function events(s: Sim, filter: (e: Loose) => boolean): Loose[] {
  return s.store
    .list('/events')
    .map((e) => e as unknown as Loose)
    .filter(filter);
}

// ---------------------------------------------------------------- tests

describe('bootstrap', () => {
  it('writes nodes, leases, system objects and settled workloads', () => {
    const s = sim({
      nodes: [pool('edge-rpi', 'arm64')],
      workloads: [
        {
          kind: 'Deployment',
          name: 'bridge',
          namespace: 'city',
          image: 'registry.example/bridge:1',
          replicas: 2,
        },
        { kind: 'DaemonSet', name: 'agent', namespace: 'monitoring', image: 'registry.example/agent:1' },
        { kind: 'StatefulSet', name: 'db', namespace: 'city', image: 'registry.example/db:1', replicas: 2 },
      ],
    });
    expect(s.store.list('/nodes').map((n) => n.metadata.name)).toEqual(['edge-rpi-1']);
    expect(s.store.get('coordination.k8s.io/leases', 'kube-node-lease', 'edge-rpi-1')).toBeDefined();
    expect(s.store.get('/namespaces', undefined, 'kube-system')).toBeDefined();
    const pods = s.store.list('/pods');
    expect(pods).toHaveLength(5);
    for (const p of pods) {
      expect(st(p)['phase']).toBe('Running');
      expect(String(st(p)['podIP'])).toMatch(/^10\.42\.0\.\d+$/);
    }
    expect(
      pods
        .filter((p) => p.metadata.namespace === 'city' && p.metadata.name?.startsWith('db-'))
        .map((p) => p.metadata.name),
    ).toEqual(['db-0', 'db-1']);
    const ds = s.store.get('apps/daemonsets', 'monitoring', 'agent');
    expect(st(ds)).toMatchObject({
      desiredNumberScheduled: 1,
      currentNumberScheduled: 1,
      numberReady: 1,
      numberAvailable: 1,
      updatedNumberScheduled: 1,
    });
    const agentPod = pods.find((p) => p.metadata.name?.startsWith('agent-'));
    expect(agentPod?.metadata.name).toMatch(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(JSON.stringify(sp(agentPod)['affinity'])).toContain(
      '"matchFields":[{"key":"metadata.name","operator":"In","values":["edge-rpi-1"]}]',
    );
    const sts = s.store.get('apps/statefulsets', 'city', 'db');
    expect(st(sts)['readyReplicas']).toBe(2);
    expect(st(sts)['currentRevision']).toBe(st(sts)['updateRevision']);
    expect(s.store.get('/pods', 'city', 'db-1')?.metadata.labels).toMatchObject({
      'statefulset.kubernetes.io/pod-name': 'db-1',
      'apps.kubernetes.io/pod-index': '1',
    });
    expect(rolledOut(s.store.get('apps/deployments', 'city', 'bridge'))).toBe(true);
    expect(s.ctl.errors).toEqual([]);
  });

  it('stays quiet at idle: only lease renewals', async () => {
    const s = sim({
      nodes: [pool('edge-rpi', 'arm64')],
      workloads: [
        {
          kind: 'Deployment',
          name: 'bridge',
          namespace: 'city',
          image: 'registry.example/bridge:1',
          replicas: 2,
        },
      ],
    });
    await sleep(50);
    const from = s.store.currentRevision;
    await sleep(350);
    const keys = new Set(s.store.eventsSince(from).map((e) => e.key));
    expect([...keys]).toEqual(['coordination.k8s.io/leases']);
    expect(s.store.currentRevision - from).toBeGreaterThanOrEqual(2);
    expect(s.store.currentRevision - from).toBeLessThanOrEqual(5);
  });
});

describe('deployment controller', () => {
  it('rolls a new deployment out to Available', async () => {
    const s = sim();
    const deploy = s.t('apps', 'v1', 'deployments');
    s.registry.create(deploy, 'default', deployment('web', 3, 'nginx:1.25'), {
      fieldManager: 'kubectl-create',
    });
    const d = await waitFor('rollout', () => {
      const d = s.registry.find(deploy, 'default', 'web');
      return rolledOut(d) && cond(d, 'Progressing')?.['reason'] === 'NewReplicaSetAvailable' ? d : undefined;
    });
    expect(st(d)['updatedReplicas']).toBe(3);
    expect(st(d)['readyReplicas']).toBe(3);
    expect(cond(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    const rs = s.store.list('apps/replicasets', 'default');
    expect(rs).toHaveLength(1);
    const rsName = rs[0]?.metadata.name ?? '';
    expect(rsName).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(cond(d, 'Progressing')?.['message']).toBe(`ReplicaSet "${rsName}" has successfully progressed.`);
    expect(rs[0]?.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(rs[0]?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'web',
      controller: true,
      blockOwnerDeletion: true,
    });
    const pods = podsOf(s, 'web-');
    expect(pods).toHaveLength(3);
    expect(new Set(pods.map((p) => sp(p)['nodeName'])).size).toBe(2);
    for (const p of pods) {
      expect(p.metadata.labels?.['pod-template-hash']).toBe(rsName.slice(4));
      expect(cond(p, 'Ready')?.['status']).toBe('True');
      const cs = (st(p)['containerStatuses'] as Loose[])[0];
      expect(cs?.['containerID']).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
      expect(cs?.['image']).toBe('docker.io/library/nginx:1.25');
    }
    const scaled = events(s, (e) => e['reason'] === 'ScalingReplicaSet');
    expect(scaled.map((e) => e['message'])).toEqual([`Scaled up replica set ${rsName} from 0 to 3`]);
    expect(
      events(s, (e) => e['reason'] === 'Started' && (e['source'] as Loose)['component'] === 'kubelet'),
    ).toHaveLength(3);
    expect(s.ctl.errors).toEqual([]);
  });

  it('rolls a new image out as revision 2 and keeps the old ReplicaSet at 0; undo makes revision 3', async () => {
    const s = sim();
    const deploy = s.t('apps', 'v1', 'deployments');
    s.registry.create(deploy, 'default', deployment('api', 4, 'registry.example/api:1'), {
      fieldManager: 'kubectl-create',
    });
    await waitFor('first rollout', () => rolledOut(s.registry.find(deploy, 'default', 'api')));
    const first = s.store.list('apps/replicasets', 'default')[0];
    const d1 = s.registry.get(deploy, 'default', 'api');
    const tpl = structuredClone(sp(d1)['template']) as { spec: { containers: Loose[] } };
    const c0 = tpl.spec.containers[0];
    if (c0) c0['image'] = 'registry.example/api:2';
    s.registry.update(
      deploy,
      'default',
      'api',
      { ...d1, spec: { ...sp(d1), template: tpl } },
      { fieldManager: 'kubectl-set' },
    );
    const d2 = await waitFor('second rollout', () => {
      const d = s.registry.find(deploy, 'default', 'api');
      return rolledOut(d) && d?.metadata.generation === 2 && podsOf(s, 'api-').length === 4 ? d : undefined;
    });
    expect(d2.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const rsList = s.store.list('apps/replicasets', 'default');
    expect(rsList).toHaveLength(2);
    const old = rsList.find((r) => r.metadata.uid === first?.metadata.uid);
    const cur = rsList.find((r) => r.metadata.uid !== first?.metadata.uid);
    expect(sp(old)['replicas']).toBe(0);
    expect(old?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(cur?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    for (const p of podsOf(s, 'api-'))
      expect((sp(p)['containers'] as Loose[])[0]?.['image']).toBe('registry.example/api:2');
    expect(
      events(
        s,
        (e) =>
          e['reason'] === 'ScalingReplicaSet' &&
          String(e['message']).startsWith(`Scaled down replica set ${old?.metadata.name ?? ''}`),
      ).length,
    ).toBeGreaterThan(0);

    // kubectl rollout undo: the old template comes back; its ReplicaSet becomes revision 3.
    const d3 = s.registry.get(deploy, 'default', 'api');
    const oldTpl = structuredClone(sp(old)['template']) as { metadata: { labels: Record<string, string> } };
    delete oldTpl.metadata.labels['pod-template-hash'];
    s.registry.update(
      deploy,
      'default',
      'api',
      { ...d3, spec: { ...sp(d3), template: oldTpl } },
      { fieldManager: 'kubectl-rollout' },
    );
    await waitFor('undo', () => {
      const d = s.registry.find(deploy, 'default', 'api');
      return rolledOut(d) && d?.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3';
    });
    const back = s.store.get('apps/replicasets', 'default', old?.metadata.name ?? '');
    expect(back?.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/revision-history': '1',
    });
    expect(sp(back)['replicas']).toBe(4);
    expect(s.ctl.errors).toEqual([]);
  });

  it('honours maxSurge/maxUnavailable during a rolling update', async () => {
    const s = sim();
    const deploy = s.t('apps', 'v1', 'deployments');
    const body = deployment('surge', 4, 'registry.example/s:1');
    (body['spec'] as Loose)['strategy'] = {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    };
    s.registry.create(deploy, 'default', body, { fieldManager: 'kubectl-create' });
    await waitFor('first rollout', () => rolledOut(s.registry.find(deploy, 'default', 'surge')));
    let maxTotal = 0;
    let minAvailable = Infinity;
    const unsub = s.store.subscribe(() => {
      const rs = s.store.list('apps/replicasets', 'default');
      maxTotal = Math.max(
        maxTotal,
        rs.reduce((a, r) => a + ((sp(r)['replicas'] as number | undefined) ?? 0), 0),
      );
      minAvailable = Math.min(
        minAvailable,
        rs.reduce((a, r) => a + ((st(r)['availableReplicas'] as number | undefined) ?? 0), 0),
      );
    });
    const d = s.registry.get(deploy, 'default', 'surge');
    const tpl = structuredClone(sp(d)['template']) as { spec: { containers: Loose[] } };
    const c0 = tpl.spec.containers[0];
    if (c0) c0['image'] = 'registry.example/s:2';
    s.registry.update(
      deploy,
      'default',
      'surge',
      { ...d, spec: { ...sp(d), template: tpl } },
      { fieldManager: 'kubectl-set' },
    );
    await waitFor('second rollout', () => {
      const x = s.registry.find(deploy, 'default', 'surge');
      return x?.metadata.generation === 2 && rolledOut(x) && podsOf(s, 'surge-').length === 4;
    });
    unsub();
    expect(maxTotal).toBe(5);
    expect(minAvailable).toBeGreaterThanOrEqual(4);
  });

  it('Recreate scales the old ReplicaSet to 0 before the new one starts', async () => {
    const s = sim();
    const deploy = s.t('apps', 'v1', 'deployments');
    const body = deployment('rec', 2, 'registry.example/r:1');
    (body['spec'] as Loose)['strategy'] = { type: 'Recreate' };
    s.registry.create(deploy, 'default', body, { fieldManager: 'kubectl-create' });
    await waitFor('first rollout', () => rolledOut(s.registry.find(deploy, 'default', 'rec')));
    let overlap = false;
    const unsub = s.store.subscribe(() => {
      const images = new Set(podsOf(s, 'rec-').map((p) => (sp(p)['containers'] as Loose[])[0]?.['image']));
      if (images.size > 1) overlap = true;
    });
    const d = s.registry.get(deploy, 'default', 'rec');
    const tpl = structuredClone(sp(d)['template']) as { spec: { containers: Loose[] } };
    const c0 = tpl.spec.containers[0];
    if (c0) c0['image'] = 'registry.example/r:2';
    s.registry.update(
      deploy,
      'default',
      'rec',
      { ...d, spec: { ...sp(d), template: tpl } },
      { fieldManager: 'kubectl-set' },
    );
    await waitFor('recreate', () => {
      const x = s.registry.find(deploy, 'default', 'rec');
      return x?.metadata.generation === 2 && rolledOut(x) && podsOf(s, 'rec-').length === 2;
    });
    unsub();
    expect(overlap).toBe(false);
  });

  it('scales, pauses without rolling, and reports ProgressDeadlineExceeded when stuck', async () => {
    const s = sim({ images: { 'registry.example/x86:1': ['linux/amd64'] } });
    const deploy = s.t('apps', 'v1', 'deployments');
    s.registry.create(deploy, 'default', deployment('p', 2, 'registry.example/p:1'), {
      fieldManager: 'kubectl-create',
    });
    await waitFor('rollout', () => rolledOut(s.registry.find(deploy, 'default', 'p')));
    // kubectl scale
    let d = s.registry.get(deploy, 'default', 'p');
    s.registry.update(
      deploy,
      'default',
      'p',
      { ...d, spec: { ...sp(d), replicas: 5 } },
      { fieldManager: 'kubectl-scale' },
    );
    await waitFor(
      'scaled',
      () => rolledOut(s.registry.find(deploy, 'default', 'p')) && podsOf(s, 'p-').length === 5,
    );
    expect(s.store.list('apps/replicasets', 'default')).toHaveLength(1);
    // paused: a template change makes no new ReplicaSet
    d = s.registry.get(deploy, 'default', 'p');
    const tpl = structuredClone(sp(d)['template']) as { spec: { containers: Loose[] } };
    const c0 = tpl.spec.containers[0];
    if (c0) c0['image'] = 'registry.example/x86:1';
    s.registry.update(
      deploy,
      'default',
      'p',
      { ...d, spec: { ...sp(d), paused: true, template: tpl, progressDeadlineSeconds: 30 } },
      { fieldManager: 'kubectl-set' },
    );
    await waitFor(
      'paused condition',
      () => cond(s.registry.find(deploy, 'default', 'p'), 'Progressing')?.['reason'] === 'DeploymentPaused',
    );
    await sleep(60);
    expect(s.store.list('apps/replicasets', 'default')).toHaveLength(1);
    // resumed: the amd64-only image never becomes available on arm64 nodes
    d = s.registry.get(deploy, 'default', 'p');
    s.registry.update(
      deploy,
      'default',
      'p',
      { ...d, spec: { ...sp(d), paused: false } },
      { fieldManager: 'kubectl-rollout' },
    );
    const stuck = await waitFor('deadline', () => {
      const x = s.registry.find(deploy, 'default', 'p');
      return cond(x, 'Progressing')?.['reason'] === 'ProgressDeadlineExceeded' ? x : undefined;
    });
    expect(cond(stuck, 'Progressing')).toMatchObject({
      status: 'False',
      message: expect.stringMatching(/^ReplicaSet "p-\w+" has timed out progressing\.$/),
    });
    expect(s.store.list('apps/replicasets', 'default')).toHaveLength(2);
    expect(rolledOut(stuck)).toBe(false);
  });
});

describe('kubelet and images', () => {
  it('an amd64-only image on an arm64 node backs off, and runs once the catalogue adds linux/arm64', async () => {
    const image = 'registry.example/legacy-analytics:2.0';
    const s = sim({ nodes: [pool('rpi', 'arm64')], images: { [image]: ['linux/amd64'] } });
    s.registry.create(s.t('apps', 'v1', 'deployments'), 'default', deployment('legacy', 1, image), {
      fieldManager: 'kubectl-create',
    });
    const stuck = await waitFor('ImagePullBackOff', () => {
      const p = podsOf(s, 'legacy-')[0];
      const w = ((st(p)['containerStatuses'] as Loose[] | undefined)?.[0]?.['state'] as Loose | undefined)?.[
        'waiting'
      ] as Loose | undefined;
      return w?.['reason'] === 'ImagePullBackOff' ? { p, w } : undefined;
    });
    expect(String(stuck.w['message'])).toMatch(
      /^Back-off pulling image "registry\.example\/legacy-analytics:2\.0": ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image "registry\.example\/legacy-analytics:2\.0": no matching manifest for linux\/arm64 in the manifest list entries: no match for platform in manifest: not found$/,
    );
    expect(st(stuck.p)['phase']).toBe('Pending');
    expect(cond(stuck.p, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [legacy]',
    });
    const failed = events(
      s,
      (e) => e['reason'] === 'Failed' && String(e['message']).startsWith('Failed to pull image'),
    );
    expect(failed[0]).toMatchObject({ type: 'Warning', source: { component: 'kubelet', host: 'rpi-1' } });
    expect((failed[0]?.['involvedObject'] as Loose)['fieldPath']).toBe('spec.containers{legacy}');
    expect(events(s, (e) => e['reason'] === 'BackOff').length).toBeGreaterThan(0);
    s.images.set(image, ['linux/amd64', 'linux/arm64']);
    const ok = await waitFor('running after the catalogue change', () => {
      const p = podsOf(s, 'legacy-')[0];
      return st(p)['phase'] === 'Running' ? p : undefined;
    });
    expect(cond(ok, 'Ready')?.['status']).toBe('True');
    expect(ok.metadata.uid).toBe(stuck.p?.metadata.uid);
    await waitFor('available', () =>
      rolledOut(s.registry.find(s.t('apps', 'v1', 'deployments'), 'default', 'legacy')),
    );
  });

  it('counts repeated events instead of adding new ones', async () => {
    const image = 'registry.example/x86only:1';
    const s = sim({ nodes: [pool('rpi', 'arm64')], images: { [image]: ['linux/amd64'] } });
    s.registry.create(s.t('apps', 'v1', 'deployments'), 'default', deployment('x', 1, image), {
      fieldManager: 'kubectl-create',
    });
    const e = await waitFor(
      'repeated BackOff',
      () => events(s, (x) => x['reason'] === 'BackOff' && (x['count'] as number) >= 2)[0],
    );
    expect(events(s, (x) => x['reason'] === 'BackOff')).toHaveLength(1);
    expect(String(e['lastTimestamp']) >= String(e['firstTimestamp'])).toBe(true);
    const meta = e['metadata'] as Loose;
    const involved = e['involvedObject'] as Loose;
    expect(meta['name']).toMatch(new RegExp(`^${String(involved['name'])}\\.[0-9a-f]{16}$`));
    expect(involved).toMatchObject({ kind: 'Pod', namespace: 'default', apiVersion: 'v1' });
    expect(involved['uid']).toBeTruthy();
    expect(e).toMatchObject({
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: 'rpi-1',
      type: 'Normal',
    });
  });

  it('deleting a bound pod gives it a grace period; the kubelet removes it and the ReplicaSet replaces it', async () => {
    const s = sim();
    const pods = s.t('', 'v1', 'pods');
    s.registry.create(
      s.t('apps', 'v1', 'deployments'),
      'default',
      deployment('g', 1, 'registry.example/g:1'),
      { fieldManager: 'kubectl-create' },
    );
    const p = await waitFor('running', () => podsOf(s, 'g-').find((x) => st(x)['phase'] === 'Running'));
    const r = s.registry.delete(pods, 'default', p.metadata.name ?? '', {});
    expect(r.kind).toBe('pending');
    expect(r.object.metadata.deletionTimestamp).toBeDefined();
    await waitFor('removed', () => !s.store.get('/pods', 'default', p.metadata.name ?? ''));
    await waitFor('replaced', () =>
      podsOf(s, 'g-').some((x) => st(x)['phase'] === 'Running' && x.metadata.uid !== p.metadata.uid),
    );
    expect(events(s, (e) => e['reason'] === 'Killing')).toHaveLength(1);
    // Unbound pods go at once.
    const bare = s.registry.create(
      pods,
      'default',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'bare' },
        spec: { schedulerName: 'other', containers: [{ name: 'c', image: 'busybox' }] },
      },
      { fieldManager: 't' },
    );
    expect(s.registry.delete(pods, 'default', bare.metadata.name ?? '', {}).kind).toBe('deleted');
  });

  it('serves plausible logs and the kubelet errors for waiting containers', async () => {
    const s = sim({ images: { 'registry.example/amd:1': ['linux/amd64'] } });
    s.registry.create(
      s.t('apps', 'v1', 'deployments'),
      'default',
      deployment('log', 1, 'registry.example/log:3.1'),
      { fieldManager: 'kubectl-create' },
    );
    s.registry.create(
      s.t('apps', 'v1', 'deployments'),
      'default',
      deployment('amd', 1, 'registry.example/amd:1'),
      { fieldManager: 'kubectl-create' },
    );
    const p = await waitFor('running', () => podsOf(s, 'log-').find((x) => st(x)['phase'] === 'Running'));
    const text = s.ctl.podLog(p, undefined);
    expect(text.split('\n').length).toBeGreaterThan(3);
    expect(text).toContain('starting log version=3.1');
    expect(() => s.ctl.podLog(p, 'nope')).toThrow(
      `container nope is not valid for pod ${p.metadata.name ?? ''}`,
    );
    const bad = await waitFor('backoff', () =>
      podsOf(s, 'amd-').find((x) => JSON.stringify(st(x)).includes('ImagePullBackOff')),
    );
    expect(() => s.ctl.podLog(bad, undefined)).toThrow(
      'is waiting to start: trying and failing to pull image',
    );
  });
});

describe('scheduler', () => {
  it('reports FailedScheduling for an amd64 nodeSelector on arm64 nodes and schedules once an amd64 node joins', async () => {
    const s = sim({ nodes: [pool('rpi', 'arm64', 3)] });
    s.registry.create(
      s.t('apps', 'v1', 'deployments'),
      'default',
      deployment('x86', 1, 'registry.example/x:1', { nodeSelector: { 'kubernetes.io/arch': 'amd64' } }),
      { fieldManager: 'kubectl-create' },
    );
    const expected =
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    const ev = await waitFor(
      'FailedScheduling',
      () => events(s, (e) => e['reason'] === 'FailedScheduling')[0],
    );
    expect(ev).toMatchObject({
      type: 'Warning',
      message: expected,
      source: { component: 'default-scheduler' },
    });
    const pod = podsOf(s, 'x86-')[0];
    expect(sp(pod)['nodeName']).toBeUndefined();
    expect(cond(pod, 'PodScheduled')).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message: expected,
    });
    expect(st(pod)['phase']).toBe('Pending');
    s.ctl.addNode({ ...pool('x86', 'amd64'), name: 'x86-worker-1' });
    const bound = await waitFor('scheduled', () =>
      podsOf(s, 'x86-').find((p) => st(p)['phase'] === 'Running'),
    );
    expect(sp(bound)['nodeName']).toBe('x86-worker-1');
    expect(cond(bound, 'PodScheduled')?.['status']).toBe('True');
    expect(events(s, (e) => e['reason'] === 'Scheduled')[0]?.['message']).toBe(
      `Successfully assigned default/${bound.metadata.name ?? ''} to x86-worker-1`,
    );
  });

  it('honours taints, cordon, matchExpressions and capacity', async () => {
    const s = sim({ nodes: [{ ...pool('w', 'arm64', 2), cpu: '1' }] });
    const deploy = s.t('apps', 'v1', 'deployments');
    s.ctl.setCordoned('w-1', true);
    await waitFor('unschedulable taint', () =>
      JSON.stringify(sp(s.store.get('/nodes', undefined, 'w-1'))['taints'] ?? []).includes(
        'node.kubernetes.io/unschedulable',
      ),
    );
    s.registry.create(
      deploy,
      'default',
      deployment('big', 2, 'registry.example/b:1', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'kubernetes.io/hostname', operator: 'In', values: ['w-1', 'w-2'] },
                  ],
                },
              ],
            },
          },
        },
      }),
      { fieldManager: 'kubectl-create' },
    );
    const d = s.registry.get(deploy, 'default', 'big');
    const tpl = structuredClone(sp(d)['template']) as { spec: { containers: Loose[] } };
    const c0 = tpl.spec.containers[0];
    if (c0) c0['resources'] = { requests: { cpu: '600m' } };
    s.registry.update(
      deploy,
      'default',
      'big',
      { ...d, spec: { ...sp(d), template: tpl } },
      { fieldManager: 't' },
    );
    const msg = await waitFor(
      'capacity message',
      () =>
        events(
          s,
          (e) => e['reason'] === 'FailedScheduling' && String(e['message']).includes('Insufficient cpu'),
        )[0]?.['message'],
    );
    expect(msg).toContain('0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable.');
    s.ctl.setCordoned('w-1', false);
    await waitFor(
      'both scheduled',
      () =>
        podsOf(s, 'big-').filter(
          (p) =>
            st(p)['phase'] === 'Running' &&
            ((sp(p)['containers'] as Loose[])[0]?.['resources'] as Loose | undefined)?.['requests'] !==
              undefined,
        ).length === 2,
    );
    expect(
      new Set(
        podsOf(s, 'big-')
          .filter((p) => st(p)['phase'] === 'Running')
          .map((p) => sp(p)['nodeName']),
      ),
    ).toEqual(new Set(['w-1', 'w-2']));
    expect(JSON.stringify(sp(s.store.get('/nodes', undefined, 'w-1'))['taints'] ?? [])).not.toContain(
      'unschedulable',
    );
  });
});

describe('node lifecycle', () => {
  it('a stopped heartbeat makes the node Unknown and unreachable; resuming makes it Ready again', async () => {
    const s = sim({
      nodes: [pool('rpi', 'arm64', 2)],
      workloads: [
        { kind: 'DaemonSet', name: 'agent', namespace: 'default', image: 'registry.example/agent:1' },
      ],
    });
    const podOn = (node: string): KubeObject | undefined =>
      s.store.list('/pods', 'default').find((p) => sp(p)['nodeName'] === node);
    expect(cond(podOn('rpi-2'), 'Ready')?.['status']).toBe('True');
    s.ctl.setHeartbeat('rpi-2', false);
    const node = await waitFor('Unknown', () => {
      const n = s.store.get('/nodes', undefined, 'rpi-2');
      return cond(n, 'Ready')?.['status'] === 'Unknown' ? n : undefined;
    });
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'])
      expect(cond(node, type)).toMatchObject({
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
      });
    const tainted = await waitFor('taints', () => {
      const t = (sp(s.store.get('/nodes', undefined, 'rpi-2'))['taints'] ?? []) as Loose[];
      return t.length === 2 ? t : undefined;
    });
    expect(tainted.map((t) => `${String(t['key'])}:${String(t['effect'])}`).sort()).toEqual([
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/unreachable:NoSchedule',
    ]);
    await waitFor('pod not ready', () => cond(podOn('rpi-2'), 'Ready')?.['status'] === 'False');
    expect(cond(podOn('rpi-1'), 'Ready')?.['status']).toBe('True');
    const notReady = events(
      s,
      (e) => e['reason'] === 'NodeNotReady' && (e['source'] as Loose)['component'] === 'node-controller',
    );
    expect(
      notReady.filter((e) => (e['involvedObject'] as Loose)['kind'] === 'Node').map((e) => e['message']),
    ).toEqual(['Node rpi-2 status is now: NodeNotReady']);
    expect(
      notReady.filter((e) => (e['involvedObject'] as Loose)['kind'] === 'Pod').map((e) => e['message']),
    ).toEqual(['Node is not ready']);
    await waitFor(
      'DaemonSet counts the node out',
      () => st(s.store.get('apps/daemonsets', 'default', 'agent'))['desiredNumberScheduled'] === 1,
    );
    s.ctl.setHeartbeat('rpi-2', true);
    await waitFor('Ready again', () => {
      const n = s.store.get('/nodes', undefined, 'rpi-2');
      return cond(n, 'Ready')?.['status'] === 'True' && sp(n)['taints'] === undefined;
    });
    await waitFor('pod ready again', () => cond(podOn('rpi-2'), 'Ready')?.['status'] === 'True');
    expect(
      events(s, (e) => e['reason'] === 'NodeReady' && (e['source'] as Loose)['component'] === 'kubelet'),
    ).toHaveLength(1);
  });

  it('setNodeCondition posts the condition and the controller taints by condition', async () => {
    const s = sim({ nodes: [pool('rpi', 'arm64')] });
    s.ctl.setNodeCondition('rpi-1', 'MemoryPressure', 'True');
    const n = await waitFor('memory-pressure taint', () => {
      const x = s.store.get('/nodes', undefined, 'rpi-1');
      return JSON.stringify(sp(x)['taints'] ?? []).includes('node.kubernetes.io/memory-pressure')
        ? x
        : undefined;
    });
    expect(cond(n, 'MemoryPressure')).toMatchObject({
      status: 'True',
      reason: 'KubeletHasInsufficientMemory',
    });
    s.ctl.setNodeCondition('rpi-1', 'Ready', 'False');
    await waitFor('not-ready taints', () => {
      const keys = ((sp(s.store.get('/nodes', undefined, 'rpi-1'))['taints'] ?? []) as Loose[]).map(
        (t) => `${String(t['key'])}:${String(t['effect'])}`,
      );
      return (
        keys.includes('node.kubernetes.io/not-ready:NoSchedule') &&
        keys.includes('node.kubernetes.io/not-ready:NoExecute')
      );
    });
    expect(cond(s.store.get('/nodes', undefined, 'rpi-1'), 'Ready')).toMatchObject({
      status: 'False',
      reason: 'KubeletNotReady',
    });
    s.ctl.setNodeCondition('rpi-1', 'Ready', 'True');
    s.ctl.setNodeCondition('rpi-1', 'MemoryPressure', 'False');
    await waitFor('untainted', () => sp(s.store.get('/nodes', undefined, 'rpi-1'))['taints'] === undefined);
  });

  it('removing a node deletes its pods and lease; the DaemonSet follows added nodes', async () => {
    const s = sim({
      nodes: [pool('rpi', 'arm64', 2)],
      workloads: [
        { kind: 'DaemonSet', name: 'agent', namespace: 'default', image: 'registry.example/agent:1' },
      ],
    });
    s.ctl.addNode({ ...pool('new', 'arm64'), name: 'new-1' });
    await waitFor(
      '3 agents',
      () => st(s.store.get('apps/daemonsets', 'default', 'agent'))['numberReady'] === 3,
    );
    s.ctl.removeNode('rpi-1');
    await waitFor(
      'pods gone',
      () => !s.store.list('/pods', 'default').some((p) => sp(p)['nodeName'] === 'rpi-1'),
    );
    await waitFor('lease gone', () => !s.store.get('coordination.k8s.io/leases', 'kube-node-lease', 'rpi-1'));
    await waitFor(
      '2 agents',
      () =>
        st(s.store.get('apps/daemonsets', 'default', 'agent'))['desiredNumberScheduled'] === 2 &&
        s.store.list('/pods', 'default').length === 2,
    );
  });
});

describe('garbage collector and namespaces', () => {
  it('Background deletion of a deployment removes its ReplicaSets and pods', async () => {
    const s = sim();
    const deploy = s.t('apps', 'v1', 'deployments');
    s.registry.create(deploy, 'default', deployment('bg', 3, 'registry.example/bg:1'), {
      fieldManager: 'kubectl-create',
    });
    await waitFor('rollout', () => rolledOut(s.registry.find(deploy, 'default', 'bg')));
    expect(s.registry.delete(deploy, 'default', 'bg', { propagationPolicy: 'Background' }).kind).toBe(
      'deleted',
    );
    await waitFor(
      'all gone',
      () => s.store.list('apps/replicasets', 'default').length === 0 && podsOf(s, 'bg-').length === 0,
    );
    expect(s.ctl.errors).toEqual([]);
  });

  it('Foreground deletion keeps the owner until its dependents are gone', async () => {
    const s = sim();
    const deploy = s.t('apps', 'v1', 'deployments');
    s.registry.create(deploy, 'default', deployment('fg', 2, 'registry.example/fg:1'), {
      fieldManager: 'kubectl-create',
    });
    await waitFor('rollout', () => rolledOut(s.registry.find(deploy, 'default', 'fg')));
    const r = s.registry.delete(deploy, 'default', 'fg', { propagationPolicy: 'Foreground' });
    expect(r.kind).toBe('pending');
    let ownerWhilePods = false;
    const unsub = s.store.subscribe((ev) => {
      if (ev.key === '/pods' && ev.type === 'DELETED' && s.store.get('apps/deployments', 'default', 'fg'))
        ownerWhilePods = true;
    });
    const d = s.registry.get(deploy, 'default', 'fg');
    expect(d.metadata.finalizers).toContain('foregroundDeletion');
    await waitFor('deployment gone', () => !s.store.get('apps/deployments', 'default', 'fg'));
    unsub();
    expect(ownerWhilePods).toBe(true);
    expect(podsOf(s, 'fg-')).toHaveLength(0);
    expect(s.store.list('apps/replicasets', 'default')).toHaveLength(0);
  });

  it('Orphan deletion leaves the ReplicaSet without its owner reference', async () => {
    const s = sim();
    const deploy = s.t('apps', 'v1', 'deployments');
    s.registry.create(deploy, 'default', deployment('or', 1, 'registry.example/or:1'), {
      fieldManager: 'kubectl-create',
    });
    await waitFor('rollout', () => rolledOut(s.registry.find(deploy, 'default', 'or')));
    s.registry.delete(deploy, 'default', 'or', { propagationPolicy: 'Orphan' });
    await waitFor('deployment gone', () => !s.store.get('apps/deployments', 'default', 'or'));
    const rs = s.store.list('apps/replicasets', 'default');
    expect(rs).toHaveLength(1);
    expect(rs[0]?.metadata.ownerReferences).toBeUndefined();
    expect(podsOf(s, 'or-')).toHaveLength(1);
  });

  it('deletes dependents whose owner uid does not exist', async () => {
    const s = sim();
    const cm = s.t('', 'v1', 'configmaps');
    s.registry.create(
      cm,
      'default',
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'dangling',
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              name: 'ghost',
              uid: '00000000-0000-0000-0000-000000000000',
            },
          ],
        },
      },
      { fieldManager: 't' },
    );
    await waitFor('collected', () => !s.store.get('/configmaps', 'default', 'dangling'));
  });

  it('empties a deleted namespace and then removes it', async () => {
    const s = sim();
    const ns = s.t('', 'v1', 'namespaces');
    s.registry.create(
      ns,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tmp' } },
      { fieldManager: 't' },
    );
    const deploy = s.t('apps', 'v1', 'deployments');
    s.registry.create(
      deploy,
      'tmp',
      { ...deployment('w', 2, 'registry.example/w:1'), metadata: { name: 'w', namespace: 'tmp' } },
      { fieldManager: 't' },
    );
    await waitFor('rollout', () => rolledOut(s.registry.find(deploy, 'tmp', 'w')));
    s.registry.delete(ns, undefined, 'tmp', {});
    expect(st(s.registry.get(ns, undefined, 'tmp'))['phase']).toBe('Terminating');
    await waitFor('namespace gone', () => !s.store.get('/namespaces', undefined, 'tmp'));
    expect(s.store.list('/pods', 'tmp')).toHaveLength(0);
    expect(s.store.list('apps/deployments', 'tmp')).toHaveLength(0);
  });
});

describe('CRD controller', () => {
  const crd: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'sensors.iot.example.com' },
    spec: {
      group: 'iot.example.com',
      scope: 'Namespaced',
      names: {
        plural: 'sensors',
        singular: 'sensor',
        kind: 'Sensor',
        listKind: 'SensorList',
        shortNames: ['sn'],
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };

  it('serves the resource at once, establishes it, and cleans instances up on delete', async () => {
    const s = sim();
    const crds = s.t('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    s.registry.create(crds, undefined, crd, { fieldManager: 'kubectl-create' });
    const sensors = s.catalog.lookup('iot.example.com', 'v1', 'sensors');
    expect(sensors?.kind).toBe('Sensor');
    if (!sensors) return;
    s.registry.create(
      sensors,
      'default',
      { apiVersion: 'iot.example.com/v1', kind: 'Sensor', metadata: { name: 's1' }, spec: { unit: 'C' } },
      { fieldManager: 't' },
    );
    const established = await waitFor('Established', () => {
      const c = s.registry.find(crds, undefined, 'sensors.iot.example.com');
      return cond(c, 'Established')?.['status'] === 'True' ? c : undefined;
    });
    expect(cond(established, 'NamesAccepted')).toMatchObject({
      status: 'True',
      reason: 'NoConflicts',
      message: 'no conflicts found',
    });
    expect(st(established)['acceptedNames']).toMatchObject({
      plural: 'sensors',
      kind: 'Sensor',
      shortNames: ['sn'],
    });
    expect(st(established)['storedVersions']).toEqual(['v1']);
    expect(established.metadata.finalizers).toContain('customresourcecleanup.apiextensions.k8s.io');
    s.registry.delete(crds, undefined, 'sensors.iot.example.com', {});
    await waitFor(
      'CRD gone',
      () =>
        !s.store.get('apiextensions.k8s.io/customresourcedefinitions', undefined, 'sensors.iot.example.com'),
    );
    expect(s.store.list('iot.example.com/sensors')).toHaveLength(0);
    expect(s.catalog.lookup('iot.example.com', 'v1', 'sensors')).toBeUndefined();
  });

  it('serves CRDs that exist before the controllers start, and collects custom resources owned by deleted objects', async () => {
    const store = new ObjectStore();
    const catalog = new TypeCatalog();
    const registry = new Registry(store, catalog);
    const crdType = catalog.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    if (!crdType) throw new Error('no CRD type');
    registry.create(crdType, undefined, crd, { fieldManager: 't' });
    expect(catalog.lookup('iot.example.com', 'v1', 'sensors')).toBeUndefined();
    const spec: ClusterSpec = {
      name: 'pre',
      site: 'x',
      labels: {},
      kubernetesVersion: 'v1.31.4',
      distro: 'kubeadm',
      nodes: [pool('n', 'amd64')],
      workloads: [],
    };
    const ctl = new ClusterControllers({
      clusterName: 'pre',
      spec,
      registry,
      catalog,
      store,
      images: { platforms: () => undefined },
      caCertPem: 'x',
      timeScale: 0.01,
      now: () => new Date(),
    });
    running.push(ctl);
    ctl.bootstrap();
    ctl.start();
    const sensors = catalog.lookup('iot.example.com', 'v1', 'sensors');
    expect(sensors).toBeDefined();
    if (!sensors) return;
    const cmType = catalog.lookup('', 'v1', 'configmaps');
    if (!cmType) return;
    const owner = registry.create(
      cmType,
      'default',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } },
      { fieldManager: 't' },
    );
    registry.create(
      sensors,
      'default',
      {
        apiVersion: 'iot.example.com/v1',
        kind: 'Sensor',
        metadata: {
          name: 'child',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid ?? '' },
          ],
        },
      },
      { fieldManager: 't' },
    );
    await sleep(30);
    expect(store.get('iot.example.com/sensors', 'default', 'child')).toBeDefined();
    registry.delete(cmType, 'default', 'owner', {});
    await waitFor('child collected', () => !store.get('iot.example.com/sensors', 'default', 'child'));
    // kubeadm names field managers after the real components.
    const node = store.list('/nodes')[0];
    expect(node?.metadata.managedFields?.some((m) => m.manager === 'kubelet')).toBe(true);
  });
});

describe('statefulset controller', () => {
  it('creates pods in order, one at a time, with PVCs from claim templates', async () => {
    const s = sim();
    const sts = s.t('apps', 'v1', 'statefulsets');
    const order: string[] = [];
    const unsub = s.store.subscribe((ev) => {
      if (ev.key === '/pods' && ev.type === 'ADDED') {
        order.push(ev.object.metadata.name ?? '');
        // OrderedReady: when a pod is created, every lower ordinal is Running and Ready.
        const n = Number((ev.object.metadata.name ?? '').split('-').pop());
        for (let i = 0; i < n; i++)
          expect(cond(s.store.get('/pods', 'default', `web-${i}`), 'Ready')?.['status']).toBe('True');
      }
    });
    s.registry.create(
      sts,
      'default',
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'web' },
        spec: {
          replicas: 3,
          serviceName: 'web',
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'registry.example/web:1' }] },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          ],
        },
      },
      { fieldManager: 't' },
    );
    const done = await waitFor('ready', () => {
      const x = s.registry.find(sts, 'default', 'web');
      return st(x)['readyReplicas'] === 3 ? x : undefined;
    });
    unsub();
    expect(order).toEqual(['web-0', 'web-1', 'web-2']);
    expect(st(done)).toMatchObject({
      replicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
    expect(st(done)['currentRevision']).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    const pvc = s.store.get('/persistentvolumeclaims', 'default', 'data-web-1');
    expect(st(pvc)['phase']).toBe('Bound');
    const web1 = s.store.get('/pods', 'default', 'web-1');
    expect(sp(web1)).toMatchObject({ hostname: 'web-1', subdomain: 'web' });
    expect(JSON.stringify(sp(web1)['volumes'])).toContain('"claimName":"data-web-1"');
  });
});

describe('rolling updates of DaemonSets and StatefulSets', () => {
  it('replaces DaemonSet pods node by node when the template changes', async () => {
    const s = sim({
      nodes: [pool('rpi', 'arm64', 3)],
      workloads: [
        { kind: 'DaemonSet', name: 'agent', namespace: 'default', image: 'registry.example/agent:1' },
      ],
    });
    const dsType = s.t('apps', 'v1', 'daemonsets');
    let maxUnavailable = 0;
    const unsub = s.store.subscribe(() => {
      const ready = s.store
        .list('/pods', 'default')
        .filter((p) => p.metadata.deletionTimestamp === undefined && cond(p, 'Ready')?.['status'] === 'True');
      maxUnavailable = Math.max(maxUnavailable, 3 - ready.length);
    });
    const ds = structuredClone(s.registry.get(dsType, 'default', 'agent'));
    const containers = (sp(ds)['template'] as { spec: { containers: Loose[] } }).spec.containers;
    if (containers[0]) containers[0]['image'] = 'registry.example/agent:2';
    s.registry.update(dsType, 'default', 'agent', ds, { fieldManager: 'kubectl-set' });
    await waitFor('updated', () => {
      const x = s.store.get('apps/daemonsets', 'default', 'agent');
      const pods = s.store.list('/pods', 'default');
      return (
        st(x)['updatedNumberScheduled'] === 3 &&
        st(x)['numberAvailable'] === 3 &&
        pods.length === 3 &&
        pods.every((p) => (sp(p)['containers'] as Loose[])[0]?.['image'] === 'registry.example/agent:2')
      );
    });
    unsub();
    expect(maxUnavailable).toBe(1);
    expect(new Set(s.store.list('/pods', 'default').map((p) => sp(p)['nodeName']))).toEqual(
      new Set(['rpi-1', 'rpi-2', 'rpi-3']),
    );
  });

  it('scales a StatefulSet down from the highest ordinal and rolls updates down to the partition', async () => {
    const s = sim({
      workloads: [
        {
          kind: 'StatefulSet',
          name: 'db',
          namespace: 'default',
          image: 'registry.example/db:1',
          replicas: 3,
        },
      ],
    });
    const stsType = s.t('apps', 'v1', 'statefulsets');
    let sts = structuredClone(s.registry.get(stsType, 'default', 'db'));
    const rev1 = st(sts)['currentRevision'];
    const tpl = sp(sts)['template'] as { spec: { containers: Loose[] } };
    if (tpl.spec.containers[0]) tpl.spec.containers[0]['image'] = 'registry.example/db:2';
    (sts['spec'] as Loose)['updateStrategy'] = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
    s.registry.update(stsType, 'default', 'db', sts, { fieldManager: 'kubectl-set' });
    const image = (name: string): unknown =>
      (sp(s.store.get('/pods', 'default', name))['containers'] as Loose[] | undefined)?.[0]?.['image'];
    await waitFor(
      'partitioned update',
      () =>
        image('db-1') === 'registry.example/db:2' &&
        image('db-2') === 'registry.example/db:2' &&
        st(s.store.get('apps/statefulsets', 'default', 'db'))['readyReplicas'] === 3,
    );
    expect(image('db-0')).toBe('registry.example/db:1');
    const mid = s.store.get('apps/statefulsets', 'default', 'db');
    expect(st(mid)['currentRevision']).toBe(rev1);
    expect(st(mid)['updateRevision']).not.toBe(rev1);
    expect(st(mid)['updatedReplicas']).toBe(2);
    sts = structuredClone(s.registry.get(stsType, 'default', 'db'));
    (sts['spec'] as Loose)['replicas'] = 1;
    s.registry.update(stsType, 'default', 'db', sts, { fieldManager: 'kubectl-scale' });
    await waitFor('scaled down', () => s.store.list('/pods', 'default').length === 1);
    expect(s.store.get('/pods', 'default', 'db-0')).toBeDefined();
  });
});

describe('event expiry', () => {
  it('deletes events a TTL after they were last recorded', async () => {
    const { EventRecorder } = await import('../../sim/controllers/events.js');
    const { Clock, coreTypes } = await import('../../sim/controllers/runtime.js');
    const store = new ObjectStore();
    const catalog = new TypeCatalog();
    const registry = new Registry(store, catalog);
    const types = coreTypes(catalog);
    registry.create(
      types.namespaces,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
      { fieldManager: 't' },
    );
    const clock = new Clock(() => undefined);
    clock.start();
    const rec = new EventRecorder({
      registry,
      types,
      clock,
      now: () => new Date(),
      ttlMs: 80,
      managerFor: () => 't',
    });
    const unsub = store.subscribe((ev) => {
      if (ev.key === '/events' && ev.type === 'ADDED')
        rec.expire(ev.object.metadata.namespace ?? '', ev.object.metadata.name ?? '');
    });
    const cm = registry.create(
      types.namespaces,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } },
      { fieldManager: 't' },
    );
    rec.record(cm, 'Normal', 'Test', 'hello', { component: 'test' });
    await sleep(50);
    rec.record(cm, 'Normal', 'Test', 'hello', { component: 'test' });
    expect(store.list('/events')).toHaveLength(1);
    expect(store.list('/events')[0]?.['count']).toBe(2);
    await sleep(50);
    expect(store.list('/events')).toHaveLength(1);
    await waitFor('expired', () => store.list('/events').length === 0, 1000);
    unsub();
    clock.stop();
  });
});
