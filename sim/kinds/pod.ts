/**
 * Pod and PodTemplateSpec defaulting and validation (pkg/apis/core/v1/defaults.go,
 * pkg/apis/core/validation), plus what admission adds to real pods: the ServiceAccount,
 * Priority and DefaultTolerationSeconds plugins, and the strategy's initial status.
 */
import { isJsonObject, type JsonObject, type KubeObject, type StatusCause } from '../k8s-types.js';
import { validateAnnotations, validateEnum, validateLabels, validateObjectMeta } from './meta.js';
import { isDNS1123Label, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import {
  arr,
  clone,
  duplicate,
  ensureObj,
  forbiddenField,
  goJson,
  invalidField,
  nonNegative,
  obj,
  objs,
  parseQuantity,
  required,
  setDefault,
  str,
} from './util.js';
import type { KindStrategy } from './types.js';

/** Image tag as parsers.ParseImageName sees it: "" with a digest and no tag, "latest" when absent. */
function imageTag(image: string): string {
  const [withoutDigest = '', digest] = image.split('@');
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon >= 0) return withoutDigest.slice(colon + 1);
  return digest ? '' : 'latest';
}

function defaultProbe(p: unknown): void {
  if (!isJsonObject(p)) return;
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  const http = obj(p, 'httpGet');
  if (http) {
    setDefault(http, 'path', '/');
    setDefault(http, 'scheme', 'HTTP');
  }
}

function defaultContainer(c: JsonObject): void {
  if (!c['imagePullPolicy'])
    c['imagePullPolicy'] = imageTag(str(c, 'image') ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  ensureObj(c, 'resources');
  for (const p of objs(c, 'ports')) setDefault(p, 'protocol', 'TCP');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe]);
  for (const e of objs(c, 'env')) {
    const ref = obj(obj(e, 'valueFrom'), 'fieldRef');
    if (ref) setDefault(ref, 'apiVersion', 'v1');
  }
}

/** Defaults a PodSpec in place (SetDefaults_PodSpec and the container/volume defaults). */
export function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  ensureObj(spec, 'securityContext');
  for (const c of [...objs(spec, 'containers'), ...objs(spec, 'initContainers')]) defaultContainer(c);
  for (const v of objs(spec, 'volumes')) {
    for (const src of ['secret', 'configMap', 'downwardAPI', 'projected']) {
      const s = obj(v, src);
      if (s) setDefault(s, 'defaultMode', 420);
    }
  }
}

/** Defaults a PodTemplateSpec in place (workload templates get no admission-time fields). */
export function defaultPodTemplate(template: JsonObject): void {
  defaultPodSpec(ensureObj(template, 'spec'));
}

function resourceList(c: JsonObject, key: 'requests' | 'limits'): Record<string, unknown> {
  return obj(obj(c, 'resources'), key) ?? {};
}

/** qos.GetPodQOS over containers and init containers. */
export function podQOSClass(spec: unknown): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...objs(spec, 'containers'), ...objs(spec, 'initContainers')]) {
    for (const [name, q] of Object.entries(resourceList(c, 'requests'))) {
      const n = parseQuantity(q);
      if ((name === 'cpu' || name === 'memory') && n !== undefined && n > 0)
        requests.set(name, (requests.get(name) ?? 0) + n);
    }
    const found = new Set<string>();
    for (const [name, q] of Object.entries(resourceList(c, 'limits'))) {
      const n = parseQuantity(q);
      if ((name === 'cpu' || name === 'memory') && n !== undefined && n > 0) {
        found.add(name);
        limits.set(name, (limits.get(name) ?? 0) + n);
      }
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) for (const [name, r] of requests) if (limits.get(name) !== r) guaranteed = false;
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';
const SYSTEM_PRIORITIES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

function tolerates(tols: JsonObject[], key: string): boolean {
  return tols.some((t) => {
    const effect = str(t, 'effect');
    const effectOk = effect === undefined || effect === '' || effect === 'NoExecute';
    const k = str(t, 'key');
    return effectOk && (k === key || ((k === undefined || k === '') && str(t, 'operator') === 'Exists'));
  });
}

/** The Pod strategy: defaults as the apiserver and its default admission chain would apply. */
export const podStrategy: KindStrategy = {
  tracksGeneration: false,
  defaults(o) {
    const out = clone(o);
    const spec = ensureObj(out as unknown as JsonObject, 'spec');
    defaultPodSpec(spec);
    setDefault(spec, 'enableServiceLinks', true);
    // SetDefaults_Pod: a limit without a request requests the limit.
    for (const c of [...objs(spec, 'containers'), ...objs(spec, 'initContainers')]) {
      const res = ensureObj(c, 'resources');
      const lim = obj(res, 'limits');
      if (lim) {
        const req = ensureObj(res, 'requests');
        for (const [k, v] of Object.entries(lim)) if (req[k] === undefined) req[k] = v;
      }
    }
    setDefault(spec, 'serviceAccountName', str(spec, 'serviceAccount') ?? 'default');
    spec['serviceAccount'] = spec['serviceAccountName'] ?? 'default';
    if (spec['priority'] === undefined)
      spec['priority'] = SYSTEM_PRIORITIES[str(spec, 'priorityClassName') ?? ''] ?? 0;
    setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
    const tols = objs(spec, 'tolerations');
    const add: JsonObject[] = [];
    for (const key of [NOT_READY, UNREACHABLE])
      if (!tolerates(tols, key))
        add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    if (add.length) spec['tolerations'] = [...arr(spec, 'tolerations'), ...add] as JsonObject[];
    const status = ensureObj(out as unknown as JsonObject, 'status');
    setDefault(status, 'phase', 'Pending');
    setDefault(status, 'qosClass', podQOSClass(spec));
    return out;
  },
  validate(o, old) {
    const out = validateObjectMeta(o, old, true, nameIsDNSSubdomain);
    out.push(...validatePodSpec(obj(o, 'spec'), 'spec'));
    if (old) out.push(...validatePodUpdate(o, old));
    return out;
  },
};

/** Fields a pod update may change (ValidatePodUpdate); everything else is forbidden. */
function validatePodUpdate(o: KubeObject, old: KubeObject): StatusCause[] {
  const mask = (spec: unknown): string => {
    const s = clone(isJsonObject(spec) ? spec : {});
    for (const list of ['containers', 'initContainers']) for (const c of objs(s, list)) delete c['image'];
    delete s['activeDeadlineSeconds'];
    delete s['tolerations'];
    delete s['terminationGracePeriodSeconds'];
    return goJson(s);
  };
  if (mask(o['spec']) === mask(old['spec'])) return [];
  return [
    forbiddenField(
      'spec',
      'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ),
  ];
}

function validateContainers(spec: JsonObject, key: string, path: string, names: Set<string>): StatusCause[] {
  const out: StatusCause[] = [];
  arr(spec, key).forEach((raw, i) => {
    const p = `${path}.${key}[${i}]`;
    const c = isJsonObject(raw) ? raw : {};
    const name = str(c, 'name') ?? '';
    if (!name) out.push(required(`${p}.name`));
    else {
      for (const m of isDNS1123Label(name)) out.push(invalidField(`${p}.name`, name, m));
      if (names.has(name)) out.push(duplicate(`${p}.name`, name));
      names.add(name);
    }
    if (!str(c, 'image')) out.push(required(`${p}.image`));
    out.push(
      ...validateEnum(c, 'imagePullPolicy', `${p}.imagePullPolicy`, ['Always', 'IfNotPresent', 'Never']),
    );
    const portNames = new Set<string>();
    objs(c, 'ports').forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      const pn = str(port, 'name');
      if (pn) {
        for (const m of isValidPortName(pn)) out.push(invalidField(`${pp}.name`, pn, m));
        if (portNames.has(pn)) out.push(duplicate(`${pp}.name`, pn));
        portNames.add(pn);
      }
      const cp = port['containerPort'];
      if (cp === undefined) out.push(required(`${pp}.containerPort`));
      else for (const m of isValidPortNum(Number(cp))) out.push(invalidField(`${pp}.containerPort`, cp, m));
      const hp = port['hostPort'];
      if (hp !== undefined && hp !== 0)
        for (const m of isValidPortNum(Number(hp))) out.push(invalidField(`${pp}.hostPort`, hp, m));
      out.push(...validateEnum(port, 'protocol', `${pp}.protocol`, ['SCTP', 'TCP', 'UDP'], true));
    });
  });
  return out;
}

/** ValidatePodSpec (the commonly hit subset) at path. */
export function validatePodSpec(spec: JsonObject | undefined, path: string): StatusCause[] {
  const s = spec ?? {};
  const out: StatusCause[] = [];
  if (arr(s, 'containers').length === 0) out.push(required(`${path}.containers`));
  const names = new Set<string>();
  out.push(...validateContainers(s, 'initContainers', path, names));
  out.push(...validateContainers(s, 'containers', path, names));
  out.push(
    ...validateEnum(s, 'restartPolicy', `${path}.restartPolicy`, ['Always', 'Never', 'OnFailure'], true),
  );
  out.push(
    ...validateEnum(
      s,
      'dnsPolicy',
      `${path}.dnsPolicy`,
      ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
      true,
    ),
  );
  out.push(...nonNegative(`${path}.terminationGracePeriodSeconds`, s['terminationGracePeriodSeconds']));
  const ads = s['activeDeadlineSeconds'];
  if (typeof ads === 'number' && ads <= 0)
    out.push(
      invalidField(`${path}.activeDeadlineSeconds`, ads, 'must be between 1 and 2147483647, inclusive'),
    );
  const volNames = new Set<string>();
  objs(s, 'volumes').forEach((v, i) => {
    const name = str(v, 'name') ?? '';
    const p = `${path}.volumes[${i}].name`;
    if (!name) out.push(required(p));
    else {
      for (const m of isDNS1123Label(name)) out.push(invalidField(p, name, m));
      if (volNames.has(name)) out.push(duplicate(p, name));
      volNames.add(name);
    }
  });
  return out;
}

/** ValidatePodTemplateSpec at path: template labels/annotations and the pod spec. */
export function validatePodTemplate(template: unknown, path: string): StatusCause[] {
  if (!isJsonObject(template)) return [required(path)];
  const meta = obj(template, 'metadata');
  return [
    ...validateLabels(meta?.['labels'], `${path}.metadata.labels`),
    ...validateAnnotations(meta?.['annotations'], `${path}.metadata.annotations`),
    ...validatePodSpec(obj(template, 'spec'), `${path}.spec`),
  ];
}
