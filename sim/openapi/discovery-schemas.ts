/**
 * Kinds served outside the resource paths: discovery documents (APIGroup, APIResourceList...),
 * version.Info, and autoscaling/v1 Scale, the body of every /scale subresource.
 */
import {
  META,
  arr,
  bool,
  int32,
  obj,
  ref,
  str,
  strArr,
  typeMetaProps,
  withGvk,
  type Defs,
} from './schema-dsl.js';

const m = (name: string): string => `${META}${name}`;

const apiResource = obj(
  {
    categories: strArr('Grouped resources this resource belongs to (e.g. all).'),
    group: str('Preferred group of the resource, when it differs from the containing group.'),
    kind: str('Kind for the resource.'),
    name: str('Plural name of the resource.'),
    namespaced: bool('Whether the resource is namespaced.'),
    shortNames: strArr('Suggested short names of the resource.'),
    singularName: str('Singular name of the resource.'),
    storageVersionHash: str('Hash of the storage version, for detecting storage migrations.'),
    verbs: strArr('Supported verbs.'),
    version: str('Preferred version of the resource, when it differs from the containing version.'),
  },
  {
    d: 'APIResource specifies the name of a resource and whether it is namespaced.',
    required: ['name', 'singularName', 'namespaced', 'kind', 'verbs'],
  },
);

const groupVersionForDiscovery = obj(
  { groupVersion: str('Group/version, e.g. apps/v1.'), version: str('Version, e.g. v1.') },
  { d: 'GroupVersion of a group, as discovery advertises it.', required: ['groupVersion', 'version'] },
);

const serverAddress = obj(
  {
    clientCIDR: str('The CIDR with which clients can match their IP.'),
    serverAddress: str('Address the client should use.'),
  },
  { d: 'Server address to use for clients in a given CIDR.', required: ['clientCIDR', 'serverAddress'] },
);

/** Discovery, version and Scale definitions. */
export const DISCOVERY_DEFS: Defs = {
  [m('APIGroup')]: withGvk(
    obj(
      {
        ...typeMetaProps(),
        name: str('Name of the group.'),
        preferredVersion: ref(m('GroupVersionForDiscovery'), 'The version preferred by the API server.'),
        serverAddressByClientCIDRs: arr(
          ref(m('ServerAddressByClientCIDR')),
          'Map of client CIDR to server address.',
        ),
        versions: arr(ref(m('GroupVersionForDiscovery')), 'Versions supported in this group.'),
      },
      {
        d: 'APIGroup contains the name, the supported versions, and the preferred version of a group.',
        required: ['name', 'versions'],
      },
    ),
    '',
    'v1',
    'APIGroup',
  ),
  [m('APIGroupList')]: withGvk(
    obj(
      { ...typeMetaProps(), groups: arr(ref(m('APIGroup')), 'List of groups.') },
      { d: 'APIGroupList is a list of APIGroup.', required: ['groups'] },
    ),
    '',
    'v1',
    'APIGroupList',
  ),
  [m('APIResource')]: apiResource,
  [m('APIResourceList')]: withGvk(
    obj(
      {
        ...typeMetaProps(),
        groupVersion: str('Group and version of the resources.'),
        resources: arr(ref(m('APIResource')), 'Resources in this group/version.'),
      },
      {
        d: 'APIResourceList is a list of APIResource for one group/version.',
        required: ['groupVersion', 'resources'],
      },
    ),
    '',
    'v1',
    'APIResourceList',
  ),
  [m('APIVersions')]: withGvk(
    obj(
      {
        ...typeMetaProps(),
        serverAddressByClientCIDRs: arr(
          ref(m('ServerAddressByClientCIDR')),
          'Map of client CIDR to server address.',
        ),
        versions: strArr('Versions available under /api.'),
      },
      {
        d: 'APIVersions lists the versions available under /api.',
        required: ['versions', 'serverAddressByClientCIDRs'],
      },
    ),
    '',
    'v1',
    'APIVersions',
  ),
  [m('GroupVersionForDiscovery')]: groupVersionForDiscovery,
  [m('ServerAddressByClientCIDR')]: serverAddress,
  'io.k8s.apimachinery.pkg.version.Info': obj(
    {
      buildDate: str(),
      compiler: str(),
      gitCommit: str(),
      gitTreeState: str(),
      gitVersion: str(),
      goVersion: str(),
      major: str(),
      minor: str(),
      platform: str(),
    },
    {
      d: 'Info contains versioning information.',
      required: [
        'major',
        'minor',
        'gitVersion',
        'gitCommit',
        'gitTreeState',
        'buildDate',
        'goVersion',
        'compiler',
        'platform',
      ],
    },
  ),
  'io.k8s.api.autoscaling.v1.Scale': withGvk(
    obj(
      {
        ...typeMetaProps(),
        metadata: ref(m('ObjectMeta'), "Standard object's metadata."),
        spec: ref('io.k8s.api.autoscaling.v1.ScaleSpec', 'Desired behavior of the scale.'),
        status: ref('io.k8s.api.autoscaling.v1.ScaleStatus', 'Current status of the scale. Read-only.'),
      },
      { d: 'Scale represents a scaling request for a resource.' },
    ),
    'autoscaling',
    'v1',
    'Scale',
  ),
  'io.k8s.api.autoscaling.v1.ScaleSpec': obj(
    { replicas: int32('Desired number of instances for the scaled object.') },
    { d: 'ScaleSpec describes the attributes of a scale subresource.' },
  ),
  'io.k8s.api.autoscaling.v1.ScaleStatus': obj(
    {
      replicas: int32('Actual number of observed instances of the scaled object.'),
      selector: str('Label query over pods that should match the replicas count, in string form.'),
    },
    { d: 'ScaleStatus represents the current status of a scale subresource.', required: ['replicas'] },
  ),
};
