/**
 * Runs rollouts: on every tick it asks the strategy which clusters start, runs each
 * cluster's step (write, then wait for convergence), persists every transition before it
 * is reported, and logs it for rolloutProgress subscribers. One engine per gateway owns
 * every active rollout; control mutations go through it.
 *
 * A cluster that is unreachable waits (WAITING_FOR_CLUSTER) and its step starts again when
 * the cluster is back. After a gateway restart, steps that were writing check first, with a
 * server-side dry run, whether their write already landed, and steps that were waiting for
 * convergence only resume waiting: nothing is written twice.
 */
import { setMaxListeners } from 'node:events';
import { sleep } from '../clusters/backoff.js';
import { isClusterRequestError } from '../clusters/cluster-errors.js';
import type { FleetEvents } from '../events/fleet-events.js';
import type { FleetConnections } from '../service/fleet-connections.js';
import type { FleetStore, JsonValue, StoredRollout } from '../store/types.js';
import { checkConvergence, dryRunStep, StepFailure, writeStep } from './deployment-writes.js';
import { schedule } from './strategy.js';
import {
  FINAL_STEP_STATES,
  type ClusterRolloutState,
  type ClusterStep,
  type Rollout,
  type RolloutPhase,
} from './types.js';

/** Options of the engine; durations in ms. */
export interface RolloutEngineOptions {
  /** How often schedules are re-evaluated. @default 500 */
  tickMs?: number;
  /** How often a converging Deployment is read. @default 1000 */
  pollMs?: number;
}

/** Where the engine reports problems. */
export interface RolloutEngineLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

const ACTIVE_PHASES: ReadonlySet<RolloutPhase> = new Set(['PENDING', 'RUNNING', 'PAUSED']);

/** The rollout as stored. */
export function toStored(r: Rollout): StoredRollout {
  const { steps, ...header } = r;
  return {
    id: r.id,
    createdAt: new Date(r.createdAt),
    actor: r.actor,
    namespace: r.namespace,
    deployment: r.deployment,
    phase: r.phase,
    idempotencyKey: r.idempotencyKey,
    body: header as unknown as JsonValue,
    steps: steps.map((s) => ({
      cluster: s.cluster,
      position: s.position,
      state: s.state,
      body: s as unknown as JsonValue,
    })),
  };
}

/** The rollout of a stored one. */
export function fromStored(s: StoredRollout): Rollout {
  const header = s.body as unknown as Omit<Rollout, 'steps'>;
  return {
    ...header,
    phase: s.phase as RolloutPhase,
    steps: s.steps.map((x) => x.body as unknown as ClusterStep),
  };
}

/** The engine. */
export class RolloutEngine {
  private readonly active = new Map<string, Rollout>();
  /** Running step tasks, by rollout id and cluster. */
  private readonly running = new Map<string, Map<string, Promise<void>>>();
  /** Steps that were APPLYING when loaded: they check before writing. */
  private readonly resumed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly controller = new AbortController();
  /** Writes of one rollout are serialised so the store sees them in order. */
  private readonly saving = new Map<string, Promise<void>>();
  private readonly tickMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly store: FleetStore,
    private readonly connections: FleetConnections,
    private readonly events: FleetEvents,
    private readonly logger: RolloutEngineLogger,
    options: RolloutEngineOptions = {},
  ) {
    this.tickMs = options.tickMs ?? 500;
    this.pollMs = options.pollMs ?? 1000;
    // Every step in progress waits on this signal (hundreds at once in a large rollout).
    setMaxListeners(0, this.controller.signal);
  }

  /** Loads the active rollouts of the store and starts ticking. */
  async start(): Promise<void> {
    const stored = await this.store.listRollouts({ phases: [...ACTIVE_PHASES], limit: 10_000 });
    for (const s of stored) {
      const r = fromStored(s);
      for (const step of r.steps) if (step.state === 'APPLYING') this.resumed.add(`${r.id}/${step.cluster}`);
      this.active.set(r.id, r);
      this.logger.info({ rollout: r.id, phase: r.phase }, 'resuming a rollout');
    }
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.tick();
  }

  /** Stops ticking and waits for running steps to notice (they stay as persisted). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.controller.abort();
    const tasks = [...this.running.values()].flatMap((m) => [...m.values()]);
    await Promise.allSettled(tasks);
    await Promise.allSettled([...this.saving.values()]);
  }

  /** A rollout the engine runs, or undefined. */
  get(id: string): Rollout | undefined {
    return this.active.get(id);
  }

  /** Takes over a new rollout (already stored) and supersedes older ones of the same Deployment. */
  async add(r: Rollout): Promise<void> {
    for (const other of this.active.values()) {
      if (other.namespace !== r.namespace || other.deployment !== r.deployment || other.id === r.id) continue;
      const taken = new Set(r.steps.map((s) => s.cluster));
      const changed = other.steps.filter(
        (s) => taken.has(s.cluster) && (s.state === 'PENDING' || s.state === 'WAITING_FOR_CLUSTER'),
      );
      for (const s of changed)
        this.transition(other, s, 'SUPERSEDED', `superseded by rollout ${r.id}`, false);
      if (changed.length > 0) {
        this.finishIfDone(other);
        await this.save(other, changed);
      }
    }
    this.active.set(r.id, r);
    this.emitPhase(r);
    this.tick();
  }

  /** Stops starting clusters (running steps finish). */
  async pause(r: Rollout, message: string): Promise<void> {
    this.setPhase(r, 'PAUSED', message);
    await this.save(r, []);
  }

  /** Starts clusters again. */
  async resume(r: Rollout): Promise<void> {
    this.setPhase(r, 'RUNNING', null);
    await this.save(r, []);
    this.tick();
  }

  /** Cancels clusters not started; running steps finish. */
  async cancel(r: Rollout): Promise<void> {
    const changed = r.steps.filter((s) => s.state === 'PENDING' || s.state === 'WAITING_FOR_CLUSTER');
    for (const s of changed) this.transition(r, s, 'CANCELLED', 'rollout cancelled', false);
    this.setPhase(r, 'CANCELLED', 'cancelled');
    await this.save(r, changed);
    if (!this.running.get(r.id)?.size) this.active.delete(r.id);
  }

  private tick(): void {
    if (this.controller.signal.aborted) return;
    const now = Date.now();
    for (const r of [...this.active.values()]) {
      try {
        this.tickRollout(r, now);
      } catch (e) {
        this.logger.error({ err: e, rollout: r.id }, 'a rollout tick failed');
      }
    }
  }

  private tickRollout(r: Rollout, now: number): void {
    const tasks = this.running.get(r.id) ?? new Map<string, Promise<void>>();
    this.running.set(r.id, tasks);
    if (r.phase === 'CANCELLED' || r.phase === 'SUCCEEDED' || r.phase === 'FAILED') {
      if (tasks.size === 0) {
        this.active.delete(r.id);
        this.running.delete(r.id);
      }
      return;
    }
    const changed: ClusterStep[] = [];
    // Offline clusters waited for long enough are skipped.
    const waitMs = r.strategy.waitForClusterSeconds;
    for (const s of r.steps) {
      if (s.state !== 'WAITING_FOR_CLUSTER' || waitMs === null || s.waitingSince === null) continue;
      if (now - Date.parse(s.waitingSince) > waitMs * 1000) {
        this.transition(r, s, 'SKIPPED', `cluster did not come back within ${waitMs} s`);
        changed.push(s);
      }
    }
    // Steps loaded as PROGRESSING (a restart) go back to waiting for convergence.
    for (const s of r.steps) {
      if ((s.state === 'PROGRESSING' || s.state === 'APPLYING') && !tasks.has(s.cluster))
        this.run(r, s, tasks);
    }
    if (r.phase === 'PENDING') this.setPhase(r, 'RUNNING', null);
    if (r.phase === 'RUNNING') {
      const decision = schedule(r, now, (c) => this.reachable(c));
      if (decision.canaryDone) {
        r.canaryDoneAt = new Date(now).toISOString();
        this.save(r, []).catch(() => undefined);
      }
      if (decision.pause) {
        const failed = r.steps.filter((s) => s.state === 'FAILED').length;
        this.setPhase(
          r,
          'PAUSED',
          `${failed} cluster(s) failed, more than maxFailures allows; fix and resumeRollout, or cancelRollout`,
        );
      }
      for (const s of decision.start) if (!tasks.has(s.cluster)) this.run(r, s, tasks);
    }
    this.finishIfDone(r);
    if (changed.length > 0 || this.isFinal(r)) void this.save(r, changed);
  }

  private isFinal(r: Rollout): boolean {
    return r.phase === 'SUCCEEDED' || r.phase === 'FAILED';
  }

  /** Sets the final phase once every step is final. */
  private finishIfDone(r: Rollout): void {
    if (r.phase === 'CANCELLED' || this.isFinal(r)) return;
    if (!r.steps.every((s) => FINAL_STEP_STATES.has(s.state))) return;
    const failed = r.steps.filter((s) => s.state === 'FAILED').length;
    if (r.phase === 'PAUSED' && failed > 0) return;
    this.setPhase(r, failed > 0 ? 'FAILED' : 'SUCCEEDED', failed > 0 ? `${failed} cluster(s) failed` : null);
  }

  private reachable(cluster: string): boolean {
    const state = this.connections.get(cluster)?.connection.state;
    return state === 'READY' || state === 'DEGRADED' || state === 'SYNCING';
  }

  private run(r: Rollout, s: ClusterStep, tasks: Map<string, Promise<void>>): void {
    const task = this.runStep(r, s)
      .catch((e: unknown) => {
        this.logger.error(
          { err: e, rollout: r.id, cluster: s.cluster },
          'a rollout step failed unexpectedly',
        );
        if (!this.controller.signal.aborted && !FINAL_STEP_STATES.has(s.state)) {
          this.transition(r, s, 'FAILED', 'internal error; see the gateway log');
          return this.save(r, [s]);
        }
        return undefined;
      })
      .finally(() => {
        tasks.delete(s.cluster);
        this.finishIfDone(r);
        if (this.isFinal(r)) void this.save(r, []);
      });
    tasks.set(s.cluster, task);
  }

  /** One cluster's step: write (unless it already landed), then wait for convergence. */
  private async runStep(r: Rollout, s: ClusterStep): Promise<void> {
    const signal = this.controller.signal;
    const connected = this.connections.get(s.cluster);
    if (!connected) {
      this.transition(r, s, 'SKIPPED', 'the cluster is no longer registered');
      return this.save(r, [s]);
    }
    const client = connected.connection.client;
    if (s.state !== 'PROGRESSING') {
      if (!this.reachable(s.cluster)) return this.wait(r, s, `cluster is ${connected.connection.state}`);
      this.transition(r, s, 'APPLYING', null);
      s.startedAt ??= s.updatedAt;
      await this.save(r, [s]);
      try {
        const key = `${r.id}/${s.cluster}`;
        let landed = false;
        if (s.appliedAt !== null || this.resumed.has(key)) {
          // Written before an outage or a restart? A server-side dry run tells without writing.
          const check = await dryRunStep(client, r.namespace, r.deployment, r.action, s);
          landed = check.change === 'UNCHANGED';
          this.resumed.delete(key);
        }
        if (!landed) {
          const { result } = await writeStep(client, r.namespace, r.deployment, r.action, s);
          s.generation = result.generation;
          s.resolvedRevision = result.resolvedRevision ?? s.resolvedRevision;
        }
        s.appliedAt = new Date().toISOString();
        this.transition(r, s, 'PROGRESSING', landed ? 'already applied; waiting for convergence' : null);
        await this.save(r, [s]);
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof StepFailure) {
          this.transition(r, s, 'FAILED', e.message);
          return this.save(r, [s]);
        }
        if (isClusterRequestError(e)) return this.wait(r, s, e.message);
        throw e;
      }
    }
    const deadline = Date.parse(s.appliedAt ?? s.updatedAt) + r.strategy.progressDeadlineSeconds * 1000;
    while (!signal.aborted) {
      try {
        const c = await checkConvergence(client, r.namespace, r.deployment, r.action, s.generation);
        if (c.done) {
          this.transition(r, s, 'SUCCEEDED', null);
          return this.save(r, [s]);
        }
        if (c.failed !== null) {
          this.transition(r, s, 'FAILED', c.failed);
          return this.save(r, [s]);
        }
        if (Date.now() > deadline) {
          this.transition(
            r,
            s,
            'FAILED',
            `did not converge within ${r.strategy.progressDeadlineSeconds} s: ${c.progress}`,
          );
          return this.save(r, [s]);
        }
        s.message = c.progress;
      } catch (e) {
        if (signal.aborted) return;
        if (isClusterRequestError(e)) return this.wait(r, s, e.message);
        throw e;
      }
      await sleep(this.pollMs, signal);
    }
  }

  private async wait(r: Rollout, s: ClusterStep, why: string): Promise<void> {
    this.transition(r, s, 'WAITING_FOR_CLUSTER', `waiting for the cluster to return: ${why}`);
    s.waitingSince ??= s.updatedAt;
    await this.save(r, [s]);
  }

  private transition(
    r: Rollout,
    s: ClusterStep,
    to: ClusterRolloutState,
    message: string | null,
    emit = true,
  ): void {
    const from = s.state;
    const now = new Date().toISOString();
    s.state = to;
    s.message = message;
    s.updatedAt = now;
    if (to !== 'WAITING_FOR_CLUSTER') s.waitingSince = null;
    if (FINAL_STEP_STATES.has(to)) s.finishedAt = now;
    r.updatedAt = now;
    if (!emit && from === to) return;
    this.events.appendRollout({
      rolloutId: r.id,
      type: 'CLUSTER_STATE',
      cluster: s.cluster,
      site: s.site,
      previousState: from,
      state: to,
      phase: r.phase,
      message,
    });
  }

  private setPhase(r: Rollout, phase: RolloutPhase, message: string | null): void {
    if (r.phase === phase && r.message === message) return;
    r.phase = phase;
    r.message = message;
    r.updatedAt = new Date().toISOString();
    this.emitPhase(r);
  }

  /** Logs the rollout's phase for rolloutProgress. */
  private emitPhase(r: Rollout): void {
    this.events.appendRollout({
      rolloutId: r.id,
      type: 'PHASE',
      cluster: null,
      site: null,
      previousState: null,
      state: null,
      phase: r.phase,
      message: r.message,
    });
  }

  /** Persists the rollout's header and the given steps, in call order. */
  private save(r: Rollout, steps: readonly ClusterStep[]): Promise<void> {
    const stored = toStored({ ...r, steps: steps.map((s) => ({ ...s })) });
    const previous = this.saving.get(r.id) ?? Promise.resolve();
    const next = previous
      .then(() => this.store.saveRollout({ id: r.id, phase: stored.phase, body: stored.body }, stored.steps))
      .catch((e: unknown) => this.logger.error({ err: e, rollout: r.id }, 'saving a rollout failed'));
    this.saving.set(r.id, next);
    return next;
  }
}
