/**
 * Backup schedules: a cron expression (croner; 5 fields, or 6 with seconds) over a
 * ClusterTarget, with retention. At each run every targeted cluster is backed up; a cluster
 * that is offline then is backed up when it reconnects instead of being recorded as a
 * failure. After each scheduled backup completes, retention prunes that cluster's older
 * backups of the schedule (keepLast, one per day for keepDaily days, one per ISO week for
 * keepWeekly weeks), never the cluster's last COMPLETED backup.
 */
import { randomBytes } from 'node:crypto';
import { Cron } from 'croner';
import { auditedMutation } from '../audit.js';
import { notFound, validationFailed } from '../errors.js';
import type { FleetConnections } from '../service/fleet-connections.js';
import type { CatalogueDocument, FleetStore, JsonValue } from '../store/types.js';
import type { ClusterTarget } from '../vocabulary.js';
import type { Backup, BackupLogger, BackupService } from './backup-service.js';
import type { CaptureFilter } from './capture.js';

/** How many backups a schedule keeps per cluster. */
export interface Retention {
  keepLast: number;
  keepDaily: number;
  keepWeekly: number;
}

/** A schedule. */
export interface BackupSchedule {
  id: string;
  name: string;
  target: ClusterTarget;
  cron: string;
  timezone: string | null;
  filter: Partial<CaptureFilter>;
  retention: Retention;
  actor: string;
  createdAt: string;
  lastRunAt: string | null;
  nextRunAt: string | null;
  /** Clusters offline at a run, backed up when they return. */
  waiting: string[];
}

/** What createBackupSchedule takes. */
export interface ScheduleRequest {
  name: string;
  target: ClusterTarget;
  cron: string;
  timezone?: string;
  filter?: Partial<CaptureFilter>;
  retention?: Partial<Retention>;
}

const WAITING_CHECK_MS = 2000;

/** Runs the schedules. */
export class BackupScheduler {
  private readonly jobs = new Map<string, Cron>();
  private readonly schedules = new Map<string, BackupSchedule>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: FleetStore,
    private readonly connections: FleetConnections,
    private readonly backups: BackupService,
    private readonly logger: BackupLogger,
  ) {
    backups.onCompleted(
      (b) => void this.prune(b).catch((e: unknown) => this.logger.error({ err: e }, 'pruning failed')),
    );
  }

  /** Loads the schedules and starts their timers. */
  async start(): Promise<void> {
    for (const d of await this.store.listCatalogue('schedule')) {
      const s = d.body as unknown as BackupSchedule;
      this.schedules.set(s.id, s);
      this.arm(s);
    }
    this.timer = setInterval(() => void this.retryWaiting(), WAITING_CHECK_MS);
  }

  /** Stops every timer. */
  stop(): void {
    clearInterval(this.timer);
    for (const j of this.jobs.values()) j.stop();
    this.jobs.clear();
  }

  /** Every schedule. */
  list(): BackupSchedule[] {
    return [...this.schedules.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Creates a schedule (validated, audited). */
  async create(req: ScheduleRequest, actor: string): Promise<BackupSchedule> {
    return this.audited(actor, 'backupSchedule.create', { type: 'backupSchedule', name: req.name }, req, () =>
      this.createUnaudited(req, actor),
    );
  }

  /** Deletes a schedule (its backups stay); audited. */
  async delete(id: string, actor: string): Promise<BackupSchedule> {
    return this.audited(actor, 'backupSchedule.delete', { type: 'backupSchedule', id }, { id }, () =>
      this.deleteUnaudited(id),
    );
  }

  private audited<T>(
    actor: string,
    action: string,
    target: unknown,
    input: unknown,
    fn: () => Promise<T>,
  ): Promise<T> {
    return auditedMutation(this.store, { actor, action, target, input }, fn);
  }

  private async createUnaudited(req: ScheduleRequest, actor: string): Promise<BackupSchedule> {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(req.name) || req.name.length > 63) {
      throw validationFailed(`schedule name ${JSON.stringify(req.name)} is invalid; expected a DNS label`, {
        field: 'name',
      });
    }
    if ([...this.schedules.values()].some((s) => s.name === req.name)) {
      throw validationFailed(`a backup schedule named ${req.name} exists; expected a new name`, {
        field: 'name',
      });
    }
    let next: Date | null;
    try {
      next = new Cron(req.cron, {
        paused: true,
        ...(req.timezone ? { timezone: req.timezone } : {}),
      }).nextRun();
    } catch (e) {
      throw validationFailed(
        `cron ${JSON.stringify(req.cron)} is invalid (${e instanceof Error ? e.message : String(e)}); expected 5 fields (minute hour day month weekday) or 6 with seconds first`,
        { field: 'cron' },
      );
    }
    this.connections.index.resolveTarget(req.target);
    const retention: Retention = {
      keepLast: nonNegative(req.retention?.keepLast ?? 7, 'retention.keepLast', 1),
      keepDaily: nonNegative(req.retention?.keepDaily ?? 7, 'retention.keepDaily', 0),
      keepWeekly: nonNegative(req.retention?.keepWeekly ?? 4, 'retention.keepWeekly', 0),
    };
    const s: BackupSchedule = {
      id: `bs-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
      name: req.name,
      target: req.target,
      cron: req.cron,
      timezone: req.timezone ?? null,
      filter: req.filter ?? {},
      retention,
      actor,
      createdAt: new Date().toISOString(),
      lastRunAt: null,
      nextRunAt: next?.toISOString() ?? null,
      waiting: [],
    };
    this.schedules.set(s.id, s);
    await this.save(s);
    this.arm(s);
    return s;
  }

  private async deleteUnaudited(id: string): Promise<BackupSchedule> {
    const s = this.schedules.get(id);
    if (!s) throw notFound('backup schedule', id);
    this.jobs.get(id)?.stop();
    this.jobs.delete(id);
    this.schedules.delete(id);
    await this.store.deleteCatalogue('schedule', id);
    return s;
  }

  private arm(s: BackupSchedule): void {
    const job = new Cron(s.cron, { protect: true, ...(s.timezone ? { timezone: s.timezone } : {}) }, () =>
      this.run(s.id).catch((e: unknown) =>
        this.logger.error({ err: e, schedule: s.name }, 'a scheduled backup run failed'),
      ),
    );
    this.jobs.set(s.id, job);
  }

  private async run(id: string): Promise<void> {
    const s = this.schedules.get(id);
    if (!s) return;
    s.lastRunAt = new Date().toISOString();
    s.nextRunAt = this.jobs.get(id)?.nextRun()?.toISOString() ?? null;
    const { clusters } = this.connections.index.resolveTarget(s.target);
    for (const cluster of clusters) {
      if (this.reachable(cluster)) await this.backupOne(s, cluster);
      else if (!s.waiting.includes(cluster)) s.waiting.push(cluster);
    }
    await this.save(s);
  }

  /** Backs up the clusters that were offline at their run as soon as they are back. */
  private async retryWaiting(): Promise<void> {
    for (const s of this.schedules.values()) {
      const back = s.waiting.filter((c) => this.reachable(c) || !this.connections.get(c));
      if (back.length === 0) continue;
      s.waiting = s.waiting.filter((c) => !back.includes(c));
      for (const c of back) if (this.connections.get(c)) await this.backupOne(s, c);
      await this.save(s);
    }
  }

  private async backupOne(s: BackupSchedule, cluster: string): Promise<void> {
    await this.backups.createBackup({ cluster, filter: s.filter, scheduleId: s.id }, `schedule:${s.name}`);
  }

  private reachable(cluster: string): boolean {
    const state = this.connections.get(cluster)?.connection.state;
    return state === 'READY' || state === 'DEGRADED';
  }

  /** Applies the schedule's retention to the cluster of a scheduled backup that completed. */
  private async prune(done: Backup): Promise<void> {
    if (done.scheduleId === null) return;
    const s = this.schedules.get(done.scheduleId);
    if (!s) return;
    const all = await this.backups.backups({ cluster: done.cluster, limit: 10_000 });
    const ofSchedule = all.filter(
      (b) => b.scheduleId === s.id && b.phase !== 'RUNNING' && b.phase !== 'PENDING',
    );
    const keep = keptBackups(ofSchedule, s.retention);
    // Never the cluster's newest COMPLETED backup, whatever made it.
    const newestCompleted = all.find((b) => b.phase === 'COMPLETED');
    if (newestCompleted) keep.add(newestCompleted.id);
    for (const b of ofSchedule) if (!keep.has(b.id)) await this.backups.deleteBackup(b.id);
  }

  private async save(s: BackupSchedule): Promise<void> {
    const doc: CatalogueDocument = {
      kind: 'schedule',
      id: s.id,
      cluster: '',
      createdAt: new Date(s.createdAt),
      phase: 'ACTIVE',
      body: s as unknown as JsonValue,
    };
    await this.store.putCatalogue(doc);
  }
}

/** The ids retention keeps among backups (newest first): the last N, one per day, one per ISO week. */
export function keptBackups(backups: readonly Backup[], r: Retention): Set<string> {
  const sorted = [...backups].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const keep = new Set(sorted.slice(0, r.keepLast).map((b) => b.id));
  const completed = sorted.filter((b) => b.phase === 'COMPLETED');
  const firstPer = (key: (d: Date) => string, n: number) => {
    const seen = new Set<string>();
    for (const b of completed) {
      const k = key(new Date(b.createdAt));
      if (seen.has(k)) continue;
      seen.add(k);
      if (seen.size > n) break;
      keep.add(b.id);
    }
  };
  firstPer((d) => d.toISOString().slice(0, 10), r.keepDaily);
  firstPer(isoWeek, r.keepWeekly);
  return keep;
}

function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${week}`;
}

function nonNegative(v: number, field: string, min: number): number {
  if (!Number.isInteger(v) || v < min || v > 10_000) {
    throw validationFailed(`${field} is ${JSON.stringify(v)}; expected an integer from ${min} to 10000`, {
      field,
    });
  }
  return v;
}
