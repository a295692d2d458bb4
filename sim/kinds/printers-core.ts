/**
 * Server-side printers for core types, ported from kube-apiserver's
 * pkg/printers/internalversion/printers.go (the columns `kubectl get` shows).
 */
import type { JsonObject, KubeObject } from '../k8s-types.js';
import { AGE_COLUMN, ago, col, formatLabels, NAME_COLUMN, parseTime, type Printer } from './print-util.js';
import { arr, num, obj, objs, str, strMap } from './util.js';

const name = (o: KubeObject): string => o.metadata.name ?? '';
const age = (o: KubeObject, now: Date): string => ago(o.metadata.creationTimestamp, now);

function nodeAddress(node: KubeObject, type: string): string {
  return (
    str(
      objs(obj(node, 'status'), 'addresses').find((a) => a['type'] === type),
      'address',
    ) ?? '<none>'
  );
}

const nodePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col(
      'Internal-IP',
      'string',
      'List of addresses reachable to the node. Queried from cloud provider, if available.',
      1,
    ),
    col(
      'External-IP',
      'string',
      'List of addresses reachable to the node. Queried from cloud provider, if available.',
      1,
    ),
    col(
      'OS-Image',
      'string',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      1,
    ),
    col(
      'Kernel-Version',
      'string',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      1,
    ),
    col(
      'Container-Runtime',
      'string',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      1,
    ),
  ],
  row(node, now) {
    const status = obj(node, 'status') ?? {};
    const readyCond = objs(status, 'conditions').find((c) => c['type'] === 'Ready');
    const parts = [readyCond ? (readyCond['status'] === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
    if (obj(node, 'spec')?.['unschedulable'] === true) parts.push('SchedulingDisabled');
    const roles = new Set<string>();
    for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
      if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length)
        roles.add(k.slice('node-role.kubernetes.io/'.length));
      else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
    }
    const info = obj(status, 'nodeInfo') ?? {};
    return {
      cells: [
        name(node),
        parts.join(','),
        [...roles].sort().join(',') || '<none>',
        age(node, now),
        str(info, 'kubeletVersion') ?? '',
        nodeAddress(node, 'InternalIP'),
        nodeAddress(node, 'ExternalIP'),
        str(info, 'osImage') || '<unknown>',
        str(info, 'kernelVersion') || '<unknown>',
        str(info, 'containerRuntimeVersion') || '<unknown>',
      ],
    };
  },
};

function serviceExternalIP(svc: KubeObject): string {
  const spec = obj(svc, 'spec') ?? {};
  const externalIPs = arr(spec, 'externalIPs').map(String);
  switch (spec['type']) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [
        ...new Set(
          objs(obj(obj(svc, 'status'), 'loadBalancer'), 'ingress')
            .map((i) => str(i, 'ip') || str(i, 'hostname') || '')
            .filter((x) => x !== ''),
        ),
      ];
      if (externalIPs.length) return [...lb, ...externalIPs].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec, 'externalName') ?? '';
  }
  return '<unknown>';
}

const servicePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col(
      'Type',
      'string',
      'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.',
    ),
    col(
      'Cluster-IP',
      'string',
      'clusterIP is the IP address of the service and is usually assigned randomly.',
    ),
    col(
      'External-IP',
      'string',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    ),
    col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    AGE_COLUMN,
    col(
      'Selector',
      'string',
      'Route service traffic to pods with label keys and values matching this selector.',
      1,
    ),
  ],
  row(svc, now) {
    const spec = obj(svc, 'spec') ?? {};
    const clusterIP = String(arr(spec, 'clusterIPs')[0] ?? '') || str(spec, 'clusterIP') || '<none>';
    const ports = objs(spec, 'ports')
      .map((p) => {
        const proto = str(p, 'protocol') ?? '';
        const np = num(p, 'nodePort') ?? 0;
        return np > 0 ? `${num(p, 'port') ?? 0}:${np}/${proto}` : `${num(p, 'port') ?? 0}/${proto}`;
      })
      .join(',');
    return {
      cells: [
        name(svc),
        str(spec, 'type') ?? '',
        clusterIP,
        serviceExternalIP(svc),
        ports || '<none>',
        age(svc, now),
        formatLabels(strMap(spec, 'selector')),
      ],
    };
  },
};

const namespacePrinter: Printer = {
  columns: [NAME_COLUMN, col('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  row: (ns, now) => ({ cells: [name(ns), str(obj(ns, 'status'), 'phase') ?? '', age(ns, now)] }),
};

const countKeys = (o: unknown): number => Object.keys(o && typeof o === 'object' ? o : {}).length;

const configMapPrinter: Printer = {
  columns: [NAME_COLUMN, col('Data', 'string', 'Data contains the configuration data.'), AGE_COLUMN],
  row: (cm, now) => ({
    cells: [name(cm), countKeys(cm['data']) + countKeys(cm['binaryData']), age(cm, now)],
  }),
};

const secretPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
    col('Data', 'string', 'Data contains the secret data.'),
    AGE_COLUMN,
  ],
  row: (s, now) => ({
    cells: [name(s), typeof s['type'] === 'string' ? s['type'] : '', countKeys(s['data']), age(s, now)],
  }),
};

const serviceAccountPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col(
      'Secrets',
      'string',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
    ),
    AGE_COLUMN,
  ],
  row: (sa, now) => ({ cells: [name(sa), arr(sa as unknown as JsonObject, 'secrets').length, age(sa, now)] }),
};

const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col(
      'Reason',
      'string',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    col('Object', 'string', 'The object that this event is about.'),
    col(
      'Subobject',
      'string',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].',
      1,
    ),
    col(
      'Source',
      'string',
      'The component reporting this event. Should be a short machine understandable string.',
      1,
    ),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col(
      'First Seen',
      'string',
      'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
      1,
    ),
    col('Count', 'string', 'The number of times this event has occurred.', 1),
    { ...NAME_COLUMN, priority: 1 },
  ],
  row(ev, now) {
    const first =
      parseTime(ev['firstTimestamp']) !== undefined
        ? ago(ev['firstTimestamp'], now)
        : ago(ev['eventTime'], now);
    let last = parseTime(ev['lastTimestamp']) !== undefined ? ago(ev['lastTimestamp'], now) : first;
    let count = num(ev as unknown as JsonObject, 'count') ?? 0;
    const series = obj(ev, 'series');
    if (series) {
      last = ago(series['lastObservedTime'], now);
      count = num(series, 'count') ?? 0;
    } else if (count === 0) count = 1;
    const io = obj(ev, 'involvedObject') ?? {};
    const kind = (str(io, 'kind') ?? '').toLowerCase();
    const target = str(io, 'name') ? `${kind}/${str(io, 'name') ?? ''}` : kind;
    const source = obj(ev, 'source') ?? {};
    const component = str(source, 'component') || str(ev, 'reportingComponent') || '';
    const instance = str(source, 'host') || str(ev, 'reportingInstance') || '';
    return {
      cells: [
        last,
        str(ev, 'type') ?? '',
        str(ev, 'reason') ?? '',
        target,
        str(io, 'fieldPath') ?? '',
        instance ? `${component}, ${instance}` : component,
        (str(ev, 'message') ?? '').trim(),
        first,
        count,
        name(ev),
      ],
    };
  },
};

function accessModes(modes: unknown[]): string {
  const set = new Set(modes.map(String));
  const out: string[] = [];
  for (const [mode, short] of [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ] as const)
    if (set.has(mode)) out.push(short);
  return out.join(',');
}

const pvcPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    col(
      'Volume',
      'string',
      'volumeName is the binding reference to the PersistentVolume backing this claim.',
    ),
    col('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    col(
      'Access Modes',
      'string',
      'accessModes contains the actual access modes the volume backing the PVC has.',
    ),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE_COLUMN,
    col('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', 1),
  ],
  row(pvc, now) {
    const spec = obj(pvc, 'spec') ?? {};
    const status = obj(pvc, 'status') ?? {};
    const phase = pvc.metadata.deletionTimestamp ? 'Terminating' : (str(status, 'phase') ?? '');
    const volumeName = str(spec, 'volumeName') ?? '';
    const bound = volumeName !== '';
    const storageClass =
      pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ??
      str(spec, 'storageClassName') ??
      '';
    const capacity = bound ? String(obj(status, 'capacity')?.['storage'] ?? '') : '';
    return {
      cells: [
        name(pvc),
        phase,
        volumeName,
        capacity,
        bound ? accessModes(arr(status, 'accessModes')) : '',
        storageClass,
        str(spec, 'volumeAttributesClassName') ?? '<unset>',
        age(pvc, now),
        str(spec, 'volumeMode') ?? '<unset>',
      ],
    };
  },
};

const leasePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'),
    AGE_COLUMN,
  ],
  row: (l, now) => ({ cells: [name(l), str(obj(l, 'spec'), 'holderIdentity') ?? '', age(l, now)] }),
};

/** Core printers keyed by group/Kind. */
export const CORE_PRINTERS: Record<string, Printer> = {
  '/Node': nodePrinter,
  '/Service': servicePrinter,
  '/Namespace': namespacePrinter,
  '/ConfigMap': configMapPrinter,
  '/Secret': secretPrinter,
  '/ServiceAccount': serviceAccountPrinter,
  '/Event': eventPrinter,
  '/PersistentVolumeClaim': pvcPrinter,
  'coordination.k8s.io/Lease': leasePrinter,
};
