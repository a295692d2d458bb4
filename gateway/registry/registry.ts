/**
 * The cluster registry: which clusters the gateway serves, with their site, labels and sealed
 * credentials. Every mutation is validated, written in one transaction together with its
 * audit entry (or audited as a failure), and announced to listeners after it commits.
 */
import pino from 'pino';
import { matchesLabels } from '../../sim/selectors.js';
import { recordAudit } from '../audit.js';
import { notFound, validationFailed } from '../errors.js';
import type { SecretBox } from '../secrets.js';
import { CLUSTER_SOURCES, type ClusterChanges, type ClusterRecord, type FleetStore } from '../store/types.js';
import type { ClusterTarget } from '../vocabulary.js';
import { readKubeconfigContexts, type KubeconfigSource } from './kubeconfig.js';
import type {
  ClusterCredentials,
  ClusterSource,
  RegisteredCluster,
  RegistryEvent,
  RegistryListener,
} from './types.js';
import {
  parseClusterCredentials,
  parseClusterLabelSelector,
  parseClusterName,
  parseLabels,
  parseSite,
} from './validation.js';

/** Where registry problems that are not the caller's go (listener failures, audit write failures). */
export interface RegistryLogger {
  error(obj: Record<string, unknown>, msg: string): void;
}

/** Options for {@link ClusterRegistry}. */
export interface ClusterRegistryOptions {
  store: FleetStore;
  secrets: SecretBox;
  /** @default a pino logger named `registry` */
  logger?: RegistryLogger;
}

/** Who performs a mutation, for the audit log. */
export interface MutationContext {
  /** User or service account; `system` for the gateway itself. @default 'system' */
  actor?: string;
}

/** A kubeconfig context to take a cluster's credentials (and site and labels) from. */
export interface KubeconfigContextRef extends KubeconfigSource {
  /** The context to use. */
  context: string;
}

/** Input of {@link ClusterRegistry.register}: credentials directly, or from a kubeconfig context. */
export type RegisterClusterInput = {
  /** Cluster name, a DNS-1123 label. */
  name: string;
  /** Site; required unless the kubeconfig context's fleetgraph extension has one. */
  site?: string;
  /** Labels; default those of the kubeconfig extension, else none. */
  labels?: Record<string, string>;
  /** @default 'registered' */
  source?: ClusterSource;
} & (
  | { credentials: ClusterCredentials; kubeconfig?: never }
  | { kubeconfig: KubeconfigContextRef; credentials?: never }
);

/** Input of {@link ClusterRegistry.update}; absent fields stay as they are. */
export interface UpdateClusterInput {
  site?: string;
  /** Replaces all labels. */
  labels?: Record<string, string>;
  credentials?: ClusterCredentials;
  /** Fail with CONFLICT unless the cluster is at this version. @default the version read just before */
  expectedVersion?: number;
}

/** Input of {@link ClusterRegistry.importKubeconfig}. */
export interface ImportKubeconfigInput extends KubeconfigSource {
  /** Site for contexts whose fleetgraph extension has none. */
  site?: string;
  /** Contexts to import, each becoming a cluster of the same name. @default all */
  contexts?: readonly string[];
  /** @default 'registered' */
  source?: ClusterSource;
  /**
   * Leave contexts whose name is a registered cluster as they are (the start-up import of a
   * kubeconfig), instead of failing the import with CONFLICT. @default false
   */
  skipRegistered?: boolean;
}

/** Which clusters {@link ClusterRegistry.list} returns; all given fields must match. */
export interface ClusterFilter extends Omit<ClusterTarget, 'architectures'> {
  source?: ClusterSource;
}

const SYSTEM_ACTOR = 'system';

/** The registry service; no GraphQL knowledge, drive it from tests and scripts directly. */
export class ClusterRegistry {
  private readonly store: FleetStore;
  private readonly secrets: SecretBox;
  private readonly logger: RegistryLogger;
  private readonly listeners = new Set<RegistryListener>();

  constructor(options: ClusterRegistryOptions) {
    this.store = options.store;
    this.secrets = options.secrets;
    this.logger = options.logger ?? pino({ name: 'registry' });
  }

  /** Registers one cluster. CONFLICT when the name is taken; VALIDATION_FAILED or KUBECONFIG_INVALID for bad input. */
  async register(input: RegisterClusterInput, ctx: MutationContext = {}): Promise<RegisteredCluster> {
    return this.mutate('cluster.register', { type: 'cluster', name: input.name }, input, ctx, async () => {
      const name = parseClusterName(input.name);
      const source = parseSource(input.source);
      let credentials: ClusterCredentials;
      let site = input.site === undefined ? undefined : parseSite(input.site);
      let labels = input.labels === undefined ? undefined : parseLabels(input.labels);
      if (input.kubeconfig !== undefined) {
        const { context, ...kubeconfig } = input.kubeconfig;
        const [resolved] = await readKubeconfigContexts(kubeconfig, [context]);
        if (resolved === undefined) throw notFound('kubeconfig context', context);
        credentials = resolved.credentials;
        site ??= resolved.site;
        labels ??= resolved.labels;
      } else {
        credentials = parseClusterCredentials(input.credentials, 'credentials');
      }
      if (site === undefined) {
        throw validationFailed(
          `cluster ${JSON.stringify(name)} has no site; expected a site argument or a site in the kubeconfig context's fleetgraph extension`,
          { field: 'site', cluster: name },
        );
      }
      const record = { name, site, labels: labels ?? {}, source, credentials };
      return async (tx: FleetStore) => {
        const cluster = toRegistered(await tx.insertCluster(this.seal(record)));
        return { result: cluster, events: [{ type: 'registered', cluster }] };
      };
    });
  }

  /** Changes a cluster's site, labels or credentials. NOT_FOUND, CONFLICT on a stale expectedVersion. */
  async update(
    name: string,
    input: UpdateClusterInput,
    ctx: MutationContext = {},
  ): Promise<RegisteredCluster> {
    return this.mutate('cluster.update', { type: 'cluster', name }, input, ctx, () => {
      const changes: ClusterChanges = {};
      if (input.site !== undefined) changes.site = parseSite(input.site);
      if (input.labels !== undefined) changes.labels = parseLabels(input.labels);
      const credentials =
        input.credentials === undefined
          ? undefined
          : parseClusterCredentials(input.credentials, 'credentials');
      if (
        input.expectedVersion !== undefined &&
        (!Number.isSafeInteger(input.expectedVersion) || input.expectedVersion < 1)
      ) {
        throw validationFailed(
          `expectedVersion ${JSON.stringify(input.expectedVersion)} is invalid; expected a positive integer from a previous read`,
          { field: 'expectedVersion', value: input.expectedVersion },
        );
      }
      if (changes.site === undefined && changes.labels === undefined && credentials === undefined) {
        throw validationFailed(
          `update of cluster ${JSON.stringify(name)} changes nothing; expected at least one of site, labels, credentials`,
          { cluster: name },
        );
      }
      return Promise.resolve(async (tx: FleetStore) => {
        const current = await tx.getCluster(name);
        if (current === undefined) throw notFound('cluster', name);
        if (credentials !== undefined) {
          changes.server = credentials.server;
          changes.credentialsEncrypted = this.sealCredentials(name, credentials);
        }
        const updated = await tx.updateCluster(name, input.expectedVersion ?? current.version, changes);
        const cluster = toRegistered(updated);
        const event: RegistryEvent = {
          type: 'updated',
          cluster,
          previous: toRegistered(current),
          credentialsChanged: credentials !== undefined,
        };
        return { result: cluster, events: [event] };
      });
    });
  }

  /** Removes a cluster and returns what it was. NOT_FOUND when there is none. */
  async unregister(name: string, ctx: MutationContext = {}): Promise<RegisteredCluster> {
    return this.mutate('cluster.unregister', { type: 'cluster', name }, { name }, ctx, () =>
      Promise.resolve(async (tx: FleetStore) => {
        const removed = await tx.deleteCluster(name);
        if (removed === undefined) throw notFound('cluster', name);
        const cluster = toRegistered(removed);
        return { result: cluster, events: [{ type: 'unregistered', cluster }] };
      }),
    );
  }

  /** Removes every cluster of a source (e.g. demo mode's) and returns them. */
  async unregisterBySource(source: ClusterSource, ctx: MutationContext = {}): Promise<RegisteredCluster[]> {
    return this.mutate('cluster.unregisterBySource', { type: 'clusters', source }, { source }, ctx, () => {
      const s = parseSource(source);
      return Promise.resolve(async (tx: FleetStore) => {
        const removed = (await tx.deleteClustersBySource(s)).map(toRegistered);
        return {
          result: removed,
          events: removed.map((cluster): RegistryEvent => ({ type: 'unregistered', cluster })),
        };
      });
    });
  }

  /**
   * Registers one cluster per kubeconfig context, all or nothing: any invalid context or taken
   * name fails the import and writes no cluster. Site and labels come from each context's
   * fleetgraph extension; `site` fills in where the extension has none.
   */
  async importKubeconfig(
    input: ImportKubeconfigInput,
    ctx: MutationContext = {},
  ): Promise<RegisteredCluster[]> {
    const target = { type: 'kubeconfig', contexts: input.contexts ?? 'all' };
    return this.mutate('cluster.importKubeconfig', target, input, ctx, async () => {
      const source = parseSource(input.source);
      const defaultSite = input.site === undefined ? undefined : parseSite(input.site, 'site argument');
      const { yaml, path } = input;
      // Listed contexts are checked (unknown ones are errors) before registered ones are skipped.
      const taken =
        input.skipRegistered === true
          ? new Set((await this.store.listClusters({})).map((c) => c.name))
          : undefined;
      const contexts = await readKubeconfigContexts(
        path === undefined ? { yaml } : { yaml, path },
        input.contexts,
        taken && ((c) => taken.has(c)),
      );
      const records = contexts.map((c) => {
        const where = `context ${JSON.stringify(c.context)}`;
        const name = parseClusterName(c.context, where);
        const site = c.site ?? defaultSite;
        if (site === undefined) {
          throw validationFailed(
            `${where} has no site; expected a site in its fleetgraph extension or a site argument for the import`,
            { field: 'site', context: c.context },
          );
        }
        return { name, site, labels: c.labels ?? {}, source, credentials: c.credentials };
      });
      return async (tx: FleetStore) => {
        const clusters: RegisteredCluster[] = [];
        for (const r of records) clusters.push(toRegistered(await tx.insertCluster(this.seal(r))));
        return {
          result: clusters,
          events: clusters.map((cluster): RegistryEvent => ({ type: 'registered', cluster })),
        };
      };
    });
  }

  /** One cluster, or undefined. */
  async get(name: string): Promise<RegisteredCluster | undefined> {
    const record = await this.store.getCluster(name);
    return record === undefined ? undefined : toRegistered(record);
  }

  /** Clusters by name, filtered; VALIDATION_FAILED for a bad label selector. */
  async list(filter: ClusterFilter = {}): Promise<RegisteredCluster[]> {
    const selector =
      filter.clusterLabelSelector === undefined
        ? undefined
        : parseClusterLabelSelector(filter.clusterLabelSelector);
    const names = filter.clusters === undefined ? undefined : new Set(filter.clusters);
    const sites = filter.sites === undefined ? undefined : new Set(filter.sites);
    const records = await this.store.listClusters(
      filter.source === undefined ? {} : { source: filter.source },
    );
    return records
      .filter(
        (r) =>
          (names === undefined || names.has(r.name)) &&
          (sites === undefined || sites.has(r.site)) &&
          (selector === undefined || matchesLabels(selector, r.labels)),
      )
      .map(toRegistered);
  }

  /** Decrypted credentials of a cluster, for the connection layer only; NOT_FOUND when unknown. */
  async credentialsOf(name: string): Promise<ClusterCredentials> {
    const record = await this.store.getCluster(name);
    if (record === undefined) throw notFound('cluster', name);
    const json = this.secrets.decryptString(record.credentialsEncrypted, credentialsContext(name));
    return parseClusterCredentials(
      JSON.parse(json) as unknown,
      `stored credentials of cluster ${JSON.stringify(name)}`,
    );
  }

  /** Calls listener after every committed change; returns a function that stops it. */
  onChange(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private seal(r: {
    name: string;
    site: string;
    labels: Record<string, string>;
    source: ClusterSource;
    credentials: ClusterCredentials;
  }): Omit<ClusterRecord, 'createdAt' | 'updatedAt' | 'version'> {
    return {
      name: r.name,
      site: r.site,
      labels: r.labels,
      source: r.source,
      server: r.credentials.server,
      credentialsEncrypted: this.sealCredentials(r.name, r.credentials),
    };
  }

  private sealCredentials(name: string, credentials: ClusterCredentials): string {
    return this.secrets.encrypt(JSON.stringify(credentials), credentialsContext(name));
  }

  /**
   * Runs a mutation: `prepare` validates (outside the transaction) and returns the write; the
   * write and its success audit entry commit together; any failure is audited as such.
   */
  private async mutate<T>(
    action: string,
    target: unknown,
    input: unknown,
    ctx: MutationContext,
    prepare: () => Promise<(tx: FleetStore) => Promise<{ result: T; events: RegistryEvent[] }>>,
  ): Promise<T> {
    const actor = ctx.actor ?? SYSTEM_ACTOR;
    let outcome: { result: T; events: RegistryEvent[] };
    try {
      if (actor.trim() === '') {
        throw validationFailed('actor is empty; expected the name of who performs the change');
      }
      const write = await prepare();
      outcome = await this.store.transaction(async (tx) => {
        const done = await write(tx);
        await recordAudit(tx, { actor, action, target, input, outcome: 'success' });
        return done;
      });
    } catch (e) {
      try {
        await recordAudit(this.store, { actor, action, target, input, outcome: 'failure', error: e });
      } catch (auditError) {
        this.logger.error(
          { err: auditError, action, actor },
          'writing the audit entry of a failed mutation failed',
        );
      }
      throw e;
    }
    for (const event of outcome.events) this.emit(event);
    return outcome.result;
  }

  private emit(event: RegistryEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (e) {
        this.logger.error(
          { err: e, event: event.type, cluster: event.cluster.name },
          'registry listener threw; the change is committed',
        );
      }
    }
  }
}

/** Associated data binding sealed credentials to their cluster row. */
function credentialsContext(name: string): string {
  return `fleetgraph/cluster-credentials/${name}`;
}

function parseSource(source: ClusterSource | undefined): ClusterSource {
  if (source === undefined) return 'registered';
  const s = CLUSTER_SOURCES.find((c) => c === source);
  if (s === undefined) {
    throw validationFailed(
      `source ${JSON.stringify(source)} is invalid; expected one of ${CLUSTER_SOURCES.map((c) => JSON.stringify(c)).join(', ')}`,
      { field: 'source', value: source },
    );
  }
  return s;
}

function toRegistered(r: ClusterRecord): RegisteredCluster {
  return {
    name: r.name,
    site: r.site,
    labels: { ...r.labels },
    server: r.server,
    source: r.source,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    version: r.version,
  };
}
