/**
 * Builders for the objects a real cluster holds before any workload runs: Nodes as their
 * kubelets register them (bulky status.images and all, so memory measurements mean
 * something), node Leases and the bootstrap namespaces, service accounts, CA config maps,
 * `kubernetes` Service and control-plane leader leases. metadata.uid, resourceVersion and
 * creationTimestamp are left to the store.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from './k8s-types.js';
import { nodeNamePrefix, type ClusterSpec, type TaintSpec } from './scenario.js';

/** Kubernetes distribution; decides labels, annotations, images and service CIDR. */
export type Distro = 'k3s' | 'rke2' | 'kubeadm';

/** Everything {@link makeNode} needs to render one Node. */
export interface NodeSpec {
  name: string;
  architecture: 'amd64' | 'arm64' | 'arm';
  role: 'control-plane' | 'worker';
  kubernetesVersion: string;
  distro: Distro;
  os?: 'linux';
  cpu: string;
  memory: string;
  pods: string;
  labels?: Record<string, string>;
  taints?: TaintSpec[];
  internalIP: string;
  /** Workload images already pulled, listed in status.images after the system images. */
  images?: string[];
  /** Position in the cluster; picks the node's podCIDR. */
  index?: number;
  now: Date;
}

/** Expand a cluster's node pools into node specs; clusterIndex keeps IPs distinct fleet-wide. */
export function expandNodes(cluster: ClusterSpec, clusterIndex: number, now: Date): NodeSpec[] {
  const out: NodeSpec[] = [];
  for (const pool of cluster.nodes) {
    const prefix = nodeNamePrefix(cluster, pool);
    // kubeadm taints control-plane nodes at init; k3s and rke2 leave servers schedulable.
    const taints =
      pool.taints ??
      (cluster.distro === 'kubeadm' && pool.role === 'control-plane'
        ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const }]
        : []);
    for (let i = 1; i <= pool.count; i++) {
      const index = out.length;
      const host = index + 10;
      out.push({
        name: `${prefix}-${i}`,
        architecture: pool.architecture,
        role: pool.role,
        kubernetesVersion: cluster.kubernetesVersion,
        distro: cluster.distro,
        cpu: pool.cpu,
        memory: pool.memory,
        pods: pool.pods,
        labels: { ...pool.labels },
        taints: taints.map((t) => ({ ...t })),
        // Data only, never dialled: a /20 per cluster under 10.0.0.0/8.
        internalIP: `10.${(clusterIndex >> 4) & 255}.${((clusterIndex & 15) << 4) | ((host >> 8) & 15)}.${host & 255}`,
        index,
        now,
      });
    }
  }
  return out;
}

/** [type, status, reason, message] of a healthy node, worded as the kubelet words them. */
const NODE_CONDITIONS = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
] as const;
/** Calico (our kubeadm CNI) reports network readiness as a node condition; flannel does not. */
const CALICO_CONDITION = [
  'NetworkUnavailable',
  'False',
  'CalicoIsUp',
  'Calico is running on this node',
] as const;

/** A Node as its kubelet (and, for k3s/rke2, the embedded agent) registers it, Ready. */
export function makeNode(spec: NodeSpec): KubeObject {
  const { name, architecture: arch, distro, kubernetesVersion: version, internalIP } = spec;
  const os = spec.os ?? 'linux';
  const rancher = distro !== 'kubeadm';
  const cp = spec.role === 'control-plane';
  const seed = `${name}/${internalIP}`;
  const time = rfc3339(spec.now);
  const index = spec.index ?? 0;

  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': os,
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': os,
  };
  if (rancher) {
    labels['beta.kubernetes.io/instance-type'] = distro;
    labels['node.kubernetes.io/instance-type'] = distro;
  }
  // Workers carry no role label on any distro: kubelets may not set node-role.kubernetes.io/*.
  if (cp && rancher) {
    labels['node-role.kubernetes.io/control-plane'] = 'true';
    labels['node-role.kubernetes.io/master'] = 'true';
    if (distro === 'rke2') labels['node-role.kubernetes.io/etcd'] = 'true';
  } else if (cp) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  Object.assign(labels, spec.labels);

  const annotations: Record<string, string> = {
    'node.alpha.kubernetes.io/ttl': '0',
    'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
  };
  if (rancher) {
    const p = `${distro}.io`;
    annotations['alpha.kubernetes.io/provided-node-ip'] = internalIP;
    annotations['flannel.alpha.coreos.com/backend-data'] = JSON.stringify({ VNI: 1, VtepMAC: mac(seed) });
    annotations['flannel.alpha.coreos.com/backend-type'] = 'vxlan';
    annotations['flannel.alpha.coreos.com/kube-subnet-manager'] = 'true';
    annotations['flannel.alpha.coreos.com/public-ip'] = internalIP;
    annotations[`${p}/hostname`] = name;
    annotations[`${p}/internal-ip`] = internalIP;
    annotations[`${p}/node-args`] = JSON.stringify(cp ? ['server'] : ['agent']);
    annotations[`${p}/node-config-hash`] = hash(`${seed}/config`, 'base32');
    annotations[`${p}/node-env`] = '{}';
  } else {
    annotations['kubeadm.alpha.kubernetes.io/cri-socket'] = 'unix:///var/run/containerd/containerd.sock';
    annotations['projectcalico.org/IPv4Address'] = `${internalIP}/20`;
  }

  // A /24 per node from the distro's default cluster CIDR (10.42/16 or 10.244/16), spilling
  // into the next /16 past 256 nodes where a real cluster would have needed a wider CIDR.
  const podCIDR = `10.${(rancher ? 42 : 244) + (index >> 8)}.${index & 255}.0/24`;
  const nodeSpec: Record<string, unknown> = { podCIDR, podCIDRs: [podCIDR] };
  if (rancher) nodeSpec['providerID'] = `${distro}://${name}`;
  if (spec.taints && spec.taints.length > 0) {
    nodeSpec['taints'] = spec.taints.map((t) => ({
      key: t.key,
      ...(t.value !== undefined ? { value: t.value } : {}),
      effect: t.effect,
    }));
  }

  const memKi = Math.floor((quantityToBytes(spec.memory) / 1024) * 0.983);
  const diskKi = arch === 'amd64' ? 205314024 : 61202244;
  const evictDisk = rancher ? 0.05 : 0.1;
  const hugepages: Record<string, string> = { 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };
  // arm64 kernels with 4K pages also expose the contiguous-PTE hugepage sizes.
  if (arch === 'arm64') Object.assign(hugepages, { 'hugepages-32Mi': '0', 'hugepages-64Ki': '0' });
  const capacity = {
    cpu: spec.cpu,
    'ephemeral-storage': `${diskKi}Ki`,
    ...hugepages,
    memory: `${memKi}Ki`,
    pods: spec.pods,
  };
  const allocatable = {
    ...capacity,
    'ephemeral-storage': String(Math.floor(diskKi * 1024 * (1 - evictDisk))),
    memory: `${memKi - 102400}Ki`,
  };

  const conditions = (rancher ? NODE_CONDITIONS : [CALICO_CONDITION, ...NODE_CONDITIONS]).map(
    ([type, status, reason, message]) => ({
      type,
      status,
      lastHeartbeatTime: time,
      lastTransitionTime: time,
      reason,
      message,
    }),
  );

  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels, annotations },
    spec: nodeSpec,
    status: {
      addresses: [
        { type: 'InternalIP', address: internalIP },
        { type: 'Hostname', address: name },
      ],
      allocatable,
      capacity,
      conditions,
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: nodeImages(spec),
      nodeInfo: {
        architecture: arch,
        bootID: uuid(`${seed}/boot`),
        containerRuntimeVersion: rancher ? 'containerd://1.7.23-k3s2' : 'containerd://1.7.24',
        kernelVersion: kernelVersion(arch, distro),
        kubeProxyVersion: version,
        kubeletVersion: version,
        machineID: hash(`${seed}/machine`, 'hex').slice(0, 32),
        operatingSystem: os,
        osImage: osImage(arch, distro),
        systemUUID: uuid(`${seed}/system`),
      },
    },
  };
}

/** The node's heartbeat Lease in kube-node-lease, owned by the Node when its uid is known. */
export function makeLease(nodeName: string, now: Date, nodeUid?: string): KubeObject {
  const metadata: KubeObject['metadata'] = { name: nodeName, namespace: 'kube-node-lease' };
  if (nodeUid !== undefined)
    metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }];
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata,
    spec: { holderIdentity: nodeName, leaseDurationSeconds: 40, renewTime: microTime(now) },
  };
}

/** Facts about the cluster that {@link bootstrapObjects} renders. */
export interface BootstrapCluster {
  distro: Distro;
  /** Not used yet: today's bootstrap set is the same for every supported version. */
  kubernetesVersion: string;
  /** Node that holds the scheduler and controller-manager leases; defaults to "control-plane". */
  controlPlaneNode?: string;
}

const NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];
/** The service accounts kube-controller-manager creates for its controllers on start. */
const CONTROLLER_SERVICE_ACCOUNTS = (
  'attachdetach-controller bootstrap-signer certificate-controller ' +
  'clusterrole-aggregation-controller cronjob-controller daemon-set-controller ' +
  'deployment-controller disruption-controller endpoint-controller endpointslice-controller ' +
  'endpointslicemirroring-controller ephemeral-volume-controller expand-controller ' +
  'generic-garbage-collector horizontal-pod-autoscaler job-controller ' +
  'legacy-service-account-token-cleaner namespace-controller node-controller ' +
  'persistent-volume-binder pod-garbage-collector pv-protection-controller ' +
  'pvc-protection-controller replicaset-controller replication-controller resourcequota-controller ' +
  'root-ca-cert-publisher service-account-controller statefulset-controller token-cleaner ' +
  'ttl-after-finished-controller ttl-controller validatingadmissionpolicy-status-controller'
).split(' ');
const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/** API objects of a freshly installed cluster, before any node or workload appears. */
export function bootstrapObjects(cluster: BootstrapCluster, now: Date, caCertPem: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const ns of NAMESPACES) {
    out.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  const sa = (namespace: string, name: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace },
  });
  for (const ns of NAMESPACES) out.push(sa(ns, 'default'));
  for (const name of CONTROLLER_SERVICE_ACCOUNTS) out.push(sa('kube-system', name));
  for (const ns of NAMESPACES) {
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'kube-root-ca.crt',
        namespace: ns,
        annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION },
      },
      data: { 'ca.crt': caCertPem },
    });
  }
  // k3s and rke2 both default the service CIDR to 10.43.0.0/16; kubeadm to 10.96.0.0/12.
  const clusterIP = cluster.distro === 'kubeadm' ? '10.96.0.1' : '10.43.0.1';
  out.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      clusterIP,
      clusterIPs: [clusterIP],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  });
  const holder = cluster.controlPlaneNode ?? 'control-plane';
  for (const name of ['kube-controller-manager', 'kube-scheduler']) {
    out.push({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'kube-system' },
      spec: {
        holderIdentity: `${holder}_${uuid(`${holder}/${name}/${now.getTime()}`)}`,
        leaseDurationSeconds: 15,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: 0,
      },
    });
  }
  return out;
}

/** metav1.Time: RFC 3339 at second precision. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Bytes in a Kubernetes quantity such as 8Gi, 512M or 1.5Gi. */
export function quantityToBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGTPE]i?|k)?$/.exec(q);
  if (!m) throw new Error(`not a memory quantity: "${q}"`);
  const unit = m[2] ?? '';
  const pow = 'kKMGTPE'.indexOf(unit[0] ?? '');
  const base = unit.endsWith('i') ? 1024 : 1000;
  return Math.round(Number(m[1]) * (unit === '' ? 1 : base ** Math.max(pow, 1)));
}

/**
 * Images a node of each distro has pulled by the time it is Ready, space-separated: `{v}` is
 * the Kubernetes version, `{tag}` the same with "+" as "-"; `cp:` ones only on control planes.
 */
const SYSTEM_IMAGES: Record<Distro, string> = {
  k3s:
    'docker.io/rancher/mirrored-pause:3.6 docker.io/rancher/mirrored-coredns-coredns:1.11.3 ' +
    'docker.io/rancher/local-path-provisioner:v0.0.30 docker.io/rancher/mirrored-metrics-server:v0.7.2 ' +
    'docker.io/rancher/klipper-helm:v0.9.3-build20241008 docker.io/rancher/klipper-lb:v0.4.9 ' +
    'docker.io/rancher/mirrored-library-traefik:2.11.10 docker.io/rancher/mirrored-library-traefik:2.10.7 ' +
    'docker.io/rancher/mirrored-library-busybox:1.36.1',
  rke2:
    'docker.io/rancher/rke2-runtime:{tag} docker.io/rancher/hardened-kubernetes:{tag}-build20241212 ' +
    'docker.io/rancher/mirrored-pause:3.6 docker.io/rancher/hardened-coredns:v1.11.3-build20241018 ' +
    'docker.io/rancher/hardened-calico:v3.28.2-build20241016 docker.io/rancher/hardened-flannel:v0.25.7-build20241008 ' +
    'docker.io/rancher/nginx-ingress-controller:v1.10.5-hardened4 ' +
    'docker.io/rancher/hardened-k8s-metrics-server:v0.7.1-build20241008 ' +
    'cp:docker.io/rancher/hardened-etcd:v3.5.16-k3s1-build20241106',
  kubeadm:
    'registry.k8s.io/kube-proxy:{v} registry.k8s.io/pause:3.10 registry.k8s.io/coredns/coredns:v1.11.3 ' +
    'docker.io/calico/node:v3.28.2 docker.io/calico/cni:v3.28.2 docker.io/calico/kube-controllers:v3.28.2 ' +
    'cp:registry.k8s.io/etcd:3.5.15-0 cp:registry.k8s.io/kube-apiserver:{v} ' +
    'cp:registry.k8s.io/kube-controller-manager:{v} cp:registry.k8s.io/kube-scheduler:{v}',
};

function nodeImages(spec: NodeSpec): { names: string[]; sizeBytes: number }[] {
  const v = spec.kubernetesVersion;
  const system = SYSTEM_IMAGES[spec.distro]
    .split(' ')
    .filter((i) => !i.startsWith('cp:') || spec.role === 'control-plane')
    .map((i) => i.replace(/^cp:/, '').replace('{v}', v).replace('{tag}', v.replace('+', '-')));
  const all = [...new Set([...system, ...(spec.images ?? [])])];
  // Sizes are stable per image so nodes agree; arm builds run a little smaller.
  const scale = spec.architecture === 'amd64' ? 1 : 0.85;
  const images = all.map((ref) => {
    const repo = ref.replace(/:[^/:]+$/, '');
    const n = parseInt(hash(ref, 'hex').slice(0, 8), 16);
    const size = /pause|busybox/.test(repo) ? 300_000 + (n % 2_000_000) : 8_000_000 + (n % 180_000_000);
    return {
      names: [`${repo}@sha256:${hash(`${ref}/digest`, 'hex')}`, ref],
      sizeBytes: Math.round(size * scale),
    };
  });
  // The kubelet reports images largest first (and at most 50).
  return images.sort((a, b) => b.sizeBytes - a.sizeBytes).slice(0, 50);
}

function kernelVersion(arch: NodeSpec['architecture'], distro: Distro): string {
  if (arch === 'arm64') return '6.6.51+rpt-rpi-2712';
  if (arch === 'arm') return '6.6.51+rpt-rpi-v7';
  return distro === 'k3s' ? '6.1.0-28-amd64' : '5.15.0-126-generic';
}

function osImage(arch: NodeSpec['architecture'], distro: Distro): string {
  if (arch !== 'amd64' || distro === 'k3s') return 'Debian GNU/Linux 12 (bookworm)';
  return 'Ubuntu 22.04.5 LTS';
}

function hash(s: string, enc: 'hex' | 'base32'): string {
  const d = createHash('sha256').update(s).digest();
  if (enc === 'hex') return d.toString('hex');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  for (let i = 0; i < 32; i++) out += alphabet[(d[i] ?? 0) & 31];
  return `${out}====`;
}

function uuid(seed: string): string {
  const h = hash(seed, 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function mac(seed: string): string {
  const h = hash(`${seed}/mac`, 'hex');
  // Locally administered unicast, as the kernel assigns to flannel.1.
  const first = ((parseInt(h.slice(0, 2), 16) & 0xfc) | 0x02).toString(16).padStart(2, '0');
  return [first, ...(h.slice(2, 12).match(/../g) ?? [])].join(':');
}
