import { describe, expect, it } from 'vitest';
import {
  bootstrapObjects,
  expandNodes,
  makeLease,
  makeNode,
  microTime,
  quantityToBytes,
  type NodeSpec,
} from '../../sim/factories.js';
import type { KubeObject } from '../../sim/k8s-types.js';
import { generateFleet, loadScenario } from '../../sim/scenario.js';

const now = new Date('2025-03-01T12:00:00.250Z');

interface NodeView {
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: { podCIDR: string; providerID?: string; taints?: { key: string; effect: string }[] };
  status: {
    capacity: Record<string, string>;
    allocatable: Record<string, string>;
    conditions: { type: string; status: string; reason: string; message: string }[];
    addresses: { type: string; address: string }[];
    images: { names: string[]; sizeBytes: number }[];
    nodeInfo: Record<string, string>;
  };
}

const view = (o: KubeObject): NodeView => o as unknown as NodeView;

const edgeSpec: NodeSpec = {
  name: 'edge-b12-1-cp-1',
  architecture: 'arm64',
  role: 'control-plane',
  kubernetesVersion: 'v1.31.4+k3s1',
  distro: 'k3s',
  cpu: '4',
  memory: '8Gi',
  pods: '110',
  internalIP: '10.0.3.10',
  images: ['registry.example/sensor-collector:1.4'],
  now,
};

describe('makeNode', () => {
  it('registers an arm64 k3s server node the way k3s does', () => {
    const n = view(makeNode(edgeSpec));
    expect(n.metadata.labels['kubernetes.io/arch']).toBe('arm64');
    expect(n.metadata.labels['beta.kubernetes.io/arch']).toBe('arm64');
    expect(n.metadata.labels['kubernetes.io/os']).toBe('linux');
    expect(n.metadata.labels['kubernetes.io/hostname']).toBe('edge-b12-1-cp-1');
    expect(n.metadata.labels['node-role.kubernetes.io/control-plane']).toBe('true');
    expect(n.metadata.labels['node-role.kubernetes.io/master']).toBe('true');
    expect(n.metadata.labels['node.kubernetes.io/instance-type']).toBe('k3s');
    expect(n.metadata.annotations['k3s.io/internal-ip']).toBe('10.0.3.10');
    expect(n.metadata.annotations['flannel.alpha.coreos.com/backend-type']).toBe('vxlan');
    expect(n.spec.providerID).toBe('k3s://edge-b12-1-cp-1');
    expect(n.status.nodeInfo['architecture']).toBe('arm64');
    expect(n.status.nodeInfo['kubeletVersion']).toBe('v1.31.4+k3s1');
    expect(n.status.nodeInfo['operatingSystem']).toBe('linux');
    expect(n.status.nodeInfo['containerRuntimeVersion']).toMatch(/^containerd:\/\/1\.7\.\d+-k3s\d$/);
    expect(n.status.addresses).toContainEqual({ type: 'InternalIP', address: '10.0.3.10' });
  });

  it('reports capacity in kubelet units and a healthy, Ready condition set', () => {
    const n = view(makeNode(edgeSpec));
    expect(n.status.capacity['memory']).toMatch(/^\d+Ki$/);
    const capKi = parseInt(n.status.capacity['memory'] ?? '', 10);
    expect(capKi).toBeLessThan(8 * 1024 * 1024);
    expect(capKi).toBeGreaterThan(7.5 * 1024 * 1024);
    expect(parseInt(n.status.allocatable['memory'] ?? '', 10)).toBeLessThan(capKi);
    expect(n.status.capacity['pods']).toBe('110');
    expect(n.status.capacity['hugepages-2Mi']).toBe('0');
    const ready = n.status.conditions.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({
      status: 'True',
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
    });
    expect(n.status.conditions.find((c) => c.type === 'MemoryPressure')?.reason).toBe(
      'KubeletHasSufficientMemory',
    );
  });

  it('lists pulled images with digest and tag names, largest first', () => {
    const n = view(makeNode(edgeSpec));
    expect(n.status.images.length).toBeGreaterThanOrEqual(10);
    expect(n.status.images.length).toBeLessThanOrEqual(25);
    for (const img of n.status.images) {
      expect(img.names[0]).toMatch(/@sha256:[0-9a-f]{64}$/);
      expect(img.sizeBytes).toBeGreaterThan(0);
    }
    expect(n.status.images.flatMap((i) => i.names)).toContain('registry.example/sensor-collector:1.4');
    const sizes = n.status.images.map((i) => i.sizeBytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });

  it('leaves uid, resourceVersion and creationTimestamp to the store', () => {
    const m = makeNode(edgeSpec).metadata;
    expect(m.uid).toBeUndefined();
    expect(m.resourceVersion).toBeUndefined();
    expect(m.creationTimestamp).toBeUndefined();
  });

  it('renders kubeadm nodes: empty-valued role label, no providerID, workers without a role label', () => {
    const base = {
      ...edgeSpec,
      distro: 'kubeadm' as const,
      architecture: 'amd64' as const,
      kubernetesVersion: 'v1.31.4',
    };
    const cp = view(makeNode({ ...base, name: 'cp-1' }));
    expect(cp.metadata.labels['node-role.kubernetes.io/control-plane']).toBe('');
    expect(cp.spec.providerID).toBeUndefined();
    expect(cp.status.nodeInfo['kernelVersion']).toMatch(/amd64|generic/);
    expect(cp.status.images.flatMap((i) => i.names)).toContain('registry.k8s.io/kube-apiserver:v1.31.4');
    const worker = view(makeNode({ ...base, name: 'w-1', role: 'worker' }));
    expect(Object.keys(worker.metadata.labels).filter((k) => k.startsWith('node-role.'))).toEqual([]);
    expect(worker.status.images.flatMap((i) => i.names)).not.toContain(
      'registry.k8s.io/kube-apiserver:v1.31.4',
    );
  });
});

describe('expandNodes', () => {
  it('expands smart-city pools with distro-default taints', async () => {
    const s = await loadScenario('smart-city');
    const dc = s.clusters.find((c) => c.name === 'dc-north-1');
    if (!dc) throw new Error('dc-north-1 missing');
    const nodes = expandNodes(dc, 0, now);
    expect(nodes.map((n) => n.name)).toEqual(['dcn1-cp-1', ...[1, 2, 3, 4].map((i) => `dcn1-worker-${i}`)]);
    const cp = view(makeNode(nodes[0] as NodeSpec));
    expect(cp.spec.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(view(makeNode(nodes[1] as NodeSpec)).spec.taints).toBeUndefined();
    expect(new Set(nodes.map((n) => view(makeNode(n)).spec.podCIDR)).size).toBe(5);
  });

  it('gives every node of a 1,000-cluster fleet a distinct internal IP', () => {
    const fleet = generateFleet({ clusters: 1000 });
    const ips = fleet.clusters.flatMap((c, i) => expandNodes(c, i, now).map((n) => n.internalIP));
    expect(ips.length).toBeGreaterThan(1000);
    expect(new Set(ips).size).toBe(ips.length);
    expect(ips.every((ip) => /^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip))).toBe(true);
  });
});

describe('makeLease', () => {
  it('is a 40 s node lease in kube-node-lease with a micro-time renewTime', () => {
    const l = makeLease('edge-b12-1-cp-1', now, 'uid-1');
    expect(l).toMatchObject({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'edge-b12-1-cp-1', namespace: 'kube-node-lease' },
      spec: {
        holderIdentity: 'edge-b12-1-cp-1',
        leaseDurationSeconds: 40,
        renewTime: '2025-03-01T12:00:00.250000Z',
      },
    });
    expect(l.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Node', name: 'edge-b12-1-cp-1', uid: 'uid-1' },
    ]);
    expect(makeLease('n', now).metadata.ownerReferences).toBeUndefined();
    expect(microTime(new Date('2024-01-01T00:00:00Z'))).toBe('2024-01-01T00:00:00.000000Z');
  });
});

describe('bootstrapObjects', () => {
  const find = (
    objs: KubeObject[],
    kind: string,
    ns: string | undefined,
    name: string,
  ): KubeObject | undefined =>
    objs.find((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);

  it('has the namespaces, default service accounts and root CA config maps of a fresh cluster', () => {
    const objs = bootstrapObjects({ distro: 'k3s', kubernetesVersion: 'v1.31.4+k3s1' }, now, 'CA-PEM');
    const namespaces = objs.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    expect(namespaces.sort()).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    for (const ns of namespaces) {
      expect(find(objs, 'ServiceAccount', ns, 'default')).toBeDefined();
      expect(find(objs, 'ConfigMap', ns, 'kube-root-ca.crt')?.['data']).toEqual({ 'ca.crt': 'CA-PEM' });
    }
    expect(find(objs, 'ServiceAccount', 'kube-system', 'deployment-controller')).toBeDefined();
    expect(find(objs, 'Lease', 'kube-system', 'kube-scheduler')).toBeDefined();
    expect(find(objs, 'Lease', 'kube-system', 'kube-controller-manager')).toBeDefined();
    expect(objs.every((o) => o.metadata.uid === undefined && o.metadata.resourceVersion === undefined)).toBe(
      true,
    );
  });

  it('puts the kubernetes Service on the distro default service IP', () => {
    const ip = (distro: 'k3s' | 'rke2' | 'kubeadm'): unknown =>
      (
        find(
          bootstrapObjects({ distro, kubernetesVersion: 'v1.31.4' }, now, 'x'),
          'Service',
          'default',
          'kubernetes',
        )?.['spec'] as { clusterIP?: string } | undefined
      )?.clusterIP;
    expect(ip('k3s')).toBe('10.43.0.1');
    expect(ip('rke2')).toBe('10.43.0.1');
    expect(ip('kubeadm')).toBe('10.96.0.1');
    const svc = find(
      bootstrapObjects({ distro: 'k3s', kubernetesVersion: 'v1' }, now, 'x'),
      'Service',
      'default',
      'kubernetes',
    );
    expect(svc?.['spec']).toMatchObject({
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    });
  });
});

describe('quantityToBytes', () => {
  it('understands binary and decimal suffixes', () => {
    expect(quantityToBytes('8Gi')).toBe(8 * 1024 ** 3);
    expect(quantityToBytes('512M')).toBe(512e6);
    expect(quantityToBytes('1.5Gi')).toBe(1.5 * 1024 ** 3);
    expect(quantityToBytes('100')).toBe(100);
    expect(() => quantityToBytes('lots')).toThrow(/lots/);
  });
});
