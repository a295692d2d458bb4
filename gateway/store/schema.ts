/**
 * The SQL schema of the fleet store: Kysely table types and the migrations that create them.
 * Portable SQL only (text, integer; JSON and times as text) so a PostgreSQL store can follow
 * the same shape; the audit id column is the one dialect-specific spot.
 */
import { randomBytes } from 'node:crypto';
import type { Generated, Kysely, Migration, MigrationProvider } from '#kysely';

/** Row of `clusters`. */
export interface ClustersTable {
  name: string;
  site: string;
  /** JSON object of label key to value. */
  labels: string;
  source: string;
  server: string;
  credentials_encrypted: string;
  /** ISO 8601 UTC. */
  created_at: string;
  /** ISO 8601 UTC. */
  updated_at: string;
  version: number;
}

/** Row of `audit_log`. */
export interface AuditLogTable {
  id: Generated<number>;
  /** ISO 8601 UTC. */
  time: string;
  actor: string;
  action: string;
  /** JSON. */
  target: string;
  /** JSON, credentials redacted. */
  input: string;
  outcome: string;
  error_code: string | null;
  error_message: string | null;
}

/** Row of `fleet_events`: the event log of the subscriptions. */
export interface FleetEventsTable {
  /** Assigned by the gateway, increasing, gap-free within one log. */
  seq: number;
  /** 'node' or 'cluster'. */
  stream: string;
  cluster: string;
  /** ISO 8601 UTC, when the gateway observed it. */
  time: string;
  /** JSON: the whole event. */
  payload: string;
}

/** Row of `event_state`: what the event log was last told, to diff fresh lists against. */
export interface EventStateTable {
  /** What kind of state: 'node', 'cluster', 'kubernetes-event'. */
  scope: string;
  cluster: string;
  key: string;
  /** JSON. */
  value: string;
}

/** Row of `store_meta`. */
export interface StoreMetaTable {
  key: string;
  value: string;
}

/** Row of `rollouts`: a rollout without its steps. */
export interface RolloutsTable {
  id: string;
  created_at: string;
  updated_at: string;
  actor: string;
  namespace: string;
  deployment: string;
  phase: string;
  idempotency_key: string | null;
  /** JSON: the Rollout without steps. */
  body: string;
}

/** Row of `rollout_steps`: one cluster's step of a rollout. */
export interface RolloutStepsTable {
  rollout_id: string;
  cluster: string;
  position: number;
  state: string;
  /** JSON: the ClusterStep. */
  body: string;
}

/** Row of `catalogue`: backups, restores and schedules, one JSON document each. */
export interface CatalogueTable {
  kind: string;
  id: string;
  cluster: string;
  created_at: string;
  phase: string;
  body: string;
}

/** The store's database as Kysely sees it. */
export interface FleetDatabase {
  catalogue: CatalogueTable;
  rollouts: RolloutsTable;
  rollout_steps: RolloutStepsTable;
  clusters: ClustersTable;
  audit_log: AuditLogTable;
  fleet_events: FleetEventsTable;
  event_state: EventStateTable;
  store_meta: StoreMetaTable;
}

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('clusters')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('site', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('server', 'text', (c) => c.notNull())
      .addColumn('credentials_encrypted', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('clusters_source').on('clusters').column('source').execute();
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('input', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .execute();
    await db.schema.createIndex('audit_log_time').on('audit_log').column('time').execute();
    await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor', 'id']).execute();
    await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('audit_log').execute();
    await db.schema.dropTable('clusters').execute();
  },
};

const events: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('fleet_events')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('event_state')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('event_state_pk', ['scope', 'cluster', 'key'])
      .execute();
    await db.schema
      .createTable('store_meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    // Names this event log: cursors of another log (a new store) are told apart from ours.
    await (db as Kysely<FleetDatabase>)
      .insertInto('store_meta')
      .values({ key: 'event_log_id', value: randomBytes(6).toString('base64url') })
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('store_meta').execute();
    await db.schema.dropTable('event_state').execute();
    await db.schema.dropTable('fleet_events').execute();
  },
};

const rollouts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rollouts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('namespace', 'text', (c) => c.notNull())
      .addColumn('deployment', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.unique())
      .addColumn('body', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rollouts_phase').on('rollouts').column('phase').execute();
    await db.schema
      .createIndex('rollouts_deployment')
      .on('rollouts')
      .columns(['namespace', 'deployment'])
      .execute();
    await db.schema
      .createTable('rollout_steps')
      .addColumn('rollout_id', 'text', (c) => c.notNull().references('rollouts.id').onDelete('cascade'))
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('rollout_steps_pk', ['rollout_id', 'cluster'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('rollout_steps').execute();
    await db.schema.dropTable('rollouts').execute();
  },
};

const catalogue: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('catalogue')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('catalogue_pk', ['kind', 'id'])
      .execute();
    await db.schema
      .createIndex('catalogue_cluster')
      .on('catalogue')
      .columns(['kind', 'cluster', 'created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('catalogue').execute();
  },
};

/** Migrations in order; names sort in the order they apply. Never edit one that has shipped. */
export const fleetMigrations: MigrationProvider = {
  getMigrations: () =>
    Promise.resolve({
      '0001_initial': initial,
      '0002_events': events,
      '0003_rollouts': rollouts,
      '0004_catalogue': catalogue,
    }),
};
