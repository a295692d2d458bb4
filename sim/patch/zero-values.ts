/**
 * Go zero values of the built-in kinds as the apiserver serialises them. The field manager
 * compares a create against the zero object, so which structs are always present decides
 * where FieldsV1 gets "." entries.
 */
import type { JsonObject } from '../k8s-types.js';
import { isBuiltinKind } from './patch-meta.js';

/**
 * The Go zero value of a kind as the apiserver serialises it: non-pointer structs and
 * non-omitempty fields are present. The field manager compares a create against this object,
 * which is why a new Deployment's managedFields has no "." under f:spec but has one under f:labels.
 */
export function zeroObjectOf(kind: string, group?: string): JsonObject {
  if (!isBuiltinKind(kind, group)) return {};
  const tmpl = (): JsonObject => ({ metadata: { creationTimestamp: null }, spec: { containers: null } });
  const meta = { creationTimestamp: null };
  switch (kind) {
    case 'Pod':
      return { metadata: meta, spec: { containers: null }, status: {} };
    case 'Deployment':
      return { metadata: meta, spec: { selector: null, template: tmpl(), strategy: {} }, status: {} };
    case 'ReplicaSet':
      return { metadata: meta, spec: { selector: null, template: tmpl() }, status: { replicas: 0 } };
    case 'DaemonSet':
    case 'StatefulSet':
      return { metadata: meta, spec: { selector: null, template: tmpl(), updateStrategy: {} }, status: {} };
    case 'Service':
      return { metadata: meta, spec: {}, status: { loadBalancer: {} } };
    case 'Node':
    case 'Namespace':
      return { metadata: meta, spec: {}, status: {} };
    case 'PersistentVolumeClaim':
      return { metadata: meta, spec: { resources: {} }, status: {} };
    case 'Lease':
      return { metadata: meta, spec: {} };
    case 'Event':
      return {
        metadata: meta,
        involvedObject: {},
        source: {},
        firstTimestamp: null,
        lastTimestamp: null,
        eventTime: null,
      };
    case 'CustomResourceDefinition':
      return {
        metadata: meta,
        spec: { group: '', names: { plural: '', kind: '' }, scope: '', versions: null },
        status: { acceptedNames: { plural: '', kind: '' }, storedVersions: null },
      };
    case 'ConfigMap':
    case 'Secret':
    case 'ServiceAccount':
      return { metadata: meta };
    default:
      // Custom resources start from an empty unstructured object.
      return {};
  }
}
