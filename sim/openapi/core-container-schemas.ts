/**
 * core/v1 Container and what hangs off it: ports, env, resources, probes, lifecycle hooks,
 * security context, volume mounts and the container status types.
 */
import {
  CORE,
  arr,
  bool,
  int32,
  int64,
  intOrString,
  keyedList,
  loose,
  obj,
  quantityMap,
  ref,
  str,
  strArr,
  time,
  type Defs,
  type Schema,
} from './schema-dsl.js';

const c = (name: string): string => `${CORE}${name}`;
const atomic = (s: Schema): Schema => ({ ...s, 'x-kubernetes-list-type': 'atomic' });

/** Fields of Container, shared with EphemeralContainer as in the Go types. */
function containerProps(): Record<string, Schema> {
  return {
    args: atomic(strArr('Arguments to the entrypoint; the image CMD is used if not provided.')),
    command: atomic(strArr('Entrypoint array; the image ENTRYPOINT is used if not provided.')),
    env: keyedList(ref(c('EnvVar')), ['name'], 'List of environment variables to set in the container.'),
    envFrom: atomic(
      arr(ref(c('EnvFromSource')), 'Sources to populate environment variables in the container.'),
    ),
    image: str('Container image name.'),
    imagePullPolicy: str('Always, Never or IfNotPresent.'),
    lifecycle: ref(
      c('Lifecycle'),
      'Actions the management system should take in response to container lifecycle events.',
    ),
    livenessProbe: ref(
      c('Probe'),
      'Periodic probe of container liveness; the container restarts if it fails.',
    ),
    name: str(
      'Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name. Cannot be updated.',
    ),
    ports: keyedList(
      ref(c('ContainerPort')),
      ['containerPort', 'protocol'],
      'List of ports to expose from the container.',
    ),
    readinessProbe: ref(c('Probe'), 'Periodic probe of container service readiness.'),
    resizePolicy: atomic(arr(ref(c('ContainerResizePolicy')), 'Resources resize policy for the container.')),
    resources: ref(c('ResourceRequirements'), 'Compute resources required by this container.'),
    restartPolicy: str('Restart behavior of an init container (Always makes it a sidecar).'),
    securityContext: ref(c('SecurityContext'), 'Security options the container should be run with.'),
    startupProbe: ref(c('Probe'), 'Probe indicating the container has successfully initialized.'),
    stdin: bool('Whether this container should allocate a buffer for stdin.'),
    stdinOnce: bool('Whether the container runtime should close stdin after it has been opened once.'),
    terminationMessagePath: str('Path at which the termination message is written.'),
    terminationMessagePolicy: str('File or FallbackToLogsOnError.'),
    tty: bool('Whether this container should allocate a TTY.'),
    volumeDevices: keyedList(
      ref(c('VolumeDevice')),
      ['devicePath'],
      'Block devices to be used by the container.',
    ),
    volumeMounts: keyedList(
      ref(c('VolumeMount')),
      ['mountPath'],
      "Pod volumes to mount into the container's filesystem.",
    ),
    workingDir: str("Container's working directory."),
  };
}

const keySelector = (what: string): Schema =>
  obj(
    {
      key: str(`The key of the ${what} to select.`),
      name: str(`Name of the referent ${what}.`),
      optional: bool(`Specify whether the ${what} or its key must be defined.`),
    },
    { d: `Selects a key of a ${what}.`, required: ['key'], atomic: true },
  );

const handlerProps = (): Record<string, Schema> => ({
  exec: ref(c('ExecAction'), 'Exec specifies a command to execute in the container.'),
  httpGet: ref(c('HTTPGetAction'), 'HTTPGet specifies an HTTP GET request to perform.'),
  tcpSocket: ref(c('TCPSocketAction'), 'TCPSocket specifies a connection to a TCP port.'),
});

const containerStateProps = (): Record<string, Schema> => ({
  running: ref(c('ContainerStateRunning'), 'Details about a running container.'),
  terminated: ref(c('ContainerStateTerminated'), 'Details about a terminated container.'),
  waiting: ref(c('ContainerStateWaiting'), 'Details about a waiting container.'),
});

/** Container-level core/v1 definitions. */
export const CONTAINER_DEFS: Defs = {
  [c('Container')]: obj(containerProps(), {
    d: 'A single application container that you want to run within a pod.',
    required: ['name'],
  }),
  [c('EphemeralContainer')]: obj(
    {
      ...containerProps(),
      targetContainerName: str('Name of the container from PodSpec that this ephemeral container targets.'),
    },
    { d: 'A temporary container added to an existing pod for debugging.', required: ['name'] },
  ),
  [c('ContainerPort')]: obj(
    {
      containerPort: int32("Number of port to expose on the pod's IP address."),
      hostIP: str('What host IP to bind the external port to.'),
      hostPort: int32('Number of port to expose on the host.'),
      name: str('IANA_SVC_NAME naming the port, referable by services.'),
      protocol: str('UDP, TCP, or SCTP. Defaults to "TCP".'),
    },
    { d: 'ContainerPort represents a network port in a single container.', required: ['containerPort'] },
  ),
  [c('EnvVar')]: obj(
    {
      name: str('Name of the environment variable.'),
      value: str('Value of the variable; $(VAR_NAME) references are expanded.'),
      valueFrom: ref(c('EnvVarSource'), "Source for the environment variable's value."),
    },
    { d: 'EnvVar represents an environment variable present in a Container.', required: ['name'] },
  ),
  [c('EnvVarSource')]: obj(
    {
      configMapKeyRef: ref(c('ConfigMapKeySelector'), 'Selects a key of a ConfigMap.'),
      fieldRef: ref(c('ObjectFieldSelector'), 'Selects a field of the pod.'),
      resourceFieldRef: ref(c('ResourceFieldSelector'), 'Selects a resource of the container.'),
      secretKeyRef: ref(c('SecretKeySelector'), "Selects a key of a secret in the pod's namespace."),
    },
    { d: 'EnvVarSource represents a source for the value of an EnvVar.' },
  ),
  [c('ConfigMapKeySelector')]: keySelector('ConfigMap'),
  [c('SecretKeySelector')]: keySelector('Secret'),
  [c('ObjectFieldSelector')]: obj(
    {
      apiVersion: str('Version of the schema the FieldPath is written in.'),
      fieldPath: str('Path of the field to select.'),
    },
    {
      d: 'ObjectFieldSelector selects an APIVersioned field of an object.',
      required: ['fieldPath'],
      atomic: true,
    },
  ),
  [c('ResourceFieldSelector')]: obj(
    {
      containerName: str('Container name: required for volumes, optional for env vars.'),
      divisor: ref(
        'io.k8s.apimachinery.pkg.api.resource.Quantity',
        'Output format of the exposed resources.',
      ),
      resource: str('Required: resource to select.'),
    },
    {
      d: 'ResourceFieldSelector represents container resources (cpu, memory) and their output format.',
      required: ['resource'],
      atomic: true,
    },
  ),
  [c('EnvFromSource')]: obj(
    {
      configMapRef: ref(c('ConfigMapEnvSource'), 'The ConfigMap to select from.'),
      prefix: str('Optional identifier to prepend to each key.'),
      secretRef: ref(c('SecretEnvSource'), 'The Secret to select from.'),
    },
    { d: 'EnvFromSource represents the source of a set of ConfigMaps or Secrets.' },
  ),
  [c('ConfigMapEnvSource')]: obj(
    { name: str('Name of the referent.'), optional: bool('Specify whether the ConfigMap must be defined.') },
    { d: 'Selects a ConfigMap to populate the environment variables with.' },
  ),
  [c('SecretEnvSource')]: obj(
    { name: str('Name of the referent.'), optional: bool('Specify whether the Secret must be defined.') },
    { d: 'Selects a Secret to populate the environment variables with.' },
  ),
  [c('ResourceRequirements')]: obj(
    {
      claims: keyedList(
        ref(c('ResourceClaim')),
        ['name'],
        'Names of resources, defined in spec.resourceClaims, used by this container.',
      ),
      limits: quantityMap('Maximum amount of compute resources allowed.'),
      requests: quantityMap('Minimum amount of compute resources required.'),
    },
    { d: 'ResourceRequirements describes the compute resource requirements.' },
  ),
  [c('ResourceClaim')]: obj(
    {
      name: str('Name of one entry in pod.spec.resourceClaims.'),
      request: str('Name of a request in the referenced claim.'),
    },
    { d: 'ResourceClaim references one entry in PodSpec.ResourceClaims.', required: ['name'] },
  ),
  [c('ContainerResizePolicy')]: obj(
    {
      resourceName: str('Name of the resource (cpu or memory).'),
      restartPolicy: str('NotRequired or RestartContainer.'),
    },
    {
      d: 'ContainerResizePolicy represents resource resize policy for the container.',
      required: ['resourceName', 'restartPolicy'],
    },
  ),
  [c('VolumeMount')]: obj(
    {
      mountPath: str('Path within the container at which the volume should be mounted.'),
      mountPropagation: str('How mounts are propagated from the host to container and the other way around.'),
      name: str('Must match the name of a volume.'),
      readOnly: bool('Mounted read-only if true.'),
      recursiveReadOnly: str('Whether read-only mounts should be handled recursively.'),
      subPath: str("Path within the volume from which the container's volume should be mounted."),
      subPathExpr: str('Expanded path within the volume from which the volume should be mounted.'),
    },
    {
      d: 'VolumeMount describes a mounting of a Volume within a container.',
      required: ['name', 'mountPath'],
    },
  ),
  [c('VolumeDevice')]: obj(
    {
      devicePath: str('Path inside the container the device will be mapped to.'),
      name: str('Must match the name of a persistentVolumeClaim in the pod.'),
    },
    {
      d: 'volumeDevice describes a mapping of a raw block device within a container.',
      required: ['name', 'devicePath'],
    },
  ),
  [c('Probe')]: obj(
    {
      ...handlerProps(),
      failureThreshold: int32('Minimum consecutive failures for the probe to be considered failed.'),
      grpc: ref(c('GRPCAction'), 'GRPC specifies a GRPC HealthCheckRequest.'),
      initialDelaySeconds: int32('Seconds after the container has started before probes are initiated.'),
      periodSeconds: int32('How often (in seconds) to perform the probe.'),
      successThreshold: int32('Minimum consecutive successes for the probe to be considered successful.'),
      terminationGracePeriodSeconds: int64('Grace period the pod gets on probe failure.'),
      timeoutSeconds: int32('Seconds after which the probe times out.'),
    },
    { d: 'Probe describes a health check to be performed against a container.' },
  ),
  [c('ExecAction')]: obj(
    { command: atomic(strArr('Command line to execute inside the container.')) },
    { d: 'ExecAction describes a "run in container" action.' },
  ),
  [c('HTTPGetAction')]: obj(
    {
      host: str('Host name to connect to, defaults to the pod IP.'),
      httpHeaders: atomic(arr(ref(c('HTTPHeader')), 'Custom headers to set in the request.')),
      path: str('Path to access on the HTTP server.'),
      port: intOrString('Name or number of the port to access on the container.'),
      scheme: str('Scheme to use for connecting to the host. Defaults to HTTP.'),
    },
    { d: 'HTTPGetAction describes an action based on HTTP Get requests.', required: ['port'] },
  ),
  [c('HTTPHeader')]: obj(
    { name: str('The header field name.'), value: str('The header field value.') },
    { d: 'A custom header to be used in HTTP probes.', required: ['name', 'value'] },
  ),
  [c('TCPSocketAction')]: obj(
    {
      host: str('Host name to connect to, defaults to the pod IP.'),
      port: intOrString('Number or name of the port to access on the container.'),
    },
    { d: 'TCPSocketAction describes an action based on opening a socket.', required: ['port'] },
  ),
  [c('GRPCAction')]: obj(
    {
      port: int32('Port number of the gRPC service.'),
      service: str('Name of the service to place in the gRPC HealthCheckRequest.'),
    },
    { d: 'GRPCAction specifies a gRPC health check.', required: ['port'] },
  ),
  [c('Lifecycle')]: obj(
    {
      postStart: ref(c('LifecycleHandler'), 'Called immediately after a container is created.'),
      preStop: ref(c('LifecycleHandler'), 'Called immediately before a container is terminated.'),
    },
    {
      d: 'Lifecycle describes actions that the management system should take in response to container lifecycle events.',
    },
  ),
  [c('LifecycleHandler')]: obj(
    {
      ...handlerProps(),
      sleep: loose('Sleep represents the duration the container should sleep before being terminated.'),
    },
    { d: 'LifecycleHandler defines a specific action that should be taken in a lifecycle hook.' },
  ),
  [c('SecurityContext')]: obj(
    {
      allowPrivilegeEscalation: bool('Whether a process can gain more privileges than its parent process.'),
      appArmorProfile: loose('AppArmor options to use by this container.'),
      capabilities: ref(c('Capabilities'), 'Capabilities to add/drop when running containers.'),
      privileged: bool('Run container in privileged mode.'),
      procMount: str('Type of proc mount to use for the containers.'),
      readOnlyRootFilesystem: bool('Whether this container has a read-only root filesystem.'),
      runAsGroup: int64('GID to run the entrypoint of the container process.'),
      runAsNonRoot: bool('The container must run as a non-root user.'),
      runAsUser: int64('UID to run the entrypoint of the container process.'),
      seLinuxOptions: loose('SELinux context to be applied to the container.'),
      seccompProfile: loose('Seccomp options to use by this container.'),
      windowsOptions: loose('Windows specific settings.'),
    },
    { d: 'SecurityContext holds security configuration that will be applied to a container.' },
  ),
  [c('Capabilities')]: obj(
    { add: atomic(strArr('Added capabilities.')), drop: atomic(strArr('Removed capabilities.')) },
    { d: 'Adds and removes POSIX capabilities from running containers.' },
  ),
  [c('ContainerStatus')]: obj(
    {
      allocatedResources: quantityMap('Compute resources allocated for this container by the node.'),
      containerID: str("Container's ID in the format '<type>://<container_id>'."),
      image: str('Name of the container image that the container is running.'),
      imageID: str("Image ID of the container's image."),
      lastState: ref(c('ContainerState'), "Details about the container's last termination condition."),
      name: str('Name of the container, as specified in the pod spec.'),
      ready: bool('Whether the container is currently passing its readiness check.'),
      resources: ref(
        c('ResourceRequirements'),
        'Compute resource requests and limits applied to the container.',
      ),
      restartCount: int32('Number of times the container has been restarted.'),
      started: bool('Whether the container has finished its postStart hook and passed its startup probe.'),
      state: ref(c('ContainerState'), "Details about the container's current condition."),
      volumeMounts: keyedList(ref(c('VolumeMountStatus')), ['mountPath'], 'Status of volume mounts.'),
    },
    {
      d: 'ContainerStatus contains details for the current status of this container.',
      required: ['name', 'ready', 'restartCount', 'image', 'imageID'],
    },
  ),
  [c('VolumeMountStatus')]: obj(
    { mountPath: str(), name: str(), readOnly: bool(), recursiveReadOnly: str() },
    { d: 'VolumeMountStatus shows status of volume mounts.', required: ['name', 'mountPath'] },
  ),
  [c('ContainerState')]: obj(containerStateProps(), {
    d: 'ContainerState holds a possible state of container; only one member may be set.',
  }),
  [c('ContainerStateRunning')]: obj(
    { startedAt: time('Time at which the container was last (re-)started.') },
    { d: 'A running container.' },
  ),
  [c('ContainerStateWaiting')]: obj(
    {
      message: str('Message regarding why the container is not yet running.'),
      reason: str('(Brief) reason the container is not yet running.'),
    },
    { d: 'A waiting container.' },
  ),
  [c('ContainerStateTerminated')]: obj(
    {
      containerID: str("Container's ID in the format '<type>://<container_id>'."),
      exitCode: int32('Exit status from the last termination of the container.'),
      finishedAt: time('Time at which the container last terminated.'),
      message: str('Message regarding the last termination of the container.'),
      reason: str('(Brief) reason from the last termination of the container.'),
      signal: int32('Signal from the last termination of the container.'),
      startedAt: time('Time at which previous execution of the container started.'),
    },
    { d: 'A terminated container.', required: ['exitCode'] },
  ),
};
