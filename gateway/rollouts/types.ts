/**
 * The rollout vocabulary: what a fleet deployment mutation asks for (the action), how it
 * spreads over clusters (the strategy), and the state of the whole rollout and of each
 * cluster in it. Plain data, persisted as JSON by the store.
 */
import type { ClusterTarget } from '../vocabulary.js';

/** A rollout's overall phase. */
export const RolloutPhase = {
  /** Created; no cluster started yet. */
  PENDING: 'PENDING',
  /** Clusters are being changed (or wait for their cluster to return). */
  RUNNING: 'RUNNING',
  /** Stopped starting clusters: by pauseRollout, or because failures passed maxFailures. */
  PAUSED: 'PAUSED',
  /** Every cluster succeeded (or was skipped or superseded). */
  SUCCEEDED: 'SUCCEEDED',
  /** Finished, with failed clusters within maxFailures. */
  FAILED: 'FAILED',
  /** cancelRollout: clusters not started are CANCELLED. */
  CANCELLED: 'CANCELLED',
} as const;
/** One of RolloutPhase. */
export type RolloutPhase = (typeof RolloutPhase)[keyof typeof RolloutPhase];

/** One cluster's step in a rollout. */
export const ClusterRolloutState = {
  PENDING: 'PENDING',
  /** The write is being sent. */
  APPLYING: 'APPLYING',
  /** Written; waiting for the Deployment to converge (observedGeneration, updated and available replicas). */
  PROGRESSING: 'PROGRESSING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  /** The cluster is offline: the change is kept and applied when it returns. */
  WAITING_FOR_CLUSTER: 'WAITING_FOR_CLUSTER',
  /** Not done: its wait deadline passed, or the cluster was unregistered. */
  SKIPPED: 'SKIPPED',
  CANCELLED: 'CANCELLED',
  /** A newer rollout of the same Deployment took over this cluster before this one reached it. */
  SUPERSEDED: 'SUPERSEDED',
} as const;
/** One of ClusterRolloutState. */
export type ClusterRolloutState = (typeof ClusterRolloutState)[keyof typeof ClusterRolloutState];

/** States a cluster step does not leave. */
export const FINAL_STEP_STATES: ReadonlySet<ClusterRolloutState> = new Set([
  'SUCCEEDED',
  'FAILED',
  'SKIPPED',
  'CANCELLED',
  'SUPERSEDED',
]);

/** What the rollout does to the Deployment on each cluster. */
export type RolloutAction =
  | {
      type: 'APPLY';
      /** The Deployment (and optional extra objects: a Service, a ConfigMap), as JSON objects. */
      objects: Record<string, unknown>[];
    }
  | { type: 'SCALE'; replicas: number }
  | { type: 'SET_IMAGE'; images: { container: string; image: string }[] }
  | { type: 'RESTART'; restartedAt: string }
  | { type: 'ROLLBACK'; toRevision: number | null }
  | { type: 'DELETE' };

/** How a rollout spreads over its clusters. */
export interface RolloutStrategy {
  /** Clusters changed first, alone; then the rollout soaks before going on. */
  canary: { clusters: number; names: string[]; soakSeconds: number };
  /** Clusters changing at once after the canary. */
  maxConcurrentClusters: number;
  /** Batches never mix sites: the next site starts when the previous one is done. */
  bySite: boolean;
  /** Failed clusters tolerated before the rollout pauses (the larger of count and percent of clusters). */
  maxFailures: { count: number; percent: number };
  /** A cluster whose Deployment has not converged this long after the write fails. */
  progressDeadlineSeconds: number;
  /** How long an offline cluster is waited for; null waits forever. */
  waitForClusterSeconds: number | null;
}

/** One cluster's step. */
export interface ClusterStep {
  cluster: string;
  site: string;
  /** Order in the rollout (0 first). */
  position: number;
  canary: boolean;
  state: ClusterRolloutState;
  message: string | null;
  /** metadata.generation the write produced (PROGRESSING checks observedGeneration against it). */
  generation: number | null;
  /** ROLLBACK: the revision resolved for this cluster, kept so a retried write goes to the same one. */
  resolvedRevision: number | null;
  startedAt: string | null;
  /** When the write was acknowledged. */
  appliedAt: string | null;
  finishedAt: string | null;
  /** When it started waiting for its cluster. */
  waitingSince: string | null;
  updatedAt: string;
}

/** A dry run's answer for one cluster. */
export interface DryRunResult {
  cluster: string;
  /** CREATED, UNCHANGED, CHANGED, DELETED, or FAILED (with message). */
  change: 'CREATED' | 'UNCHANGED' | 'CHANGED' | 'DELETED' | 'FAILED';
  /** Paths of the fields that would change, e.g. spec.template.spec.containers[app].image. */
  changedFields: string[];
  message: string | null;
}

/** A rollout. */
export interface Rollout {
  id: string;
  actor: string;
  createdAt: string;
  updatedAt: string;
  namespace: string;
  deployment: string;
  action: RolloutAction;
  target: ClusterTarget;
  strategy: RolloutStrategy;
  dryRun: boolean;
  phase: RolloutPhase;
  message: string | null;
  /** Set by the idempotency key of the mutation, when given. */
  idempotencyKey: string | null;
  /** Images were checked against the target architectures (false when forced). */
  platformCheck: { checked: boolean; forced: boolean; warnings: string[] };
  /** When the canary finished (the soak runs from here). */
  canaryDoneAt: string | null;
  /** Per-cluster results of a dry run. */
  dryRunResults: DryRunResult[];
  steps: ClusterStep[];
}
