/**
 * apimachinery schemas every group-version document shares: meta/v1 (ObjectMeta, ListMeta,
 * Status, DeleteOptions, WatchEvent, LabelSelector...), runtime.RawExtension, Quantity and
 * IntOrString. Discovery kinds and autoscaling/v1 Scale are in discovery-schemas.ts.
 */
import {
  INT_OR_STRING,
  META,
  QUANTITY,
  TIME,
  arr,
  bool,
  int32,
  int64,
  keyedList,
  obj,
  patchMeta,
  ref,
  str,
  strArr,
  strMap,
  time,
  typeMetaProps,
  withGvk,
  type Defs,
} from './schema-dsl.js';
import { DISCOVERY_DEFS } from './discovery-schemas.js';

const m = (name: string): string => `${META}${name}`;

const objectMeta = obj(
  {
    annotations: strMap(
      'Unstructured key value map stored with a resource that may be set by external tools.',
    ),
    creationTimestamp: time('Server time when this object was created. Read-only.'),
    deletionGracePeriodSeconds: int64('Seconds allowed for this object to gracefully terminate. Read-only.'),
    deletionTimestamp: time(
      'Time at which this resource will be deleted, set by the server on graceful deletion. Read-only.',
    ),
    finalizers: patchMeta(
      {
        ...strArr('Must be empty before the object is deleted from the registry.'),
        'x-kubernetes-list-type': 'set',
      },
      'merge',
    ),
    generateName: str(
      'Optional prefix used by the server to generate a unique name if name is not provided.',
    ),
    generation: int64('Sequence number of a specific generation of the desired state. Read-only.'),
    labels: strMap('Map of string keys and values that can be used to organize and categorize objects.'),
    managedFields: arr(ref(m('ManagedFieldsEntry')), 'Which field managers own which fields of this object.'),
    name: str('Name must be unique within a namespace. Cannot be updated.'),
    namespace: str('Namespace defines the space within which each name must be unique. Cannot be updated.'),
    ownerReferences: keyedList(ref(m('OwnerReference')), ['uid'], 'List of objects depended by this object.'),
    resourceVersion: str('Opaque value that represents the internal version of this object. Read-only.'),
    selfLink: str(
      'Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.',
    ),
    uid: str('Unique in time and space value for this object. Read-only.'),
  },
  { d: 'ObjectMeta is metadata that all persisted resources must have.' },
);

const listMeta = obj(
  {
    continue: str('Set when the list was truncated by limit; pass it back to get the next chunk.'),
    remainingItemCount: int64('Number of items left after this chunk, when known.'),
    resourceVersion: str('Opaque version of the list, usable to start a watch.'),
    selfLink: str('Deprecated and no longer populated.'),
  },
  {
    d: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.',
  },
);

const labelSelectorRequirement = obj(
  {
    key: str('The label key that the selector applies to.'),
    operator: str('Relationship of the key to the values: In, NotIn, Exists and DoesNotExist.'),
    values: {
      ...strArr('Values for In and NotIn; must be empty for Exists and DoesNotExist.'),
      'x-kubernetes-list-type': 'atomic',
    },
  },
  { d: 'A selector requirement: a key, an operator and values.', required: ['key', 'operator'] },
);

const condition = obj(
  {
    lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
    message: str('Human readable message about the transition.'),
    observedGeneration: int64('metadata.generation the condition was set from.'),
    reason: str('Programmatic identifier of the reason for the last transition.'),
    status: str('True, False or Unknown.'),
    type: str('Type of the condition in CamelCase.'),
  },
  {
    d: 'Condition contains details for one aspect of the current state of an API resource.',
    required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  },
);

/** The shared apimachinery and autoscaling definitions (DeleteOptions/WatchEvent get their GVK list per document). */
export const META_DEFS: Defs = {
  ...DISCOVERY_DEFS,
  [m('Condition')]: condition,
  [m('DeleteOptions')]: obj(
    {
      ...typeMetaProps(),
      dryRun: strArr('When present, modifications are not persisted. Valid value: All.'),
      gracePeriodSeconds: int64('Seconds before the object should be deleted; zero means immediately.'),
      orphanDependents: bool('Deprecated: use propagationPolicy.'),
      preconditions: ref(m('Preconditions'), 'Must be fulfilled before a deletion is carried out.'),
      propagationPolicy: str('Orphan, Background or Foreground.'),
    },
    { d: 'DeleteOptions may be provided when deleting an API object.' },
  ),
  [m('FieldsV1')]: {
    type: 'object',
    description: 'FieldsV1 stores a set of fields in a trie-like JSON structure.',
  },
  [m('LabelSelector')]: obj(
    {
      matchExpressions: arr(
        ref(m('LabelSelectorRequirement')),
        'List of label selector requirements, ANDed.',
      ),
      matchLabels: strMap('Map of {key,value} pairs, each equivalent to an In requirement with one value.'),
    },
    { d: 'A label selector; an empty selector matches all objects, a null one matches none.', atomic: true },
  ),
  [m('LabelSelectorRequirement')]: labelSelectorRequirement,
  [m('ListMeta')]: listMeta,
  [m('ManagedFieldsEntry')]: obj(
    {
      apiVersion: str('Version of the resource the field set applies to.'),
      fieldsType: str('Format of the fields field; only FieldsV1.'),
      fieldsV1: ref(m('FieldsV1'), 'The set of fields.'),
      manager: str('Identifier of the workflow managing these fields.'),
      operation: str('Apply or Update.'),
      subresource: str('Subresource the object was updated through, if any.'),
      time: time('When the fields were last changed.'),
    },
    {
      d: 'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.',
    },
  ),
  [`${META}MicroTime`]: {
    type: 'string',
    format: 'date-time',
    description: 'MicroTime is a version of Time with microsecond level precision.',
  },
  [m('ObjectMeta')]: objectMeta,
  [m('OwnerReference')]: obj(
    {
      apiVersion: str('API version of the referent.'),
      blockOwnerDeletion: bool(
        'If true, the owner cannot be deleted from storage before this reference is removed.',
      ),
      controller: bool('If true, this reference points to the managing controller.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
    },
    {
      d: 'OwnerReference identifies an owning object in the same namespace.',
      required: ['apiVersion', 'kind', 'name', 'uid'],
      atomic: true,
    },
  ),
  [m('Patch')]: {
    type: 'object',
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
  },
  [m('Preconditions')]: obj(
    { resourceVersion: str('Target resourceVersion.'), uid: str('Target UID.') },
    { d: 'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.' },
  ),
  [m('Status')]: withGvk(
    obj(
      {
        ...typeMetaProps(),
        code: int32('Suggested HTTP return code for this status, 0 if not set.'),
        details: ref(m('StatusDetails'), 'Extended data associated with the reason.'),
        message: str('Human-readable description of the status of this operation.'),
        metadata: ref(m('ListMeta'), 'Standard list metadata.'),
        reason: str('Machine-readable description of why this operation is in the Failure status.'),
        status: str('Success or Failure.'),
      },
      { d: 'Status is a return value for calls that do not return other objects.' },
    ),
    '',
    'v1',
    'Status',
  ),
  [m('StatusCause')]: obj(
    {
      field: str('Field of the resource that caused this error, in JSONPath-like form.'),
      message: str('Human-readable description of the cause of the error.'),
      reason: str('Machine-readable description of the cause of the error.'),
    },
    { d: 'StatusCause provides more information about an api.Status failure.' },
  ),
  [m('StatusDetails')]: obj(
    {
      causes: arr(ref(m('StatusCause')), 'Extended data associated with the reason.'),
      group: str('Group attribute of the resource associated with the status.'),
      kind: str('Kind attribute of the resource associated with the status.'),
      name: str('Name attribute of the resource associated with the status.'),
      retryAfterSeconds: int32('Seconds the client should wait before retrying.'),
      uid: str('UID of the resource.'),
    },
    { d: 'StatusDetails is a set of additional properties that MAY be set by the server.' },
  ),
  [TIME]: {
    type: 'string',
    format: 'date-time',
    description:
      'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON (RFC 3339).',
  },
  [m('WatchEvent')]: obj(
    {
      object: ref(
        'io.k8s.apimachinery.pkg.runtime.RawExtension',
        'The object: the full object for ADDED/MODIFIED/DELETED/BOOKMARK, a Status for ERROR.',
      ),
      type: str('ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.'),
    },
    { d: 'Event represents a single event to a watched resource.', required: ['type', 'object'] },
  ),
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {
    type: 'object',
    description: 'RawExtension is used to hold extensions in external versions.',
  },
  [QUANTITY]: {
    description: 'Quantity is a fixed-point representation of a number, e.g. 100m, 1Gi, 2.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  [INT_OR_STRING]: {
    description: 'IntOrString is a type that can hold an int32 or a string.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
};

/** Swagger 2.0 shapes of the definitions whose OpenAPI 3 shape uses oneOf (v2 has no oneOf). */
export const V2_OVERRIDES: Defs = {
  [QUANTITY]: {
    type: 'string',
    description: 'Quantity is a fixed-point representation of a number, e.g. 100m, 1Gi, 2.',
  },
  [INT_OR_STRING]: {
    type: 'string',
    format: 'int-or-string',
    description: 'IntOrString is a type that can hold an int32 or a string.',
  },
};

/** Kinds whose GVK list names every served group-version (DeleteOptions, WatchEvent). */
export const SHARED_KINDS: readonly string[] = ['DeleteOptions', 'WatchEvent'];
