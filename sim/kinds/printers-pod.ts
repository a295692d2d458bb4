/**
 * The pod printer, ported from printPod in kube-apiserver's
 * pkg/printers/internalversion/printers.go: READY, the STATUS reason kubectl shows
 * (init progress, waiting/terminated reasons, Terminating) and RESTARTS with "(5m ago)".
 */
import type { JsonObject, KubeObject } from '../k8s-types.js';
import {
  AGE_COLUMN,
  ago,
  col,
  humanDuration,
  NAME_COLUMN,
  parseTime,
  type Printer,
  type PrintedRow,
} from './print-util.js';
import { arr, num, obj, objs, str } from './util.js';

function podRow(pod: KubeObject, now: Date): PrintedRow {
  const spec = obj(pod, 'spec') ?? {};
  const status = obj(pod, 'status') ?? {};
  let restarts = 0;
  let restartableInitRestarts = 0;
  let total = arr(spec, 'containers').length;
  let ready = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;
  const phase = str(status, 'phase') ?? '';
  let reason = str(status, 'reason') || phase;
  const conds = objs(status, 'conditions');
  if (conds.some((c) => c['type'] === 'PodScheduled' && c['reason'] === 'SchedulingGated'))
    reason = 'SchedulingGated';
  const row: PrintedRow = { cells: [] };
  if (phase === 'Succeeded')
    row.conditions = [
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ];
  if (phase === 'Failed')
    row.conditions = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

  const initSpecs = objs(spec, 'initContainers');
  const restartable = new Set(
    initSpecs.filter((c) => c['restartPolicy'] === 'Always').map((c) => str(c, 'name') ?? ''),
  );
  total += restartable.size;
  const finishedAt = (c: JsonObject): number =>
    parseTime(obj(obj(c, 'lastState'), 'terminated')?.['finishedAt']) ?? 0;

  let initializing = false;
  const initStatuses = objs(status, 'initContainerStatuses');
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i] ?? {};
    const rc = num(c, 'restartCount') ?? 0;
    restarts += rc;
    lastRestart = Math.max(lastRestart, finishedAt(c));
    const isRestartable = restartable.has(str(c, 'name') ?? '');
    if (isRestartable) {
      restartableInitRestarts += rc;
      lastRestartableInitRestart = Math.max(lastRestartableInitRestart, finishedAt(c));
    }
    const terminated = obj(obj(c, 'state'), 'terminated');
    const waiting = obj(obj(c, 'state'), 'waiting');
    if (terminated && (num(terminated, 'exitCode') ?? 0) === 0) continue;
    if (isRestartable && c['started'] === true) {
      if (c['ready'] === true) ready++;
      continue;
    }
    if (terminated) {
      const r = str(terminated, 'reason');
      const sig = num(terminated, 'signal') ?? 0;
      reason = r
        ? `Init:${r}`
        : sig !== 0
          ? `Init:Signal:${sig}`
          : `Init:ExitCode:${num(terminated, 'exitCode') ?? 0}`;
    } else if (waiting && str(waiting, 'reason') && waiting['reason'] !== 'PodInitializing') {
      reason = `Init:${str(waiting, 'reason') ?? ''}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  const initialized = conds.some((c) => c['type'] === 'Initialized' && c['status'] === 'True');
  if (!initializing || initialized) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = objs(status, 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i] ?? {};
      restarts += num(c, 'restartCount') ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(c));
      const state = obj(c, 'state');
      const waiting = obj(state, 'waiting');
      const terminated = obj(state, 'terminated');
      if (waiting && str(waiting, 'reason')) reason = str(waiting, 'reason') ?? '';
      else if (terminated && str(terminated, 'reason')) reason = str(terminated, 'reason') ?? '';
      else if (terminated) {
        const sig = num(terminated, 'signal') ?? 0;
        reason = sig !== 0 ? `Signal:${sig}` : `ExitCode:${num(terminated, 'exitCode') ?? 0}`;
      } else if (c['ready'] === true && obj(state, 'running')) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning)
      reason = conds.some((c) => c['type'] === 'Ready' && c['status'] === 'True') ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp && status['reason'] === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Failed' && phase !== 'Succeeded')
    reason = 'Terminating';

  const restartsStr =
    restarts !== 0 && lastRestart !== 0
      ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`
      : String(restarts);
  const podIP = str(objs(status, 'podIPs')[0], 'ip') || str(status, 'podIP') || '<none>';
  let gates = '<none>';
  const rg = objs(spec, 'readinessGates');
  if (rg.length > 0) {
    const trueCount = rg.filter(
      (g) => conds.find((c) => c['type'] === g['conditionType'])?.['status'] === 'True',
    ).length;
    gates = `${trueCount}/${rg.length}`;
  }
  row.cells = [
    pod.metadata.name ?? '',
    `${ready}/${total}`,
    reason,
    restartsStr,
    ago(pod.metadata.creationTimestamp, now),
    podIP,
    str(spec, 'nodeName') || '<none>',
    str(status, 'nominatedNodeName') || '<none>',
    gates,
  ];
  return row;
}

/** Pod columns and rows. */
export const podPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE_COLUMN,
    col(
      'IP',
      'string',
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      1,
    ),
    col(
      'Node',
      'string',
      'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename',
      1,
    ),
    col(
      'Nominated Node',
      'string',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.',
      1,
    ),
    col(
      'Readiness Gates',
      'string',
      'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
      1,
    ),
  ],
  row: podRow,
};
