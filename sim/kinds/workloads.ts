/**
 * apps/v1 strategies: Deployment, ReplicaSet, DaemonSet, StatefulSet defaulting
 * (pkg/apis/apps/v1/defaults.go) and validation (pkg/apis/apps/validation).
 */
import { isJsonObject, type JsonObject, type KubeObject, type StatusCause } from '../k8s-types.js';
import { matchesLabels, selectorFromLabelSelectorObject } from '../selectors.js';
import {
  specOf,
  validateAnnotations,
  validateLabelSelector,
  validateLabels,
  validateObjectMeta,
} from './meta.js';
import { nameIsDNSLabel, nameIsDNSSubdomain, type NameValidator } from './names.js';
import { defaultPodTemplate, validatePodTemplate } from './pod.js';
import type { KindStrategy } from './types.js';
import {
  clone,
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
  strMap,
} from './util.js';

function withSpec(o: KubeObject, fn: (spec: JsonObject) => void): KubeObject {
  const out = clone(o);
  fn(ensureObj(out as unknown as JsonObject, 'spec'));
  return out;
}

function defaultTemplate(spec: JsonObject): void {
  defaultPodTemplate(ensureObj(spec, 'template'));
}

const PERCENT_MSG =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** ValidatePositiveIntOrPercent; returns the value as a number (percent or count) for later checks. */
function intOrPercent(v: unknown, field: string, out: StatusCause[], max100 = false): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') {
    out.push(...nonNegative(field, v));
    return v;
  }
  if (typeof v === 'string') {
    if (!/^[0-9]+%$/.test(v)) {
      out.push(invalidField(field, v, PERCENT_MSG));
      return undefined;
    }
    const n = parseInt(v, 10);
    if (max100 && n > 100) out.push(invalidField(field, v, 'must not be greater than 100%'));
    return n;
  }
  out.push(invalidField(field, v, PERCENT_MSG));
  return undefined;
}

/** Shared spec checks: selector present, valid, non-empty, and matching the template labels. */
function validateSelectorAndTemplate(
  spec: Record<string, unknown>,
  what: string,
  checkPodSpec: boolean,
): StatusCause[] {
  const out: StatusCause[] = [];
  const sel = spec['selector'];
  if (!isJsonObject(sel)) out.push(required('spec.selector'));
  else {
    out.push(...validateLabelSelector(sel, 'spec.selector'));
    if (Object.keys(strMap(sel, 'matchLabels')).length + objs(sel, 'matchExpressions').length === 0)
      out.push(invalidField('spec.selector', sel, `empty selector is invalid for ${what}`));
  }
  const template = spec['template'];
  const labels = strMap(obj(template, 'metadata'), 'labels');
  if (isJsonObject(sel)) {
    try {
      const s = selectorFromLabelSelectorObject(sel);
      if (s.requirements.length > 0 && !matchesLabels(s, labels))
        out.push(
          invalidField(
            'spec.template.metadata.labels',
            labels,
            '`selector` does not match template `labels`',
          ),
        );
    } catch {
      out.push(invalidField('spec.selector', sel, 'invalid label selector'));
    }
  }
  if (checkPodSpec) out.push(...validatePodTemplate(template, 'spec.template'));
  else {
    const meta = obj(template, 'metadata');
    out.push(...validateLabels(meta?.['labels'], 'spec.template.labels'));
    out.push(...validateAnnotations(meta?.['annotations'], 'spec.template.annotations'));
  }
  const tspec = obj(template, 'spec');
  const rp = tspec?.['restartPolicy'];
  if (rp !== 'Always') out.push(notSupported('spec.template.spec.restartPolicy', rp ?? '', ['Always']));
  if (tspec?.['activeDeadlineSeconds'] !== undefined)
    out.push(
      forbiddenField(
        'spec.template.spec.activeDeadlineSeconds',
        `activeDeadlineSeconds in ${what === 'daemonset' ? 'DaemonSet' : what === 'statefulset' ? 'StatefulSet' : 'ReplicaSet'} is not Supported`,
      ),
    );
  out.push(...nonNegative('spec.minReadySeconds', spec['minReadySeconds']));
  out.push(...nonNegative('spec.revisionHistoryLimit', spec['revisionHistoryLimit']));
  return out;
}

function workload(
  nameFn: NameValidator,
  defaults: (spec: JsonObject) => void,
  validateSpec: (spec: Record<string, unknown>) => StatusCause[],
  validateUpdate: (o: KubeObject, old: KubeObject) => StatusCause[],
): KindStrategy {
  return {
    tracksGeneration: true,
    defaults: (o) => withSpec(o, defaults),
    validate(o, old) {
      const out = validateObjectMeta(o, old, true, nameFn);
      out.push(...validateSpec(specOf(o)));
      if (old) out.push(...validateUpdate(o, old));
      return out;
    },
  };
}

const selectorImmutable = (o: KubeObject, old: KubeObject): StatusCause[] =>
  immutable('spec.selector', specOf(o)['selector'], specOf(old)['selector']);

/** Deployment: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600. */
export const deploymentStrategy = workload(
  nameIsDNSSubdomain,
  (spec) => {
    setDefault(spec, 'replicas', 1);
    const strategy = ensureObj(spec, 'strategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy['type'] === 'RollingUpdate') {
      const ru = ensureObj(strategy, 'rollingUpdate');
      setDefault(ru, 'maxUnavailable', '25%');
      setDefault(ru, 'maxSurge', '25%');
    }
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
    defaultTemplate(spec);
  },
  (spec) => {
    const out = nonNegative('spec.replicas', spec['replicas']);
    out.push(...validateSelectorAndTemplate(spec, 'deployment', true));
    const strategy = obj(spec, 'strategy') ?? {};
    const type = strategy['type'];
    if (type === 'Recreate') {
      if (strategy['rollingUpdate'] !== undefined && strategy['rollingUpdate'] !== null)
        out.push(
          forbiddenField(
            'spec.strategy.rollingUpdate',
            "may not be specified when strategy `type` is 'Recreate'",
          ),
        );
    } else if (type === 'RollingUpdate') {
      const ru = obj(strategy, 'rollingUpdate') ?? {};
      const mu = intOrPercent(ru['maxUnavailable'], 'spec.strategy.rollingUpdate.maxUnavailable', out, true);
      const ms = intOrPercent(ru['maxSurge'], 'spec.strategy.rollingUpdate.maxSurge', out);
      if (mu === 0 && ms === 0)
        out.push(
          invalidField(
            'spec.strategy.rollingUpdate.maxUnavailable',
            ru['maxUnavailable'],
            'may not be 0 when `maxSurge` is 0',
          ),
        );
    } else {
      out.push(notSupported('spec.strategy', strategy, ['Recreate', 'RollingUpdate']));
    }
    const pds = spec['progressDeadlineSeconds'];
    if (typeof pds === 'number') {
      out.push(...nonNegative('spec.progressDeadlineSeconds', pds));
      const mrs = typeof spec['minReadySeconds'] === 'number' ? spec['minReadySeconds'] : 0;
      if (pds <= mrs)
        out.push(invalidField('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
    }
    return out;
  },
  selectorImmutable,
);

/** ReplicaSet: replicas 1. */
export const replicaSetStrategy = workload(
  nameIsDNSSubdomain,
  (spec) => {
    setDefault(spec, 'replicas', 1);
    defaultTemplate(spec);
  },
  (spec) => [
    ...nonNegative('spec.replicas', spec['replicas']),
    // Kubernetes' ReplicaSet validation really does say "for deployment".
    ...validateSelectorAndTemplate(spec, 'deployment', true),
  ],
  selectorImmutable,
);

/** DaemonSet: RollingUpdate maxUnavailable 1 / maxSurge 0, revisionHistoryLimit 10. */
export const daemonSetStrategy = workload(
  nameIsDNSSubdomain,
  (spec) => {
    const us = ensureObj(spec, 'updateStrategy');
    setDefault(us, 'type', 'RollingUpdate');
    if (us['type'] === 'RollingUpdate') {
      const ru = ensureObj(us, 'rollingUpdate');
      setDefault(ru, 'maxUnavailable', 1);
      setDefault(ru, 'maxSurge', 0);
    }
    setDefault(spec, 'revisionHistoryLimit', 10);
    defaultTemplate(spec);
  },
  (spec) => {
    const out = validateSelectorAndTemplate(spec, 'daemonset', true);
    const us = obj(spec, 'updateStrategy') ?? {};
    if (us['type'] === 'RollingUpdate') {
      const ru = obj(us, 'rollingUpdate') ?? {};
      const mu = intOrPercent(
        ru['maxUnavailable'],
        'spec.updateStrategy.rollingUpdate.maxUnavailable',
        out,
        true,
      );
      const ms = intOrPercent(ru['maxSurge'], 'spec.updateStrategy.rollingUpdate.maxSurge', out);
      if (mu === 0 && (ms ?? 0) === 0)
        out.push(
          invalidField(
            'spec.updateStrategy.rollingUpdate.maxUnavailable',
            ru['maxUnavailable'],
            'may not be 0 when `maxSurge` is 0',
          ),
        );
    } else if (us['type'] !== 'OnDelete') {
      out.push(notSupported('spec.updateStrategy', us, ['OnDelete', 'RollingUpdate']));
    }
    return out;
  },
  selectorImmutable,
);

const STS_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

/** StatefulSet: OrderedReady, RollingUpdate partition 0, Retain/Retain PVC policy, replicas 1. */
export const statefulSetStrategy = workload(
  nameIsDNSLabel,
  (spec) => {
    setDefault(spec, 'podManagementPolicy', 'OrderedReady');
    const us = ensureObj(spec, 'updateStrategy');
    if (!us['type']) {
      us['type'] = 'RollingUpdate';
      ensureObj(us, 'rollingUpdate');
    }
    const ru = obj(us, 'rollingUpdate');
    if (us['type'] === 'RollingUpdate' && ru) setDefault(ru, 'partition', 0);
    const policy = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
    setDefault(policy, 'whenDeleted', 'Retain');
    setDefault(policy, 'whenScaled', 'Retain');
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'revisionHistoryLimit', 10);
    defaultTemplate(spec);
    for (const pvc of objs(spec, 'volumeClaimTemplates')) {
      setDefault(pvc, 'apiVersion', 'v1');
      setDefault(pvc, 'kind', 'PersistentVolumeClaim');
      setDefault(ensureObj(pvc, 'spec'), 'volumeMode', 'Filesystem');
      setDefault(ensureObj(pvc, 'status'), 'phase', 'Pending');
    }
  },
  (spec) => {
    const out: StatusCause[] = [];
    const pmp = spec['podManagementPolicy'];
    if (!pmp) out.push(required('spec.podManagementPolicy'));
    else if (pmp !== 'OrderedReady' && pmp !== 'Parallel')
      out.push(invalidField('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
    const us = obj(spec, 'updateStrategy') ?? {};
    if (!us['type']) out.push(required('spec.updateStrategy'));
    else if (us['type'] === 'OnDelete' && us['rollingUpdate'] !== undefined)
      out.push(
        invalidField(
          'spec.updateStrategy.rollingUpdate',
          us['rollingUpdate'],
          "only allowed for updateStrategy 'RollingUpdate'",
        ),
      );
    else if (us['type'] === 'RollingUpdate')
      out.push(
        ...nonNegative(
          'spec.updateStrategy.rollingUpdate.partition',
          obj(us, 'rollingUpdate')?.['partition'],
        ),
      );
    else if (us['type'] !== 'OnDelete')
      out.push(invalidField('spec.updateStrategy', us, "must be 'RollingUpdate' or 'OnDelete'"));
    const policy = obj(spec, 'persistentVolumeClaimRetentionPolicy') ?? {};
    for (const k of ['whenDeleted', 'whenScaled']) {
      const v = policy[k];
      if (v !== 'Retain' && v !== 'Delete')
        out.push(
          notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, v ?? '', ['Retain', 'Delete']),
        );
    }
    out.push(...nonNegative('spec.replicas', spec['replicas']));
    // Kubernetes validates only the template's metadata here, not its pod spec.
    out.push(...validateSelectorAndTemplate(spec, 'statefulset', false));
    return out;
  },
  (o, old) => {
    const strip = (s: Record<string, unknown>): string => {
      const c: Record<string, unknown> = { ...s };
      for (const k of STS_MUTABLE) delete c[k];
      return goJson(c);
    };
    if (strip(specOf(o)) === strip(specOf(old))) return [];
    return [
      forbiddenField(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    ];
  },
);
