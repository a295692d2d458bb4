/**
 * core/v1 Node and Namespace with their spec, status and condition types.
 */
import {
  CORE,
  arr,
  bool,
  conditions,
  int64,
  keyedList,
  loose,
  obj,
  patchMeta,
  quantityMap,
  ref,
  str,
  strArr,
  strSet,
  time,
  coreKinds,
  simpleCondition,
  type Defs,
  type Schema,
} from './schema-dsl.js';

const c = (name: string): string => `${CORE}${name}`;
const atomic = (s: Schema): Schema => ({ ...s, 'x-kubernetes-list-type': 'atomic' });

/** Node and Namespace definitions. */
export const NODE_DEFS: Defs = {
  ...coreKinds([
    [
      'Node',
      'Node is a worker node in Kubernetes.',
      {
        spec: ref(c('NodeSpec'), 'Spec defines the behavior of a node.'),
        status: ref(c('NodeStatus'), 'Most recently observed status of the node. Read-only.'),
      },
    ],
    [
      'Namespace',
      'Namespace provides a scope for Names.',
      {
        spec: ref(c('NamespaceSpec'), 'Spec defines the behavior of the Namespace.'),
        status: ref(c('NamespaceStatus'), 'Status describes the current status of a Namespace.'),
      },
    ],
  ]),
  [c('NodeSpec')]: obj(
    {
      configSource: loose('Deprecated.'),
      externalID: str('Deprecated.'),
      podCIDR: str('Pod IP range assigned to the node.'),
      podCIDRs: patchMeta(strSet('IP ranges assigned to the node for usage by Pods on that node.'), 'merge'),
      providerID: str('ID of the node assigned by the cloud provider.'),
      taints: atomic(arr(ref(c('Taint')), "If specified, the node's taints.")),
      unschedulable: bool('Unschedulable controls node schedulability of new pods.'),
    },
    { d: 'NodeSpec describes the attributes that a node is created with.' },
  ),
  [c('Taint')]: obj(
    {
      effect: str('NoSchedule, PreferNoSchedule or NoExecute.'),
      key: str('The taint key to be applied to a node.'),
      timeAdded: time('Time at which the taint was added (NoExecute only).'),
      value: str('The taint value corresponding to the taint key.'),
    },
    {
      d: 'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.',
      required: ['key', 'effect'],
    },
  ),
  [c('NodeStatus')]: obj(
    {
      addresses: keyedList(ref(c('NodeAddress')), ['type'], 'List of addresses reachable to the node.'),
      allocatable: quantityMap('Resources of a node that are available for scheduling.'),
      capacity: quantityMap('Total resources of the node.'),
      conditions: conditions(
        c('NodeCondition'),
        'Conditions is an array of current observed node conditions.',
      ),
      config: loose('Status of the config assigned to the node.'),
      daemonEndpoints: loose('Endpoints of daemons running on the Node.'),
      features: loose('Features supported by the node.'),
      images: atomic(arr(ref(c('ContainerImage')), 'List of container images on this node.')),
      nodeInfo: ref(c('NodeSystemInfo'), 'Set of ids/uuids to uniquely identify the node.'),
      phase: str('Deprecated: NodePhase is the recently observed lifecycle phase of the node.'),
      runtimeHandlers: atomic(arr(loose(), 'The available runtime handlers.')),
      volumesAttached: atomic(arr(loose(), 'List of volumes that are attached to the node.')),
      volumesInUse: atomic(strArr('List of attachable volumes in use (mounted) by the node.')),
    },
    { d: 'NodeStatus is information about the current status of a node.' },
  ),
  [c('NodeAddress')]: obj(
    { address: str('The node address.'), type: str('Hostname, ExternalIP or InternalIP.') },
    { d: "NodeAddress contains information for the node's address.", required: ['type', 'address'] },
  ),
  [c('NodeCondition')]: simpleCondition('NodeCondition contains condition information for a node.', {
    lastHeartbeatTime: time('Last time we got an update on a given condition.'),
  }),
  [c('ContainerImage')]: obj(
    {
      names: atomic(strArr('Names by which this image is known.')),
      sizeBytes: int64('The size of the image in bytes.'),
    },
    { d: 'Describe a container image.' },
  ),
  [c('NodeSystemInfo')]: obj(
    {
      architecture: str('The Architecture reported by the node.'),
      bootID: str('Boot ID reported by the node.'),
      containerRuntimeVersion: str('ContainerRuntime Version reported by the node.'),
      kernelVersion: str("Kernel Version reported by the node from 'uname -r'."),
      kubeProxyVersion: str('Deprecated: KubeProxy Version reported by the node.'),
      kubeletVersion: str('Kubelet Version reported by the node.'),
      machineID: str('MachineID reported by the node.'),
      operatingSystem: str('The Operating System reported by the node.'),
      osImage: str('OS Image reported by the node from /etc/os-release.'),
      systemUUID: str('SystemUUID reported by the node.'),
    },
    {
      d: 'NodeSystemInfo is a set of ids/uuids to uniquely identify the node.',
      required: [
        'machineID',
        'systemUUID',
        'bootID',
        'kernelVersion',
        'osImage',
        'containerRuntimeVersion',
        'kubeletVersion',
        'kubeProxyVersion',
        'operatingSystem',
        'architecture',
      ],
    },
  ),
  [c('NamespaceSpec')]: obj(
    {
      finalizers: atomic(
        strArr(
          'Finalizers is an opaque list of values that must be empty to permanently remove object from storage.',
        ),
      ),
    },
    { d: 'NamespaceSpec describes the attributes on a Namespace.' },
  ),
  [c('NamespaceStatus')]: obj(
    {
      conditions: conditions(
        c('NamespaceCondition'),
        "Represents the latest available observations of a namespace's current state.",
      ),
      phase: str('Active or Terminating.'),
    },
    { d: 'NamespaceStatus is information about the current status of a Namespace.' },
  ),
  [c('NamespaceCondition')]: simpleCondition('NamespaceCondition contains details about state of namespace.'),
};
