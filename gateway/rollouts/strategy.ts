/**
 * Rollout strategies: the safe defaults, validation of what a caller asks for, and the pure
 * scheduling decision "which clusters start now" that the engine applies on every tick.
 */
import { validationFailed } from '../errors.js';
import { FINAL_STEP_STATES, type ClusterStep, type Rollout, type RolloutStrategy } from './types.js';

/** One canary, a 30 s soak, then 5 clusters at a time, pausing at the first failure. */
export const DEFAULT_STRATEGY: RolloutStrategy = {
  canary: { clusters: 1, names: [], soakSeconds: 30 },
  maxConcurrentClusters: 5,
  bySite: false,
  maxFailures: { count: 0, percent: 0 },
  progressDeadlineSeconds: 600,
  waitForClusterSeconds: null,
};

/** What a caller may give; everything left out takes the default. */
export interface StrategyInput {
  canaryClusters?: number;
  canaryNames?: string[];
  canarySoakSeconds?: number;
  maxConcurrentClusters?: number;
  bySite?: boolean;
  maxFailures?: number;
  maxFailurePercent?: number;
  progressDeadlineSeconds?: number;
  waitForClusterSeconds?: number;
}

function intIn(value: number | undefined, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw validationFailed(
      `strategy.${field} is ${JSON.stringify(value)}; expected an integer from ${min} to ${max}`,
      { field: `strategy.${field}`, value },
    );
  }
  return value;
}

/** The strategy for a rollout over `clusters` (ordered), validated; VALIDATION_FAILED says what is wrong. */
export function resolveStrategy(input: StrategyInput, clusters: readonly string[]): RolloutStrategy {
  const d = DEFAULT_STRATEGY;
  const names = input.canaryNames ?? [];
  const unknown = names.filter((n) => !clusters.includes(n));
  if (unknown.length > 0) {
    throw validationFailed(
      `strategy.canaryNames ${JSON.stringify(unknown)} are not among the rollout's clusters; expected names of targeted clusters`,
      { field: 'strategy.canaryNames', value: unknown },
    );
  }
  return {
    canary: {
      clusters:
        names.length > 0
          ? names.length
          : intIn(input.canaryClusters, 'canaryClusters', 0, 1000, d.canary.clusters),
      names,
      soakSeconds: intIn(input.canarySoakSeconds, 'canarySoakSeconds', 0, 86_400, d.canary.soakSeconds),
    },
    maxConcurrentClusters: intIn(
      input.maxConcurrentClusters,
      'maxConcurrentClusters',
      1,
      1000,
      d.maxConcurrentClusters,
    ),
    bySite: input.bySite ?? d.bySite,
    maxFailures: {
      count: intIn(input.maxFailures, 'maxFailures', 0, 100_000, d.maxFailures.count),
      percent: intIn(input.maxFailurePercent, 'maxFailurePercent', 0, 100, d.maxFailures.percent),
    },
    progressDeadlineSeconds: intIn(
      input.progressDeadlineSeconds,
      'progressDeadlineSeconds',
      1,
      86_400,
      d.progressDeadlineSeconds,
    ),
    waitForClusterSeconds:
      input.waitForClusterSeconds === undefined
        ? d.waitForClusterSeconds
        : intIn(input.waitForClusterSeconds, 'waitForClusterSeconds', 1, 30 * 86_400, 0),
  };
}

/** Failed clusters a rollout of `total` clusters tolerates. */
export function allowedFailures(strategy: RolloutStrategy, total: number): number {
  return Math.max(strategy.maxFailures.count, Math.floor((strategy.maxFailures.percent / 100) * total));
}

/** The scheduler's decision for one tick. */
export interface ScheduleDecision {
  /** Steps to start now (PENDING, or WAITING whose cluster is back). */
  start: ClusterStep[];
  /** The canary just finished: record when, the soak runs from then. */
  canaryDone: boolean;
  /** Failures passed the allowance: stop starting clusters. */
  pause: boolean;
}

const ACTIVE = new Set(['APPLYING', 'PROGRESSING']);

/**
 * Which steps start now. Canary steps go first and alone; after they all succeed and the
 * soak has passed, the rest start in position order, at most maxConcurrentClusters active at
 * once (and one site at a time with bySite). A waiting step starts again as soon as its
 * cluster is reachable. Nothing starts once failures exceed the allowance.
 */
export function schedule(
  rollout: Rollout,
  now: number,
  reachable: (cluster: string) => boolean,
): ScheduleDecision {
  const steps = rollout.steps;
  const s = rollout.strategy;
  const failed = steps.filter((x) => x.state === 'FAILED').length;
  if (failed > allowedFailures(s, steps.length)) return { start: [], canaryDone: false, pause: true };
  const active = steps.filter((x) => ACTIVE.has(x.state));
  const returning = steps.filter((x) => x.state === 'WAITING_FOR_CLUSTER' && reachable(x.cluster));
  const canary = steps.filter((x) => x.canary);
  const canaryOpen = canary.filter((x) => !FINAL_STEP_STATES.has(x.state));
  if (canaryOpen.length > 0) {
    const start = canaryOpen.filter(
      (x) => x.state === 'PENDING' || (x.state === 'WAITING_FOR_CLUSTER' && reachable(x.cluster)),
    );
    return { start, canaryDone: false, pause: false };
  }
  if (canary.length > 0 && rollout.canaryDoneAt === null) {
    // A failed canary within the allowance still lets the rollout go on (maxFailures > 0).
    return { start: [], canaryDone: true, pause: false };
  }
  if (rollout.canaryDoneAt !== null && now < Date.parse(rollout.canaryDoneAt) + s.canary.soakSeconds * 1000) {
    return { start: returning, canaryDone: false, pause: false };
  }
  let slots = s.maxConcurrentClusters - active.length - returning.length;
  const start = [...returning];
  const pending = steps.filter((x) => x.state === 'PENDING');
  const site = s.bySite ? (active[0]?.site ?? pending[0]?.site) : undefined;
  for (const p of pending) {
    if (slots <= 0) break;
    if (site !== undefined && p.site !== site) break;
    start.push(p);
    slots -= 1;
  }
  return { start, canaryDone: false, pause: false };
}
