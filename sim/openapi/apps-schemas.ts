/**
 * apps/v1 workloads (Deployment, ReplicaSet, DaemonSet, StatefulSet) and coordination/v1 Lease.
 */
import {
  APPS,
  CORE,
  META,
  arr,
  bool,
  conditions,
  int32,
  int64,
  intOrString,
  kindDef,
  listDef,
  obj,
  patchMeta,
  ref,
  str,
  time,
  type Defs,
  type Schema,
} from './schema-dsl.js';

const a = (name: string): string => `${APPS}${name}`;
const COORD = 'io.k8s.api.coordination.v1.';

const selector = (): Schema =>
  ref(`${META}LabelSelector`, "Label selector for pods. It must match the pod template's labels.");
const template = (): Schema =>
  ref(`${CORE}PodTemplateSpec`, 'Template describes the pods that will be created.');
const minReadySeconds = (): Schema =>
  int32(
    'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available.',
  );
const revisionHistoryLimit = (): Schema => int32('The number of old history to retain to allow rollback.');
const observedGeneration = (): Schema => int64('The generation observed by the controller.');

const workloadCondition = (kind: string, withUpdate: boolean): Schema =>
  obj(
    {
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      ...(withUpdate ? { lastUpdateTime: time('The last time this condition was updated.') } : {}),
      message: str('A human readable message indicating details about the transition.'),
      reason: str("The reason for the condition's last transition."),
      status: str('Status of the condition, one of True, False, Unknown.'),
      type: str(`Type of ${kind} condition.`),
    },
    {
      d: `${kind}Condition describes the state of a ${kind.toLowerCase()} at a certain point.`,
      required: ['type', 'status'],
    },
  );

function workload(
  kind: string,
  d: string,
  specProps: Record<string, Schema>,
  statusProps: Record<string, Schema>,
  required: string[],
): Defs {
  return {
    [a(kind)]: kindDef('apps', 'v1', kind, d, {
      spec: ref(a(`${kind}Spec`), `Specification of the desired behavior of the ${kind}.`),
      status: ref(a(`${kind}Status`), `Most recently observed status of the ${kind}. Read-only.`),
    }),
    [a(`${kind}List`)]: listDef('apps', 'v1', `${kind}List`, a(kind), kind),
    [a(`${kind}Spec`)]: obj(specProps, { d: `${kind}Spec is the specification of a ${kind}.`, required }),
    [a(`${kind}Status`)]: obj(
      {
        ...statusProps,
        conditions: conditions(
          a(`${kind}Condition`),
          `Represents the latest available observations of a ${kind}'s current state.`,
        ),
        observedGeneration: observedGeneration(),
      },
      { d: `${kind}Status is the most recently observed status of the ${kind}.` },
    ),
    [a(`${kind}Condition`)]: workloadCondition(kind, kind === 'Deployment'),
  };
}

/** apps/v1 and coordination/v1 definitions. */
export const APPS_DEFS: Defs = {
  ...workload(
    'Deployment',
    'Deployment enables declarative updates for Pods and ReplicaSets.',
    {
      minReadySeconds: minReadySeconds(),
      paused: bool('Indicates that the deployment is paused.'),
      progressDeadlineSeconds: int32(
        'The maximum time in seconds for a deployment to make progress before it is considered to be failed.',
      ),
      replicas: int32(
        'Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.',
      ),
      revisionHistoryLimit: revisionHistoryLimit(),
      selector: selector(),
      strategy: patchMeta(
        ref(
          a('DeploymentStrategy'),
          'The deployment strategy to use to replace existing pods with new ones.',
        ),
        'retainKeys',
      ),
      template: template(),
    },
    {
      availableReplicas: int32(
        'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      ),
      collisionCount: int32('Count of hash collisions for the Deployment.'),
      readyReplicas: int32('Number of pods targeted by this Deployment with a Ready Condition.'),
      replicas: int32(
        'Total number of non-terminated pods targeted by this deployment (their labels match the selector).',
      ),
      terminatingReplicas: int32('Number of terminating pods for this deployment.'),
      unavailableReplicas: int32('Total number of unavailable pods targeted by this deployment.'),
      updatedReplicas: int32(
        'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      ),
    },
    ['selector', 'template'],
  ),
  [a('DeploymentStrategy')]: obj(
    {
      rollingUpdate: ref(
        a('RollingUpdateDeployment'),
        'Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.',
      ),
      type: str('Type of deployment: Recreate or RollingUpdate. Default is RollingUpdate.'),
    },
    { d: 'DeploymentStrategy describes how to replace existing pods with new ones.' },
  ),
  [a('RollingUpdateDeployment')]: obj(
    {
      maxSurge: intOrString(
        'The maximum number of pods that can be scheduled above the desired number of pods.',
      ),
      maxUnavailable: intOrString('The maximum number of pods that can be unavailable during the update.'),
    },
    { d: 'Spec to control the desired behavior of rolling update.' },
  ),
  ...workload(
    'ReplicaSet',
    'ReplicaSet ensures that a specified number of pod replicas are running at any given time.',
    {
      minReadySeconds: minReadySeconds(),
      replicas: int32('Replicas is the number of desired pods. Defaults to 1.'),
      selector: selector(),
      template: template(),
    },
    {
      availableReplicas: int32(
        'The number of available pods (ready for at least minReadySeconds) for this replica set.',
      ),
      fullyLabeledReplicas: int32(
        'The number of pods that have labels matching the labels of the pod template of the replicaset.',
      ),
      readyReplicas: int32('The number of pods targeted by this ReplicaSet with a Ready Condition.'),
      replicas: int32('Replicas is the most recently observed number of non-terminating pods.'),
      terminatingReplicas: int32('The number of terminating pods for this replica set.'),
    },
    ['selector'],
  ),
  ...workload(
    'DaemonSet',
    'DaemonSet represents the configuration of a daemon set.',
    {
      minReadySeconds: minReadySeconds(),
      revisionHistoryLimit: revisionHistoryLimit(),
      selector: selector(),
      template: template(),
      updateStrategy: ref(
        a('DaemonSetUpdateStrategy'),
        'An update strategy to replace existing DaemonSet pods with new pods.',
      ),
    },
    {
      collisionCount: int32('Count of hash collisions for the DaemonSet.'),
      currentNumberScheduled: int32(
        'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
      ),
      desiredNumberScheduled: int32('The total number of nodes that should be running the daemon pod.'),
      numberAvailable: int32(
        'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.',
      ),
      numberMisscheduled: int32(
        'The number of nodes that are running the daemon pod, but are not supposed to run the daemon pod.',
      ),
      numberReady: int32(
        'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.',
      ),
      numberUnavailable: int32(
        'The number of nodes that should be running the daemon pod and have none of the daemon pod running and available.',
      ),
      updatedNumberScheduled: int32('The total number of nodes that are running updated daemon pod.'),
    },
    ['selector', 'template'],
  ),
  [a('DaemonSetUpdateStrategy')]: obj(
    {
      rollingUpdate: ref(
        a('RollingUpdateDaemonSet'),
        'Rolling update config params. Present only if type = "RollingUpdate".',
      ),
      type: str('Type of daemon set update: RollingUpdate or OnDelete. Default is RollingUpdate.'),
    },
    { d: 'DaemonSetUpdateStrategy is a struct used to control the update strategy for a DaemonSet.' },
  ),
  [a('RollingUpdateDaemonSet')]: obj(
    {
      maxSurge: intOrString(
        'The maximum number of nodes with an existing available DaemonSet pod that can have an updated DaemonSet pod during an update.',
      ),
      maxUnavailable: intOrString(
        'The maximum number of DaemonSet pods that can be unavailable during the update.',
      ),
    },
    { d: 'Spec to control the desired behavior of daemon set rolling update.' },
  ),
  ...workload(
    'StatefulSet',
    'StatefulSet represents a set of pods with consistent identities.',
    {
      minReadySeconds: minReadySeconds(),
      ordinals: obj(
        { start: int32("The number representing the first replica's index.") },
        { d: 'Controls the numbering of replica indices in a StatefulSet.' },
      ),
      persistentVolumeClaimRetentionPolicy: obj(
        { whenDeleted: str('Retain or Delete.'), whenScaled: str('Retain or Delete.') },
        { d: 'Lifecycle of persistent volume claims created from volumeClaimTemplates.' },
      ),
      podManagementPolicy: str('OrderedReady or Parallel.'),
      replicas: int32('The desired number of replicas of the given Template. Defaults to 1.'),
      revisionHistoryLimit: revisionHistoryLimit(),
      selector: selector(),
      serviceName: str('The name of the service that governs this StatefulSet.'),
      template: template(),
      updateStrategy: ref(
        a('StatefulSetUpdateStrategy'),
        'The strategy used to update Pods when a revision is made to Template.',
      ),
      volumeClaimTemplates: {
        ...arr(ref(`${CORE}PersistentVolumeClaim`), 'Claims that pods are allowed to reference.'),
        'x-kubernetes-list-type': 'atomic',
      },
    },
    {
      availableReplicas: int32('Total number of available pods targeted by this statefulset.'),
      collisionCount: int32('Count of hash collisions for the StatefulSet.'),
      currentReplicas: int32(
        'The number of Pods created by the StatefulSet controller from the currentRevision.',
      ),
      currentRevision: str(
        'The version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas).',
      ),
      readyReplicas: int32('The number of pods created for this StatefulSet with a Ready Condition.'),
      replicas: int32('The number of Pods created by the StatefulSet controller.'),
      updateRevision: str(
        'The version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas).',
      ),
      updatedReplicas: int32(
        'The number of Pods created by the StatefulSet controller from the updateRevision.',
      ),
    },
    ['selector', 'template'],
  ),
  [a('StatefulSetUpdateStrategy')]: obj(
    {
      rollingUpdate: obj(
        {
          maxUnavailable: intOrString(
            'The maximum number of pods that can be unavailable during the update.',
          ),
          partition: int32('Ordinal at which the StatefulSet should be partitioned for updates.'),
        },
        {
          d: 'RollingUpdate is used to communicate parameters when Type is RollingUpdateStatefulSetStrategyType.',
        },
      ),
      type: str('RollingUpdate or OnDelete. Default is RollingUpdate.'),
    },
    {
      d: 'StatefulSetUpdateStrategy indicates the strategy that the StatefulSet controller will use to perform updates.',
    },
  ),
  [`${COORD}Lease`]: kindDef('coordination.k8s.io', 'v1', 'Lease', 'Lease defines a lease concept.', {
    spec: ref(`${COORD}LeaseSpec`, 'Specification of the Lease.'),
  }),
  [`${COORD}LeaseList`]: listDef('coordination.k8s.io', 'v1', 'LeaseList', `${COORD}Lease`, 'Lease'),
  [`${COORD}LeaseSpec`]: obj(
    {
      acquireTime: ref(`${META}MicroTime`, 'A time when the current lease was acquired.'),
      holderIdentity: str('The identity of the holder of a current lease.'),
      leaseDurationSeconds: int32('Duration that candidates for a lease need to wait to force acquire it.'),
      leaseTransitions: int32('The number of transitions of a lease between holders.'),
      preferredHolder: str('Signals to a lease holder that the lease has a more optimal holder.'),
      renewTime: ref(
        `${META}MicroTime`,
        'A time when the current holder of a lease has last updated the lease.',
      ),
      strategy: str('The strategy for picking the leader for coordinated leader election.'),
    },
    { d: 'LeaseSpec is a specification of a Lease.' },
  ),
};
