/**
 * The gateway's composition root without any transport: store, secrets, registry, cluster
 * connections, reads, and optionally the in-process demo fleet. The HTTP/WebSocket server
 * wraps one of these; tests and scripts can drive it directly.
 */
import type { Logger } from 'pino';
import type { SimFleet } from '../../sim/fleet.js';
import type { ClusterConnectionOptions } from '../clusters/cluster-connection.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BackupScheduler } from '../backups/backup-schedules.js';
import { BackupService } from '../backups/backup-service.js';
import { openBackupStorage } from '../backups/storage-config.js';
import type { BackupStorage } from '../backups/storage.js';
import { FleetEvents, type FleetEventsOptions } from '../events/fleet-events.js';
import { listKubeconfigContexts } from '../registry/kubeconfig.js';
import { RolloutEngine, type RolloutEngineOptions } from '../rollouts/rollout-engine.js';
import { RolloutService } from '../rollouts/rollout-service.js';
import { ImagePlatformLookup, type ImagePlatformOptions } from '../rollouts/image-platforms.js';
import { ClusterRegistry } from '../registry/registry.js';
import { loadSecretBox, type SecretBox } from '../secrets.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { FleetStore } from '../store/types.js';
import { FleetConnections } from './fleet-connections.js';
import { FleetReads } from './fleet-reads.js';
import { FleetResources } from './fleet-resources.js';

/** Demo mode: an in-process simulator fleet, registered afresh on every start. */
export interface DemoOptions {
  /** @default 'smart-city' */
  scenario?: string;
  /** Controller speed factor of the simulator. @default 1 */
  timeScale?: number;
}

/** A kubeconfig file to import at start: its path, its text, and the site for contexts without one. */
export interface KubeconfigFileOption {
  path: string;
  yaml: string;
  site?: string;
}

/** Reads a kubeconfig file for FleetGatewayOptions.kubeconfig. */
export async function kubeconfigFile(path: string, site?: string): Promise<KubeconfigFileOption> {
  return { path, yaml: await readFile(path, 'utf8'), ...(site !== undefined ? { site } : {}) };
}

/** Options of {@link FleetGateway.open}. */
export interface FleetGatewayOptions {
  /** Holds the SQLite store and the secret key file. */
  dataDir: string;
  logger: Logger;
  /** Environment for FLEETGRAPH_SECRET_KEY. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Connection tuning (offline detection time, timeouts); mostly for tests. */
  connection?: ClusterConnectionOptions;
  /** Start and register the demo fleet. */
  demo?: DemoOptions | false;
  /** Import the contexts of this kubeconfig file that are not registered yet (see kubeconfigFile). */
  kubeconfig?: KubeconfigFileOption;
  /** Event log retention and subscriber buffers. */
  events?: FleetEventsOptions;
  /** Rollout engine timing; mostly for tests. */
  rollouts?: RolloutEngineOptions;
  /** Where image platforms come from (catalogue, insecure registries, policy). */
  images?: ImagePlatformOptions;
  /**
   * Where backup archives go: a storage, or a storage URL (`dir:PATH`, a plain path, or
   * `s3://bucket/prefix?endpoint=...&region=...&forcePathStyle=true`; see storage-config.ts).
   * The gateway closes it when it closes. @default <dataDir>/backups
   */
  backupStorage?: BackupStorage | string;
}

/** How long demo mode waits for the demo clusters' first sync before serving. */
const DEMO_SYNC_WAIT_MS = 15_000;

/** One gateway's services. */
export class FleetGateway {
  private constructor(
    readonly store: FleetStore,
    readonly secrets: SecretBox,
    readonly registry: ClusterRegistry,
    readonly connections: FleetConnections,
    readonly reads: FleetReads,
    readonly resources: FleetResources,
    readonly events: FleetEvents,
    readonly rollouts: RolloutService,
    private readonly rolloutEngine: RolloutEngine,
    readonly backups: BackupService,
    readonly backupSchedules: BackupScheduler,
    private readonly backupStorage: BackupStorage,
    readonly demoFleet: SimFleet | undefined,
    private readonly logger: Logger,
  ) {}

  /** Opens the store, connects to every registered cluster, and starts demo mode if asked. */
  static async open(options: FleetGatewayOptions): Promise<FleetGateway> {
    const logger = options.logger;
    const secrets = await loadSecretBox({
      dataDir: options.dataDir,
      ...(options.env ? { env: options.env } : {}),
    });
    // Before the store, so a storage URL that cannot work stops the start before anything runs.
    const backupStorage =
      typeof options.backupStorage === 'object'
        ? options.backupStorage
        : await openBackupStorage(
            options.backupStorage ?? { kind: 'dir', path: join(options.dataDir, 'backups') },
          );
    let store: FleetStore;
    try {
      store = await openSqliteStore({ dataDir: options.dataDir });
    } catch (e) {
      await backupStorage.close();
      throw e;
    }
    const registry = new ClusterRegistry({ store, secrets, logger: logger.child({ component: 'registry' }) });
    let demoFleet: SimFleet | undefined;
    try {
      if (options.demo) demoFleet = await startDemo(registry, options.demo, logger);
      else await registry.unregisterBySource('demo');
      if (options.kubeconfig) await importAtStart(registry, options.kubeconfig, logger);
    } catch (e) {
      await demoFleet?.stop();
      await store.close();
      await backupStorage.close();
      throw e;
    }
    const connections = new FleetConnections({
      registry,
      logger: logger.child({ component: 'connections' }),
      ...(options.connection ? { connection: options.connection } : {}),
    });
    let events: FleetEvents;
    try {
      // Before the connections start, so their first lists are diffed against the log's state.
      events = await FleetEvents.open({
        store,
        registry,
        connections,
        logger: logger.child({ component: 'events' }),
        ...(options.events ? { options: options.events } : {}),
      });
    } catch (e) {
      await demoFleet?.stop();
      await store.close();
      await backupStorage.close();
      throw e;
    }
    await connections.start();
    // The demo fleet is local and answers in milliseconds: serve it synced, so the first
    // query of a newcomer already sees the whole fleet.
    if (demoFleet) await connections.whenSettled(DEMO_SYNC_WAIT_MS);
    const reads = new FleetReads(connections);
    const rolloutEngine = new RolloutEngine(
      store,
      connections,
      events,
      logger.child({ component: 'rollouts' }),
      options.rollouts,
    );
    await rolloutEngine.start();
    const backups = new BackupService(
      store,
      connections,
      secrets,
      backupStorage,
      logger.child({ component: 'backups' }),
      events,
    );
    await backups.start();
    const backupSchedules = new BackupScheduler(
      store,
      connections,
      backups,
      logger.child({ component: 'schedules' }),
    );
    await backupSchedules.start();
    return new FleetGateway(
      store,
      secrets,
      registry,
      connections,
      reads,
      new FleetResources(reads),
      events,
      new RolloutService(
        store,
        connections,
        events,
        rolloutEngine,
        new ImagePlatformLookup({
          ...options.images,
          // Demo mode: the simulator's image catalogue is the registry its clusters pull from.
          ...(demoFleet && !options.images?.catalogue
            ? { catalogue: (image: string) => demoFleet?.images.platforms(image) }
            : {}),
        }),
      ),
      rolloutEngine,
      backups,
      backupSchedules,
      backupStorage,
      demoFleet,
      logger,
    );
  }

  /** True once every cluster has been contacted or given up on (none CONNECTING or SYNCING). */
  settledClusters(): { total: number; pending: number; byState: Record<string, number> } {
    const byState = Object.fromEntries(this.connections.stateCounts());
    const pending = (byState.CONNECTING ?? 0) + (byState.SYNCING ?? 0);
    return { total: this.connections.list().length, pending, byState };
  }

  /** Stops connections, the demo fleet, the backup storage and the store. */
  async close(): Promise<void> {
    this.backupSchedules.stop();
    await this.rolloutEngine.stop();
    await this.connections.stop();
    await this.backups.settle();
    await this.backupStorage.close();
    await this.events.close();
    await this.demoFleet?.stop();
    await this.store.close();
    this.logger.info('gateway services stopped');
  }
}

async function startDemo(registry: ClusterRegistry, demo: DemoOptions, logger: Logger): Promise<SimFleet> {
  // Loaded only in demo mode: a production gateway does not carry the simulator.
  const [{ SimFleet }, { loadScenario }] = await Promise.all([
    import('../../sim/fleet.js'),
    import('../../sim/scenario.js'),
  ]);
  const scenario = await loadScenario(demo.scenario ?? 'smart-city');
  const started = Date.now();
  const fleet = await SimFleet.start({ scenario, timeScale: demo.timeScale ?? 1 });
  try {
    await registry.unregisterBySource('demo');
    const taken = new Set((await registry.list({ source: 'registered' })).map((c) => c.name));
    const contexts = listKubeconfigContexts({ yaml: fleet.kubeconfig });
    const clash = contexts.filter((c) => taken.has(c));
    if (clash.length > 0) {
      logger.warn({ clusters: clash }, 'demo clusters skipped: names taken by registered clusters');
    }
    const wanted = contexts.filter((c) => !taken.has(c));
    if (wanted.length > 0) {
      await registry.importKubeconfig({ yaml: fleet.kubeconfig, contexts: wanted, source: 'demo' });
    }
    logger.info(
      { scenario: scenario.name, clusters: wanted.length, ms: Date.now() - started },
      'demo fleet started and registered',
    );
    return fleet;
  } catch (e) {
    await fleet.stop();
    throw e;
  }
}

async function importAtStart(
  registry: ClusterRegistry,
  kubeconfig: KubeconfigFileOption,
  logger: Logger,
): Promise<void> {
  // One parse of the kubeconfig (1,000 contexts take the `yaml` parser about 0.7 s).
  const imported = await registry.importKubeconfig({
    yaml: kubeconfig.yaml,
    path: kubeconfig.path,
    skipRegistered: true,
    ...(kubeconfig.site !== undefined ? { site: kubeconfig.site } : {}),
  });
  logger.info(
    { path: kubeconfig.path, imported: imported.map((c) => c.name) },
    'kubeconfig imported (contexts already registered are left as they are)',
  );
}
