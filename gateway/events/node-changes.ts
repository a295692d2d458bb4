/**
 * What changed between two snapshots of a node, in the nodeEvents vocabulary. Pure: the
 * event service diffs each node against the last state it reported (kept in memory and in
 * the store), never against intermediate cache states, so a relist after an outage or a
 * gateway restart yields only the real differences.
 */
import type { NodeEventType } from '../vocabulary.js';
import type { ConditionProjection, NodeProjection, NodeReadiness } from '../clusters/projections.js';

/** The part of a node that events report as previous and new state. */
export interface NodeStateView {
  readiness: NodeReadiness;
  unschedulable: boolean;
  conditions: ConditionProjection[];
}

/** One change found between two snapshots. */
export interface NodeChange {
  type: Exclude<NodeEventType, 'KUBERNETES_EVENT'>;
  /** For NODE_CONDITION_CHANGED: the condition type (MemoryPressure, ...). */
  condition?: string;
  /** When the change happened on the cluster, when the node says so (condition lastTransitionTime, creationTimestamp). */
  occurredAt: string | null;
}

/** The reported state of a node. */
export function nodeStateOf(node: NodeProjection): NodeStateView {
  return { readiness: node.readiness, unschedulable: node.unschedulable, conditions: node.conditions };
}

const READINESS_EVENT: Record<NodeReadiness, NodeChange['type']> = {
  READY: 'NODE_READY',
  NOT_READY: 'NODE_NOT_READY',
  UNKNOWN: 'NODE_UNKNOWN',
};

/**
 * The changes from previous to current: NODE_ADDED or NODE_REMOVED when one side is absent
 * (or the uid changed: the node was deleted and registered again), else readiness, pressure
 * conditions and cordon changes in that order. Heartbeat-only updates yield nothing.
 */
export function nodeChanges(
  previous: NodeProjection | undefined,
  current: NodeProjection | undefined,
): NodeChange[] {
  if (previous === undefined && current === undefined) return [];
  if (previous === undefined) return [{ type: 'NODE_ADDED', occurredAt: current?.creationTimestamp ?? null }];
  if (current === undefined) return [{ type: 'NODE_REMOVED', occurredAt: null }];
  if (previous.uid !== current.uid) {
    return [
      { type: 'NODE_REMOVED', occurredAt: null },
      { type: 'NODE_ADDED', occurredAt: current.creationTimestamp },
    ];
  }
  const out: NodeChange[] = [];
  if (previous.readiness !== current.readiness) {
    out.push({
      type: READINESS_EVENT[current.readiness],
      occurredAt: conditionOf(current, 'Ready')?.lastTransitionTime ?? null,
    });
  }
  const before = new Map(previous.conditions.map((c) => [c.type, c]));
  for (const c of current.conditions) {
    if (c.type === 'Ready') continue;
    const was = before.get(c.type);
    if (was?.status === c.status) continue;
    // A condition appearing as False (healthy) on a node that had none is not news.
    if (was === undefined && c.status === 'False') continue;
    out.push({ type: 'NODE_CONDITION_CHANGED', condition: c.type, occurredAt: c.lastTransitionTime });
  }
  const after = new Set(current.conditions.map((c) => c.type));
  for (const c of previous.conditions) {
    if (c.type === 'Ready' || after.has(c.type) || c.status === 'False') continue;
    out.push({ type: 'NODE_CONDITION_CHANGED', condition: c.type, occurredAt: null });
  }
  if (previous.unschedulable !== current.unschedulable) {
    out.push({ type: current.unschedulable ? 'NODE_CORDONED' : 'NODE_UNCORDONED', occurredAt: null });
  }
  return out;
}

function conditionOf(node: NodeProjection, type: string): ConditionProjection | undefined {
  return node.conditions.find((c) => c.type === type);
}
