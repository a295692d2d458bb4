/**
 * core/v1 Pod, PodSpec, PodStatus and PodTemplateSpec; containers, volumes and scheduling
 * types live in their own files.
 */
import {
  CORE,
  META,
  arr,
  bool,
  conditions,
  int32,
  int64,
  keyedList,
  kindDef,
  listDef,
  loose,
  obj,
  quantityMap,
  ref,
  str,
  strArr,
  strMap,
  time,
  type Defs,
  type Schema,
} from './schema-dsl.js';

const c = (name: string): string => `${CORE}${name}`;
const atomic = (s: Schema): Schema => ({ ...s, 'x-kubernetes-list-type': 'atomic' });

/** Pod-level core/v1 definitions. */
export const POD_DEFS: Defs = {
  [c('Pod')]: kindDef('', 'v1', 'Pod', 'Pod is a collection of containers that can run on a host.', {
    spec: ref(c('PodSpec'), 'Specification of the desired behavior of the pod.'),
    status: ref(c('PodStatus'), 'Most recently observed status of the pod. Read-only.'),
  }),
  [c('PodList')]: listDef('', 'v1', 'PodList', c('Pod'), 'Pod'),
  [c('PodTemplateSpec')]: obj(
    {
      metadata: ref(`${META}ObjectMeta`, "Standard object's metadata."),
      spec: ref(c('PodSpec'), 'Specification of the desired behavior of the pod.'),
    },
    { d: 'PodTemplateSpec describes the data a pod should have when created from a template.' },
  ),
  [c('PodSpec')]: obj(
    {
      activeDeadlineSeconds: int64(
        'Seconds the pod may be active before the system actively tries to mark it failed.',
      ),
      affinity: ref(c('Affinity'), "If specified, the pod's scheduling constraints."),
      automountServiceAccountToken: bool('Whether a service account token should be automatically mounted.'),
      containers: keyedList(
        ref(c('Container')),
        ['name'],
        'List of containers belonging to the pod. There must be at least one.',
      ),
      dnsConfig: obj(
        {
          nameservers: atomic(strArr('DNS name server IP addresses.')),
          options: atomic(arr(obj({ name: str('Required.'), value: str() }), 'DNS resolver options.')),
          searches: atomic(strArr('DNS search domains for host-name lookup.')),
        },
        { d: 'DNS parameters of a pod.' },
      ),
      dnsPolicy: str('DNS policy for the pod: ClusterFirstWithHostNet, ClusterFirst, Default or None.'),
      enableServiceLinks: bool(
        "Whether information about services should be injected into pod's environment variables.",
      ),
      ephemeralContainers: keyedList(
        ref(c('EphemeralContainer')),
        ['name'],
        'Ephemeral containers run in this pod for debugging.',
      ),
      hostAliases: keyedList(
        ref(c('HostAlias')),
        ['ip'],
        "Hosts and IPs injected into the pod's hosts file.",
      ),
      hostIPC: bool("Use the host's ipc namespace."),
      hostNetwork: bool('Host networking requested for this pod.'),
      hostPID: bool("Use the host's pid namespace."),
      hostUsers: bool("Use the host's user namespace."),
      hostname: str('Specifies the hostname of the Pod.'),
      imagePullSecrets: keyedList(
        ref(c('LocalObjectReference')),
        ['name'],
        'Secrets in the same namespace to use for pulling images.',
      ),
      initContainers: keyedList(
        ref(c('Container')),
        ['name'],
        'Initialization containers, run in order before the app containers.',
      ),
      nodeName: str('Request to schedule this pod onto a specific node.'),
      nodeSelector: {
        ...strMap("Selector which must match a node's labels for the pod to be scheduled on that node."),
        'x-kubernetes-map-type': 'atomic',
      },
      os: loose('The OS of the containers in the pod.'),
      overhead: quantityMap('Resource overhead associated with running a pod for a given RuntimeClass.'),
      preemptionPolicy: str('Policy for preempting pods with lower priority: Never or PreemptLowerPriority.'),
      priority: int32('The priority value.'),
      priorityClassName: str("Indicates the pod's priority."),
      readinessGates: atomic(arr(ref(c('PodReadinessGate')), 'Conditions evaluated for pod readiness.')),
      resourceClaims: keyedList(
        ref(c('PodResourceClaim')),
        ['name'],
        'Resource claims the pod uses.',
        'merge,retainKeys',
      ),
      restartPolicy: str('Restart policy for all containers within the pod: Always, OnFailure or Never.'),
      runtimeClassName: str('RuntimeClass used to run this pod.'),
      schedulerName: str('The pod will be dispatched by this scheduler.'),
      schedulingGates: keyedList(
        ref(c('PodSchedulingGate')),
        ['name'],
        'Gates that block scheduling while present.',
      ),
      securityContext: ref(
        c('PodSecurityContext'),
        'Pod-level security attributes and common container settings.',
      ),
      serviceAccount: str('Deprecated alias for serviceAccountName.'),
      serviceAccountName: str('Name of the ServiceAccount to use to run this pod.'),
      setHostnameAsFQDN: bool("The pod's hostname is configured as the pod's FQDN."),
      shareProcessNamespace: bool('Share a single process namespace between all of the containers in a pod.'),
      subdomain: str(
        'The pod hostname will be "<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>".',
      ),
      terminationGracePeriodSeconds: int64('Duration in seconds the pod needs to terminate gracefully.'),
      tolerations: atomic(arr(ref(c('Toleration')), "If specified, the pod's tolerations.")),
      topologySpreadConstraints: keyedList(
        ref(c('TopologySpreadConstraint')),
        ['topologyKey', 'whenUnsatisfiable'],
        'How a group of pods ought to spread across topology domains.',
      ),
      volumes: keyedList(
        ref(c('Volume')),
        ['name'],
        'List of volumes that can be mounted by containers belonging to the pod.',
        'merge,retainKeys',
      ),
    },
    { d: 'PodSpec is a description of a pod.', required: ['containers'] },
  ),
  [c('PodStatus')]: obj(
    {
      conditions: conditions(c('PodCondition'), 'Current service state of pod.'),
      containerStatuses: atomic(
        arr(ref(c('ContainerStatus')), 'Statuses of the containers, one per container in the manifest.'),
      ),
      ephemeralContainerStatuses: atomic(
        arr(ref(c('ContainerStatus')), 'Statuses of the ephemeral containers.'),
      ),
      hostIP: str('IP address of the host to which the pod is assigned.'),
      hostIPs: keyedList(ref(c('HostIP')), ['ip'], 'IP addresses allocated to the host.'),
      initContainerStatuses: atomic(arr(ref(c('ContainerStatus')), 'Statuses of the init containers.')),
      message: str('Human readable message indicating details about why the pod is in this condition.'),
      nominatedNodeName: str('Node the pod is nominated to by preemption.'),
      phase: str('Pending, Running, Succeeded, Failed or Unknown.'),
      podIP: str('IP address allocated to the pod.'),
      podIPs: keyedList(ref(c('PodIP')), ['ip'], 'IP addresses allocated to the pod.'),
      qosClass: str('Quality of Service class: Guaranteed, Burstable or BestEffort.'),
      reason: str('Brief CamelCase message indicating why the pod is in this state.'),
      resize: str('Status of a pod resource resize.'),
      resourceClaimStatuses: keyedList(
        obj(
          {
            name: str('Name of the claim in pod.spec.resourceClaims.'),
            resourceClaimName: str('Name of the generated ResourceClaim.'),
          },
          { required: ['name'] },
        ),
        ['name'],
        'Status of resource claims.',
        'merge,retainKeys',
      ),
      startTime: time('Time when the object was acknowledged by the Kubelet.'),
    },
    { d: 'PodStatus represents information about the status of a pod.' },
  ),
  [c('PodCondition')]: obj(
    {
      lastProbeTime: time('Last time we probed the condition.'),
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      message: str('Human-readable message indicating details about last transition.'),
      reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: str('True, False or Unknown.'),
      type: str('Type is the type of the condition, e.g. Ready.'),
    },
    {
      d: 'PodCondition contains details for the current condition of this pod.',
      required: ['type', 'status'],
    },
  ),
  [c('PodIP')]: obj(
    { ip: str('IP address assigned to the pod.') },
    { d: 'PodIP represents a single IP address allocated to the pod.', required: ['ip'] },
  ),
  [c('HostIP')]: obj(
    { ip: str('IP address assigned to the host.') },
    { d: 'HostIP represents a single IP address allocated to the host.', required: ['ip'] },
  ),
  [c('HostAlias')]: obj(
    {
      hostnames: atomic(strArr('Hostnames for the above IP address.')),
      ip: str('IP address of the host file entry.'),
    },
    {
      d: "HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod's hosts file.",
      required: ['ip'],
    },
  ),
  [c('LocalObjectReference')]: obj(
    { name: str('Name of the referent.') },
    {
      d: 'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
      atomic: true,
    },
  ),
  [c('PodReadinessGate')]: obj(
    { conditionType: str("Refers to a condition in the pod's condition list.") },
    { d: 'PodReadinessGate contains the reference to a pod condition.', required: ['conditionType'] },
  ),
  [c('PodSchedulingGate')]: obj(
    { name: str('Name of the scheduling gate.') },
    { d: 'PodSchedulingGate is associated to a Pod to guard its scheduling.', required: ['name'] },
  ),
  [c('PodResourceClaim')]: obj(
    {
      name: str('Uniquely identifies this resource claim inside the pod.'),
      resourceClaimName: str('Name of a ResourceClaim object in the same namespace.'),
      resourceClaimTemplateName: str('Name of a ResourceClaimTemplate object in the same namespace.'),
    },
    { d: 'PodResourceClaim references exactly one ResourceClaim.', required: ['name'] },
  ),
  [c('PodSecurityContext')]: obj(
    {
      appArmorProfile: loose('AppArmor options to use by the containers in this pod.'),
      fsGroup: int64('A special supplemental group that applies to all containers in a pod.'),
      fsGroupChangePolicy: str(
        'Behavior of changing ownership and permission of the volume: OnRootMismatch or Always.',
      ),
      runAsGroup: int64('GID to run the entrypoint of the container process.'),
      runAsNonRoot: bool('The container must run as a non-root user.'),
      runAsUser: int64('UID to run the entrypoint of the container process.'),
      seLinuxOptions: loose('SELinux context to be applied to all containers.'),
      seccompProfile: loose('Seccomp options to use by the containers in this pod.'),
      supplementalGroups: atomic({
        type: 'array',
        items: { type: 'integer', format: 'int64' },
        description: 'Groups added to the first process run in each container.',
      }),
      supplementalGroupsPolicy: str(
        'How supplemental groups of the first container processes are calculated.',
      ),
      sysctls: atomic(arr(loose(), 'Namespaced sysctls used for the pod.')),
      windowsOptions: loose('Windows specific settings.'),
    },
    { d: 'PodSecurityContext holds pod-level security attributes and common container settings.' },
  ),
};
