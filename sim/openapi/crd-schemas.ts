/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition schemas, and the schemas of the custom
 * resources themselves, built from each CRD version's openAPIV3Schema as kube-apiserver does:
 * the user's schema with metadata pointing at ObjectMeta and the GVK extension added.
 */
import type { JsonObject } from '../k8s-types.js';
import { isJsonObject } from '../k8s-types.js';
import type { ResourceType } from '../resource-types.js';
import {
  META,
  arr,
  bool,
  conditions,
  gvk,
  int64,
  keyedList,
  kindDef,
  listDef,
  loose,
  mapOf,
  num,
  obj,
  ref,
  str,
  strArr,
  time,
  typeMetaProps,
  type Defs,
  type Schema,
} from './schema-dsl.js';

/** Prefix of the apiextensions/v1 definitions. */
export const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';
const x = (name: string): string => `${APIEXT}${name}`;
const atomic = (s: Schema): Schema => ({ ...s, 'x-kubernetes-list-type': 'atomic' });

const props = (): Schema => mapOf(ref(x('JSONSchemaProps')));
const schemaList = (d: string): Schema => atomic(arr(ref(x('JSONSchemaProps')), d));

const jsonSchemaProps = obj(
  {
    $ref: str(),
    $schema: str(),
    additionalItems: loose('JSONSchemaPropsOrBool: a schema or a boolean.'),
    additionalProperties: loose('JSONSchemaPropsOrBool: a schema or a boolean.'),
    allOf: schemaList('allOf'),
    anyOf: schemaList('anyOf'),
    default: loose('Default value for undefined object fields.'),
    definitions: props(),
    dependencies: mapOf(loose()),
    description: str(),
    enum: atomic(arr(loose())),
    example: loose(),
    exclusiveMaximum: bool(),
    exclusiveMinimum: bool(),
    externalDocs: obj(
      { description: str(), url: str() },
      { d: 'ExternalDocumentation allows referencing an external resource for extended documentation.' },
    ),
    format: str('Format of the value, e.g. int32, date-time, byte.'),
    id: str(),
    items: loose('JSONSchemaPropsOrArray: a schema or an array of schemas.'),
    maxItems: int64(),
    maxLength: int64(),
    maxProperties: int64(),
    maximum: num(),
    minItems: int64(),
    minLength: int64(),
    minProperties: int64(),
    minimum: num(),
    multipleOf: num(),
    not: ref(x('JSONSchemaProps')),
    nullable: bool(),
    oneOf: schemaList('oneOf'),
    pattern: str(),
    patternProperties: props(),
    properties: props(),
    required: atomic(strArr()),
    title: str(),
    type: str(),
    uniqueItems: bool(),
    'x-kubernetes-embedded-resource': bool('The field is a runtime.Object with TypeMeta and ObjectMeta.'),
    'x-kubernetes-int-or-string': bool('The field accepts integers and strings.'),
    'x-kubernetes-list-map-keys': atomic(strArr('Keys of a map-typed list.')),
    'x-kubernetes-list-type': str('atomic, set or map.'),
    'x-kubernetes-map-type': str('granular or atomic.'),
    'x-kubernetes-preserve-unknown-fields': bool('Stops the API server from pruning unspecified fields.'),
    'x-kubernetes-validations': keyedList(ref(x('ValidationRule')), ['rule'], 'CEL validation rules.'),
  },
  { d: 'JSONSchemaProps is a JSON-Schema following Specification Draft 4 (http://json-schema.org/).' },
);

const names = obj(
  {
    categories: atomic(strArr('Grouped resources this custom resource belongs to (e.g. all).')),
    kind: str('The serialized kind of the resource.'),
    listKind: str('The serialized kind of the list for this resource.'),
    plural: str('The plural name of the resource to serve.'),
    shortNames: atomic(strArr('Short names for the resource.')),
    singular: str('The singular name of the resource.'),
  },
  {
    d: 'CustomResourceDefinitionNames indicates the names to serve this CustomResourceDefinition.',
    required: ['plural', 'kind'],
  },
);

/** apiextensions.k8s.io/v1 definitions. */
export const CRD_DEFS: Defs = {
  [x('CustomResourceDefinition')]: kindDef(
    'apiextensions.k8s.io',
    'v1',
    'CustomResourceDefinition',
    'CustomResourceDefinition represents a resource that should be exposed on the API server.',
    {
      spec: ref(
        x('CustomResourceDefinitionSpec'),
        'Spec describes how the user wants the resources to appear.',
      ),
      status: ref(
        x('CustomResourceDefinitionStatus'),
        'Status indicates the actual state of the CustomResourceDefinition.',
      ),
    },
    ['spec'],
  ),
  [x('CustomResourceDefinitionList')]: listDef(
    'apiextensions.k8s.io',
    'v1',
    'CustomResourceDefinitionList',
    x('CustomResourceDefinition'),
    'CustomResourceDefinition',
  ),
  [x('CustomResourceDefinitionSpec')]: obj(
    {
      conversion: ref(x('CustomResourceConversion'), 'Conversion defines conversion settings for the CRD.'),
      group: str('The API group of the defined custom resource.'),
      names: ref(x('CustomResourceDefinitionNames'), 'Resource and kind names for the custom resource.'),
      preserveUnknownFields: bool(
        'Deprecated: preserve fields not in the schema when persisting to storage.',
      ),
      scope: str('Cluster or Namespaced.'),
      versions: atomic(
        arr(ref(x('CustomResourceDefinitionVersion')), 'The API versions of the defined custom resource.'),
      ),
    },
    {
      d: 'CustomResourceDefinitionSpec describes how a user wants their resource to appear.',
      required: ['group', 'names', 'scope', 'versions'],
    },
  ),
  [x('CustomResourceDefinitionNames')]: names,
  [x('CustomResourceDefinitionVersion')]: obj(
    {
      additionalPrinterColumns: atomic(
        arr(ref(x('CustomResourceColumnDefinition')), 'Additional columns returned in Table output.'),
      ),
      deprecated: bool('This version of the custom resource API is deprecated.'),
      deprecationWarning: str('Overrides the default warning returned to API clients.'),
      name: str('The version name, e.g. v1, v2beta1.'),
      schema: ref(
        x('CustomResourceValidation'),
        'Schema used for validation, pruning, and defaulting of this version.',
      ),
      selectableFields: atomic(
        arr(ref(x('SelectableField')), 'Paths to fields that may be used as field selectors.'),
      ),
      served: bool('Whether this version is served via REST APIs.'),
      storage: bool('Whether this version is used when persisting custom resources to storage.'),
      subresources: ref(
        x('CustomResourceSubresources'),
        'What subresources this version of the defined custom resource has.',
      ),
    },
    {
      d: 'CustomResourceDefinitionVersion describes a version for CRD.',
      required: ['name', 'served', 'storage'],
    },
  ),
  [x('CustomResourceValidation')]: obj(
    {
      openAPIV3Schema: ref(x('JSONSchemaProps'), 'The OpenAPI v3 schema to use for validation and pruning.'),
    },
    { d: 'CustomResourceValidation is a list of validation methods for CustomResources.' },
  ),
  [x('JSONSchemaProps')]: jsonSchemaProps,
  [x('ValidationRule')]: obj(
    {
      fieldPath: str('Field path returned when validation fails.'),
      message: str('Message displayed when validation fails.'),
      messageExpression: str('CEL expression that evaluates to the validation failure message.'),
      optionalOldSelf: bool('Run transition rules even on create or when the old value is absent.'),
      reason: str('Machine-readable validation failure reason.'),
      rule: str('The CEL expression.'),
    },
    {
      d: 'ValidationRule describes a validation rule written in the CEL expression language.',
      required: ['rule'],
    },
  ),
  [x('CustomResourceSubresources')]: obj(
    {
      scale: ref(x('CustomResourceSubresourceScale'), 'Enables the /scale subresource.'),
      status: loose('Enables the /status subresource.'),
    },
    { d: 'CustomResourceSubresources defines the status and scale subresources for CustomResources.' },
  ),
  [x('CustomResourceSubresourceScale')]: obj(
    {
      labelSelectorPath: str(
        'JSON path to the label selector in the custom resource, for Scale status.selector.',
      ),
      specReplicasPath: str('JSON path to the desired replicas in the custom resource.'),
      statusReplicasPath: str('JSON path to the observed replicas in the custom resource.'),
    },
    {
      d: 'CustomResourceSubresourceScale defines how to serve the scale subresource.',
      required: ['specReplicasPath', 'statusReplicasPath'],
    },
  ),
  [x('CustomResourceColumnDefinition')]: obj(
    {
      description: str('Human-readable description of this column.'),
      format: str('Optional OpenAPI type definition for this column.'),
      jsonPath: str(
        'Simple JSON path evaluated against each custom resource to produce the value for this column.',
      ),
      name: str('Human-readable name for the column.'),
      priority: {
        type: 'integer',
        format: 'int32',
        description: 'Importance of this column relative to others; 0 is highest.',
      },
      type: str('OpenAPI type definition for this column.'),
    },
    {
      d: 'CustomResourceColumnDefinition specifies a column for server side printing.',
      required: ['name', 'type', 'jsonPath'],
    },
  ),
  [x('SelectableField')]: obj(
    { jsonPath: str('JSON path to a field that may be used with field selectors.') },
    { d: 'A field that may be used with field selectors.', required: ['jsonPath'] },
  ),
  [x('CustomResourceConversion')]: obj(
    {
      strategy: str('None or Webhook.'),
      webhook: loose('How to call the conversion webhook. Required when strategy is Webhook.'),
    },
    {
      d: 'CustomResourceConversion describes how to convert different versions of a CR.',
      required: ['strategy'],
    },
  ),
  [x('CustomResourceDefinitionStatus')]: obj(
    {
      acceptedNames: ref(
        x('CustomResourceDefinitionNames'),
        'The names that are actually being used to serve discovery.',
      ),
      conditions: conditions(
        x('CustomResourceDefinitionCondition'),
        'Conditions indicate state for particular aspects of a CustomResourceDefinition.',
      ),
      storedVersions: atomic(strArr('All versions of this custom resource that were ever persisted.')),
    },
    { d: 'CustomResourceDefinitionStatus indicates the state of the CustomResourceDefinition.' },
  ),
  [x('CustomResourceDefinitionCondition')]: obj(
    {
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      message: str('Human-readable message indicating details about last transition.'),
      reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: str('True, False or Unknown.'),
      type: str('Established, NamesAccepted or Terminating.'),
    },
    {
      d: 'CustomResourceDefinitionCondition contains details for the current condition of this CRD.',
      required: ['type', 'status'],
    },
  ),
};

/** Definition name kube-apiserver gives a custom kind: reversed group, version, kind. */
export function customDefName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

/** The kind and list definitions of one served custom resource version. */
export function customResourceDefs(t: ResourceType, schema: JsonObject | undefined): Defs {
  const name = customDefName(t.group, t.version, t.kind);
  const user: JsonObject = schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const userProps = isJsonObject(user['properties']) ? user['properties'] : {};
  const kindSchema: Schema = {
    ...user,
    type: typeof user['type'] === 'string' ? user['type'] : 'object',
    properties: {
      ...userProps,
      ...typeMetaProps(),
      metadata: ref(`${META}ObjectMeta`, "Standard object's metadata."),
    },
    'x-kubernetes-group-version-kind': [gvk(t.group, t.version, t.kind)],
  };
  return {
    [name]: kindSchema,
    [customDefName(t.group, t.version, t.listKind)]: listDef(t.group, t.version, t.listKind, name, t.kind),
  };
}
