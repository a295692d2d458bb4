import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ClusterView as ClusterViewModel, SiteView as SiteViewModel, FleetSummaryView as FleetSummaryViewModel, ResourceView as ResourceViewModel, FreshnessView as FreshnessViewModel, NodePage as NodePageModel, PodPage as PodPageModel, DeploymentPage as DeploymentPageModel, NamespacePage as NamespacePageModel, ServicePage as ServicePageModel, EventPage as EventPageModel, ResourcePage as ResourcePageModel, ClusterPage as ClusterPageModel, AuditPageView as AuditPageViewModel, ApiResourceListView as ApiResourceListViewModel, NodeEventView as NodeEventViewModel, ClusterEventView as ClusterEventViewModel, RolloutEventView as RolloutEventViewModel, RolloutPageView as RolloutPageViewModel, BackupEventView as BackupEventViewModel, EtcdSnapshotPage as EtcdSnapshotPageModel } from './models.js';
import type { FleetNode as FleetNodeModel, FleetPod as FleetPodModel, FleetDeployment as FleetDeploymentModel, FleetNamespace as FleetNamespaceModel, FleetService as FleetServiceModel, FleetEvent as FleetEventModel } from '../clusters/fleet-queries.js';
import type { AuditEntry as AuditEntryModel } from '../store/types.js';
import type { Rollout as RolloutModel, ClusterStep as ClusterStepModel, RolloutStrategy as RolloutStrategyModel } from '../rollouts/types.js';
import type { Backup as BackupModel, Restore as RestoreModel } from '../backups/backup-service.js';
import type { BackupSchedule as BackupScheduleModel } from '../backups/backup-schedules.js';
import type { EtcdSnapshot as EtcdSnapshotModel } from '../service/fleet-resources.js';
import type { GatewayContext } from './context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An RFC 3339 timestamp in UTC, e.g. 2026-11-25T10:30:00.000Z. */
  DateTime: { input: Date | string; output: Date | string; }
  /** Any JSON value (Kubernetes objects, audit inputs). */
  JSON: { input: unknown; output: unknown; }
  /** A map of string keys to string values, e.g. labels: {"tier": "edge"}. */
  StringMap: { input: Readonly<Record<string, string>>; output: Readonly<Record<string, string>>; }
};

/** A kind some targeted clusters serve. */
export type ApiResource = {
  __typename?: 'ApiResource';
  /** e.g. apps/v1, v1, sensors.example.com/v1alpha1. */
  apiVersion: Scalars['String']['output'];
  /** Clusters serving it, sorted. */
  clusters: Array<Scalars['String']['output']>;
  group: Scalars['String']['output'];
  kind: Scalars['String']['output'];
  namespaced: Scalars['Boolean']['output'];
  /** Plural resource name, e.g. deployments. */
  resource: Scalars['String']['output'];
  shortNames: Array<Scalars['String']['output']>;
  verbs: Array<Scalars['String']['output']>;
  version: Scalars['String']['output'];
};

export type ApiResourceList = {
  __typename?: 'ApiResourceList';
  freshness: Array<ClusterFreshness>;
  /** Sorted by group, version, kind. */
  resources: Array<ApiResource>;
};

export type ApiResourceWhere = {
  /** API group; '' for the core group. */
  group?: InputMaybe<Scalars['String']['input']>;
  kind?: InputMaybe<Scalars['String']['input']>;
  target?: InputMaybe<ClusterTarget>;
};

export type ApplyDeploymentInput = {
  /** The Deployment by its fields. Give this or manifest. */
  deployment?: InputMaybe<DeploymentFieldsInput>;
  /** Run everything as a server-side dry run (dryRun=All) and report per cluster what would change; nothing changes. */
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  /** Go ahead although an image lacks a platform the targeted nodes need (otherwise IMAGE_PLATFORM_MISSING). */
  force?: InputMaybe<Scalars['Boolean']['input']>;
  /** The same key again returns the rollout it created instead of starting another. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** A manifest (JSON or YAML): one apps/v1 Deployment, optionally with v1 Services and ConfigMaps. Give this or deployment. */
  manifest?: InputMaybe<Scalars['String']['input']>;
  strategy?: InputMaybe<RolloutStrategyInput>;
  target: ClusterTarget;
};

/** CPU architecture, from a node's kubernetes.io/arch label (else status.nodeInfo.architecture). */
export type Architecture =
  | 'AMD64'
  | 'ARM'
  | 'ARM64'
  /** Any other kubernetes.io/arch value. */
  | 'OTHER'
  | 'PPC64LE'
  | 'RISCV64'
  | 'S390X';

/** One audited mutation. Credentials in input are replaced by "[REDACTED]". */
export type AuditEntry = {
  __typename?: 'AuditEntry';
  action: Scalars['String']['output'];
  /** API token name of the caller, or 'local' for unauthenticated loopback callers, 'system' for the gateway. */
  actor: Scalars['String']['output'];
  errorCode?: Maybe<ErrorCode>;
  errorMessage?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  input: Scalars['JSON']['output'];
  outcome: AuditOutcome;
  target: Scalars['JSON']['output'];
  time: Scalars['DateTime']['output'];
};

export type AuditEntryConnection = {
  __typename?: 'AuditEntryConnection';
  edges: Array<AuditEntryEdge>;
  nodes: Array<AuditEntry>;
  pageInfo: PageInfo;
};

export type AuditEntryEdge = {
  __typename?: 'AuditEntryEdge';
  cursor: Scalars['String']['output'];
  node: AuditEntry;
};

export type AuditLogWhere = {
  /** e.g. cluster.register, cluster.update, cluster.unregister, cluster.importKubeconfig. */
  action?: InputMaybe<Scalars['String']['input']>;
  actor?: InputMaybe<Scalars['String']['input']>;
  /** Entries at or after this time. */
  since?: InputMaybe<Scalars['DateTime']['input']>;
};

export type AuditOutcome =
  | 'FAILURE'
  | 'SUCCESS';

export type Backup = {
  __typename?: 'Backup';
  actor: Scalars['String']['output'];
  /** SHA-256 of the compressed archive, kept here, outside the archive. */
  archiveSha256?: Maybe<Scalars['String']['output']>;
  archiveSize?: Maybe<Scalars['Int']['output']>;
  cluster: Scalars['String']['output'];
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  createdAt: Scalars['DateTime']['output'];
  errors: Array<BackupError>;
  facts?: Maybe<ClusterFacts>;
  id: Scalars['ID']['output'];
  /** Where the archive is: dir:<path>, or s3://<bucket>/<prefix> (with ?endpoint=<url> for an S3-compatible service). */
  location?: Maybe<Scalars['String']['output']>;
  message?: Maybe<Scalars['String']['output']>;
  objectCount: Scalars['Int']['output'];
  phase: BackupPhase;
  resourceCounts: Array<ResourceCount>;
  /** The schedule that made it, if one did. */
  scheduleId?: Maybe<Scalars['ID']['output']>;
};

export type BackupError = {
  __typename?: 'BackupError';
  message: Scalars['String']['output'];
  resource: Scalars['String']['output'];
};

export type BackupPhase =
  | 'COMPLETED'
  | 'FAILED'
  /** Done, but some kinds could not be listed (see errors). */
  | 'PARTIALLY_FAILED'
  | 'PENDING'
  | 'RUNNING';

/** Progress of a backup or a restore. */
export type BackupProgressEvent = {
  __typename?: 'BackupProgressEvent';
  cluster: Scalars['String']['output'];
  cursor: Scalars['String']['output'];
  /** The backup's or the restore's id. */
  id: Scalars['ID']['output'];
  message?: Maybe<Scalars['String']['output']>;
  /** Objects captured (backup) or processed (restore) so far. */
  objects: Scalars['Int']['output'];
  observedAt: Scalars['DateTime']['output'];
  phase: BackupPhase;
  /** BACKUP or RESTORE. */
  type: Scalars['String']['output'];
};

export type BackupSchedule = {
  __typename?: 'BackupSchedule';
  actor: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  cron: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  lastRunAt?: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  nextRunAt?: Maybe<Scalars['DateTime']['output']>;
  retention: Retention;
  target: Scalars['JSON']['output'];
  timezone?: Maybe<Scalars['String']['output']>;
  /** Clusters offline at a run: backed up when they reconnect. */
  waiting: Array<Scalars['String']['output']>;
};

export type BackupVerification = {
  __typename?: 'BackupVerification';
  backup: Backup;
  /** Objects in the archive, each checked against its digest. */
  objects: Scalars['Int']['output'];
};

/** A Kubernetes cluster of the fleet. */
export type Cluster = {
  __typename?: 'Cluster';
  /** Its nodes' architectures, sorted. */
  architectures: Array<Architecture>;
  authMethod: ClusterAuthMethod;
  /** Why a DEGRADED cluster is degraded. */
  degradedReasons: Array<Scalars['String']['output']>;
  distro?: Maybe<KubernetesDistro>;
  /** Kubernetes version, e.g. v1.31.4+k3s1; null before first contact. */
  kubernetesVersion?: Maybe<Scalars['String']['output']>;
  labels: Scalars['StringMap']['output'];
  lastError?: Maybe<ClusterProblem>;
  /** Last time the cluster answered anything. */
  lastSeen?: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  /** Number of nodes in the cache. */
  nodeCount: Scalars['Int']['output'];
  registeredAt: Scalars['DateTime']['output'];
  /** API server URL. */
  server: Scalars['String']['output'];
  site: Scalars['String']['output'];
  source: ClusterSource;
  state: ClusterState;
  /** Since when the cluster is in its state. */
  stateSince: Scalars['DateTime']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** Registry version; pass it as updateCluster's expectedVersion for optimistic concurrency. */
  version: Scalars['Int']['output'];
};

/** How the gateway authenticates to a cluster (the credentials themselves are never returned). */
export type ClusterAuthMethod =
  | 'AUTH_PROVIDER'
  | 'BASIC'
  | 'CLIENT_CERTIFICATE'
  | 'EXEC_PLUGIN'
  | 'NONE'
  | 'TOKEN';

export type ClusterConnection = {
  __typename?: 'ClusterConnection';
  edges: Array<ClusterEdge>;
  nodes: Array<Cluster>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

/**
 * How to reach and authenticate to a cluster, as a kubeconfig user does: a token, a client
 * certificate + key, or an exec plugin (none means anonymous). Base64 fields are PEM encoded as
 * in a kubeconfig's *-data fields. Stored encrypted; never returned.
 */
export type ClusterCredentialsInput = {
  /** Base64 PEM CA bundle (certificate-authority-data). */
  caData?: InputMaybe<Scalars['String']['input']>;
  clientCertificateData?: InputMaybe<Scalars['String']['input']>;
  clientKeyData?: InputMaybe<Scalars['String']['input']>;
  exec?: InputMaybe<ExecConfigInput>;
  insecureSkipTLSVerify?: InputMaybe<Scalars['Boolean']['input']>;
  proxyUrl?: InputMaybe<Scalars['String']['input']>;
  /** API server URL, e.g. https://10.0.0.1:6443. */
  server: Scalars['String']['input'];
  tlsServerName?: InputMaybe<Scalars['String']['input']>;
  token?: InputMaybe<Scalars['String']['input']>;
};

export type ClusterEdge = {
  __typename?: 'ClusterEdge';
  cursor: Scalars['String']['output'];
  node: Cluster;
};

/** Something that happened to a cluster. */
export type ClusterEvent = {
  __typename?: 'ClusterEvent';
  /** Architectures of its nodes, as last known. */
  architectures: Array<Architecture>;
  cluster: Scalars['String']['output'];
  /** Pass it as `after` to resume after this event. */
  cursor: Scalars['String']['output'];
  /** Cluster labels at the time. */
  labels: Scalars['StringMap']['output'];
  /** The failure behind CLUSTER_DEGRADED or CLUSTER_OFFLINE. */
  lastError?: Maybe<ClusterProblem>;
  /** When the gateway observed it. */
  observedAt: Scalars['DateTime']['output'];
  /** For CLUSTER_ONLINE after DEGRADED or OFFLINE: seconds since the cluster stopped being READY. */
  outageSeconds?: Maybe<Scalars['Float']['output']>;
  /** The state reported before (null for the first). */
  previousState?: Maybe<ClusterState>;
  /** Why, in words (the DEGRADED reasons, the last error of an OFFLINE cluster). */
  reason?: Maybe<Scalars['String']['output']>;
  site: Scalars['String']['output'];
  state: ClusterState;
  type: ClusterEventType;
};

/** What happened to a cluster. */
export type ClusterEventType =
  /** It is reachable but some watches or requests fail. */
  | 'CLUSTER_DEGRADED'
  /** No contact for longer than the detection time (15 s by default). */
  | 'CLUSTER_OFFLINE'
  /** It became READY (first contact, or recovery; outageSeconds tells how long it was not). */
  | 'CLUSTER_ONLINE'
  /** It was registered. */
  | 'CLUSTER_REGISTERED'
  /** It was unregistered. */
  | 'CLUSTER_UNREGISTERED';

/** Which cluster events to deliver. */
export type ClusterEventWhere = {
  /** Clusters, sites, architectures (any of the cluster's) and cluster labels. */
  target?: InputMaybe<ClusterTarget>;
  /** Event types; absent means all. */
  types?: InputMaybe<Array<ClusterEventType>>;
};

export type ClusterFacts = {
  __typename?: 'ClusterFacts';
  architectures: Array<Scalars['String']['output']>;
  distro?: Maybe<Scalars['String']['output']>;
  kubernetesVersion?: Maybe<Scalars['String']['output']>;
};

/** How current one targeted cluster's part of a list is. */
export type ClusterFreshness = {
  __typename?: 'ClusterFreshness';
  cluster: Scalars['String']['output'];
  /** Why data is missing or stale. */
  error?: Maybe<ClusterProblem>;
  /** Time up to which this cluster's part is known to be current; null when there is no data yet. */
  observedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Since when the cluster is OFFLINE; null unless it is. */
  offlineSince?: Maybe<Scalars['DateTime']['output']>;
  site: Scalars['String']['output'];
  /** True when this part may be out of date (cluster offline, cache not synced or not watching). */
  stale: Scalars['Boolean']['output'];
  state: ClusterState;
};

/** A failure of a cluster or a request, as the API shows it (never with credentials). */
export type ClusterProblem = {
  __typename?: 'ClusterProblem';
  /** When it was observed. */
  at?: Maybe<Scalars['DateTime']['output']>;
  code: ErrorCode;
  message: Scalars['String']['output'];
};

export type ClusterRolloutState =
  /** The write is being sent. */
  | 'APPLYING'
  | 'CANCELLED'
  | 'FAILED'
  | 'PENDING'
  /** Written; waiting for the Deployment to converge (observedGeneration, updated and available replicas). */
  | 'PROGRESSING'
  /** Not done: the cluster did not return within waitForClusterSeconds, or was unregistered. */
  | 'SKIPPED'
  | 'SUCCEEDED'
  /** A newer rollout of the same Deployment took this cluster over before this one reached it. */
  | 'SUPERSEDED'
  /** The cluster is offline: the change is kept and applied when it returns. */
  | 'WAITING_FOR_CLUSTER';

/** One cluster's part of a rollout. */
export type ClusterRolloutStep = {
  __typename?: 'ClusterRolloutStep';
  appliedAt?: Maybe<Scalars['DateTime']['output']>;
  canary: Scalars['Boolean']['output'];
  cluster: Scalars['String']['output'];
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The Deployment generation the write produced. */
  generation?: Maybe<Scalars['Int']['output']>;
  /** Why it is in this state (the failing pod's reason, the convergence progress, …). */
  message?: Maybe<Scalars['String']['output']>;
  /** Order in the rollout (canaries first). */
  position: Scalars['Int']['output'];
  site: Scalars['String']['output'];
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  state: ClusterRolloutState;
  updatedAt: Scalars['DateTime']['output'];
};

/** How a cluster entered the registry. */
export type ClusterSource =
  /** Started by demo mode; replaced on every demo start. */
  | 'DEMO'
  /** Registered by an operator (mutation or CLI). */
  | 'REGISTERED';

/**
 * A cluster connection's state.
 * CONNECTING: no contact yet (or reconnecting after OFFLINE). SYNCING: reachable, initial lists
 * running. READY: reachable, every cache synced and watching. DEGRADED: reachable, but some
 * watches or requests fail. OFFLINE: unreachable past the detection time (15 s by default);
 * its data is served stale. REMOVED: unregistered, shutting down.
 */
export type ClusterState =
  | 'CONNECTING'
  | 'DEGRADED'
  | 'OFFLINE'
  | 'READY'
  | 'REMOVED'
  | 'SYNCING';

/** Clusters in one state. */
export type ClusterStateCount = {
  __typename?: 'ClusterStateCount';
  count: Scalars['Int']['output'];
  state: ClusterState;
};

/**
 * Which clusters an operation is about; reused by every query, subscription, rollout and backup.
 * All given fields must match (AND). An absent field does not filter; a field given as an
 * empty list matches nothing. Architectures select clusters with at least one node of one of
 * them, and lists of nodes, pods and deployments are further narrowed to objects of those
 * architectures.
 */
export type ClusterTarget = {
  /** CPU architectures. */
  architectures?: InputMaybe<Array<Architecture>>;
  /** A Kubernetes label selector over cluster labels, e.g. "tier=edge,env in (prod)". */
  clusterLabelSelector?: InputMaybe<Scalars['String']['input']>;
  /** Cluster names. */
  clusters?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Sites. */
  sites?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A status condition. */
export type Condition = {
  __typename?: 'Condition';
  lastTransitionTime?: Maybe<Scalars['DateTime']['output']>;
  message?: Maybe<Scalars['String']['output']>;
  reason?: Maybe<Scalars['String']['output']>;
  status: Scalars['String']['output'];
  type: Scalars['String']['output'];
};

export type ConflictPolicy =
  /** Server-side apply, taking over conflicting fields. */
  | 'FORCE'
  /** Leave objects that exist on the target as they are (default). */
  | 'SKIP'
  /** Server-side apply over existing objects; a field owned by another manager is a CONFLICT. */
  | 'UPDATE';

/** Where a list's data comes from. */
export type Consistency =
  /** From the gateway's watch caches: milliseconds, possibly stale for unreachable clusters (see freshness). */
  | 'CACHED'
  /** Fresh from every targeted API server, in parallel, within deadlineMs; clusters that miss it are reported unreachable. */
  | 'LIVE';

export type Container = {
  __typename?: 'Container';
  image: Scalars['String']['output'];
  name: Scalars['String']['output'];
  ready: Scalars['Boolean']['output'];
  restartCount: Scalars['Int']['output'];
  waitingMessage?: Maybe<Scalars['String']['output']>;
  /** Why a waiting container waits (ImagePullBackOff, ContainerCreating, ...). */
  waitingReason?: Maybe<Scalars['String']['output']>;
};

/** A container and its new image. */
export type ContainerImageInput = {
  container: Scalars['String']['input'];
  image: Scalars['String']['input'];
};

export type ContainerPortInput = {
  containerPort: Scalars['Int']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  protocol?: InputMaybe<Scalars['String']['input']>;
};

export type CreateBackupInput = {
  cluster: Scalars['String']['input'];
  excludeKinds?: InputMaybe<Array<Scalars['String']['input']>>;
  excludeNamespaces?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Cluster-scoped kinds such as CRDs and cluster roles (default true). */
  includeClusterScoped?: InputMaybe<Scalars['Boolean']['input']>;
  /** Kinds (Deployment) or resources (deployments, deployments.apps) to include; absent: all. */
  includeKinds?: InputMaybe<Array<Scalars['String']['input']>>;
  includeNamespaces?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Secrets are backed up encrypted with the gateway key (default true). */
  includeSecrets?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only objects matching this label selector. */
  labelSelector?: InputMaybe<Scalars['String']['input']>;
};

export type CreateBackupScheduleInput = {
  /** Cron: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first. */
  cron: Scalars['String']['input'];
  excludeNamespaces?: InputMaybe<Array<Scalars['String']['input']>>;
  includeNamespaces?: InputMaybe<Array<Scalars['String']['input']>>;
  includeSecrets?: InputMaybe<Scalars['Boolean']['input']>;
  /** A DNS label. */
  name: Scalars['String']['input'];
  retention?: InputMaybe<RetentionInput>;
  target: ClusterTarget;
  /** IANA time zone of the cron expression (default UTC). */
  timezone?: InputMaybe<Scalars['String']['input']>;
};

export type Deployment = {
  __typename?: 'Deployment';
  /** Architectures of the nodes its pods run on plus those its nodeSelector/affinity allow. */
  architectures: Array<Architecture>;
  availability: DeploymentAvailability;
  availableReplicas: Scalars['Int']['output'];
  cluster: Cluster;
  conditions: Array<Condition>;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  generation: Scalars['Int']['output'];
  /** Container images of the pod template. */
  images: Array<Scalars['String']['output']>;
  labels: Scalars['StringMap']['output'];
  name: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
  nodeSelector: Scalars['StringMap']['output'];
  observedGeneration: Scalars['Int']['output'];
  readyReplicas: Scalars['Int']['output'];
  replicas: Scalars['Int']['output'];
  site: Scalars['String']['output'];
  uid: Scalars['String']['output'];
  updatedReplicas: Scalars['Int']['output'];
};

/** A deployment's availability. */
export type DeploymentAvailability =
  /** Every desired replica is updated and available. */
  | 'AVAILABLE'
  /** Some but not all replicas are available, or a rollout is in progress. */
  | 'PROGRESSING'
  /** Scaled to zero. */
  | 'SCALED_TO_ZERO'
  /** Replicas are desired but none is available. */
  | 'UNAVAILABLE';

export type DeploymentConnection = {
  __typename?: 'DeploymentConnection';
  edges: Array<DeploymentEdge>;
  freshness: Array<ClusterFreshness>;
  nodes: Array<Deployment>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type DeploymentEdge = {
  __typename?: 'DeploymentEdge';
  cursor: Scalars['String']['output'];
  node: Deployment;
};

/** A Deployment by its fields (one container; pods labelled app=<name>). */
export type DeploymentFieldsInput = {
  /** Container name (default: the Deployment's name). */
  container?: InputMaybe<Scalars['String']['input']>;
  env?: InputMaybe<Array<EnvVarInput>>;
  image: Scalars['String']['input'];
  /** Labels of the Deployment and its pods (app=<name> is always there). */
  labels?: InputMaybe<Scalars['StringMap']['input']>;
  name: Scalars['String']['input'];
  namespace?: Scalars['String']['input'];
  nodeSelector?: InputMaybe<Scalars['StringMap']['input']>;
  ports?: InputMaybe<Array<ContainerPortInput>>;
  replicas?: InputMaybe<Scalars['Int']['input']>;
  resources?: InputMaybe<ResourcesInput>;
};

/** A Deployment to restart or delete. */
export type DeploymentRolloutInput = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  namespace?: Scalars['String']['input'];
  strategy?: InputMaybe<RolloutStrategyInput>;
  target: ClusterTarget;
};

export type DeploymentWhere = {
  availability?: InputMaybe<DeploymentAvailability>;
  /** Deployments with a container image equal to this; given without a tag or digest (or ending in ':'), any tag or digest of that repository, e.g. "registry.example/sensor-collector". */
  image?: InputMaybe<Scalars['String']['input']>;
  labelSelector?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  target?: InputMaybe<ClusterTarget>;
};

/** What a dry run found on one cluster. */
export type DryRunChange =
  | 'CHANGED'
  | 'CREATED'
  | 'DELETED'
  | 'FAILED'
  | 'UNCHANGED';

export type DryRunResult = {
  __typename?: 'DryRunResult';
  change: DryRunChange;
  /** Paths of the fields that would change, e.g. spec.template.spec.containers[app].image. */
  changedFields: Array<Scalars['String']['output']>;
  cluster: Scalars['String']['output'];
  message?: Maybe<Scalars['String']['output']>;
};

export type EnvVarInput = {
  name: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

/** Error codes carried in errors[].extensions.code, one list for the whole API. */
export type ErrorCode =
  /** A backup archive failed verification: missing, truncated or changed since it was written. */
  | 'BACKUP_INVALID'
  /** A cluster answered with an error. */
  | 'CLUSTER_ERROR'
  /** A cluster did not answer within the deadline; its part of a result is missing or stale. */
  | 'CLUSTER_UNREACHABLE'
  /** The write conflicts with existing state (duplicate name, stale version). */
  | 'CONFLICT'
  /** A cursor is older than the retained event log: re-query state, then subscribe again. */
  | 'CURSOR_EXPIRED'
  /** Authenticated, but not allowed. */
  | 'FORBIDDEN'
  /** An image lacks a platform that target nodes need. */
  | 'IMAGE_PLATFORM_MISSING'
  /** Something failed inside the gateway; details are in its log (by requestId), not in the response. */
  | 'INTERNAL'
  /** A kubeconfig could not be read or lacks what was asked for. */
  | 'KUBECONFIG_INVALID'
  /** A query or request exceeded a limit (depth, cost, aliases, page size, body size). */
  | 'LIMIT_EXCEEDED'
  /** The named object (cluster, rollout, backup, ...) does not exist. */
  | 'NOT_FOUND'
  /** No or bad API token. */
  | 'UNAUTHENTICATED'
  /** Input failed validation; the message says what was received and what is expected. */
  | 'VALIDATION_FAILED';

/** One etcd snapshot file of a k3s or RKE2 cluster. */
export type EtcdSnapshot = {
  __typename?: 'EtcdSnapshot';
  cluster: Cluster;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** Why the snapshot failed, when it did. */
  error?: Maybe<Scalars['String']['output']>;
  /** file:// path on the node, or s3:// URL. */
  location: Scalars['String']['output'];
  /** The ETCDSnapshotFile object's name. */
  name: Scalars['String']['output'];
  /** The etcd node that took it. */
  nodeName: Scalars['String']['output'];
  readyToUse: Scalars['Boolean']['output'];
  site: Scalars['String']['output'];
  /** status.size as the cluster reports it (a Kubernetes quantity). */
  size?: Maybe<Scalars['String']['output']>;
  /** The size in bytes. */
  sizeBytes?: Maybe<Scalars['Float']['output']>;
  /** The snapshot's own name, e.g. etcd-snapshot-server-1-1733140800. */
  snapshotName: Scalars['String']['output'];
  storage: EtcdSnapshotStorage;
};

export type EtcdSnapshotConnection = {
  __typename?: 'EtcdSnapshotConnection';
  edges: Array<EtcdSnapshotEdge>;
  freshness: Array<ClusterFreshness>;
  nodes: Array<EtcdSnapshot>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type EtcdSnapshotEdge = {
  __typename?: 'EtcdSnapshotEdge';
  cursor: Scalars['String']['output'];
  node: EtcdSnapshot;
};

/** Where an etcd snapshot file is kept. */
export type EtcdSnapshotStorage =
  /** On the etcd node's disk (lost with the node). */
  | 'LOCAL'
  /** In S3-compatible object storage. */
  | 'S3';

export type EtcdSnapshotWhere = {
  /** Only snapshots taken on this node. */
  nodeName?: InputMaybe<Scalars['String']['input']>;
  target?: InputMaybe<ClusterTarget>;
};

export type Event = {
  __typename?: 'Event';
  cluster: Cluster;
  count: Scalars['Int']['output'];
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  firstTimestamp?: Maybe<Scalars['DateTime']['output']>;
  involvedObject: InvolvedObject;
  lastTimestamp?: Maybe<Scalars['DateTime']['output']>;
  message?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  site: Scalars['String']['output'];
  source: EventSource;
  /** Normal or Warning. */
  type?: Maybe<Scalars['String']['output']>;
  uid: Scalars['String']['output'];
};

export type EventConnection = {
  __typename?: 'EventConnection';
  edges: Array<EventEdge>;
  freshness: Array<ClusterFreshness>;
  nodes: Array<Event>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type EventEdge = {
  __typename?: 'EventEdge';
  cursor: Scalars['String']['output'];
  node: Event;
};

export type EventSource = {
  __typename?: 'EventSource';
  component?: Maybe<Scalars['String']['output']>;
  host?: Maybe<Scalars['String']['output']>;
};

export type EventWhere = {
  /** Kind of the involved object, e.g. Node. */
  involvedKind?: InputMaybe<Scalars['String']['input']>;
  involvedName?: InputMaybe<Scalars['String']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  reason?: InputMaybe<Scalars['String']['input']>;
  target?: InputMaybe<ClusterTarget>;
  /** Normal or Warning. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** An exec credential plugin, as in a kubeconfig user's `exec`. */
export type ExecConfigInput = {
  /** client.authentication.k8s.io/v1 or v1beta1. */
  apiVersion: Scalars['String']['input'];
  args?: InputMaybe<Array<Scalars['String']['input']>>;
  command: Scalars['String']['input'];
  env?: InputMaybe<Array<ExecEnvVarInput>>;
  installHint?: InputMaybe<Scalars['String']['input']>;
  interactiveMode?: InputMaybe<Scalars['String']['input']>;
  provideClusterInfo?: InputMaybe<Scalars['Boolean']['input']>;
};

export type ExecEnvVarInput = {
  name: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

export type FleetSummary = {
  __typename?: 'FleetSummary';
  clusters: Scalars['Int']['output'];
  clustersByState: Array<ClusterStateCount>;
  freshness: Array<ClusterFreshness>;
  /** Sorted by site, architecture, readiness. */
  groups: Array<FleetSummaryGroup>;
  nodes: Scalars['Int']['output'];
};

/** Node count of one site x architecture x readiness group. */
export type FleetSummaryGroup = {
  __typename?: 'FleetSummaryGroup';
  /** Null for nodes that report no architecture. */
  architecture?: Maybe<Architecture>;
  /** Clusters contributing nodes to this group. */
  clusters: Scalars['Int']['output'];
  nodes: Scalars['Int']['output'];
  readiness: NodeReadiness;
  site: Scalars['String']['output'];
};

export type ImportKubeconfigInput = {
  /** Contexts to import, each becoming a cluster of the same name. Default: all. */
  contexts?: InputMaybe<Array<Scalars['String']['input']>>;
  /** The kubeconfig file's YAML text. */
  kubeconfig: Scalars['String']['input'];
  /** Site for contexts whose fleetgraph extension names none. */
  site?: InputMaybe<Scalars['String']['input']>;
};

export type ImportKubeconfigResult = {
  __typename?: 'ImportKubeconfigResult';
  clusters: Array<Cluster>;
};

export type InvolvedObject = {
  __typename?: 'InvolvedObject';
  kind?: Maybe<Scalars['String']['output']>;
  name?: Maybe<Scalars['String']['output']>;
  namespace?: Maybe<Scalars['String']['output']>;
};

/** A context of a kubeconfig given as text (never a path on the gateway's disk). */
export type KubeconfigContextInput = {
  context: Scalars['String']['input'];
  /** The kubeconfig file's YAML text. */
  kubeconfig: Scalars['String']['input'];
};

/** Kubernetes distribution, from /version and node metadata. */
export type KubernetesDistro =
  | 'K3S'
  | 'KUBEADM'
  /** Another or an unrecognised distribution. */
  | 'KUBERNETES'
  | 'RKE2';

/** The core/v1 Event a KUBERNETES_EVENT reports. */
export type KubernetesEventInfo = {
  __typename?: 'KubernetesEventInfo';
  count: Scalars['Int']['output'];
  message?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  /** The component that recorded it (kubelet, node-controller, ...). */
  source?: Maybe<Scalars['String']['output']>;
  /** Normal or Warning. */
  type?: Maybe<Scalars['String']['output']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Creates or updates a Deployment (and optional Service/ConfigMap) with server-side apply (fieldManager fleetgraph); the namespace is created if missing. */
  applyDeployment: Rollout;
  /** Cancels clusters not started yet; clusters in progress finish. */
  cancelRollout: Rollout;
  /** Starts a backup of one cluster's API state; it runs in the background (follow it with backup(id)). */
  createBackup: Backup;
  /** Backs the targeted clusters up on a cron schedule, keeping what the retention says. */
  createBackupSchedule: BackupSchedule;
  /** Deletes a schedule; its backups stay. */
  deleteBackupSchedule: BackupSchedule;
  /** Deletes the Deployment. */
  deleteDeployment: Rollout;
  /** Registers every context (or the listed ones) of a kubeconfig, all or nothing. */
  importKubeconfig: ImportKubeconfigResult;
  /** Stops starting clusters; clusters in progress finish. */
  pauseRollout: Rollout;
  /** Registers one cluster; CONFLICT when the name is taken. */
  registerCluster: Cluster;
  /** Restarts the pods, as kubectl rollout restart does (the kubectl.kubernetes.io/restartedAt annotation). */
  restartDeployment: Rollout;
  /** Restores a verified backup onto its cluster or another one (in the background; a dry run answers with the plan). */
  restoreBackup: Restore;
  /** Starts clusters again after a pause. */
  resumeRollout: Rollout;
  /** Rolls back to the previous revision (or toRevision), as kubectl rollout undo does. */
  rollbackDeployment: Rollout;
  /** Sets the replica count. */
  scaleDeployment: Rollout;
  /** Sets the image of named containers. */
  setDeploymentImage: Rollout;
  /** Removes a cluster from the fleet (nothing on the cluster itself changes). */
  unregisterCluster: UnregisteredCluster;
  /** Changes a cluster's site, labels or credentials; absent fields stay as they are. */
  updateCluster: Cluster;
  /** Checks a backup's archive against the digest recorded when it was written; BACKUP_INVALID when it was changed or truncated. */
  verifyBackup: BackupVerification;
};


export type MutationApplyDeploymentArgs = {
  input: ApplyDeploymentInput;
};


export type MutationCancelRolloutArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCreateBackupArgs = {
  input: CreateBackupInput;
};


export type MutationCreateBackupScheduleArgs = {
  input: CreateBackupScheduleInput;
};


export type MutationDeleteBackupScheduleArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteDeploymentArgs = {
  input: DeploymentRolloutInput;
};


export type MutationImportKubeconfigArgs = {
  input: ImportKubeconfigInput;
};


export type MutationPauseRolloutArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRegisterClusterArgs = {
  input: RegisterClusterInput;
};


export type MutationRestartDeploymentArgs = {
  input: DeploymentRolloutInput;
};


export type MutationRestoreBackupArgs = {
  input: RestoreBackupInput;
};


export type MutationResumeRolloutArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRollbackDeploymentArgs = {
  input: RollbackDeploymentInput;
};


export type MutationScaleDeploymentArgs = {
  input: ScaleDeploymentInput;
};


export type MutationSetDeploymentImageArgs = {
  input: SetDeploymentImageInput;
};


export type MutationUnregisterClusterArgs = {
  name: Scalars['String']['input'];
};


export type MutationUpdateClusterArgs = {
  input: UpdateClusterInput;
  name: Scalars['String']['input'];
};


export type MutationVerifyBackupArgs = {
  id: Scalars['ID']['input'];
};

export type Namespace = {
  __typename?: 'Namespace';
  cluster: Cluster;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  labels: Scalars['StringMap']['output'];
  name: Scalars['String']['output'];
  phase?: Maybe<Scalars['String']['output']>;
  site: Scalars['String']['output'];
  uid: Scalars['String']['output'];
};

export type NamespaceConnection = {
  __typename?: 'NamespaceConnection';
  edges: Array<NamespaceEdge>;
  freshness: Array<ClusterFreshness>;
  nodes: Array<Namespace>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type NamespaceEdge = {
  __typename?: 'NamespaceEdge';
  cursor: Scalars['String']['output'];
  node: Namespace;
};

export type NamespaceMapping = {
  __typename?: 'NamespaceMapping';
  from: Scalars['String']['output'];
  to: Scalars['String']['output'];
};

export type NamespaceMappingInput = {
  from: Scalars['String']['input'];
  to: Scalars['String']['input'];
};

export type NamespaceWhere = {
  labelSelector?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  target?: InputMaybe<ClusterTarget>;
};

export type Node = {
  __typename?: 'Node';
  addresses: Array<NodeAddress>;
  allocatable: NodeResources;
  architecture?: Maybe<Architecture>;
  capacity: NodeResources;
  cluster: Cluster;
  conditions: Array<Condition>;
  containerRuntimeVersion?: Maybe<Scalars['String']['output']>;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  kernelVersion?: Maybe<Scalars['String']['output']>;
  kubeletVersion?: Maybe<Scalars['String']['output']>;
  labels: Scalars['StringMap']['output'];
  name: Scalars['String']['output'];
  osImage?: Maybe<Scalars['String']['output']>;
  readiness: NodeReadiness;
  roles: Array<Scalars['String']['output']>;
  site: Scalars['String']['output'];
  taints: Array<Taint>;
  uid: Scalars['String']['output'];
  unschedulable: Scalars['Boolean']['output'];
};

export type NodeAddress = {
  __typename?: 'NodeAddress';
  address: Scalars['String']['output'];
  type: Scalars['String']['output'];
};

/** Nodes, with every targeted cluster's freshness. */
export type NodeConnection = {
  __typename?: 'NodeConnection';
  edges: Array<NodeEdge>;
  /** One entry per targeted cluster. */
  freshness: Array<ClusterFreshness>;
  nodes: Array<Node>;
  pageInfo: PageInfo;
  /** Matching items across all pages. */
  totalCount: Scalars['Int']['output'];
};

export type NodeEdge = {
  __typename?: 'NodeEdge';
  cursor: Scalars['String']['output'];
  node: Node;
};

/** Something that happened to a node. */
export type NodeEvent = {
  __typename?: 'NodeEvent';
  /** The node's architecture. */
  architecture?: Maybe<Architecture>;
  cluster: Scalars['String']['output'];
  /** For NODE_CONDITION_CHANGED: the condition type. */
  condition?: Maybe<Scalars['String']['output']>;
  /** State after (for KUBERNETES_EVENT: the node's state then); null for NODE_REMOVED. */
  current?: Maybe<NodeState>;
  /** Pass it as `after` to resume after this event. */
  cursor: Scalars['String']['output'];
  /** For KUBERNETES_EVENT: the Event. */
  kubernetesEvent?: Maybe<KubernetesEventInfo>;
  /** The node as it was then (for NODE_REMOVED: before it went). */
  node?: Maybe<Node>;
  nodeName: Scalars['String']['output'];
  /** When the gateway observed it. */
  observedAt: Scalars['DateTime']['output'];
  /** When it happened on the cluster, when the cluster says (condition transition, Event time). */
  occurredAt?: Maybe<Scalars['DateTime']['output']>;
  /** State before; null for NODE_ADDED and KUBERNETES_EVENT. */
  previous?: Maybe<NodeState>;
  site: Scalars['String']['output'];
  type: NodeEventType;
};

/** What happened to a node. */
export type NodeEventType =
  /** A core/v1 Event about the node was recorded, or its count grew. */
  | 'KUBERNETES_EVENT'
  /** The node object appeared. */
  | 'NODE_ADDED'
  /** A pressure or network condition (MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable) changed status. */
  | 'NODE_CONDITION_CHANGED'
  /** spec.unschedulable became true. */
  | 'NODE_CORDONED'
  /** Its Ready condition became False. */
  | 'NODE_NOT_READY'
  /** Its Ready condition became True. */
  | 'NODE_READY'
  /** The node object was deleted. */
  | 'NODE_REMOVED'
  /** spec.unschedulable became false. */
  | 'NODE_UNCORDONED'
  /** Its Ready condition became Unknown: the kubelet stopped posting status (heartbeats stopped). */
  | 'NODE_UNKNOWN';

/** Which node events to deliver. */
export type NodeEventWhere = {
  /** Node names; absent means all. */
  nodes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Clusters, sites, architectures (the node's) and cluster labels. */
  target?: InputMaybe<ClusterTarget>;
  /** Event types; absent means all. */
  types?: InputMaybe<Array<NodeEventType>>;
};

/** Node readiness from its Ready condition. */
export type NodeReadiness =
  | 'NOT_READY'
  | 'READY'
  /** Ready condition Unknown or missing (the kubelet stopped posting status). */
  | 'UNKNOWN';

/** CPU, memory and pod count as Kubernetes quantities. */
export type NodeResources = {
  __typename?: 'NodeResources';
  cpu?: Maybe<Scalars['String']['output']>;
  memory?: Maybe<Scalars['String']['output']>;
  pods?: Maybe<Scalars['String']['output']>;
};

/** A node's state as events report it. */
export type NodeState = {
  __typename?: 'NodeState';
  conditions: Array<Condition>;
  readiness: NodeReadiness;
  unschedulable: Scalars['Boolean']['output'];
};

export type NodeWhere = {
  /** Kubernetes label selector over node labels. */
  labelSelector?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  readiness?: InputMaybe<NodeReadiness>;
  /** A role from node-role.kubernetes.io/<role> labels; nodes without one have role 'worker'. */
  role?: InputMaybe<Scalars['String']['input']>;
  target?: InputMaybe<ClusterTarget>;
  unschedulable?: InputMaybe<Scalars['Boolean']['input']>;
};

/** How a list is sorted. */
export type OrderBy = {
  direction?: OrderDirection;
  field?: OrderField;
};

export type OrderDirection =
  | 'ASC'
  | 'DESC';

/** Sort order of a list. Ties are broken by cluster, namespace and name, so the order is total and stable. */
export type OrderField =
  /** cluster, namespace, name (the default). */
  | 'CLUSTER'
  /** creation time, then cluster, namespace, name. */
  | 'CREATED_AT'
  /** name, namespace, cluster. */
  | 'NAME'
  /** site, cluster, namespace, name. */
  | 'SITE';

export type OwnerReference = {
  __typename?: 'OwnerReference';
  kind: Scalars['String']['output'];
  name: Scalars['String']['output'];
};

/** Relay page information. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item of this page; pass it as `after` for the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first item of this page. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** The image platform check of a rollout. */
export type PlatformCheck = {
  __typename?: 'PlatformCheck';
  /** False for actions that set no image. */
  checked: Scalars['Boolean']['output'];
  /** The rollout went ahead with force: true. */
  forced: Scalars['Boolean']['output'];
  /** What was not checked or was forced through. */
  warnings: Array<Scalars['String']['output']>;
};

export type Pod = {
  __typename?: 'Pod';
  /** The node's architecture. */
  architecture?: Maybe<Architecture>;
  cluster: Cluster;
  containers: Array<Container>;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  labels: Scalars['StringMap']['output'];
  name: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
  /** The node as the watch cache has it; null while unscheduled or when the node is unknown. */
  node?: Maybe<Node>;
  /** Name of the node; null while unscheduled. */
  nodeName?: Maybe<Scalars['String']['output']>;
  ownerReferences: Array<OwnerReference>;
  phase?: Maybe<Scalars['String']['output']>;
  podIP?: Maybe<Scalars['String']['output']>;
  readyContainers: Scalars['Int']['output'];
  restartCount: Scalars['Int']['output'];
  site: Scalars['String']['output'];
  /** True while the pod is being deleted. */
  terminating: Scalars['Boolean']['output'];
  uid: Scalars['String']['output'];
  waitingMessage?: Maybe<Scalars['String']['output']>;
  waitingReason?: Maybe<Scalars['String']['output']>;
};

export type PodConnection = {
  __typename?: 'PodConnection';
  edges: Array<PodEdge>;
  freshness: Array<ClusterFreshness>;
  nodes: Array<Pod>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type PodEdge = {
  __typename?: 'PodEdge';
  cursor: Scalars['String']['output'];
  node: Pod;
};

export type PodWhere = {
  /** Kubernetes label selector over pod labels. */
  labelSelector?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  /** Name of the node the pod runs on. */
  node?: InputMaybe<Scalars['String']['input']>;
  /** Pending, Running, Succeeded, Failed or Unknown. */
  phase?: InputMaybe<Scalars['String']['input']>;
  target?: InputMaybe<ClusterTarget>;
};

export type Query = {
  __typename?: 'Query';
  /** Kinds the targeted clusters serve (discovery merged across clusters), CRDs included. */
  apiResources: ApiResourceList;
  /** Audit log of mutations, newest first. */
  auditLog: AuditEntryConnection;
  backup?: Maybe<Backup>;
  /** Every backup schedule, by name. */
  backupSchedules: Array<BackupSchedule>;
  /** Backups, newest first. */
  backups: Array<Backup>;
  /** One cluster by name; null when it is not registered. */
  cluster?: Maybe<Cluster>;
  /** Registered clusters the target selects, ordered by name. */
  clusters: ClusterConnection;
  /** Deployments of the targeted clusters. */
  deployments: DeploymentConnection;
  /**
   * etcd snapshot files of k3s and RKE2 clusters (their ETCDSnapshotFile objects), to see next to
   * fleetgraph's API backups. Read live from the targeted clusters that serve the kind; the others
   * are not part of the answer. Partial results as in every list. orderBy CREATED_AT DESC lists
   * the newest first.
   */
  etcdSnapshots: EtcdSnapshotConnection;
  /**
   * The cursor of the newest event. Ask for it before the state (first field of the request):
   * subscribing after it then delivers every change the state does not show yet.
   */
  eventCursor: Scalars['String']['output'];
  /** core/v1 Events of the targeted clusters. */
  events: EventConnection;
  /** Node counts grouped by site x architecture x readiness, plus clusters by state: one call for a dashboard. */
  fleetSummary: FleetSummary;
  /** Namespaces of the targeted clusters. */
  namespaces: NamespaceConnection;
  /** Nodes of the targeted clusters. */
  nodes: NodeConnection;
  /** Pods of the targeted clusters. */
  pods: PodConnection;
  /** Objects of any kind, CRDs included, as JSON; always read live from the API servers. */
  resources: ResourceConnection;
  restore?: Maybe<Restore>;
  /** Restores, newest first. */
  restores: Array<Restore>;
  /** One rollout; null when there is none with this id. */
  rollout?: Maybe<Rollout>;
  /** Rollouts, newest first. */
  rollouts: RolloutConnection;
  /** Services of the targeted clusters. */
  services: ServiceConnection;
  /** Sites with their clusters, ordered by name. */
  sites: Array<Site>;
};


export type QueryApiResourcesArgs = {
  deadlineMs?: InputMaybe<Scalars['Int']['input']>;
  where?: InputMaybe<ApiResourceWhere>;
};


export type QueryAuditLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  where?: InputMaybe<AuditLogWhere>;
};


export type QueryBackupArgs = {
  id: Scalars['ID']['input'];
};


export type QueryBackupsArgs = {
  cluster?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  phases?: InputMaybe<Array<BackupPhase>>;
};


export type QueryClusterArgs = {
  name: Scalars['String']['input'];
};


export type QueryClustersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  where?: InputMaybe<ClusterTarget>;
};


export type QueryDeploymentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistency?: InputMaybe<Consistency>;
  deadlineMs?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<OrderBy>;
  where?: InputMaybe<DeploymentWhere>;
};


export type QueryEtcdSnapshotsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  deadlineMs?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<OrderBy>;
  where?: InputMaybe<EtcdSnapshotWhere>;
};


export type QueryEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistency?: InputMaybe<Consistency>;
  deadlineMs?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<OrderBy>;
  where?: InputMaybe<EventWhere>;
};


export type QueryFleetSummaryArgs = {
  where?: InputMaybe<ClusterTarget>;
};


export type QueryNamespacesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistency?: InputMaybe<Consistency>;
  deadlineMs?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<OrderBy>;
  where?: InputMaybe<NamespaceWhere>;
};


export type QueryNodesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistency?: InputMaybe<Consistency>;
  deadlineMs?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<OrderBy>;
  where?: InputMaybe<NodeWhere>;
};


export type QueryPodsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistency?: InputMaybe<Consistency>;
  deadlineMs?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<OrderBy>;
  where?: InputMaybe<PodWhere>;
};


export type QueryResourcesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  deadlineMs?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<OrderBy>;
  where: ResourceWhere;
};


export type QueryRestoreArgs = {
  id: Scalars['ID']['input'];
};


export type QueryRestoresArgs = {
  cluster?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryRolloutArgs = {
  id: Scalars['ID']['input'];
};


export type QueryRolloutsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  where?: InputMaybe<RolloutWhere>;
};


export type QueryServicesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistency?: InputMaybe<Consistency>;
  deadlineMs?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<OrderBy>;
  where?: InputMaybe<ServiceWhere>;
};


export type QuerySitesArgs = {
  where?: InputMaybe<ClusterTarget>;
};

/**
 * Register a cluster from credentials or a kubeconfig context (exactly one). A kubeconfig
 * context's `fleetgraph` extension may supply site and labels; the fields here win.
 */
export type RegisterClusterInput = {
  credentials?: InputMaybe<ClusterCredentialsInput>;
  kubeconfig?: InputMaybe<KubeconfigContextInput>;
  /** Kubernetes label syntax for keys and values. */
  labels?: InputMaybe<Scalars['StringMap']['input']>;
  /** A DNS-1123 label: lower-case letters, digits and '-', at most 63 characters. */
  name: Scalars['String']['input'];
  /** Required unless the kubeconfig context's fleetgraph extension has one. Same syntax as a name. */
  site?: InputMaybe<Scalars['String']['input']>;
};

/** One object of any kind. */
export type Resource = {
  __typename?: 'Resource';
  apiVersion: Scalars['String']['output'];
  cluster: Cluster;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  kind: Scalars['String']['output'];
  labels: Scalars['StringMap']['output'];
  name: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
  /** The whole object as the API server returned it, without metadata.managedFields. */
  object: Scalars['JSON']['output'];
  site: Scalars['String']['output'];
  uid: Scalars['String']['output'];
};

export type ResourceConnection = {
  __typename?: 'ResourceConnection';
  edges: Array<ResourceEdge>;
  freshness: Array<ClusterFreshness>;
  nodes: Array<Resource>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ResourceCount = {
  __typename?: 'ResourceCount';
  count: Scalars['Int']['output'];
  resource: Scalars['String']['output'];
};

export type ResourceEdge = {
  __typename?: 'ResourceEdge';
  cursor: Scalars['String']['output'];
  node: Resource;
};

export type ResourceListInput = {
  cpu?: InputMaybe<Scalars['String']['input']>;
  memory?: InputMaybe<Scalars['String']['input']>;
};

export type ResourceWhere = {
  /** e.g. v1, apps/v1, sensors.example.com/v1alpha1. */
  apiVersion: Scalars['String']['input'];
  /** Kubernetes field selector, passed to the API servers. */
  fieldSelector?: InputMaybe<Scalars['String']['input']>;
  kind: Scalars['String']['input'];
  labelSelector?: InputMaybe<Scalars['String']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  target?: InputMaybe<ClusterTarget>;
};

export type ResourcesInput = {
  limits?: InputMaybe<ResourceListInput>;
  requests?: InputMaybe<ResourceListInput>;
};

export type Restore = {
  __typename?: 'Restore';
  actor: Scalars['String']['output'];
  backupId: Scalars['ID']['output'];
  conflictPolicy: ConflictPolicy;
  createdAt: Scalars['DateTime']['output'];
  dryRun: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  message?: Maybe<Scalars['String']['output']>;
  namespaceMapping: Array<NamespaceMapping>;
  phase: BackupPhase;
  results: Array<RestoreResult>;
  sourceCluster: Scalars['String']['output'];
  targetCluster: Scalars['String']['output'];
};

export type RestoreAction =
  | 'CONFLICT'
  /** Dry run: would be created. */
  | 'CREATE'
  | 'CREATED'
  | 'FAILED'
  | 'SKIPPED'
  | 'UNCHANGED'
  /** Dry run: would be updated. */
  | 'UPDATE'
  | 'UPDATED';

export type RestoreBackupInput = {
  backup: Scalars['ID']['input'];
  conflictPolicy?: InputMaybe<ConflictPolicy>;
  /** Plan only: per object create / update (with the changed fields) / unchanged / skip; nothing changes. */
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  excludeNamespaces?: InputMaybe<Array<Scalars['String']['input']>>;
  includeNamespaces?: InputMaybe<Array<Scalars['String']['input']>>;
  namespaceMapping?: InputMaybe<Array<NamespaceMappingInput>>;
  /** Default: the backed-up cluster. */
  targetCluster?: InputMaybe<Scalars['String']['input']>;
};

export type RestoreResult = {
  __typename?: 'RestoreResult';
  action: RestoreAction;
  /** Paths of the fields changed (never values). */
  changedFields: Array<Scalars['String']['output']>;
  kind: Scalars['String']['output'];
  message?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
};

export type Retention = {
  __typename?: 'Retention';
  keepDaily: Scalars['Int']['output'];
  keepLast: Scalars['Int']['output'];
  keepWeekly: Scalars['Int']['output'];
};

export type RetentionInput = {
  /** Also the newest of each of the last N days (default 7). */
  keepDaily?: InputMaybe<Scalars['Int']['input']>;
  /** The newest backups kept per cluster (default 7, at least 1). */
  keepLast?: InputMaybe<Scalars['Int']['input']>;
  /** Also the newest of each of the last N ISO weeks (default 4). */
  keepWeekly?: InputMaybe<Scalars['Int']['input']>;
};

export type RollbackDeploymentInput = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  namespace?: Scalars['String']['input'];
  strategy?: InputMaybe<RolloutStrategyInput>;
  target: ClusterTarget;
  /** The revision to go back to (deployment.kubernetes.io/revision); default the one before the current. */
  toRevision?: InputMaybe<Scalars['Int']['input']>;
};

/** A fleet deployment: one change to one Deployment over a set of clusters. */
export type Rollout = {
  __typename?: 'Rollout';
  action: RolloutAction;
  /** The action's input: manifest objects, replicas, images, revision. */
  actionDetails: Scalars['JSON']['output'];
  /** Who asked (the API token's actor). */
  actor: Scalars['String']['output'];
  /** Every cluster's step, canaries first. */
  clusters: Array<ClusterRolloutStep>;
  /** Counts by state. */
  counts: Array<RolloutStateCount>;
  createdAt: Scalars['DateTime']['output'];
  deployment: Scalars['String']['output'];
  dryRun: Scalars['Boolean']['output'];
  /** Per-cluster results of a dry run. */
  dryRunResults: Array<DryRunResult>;
  id: Scalars['ID']['output'];
  idempotencyKey?: Maybe<Scalars['String']['output']>;
  message?: Maybe<Scalars['String']['output']>;
  namespace: Scalars['String']['output'];
  phase: RolloutPhase;
  /** Whether the images were checked against the targeted nodes' architectures, and what was found. */
  platformCheck: PlatformCheck;
  strategy: RolloutStrategy;
  target: Scalars['JSON']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

export type RolloutAction =
  | 'APPLY'
  | 'DELETE'
  | 'RESTART'
  | 'ROLLBACK'
  | 'SCALE'
  | 'SET_IMAGE';

export type RolloutConnection = {
  __typename?: 'RolloutConnection';
  nodes: Array<Rollout>;
  pageInfo: PageInfo;
};

/** A rollout transition: a cluster's state (CLUSTER_STATE) or the rollout's phase (PHASE). */
export type RolloutEvent = {
  __typename?: 'RolloutEvent';
  cluster?: Maybe<Scalars['String']['output']>;
  cursor: Scalars['String']['output'];
  message?: Maybe<Scalars['String']['output']>;
  observedAt: Scalars['DateTime']['output'];
  phase: RolloutPhase;
  previousState?: Maybe<ClusterRolloutState>;
  rolloutId: Scalars['ID']['output'];
  site?: Maybe<Scalars['String']['output']>;
  state?: Maybe<ClusterRolloutState>;
  type: Scalars['String']['output'];
};

export type RolloutPhase =
  | 'CANCELLED'
  /** Finished with failed clusters (within maxFailures), or a dry run that failed somewhere. */
  | 'FAILED'
  /** No cluster starts: paused by pauseRollout, or failures passed maxFailures. */
  | 'PAUSED'
  /** Created; no cluster started yet. */
  | 'PENDING'
  /** Clusters are being changed, or wait for their cluster to return. */
  | 'RUNNING'
  /** Every cluster succeeded (or was skipped or superseded). */
  | 'SUCCEEDED';

export type RolloutStateCount = {
  __typename?: 'RolloutStateCount';
  count: Scalars['Int']['output'];
  state: ClusterRolloutState;
};

/** The strategy as resolved (defaults filled in). */
export type RolloutStrategy = {
  __typename?: 'RolloutStrategy';
  bySite: Scalars['Boolean']['output'];
  canaryClusters: Scalars['Int']['output'];
  canaryNames: Array<Scalars['String']['output']>;
  canarySoakSeconds: Scalars['Int']['output'];
  maxConcurrentClusters: Scalars['Int']['output'];
  maxFailurePercent: Scalars['Int']['output'];
  maxFailures: Scalars['Int']['output'];
  progressDeadlineSeconds: Scalars['Int']['output'];
  waitForClusterSeconds?: Maybe<Scalars['Int']['output']>;
};

/** How a rollout spreads over its clusters. The defaults are safe: one canary, a 30 s soak, then 5 clusters at a time, pausing at the first failure. */
export type RolloutStrategyInput = {
  /** Never mix sites in a batch: the next site starts when the previous one is done (default false). */
  bySite?: InputMaybe<Scalars['Boolean']['input']>;
  /** Clusters changed first, alone (default 1; 0 for none). */
  canaryClusters?: InputMaybe<Scalars['Int']['input']>;
  /** Name the canary clusters instead (they must be targeted). */
  canaryNames?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Wait after the canary succeeded before going on, in seconds (default 30). */
  canarySoakSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** Clusters changing at once after the canary (default 5). */
  maxConcurrentClusters?: InputMaybe<Scalars['Int']['input']>;
  /** Or as a percentage of the rollout's clusters (the larger of the two counts). */
  maxFailurePercent?: InputMaybe<Scalars['Int']['input']>;
  /** Failed clusters tolerated before the rollout pauses (default 0: pause at the first failure). */
  maxFailures?: InputMaybe<Scalars['Int']['input']>;
  /** A cluster whose Deployment has not converged this long after the write fails (default 600). */
  progressDeadlineSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** How long an offline cluster is waited for before it is SKIPPED (default: forever). */
  waitForClusterSeconds?: InputMaybe<Scalars['Int']['input']>;
};

export type RolloutWhere = {
  deployment?: InputMaybe<Scalars['String']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  phases?: InputMaybe<Array<RolloutPhase>>;
};

export type ScaleDeploymentInput = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  namespace?: Scalars['String']['input'];
  replicas: Scalars['Int']['input'];
  strategy?: InputMaybe<RolloutStrategyInput>;
  target: ClusterTarget;
};

export type Service = {
  __typename?: 'Service';
  cluster: Cluster;
  clusterIP?: Maybe<Scalars['String']['output']>;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  labels: Scalars['StringMap']['output'];
  name: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
  ports: Array<ServicePort>;
  selector: Scalars['StringMap']['output'];
  site: Scalars['String']['output'];
  type: Scalars['String']['output'];
  uid: Scalars['String']['output'];
};

export type ServiceConnection = {
  __typename?: 'ServiceConnection';
  edges: Array<ServiceEdge>;
  freshness: Array<ClusterFreshness>;
  nodes: Array<Service>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ServiceEdge = {
  __typename?: 'ServiceEdge';
  cursor: Scalars['String']['output'];
  node: Service;
};

export type ServicePort = {
  __typename?: 'ServicePort';
  name?: Maybe<Scalars['String']['output']>;
  nodePort?: Maybe<Scalars['Int']['output']>;
  port: Scalars['Int']['output'];
  protocol: Scalars['String']['output'];
  targetPort?: Maybe<Scalars['String']['output']>;
};

export type ServiceWhere = {
  labelSelector?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  target?: InputMaybe<ClusterTarget>;
  /** ClusterIP, NodePort, LoadBalancer or ExternalName. */
  type?: InputMaybe<Scalars['String']['input']>;
};

export type SetDeploymentImageInput = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  /** Go ahead although an image lacks a platform the targeted nodes need (otherwise IMAGE_PLATFORM_MISSING). */
  force?: InputMaybe<Scalars['Boolean']['input']>;
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  images: Array<ContainerImageInput>;
  name: Scalars['String']['input'];
  namespace?: Scalars['String']['input'];
  strategy?: InputMaybe<RolloutStrategyInput>;
  target: ClusterTarget;
};

/** A site and its clusters. */
export type Site = {
  __typename?: 'Site';
  architectures: Array<Architecture>;
  clusterCount: Scalars['Int']['output'];
  clusters: Array<Cluster>;
  name: Scalars['String']['output'];
};

/**
 * Live events for dashboards: what happens to nodes and clusters, from one event log that
 * every subscriber shares. Every event has a cursor. To miss nothing, query the state with
 * `eventCursor` first in the same request, then subscribe with `after:` that cursor; after a
 * disconnect, subscribe again with the cursor of the last event received. The log keeps the
 * newest 100,000 events (configurable); an older cursor is answered with CURSOR_EXPIRED:
 * query the state again. See docs/api.md#subscriptions.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /** A backup's phase changes (with the objects captured), after the cursor: as with nodeEvents. */
  backupProgress: BackupProgressEvent;
  /**
   * Cluster events: ClusterState transitions (CLUSTER_ONLINE when it becomes READY,
   * CLUSTER_DEGRADED, CLUSTER_OFFLINE after the detection time, 15 s by default) and
   * registrations.
   */
  clusterEvents: ClusterEvent;
  /**
   * Node events of the targeted clusters, in the order the gateway observed them (so per node
   * too). A node of an unreachable cluster has no events: it is unknown until the cluster is
   * back, and then only its real changes are reported.
   */
  nodeEvents: NodeEvent;
  /** A restore's phase changes and checkpoints (every 50 objects; past 500, every tenth more or every second), after the cursor. */
  restoreProgress: BackupProgressEvent;
  /**
   * Every transition of a rollout: each cluster's state changes and the rollout's phase.
   * `after` (an event cursor) resumes after it, as with nodeEvents.
   */
  rolloutProgress: RolloutEvent;
};


/**
 * Live events for dashboards: what happens to nodes and clusters, from one event log that
 * every subscriber shares. Every event has a cursor. To miss nothing, query the state with
 * `eventCursor` first in the same request, then subscribe with `after:` that cursor; after a
 * disconnect, subscribe again with the cursor of the last event received. The log keeps the
 * newest 100,000 events (configurable); an older cursor is answered with CURSOR_EXPIRED:
 * query the state again. See docs/api.md#subscriptions.
 */
export type SubscriptionBackupProgressArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


/**
 * Live events for dashboards: what happens to nodes and clusters, from one event log that
 * every subscriber shares. Every event has a cursor. To miss nothing, query the state with
 * `eventCursor` first in the same request, then subscribe with `after:` that cursor; after a
 * disconnect, subscribe again with the cursor of the last event received. The log keeps the
 * newest 100,000 events (configurable); an older cursor is answered with CURSOR_EXPIRED:
 * query the state again. See docs/api.md#subscriptions.
 */
export type SubscriptionClusterEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  where?: InputMaybe<ClusterEventWhere>;
};


/**
 * Live events for dashboards: what happens to nodes and clusters, from one event log that
 * every subscriber shares. Every event has a cursor. To miss nothing, query the state with
 * `eventCursor` first in the same request, then subscribe with `after:` that cursor; after a
 * disconnect, subscribe again with the cursor of the last event received. The log keeps the
 * newest 100,000 events (configurable); an older cursor is answered with CURSOR_EXPIRED:
 * query the state again. See docs/api.md#subscriptions.
 */
export type SubscriptionNodeEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  where?: InputMaybe<NodeEventWhere>;
};


/**
 * Live events for dashboards: what happens to nodes and clusters, from one event log that
 * every subscriber shares. Every event has a cursor. To miss nothing, query the state with
 * `eventCursor` first in the same request, then subscribe with `after:` that cursor; after a
 * disconnect, subscribe again with the cursor of the last event received. The log keeps the
 * newest 100,000 events (configurable); an older cursor is answered with CURSOR_EXPIRED:
 * query the state again. See docs/api.md#subscriptions.
 */
export type SubscriptionRestoreProgressArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


/**
 * Live events for dashboards: what happens to nodes and clusters, from one event log that
 * every subscriber shares. Every event has a cursor. To miss nothing, query the state with
 * `eventCursor` first in the same request, then subscribe with `after:` that cursor; after a
 * disconnect, subscribe again with the cursor of the last event received. The log keeps the
 * newest 100,000 events (configurable); an older cursor is answered with CURSOR_EXPIRED:
 * query the state again. See docs/api.md#subscriptions.
 */
export type SubscriptionRolloutProgressArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};

export type Taint = {
  __typename?: 'Taint';
  effect: Scalars['String']['output'];
  key: Scalars['String']['output'];
  value?: Maybe<Scalars['String']['output']>;
};

export type UnregisteredCluster = {
  __typename?: 'UnregisteredCluster';
  name: Scalars['String']['output'];
  site: Scalars['String']['output'];
};

export type UpdateClusterInput = {
  credentials?: InputMaybe<ClusterCredentialsInput>;
  /** Fail with CONFLICT unless the cluster is at this registry version. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Replaces all labels. */
  labels?: InputMaybe<Scalars['StringMap']['input']>;
  site?: InputMaybe<Scalars['String']['input']>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  ApiResource: ResolverTypeWrapper<ApiResource>;
  ApiResourceList: ResolverTypeWrapper<ApiResourceListViewModel>;
  ApiResourceWhere: ApiResourceWhere;
  ApplyDeploymentInput: ApplyDeploymentInput;
  Architecture: Architecture;
  AuditEntry: ResolverTypeWrapper<AuditEntryModel>;
  AuditEntryConnection: ResolverTypeWrapper<AuditPageViewModel>;
  AuditEntryEdge: ResolverTypeWrapper<Omit<AuditEntryEdge, 'node'> & { node: ResolversTypes['AuditEntry'] }>;
  AuditLogWhere: AuditLogWhere;
  AuditOutcome: AuditOutcome;
  Backup: ResolverTypeWrapper<BackupModel>;
  BackupError: ResolverTypeWrapper<BackupError>;
  BackupPhase: BackupPhase;
  BackupProgressEvent: ResolverTypeWrapper<BackupEventViewModel>;
  BackupSchedule: ResolverTypeWrapper<BackupScheduleModel>;
  BackupVerification: ResolverTypeWrapper<Omit<BackupVerification, 'backup'> & { backup: ResolversTypes['Backup'] }>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Cluster: ResolverTypeWrapper<ClusterViewModel>;
  ClusterAuthMethod: ClusterAuthMethod;
  ClusterConnection: ResolverTypeWrapper<ClusterPageModel>;
  ClusterCredentialsInput: ClusterCredentialsInput;
  ClusterEdge: ResolverTypeWrapper<Omit<ClusterEdge, 'node'> & { node: ResolversTypes['Cluster'] }>;
  ClusterEvent: ResolverTypeWrapper<ClusterEventViewModel>;
  ClusterEventType: ClusterEventType;
  ClusterEventWhere: ClusterEventWhere;
  ClusterFacts: ResolverTypeWrapper<ClusterFacts>;
  ClusterFreshness: ResolverTypeWrapper<FreshnessViewModel>;
  ClusterProblem: ResolverTypeWrapper<ClusterProblem>;
  ClusterRolloutState: ClusterRolloutState;
  ClusterRolloutStep: ResolverTypeWrapper<ClusterStepModel>;
  ClusterSource: ClusterSource;
  ClusterState: ClusterState;
  ClusterStateCount: ResolverTypeWrapper<ClusterStateCount>;
  ClusterTarget: ClusterTarget;
  Condition: ResolverTypeWrapper<Condition>;
  ConflictPolicy: ConflictPolicy;
  Consistency: Consistency;
  Container: ResolverTypeWrapper<Container>;
  ContainerImageInput: ContainerImageInput;
  ContainerPortInput: ContainerPortInput;
  CreateBackupInput: CreateBackupInput;
  CreateBackupScheduleInput: CreateBackupScheduleInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Deployment: ResolverTypeWrapper<FleetDeploymentModel>;
  DeploymentAvailability: DeploymentAvailability;
  DeploymentConnection: ResolverTypeWrapper<DeploymentPageModel>;
  DeploymentEdge: ResolverTypeWrapper<Omit<DeploymentEdge, 'node'> & { node: ResolversTypes['Deployment'] }>;
  DeploymentFieldsInput: DeploymentFieldsInput;
  DeploymentRolloutInput: DeploymentRolloutInput;
  DeploymentWhere: DeploymentWhere;
  DryRunChange: DryRunChange;
  DryRunResult: ResolverTypeWrapper<DryRunResult>;
  EnvVarInput: EnvVarInput;
  ErrorCode: ErrorCode;
  EtcdSnapshot: ResolverTypeWrapper<EtcdSnapshotModel>;
  EtcdSnapshotConnection: ResolverTypeWrapper<EtcdSnapshotPageModel>;
  EtcdSnapshotEdge: ResolverTypeWrapper<Omit<EtcdSnapshotEdge, 'node'> & { node: ResolversTypes['EtcdSnapshot'] }>;
  EtcdSnapshotStorage: EtcdSnapshotStorage;
  EtcdSnapshotWhere: EtcdSnapshotWhere;
  Event: ResolverTypeWrapper<FleetEventModel>;
  EventConnection: ResolverTypeWrapper<EventPageModel>;
  EventEdge: ResolverTypeWrapper<Omit<EventEdge, 'node'> & { node: ResolversTypes['Event'] }>;
  EventSource: ResolverTypeWrapper<EventSource>;
  EventWhere: EventWhere;
  ExecConfigInput: ExecConfigInput;
  ExecEnvVarInput: ExecEnvVarInput;
  FleetSummary: ResolverTypeWrapper<FleetSummaryViewModel>;
  FleetSummaryGroup: ResolverTypeWrapper<FleetSummaryGroup>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  ImportKubeconfigInput: ImportKubeconfigInput;
  ImportKubeconfigResult: ResolverTypeWrapper<Omit<ImportKubeconfigResult, 'clusters'> & { clusters: Array<ResolversTypes['Cluster']> }>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  InvolvedObject: ResolverTypeWrapper<InvolvedObject>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  KubeconfigContextInput: KubeconfigContextInput;
  KubernetesDistro: KubernetesDistro;
  KubernetesEventInfo: ResolverTypeWrapper<KubernetesEventInfo>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Namespace: ResolverTypeWrapper<FleetNamespaceModel>;
  NamespaceConnection: ResolverTypeWrapper<NamespacePageModel>;
  NamespaceEdge: ResolverTypeWrapper<Omit<NamespaceEdge, 'node'> & { node: ResolversTypes['Namespace'] }>;
  NamespaceMapping: ResolverTypeWrapper<NamespaceMapping>;
  NamespaceMappingInput: NamespaceMappingInput;
  NamespaceWhere: NamespaceWhere;
  Node: ResolverTypeWrapper<FleetNodeModel>;
  NodeAddress: ResolverTypeWrapper<NodeAddress>;
  NodeConnection: ResolverTypeWrapper<NodePageModel>;
  NodeEdge: ResolverTypeWrapper<Omit<NodeEdge, 'node'> & { node: ResolversTypes['Node'] }>;
  NodeEvent: ResolverTypeWrapper<NodeEventViewModel>;
  NodeEventType: NodeEventType;
  NodeEventWhere: NodeEventWhere;
  NodeReadiness: NodeReadiness;
  NodeResources: ResolverTypeWrapper<NodeResources>;
  NodeState: ResolverTypeWrapper<NodeState>;
  NodeWhere: NodeWhere;
  OrderBy: OrderBy;
  OrderDirection: OrderDirection;
  OrderField: OrderField;
  OwnerReference: ResolverTypeWrapper<OwnerReference>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PlatformCheck: ResolverTypeWrapper<PlatformCheck>;
  Pod: ResolverTypeWrapper<FleetPodModel>;
  PodConnection: ResolverTypeWrapper<PodPageModel>;
  PodEdge: ResolverTypeWrapper<Omit<PodEdge, 'node'> & { node: ResolversTypes['Pod'] }>;
  PodWhere: PodWhere;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RegisterClusterInput: RegisterClusterInput;
  Resource: ResolverTypeWrapper<ResourceViewModel>;
  ResourceConnection: ResolverTypeWrapper<ResourcePageModel>;
  ResourceCount: ResolverTypeWrapper<ResourceCount>;
  ResourceEdge: ResolverTypeWrapper<Omit<ResourceEdge, 'node'> & { node: ResolversTypes['Resource'] }>;
  ResourceListInput: ResourceListInput;
  ResourceWhere: ResourceWhere;
  ResourcesInput: ResourcesInput;
  Restore: ResolverTypeWrapper<RestoreModel>;
  RestoreAction: RestoreAction;
  RestoreBackupInput: RestoreBackupInput;
  RestoreResult: ResolverTypeWrapper<RestoreResult>;
  Retention: ResolverTypeWrapper<Retention>;
  RetentionInput: RetentionInput;
  RollbackDeploymentInput: RollbackDeploymentInput;
  Rollout: ResolverTypeWrapper<RolloutModel>;
  RolloutAction: RolloutAction;
  RolloutConnection: ResolverTypeWrapper<RolloutPageViewModel>;
  RolloutEvent: ResolverTypeWrapper<RolloutEventViewModel>;
  RolloutPhase: RolloutPhase;
  RolloutStateCount: ResolverTypeWrapper<RolloutStateCount>;
  RolloutStrategy: ResolverTypeWrapper<RolloutStrategyModel>;
  RolloutStrategyInput: RolloutStrategyInput;
  RolloutWhere: RolloutWhere;
  ScaleDeploymentInput: ScaleDeploymentInput;
  Service: ResolverTypeWrapper<FleetServiceModel>;
  ServiceConnection: ResolverTypeWrapper<ServicePageModel>;
  ServiceEdge: ResolverTypeWrapper<Omit<ServiceEdge, 'node'> & { node: ResolversTypes['Service'] }>;
  ServicePort: ResolverTypeWrapper<ServicePort>;
  ServiceWhere: ServiceWhere;
  SetDeploymentImageInput: SetDeploymentImageInput;
  Site: ResolverTypeWrapper<SiteViewModel>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  StringMap: ResolverTypeWrapper<Scalars['StringMap']['output']>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Taint: ResolverTypeWrapper<Taint>;
  UnregisteredCluster: ResolverTypeWrapper<UnregisteredCluster>;
  UpdateClusterInput: UpdateClusterInput;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  ApiResource: ApiResource;
  ApiResourceList: ApiResourceListViewModel;
  ApiResourceWhere: ApiResourceWhere;
  ApplyDeploymentInput: ApplyDeploymentInput;
  AuditEntry: AuditEntryModel;
  AuditEntryConnection: AuditPageViewModel;
  AuditEntryEdge: Omit<AuditEntryEdge, 'node'> & { node: ResolversParentTypes['AuditEntry'] };
  AuditLogWhere: AuditLogWhere;
  Backup: BackupModel;
  BackupError: BackupError;
  BackupProgressEvent: BackupEventViewModel;
  BackupSchedule: BackupScheduleModel;
  BackupVerification: Omit<BackupVerification, 'backup'> & { backup: ResolversParentTypes['Backup'] };
  Boolean: Scalars['Boolean']['output'];
  Cluster: ClusterViewModel;
  ClusterConnection: ClusterPageModel;
  ClusterCredentialsInput: ClusterCredentialsInput;
  ClusterEdge: Omit<ClusterEdge, 'node'> & { node: ResolversParentTypes['Cluster'] };
  ClusterEvent: ClusterEventViewModel;
  ClusterEventWhere: ClusterEventWhere;
  ClusterFacts: ClusterFacts;
  ClusterFreshness: FreshnessViewModel;
  ClusterProblem: ClusterProblem;
  ClusterRolloutStep: ClusterStepModel;
  ClusterStateCount: ClusterStateCount;
  ClusterTarget: ClusterTarget;
  Condition: Condition;
  Container: Container;
  ContainerImageInput: ContainerImageInput;
  ContainerPortInput: ContainerPortInput;
  CreateBackupInput: CreateBackupInput;
  CreateBackupScheduleInput: CreateBackupScheduleInput;
  DateTime: Scalars['DateTime']['output'];
  Deployment: FleetDeploymentModel;
  DeploymentConnection: DeploymentPageModel;
  DeploymentEdge: Omit<DeploymentEdge, 'node'> & { node: ResolversParentTypes['Deployment'] };
  DeploymentFieldsInput: DeploymentFieldsInput;
  DeploymentRolloutInput: DeploymentRolloutInput;
  DeploymentWhere: DeploymentWhere;
  DryRunResult: DryRunResult;
  EnvVarInput: EnvVarInput;
  EtcdSnapshot: EtcdSnapshotModel;
  EtcdSnapshotConnection: EtcdSnapshotPageModel;
  EtcdSnapshotEdge: Omit<EtcdSnapshotEdge, 'node'> & { node: ResolversParentTypes['EtcdSnapshot'] };
  EtcdSnapshotWhere: EtcdSnapshotWhere;
  Event: FleetEventModel;
  EventConnection: EventPageModel;
  EventEdge: Omit<EventEdge, 'node'> & { node: ResolversParentTypes['Event'] };
  EventSource: EventSource;
  EventWhere: EventWhere;
  ExecConfigInput: ExecConfigInput;
  ExecEnvVarInput: ExecEnvVarInput;
  FleetSummary: FleetSummaryViewModel;
  FleetSummaryGroup: FleetSummaryGroup;
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  ImportKubeconfigInput: ImportKubeconfigInput;
  ImportKubeconfigResult: Omit<ImportKubeconfigResult, 'clusters'> & { clusters: Array<ResolversParentTypes['Cluster']> };
  Int: Scalars['Int']['output'];
  InvolvedObject: InvolvedObject;
  JSON: Scalars['JSON']['output'];
  KubeconfigContextInput: KubeconfigContextInput;
  KubernetesEventInfo: KubernetesEventInfo;
  Mutation: Record<PropertyKey, never>;
  Namespace: FleetNamespaceModel;
  NamespaceConnection: NamespacePageModel;
  NamespaceEdge: Omit<NamespaceEdge, 'node'> & { node: ResolversParentTypes['Namespace'] };
  NamespaceMapping: NamespaceMapping;
  NamespaceMappingInput: NamespaceMappingInput;
  NamespaceWhere: NamespaceWhere;
  Node: FleetNodeModel;
  NodeAddress: NodeAddress;
  NodeConnection: NodePageModel;
  NodeEdge: Omit<NodeEdge, 'node'> & { node: ResolversParentTypes['Node'] };
  NodeEvent: NodeEventViewModel;
  NodeEventWhere: NodeEventWhere;
  NodeResources: NodeResources;
  NodeState: NodeState;
  NodeWhere: NodeWhere;
  OrderBy: OrderBy;
  OwnerReference: OwnerReference;
  PageInfo: PageInfo;
  PlatformCheck: PlatformCheck;
  Pod: FleetPodModel;
  PodConnection: PodPageModel;
  PodEdge: Omit<PodEdge, 'node'> & { node: ResolversParentTypes['Pod'] };
  PodWhere: PodWhere;
  Query: Record<PropertyKey, never>;
  RegisterClusterInput: RegisterClusterInput;
  Resource: ResourceViewModel;
  ResourceConnection: ResourcePageModel;
  ResourceCount: ResourceCount;
  ResourceEdge: Omit<ResourceEdge, 'node'> & { node: ResolversParentTypes['Resource'] };
  ResourceListInput: ResourceListInput;
  ResourceWhere: ResourceWhere;
  ResourcesInput: ResourcesInput;
  Restore: RestoreModel;
  RestoreBackupInput: RestoreBackupInput;
  RestoreResult: RestoreResult;
  Retention: Retention;
  RetentionInput: RetentionInput;
  RollbackDeploymentInput: RollbackDeploymentInput;
  Rollout: RolloutModel;
  RolloutConnection: RolloutPageViewModel;
  RolloutEvent: RolloutEventViewModel;
  RolloutStateCount: RolloutStateCount;
  RolloutStrategy: RolloutStrategyModel;
  RolloutStrategyInput: RolloutStrategyInput;
  RolloutWhere: RolloutWhere;
  ScaleDeploymentInput: ScaleDeploymentInput;
  Service: FleetServiceModel;
  ServiceConnection: ServicePageModel;
  ServiceEdge: Omit<ServiceEdge, 'node'> & { node: ResolversParentTypes['Service'] };
  ServicePort: ServicePort;
  ServiceWhere: ServiceWhere;
  SetDeploymentImageInput: SetDeploymentImageInput;
  Site: SiteViewModel;
  String: Scalars['String']['output'];
  StringMap: Scalars['StringMap']['output'];
  Subscription: Record<PropertyKey, never>;
  Taint: Taint;
  UnregisteredCluster: UnregisteredCluster;
  UpdateClusterInput: UpdateClusterInput;
};

export type ApiResourceResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ApiResource'] = ResolversParentTypes['ApiResource']> = {
  apiVersion?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  clusters?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  group?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  namespaced?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  resource?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  shortNames?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  verbs?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ApiResourceListResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ApiResourceList'] = ResolversParentTypes['ApiResourceList']> = {
  freshness?: Resolver<Array<ResolversTypes['ClusterFreshness']>, ParentType, ContextType>;
  resources?: Resolver<Array<ResolversTypes['ApiResource']>, ParentType, ContextType>;
};

export type AuditEntryResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['AuditEntry'] = ResolversParentTypes['AuditEntry']> = {
  action?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  actor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  errorCode?: Resolver<Maybe<ResolversTypes['ErrorCode']>, ParentType, ContextType>;
  errorMessage?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  input?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['AuditOutcome'], ParentType, ContextType>;
  target?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  time?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type AuditEntryConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['AuditEntryConnection'] = ResolversParentTypes['AuditEntryConnection']> = {
  edges?: Resolver<Array<ResolversTypes['AuditEntryEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['AuditEntry']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type AuditEntryEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['AuditEntryEdge'] = ResolversParentTypes['AuditEntryEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AuditEntry'], ParentType, ContextType>;
};

export type BackupResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Backup'] = ResolversParentTypes['Backup']> = {
  actor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  archiveSha256?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  archiveSize?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  cluster?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  completedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  errors?: Resolver<Array<ResolversTypes['BackupError']>, ParentType, ContextType>;
  facts?: Resolver<Maybe<ResolversTypes['ClusterFacts']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  location?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  objectCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  phase?: Resolver<ResolversTypes['BackupPhase'], ParentType, ContextType>;
  resourceCounts?: Resolver<Array<ResolversTypes['ResourceCount']>, ParentType, ContextType>;
  scheduleId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type BackupErrorResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['BackupError'] = ResolversParentTypes['BackupError']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resource?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type BackupProgressEventResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['BackupProgressEvent'] = ResolversParentTypes['BackupProgressEvent']> = {
  cluster?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  objects?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  observedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  phase?: Resolver<ResolversTypes['BackupPhase'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type BackupScheduleResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['BackupSchedule'] = ResolversParentTypes['BackupSchedule']> = {
  actor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  cron?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastRunAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nextRunAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  retention?: Resolver<ResolversTypes['Retention'], ParentType, ContextType>;
  target?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  timezone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  waiting?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type BackupVerificationResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['BackupVerification'] = ResolversParentTypes['BackupVerification']> = {
  backup?: Resolver<ResolversTypes['Backup'], ParentType, ContextType>;
  objects?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ClusterResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Cluster'] = ResolversParentTypes['Cluster']> = {
  architectures?: Resolver<Array<ResolversTypes['Architecture']>, ParentType, ContextType>;
  authMethod?: Resolver<ResolversTypes['ClusterAuthMethod'], ParentType, ContextType>;
  degradedReasons?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  distro?: Resolver<Maybe<ResolversTypes['KubernetesDistro']>, ParentType, ContextType>;
  kubernetesVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  labels?: Resolver<ResolversTypes['StringMap'], ParentType, ContextType>;
  lastError?: Resolver<Maybe<ResolversTypes['ClusterProblem']>, ParentType, ContextType>;
  lastSeen?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nodeCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  registeredAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  server?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['ClusterSource'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['ClusterState'], ParentType, ContextType>;
  stateSince?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ClusterConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ClusterConnection'] = ResolversParentTypes['ClusterConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ClusterEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Cluster']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ClusterEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ClusterEdge'] = ResolversParentTypes['ClusterEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Cluster'], ParentType, ContextType>;
};

export type ClusterEventResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ClusterEvent'] = ResolversParentTypes['ClusterEvent']> = {
  architectures?: Resolver<Array<ResolversTypes['Architecture']>, ParentType, ContextType>;
  cluster?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  labels?: Resolver<ResolversTypes['StringMap'], ParentType, ContextType>;
  lastError?: Resolver<Maybe<ResolversTypes['ClusterProblem']>, ParentType, ContextType>;
  observedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  outageSeconds?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  previousState?: Resolver<Maybe<ResolversTypes['ClusterState']>, ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['ClusterState'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['ClusterEventType'], ParentType, ContextType>;
};

export type ClusterFactsResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ClusterFacts'] = ResolversParentTypes['ClusterFacts']> = {
  architectures?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  distro?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  kubernetesVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ClusterFreshnessResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ClusterFreshness'] = ResolversParentTypes['ClusterFreshness']> = {
  cluster?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['ClusterProblem']>, ParentType, ContextType>;
  observedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  offlineSince?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  stale?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['ClusterState'], ParentType, ContextType>;
};

export type ClusterProblemResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ClusterProblem'] = ResolversParentTypes['ClusterProblem']> = {
  at?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  code?: Resolver<ResolversTypes['ErrorCode'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ClusterRolloutStepResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ClusterRolloutStep'] = ResolversParentTypes['ClusterRolloutStep']> = {
  appliedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  canary?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  cluster?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  finishedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  generation?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  position?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  startedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['ClusterRolloutState'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type ClusterStateCountResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ClusterStateCount'] = ResolversParentTypes['ClusterStateCount']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['ClusterState'], ParentType, ContextType>;
};

export type ConditionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Condition'] = ResolversParentTypes['Condition']> = {
  lastTransitionTime?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ContainerResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Container'] = ResolversParentTypes['Container']> = {
  image?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ready?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  restartCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  waitingMessage?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  waitingReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeploymentResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Deployment'] = ResolversParentTypes['Deployment']> = {
  architectures?: Resolver<Array<ResolversTypes['Architecture']>, ParentType, ContextType>;
  availability?: Resolver<ResolversTypes['DeploymentAvailability'], ParentType, ContextType>;
  availableReplicas?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  cluster?: Resolver<ResolversTypes['Cluster'], ParentType, ContextType>;
  conditions?: Resolver<Array<ResolversTypes['Condition']>, ParentType, ContextType>;
  createdAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  generation?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  images?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  labels?: Resolver<ResolversTypes['StringMap'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  namespace?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nodeSelector?: Resolver<ResolversTypes['StringMap'], ParentType, ContextType>;
  observedGeneration?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  readyReplicas?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  replicas?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  uid?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedReplicas?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type DeploymentConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['DeploymentConnection'] = ResolversParentTypes['DeploymentConnection']> = {
  edges?: Resolver<Array<ResolversTypes['DeploymentEdge']>, ParentType, ContextType>;
  freshness?: Resolver<Array<ResolversTypes['ClusterFreshness']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Deployment']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type DeploymentEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['DeploymentEdge'] = ResolversParentTypes['DeploymentEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Deployment'], ParentType, ContextType>;
};

export type DryRunResultResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['DryRunResult'] = ResolversParentTypes['DryRunResult']> = {
  change?: Resolver<ResolversTypes['DryRunChange'], ParentType, ContextType>;
  changedFields?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  cluster?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type EtcdSnapshotResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['EtcdSnapshot'] = ResolversParentTypes['EtcdSnapshot']> = {
  cluster?: Resolver<ResolversTypes['Cluster'], ParentType, ContextType>;
  createdAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  location?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nodeName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  readyToUse?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  size?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sizeBytes?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  snapshotName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  storage?: Resolver<ResolversTypes['EtcdSnapshotStorage'], ParentType, ContextType>;
};

export type EtcdSnapshotConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['EtcdSnapshotConnection'] = ResolversParentTypes['EtcdSnapshotConnection']> = {
  edges?: Resolver<Array<ResolversTypes['EtcdSnapshotEdge']>, ParentType, ContextType>;
  freshness?: Resolver<Array<ResolversTypes['ClusterFreshness']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['EtcdSnapshot']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type EtcdSnapshotEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['EtcdSnapshotEdge'] = ResolversParentTypes['EtcdSnapshotEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['EtcdSnapshot'], ParentType, ContextType>;
};

export type EventResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Event'] = ResolversParentTypes['Event']> = {
  cluster?: Resolver<ResolversTypes['Cluster'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  firstTimestamp?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  involvedObject?: Resolver<ResolversTypes['InvolvedObject'], ParentType, ContextType>;
  lastTimestamp?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  namespace?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['EventSource'], ParentType, ContextType>;
  type?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  uid?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type EventConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['EventConnection'] = ResolversParentTypes['EventConnection']> = {
  edges?: Resolver<Array<ResolversTypes['EventEdge']>, ParentType, ContextType>;
  freshness?: Resolver<Array<ResolversTypes['ClusterFreshness']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Event']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type EventEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['EventEdge'] = ResolversParentTypes['EventEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Event'], ParentType, ContextType>;
};

export type EventSourceResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['EventSource'] = ResolversParentTypes['EventSource']> = {
  component?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  host?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type FleetSummaryResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['FleetSummary'] = ResolversParentTypes['FleetSummary']> = {
  clusters?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  clustersByState?: Resolver<Array<ResolversTypes['ClusterStateCount']>, ParentType, ContextType>;
  freshness?: Resolver<Array<ResolversTypes['ClusterFreshness']>, ParentType, ContextType>;
  groups?: Resolver<Array<ResolversTypes['FleetSummaryGroup']>, ParentType, ContextType>;
  nodes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type FleetSummaryGroupResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['FleetSummaryGroup'] = ResolversParentTypes['FleetSummaryGroup']> = {
  architecture?: Resolver<Maybe<ResolversTypes['Architecture']>, ParentType, ContextType>;
  clusters?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  nodes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  readiness?: Resolver<ResolversTypes['NodeReadiness'], ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ImportKubeconfigResultResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ImportKubeconfigResult'] = ResolversParentTypes['ImportKubeconfigResult']> = {
  clusters?: Resolver<Array<ResolversTypes['Cluster']>, ParentType, ContextType>;
};

export type InvolvedObjectResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['InvolvedObject'] = ResolversParentTypes['InvolvedObject']> = {
  kind?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  namespace?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type KubernetesEventInfoResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['KubernetesEventInfo'] = ResolversParentTypes['KubernetesEventInfo']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  namespace?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  source?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  type?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  applyDeployment?: Resolver<ResolversTypes['Rollout'], ParentType, ContextType, RequireFields<MutationApplyDeploymentArgs, 'input'>>;
  cancelRollout?: Resolver<ResolversTypes['Rollout'], ParentType, ContextType, RequireFields<MutationCancelRolloutArgs, 'id'>>;
  createBackup?: Resolver<ResolversTypes['Backup'], ParentType, ContextType, RequireFields<MutationCreateBackupArgs, 'input'>>;
  createBackupSchedule?: Resolver<ResolversTypes['BackupSchedule'], ParentType, ContextType, RequireFields<MutationCreateBackupScheduleArgs, 'input'>>;
  deleteBackupSchedule?: Resolver<ResolversTypes['BackupSchedule'], ParentType, ContextType, RequireFields<MutationDeleteBackupScheduleArgs, 'id'>>;
  deleteDeployment?: Resolver<ResolversTypes['Rollout'], ParentType, ContextType, RequireFields<MutationDeleteDeploymentArgs, 'input'>>;
  importKubeconfig?: Resolver<ResolversTypes['ImportKubeconfigResult'], ParentType, ContextType, RequireFields<MutationImportKubeconfigArgs, 'input'>>;
  pauseRollout?: Resolver<ResolversTypes['Rollout'], ParentType, ContextType, RequireFields<MutationPauseRolloutArgs, 'id'>>;
  registerCluster?: Resolver<ResolversTypes['Cluster'], ParentType, ContextType, RequireFields<MutationRegisterClusterArgs, 'input'>>;
  restartDeployment?: Resolver<ResolversTypes['Rollout'], ParentType, ContextType, RequireFields<MutationRestartDeploymentArgs, 'input'>>;
  restoreBackup?: Resolver<ResolversTypes['Restore'], ParentType, ContextType, RequireFields<MutationRestoreBackupArgs, 'input'>>;
  resumeRollout?: Resolver<ResolversTypes['Rollout'], ParentType, ContextType, RequireFields<MutationResumeRolloutArgs, 'id'>>;
  rollbackDeployment?: Resolver<ResolversTypes['Rollout'], ParentType, ContextType, RequireFields<MutationRollbackDeploymentArgs, 'input'>>;
  scaleDeployment?: Resolver<ResolversTypes['Rollout'], ParentType, ContextType, RequireFields<MutationScaleDeploymentArgs, 'input'>>;
  setDeploymentImage?: Resolver<ResolversTypes['Rollout'], ParentType, ContextType, RequireFields<MutationSetDeploymentImageArgs, 'input'>>;
  unregisterCluster?: Resolver<ResolversTypes['UnregisteredCluster'], ParentType, ContextType, RequireFields<MutationUnregisterClusterArgs, 'name'>>;
  updateCluster?: Resolver<ResolversTypes['Cluster'], ParentType, ContextType, RequireFields<MutationUpdateClusterArgs, 'input' | 'name'>>;
  verifyBackup?: Resolver<ResolversTypes['BackupVerification'], ParentType, ContextType, RequireFields<MutationVerifyBackupArgs, 'id'>>;
};

export type NamespaceResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Namespace'] = ResolversParentTypes['Namespace']> = {
  cluster?: Resolver<ResolversTypes['Cluster'], ParentType, ContextType>;
  createdAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  labels?: Resolver<ResolversTypes['StringMap'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  phase?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  uid?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type NamespaceConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['NamespaceConnection'] = ResolversParentTypes['NamespaceConnection']> = {
  edges?: Resolver<Array<ResolversTypes['NamespaceEdge']>, ParentType, ContextType>;
  freshness?: Resolver<Array<ResolversTypes['ClusterFreshness']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Namespace']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type NamespaceEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['NamespaceEdge'] = ResolversParentTypes['NamespaceEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Namespace'], ParentType, ContextType>;
};

export type NamespaceMappingResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['NamespaceMapping'] = ResolversParentTypes['NamespaceMapping']> = {
  from?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  to?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type NodeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Node'] = ResolversParentTypes['Node']> = {
  addresses?: Resolver<Array<ResolversTypes['NodeAddress']>, ParentType, ContextType>;
  allocatable?: Resolver<ResolversTypes['NodeResources'], ParentType, ContextType>;
  architecture?: Resolver<Maybe<ResolversTypes['Architecture']>, ParentType, ContextType>;
  capacity?: Resolver<ResolversTypes['NodeResources'], ParentType, ContextType>;
  cluster?: Resolver<ResolversTypes['Cluster'], ParentType, ContextType>;
  conditions?: Resolver<Array<ResolversTypes['Condition']>, ParentType, ContextType>;
  containerRuntimeVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  kernelVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  kubeletVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  labels?: Resolver<ResolversTypes['StringMap'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  osImage?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  readiness?: Resolver<ResolversTypes['NodeReadiness'], ParentType, ContextType>;
  roles?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  taints?: Resolver<Array<ResolversTypes['Taint']>, ParentType, ContextType>;
  uid?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unschedulable?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type NodeAddressResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['NodeAddress'] = ResolversParentTypes['NodeAddress']> = {
  address?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type NodeConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['NodeConnection'] = ResolversParentTypes['NodeConnection']> = {
  edges?: Resolver<Array<ResolversTypes['NodeEdge']>, ParentType, ContextType>;
  freshness?: Resolver<Array<ResolversTypes['ClusterFreshness']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Node']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type NodeEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['NodeEdge'] = ResolversParentTypes['NodeEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Node'], ParentType, ContextType>;
};

export type NodeEventResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['NodeEvent'] = ResolversParentTypes['NodeEvent']> = {
  architecture?: Resolver<Maybe<ResolversTypes['Architecture']>, ParentType, ContextType>;
  cluster?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  condition?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  current?: Resolver<Maybe<ResolversTypes['NodeState']>, ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kubernetesEvent?: Resolver<Maybe<ResolversTypes['KubernetesEventInfo']>, ParentType, ContextType>;
  node?: Resolver<Maybe<ResolversTypes['Node']>, ParentType, ContextType>;
  nodeName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  observedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  occurredAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  previous?: Resolver<Maybe<ResolversTypes['NodeState']>, ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['NodeEventType'], ParentType, ContextType>;
};

export type NodeResourcesResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['NodeResources'] = ResolversParentTypes['NodeResources']> = {
  cpu?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  memory?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  pods?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type NodeStateResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['NodeState'] = ResolversParentTypes['NodeState']> = {
  conditions?: Resolver<Array<ResolversTypes['Condition']>, ParentType, ContextType>;
  readiness?: Resolver<ResolversTypes['NodeReadiness'], ParentType, ContextType>;
  unschedulable?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type OwnerReferenceResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['OwnerReference'] = ResolversParentTypes['OwnerReference']> = {
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PlatformCheckResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PlatformCheck'] = ResolversParentTypes['PlatformCheck']> = {
  checked?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  forced?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  warnings?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PodResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Pod'] = ResolversParentTypes['Pod']> = {
  architecture?: Resolver<Maybe<ResolversTypes['Architecture']>, ParentType, ContextType>;
  cluster?: Resolver<ResolversTypes['Cluster'], ParentType, ContextType>;
  containers?: Resolver<Array<ResolversTypes['Container']>, ParentType, ContextType>;
  createdAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  labels?: Resolver<ResolversTypes['StringMap'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  namespace?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<Maybe<ResolversTypes['Node']>, ParentType, ContextType>;
  nodeName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  ownerReferences?: Resolver<Array<ResolversTypes['OwnerReference']>, ParentType, ContextType>;
  phase?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  podIP?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  readyContainers?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  restartCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  terminating?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  uid?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  waitingMessage?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  waitingReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PodConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PodConnection'] = ResolversParentTypes['PodConnection']> = {
  edges?: Resolver<Array<ResolversTypes['PodEdge']>, ParentType, ContextType>;
  freshness?: Resolver<Array<ResolversTypes['ClusterFreshness']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Pod']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PodEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PodEdge'] = ResolversParentTypes['PodEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Pod'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  apiResources?: Resolver<ResolversTypes['ApiResourceList'], ParentType, ContextType, RequireFields<QueryApiResourcesArgs, 'deadlineMs'>>;
  auditLog?: Resolver<ResolversTypes['AuditEntryConnection'], ParentType, ContextType, RequireFields<QueryAuditLogArgs, 'first'>>;
  backup?: Resolver<Maybe<ResolversTypes['Backup']>, ParentType, ContextType, RequireFields<QueryBackupArgs, 'id'>>;
  backupSchedules?: Resolver<Array<ResolversTypes['BackupSchedule']>, ParentType, ContextType>;
  backups?: Resolver<Array<ResolversTypes['Backup']>, ParentType, ContextType, RequireFields<QueryBackupsArgs, 'first'>>;
  cluster?: Resolver<Maybe<ResolversTypes['Cluster']>, ParentType, ContextType, RequireFields<QueryClusterArgs, 'name'>>;
  clusters?: Resolver<ResolversTypes['ClusterConnection'], ParentType, ContextType, RequireFields<QueryClustersArgs, 'first'>>;
  deployments?: Resolver<ResolversTypes['DeploymentConnection'], ParentType, ContextType, RequireFields<QueryDeploymentsArgs, 'consistency' | 'deadlineMs' | 'first'>>;
  etcdSnapshots?: Resolver<ResolversTypes['EtcdSnapshotConnection'], ParentType, ContextType, RequireFields<QueryEtcdSnapshotsArgs, 'deadlineMs' | 'first'>>;
  eventCursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  events?: Resolver<ResolversTypes['EventConnection'], ParentType, ContextType, RequireFields<QueryEventsArgs, 'consistency' | 'deadlineMs' | 'first'>>;
  fleetSummary?: Resolver<ResolversTypes['FleetSummary'], ParentType, ContextType, Partial<QueryFleetSummaryArgs>>;
  namespaces?: Resolver<ResolversTypes['NamespaceConnection'], ParentType, ContextType, RequireFields<QueryNamespacesArgs, 'consistency' | 'deadlineMs' | 'first'>>;
  nodes?: Resolver<ResolversTypes['NodeConnection'], ParentType, ContextType, RequireFields<QueryNodesArgs, 'consistency' | 'deadlineMs' | 'first'>>;
  pods?: Resolver<ResolversTypes['PodConnection'], ParentType, ContextType, RequireFields<QueryPodsArgs, 'consistency' | 'deadlineMs' | 'first'>>;
  resources?: Resolver<ResolversTypes['ResourceConnection'], ParentType, ContextType, RequireFields<QueryResourcesArgs, 'deadlineMs' | 'first' | 'where'>>;
  restore?: Resolver<Maybe<ResolversTypes['Restore']>, ParentType, ContextType, RequireFields<QueryRestoreArgs, 'id'>>;
  restores?: Resolver<Array<ResolversTypes['Restore']>, ParentType, ContextType, RequireFields<QueryRestoresArgs, 'first'>>;
  rollout?: Resolver<Maybe<ResolversTypes['Rollout']>, ParentType, ContextType, RequireFields<QueryRolloutArgs, 'id'>>;
  rollouts?: Resolver<ResolversTypes['RolloutConnection'], ParentType, ContextType, Partial<QueryRolloutsArgs>>;
  services?: Resolver<ResolversTypes['ServiceConnection'], ParentType, ContextType, RequireFields<QueryServicesArgs, 'consistency' | 'deadlineMs' | 'first'>>;
  sites?: Resolver<Array<ResolversTypes['Site']>, ParentType, ContextType, Partial<QuerySitesArgs>>;
};

export type ResourceResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Resource'] = ResolversParentTypes['Resource']> = {
  apiVersion?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  cluster?: Resolver<ResolversTypes['Cluster'], ParentType, ContextType>;
  createdAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  labels?: Resolver<ResolversTypes['StringMap'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  namespace?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  object?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  uid?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ResourceConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ResourceConnection'] = ResolversParentTypes['ResourceConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ResourceEdge']>, ParentType, ContextType>;
  freshness?: Resolver<Array<ResolversTypes['ClusterFreshness']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Resource']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ResourceCountResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ResourceCount'] = ResolversParentTypes['ResourceCount']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  resource?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ResourceEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ResourceEdge'] = ResolversParentTypes['ResourceEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Resource'], ParentType, ContextType>;
};

export type RestoreResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Restore'] = ResolversParentTypes['Restore']> = {
  actor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  backupId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  conflictPolicy?: Resolver<ResolversTypes['ConflictPolicy'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  dryRun?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  namespaceMapping?: Resolver<Array<ResolversTypes['NamespaceMapping']>, ParentType, ContextType>;
  phase?: Resolver<ResolversTypes['BackupPhase'], ParentType, ContextType>;
  results?: Resolver<Array<ResolversTypes['RestoreResult']>, ParentType, ContextType>;
  sourceCluster?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  targetCluster?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RestoreResultResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['RestoreResult'] = ResolversParentTypes['RestoreResult']> = {
  action?: Resolver<ResolversTypes['RestoreAction'], ParentType, ContextType>;
  changedFields?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  namespace?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RetentionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Retention'] = ResolversParentTypes['Retention']> = {
  keepDaily?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  keepLast?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  keepWeekly?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type RolloutResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Rollout'] = ResolversParentTypes['Rollout']> = {
  action?: Resolver<ResolversTypes['RolloutAction'], ParentType, ContextType>;
  actionDetails?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  actor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  clusters?: Resolver<Array<ResolversTypes['ClusterRolloutStep']>, ParentType, ContextType>;
  counts?: Resolver<Array<ResolversTypes['RolloutStateCount']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  deployment?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  dryRun?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  dryRunResults?: Resolver<Array<ResolversTypes['DryRunResult']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  idempotencyKey?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  namespace?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  phase?: Resolver<ResolversTypes['RolloutPhase'], ParentType, ContextType>;
  platformCheck?: Resolver<ResolversTypes['PlatformCheck'], ParentType, ContextType>;
  strategy?: Resolver<ResolversTypes['RolloutStrategy'], ParentType, ContextType>;
  target?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type RolloutConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['RolloutConnection'] = ResolversParentTypes['RolloutConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['Rollout']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type RolloutEventResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['RolloutEvent'] = ResolversParentTypes['RolloutEvent']> = {
  cluster?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  observedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  phase?: Resolver<ResolversTypes['RolloutPhase'], ParentType, ContextType>;
  previousState?: Resolver<Maybe<ResolversTypes['ClusterRolloutState']>, ParentType, ContextType>;
  rolloutId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  site?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  state?: Resolver<Maybe<ResolversTypes['ClusterRolloutState']>, ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RolloutStateCountResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['RolloutStateCount'] = ResolversParentTypes['RolloutStateCount']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['ClusterRolloutState'], ParentType, ContextType>;
};

export type RolloutStrategyResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['RolloutStrategy'] = ResolversParentTypes['RolloutStrategy']> = {
  bySite?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  canaryClusters?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  canaryNames?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  canarySoakSeconds?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  maxConcurrentClusters?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  maxFailurePercent?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  maxFailures?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  progressDeadlineSeconds?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  waitForClusterSeconds?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type ServiceResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Service'] = ResolversParentTypes['Service']> = {
  cluster?: Resolver<ResolversTypes['Cluster'], ParentType, ContextType>;
  clusterIP?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  labels?: Resolver<ResolversTypes['StringMap'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  namespace?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ports?: Resolver<Array<ResolversTypes['ServicePort']>, ParentType, ContextType>;
  selector?: Resolver<ResolversTypes['StringMap'], ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  uid?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ServiceConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ServiceConnection'] = ResolversParentTypes['ServiceConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ServiceEdge']>, ParentType, ContextType>;
  freshness?: Resolver<Array<ResolversTypes['ClusterFreshness']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Service']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ServiceEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ServiceEdge'] = ResolversParentTypes['ServiceEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Service'], ParentType, ContextType>;
};

export type ServicePortResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ServicePort'] = ResolversParentTypes['ServicePort']> = {
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  nodePort?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  port?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  protocol?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  targetPort?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type SiteResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Site'] = ResolversParentTypes['Site']> = {
  architectures?: Resolver<Array<ResolversTypes['Architecture']>, ParentType, ContextType>;
  clusterCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  clusters?: Resolver<Array<ResolversTypes['Cluster']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export interface StringMapScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['StringMap'], any> {
  name: 'StringMap';
}

export type SubscriptionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  backupProgress?: SubscriptionResolver<ResolversTypes['BackupProgressEvent'], "backupProgress", ParentType, ContextType, RequireFields<SubscriptionBackupProgressArgs, 'id'>>;
  clusterEvents?: SubscriptionResolver<ResolversTypes['ClusterEvent'], "clusterEvents", ParentType, ContextType, Partial<SubscriptionClusterEventsArgs>>;
  nodeEvents?: SubscriptionResolver<ResolversTypes['NodeEvent'], "nodeEvents", ParentType, ContextType, Partial<SubscriptionNodeEventsArgs>>;
  restoreProgress?: SubscriptionResolver<ResolversTypes['BackupProgressEvent'], "restoreProgress", ParentType, ContextType, RequireFields<SubscriptionRestoreProgressArgs, 'id'>>;
  rolloutProgress?: SubscriptionResolver<ResolversTypes['RolloutEvent'], "rolloutProgress", ParentType, ContextType, RequireFields<SubscriptionRolloutProgressArgs, 'id'>>;
};

export type TaintResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Taint'] = ResolversParentTypes['Taint']> = {
  effect?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type UnregisteredClusterResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['UnregisteredCluster'] = ResolversParentTypes['UnregisteredCluster']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  site?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type Resolvers<ContextType = GatewayContext> = {
  ApiResource?: ApiResourceResolvers<ContextType>;
  ApiResourceList?: ApiResourceListResolvers<ContextType>;
  AuditEntry?: AuditEntryResolvers<ContextType>;
  AuditEntryConnection?: AuditEntryConnectionResolvers<ContextType>;
  AuditEntryEdge?: AuditEntryEdgeResolvers<ContextType>;
  Backup?: BackupResolvers<ContextType>;
  BackupError?: BackupErrorResolvers<ContextType>;
  BackupProgressEvent?: BackupProgressEventResolvers<ContextType>;
  BackupSchedule?: BackupScheduleResolvers<ContextType>;
  BackupVerification?: BackupVerificationResolvers<ContextType>;
  Cluster?: ClusterResolvers<ContextType>;
  ClusterConnection?: ClusterConnectionResolvers<ContextType>;
  ClusterEdge?: ClusterEdgeResolvers<ContextType>;
  ClusterEvent?: ClusterEventResolvers<ContextType>;
  ClusterFacts?: ClusterFactsResolvers<ContextType>;
  ClusterFreshness?: ClusterFreshnessResolvers<ContextType>;
  ClusterProblem?: ClusterProblemResolvers<ContextType>;
  ClusterRolloutStep?: ClusterRolloutStepResolvers<ContextType>;
  ClusterStateCount?: ClusterStateCountResolvers<ContextType>;
  Condition?: ConditionResolvers<ContextType>;
  Container?: ContainerResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Deployment?: DeploymentResolvers<ContextType>;
  DeploymentConnection?: DeploymentConnectionResolvers<ContextType>;
  DeploymentEdge?: DeploymentEdgeResolvers<ContextType>;
  DryRunResult?: DryRunResultResolvers<ContextType>;
  EtcdSnapshot?: EtcdSnapshotResolvers<ContextType>;
  EtcdSnapshotConnection?: EtcdSnapshotConnectionResolvers<ContextType>;
  EtcdSnapshotEdge?: EtcdSnapshotEdgeResolvers<ContextType>;
  Event?: EventResolvers<ContextType>;
  EventConnection?: EventConnectionResolvers<ContextType>;
  EventEdge?: EventEdgeResolvers<ContextType>;
  EventSource?: EventSourceResolvers<ContextType>;
  FleetSummary?: FleetSummaryResolvers<ContextType>;
  FleetSummaryGroup?: FleetSummaryGroupResolvers<ContextType>;
  ImportKubeconfigResult?: ImportKubeconfigResultResolvers<ContextType>;
  InvolvedObject?: InvolvedObjectResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  KubernetesEventInfo?: KubernetesEventInfoResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Namespace?: NamespaceResolvers<ContextType>;
  NamespaceConnection?: NamespaceConnectionResolvers<ContextType>;
  NamespaceEdge?: NamespaceEdgeResolvers<ContextType>;
  NamespaceMapping?: NamespaceMappingResolvers<ContextType>;
  Node?: NodeResolvers<ContextType>;
  NodeAddress?: NodeAddressResolvers<ContextType>;
  NodeConnection?: NodeConnectionResolvers<ContextType>;
  NodeEdge?: NodeEdgeResolvers<ContextType>;
  NodeEvent?: NodeEventResolvers<ContextType>;
  NodeResources?: NodeResourcesResolvers<ContextType>;
  NodeState?: NodeStateResolvers<ContextType>;
  OwnerReference?: OwnerReferenceResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PlatformCheck?: PlatformCheckResolvers<ContextType>;
  Pod?: PodResolvers<ContextType>;
  PodConnection?: PodConnectionResolvers<ContextType>;
  PodEdge?: PodEdgeResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Resource?: ResourceResolvers<ContextType>;
  ResourceConnection?: ResourceConnectionResolvers<ContextType>;
  ResourceCount?: ResourceCountResolvers<ContextType>;
  ResourceEdge?: ResourceEdgeResolvers<ContextType>;
  Restore?: RestoreResolvers<ContextType>;
  RestoreResult?: RestoreResultResolvers<ContextType>;
  Retention?: RetentionResolvers<ContextType>;
  Rollout?: RolloutResolvers<ContextType>;
  RolloutConnection?: RolloutConnectionResolvers<ContextType>;
  RolloutEvent?: RolloutEventResolvers<ContextType>;
  RolloutStateCount?: RolloutStateCountResolvers<ContextType>;
  RolloutStrategy?: RolloutStrategyResolvers<ContextType>;
  Service?: ServiceResolvers<ContextType>;
  ServiceConnection?: ServiceConnectionResolvers<ContextType>;
  ServiceEdge?: ServiceEdgeResolvers<ContextType>;
  ServicePort?: ServicePortResolvers<ContextType>;
  Site?: SiteResolvers<ContextType>;
  StringMap?: GraphQLScalarType;
  Subscription?: SubscriptionResolvers<ContextType>;
  Taint?: TaintResolvers<ContextType>;
  UnregisteredCluster?: UnregisteredClusterResolvers<ContextType>;
};

