/**
 * core/v1 Volume and its sources (configMap, secret, emptyDir, hostPath, PVC typed; the rest
 * declared so their nested maps and lists can be walked, or kept loose).
 */
import {
  CORE,
  META,
  arr,
  bool,
  int32,
  loose,
  obj,
  ref,
  str,
  strMap,
  type Defs,
  type Schema,
} from './schema-dsl.js';

const c = (name: string): string => `${CORE}${name}`;
const atomic = (s: Schema): Schema => ({ ...s, 'x-kubernetes-list-type': 'atomic' });

/** Volume sources typed loosely: their inner fields are rarely edited by hand. */
const LOOSE_VOLUME_SOURCES = [
  'awsElasticBlockStore',
  'azureDisk',
  'azureFile',
  'cephfs',
  'cinder',
  'fc',
  'flexVolume',
  'flocker',
  'gcePersistentDisk',
  'gitRepo',
  'glusterfs',
  'image',
  'iscsi',
  'nfs',
  'photonPersistentDisk',
  'portworxVolume',
  'quobyte',
  'rbd',
  'scaleIO',
  'storageos',
  'vsphereVolume',
];

function volumeProps(): Record<string, Schema> {
  const props: Record<string, Schema> = {
    configMap: ref(
      c('ConfigMapVolumeSource'),
      'configMap represents a configMap that should populate this volume.',
    ),
    emptyDir: ref(
      c('EmptyDirVolumeSource'),
      "emptyDir represents a temporary directory that shares a pod's lifetime.",
    ),
    hostPath: ref(
      c('HostPathVolumeSource'),
      'hostPath represents a pre-existing file or directory on the host machine.',
    ),
    name: str('name of the volume. Must be a DNS_LABEL and unique within the pod.'),
    persistentVolumeClaim: ref(
      c('PersistentVolumeClaimVolumeSource'),
      'A reference to a PersistentVolumeClaim in the same namespace.',
    ),
    secret: ref(c('SecretVolumeSource'), 'secret represents a secret that should populate this volume.'),
  };
  for (const s of LOOSE_VOLUME_SOURCES) props[s] = loose(`${s} volume source.`);
  // Sources with nested maps or lists get those declared, so kubectl's strategic-merge diff can walk them.
  props['csi'] = obj(
    {
      driver: str('Name of the CSI driver that handles this volume.'),
      fsType: str('Filesystem type to mount.'),
      nodePublishSecretRef: ref(
        c('LocalObjectReference'),
        'Secret with sensitive information to pass to the CSI driver.',
      ),
      readOnly: bool('Read-only configuration for the volume.'),
      volumeAttributes: strMap('Driver-specific properties.'),
    },
    {
      d: 'csi represents ephemeral storage that is handled by certain external CSI drivers.',
      required: ['driver'],
    },
  );
  props['downwardAPI'] = obj(
    {
      defaultMode: int32('Mode bits used to set permissions on created files.'),
      items: atomic(arr(loose(), 'Downward API volume files.')),
    },
    { d: 'downwardAPI represents downward API about the pod that should populate this volume.' },
  );
  props['ephemeral'] = obj(
    {
      volumeClaimTemplate: obj(
        {
          metadata: ref(`${META}ObjectMeta`, 'Labels and annotations copied into the PVC.'),
          spec: ref(c('PersistentVolumeClaimSpec'), 'The specification for the PersistentVolumeClaim.'),
        },
        { d: 'Used to create a stand-alone PVC to provision the volume.', required: ['spec'] },
      ),
    },
    { d: 'ephemeral represents a volume that is handled by a cluster storage driver.' },
  );
  props['projected'] = obj(
    {
      defaultMode: int32('Mode bits used to set permissions on created files.'),
      sources: atomic(arr(loose(), 'List of volume projections.')),
    },
    { d: 'projected items for all in one resources secrets, configmaps, and downward API.' },
  );
  return props;
}

const items = (): Schema =>
  atomic(arr(ref(c('KeyToPath')), 'Keys to project into the volume, with their paths.'));

/** Volume-related core/v1 definitions. */
export const VOLUME_DEFS: Defs = {
  [c('Volume')]: obj(volumeProps(), {
    d: 'Volume represents a named volume in a pod that may be accessed by any container in the pod.',
    required: ['name'],
  }),
  [c('KeyToPath')]: obj(
    {
      key: str('The key to project.'),
      mode: int32('Mode bits used to set permissions on this file.'),
      path: str('Relative path of the file to map the key to.'),
    },
    { d: 'Maps a string key to a path within a volume.', required: ['key', 'path'] },
  ),
  [c('ConfigMapVolumeSource')]: obj(
    {
      defaultMode: int32('Mode bits used to set permissions on created files.'),
      items: items(),
      name: str('Name of the referent.'),
      optional: bool('Whether the ConfigMap or its keys must be defined.'),
    },
    { d: 'Adapts a ConfigMap into a volume.' },
  ),
  [c('SecretVolumeSource')]: obj(
    {
      defaultMode: int32('Mode bits used to set permissions on created files.'),
      items: items(),
      optional: bool('Whether the Secret or its keys must be defined.'),
      secretName: str("Name of the secret in the pod's namespace."),
    },
    { d: 'Adapts a Secret into a volume.' },
  ),
  [c('EmptyDirVolumeSource')]: obj(
    {
      medium: str('What type of storage medium should back this directory: "" or Memory.'),
      sizeLimit: ref(
        'io.k8s.apimachinery.pkg.api.resource.Quantity',
        'Total amount of local storage required for this EmptyDir volume.',
      ),
    },
    { d: 'Represents an empty directory for a pod.' },
  ),
  [c('HostPathVolumeSource')]: obj(
    {
      path: str('Path of the directory on the host.'),
      type: str('Type for HostPath Volume, e.g. Directory or File.'),
    },
    { d: 'Represents a host path mapped into a pod.', required: ['path'] },
  ),
  [c('PersistentVolumeClaimVolumeSource')]: obj(
    {
      claimName: str('Name of a PersistentVolumeClaim in the same namespace as the pod.'),
      readOnly: bool('Force the ReadOnly setting in VolumeMounts.'),
    },
    { d: "References the user's PVC in the same namespace.", required: ['claimName'] },
  ),
};
