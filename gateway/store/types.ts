/**
 * FleetStore: everything the gateway persists, behind one small interface so SQLite (now) and
 * PostgreSQL (later) implement the same thing. Values are plain (strings, numbers, Dates,
 * JSON); no driver types leak through.
 */
import type { ErrorCode } from '../vocabulary.js';

/** A JSON value as stored in JSON text columns. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** How a cluster got into the registry: by an operator, or by demo mode (removed with it). */
export type ClusterSource = 'registered' | 'demo';

/** The cluster sources, for validation. */
export const CLUSTER_SOURCES: readonly ClusterSource[] = ['registered', 'demo'];

/** A cluster row. Credentials stay sealed here; only the registry opens them. */
export interface ClusterRecord {
  name: string;
  site: string;
  labels: Record<string, string>;
  source: ClusterSource;
  /** API server URL; not secret. */
  server: string;
  /** Credentials sealed by the SecretBox. */
  credentialsEncrypted: string;
  createdAt: Date;
  updatedAt: Date;
  /** Starts at 1, +1 on every update; the expected version of an update (optimistic concurrency). */
  version: number;
}

/** What insertCluster needs; the store sets times and version. */
export type NewClusterRecord = Omit<ClusterRecord, 'createdAt' | 'updatedAt' | 'version'>;

/** Fields an update may change. */
export type ClusterChanges = Partial<
  Pick<ClusterRecord, 'site' | 'labels' | 'server' | 'credentialsEncrypted'>
>;

/** Outcome of an audited mutation. */
export type AuditOutcome = 'success' | 'failure';

/** One audit log entry as appended (credentials already redacted by the caller). */
export interface NewAuditEntry {
  actor: string;
  action: string;
  target: JsonValue;
  input: JsonValue;
  outcome: AuditOutcome;
  errorCode?: ErrorCode;
  errorMessage?: string;
}

/** One stored audit log entry. */
export interface AuditEntry extends NewAuditEntry {
  /** Opaque, unique, increasing in append order. */
  id: string;
  time: Date;
}

/** Filter and page of {@link FleetStore.listAudit}; entries come newest first. */
export interface AuditQuery {
  actor?: string;
  action?: string;
  /** Only entries at or after this time. */
  since?: Date;
  /** Page size, 1..1000. */
  limit: number;
  /** A nextCursor from the previous page. */
  after?: string;
}

/** One page of audit entries. */
export interface AuditPage {
  entries: AuditEntry[];
  /** Cursor of each entry (pass one as `after` to continue after it), parallel to entries. */
  cursors: string[];
  /** Cursor for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/** One entry of the event log. */
export interface StoredEvent {
  /** Position in the log: increasing, gap-free. */
  seq: number;
  stream: 'node' | 'cluster' | 'rollout' | 'backup';
  cluster: string;
  time: Date;
  /** The whole event. */
  payload: JsonValue;
}

/** What the event log last reported about something: a node, a cluster, a Kubernetes Event. */
export interface EventStateEntry {
  scope: 'node' | 'cluster' | 'kubernetes-event';
  cluster: string;
  key: string;
  value: JsonValue;
}

/** Changes to the event state written together with a batch of events. */
export interface EventStateWrites {
  put: EventStateEntry[];
  delete: Pick<EventStateEntry, 'scope' | 'cluster' | 'key'>[];
  /** Clusters whose whole state goes (unregistered). */
  deleteClusters: string[];
}

/** The event log's identity and extent. */
export interface EventLogBounds {
  /** Random name of this log, made with the store; cursors carry it. */
  logId: string;
  /** Oldest retained seq, null when the log is empty. */
  oldest: number | null;
  /** Newest seq, null when the log is empty. */
  newest: number | null;
}

/** A rollout as stored: the rollout (JSON) and its steps (JSON each). */
export interface StoredRollout {
  id: string;
  createdAt: Date;
  actor: string;
  namespace: string;
  deployment: string;
  phase: string;
  idempotencyKey: string | null;
  body: JsonValue;
  steps: { cluster: string; position: number; state: string; body: JsonValue }[];
}

/** Filter and page of {@link FleetStore.listRollouts}; newest first. */
export interface RolloutQuery {
  phases?: readonly string[];
  namespace?: string;
  deployment?: string;
  limit: number;
  /** Only rollouts created before this id's rollout (paging). */
  beforeId?: string;
}

/** A catalogue document: a backup, a restore or a schedule. */
export interface CatalogueDocument {
  kind: 'backup' | 'restore' | 'schedule';
  id: string;
  cluster: string;
  createdAt: Date;
  phase: string;
  body: JsonValue;
}

/** Everything persisted. Errors are FleetErrors (CONFLICT, NOT_FOUND, VALIDATION_FAILED). */
export interface FleetStore {
  /** Inserts a cluster at version 1; CONFLICT when the name is taken. */
  insertCluster(cluster: NewClusterRecord): Promise<ClusterRecord>;
  /**
   * Applies changes when the stored version equals expectedVersion, bumping it; CONFLICT when
   * it does not (someone else wrote first), NOT_FOUND when the cluster does not exist.
   */
  updateCluster(name: string, expectedVersion: number, changes: ClusterChanges): Promise<ClusterRecord>;
  /** Deletes a cluster and returns what it was; undefined when there was none. */
  deleteCluster(name: string): Promise<ClusterRecord | undefined>;
  /** One cluster, or undefined. */
  getCluster(name: string): Promise<ClusterRecord | undefined>;
  /** All clusters (optionally of one source), by name. */
  listClusters(filter?: { source?: ClusterSource }): Promise<ClusterRecord[]>;
  /** Deletes every cluster of a source; returns the deleted rows. */
  deleteClustersBySource(source: ClusterSource): Promise<ClusterRecord[]>;
  /** Appends an audit entry. */
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Audit entries, newest first, filtered and paged. */
  listAudit(query: AuditQuery): Promise<AuditPage>;
  /** Appends events (seqs assigned by the caller, above every stored one) and applies state writes, atomically. */
  appendEvents(events: readonly StoredEvent[], state: EventStateWrites): Promise<void>;
  /** Up to limit events with seq > afterSeq, oldest first. */
  listEvents(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The log's id, oldest and newest seq. */
  eventLogBounds(): Promise<EventLogBounds>;
  /** Deletes events with seq below minSeq; returns how many went. */
  trimEvents(minSeq: number): Promise<number>;
  /** Every event state entry. */
  listEventState(): Promise<EventStateEntry[]>;
  /** Inserts a rollout with its steps; CONFLICT when its id or idempotency key is taken. */
  insertRollout(rollout: StoredRollout): Promise<void>;
  /** Rewrites a rollout's own fields (phase, body) and the given steps. */
  saveRollout(
    rollout: Pick<StoredRollout, 'id' | 'phase' | 'body'>,
    steps: readonly StoredRollout['steps'][number][],
  ): Promise<void>;
  /** One rollout with its steps (by position), or undefined. */
  getRollout(id: string): Promise<StoredRollout | undefined>;
  /** The rollout created with this idempotency key, or undefined. */
  rolloutByIdempotencyKey(key: string): Promise<StoredRollout | undefined>;
  /** Rollouts with their steps, newest first. */
  listRollouts(query: RolloutQuery): Promise<StoredRollout[]>;
  /** Inserts or replaces a catalogue document. */
  putCatalogue(doc: CatalogueDocument): Promise<void>;
  /** One catalogue document, or undefined. */
  getCatalogue(kind: CatalogueDocument['kind'], id: string): Promise<CatalogueDocument | undefined>;
  /** Catalogue documents of a kind (optionally of one cluster and phases), newest first. */
  listCatalogue(
    kind: CatalogueDocument['kind'],
    filter?: { cluster?: string; phases?: readonly string[]; limit?: number },
  ): Promise<CatalogueDocument[]>;
  /** Deletes a catalogue document; returns whether it existed. */
  deleteCatalogue(kind: CatalogueDocument['kind'], id: string): Promise<boolean>;
  /**
   * Runs fn with a store whose writes commit together when fn resolves and roll back when it
   * throws. Use only the store passed to fn inside it. Nested calls join the outer transaction.
   */
  transaction<T>(fn: (store: FleetStore) => Promise<T>): Promise<T>;
  /** Closes the store; further calls fail. */
  close(): Promise<void>;
}
