/**
 * Keeps one ClusterConnection per registered cluster, in step with the registry: a
 * registration starts a connection and indexes it, a metadata update re-indexes it, a
 * credentials update replaces the connection, an unregistration stops it. Credentials are
 * opened here and handed to the connection; nothing else sees them.
 */
import { ClusterConnection, type ClusterConnectionOptions } from '../clusters/cluster-connection.js';
import { FleetIndex, type FleetIndexOptions } from '../clusters/fleet-index.js';
import type { ClusterRegistry } from '../registry/registry.js';
import type { ClusterCredentials, RegisteredCluster, RegistryEvent } from '../registry/types.js';

/** How the gateway authenticates to a cluster (never the credentials themselves). */
export type ClusterAuthMethod =
  'TOKEN' | 'CLIENT_CERTIFICATE' | 'EXEC_PLUGIN' | 'AUTH_PROVIDER' | 'BASIC' | 'NONE';

/** A registered cluster with its live connection. */
export interface ConnectedCluster {
  registered: RegisteredCluster;
  authMethod: ClusterAuthMethod;
  connection: ClusterConnection;
}

/** A connection made or dropped, as listeners get it. */
export type ConnectionChange =
  | { type: 'connected'; cluster: ConnectedCluster }
  | { type: 'disconnected'; name: string; connection: ClusterConnection };

/** Where connection problems go. */
export interface FleetConnectionsLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** Options of {@link FleetConnections}. */
export interface FleetConnectionsOptions {
  registry: ClusterRegistry;
  logger: FleetConnectionsLogger;
  connection?: ClusterConnectionOptions;
  index?: FleetIndexOptions;
}

/** The authentication method credentials use. */
export function authMethodOf(c: ClusterCredentials): ClusterAuthMethod {
  if (c.exec) return 'EXEC_PLUGIN';
  if (c.authProvider) return 'AUTH_PROVIDER';
  if (c.clientCertificateData) return 'CLIENT_CERTIFICATE';
  if (c.token) return 'TOKEN';
  if (c.username !== undefined) return 'BASIC';
  return 'NONE';
}

/** Connections to every registered cluster, plus the fleet index over them. */
export class FleetConnections {
  readonly index: FleetIndex;
  private readonly clusters = new Map<string, ConnectedCluster>();
  private readonly registry: ClusterRegistry;
  private readonly logger: FleetConnectionsLogger;
  private readonly options: ClusterConnectionOptions;
  private unsubscribe: (() => void) | undefined;
  private readonly connectionListeners = new Set<(change: ConnectionChange) => void>();
  /** Registry events are applied one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(options: FleetConnectionsOptions) {
    this.registry = options.registry;
    this.logger = options.logger;
    this.options = options.connection ?? {};
    this.index = new FleetIndex([], options.index);
  }

  /** Connects to every registered cluster and follows the registry from now on. */
  async start(): Promise<void> {
    this.unsubscribe = this.registry.onChange((event) => {
      this.queue = this.queue
        .then(() => this.apply(event))
        .catch((e: unknown) => {
          this.logger.error({ err: e, cluster: event.cluster.name }, 'applying a registry change failed');
        });
    });
    for (const cluster of await this.registry.list()) await this.connect(cluster);
  }

  /** Waits until registry changes made so far are applied to the connections. */
  async settled(): Promise<void> {
    await this.queue;
  }

  /**
   * Resolves once no cluster is CONNECTING or SYNCING (or after timeoutMs); true when settled.
   */
  async whenSettled(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const pending = () =>
      [...this.clusters.values()].some((c) => ['CONNECTING', 'SYNCING'].includes(c.connection.state));
    while (pending()) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
    return true;
  }

  /** One cluster with its connection, or undefined. */
  get(name: string): ConnectedCluster | undefined {
    return this.clusters.get(name);
  }

  /** Every cluster, by name. */
  list(): ConnectedCluster[] {
    return [...this.clusters.values()].sort((a, b) => (a.registered.name < b.registered.name ? -1 : 1));
  }

  /**
   * Calls listener when a connection is made (before it starts, so the listener sees its
   * first changes) or dropped (before it stops); returns the unsubscribe function.
   */
  onConnectionChange(listener: (change: ConnectionChange) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Number of clusters in each state. */
  stateCounts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.clusters.values())
      out.set(c.connection.state, (out.get(c.connection.state) ?? 0) + 1);
    return out;
  }

  /** Stops every connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.queue;
    const all = [...this.clusters.values()];
    this.clusters.clear();
    for (const c of all) {
      this.index.removeCluster(c.registered.name);
      this.notify({ type: 'disconnected', name: c.registered.name, connection: c.connection });
    }
    await Promise.all(all.map((c) => c.connection.stop()));
  }

  private async apply(event: RegistryEvent): Promise<void> {
    if (this.stopped) return;
    switch (event.type) {
      case 'registered':
        await this.connect(event.cluster);
        return;
      case 'updated': {
        const current = this.clusters.get(event.cluster.name);
        if (!current || event.credentialsChanged) {
          await this.disconnect(event.cluster.name);
          await this.connect(event.cluster);
          return;
        }
        current.registered = event.cluster;
        this.index.upsertCluster(metadataOf(event.cluster), current.connection);
        return;
      }
      case 'unregistered':
        await this.disconnect(event.cluster.name);
        return;
    }
  }

  private async connect(cluster: RegisteredCluster): Promise<void> {
    if (this.clusters.has(cluster.name)) return;
    let credentials: ClusterCredentials;
    try {
      credentials = await this.registry.credentialsOf(cluster.name);
    } catch (e) {
      this.logger.error({ err: e, cluster: cluster.name }, 'cannot open the credentials of a cluster');
      return;
    }
    if (this.stopped) return;
    const connection = new ClusterConnection(cluster.name, credentials, this.options);
    const connected = { registered: cluster, authMethod: authMethodOf(credentials), connection };
    this.clusters.set(cluster.name, connected);
    this.index.upsertCluster(metadataOf(cluster), connection);
    this.notify({ type: 'connected', cluster: connected });
    connection.start();
  }

  private async disconnect(name: string): Promise<void> {
    const current = this.clusters.get(name);
    if (!current) return;
    this.clusters.delete(name);
    this.index.removeCluster(name);
    this.notify({ type: 'disconnected', name, connection: current.connection });
    await current.connection.stop();
  }

  private notify(change: ConnectionChange): void {
    for (const l of this.connectionListeners) {
      try {
        l(change);
      } catch (e) {
        this.logger.error({ err: e }, 'a connection listener failed');
      }
    }
  }
}

function metadataOf(c: RegisteredCluster): { name: string; site: string; labels: Record<string, string> } {
  return { name: c.name, site: c.site, labels: c.labels };
}
