/**
 * FleetStore on SQLite: one file `<dataDir>/fleetgraph.db` in WAL mode, opened with
 * better-sqlite3 through Kysely and migrated to the latest schema on open.
 */
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Selectable, type SqliteDatabase } from '#kysely';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { conflict, internal, notFound, validationFailed } from '../errors.js';
import { isErrorCode } from '../vocabulary.js';
import { fleetMigrations, type AuditLogTable, type ClustersTable, type FleetDatabase } from './schema.js';
import {
  CLUSTER_SOURCES,
  type AuditEntry,
  type AuditOutcome,
  type AuditPage,
  type AuditQuery,
  type CatalogueDocument,
  type ClusterChanges,
  type ClusterRecord,
  type ClusterSource,
  type EventLogBounds,
  type EventStateEntry,
  type EventStateWrites,
  type FleetStore,
  type RolloutQuery,
  type StoredEvent,
  type StoredRollout,
  type JsonValue,
  type NewAuditEntry,
  type NewClusterRecord,
} from './types.js';

/** File name of the database inside the data dir. */
export const SQLITE_FILE = 'fleetgraph.db';

/** Options for {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** Directory for the database; created with mode 0700 when missing. */
  dataDir: string;
  /** Clock for created/updated/audit times. @default () => new Date() */
  now?: () => Date;
}

/** Largest audit page. */
export const MAX_AUDIT_PAGE = 1000;

/** Opens (creating and migrating as needed) the SQLite store in dataDir. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<FleetStore> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const path = join(options.dataDir, SQLITE_FILE);
  // Create the file owner-only before SQLite does (it would use the umask); it holds sealed
  // credentials and the audit log.
  await (await open(path, 'a', 0o600)).close();
  const sqlite = new Database(path);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
  } catch (e) {
    sqlite.close();
    throw e;
  }
  const db = new Kysely<FleetDatabase>({ dialect: new SqliteDialect({ database: keepStatements(sqlite) }) });
  const { error } = await new Migrator({ db, provider: fleetMigrations }).migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    throw internal(`migrating ${path} to the latest schema failed`, error);
  }
  return new SqliteFleetStore(db, false, options.now ?? (() => new Date()));
}

/** Prepared statements kept by {@link keepStatements}. */
const KEPT_STATEMENTS = 256;

/**
 * The database as Kysely's SQLite driver sees it, with prepared statements kept by SQL text
 * (least recently used dropped past KEPT_STATEMENTS). The driver prepares every query anew, so
 * SQLite parsed and planned BEGIN, COMMIT and each INSERT again on every event-log write: about
 * 0.35 ms of a 0.44 ms write of one event. A statement is reused only after its previous run
 * finished: the driver runs one query at a time, and nothing here streams rows (iterate()),
 * which would hold a statement across queries. SQLite re-prepares a kept statement itself
 * when the schema changes under it.
 */
function keepStatements(sqlite: Database.Database): SqliteDatabase {
  const kept = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = kept.get(sql);
      if (stmt !== undefined) kept.delete(sql);
      else stmt = sqlite.prepare(sql);
      kept.set(sql, stmt);
      if (kept.size > KEPT_STATEMENTS) {
        const oldest = kept.keys().next();
        if (!oldest.done) kept.delete(oldest.value);
      }
      return stmt;
    },
  };
}

type ClusterRow = Selectable<ClustersTable>;
type AuditRow = Selectable<AuditLogTable>;

class SqliteFleetStore implements FleetStore {
  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly inTransaction: boolean,
    private readonly now: () => Date,
  ) {}

  async insertCluster(cluster: NewClusterRecord): Promise<ClusterRecord> {
    const time = this.now().toISOString();
    try {
      const row = await this.db
        .insertInto('clusters')
        .values({
          name: cluster.name,
          site: cluster.site,
          labels: JSON.stringify(cluster.labels),
          source: cluster.source,
          server: cluster.server,
          credentials_encrypted: cluster.credentialsEncrypted,
          created_at: time,
          updated_at: time,
          version: 1,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toClusterRecord(row);
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw conflict(`cluster ${JSON.stringify(cluster.name)} is already registered; expected a new name`, {
          cluster: cluster.name,
        });
      }
      throw e;
    }
  }

  async updateCluster(
    name: string,
    expectedVersion: number,
    changes: ClusterChanges,
  ): Promise<ClusterRecord> {
    const row = await this.db
      .updateTable('clusters')
      .set({
        ...(changes.site !== undefined ? { site: changes.site } : {}),
        ...(changes.labels !== undefined ? { labels: JSON.stringify(changes.labels) } : {}),
        ...(changes.server !== undefined ? { server: changes.server } : {}),
        ...(changes.credentialsEncrypted !== undefined
          ? { credentials_encrypted: changes.credentialsEncrypted }
          : {}),
        updated_at: this.now().toISOString(),
        version: expectedVersion + 1,
      })
      .where('name', '=', name)
      .where('version', '=', expectedVersion)
      .returningAll()
      .executeTakeFirst();
    if (row !== undefined) return toClusterRecord(row);
    const current = await this.getCluster(name);
    if (current === undefined) throw notFound('cluster', name);
    throw conflict(
      `cluster ${JSON.stringify(name)} is at version ${current.version}, not the expected version ` +
        `${expectedVersion}: someone else changed it; re-read it and retry`,
      { cluster: name, expectedVersion, actualVersion: current.version },
    );
  }

  async deleteCluster(name: string): Promise<ClusterRecord | undefined> {
    const row = await this.db
      .deleteFrom('clusters')
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : toClusterRecord(row);
  }

  async getCluster(name: string): Promise<ClusterRecord | undefined> {
    const row = await this.db.selectFrom('clusters').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : toClusterRecord(row);
  }

  async listClusters(filter: { source?: ClusterSource } = {}): Promise<ClusterRecord[]> {
    let q = this.db.selectFrom('clusters').selectAll().orderBy('name');
    if (filter.source !== undefined) q = q.where('source', '=', filter.source);
    return (await q.execute()).map(toClusterRecord);
  }

  async deleteClustersBySource(source: ClusterSource): Promise<ClusterRecord[]> {
    const rows = await this.db.deleteFrom('clusters').where('source', '=', source).returningAll().execute();
    return rows.map(toClusterRecord).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    const row = await this.db
      .insertInto('audit_log')
      .values({
        time: this.now().toISOString(),
        actor: entry.actor,
        action: entry.action,
        target: JSON.stringify(entry.target),
        input: JSON.stringify(entry.input),
        outcome: entry.outcome,
        error_code: entry.errorCode ?? null,
        error_message: entry.errorMessage ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAuditEntry(row);
  }

  async listAudit(query: AuditQuery): Promise<AuditPage> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_AUDIT_PAGE) {
      throw validationFailed(
        `audit page limit ${JSON.stringify(query.limit)} is invalid; expected an integer from 1 to ${MAX_AUDIT_PAGE}`,
        { limit: query.limit },
      );
    }
    let q = this.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (query.actor !== undefined) q = q.where('actor', '=', query.actor);
    if (query.action !== undefined) q = q.where('action', '=', query.action);
    if (query.since !== undefined) q = q.where('time', '>=', query.since.toISOString());
    if (query.after !== undefined) q = q.where('id', '<', decodeAuditCursor(query.after));
    const rows = await q.execute();
    const page = rows.slice(0, query.limit).map(toAuditEntry);
    const last = page[page.length - 1];
    const cursors = page.map((e) => encodeAuditCursor(e.id));
    return rows.length > query.limit && last !== undefined
      ? { entries: page, cursors, nextCursor: encodeAuditCursor(last.id) }
      : { entries: page, cursors };
  }

  async appendEvents(events: readonly StoredEvent[], state: EventStateWrites): Promise<void> {
    await this.transaction(async (tx) => {
      const db = (tx as SqliteFleetStore).db;
      // Chunks stay under SQLite's bound-parameter limit.
      for (let i = 0; i < events.length; i += 100) {
        await db
          .insertInto('fleet_events')
          .values(
            events.slice(i, i + 100).map((e) => ({
              seq: e.seq,
              stream: e.stream,
              cluster: e.cluster,
              time: e.time.toISOString(),
              payload: JSON.stringify(e.payload),
            })),
          )
          .execute();
      }
      for (const name of state.deleteClusters) {
        await db.deleteFrom('event_state').where('cluster', '=', name).execute();
      }
      for (const d of state.delete) {
        await db
          .deleteFrom('event_state')
          .where('scope', '=', d.scope)
          .where('cluster', '=', d.cluster)
          .where('key', '=', d.key)
          .execute();
      }
      for (let i = 0; i < state.put.length; i += 100) {
        await db
          .insertInto('event_state')
          .values(
            state.put.slice(i, i + 100).map((p) => ({
              scope: p.scope,
              cluster: p.cluster,
              key: p.key,
              value: JSON.stringify(p.value),
            })),
          )
          .onConflict((oc) =>
            oc
              .columns(['scope', 'cluster', 'key'])
              .doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
          )
          .execute();
      }
    });
  }

  async listEvents(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom('fleet_events')
      .selectAll()
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      seq: r.seq,
      stream: r.stream === 'cluster' || r.stream === 'rollout' || r.stream === 'backup' ? r.stream : 'node',
      cluster: r.cluster,
      time: new Date(r.time),
      payload: parseJson(r.payload, `event ${r.seq}`),
    }));
  }

  async eventLogBounds(): Promise<EventLogBounds> {
    const meta = await this.db
      .selectFrom('store_meta')
      .select('value')
      .where('key', '=', 'event_log_id')
      .executeTakeFirst();
    if (meta === undefined) throw internal('the store has no event_log_id; was it migrated?');
    const b = await this.db
      .selectFrom('fleet_events')
      .select((eb) => [eb.fn.min('seq').as('oldest'), eb.fn.max('seq').as('newest')])
      .executeTakeFirst();
    return { logId: meta.value, oldest: b?.oldest ?? null, newest: b?.newest ?? null };
  }

  async trimEvents(minSeq: number): Promise<number> {
    const r = await this.db.deleteFrom('fleet_events').where('seq', '<', minSeq).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async listEventState(): Promise<EventStateEntry[]> {
    const rows = await this.db.selectFrom('event_state').selectAll().execute();
    const out: EventStateEntry[] = [];
    for (const r of rows) {
      if (r.scope !== 'node' && r.scope !== 'cluster' && r.scope !== 'kubernetes-event') continue;
      out.push({
        scope: r.scope,
        cluster: r.cluster,
        key: r.key,
        value: parseJson(r.value, `event state ${r.scope}/${r.cluster}/${r.key}`),
      });
    }
    return out;
  }

  async insertRollout(r: StoredRollout): Promise<void> {
    try {
      await this.transaction(async (tx) => {
        const db = (tx as SqliteFleetStore).db;
        const time = r.createdAt.toISOString();
        await db
          .insertInto('rollouts')
          .values({
            id: r.id,
            created_at: time,
            updated_at: time,
            actor: r.actor,
            namespace: r.namespace,
            deployment: r.deployment,
            phase: r.phase,
            idempotency_key: r.idempotencyKey,
            body: JSON.stringify(r.body),
          })
          .execute();
        await (tx as SqliteFleetStore).writeSteps(r.id, r.steps);
      });
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw conflict(
          `a rollout with id ${r.id} or idempotency key ${JSON.stringify(r.idempotencyKey)} exists`,
          {
            rollout: r.id,
          },
        );
      }
      throw e;
    }
  }

  async saveRollout(
    r: Pick<StoredRollout, 'id' | 'phase' | 'body'>,
    steps: readonly StoredRollout['steps'][number][],
  ): Promise<void> {
    await this.transaction(async (tx) => {
      const db = (tx as SqliteFleetStore).db;
      await db
        .updateTable('rollouts')
        .set({ phase: r.phase, body: JSON.stringify(r.body), updated_at: this.now().toISOString() })
        .where('id', '=', r.id)
        .execute();
      await (tx as SqliteFleetStore).writeSteps(r.id, steps);
    });
  }

  private async writeSteps(id: string, steps: readonly StoredRollout['steps'][number][]): Promise<void> {
    for (let i = 0; i < steps.length; i += 100) {
      await this.db
        .insertInto('rollout_steps')
        .values(
          steps.slice(i, i + 100).map((s) => ({
            rollout_id: id,
            cluster: s.cluster,
            position: s.position,
            state: s.state,
            body: JSON.stringify(s.body),
          })),
        )
        .onConflict((oc) =>
          oc.columns(['rollout_id', 'cluster']).doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            body: eb.ref('excluded.body'),
            position: eb.ref('excluded.position'),
          })),
        )
        .execute();
    }
  }

  async getRollout(id: string): Promise<StoredRollout | undefined> {
    const row = await this.db.selectFrom('rollouts').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : (await this.withSteps([row]))[0];
  }

  async rolloutByIdempotencyKey(key: string): Promise<StoredRollout | undefined> {
    const row = await this.db
      .selectFrom('rollouts')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row === undefined ? undefined : (await this.withSteps([row]))[0];
  }

  async listRollouts(query: RolloutQuery): Promise<StoredRollout[]> {
    let q = this.db.selectFrom('rollouts').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
    if (query.phases !== undefined && query.phases.length > 0) q = q.where('phase', 'in', [...query.phases]);
    if (query.namespace !== undefined) q = q.where('namespace', '=', query.namespace);
    if (query.deployment !== undefined) q = q.where('deployment', '=', query.deployment);
    if (query.beforeId !== undefined) {
      const ref = await this.db
        .selectFrom('rollouts')
        .select(['created_at', 'id'])
        .where('id', '=', query.beforeId)
        .executeTakeFirst();
      if (ref === undefined) return [];
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '<', ref.created_at),
          eb.and([eb('created_at', '=', ref.created_at), eb('id', '<', ref.id)]),
        ]),
      );
    }
    return this.withSteps(await q.limit(query.limit).execute());
  }

  private async withSteps(rows: Selectable<FleetDatabase['rollouts']>[]): Promise<StoredRollout[]> {
    if (rows.length === 0) return [];
    const steps = await this.db
      .selectFrom('rollout_steps')
      .selectAll()
      .where(
        'rollout_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('position')
      .execute();
    const byRollout = new Map<string, StoredRollout['steps']>();
    for (const s of steps) {
      const list = byRollout.get(s.rollout_id) ?? [];
      list.push({
        cluster: s.cluster,
        position: s.position,
        state: s.state,
        body: parseJson(s.body, `rollout step ${s.rollout_id}/${s.cluster}`),
      });
      byRollout.set(s.rollout_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      createdAt: new Date(r.created_at),
      actor: r.actor,
      namespace: r.namespace,
      deployment: r.deployment,
      phase: r.phase,
      idempotencyKey: r.idempotency_key,
      body: parseJson(r.body, `rollout ${r.id}`),
      steps: byRollout.get(r.id) ?? [],
    }));
  }

  async putCatalogue(doc: CatalogueDocument): Promise<void> {
    await this.db
      .insertInto('catalogue')
      .values({
        kind: doc.kind,
        id: doc.id,
        cluster: doc.cluster,
        created_at: doc.createdAt.toISOString(),
        phase: doc.phase,
        body: JSON.stringify(doc.body),
      })
      .onConflict((oc) =>
        oc.columns(['kind', 'id']).doUpdateSet((eb) => ({
          phase: eb.ref('excluded.phase'),
          body: eb.ref('excluded.body'),
          cluster: eb.ref('excluded.cluster'),
        })),
      )
      .execute();
  }

  async getCatalogue(kind: CatalogueDocument['kind'], id: string): Promise<CatalogueDocument | undefined> {
    const row = await this.db
      .selectFrom('catalogue')
      .selectAll()
      .where('kind', '=', kind)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : toCatalogue(row);
  }

  async listCatalogue(
    kind: CatalogueDocument['kind'],
    filter: { cluster?: string; phases?: readonly string[]; limit?: number } = {},
  ): Promise<CatalogueDocument[]> {
    let q = this.db
      .selectFrom('catalogue')
      .selectAll()
      .where('kind', '=', kind)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 1000);
    if (filter.cluster !== undefined) q = q.where('cluster', '=', filter.cluster);
    if (filter.phases !== undefined && filter.phases.length > 0)
      q = q.where('phase', 'in', [...filter.phases]);
    return (await q.execute()).map(toCatalogue);
  }

  async deleteCatalogue(kind: CatalogueDocument['kind'], id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('catalogue')
      .where('kind', '=', kind)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async transaction<T>(fn: (store: FleetStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new SqliteFleetStore(trx, true, this.now)));
  }

  async close(): Promise<void> {
    if (this.inTransaction) throw internal('close() called on a transaction store; close the outer store');
    await this.db.destroy();
  }
}

const CURSOR_PREFIX = 'audit:';

function encodeAuditCursor(id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`, 'utf8').toString('base64url');
}

function decodeAuditCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(id) || id < 0) {
    throw validationFailed(
      `audit cursor ${JSON.stringify(cursor)} is not one this server issued; expected a cursor (pageInfo.endCursor or edges[].cursor) of a previous page`,
      { after: cursor },
    );
  }
  return id;
}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function parseJson(text: string, what: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw internal(`stored ${what} is not valid JSON`, e);
  }
}

function toClusterRecord(row: ClusterRow): ClusterRecord {
  const labels = parseJson(row.labels, `labels of cluster ${row.name}`);
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw internal(`stored labels of cluster ${row.name} are not a JSON object`);
  }
  const source = CLUSTER_SOURCES.find((s) => s === row.source);
  if (source === undefined) throw internal(`stored source of cluster ${row.name} is ${row.source}`);
  return {
    name: row.name,
    site: row.site,
    labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])),
    source,
    server: row.server,
    credentialsEncrypted: row.credentials_encrypted,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    version: row.version,
  };
}

function toAuditEntry(row: AuditRow): AuditEntry {
  const outcome: AuditOutcome = row.outcome === 'success' ? 'success' : 'failure';
  return {
    id: String(row.id),
    time: new Date(row.time),
    actor: row.actor,
    action: row.action,
    target: parseJson(row.target, `audit target ${row.id}`),
    input: parseJson(row.input, `audit input ${row.id}`),
    outcome,
    ...(row.error_code !== null && isErrorCode(row.error_code) ? { errorCode: row.error_code } : {}),
    ...(row.error_message !== null ? { errorMessage: row.error_message } : {}),
  };
}

function toCatalogue(row: Selectable<FleetDatabase['catalogue']>): CatalogueDocument {
  const kind = row.kind === 'restore' || row.kind === 'schedule' ? row.kind : 'backup';
  return {
    kind,
    id: row.id,
    cluster: row.cluster,
    createdAt: new Date(row.created_at),
    phase: row.phase,
    body: parseJson(row.body, `${row.kind} ${row.id}`),
  };
}
