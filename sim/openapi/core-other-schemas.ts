/**
 * The other core/v1 kinds the simulator serves (Service, ConfigMap, Secret,
 * ServiceAccount, Event, PersistentVolumeClaim) plus Binding and policy/v1 Eviction, the
 * bodies of the pods/binding and pods/eviction subresources.
 */
import {
  CORE,
  META,
  arr,
  bool,
  conditions,
  gvk,
  int32,
  intOrString,
  keyedList,
  kindDef,
  loose,
  mapOf,
  obj,
  quantityMap,
  ref,
  str,
  strArr,
  strMap,
  time,
  typeMetaProps,
  coreKinds,
  simpleCondition,
  type Defs,
  type Schema,
} from './schema-dsl.js';

const c = (name: string): string => `${CORE}${name}`;
const atomic = (s: Schema): Schema => ({ ...s, 'x-kubernetes-list-type': 'atomic' });

const serviceSpec = obj(
  {
    allocateLoadBalancerNodePorts: bool(
      'Whether NodePorts will be automatically allocated for LoadBalancer services.',
    ),
    clusterIP: str('IP address of the service, usually assigned randomly; "None" makes a headless service.'),
    clusterIPs: atomic(strArr('IP addresses assigned to this service.')),
    externalIPs: atomic(
      strArr('IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    ),
    externalName: str(
      'External reference that discovery mechanisms will return as an alias (ExternalName services).',
    ),
    externalTrafficPolicy: str('Cluster or Local.'),
    healthCheckNodePort: int32('Healthcheck nodePort for the service.'),
    internalTrafficPolicy: str('Cluster or Local.'),
    ipFamilies: atomic(strArr('IP families (IPv4, IPv6) assigned to this service.')),
    ipFamilyPolicy: str('SingleStack, PreferDualStack or RequireDualStack.'),
    loadBalancerClass: str('Class of the load balancer implementation this Service belongs to.'),
    loadBalancerIP: str('Deprecated: load balancer IP.'),
    loadBalancerSourceRanges: atomic(strArr('Client IPs allowed through the cloud-provider load-balancer.')),
    ports: keyedList(
      ref(c('ServicePort')),
      ['port', 'protocol'],
      'The list of ports that are exposed by this service.',
    ),
    publishNotReadyAddresses: bool('Publish addresses of not-ready pods.'),
    selector: {
      ...strMap('Route service traffic to pods with label keys and values matching this selector.'),
      'x-kubernetes-map-type': 'atomic',
    },
    sessionAffinity: str('ClientIP or None.'),
    sessionAffinityConfig: obj(
      {
        clientIP: obj(
          { timeoutSeconds: int32('Seconds of ClientIP type session sticky time.') },
          { d: 'Configurations of Client IP based session affinity.' },
        ),
      },
      { d: 'Configurations of session affinity.' },
    ),
    trafficDistribution: str('How traffic is distributed to Service endpoints.'),
    type: str('ClusterIP, NodePort, LoadBalancer or ExternalName.'),
  },
  { d: 'ServiceSpec describes the attributes that a user creates on a service.' },
);

/** Service, ConfigMap, Secret, ServiceAccount, Event, PVC and friends (Node and Namespace: core-node-schemas.ts). */
export const CORE_OTHER_DEFS: Defs = {
  ...coreKinds([
    [
      'Service',
      'Service is a named abstraction of software service consisting of a local port that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.',
      {
        spec: ref(c('ServiceSpec'), 'Spec defines the behavior of a service.'),
        status: ref(c('ServiceStatus'), 'Most recently observed status of the service. Read-only.'),
      },
    ],
    [
      'ConfigMap',
      'ConfigMap holds configuration data for pods to consume.',
      {
        binaryData: mapOf({ type: 'string', format: 'byte' }, 'Binary data, base64 encoded.'),
        data: strMap('Configuration data.'),
        immutable: bool('If set to true, the data cannot be updated.'),
      },
    ],
    [
      'Secret',
      'Secret holds secret data of a certain type.',
      {
        data: mapOf({ type: 'string', format: 'byte' }, 'Secret data, base64 encoded.'),
        immutable: bool('If set to true, the data cannot be updated.'),
        stringData: strMap(
          'Write-only convenience field: non-binary secret data in string form, merged into data.',
        ),
        type: str('Used to facilitate programmatic handling of secret data.'),
      },
    ],
    [
      'ServiceAccount',
      'ServiceAccount binds together a name, a principal that can be authenticated and authorized, and a set of secrets.',
      {
        automountServiceAccountToken: bool(
          'Whether pods running as this service account should have an API token automatically mounted.',
        ),
        imagePullSecrets: atomic(
          arr(
            ref(c('LocalObjectReference')),
            'Secrets used to pull images for pods of this service account.',
          ),
        ),
        secrets: keyedList(
          ref(c('ObjectReference')),
          ['name'],
          'Secrets in the same namespace that pods running as this service account may use.',
        ),
      },
    ],
    [
      'Event',
      'Event is a report of an event somewhere in the cluster.',
      {
        action: str('What action was taken/failed regarding the Regarding object.'),
        count: int32('The number of times this event has occurred.'),
        eventTime: ref(`${META}MicroTime`, 'Time when this Event was first observed.'),
        firstTimestamp: time('The time at which the event was first recorded.'),
        involvedObject: ref(c('ObjectReference'), 'The object that this event is about.'),
        lastTimestamp: time('The time at which the most recent occurrence of this event was recorded.'),
        message: str('A human-readable description of the status of this operation.'),
        reason: str(
          "Short, machine understandable string that gives the reason for the transition into the object's current status.",
        ),
        related: ref(c('ObjectReference'), 'Optional secondary object for more complex actions.'),
        reportingComponent: str('Name of the controller that emitted this Event.'),
        reportingInstance: str('ID of the controller instance.'),
        series: ref(c('EventSeries'), 'Data about the Event series this event represents.'),
        source: ref(c('EventSource'), 'The component reporting this event.'),
        type: str('Normal or Warning.'),
      },
    ],
    [
      'PersistentVolumeClaim',
      "PersistentVolumeClaim is a user's request for and claim to a persistent volume.",
      {
        spec: ref(
          c('PersistentVolumeClaimSpec'),
          'Desired characteristics of a volume requested by a pod author.',
        ),
        status: ref(
          c('PersistentVolumeClaimStatus'),
          'Current information/status of a persistent volume claim. Read-only.',
        ),
      },
    ],
  ]),
  [c('ServiceSpec')]: serviceSpec,
  [c('ServicePort')]: obj(
    {
      appProtocol: str('The application protocol for this port.'),
      name: str('The name of this port within the service.'),
      nodePort: int32(
        'The port on each node on which this service is exposed when type is NodePort or LoadBalancer.',
      ),
      port: int32('The port that will be exposed by this service.'),
      protocol: str('TCP, UDP or SCTP. Default is TCP.'),
      targetPort: intOrString('Number or name of the port to access on the pods targeted by the service.'),
    },
    { d: "ServicePort contains information on service's port.", required: ['port'] },
  ),
  [c('ServiceStatus')]: obj(
    {
      conditions: keyedList(ref(`${META}Condition`), ['type'], 'Current service state.'),
      loadBalancer: ref(c('LoadBalancerStatus'), 'Current status of the load-balancer, if one is present.'),
    },
    { d: 'ServiceStatus represents the current status of a service.' },
  ),
  [c('LoadBalancerStatus')]: obj(
    { ingress: atomic(arr(ref(c('LoadBalancerIngress')), 'Ingress points for the load-balancer.')) },
    { d: 'LoadBalancerStatus represents the status of a load-balancer.' },
  ),
  [c('LoadBalancerIngress')]: obj(
    {
      hostname: str('Set for load-balancer ingress points that are DNS based.'),
      ip: str('Set for load-balancer ingress points that are IP based.'),
      ipMode: str('VIP or Proxy.'),
      ports: atomic(arr(loose(), 'Records of service ports.')),
    },
    { d: 'LoadBalancerIngress represents the status of a load-balancer ingress point.' },
  ),
  [c('ObjectReference')]: obj(
    {
      apiVersion: str('API version of the referent.'),
      fieldPath: str('If referring to a piece of an object instead of an entire object, a path to it.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      namespace: str('Namespace of the referent.'),
      resourceVersion: str('Specific resourceVersion to which this reference is made, if any.'),
      uid: str('UID of the referent.'),
    },
    {
      d: 'ObjectReference contains enough information to let you inspect or modify the referred object.',
      atomic: true,
    },
  ),
  [c('EventSource')]: obj(
    {
      component: str('Component from which the event is generated.'),
      host: str('Node name on which the event is generated.'),
    },
    { d: 'EventSource contains information for an event.' },
  ),
  [c('EventSeries')]: obj(
    {
      count: int32('Number of occurrences in this series up to the last heartbeat time.'),
      lastObservedTime: ref(`${META}MicroTime`, 'Time of the last occurrence observed.'),
    },
    { d: 'EventSeries contain information on series of events.' },
  ),
  [c('PersistentVolumeClaimSpec')]: obj(
    {
      accessModes: atomic(strArr('The desired access modes the volume should have.')),
      dataSource: ref(
        c('TypedLocalObjectReference'),
        'An existing VolumeSnapshot or PVC to populate the volume from.',
      ),
      dataSourceRef: loose('The object from which to populate the volume with data.'),
      resources: ref(c('VolumeResourceRequirements'), 'The minimum resources the volume should have.'),
      selector: ref(`${META}LabelSelector`, 'A label query over volumes to consider for binding.'),
      storageClassName: str('Name of the StorageClass required by the claim.'),
      volumeAttributesClassName: str('VolumeAttributesClass used by this claim.'),
      volumeMode: str('Filesystem or Block.'),
      volumeName: str('The binding reference to the PersistentVolume backing this claim.'),
    },
    { d: 'PersistentVolumeClaimSpec describes the common attributes of storage devices.' },
  ),
  [c('VolumeResourceRequirements')]: obj(
    {
      limits: quantityMap('Maximum amount of compute resources allowed.'),
      requests: quantityMap('Minimum amount of compute resources required.'),
    },
    { d: 'VolumeResourceRequirements describes the storage resource requirements for a volume.' },
  ),
  [c('TypedLocalObjectReference')]: obj(
    {
      apiGroup: str('Group of the resource being referenced.'),
      kind: str('Kind of resource being referenced.'),
      name: str('Name of resource being referenced.'),
    },
    {
      d: 'TypedLocalObjectReference contains enough information to let you locate the typed referenced object inside the same namespace.',
      required: ['kind', 'name'],
      atomic: true,
    },
  ),
  [c('PersistentVolumeClaimStatus')]: obj(
    {
      accessModes: atomic(strArr('The actual access modes the volume backing the PVC has.')),
      allocatedResources: quantityMap('Resources allocated to the claim.'),
      capacity: quantityMap('The actual resources of the underlying volume.'),
      conditions: conditions(
        c('PersistentVolumeClaimCondition'),
        'The current Condition of persistent volume claim.',
      ),
      phase: str('Pending, Bound or Lost.'),
    },
    { d: 'PersistentVolumeClaimStatus is the current status of a persistent volume claim.' },
  ),
  [c('PersistentVolumeClaimCondition')]: simpleCondition(
    'PersistentVolumeClaimCondition contains details about state of pvc.',
    {
      lastProbeTime: time('Last time we probed the condition.'),
    },
  ),
  [c('Binding')]: kindDef(
    '',
    'v1',
    'Binding',
    'Binding ties one object to another; for example, a pod is bound to a node by a scheduler.',
    { target: ref(c('ObjectReference'), 'The target object that you want to bind to the standard object.') },
    ['target'],
  ),
  'io.k8s.api.policy.v1.Eviction': (() => {
    const s = obj(
      {
        ...typeMetaProps(),
        deleteOptions: ref(`${META}DeleteOptions`, 'DeleteOptions may be provided.'),
        metadata: ref(`${META}ObjectMeta`, 'ObjectMeta describes the pod that is being evicted.'),
      },
      { d: 'Eviction evicts a pod from its node subject to certain policies and safety constraints.' },
    );
    s['x-kubernetes-group-version-kind'] = [gvk('policy', 'v1', 'Eviction')];
    return s;
  })(),
};
