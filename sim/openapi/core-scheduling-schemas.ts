/**
 * core/v1 scheduling types: node and pod affinity, tolerations and topology spread constraints.
 */
import {
  CORE,
  META,
  arr,
  int32,
  int64,
  obj,
  ref,
  str,
  strArr,
  type Defs,
  type Schema,
} from './schema-dsl.js';

const c = (name: string): string => `${CORE}${name}`;
const atomic = (s: Schema): Schema => ({ ...s, 'x-kubernetes-list-type': 'atomic' });

const nodeSelectorTerm = obj(
  {
    matchExpressions: atomic(
      arr(ref(c('NodeSelectorRequirement')), "A list of node selector requirements by node's labels."),
    ),
    matchFields: atomic(
      arr(ref(c('NodeSelectorRequirement')), "A list of node selector requirements by node's fields."),
    ),
  },
  {
    d: 'A null or empty node selector term matches no objects. The requirements of them are ANDed.',
    atomic: true,
  },
);

const podAffinityTerm = obj(
  {
    labelSelector: ref(`${META}LabelSelector`, 'A label query over a set of resources, in this case pods.'),
    matchLabelKeys: atomic(
      strArr('Pod label keys to select the pods over which spreading will be calculated.'),
    ),
    mismatchLabelKeys: atomic(strArr('Pod label keys whose values must differ from the incoming pod.')),
    namespaceSelector: ref(
      `${META}LabelSelector`,
      'A label query over the set of namespaces that the term applies to.',
    ),
    namespaces: atomic(strArr('Namespace names that the term applies to.')),
    topologyKey: str('Co-located means running on a node whose value of the label with this key matches.'),
  },
  {
    d: 'Defines a set of pods that this pod should be co-located (affinity) or not co-located (anti-affinity) with.',
    required: ['topologyKey'],
  },
);

const podAffinity = (what: string): Schema =>
  obj(
    {
      preferredDuringSchedulingIgnoredDuringExecution: atomic(
        arr(ref(c('WeightedPodAffinityTerm')), `Preferred ${what} terms.`),
      ),
      requiredDuringSchedulingIgnoredDuringExecution: atomic(
        arr(ref(c('PodAffinityTerm')), `Required ${what} terms.`),
      ),
    },
    { d: `Pod ${what} scheduling rules.` },
  );

/** Scheduling-related core/v1 definitions. */
export const SCHEDULING_DEFS: Defs = {
  [c('Affinity')]: obj(
    {
      nodeAffinity: ref(c('NodeAffinity'), 'Describes node affinity scheduling rules for the pod.'),
      podAffinity: ref(c('PodAffinity'), 'Describes pod affinity scheduling rules.'),
      podAntiAffinity: ref(c('PodAntiAffinity'), 'Describes pod anti-affinity scheduling rules.'),
    },
    { d: 'Affinity is a group of affinity scheduling rules.' },
  ),
  [c('NodeAffinity')]: obj(
    {
      preferredDuringSchedulingIgnoredDuringExecution: atomic(
        arr(ref(c('PreferredSchedulingTerm')), 'Preferred node affinity terms.'),
      ),
      requiredDuringSchedulingIgnoredDuringExecution: ref(c('NodeSelector'), 'Required node affinity.'),
    },
    { d: 'Node affinity is a group of node affinity scheduling rules.' },
  ),
  [c('NodeSelector')]: obj(
    {
      nodeSelectorTerms: atomic(
        arr(ref(c('NodeSelectorTerm')), 'Required. A list of node selector terms. The terms are ORed.'),
      ),
    },
    {
      d: 'A node selector represents the union of the results of one or more label queries over a set of nodes.',
      required: ['nodeSelectorTerms'],
      atomic: true,
    },
  ),
  [c('NodeSelectorTerm')]: nodeSelectorTerm,
  [c('NodeSelectorRequirement')]: obj(
    {
      key: str('The label key that the selector applies to.'),
      operator: str('In, NotIn, Exists, DoesNotExist, Gt or Lt.'),
      values: atomic(strArr('An array of string values.')),
    },
    {
      d: 'A node selector requirement is a selector that contains values, a key, and an operator.',
      required: ['key', 'operator'],
    },
  ),
  [c('PreferredSchedulingTerm')]: obj(
    {
      preference: ref(
        c('NodeSelectorTerm'),
        'A node selector term, associated with the corresponding weight.',
      ),
      weight: int32('Weight in the range 1-100.'),
    },
    {
      d: 'An empty preferred scheduling term matches all objects with implicit weight 0.',
      required: ['weight', 'preference'],
    },
  ),
  [c('PodAffinity')]: podAffinity('affinity'),
  [c('PodAntiAffinity')]: podAffinity('anti-affinity'),
  [c('PodAffinityTerm')]: podAffinityTerm,
  [c('WeightedPodAffinityTerm')]: obj(
    {
      podAffinityTerm: ref(
        c('PodAffinityTerm'),
        'A pod affinity term, associated with the corresponding weight.',
      ),
      weight: int32('Weight in the range 1-100.'),
    },
    {
      d: 'The weights of all of the matched WeightedPodAffinityTerm fields are added per-node.',
      required: ['weight', 'podAffinityTerm'],
    },
  ),
  [c('Toleration')]: obj(
    {
      effect: str('Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all.'),
      key: str('Taint key that the toleration applies to; empty matches all.'),
      operator: str('Exists or Equal. Defaults to Equal.'),
      tolerationSeconds: int64('How long the pod tolerates a NoExecute taint before eviction.'),
      value: str('Taint value the toleration matches to.'),
    },
    {
      d: 'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect>.',
    },
  ),
  [c('TopologySpreadConstraint')]: obj(
    {
      labelSelector: ref(`${META}LabelSelector`, 'Used to find matching pods.'),
      matchLabelKeys: atomic(
        strArr('Pod label keys to select the pods over which spreading will be calculated.'),
      ),
      maxSkew: int32('Degree to which pods may be unevenly distributed.'),
      minDomains: int32('Minimum number of eligible domains.'),
      nodeAffinityPolicy: str('Honor or Ignore.'),
      nodeTaintsPolicy: str('Honor or Ignore.'),
      topologyKey: str('The key of node labels.'),
      whenUnsatisfiable: str('DoNotSchedule or ScheduleAnyway.'),
    },
    {
      d: 'TopologySpreadConstraint specifies how to spread matching pods among the given topology.',
      required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'],
    },
  ),
};
