/**
 * Core (v1) strategies besides Pod: Service, Namespace, Secret, ConfigMap,
 * PersistentVolumeClaim, Node, Event, ServiceAccount, plus coordination.k8s.io Lease.
 */
import { isJsonObject, type JsonObject, type KubeObject, type StatusCause } from '../k8s-types.js';
import { specOf, validateEnum, validateObjectMeta } from './meta.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  type NameValidator,
} from './names.js';
import type { KindStrategy } from './types.js';
import {
  arr,
  clone,
  duplicate,
  ensureObj,
  forbiddenField,
  goJson,
  immutable,
  invalidField,
  nonNegative,
  notSupported,
  obj,
  objs,
  required,
  setDefault,
  str,
  tooLong,
} from './util.js';

type Mutator = (o: JsonObject) => void;
type Validator = (o: KubeObject, old: KubeObject | undefined) => StatusCause[];

/**
 * A strategy from a metadata rule plus optional defaulting and extra validation. Defaulting
 * works on a deep copy; `needsDefaults`, when given, says whether the mutator would change
 * anything, so objects it would leave alone are not copied (as for kinds without a mutator).
 */
export function simpleStrategy(
  namespaced: boolean,
  nameFn: NameValidator,
  mutate?: Mutator,
  check?: Validator,
  needsDefaults?: (o: KubeObject) => boolean,
): KindStrategy {
  return {
    tracksGeneration: false,
    defaults(o) {
      if (!mutate || (needsDefaults && !needsDefaults(o))) return o;
      const out = clone(o);
      mutate(out as unknown as JsonObject);
      return out;
    },
    validate(o, old) {
      const out = validateObjectMeta(o, old, namespaced, nameFn);
      if (check) out.push(...check(o, old));
      return out;
    },
  };
}

const MAX_SECRET_SIZE = 1024 * 1024;

function validateDataKeys(o: KubeObject, bags: string[]): StatusCause[] {
  const out: StatusCause[] = [];
  let size = 0;
  const [first = 'data', second] = bags;
  const other = second ? (obj(o, second) ?? {}) : {};
  for (const bag of bags) {
    for (const [k, v] of Object.entries(obj(o, bag) ?? {})) {
      for (const m of isConfigMapKey(k)) out.push(invalidField(`${bag}[${k}]`, k, m));
      if (bag === first && second && other[k] !== undefined)
        out.push(invalidField(`${bag}[${k}]`, k, `duplicate of key present in ${second}`));
      size += typeof v === 'string' ? v.length : 0;
    }
  }
  if (size > MAX_SECRET_SIZE) out.push(tooLong('', MAX_SECRET_SIZE));
  return out;
}

/** `immutable: true` freezes data and the flag itself. */
function validateImmutableData(o: KubeObject, old: KubeObject | undefined, bags: string[]): StatusCause[] {
  if (!old || old['immutable'] !== true) return [];
  const out: StatusCause[] = [];
  if (o['immutable'] !== true)
    out.push(forbiddenField('immutable', 'field is immutable when `immutable` is set'));
  for (const bag of bags)
    if (goJson(o[bag] ?? {}) !== goJson(old[bag] ?? {}))
      out.push(forbiddenField(bag, 'field is immutable when `immutable` is set'));
  return out;
}

/** ConfigMap: key syntax, one key per bag, 1MiB total, immutability. */
export const configMapStrategy = simpleStrategy(true, nameIsDNSSubdomain, undefined, (o, old) => [
  ...validateDataKeys(o, ['data', 'binaryData']),
  ...validateImmutableData(o, old, ['data', 'binaryData']),
]);

/** Secret: type Opaque; stringData folded into data (as the v1 conversion does). */
export const secretStrategy = simpleStrategy(
  true,
  nameIsDNSSubdomain,
  (o) => {
    setDefault(o, 'type', 'Opaque');
    const sd = obj(o, 'stringData');
    if (sd) {
      const data = ensureObj(o, 'data');
      for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete o['stringData'];
    }
  },
  (o, old) => {
    const out = validateDataKeys(o, ['data']);
    out.push(...validateImmutableData(o, old, ['data']));
    const data = obj(o, 'data') ?? {};
    const need = (k: string): void => {
      if (data[k] === undefined) out.push(required(`data[${k}]`));
    };
    if (o['type'] === 'kubernetes.io/tls') ['tls.crt', 'tls.key'].forEach(need);
    if (o['type'] === 'kubernetes.io/dockerconfigjson') need('.dockerconfigjson');
    if (
      o['type'] === 'kubernetes.io/service-account-token' &&
      !o.metadata.annotations?.['kubernetes.io/service-account.name']
    )
      out.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
    if (old) out.push(...immutable('type', o['type'], old['type']));
    return out;
  },
);

/** ServiceAccount: metadata only. */
export const serviceAccountStrategy = simpleStrategy(true, nameIsDNSSubdomain);

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/**
 * Namespace: phase Active, the kubernetes.io/metadata.name label, and the `kubernetes` finalizer.
 * The finalizer is added only while status is still absent (i.e. on create, where the registry
 * strips status), because Kubernetes lets the namespace controller remove it later.
 */
export const namespaceStrategy = simpleStrategy(
  false,
  nameIsDNSLabel,
  (o) => {
    const meta = ensureObj(o, 'metadata');
    ensureObj(meta, 'labels')['kubernetes.io/metadata.name'] = str(meta, 'name') ?? '';
    const spec = ensureObj(o, 'spec');
    if (!obj(o, 'status')?.['phase']) {
      const fins = arr(spec, 'finalizers');
      if (!fins.includes('kubernetes')) spec['finalizers'] = [...fins.map(String), 'kubernetes'];
    }
    setDefault(ensureObj(o, 'status'), 'phase', 'Active');
  },
  (o) => {
    const out: StatusCause[] = [];
    arr(specOf(o), 'finalizers').forEach((f, i) => {
      const p = `spec.finalizers[${i}]`;
      const name = String(f);
      for (const m of isQualifiedName(name)) out.push(invalidField(p, name, m));
      if (!name.includes('/') && !STANDARD_FINALIZERS.has(name))
        out.push(
          invalidField(p, name, 'name is neither a standard finalizer name nor is it fully qualified'),
        );
    });
    return out;
  },
);

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/**
 * Service: ClusterIP type, None affinity, TCP ports with targetPort = port, IPv4 single stack.
 * spec.clusterIP/clusterIPs are left unset: the API server's IP allocator fills them.
 */
export const serviceStrategy = simpleStrategy(
  true,
  nameIsDNS1035Label,
  (o) => {
    const spec = ensureObj(o, 'spec');
    setDefault(spec, 'type', 'ClusterIP');
    setDefault(spec, 'sessionAffinity', 'None');
    if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig'];
    else if (spec['sessionAffinity'] === 'ClientIP') {
      const ip = ensureObj(ensureObj(spec, 'sessionAffinityConfig'), 'clientIP');
      setDefault(ip, 'timeoutSeconds', 10800);
    }
    for (const p of objs(spec, 'ports')) {
      setDefault(p, 'protocol', 'TCP');
      if (p['targetPort'] === undefined || p['targetPort'] === 0 || p['targetPort'] === '')
        p['targetPort'] = p['port'] ?? 0;
    }
    const type = spec['type'];
    if (type === 'NodePort' || type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
    if (type !== 'ExternalName') {
      setDefault(spec, 'internalTrafficPolicy', 'Cluster');
      setDefault(spec, 'ipFamilies', ['IPv4']);
      setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    }
    if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
    ensureObj(ensureObj(o, 'status'), 'loadBalancer');
  },
  (o) => {
    const spec = specOf(o);
    const out = validateEnum(spec, 'type', 'spec.type', SERVICE_TYPES, true);
    out.push(...validateEnum(spec, 'sessionAffinity', 'spec.sessionAffinity', ['ClientIP', 'None'], true));
    const type = spec['type'];
    const ports = objs(spec, 'ports');
    if (type === 'ExternalName') {
      const en = str(spec, 'externalName') ?? '';
      if (!en) out.push(required('spec.externalName'));
      else
        for (const m of isDNS1123Subdomain(en.replace(/\.$/, '')))
          out.push(invalidField('spec.externalName', en, m));
    } else if (ports.length === 0 && spec['clusterIP'] !== 'None') {
      out.push(required('spec.ports'));
    }
    const names = new Set<string>();
    ports.forEach((p, i) => {
      const pp = `spec.ports[${i}]`;
      const name = str(p, 'name') ?? '';
      if (ports.length > 1 && !name) out.push(required(`${pp}.name`));
      if (name) {
        for (const m of isDNS1123Label(name)) out.push(invalidField(`${pp}.name`, name, m));
        if (names.has(name)) out.push(duplicate(`${pp}.name`, name));
        names.add(name);
      }
      for (const m of isValidPortNum(Number(p['port'])))
        out.push(invalidField(`${pp}.port`, p['port'] ?? 0, m));
      out.push(...validateEnum(p, 'protocol', `${pp}.protocol`, ['SCTP', 'TCP', 'UDP'], true));
      const tp = p['targetPort'];
      if (typeof tp === 'number')
        for (const m of isValidPortNum(tp)) out.push(invalidField(`${pp}.targetPort`, tp, m));
      else if (typeof tp === 'string')
        for (const m of isValidPortName(tp)) out.push(invalidField(`${pp}.targetPort`, tp, m));
      const np = p['nodePort'];
      if (typeof np === 'number' && np !== 0 && type === 'ClusterIP')
        out.push(forbiddenField(`${pp}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
    return out;
  },
);

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** PersistentVolumeClaim: volumeMode Filesystem, phase Pending; spec mostly immutable. */
export const pvcStrategy = simpleStrategy(
  true,
  nameIsDNSSubdomain,
  (o) => {
    setDefault(ensureObj(o, 'spec'), 'volumeMode', 'Filesystem');
    setDefault(ensureObj(o, 'status'), 'phase', 'Pending');
  },
  (o, old) => {
    const spec = specOf(o);
    const out: StatusCause[] = [];
    const modes = arr(spec, 'accessModes');
    if (modes.length === 0) out.push(required('spec.accessModes', 'at least 1 access mode is required'));
    for (const m of modes)
      if (!ACCESS_MODES.includes(String(m))) out.push(notSupported('spec.accessModes', m, ACCESS_MODES));
    if (obj(obj(spec, 'resources'), 'requests')?.['storage'] === undefined)
      out.push(required('spec.resources[storage]'));
    if (old) {
      const mask = (s: Record<string, unknown>, base: Record<string, unknown>): string => {
        const c: Record<string, unknown> = {
          ...s,
          resources: { ...(obj(s, 'resources') ?? {}), requests: null },
        };
        delete c['volumeAttributesClassName'];
        // The binder may fill these in once.
        if (!base['volumeName']) delete c['volumeName'];
        if (!base['storageClassName']) delete c['storageClassName'];
        return goJson(c);
      };
      const oldSpec = specOf(old);
      if (mask(spec, oldSpec) !== mask(oldSpec, oldSpec))
        out.push(
          forbiddenField(
            'spec',
            'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
          ),
        );
    }
    return out;
  },
);

/** Whether a Node's status has capacity but no allocatable (which then defaults to it). */
function lacksAllocatable(o: KubeObject | JsonObject): boolean {
  const status = obj(o, 'status');
  return status !== undefined && status['allocatable'] === undefined && isJsonObject(status['capacity']);
}

/**
 * Node: allocatable defaults to capacity; taints are validated. Nodes are copied for defaulting
 * only when allocatable is missing: every node write (kubelet status, cordon, taints) copied the
 * whole node, 8 % of the simulator's CPU in a burst of node changes.
 */
export const nodeStrategy = simpleStrategy(
  false,
  nameIsDNSSubdomain,
  (o) => {
    const status = obj(o, 'status');
    if (status && lacksAllocatable(o)) status['allocatable'] = clone(status['capacity']);
  },
  (o) => {
    const out: StatusCause[] = [];
    objs(specOf(o), 'taints').forEach((t, i) => {
      const key = str(t, 'key') ?? '';
      if (!key) out.push(required(`spec.taints[${i}].key`));
      else for (const m of isQualifiedName(key)) out.push(invalidField(`spec.taints[${i}].key`, key, m));
      out.push(
        ...validateEnum(
          t,
          'effect',
          `spec.taints[${i}].effect`,
          ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
          true,
        ),
      );
    });
    return out;
  },
  lacksAllocatable,
);

/** core/v1 Event: the legacy namespace agreement rule. */
export const eventStrategy = simpleStrategy(true, nameIsDNSSubdomain, undefined, (o) => {
  const out: StatusCause[] = [];
  const ns = o.metadata.namespace ?? '';
  const involvedNs = str(o['involvedObject'], 'namespace') ?? '';
  const eventTime = o['eventTime'];
  if (eventTime === undefined || eventTime === null) {
    const ok = involvedNs === '' ? ns === '' || ns === 'default' : ns === involvedNs;
    if (!ok) out.push(invalidField('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system')
      out.push(invalidField('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    if (!str(o, 'reportingComponent')) out.push(required('reportingComponent'));
    if (!str(o, 'reportingInstance')) out.push(required('reportingInstance'));
    if (!str(o, 'action')) out.push(required('action'));
  }
  return out;
});

/** coordination.k8s.io Lease: positive duration, non-negative transitions. */
export const leaseStrategy = simpleStrategy(true, nameIsDNSSubdomain, undefined, (o) => {
  const spec = specOf(o);
  const out: StatusCause[] = [];
  const d = spec['leaseDurationSeconds'];
  if (typeof d === 'number' && d <= 0)
    out.push(invalidField('spec.leaseDurationSeconds', d, 'must be greater than 0'));
  out.push(...nonNegative('spec.leaseTransitions', spec['leaseTransitions']));
  return out;
});
