/**
 * Per-kind API strategies, like kube-apiserver's registry strategies: the defaults a write
 * gets, its validation, and whether metadata.generation is tracked.
 */
import type { ResourceType } from '../resource-types.js';
import {
  configMapStrategy,
  eventStrategy,
  leaseStrategy,
  namespaceStrategy,
  nodeStrategy,
  pvcStrategy,
  secretStrategy,
  serviceAccountStrategy,
  serviceStrategy,
  simpleStrategy,
} from './core.js';
import { crdStrategy, customResourceStrategy } from './crd.js';
import { nameIsDNSSubdomain } from './names.js';
import { podStrategy } from './pod.js';
import type { KindStrategy } from './types.js';
import {
  daemonSetStrategy,
  deploymentStrategy,
  replicaSetStrategy,
  statefulSetStrategy,
} from './workloads.js';

export type { KindStrategy } from './types.js';
export { applySchemaDefaults, customResourceStrategy } from './crd.js';
export { podQOSClass } from './pod.js';

const BUILTIN: Record<string, KindStrategy> = {
  '/Pod': podStrategy,
  '/Service': serviceStrategy,
  '/Namespace': namespaceStrategy,
  '/Secret': secretStrategy,
  '/ConfigMap': configMapStrategy,
  '/PersistentVolumeClaim': pvcStrategy,
  '/Node': nodeStrategy,
  '/Event': eventStrategy,
  '/ServiceAccount': serviceAccountStrategy,
  'coordination.k8s.io/Lease': leaseStrategy,
  'apps/Deployment': deploymentStrategy,
  'apps/ReplicaSet': replicaSetStrategy,
  'apps/DaemonSet': daemonSetStrategy,
  'apps/StatefulSet': statefulSetStrategy,
  'apiextensions.k8s.io/CustomResourceDefinition': crdStrategy,
};

const namespacedGeneric = simpleStrategy(true, nameIsDNSSubdomain);
const clusterGeneric = simpleStrategy(false, nameIsDNSSubdomain);
const customNamespaced = customResourceStrategy(true);
const customCluster = customResourceStrategy(false);

/**
 * The strategy for a type. Custom resources get metadata validation and generation tracking but
 * no schema defaults here (the type carries no schema); use customResourceStrategy(namespaced,
 * schema) to apply a CRD version's `default`s.
 */
export function strategyFor(type: ResourceType): KindStrategy {
  if (type.custom) return type.namespaced ? customNamespaced : customCluster;
  return BUILTIN[`${type.group}/${type.kind}`] ?? (type.namespaced ? namespacedGeneric : clusterGeneric);
}
