/**
 * Server-side printers for apps/v1 workloads, plus the default table convertor
 * (Name, Created At) that CRDs and unknown kinds get.
 */
import type { KubeObject } from '../k8s-types.js';
import { formatLabelSelector, selectorFromLabelSelectorObject, selectorToString } from '../selectors.js';
import {
  AGE_COLUMN,
  AGE_DESC,
  ago,
  col,
  CONTAINERS_COLUMN,
  formatLabels,
  IMAGES_COLUMN,
  NAME_COLUMN,
  rfc3339,
  type Printer,
} from './print-util.js';
import { num, obj, objs, str, strMap } from './util.js';

const name = (o: KubeObject): string => o.metadata.name ?? '';
const age = (o: KubeObject, now: Date): string => ago(o.metadata.creationTimestamp, now);
const spec = (o: KubeObject): Record<string, unknown> => obj(o, 'spec') ?? {};
const status = (o: KubeObject): Record<string, unknown> => obj(o, 'status') ?? {};
const count = (o: Record<string, unknown>, key: string): number => num(o, key) ?? 0;

/** layoutContainerCells: comma-joined container names and images of the pod template. */
function containers(o: KubeObject): [string, string] {
  const cs = objs(obj(obj(spec(o), 'template'), 'spec'), 'containers');
  return [cs.map((c) => str(c, 'name') ?? '').join(','), cs.map((c) => str(c, 'image') ?? '').join(',')];
}

const SELECTOR_DESC =
  "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.";

const deploymentPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col(
      'Up-to-date',
      'string',
      'Total number of non-terminating pods targeted by this deployment that have the desired template spec.',
    ),
    col(
      'Available',
      'string',
      'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    col('Selector', 'string', SELECTOR_DESC, 1),
  ],
  row(d, now) {
    let selector: string;
    try {
      // printDeployment uses selector.String() directly: "" (not "<none>") when empty.
      selector = selectorToString(selectorFromLabelSelectorObject(spec(d)['selector']));
    } catch {
      selector = '<invalid>';
    }
    const [names, images] = containers(d);
    return {
      cells: [
        name(d),
        `${count(status(d), 'readyReplicas')}/${count(spec(d), 'replicas')}`,
        count(status(d), 'updatedReplicas'),
        count(status(d), 'availableReplicas'),
        age(d, now),
        names,
        images,
        selector,
      ],
    };
  },
};

const replicaSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Desired', 'integer', 'Replicas is the number of desired pods.'),
    col('Current', 'integer', 'Replicas is the most recently observed number of non-terminating pods.'),
    col(
      'Ready',
      'integer',
      'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.',
    ),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    col('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', 1),
  ],
  row(rs, now) {
    const [names, images] = containers(rs);
    return {
      cells: [
        name(rs),
        count(spec(rs), 'replicas'),
        count(status(rs), 'replicas'),
        count(status(rs), 'readyReplicas'),
        age(rs, now),
        names,
        images,
        formatLabelSelector(spec(rs)['selector']),
      ],
    };
  },
};

const daemonSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col(
      'Desired',
      'integer',
      'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).',
    ),
    col(
      'Current',
      'integer',
      'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
    ),
    col(
      'Ready',
      'integer',
      'Total number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.',
    ),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    col(
      'Available',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
    ),
    col(
      'Node Selector',
      'string',
      "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node.",
    ),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    col('Selector', 'string', 'A label query over pods that are managed by the daemon set.', 1),
  ],
  row(ds, now) {
    const st = status(ds);
    const [names, images] = containers(ds);
    return {
      cells: [
        name(ds),
        count(st, 'desiredNumberScheduled'),
        count(st, 'currentNumberScheduled'),
        count(st, 'numberReady'),
        count(st, 'updatedNumberScheduled'),
        count(st, 'numberAvailable'),
        formatLabels(strMap(obj(obj(spec(ds), 'template'), 'spec'), 'nodeSelector')),
        age(ds, now),
        names,
        images,
        formatLabelSelector(spec(ds)['selector']),
      ],
    };
  },
};

const statefulSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Ready', 'string', 'Number of the pod with ready state'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
  ],
  row(sts, now) {
    const [names, images] = containers(sts);
    return {
      cells: [
        name(sts),
        `${count(status(sts), 'readyReplicas')}/${count(spec(sts), 'replicas')}`,
        age(sts, now),
        names,
        images,
      ],
    };
  },
};

/** rest.NewDefaultTableConvertor: Name and an RFC 3339 "Created At" (CRDs use this too). */
export const DEFAULT_PRINTER: Printer = {
  columns: [NAME_COLUMN, col('Created At', 'date', AGE_DESC)],
  row: (o) => ({ cells: [name(o), rfc3339(o.metadata.creationTimestamp)] }),
};

/** apps/v1 printers keyed by group/Kind. */
export const APPS_PRINTERS: Record<string, Printer> = {
  'apps/Deployment': deploymentPrinter,
  'apps/ReplicaSet': replicaSetPrinter,
  'apps/DaemonSet': daemonSetPrinter,
  'apps/StatefulSet': statefulSetPrinter,
};
