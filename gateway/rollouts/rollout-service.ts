/**
 * Fleet deployments as a service without GraphQL: every Deployment mutation becomes a
 * Rollout (validated, its target resolved to an ordered cluster list, persisted and audited
 * in one transaction, idempotent by key), run by the engine; dry runs answer at once with
 * what each cluster would change. Also the control mutations, the queries and the progress
 * stream of rollouts.
 */
import { randomBytes } from 'node:crypto';
import { auditedMutation, recordAudit } from '../audit.js';
import { notFound, validationFailed } from '../errors.js';
import type { FleetEvents, SubscribeOptions } from '../events/fleet-events.js';
import type { Delivered, RolloutEventData } from '../events/types.js';
import type { FleetConnections } from '../service/fleet-connections.js';
import type { FleetStore } from '../store/types.js';
import { architectureFromKube, type Architecture, type ClusterTarget } from '../vocabulary.js';
import { dryRunStep, StepFailure } from './deployment-writes.js';
import { checkImagePlatforms, type ImagePlatformLookup } from './image-platforms.js';
import { fromStored, toStored, type RolloutEngine } from './rollout-engine.js';
import { parseNamespace, parseObjectName } from './rollout-input.js';
import { resolveStrategy, type StrategyInput } from './strategy.js';
import type { ClusterStep, DryRunResult, Rollout, RolloutAction, RolloutPhase } from './types.js';

/** What a Deployment mutation asks for. */
export interface RolloutRequest {
  namespace: string;
  deployment: string;
  action: RolloutAction;
  target: ClusterTarget;
  strategy?: StrategyInput;
  dryRun?: boolean;
  /** The same key again returns the rollout it created. */
  idempotencyKey?: string;
  /** Go ahead although an image lacks a platform the targeted nodes need. */
  force?: boolean;
  /** The GraphQL mutation, for the audit log (e.g. applyDeployment). */
  mutation: string;
}

/** Filter and page of rollouts; newest first. */
export interface RolloutListQuery {
  phases?: readonly RolloutPhase[];
  namespace?: string;
  deployment?: string;
  first: number;
  /** The id of the last rollout of the previous page. */
  after?: string;
}

const DRY_RUN_CONCURRENCY = 16;
const DRY_RUN_TIMEOUT_MS = 15_000;

/** Rollouts: create, control, read, follow. */
export class RolloutService {
  constructor(
    private readonly store: FleetStore,
    private readonly connections: FleetConnections,
    private readonly events: FleetEvents,
    private readonly engine: RolloutEngine,
    private readonly images: ImagePlatformLookup,
  ) {}

  /** Creates (and, unless a dry run, starts) a rollout; the same idempotency key returns the first one. */
  async create(req: RolloutRequest, actor: string): Promise<Rollout> {
    const action = `rollout.${req.mutation}`;
    const auditTarget = {
      type: 'deployment',
      namespace: req.namespace,
      name: req.deployment,
      target: req.target,
    };
    const input = {
      action: req.action,
      target: req.target,
      strategy: req.strategy ?? {},
      dryRun: req.dryRun ?? false,
      idempotencyKey: req.idempotencyKey ?? null,
      force: req.force ?? false,
    };
    try {
      if (req.idempotencyKey !== undefined) {
        if (req.idempotencyKey === '' || req.idempotencyKey.length > 200) {
          throw validationFailed('idempotencyKey must be 1 to 200 characters', { field: 'idempotencyKey' });
        }
        const existing = await this.store.rolloutByIdempotencyKey(req.idempotencyKey);
        if (existing) return this.engine.get(existing.id) ?? fromStored(existing);
      }
      const rollout = await this.build(req, actor);
      rollout.platformCheck = await this.checkPlatforms(rollout, req.force ?? false);
      if (rollout.dryRun) await this.dryRun(rollout);
      await this.store.transaction(async (tx) => {
        await tx.insertRollout(toStored(rollout));
        await recordAudit(tx, {
          actor,
          action,
          target: auditTarget,
          input: { ...input, rollout: rollout.id, clusters: rollout.steps.map((s) => s.cluster) },
          outcome: 'success',
        });
      });
      if (!rollout.dryRun) await this.engine.add(rollout);
      return rollout;
    } catch (e) {
      await recordAudit(this.store, {
        actor,
        action,
        target: auditTarget,
        input,
        outcome: 'failure',
        error: e,
      }).catch(() => undefined);
      throw e;
    }
  }

  /** pauseRollout. */
  async pause(id: string, actor: string): Promise<Rollout> {
    return this.control(id, actor, 'rollout.pause', async (r) => {
      if (r.phase !== 'RUNNING' && r.phase !== 'PENDING') throw notActive(r, 'pause');
      await this.engine.pause(r, `paused by ${actor}`);
    });
  }

  /** resumeRollout. */
  async resume(id: string, actor: string): Promise<Rollout> {
    return this.control(id, actor, 'rollout.resume', async (r) => {
      if (r.phase !== 'PAUSED') throw notActive(r, 'resume');
      await this.engine.resume(r);
    });
  }

  /** cancelRollout. */
  async cancel(id: string, actor: string): Promise<Rollout> {
    return this.control(id, actor, 'rollout.cancel', async (r) => {
      if (r.phase !== 'RUNNING' && r.phase !== 'PENDING' && r.phase !== 'PAUSED')
        throw notActive(r, 'cancel');
      await this.engine.cancel(r);
    });
  }

  /** One rollout, or undefined. */
  async get(id: string): Promise<Rollout | undefined> {
    const running = this.engine.get(id);
    if (running) return running;
    const stored = await this.store.getRollout(id);
    return stored ? fromStored(stored) : undefined;
  }

  /** A page of rollouts, newest first; hasNextPage when more follow. */
  async list(q: RolloutListQuery): Promise<{ rollouts: Rollout[]; hasNextPage: boolean }> {
    const rows = await this.store.listRollouts({
      limit: q.first + 1,
      ...(q.phases ? { phases: q.phases } : {}),
      ...(q.namespace !== undefined ? { namespace: q.namespace } : {}),
      ...(q.deployment !== undefined ? { deployment: q.deployment } : {}),
      ...(q.after !== undefined ? { beforeId: q.after } : {}),
    });
    const rollouts = rows.slice(0, q.first).map((s) => this.engine.get(s.id) ?? fromStored(s));
    return { rollouts, hasNextPage: rows.length > q.first };
  }

  /** rolloutProgress: the rollout's transitions after the cursor (or from now on). */
  async subscribeProgress(
    id: string,
    after: string | undefined,
    options: SubscribeOptions,
  ): Promise<AsyncIterableIterator<Delivered<RolloutEventData>>> {
    if (!(await this.get(id))) throw notFound('rollout', id);
    return this.events.subscribeRollout(id, after, options);
  }

  private async control(
    id: string,
    actor: string,
    action: string,
    fn: (r: Rollout) => Promise<void>,
  ): Promise<Rollout> {
    return auditedMutation(
      this.store,
      { actor, action, target: { type: 'rollout', id }, input: { id } },
      async () => {
        const r = this.engine.get(id);
        if (!r) {
          const stored = await this.store.getRollout(id);
          if (!stored) throw notFound('rollout', id);
          throw notActive(fromStored(stored), action.replace('rollout.', ''));
        }
        await fn(r);
        return r;
      },
    );
  }

  private async build(req: RolloutRequest, actor: string): Promise<Rollout> {
    const namespace = parseNamespace(req.namespace);
    const deployment = parseObjectName(req.deployment);
    const resolved = this.connections.index.resolveTarget(req.target);
    if (resolved.unknown.length > 0) {
      throw notFound('cluster', resolved.unknown.join(', '), { clusters: resolved.unknown });
    }
    if (resolved.clusters.length === 0) {
      throw validationFailed(
        'the target selects no registered cluster; expected a target matching at least one',
        {
          field: 'target',
        },
      );
    }
    const siteOf = (c: string) => this.connections.get(c)?.registered.site ?? '';
    const clusters = [...resolved.clusters].sort(
      (a, b) => siteOf(a).localeCompare(siteOf(b)) || a.localeCompare(b),
    );
    const strategy = resolveStrategy(req.strategy ?? {}, clusters);
    // Canaries: the named ones, else the first clusters that answer now.
    const reachable = (c: string) => {
      const s = this.connections.get(c)?.connection.state;
      return s === 'READY' || s === 'DEGRADED';
    };
    const canaries = new Set(
      strategy.canary.names.length > 0
        ? strategy.canary.names
        : [...clusters.filter(reachable), ...clusters.filter((c) => !reachable(c))].slice(
            0,
            strategy.canary.clusters,
          ),
    );
    // Canaries go first in the order too.
    const ordered = [...clusters.filter((c) => canaries.has(c)), ...clusters.filter((c) => !canaries.has(c))];
    const now = new Date().toISOString();
    const steps: ClusterStep[] = ordered.map((cluster, position) => ({
      cluster,
      site: siteOf(cluster),
      position,
      canary: canaries.has(cluster),
      state: 'PENDING',
      message: null,
      generation: null,
      resolvedRevision: null,
      startedAt: null,
      appliedAt: null,
      finishedAt: null,
      waitingSince: null,
      updatedAt: now,
    }));
    return {
      id: `ro-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
      actor,
      createdAt: now,
      updatedAt: now,
      namespace,
      deployment,
      action: req.action,
      target: req.target,
      strategy,
      dryRun: req.dryRun ?? false,
      phase: 'PENDING',
      message: null,
      idempotencyKey: req.idempotencyKey ?? null,
      platformCheck: { checked: false, forced: false, warnings: [] },
      canaryDoneAt: null,
      dryRunResults: [],
      steps,
    };
  }

  /**
   * Checks the images the action sets against the architectures of each cluster's nodes
   * (narrowed by the manifest's kubernetes.io/arch nodeSelector); IMAGE_PLATFORM_MISSING
   * unless forced.
   */
  private async checkPlatforms(r: Rollout, force: boolean): Promise<Rollout['platformCheck']> {
    const { images, arch } = imagesOf(r.action);
    if (images.length === 0) return { checked: false, forced: false, warnings: [] };
    const needs = new Map<string, Architecture[]>();
    const warnings: string[] = [];
    for (const s of r.steps) {
      let archs = this.connections.index.clusterArchitectures(s.cluster);
      if (arch !== undefined) archs = archs.filter((a) => a === arch);
      if (archs.length === 0 && arch === undefined) {
        warnings.push(`the node architectures of cluster ${s.cluster} are not known yet; not checked there`);
      }
      needs.set(s.cluster, archs);
    }
    const result = await checkImagePlatforms(this.images, images, needs, force);
    return { checked: true, forced: force, warnings: [...warnings, ...result.warnings] };
  }

  /** Runs the action as a server-side dry run on every cluster (bounded), recording what would change. */
  private async dryRun(r: Rollout): Promise<void> {
    const results = new Map<string, DryRunResult>();
    const queue = [...r.steps];
    const worker = async () => {
      for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
        const connected = this.connections.get(s.cluster);
        let result: DryRunResult;
        if (!connected) {
          result = { cluster: s.cluster, change: 'FAILED', changedFields: [], message: 'not connected' };
        } else {
          try {
            result = await withTimeout(
              dryRunStep(connected.connection.client, r.namespace, r.deployment, r.action),
              DRY_RUN_TIMEOUT_MS,
            );
          } catch (e) {
            const message = e instanceof StepFailure || e instanceof Error ? e.message : String(e);
            result = { cluster: s.cluster, change: 'FAILED', changedFields: [], message };
          }
        }
        results.set(s.cluster, result);
        const now = new Date().toISOString();
        s.state = result.change === 'FAILED' ? 'FAILED' : 'SUCCEEDED';
        s.message =
          result.message ??
          `${result.change}${result.changedFields.length > 0 ? `: ${result.changedFields.join(', ')}` : ''}`;
        s.finishedAt = now;
        s.updatedAt = now;
      }
    };
    await Promise.all(Array.from({ length: Math.min(DRY_RUN_CONCURRENCY, r.steps.length) }, worker));
    r.dryRunResults = r.steps.map(
      (s) =>
        results.get(s.cluster) ?? {
          cluster: s.cluster,
          change: 'FAILED',
          changedFields: [],
          message: 'not run',
        },
    );
    const failed = r.dryRunResults.filter((x) => x.change === 'FAILED').length;
    r.phase = failed > 0 ? 'FAILED' : 'SUCCEEDED';
    r.message = failed > 0 ? `dry run failed on ${failed} cluster(s)` : 'dry run: nothing was changed';
  }
}

/** The images an action sets, and the architecture its nodeSelector pins (if any). */
function imagesOf(action: RolloutAction): { images: string[]; arch: Architecture | undefined } {
  if (action.type === 'SET_IMAGE') return { images: action.images.map((i) => i.image), arch: undefined };
  if (action.type !== 'APPLY') return { images: [], arch: undefined };
  const d = action.objects.find((o) => o['kind'] === 'Deployment') as
    { spec?: { template?: { spec?: Record<string, unknown> } } } | undefined;
  const pod = d?.spec?.template?.spec ?? {};
  const images: string[] = [];
  for (const key of ['containers', 'initContainers']) {
    const list = pod[key];
    if (Array.isArray(list)) {
      for (const c of list) {
        const image = (c as { image?: unknown }).image;
        if (typeof image === 'string') images.push(image);
      }
    }
  }
  const selector = pod['nodeSelector'] as Record<string, unknown> | undefined;
  const kubeArch = selector?.['kubernetes.io/arch'];
  return { images, arch: typeof kubeArch === 'string' ? architectureFromKube(kubeArch) : undefined };
}

function notActive(r: Rollout, what: string): Error {
  return validationFailed(`rollout ${r.id} is ${r.phase}; it cannot ${what} now`, {
    rollout: r.id,
    phase: r.phase,
  });
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
