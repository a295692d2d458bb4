import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { startAdminServer, type AdminOptions } from './admin.js';
import { SimCluster, type SimClusterOptions } from './cluster.js';
import type { ImageCatalog } from './controllers/index.js';
import { buildKubeconfig } from './kubeconfig.js';
import type { Scenario } from './scenario.js';
import { createClusterCredentials } from './tls.js';

/** Options of a simulated fleet. */
export interface SimFleetOptions {
  scenario: Scenario;
  /** Multiplies every controller delay; 0.01 makes a 1 s kubelet step take 10 ms. @default 1 */
  timeScale?: number;
  /** Address every cluster listens on. @default '127.0.0.1' */
  host?: string;
  /** Where to write the kubeconfig (mode 0600); not written when undefined. */
  kubeconfigPath?: string;
  /** Per-cluster options passed through. */
  cluster?: Pick<SimClusterOptions, 'historyLimit' | 'requestLogLimit' | 'bookmarkIntervalMs'>;
  /** Also serve the admin API over HTTP (disposed on stop); its URL is then `fleet.adminUrl`. */
  admin?: AdminOptions & { host?: string; port?: number };
  /** Clusters started at once; bounds the start-up burst. @default 64 */
  startConcurrency?: number;
}

/** A cluster as the `sim` command reports it. */
export interface FleetClusterInfo {
  name: string;
  server: string;
  site: string;
  architectures: string[];
  labels: Record<string, string>;
}

/** The fleet-wide image catalogue: which platforms each image's manifest list offers. Editable at run time. */
export class MutableImageCatalog implements ImageCatalog {
  private readonly images = new Map<string, string[]>();
  constructor(entries: { name: string; platforms: string[] }[] = []) {
    for (const e of entries) this.images.set(e.name, [...e.platforms]);
  }
  /** Platforms of an image, or undefined when the catalogue does not know it. */
  platforms(image: string): string[] | undefined {
    return this.images.get(image) ?? this.images.get(withDefaultTag(image));
  }
  /** Adds or replaces an image. */
  set(name: string, platforms: string[]): void {
    this.images.set(name, [...platforms]);
  }
  /** Removes an image; returns whether it was known. */
  delete(name: string): boolean {
    return this.images.delete(name);
  }
  /** Every image, sorted by name. */
  list(): { name: string; platforms: string[] }[] {
    return [...this.images]
      .map(([name, platforms]) => ({ name, platforms: [...platforms] }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }
}

function withDefaultTag(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  return image.slice(lastSlash + 1).includes(':') ? image : `${image}:latest`;
}

/**
 * Many simulated clusters in one process, each on its own port with its own CA and token,
 * plus the kubeconfig that reaches them all. Start with SimFleet.start; stop disposes all.
 */
export class SimFleet {
  readonly images: MutableImageCatalog;
  private readonly byName = new Map<string, SimCluster>();
  private stopped = false;

  private constructor(
    readonly scenario: Scenario,
    readonly kubeconfig: string,
    readonly kubeconfigPath: string | undefined,
    clusters: SimCluster[],
    images: MutableImageCatalog,
  ) {
    this.images = images;
    for (const c of clusters) this.byName.set(c.name, c);
  }

  /** Starts every cluster of the scenario and writes the kubeconfig. */
  static async start(options: SimFleetOptions): Promise<SimFleet> {
    const { scenario } = options;
    const images = new MutableImageCatalog(scenario.images);
    const clusters: SimCluster[] = [];
    const concurrency = options.startConcurrency ?? 64;
    try {
      for (let i = 0; i < scenario.clusters.length; i += concurrency) {
        const batch = scenario.clusters.slice(i, i + concurrency);
        await Promise.all(
          batch.map(async (spec, j) => {
            const credentials = await createClusterCredentials(spec.name);
            const opts: SimClusterOptions = {
              clusterIndex: i + j,
              spec,
              credentials,
              images,
              timeScale: options.timeScale ?? 1,
              ...options.cluster,
            };
            if (options.host !== undefined) opts.host = options.host;
            const cluster = new SimCluster(opts);
            // Slot by scenario position, so the kubeconfig lists clusters in scenario order.
            clusters[i + j] = cluster;
            await cluster.start();
          }),
        );
      }
    } catch (e) {
      await Promise.allSettled(clusters.filter(Boolean).map((c) => c.stop()));
      throw e;
    }
    const kubeconfig = buildKubeconfig(
      clusters.map((c) => ({
        name: c.name,
        server: c.server,
        caCertPem: c.credentials.caCertPem,
        token: c.credentials.token,
        site: c.spec.site,
        labels: c.spec.labels,
      })),
    );
    if (options.kubeconfigPath) {
      await mkdir(dirname(options.kubeconfigPath), { recursive: true });
      await writeFile(options.kubeconfigPath, kubeconfig, { mode: 0o600 });
    }
    const fleet = new SimFleet(scenario, kubeconfig, options.kubeconfigPath, clusters, images);
    if (options.admin) {
      try {
        const admin = await startAdminServer(fleet, options.admin);
        fleet.adminUrl = admin.url;
        fleet.closeAdmin = admin.close;
      } catch (e) {
        await fleet.stop();
        throw e;
      }
    }
    return fleet;
  }

  /** URL of the admin API when started with `admin`, else undefined. */
  adminUrl: string | undefined;
  private closeAdmin: (() => Promise<void>) | undefined;

  /** Every cluster, in scenario order. */
  get clusters(): SimCluster[] {
    return [...this.byName.values()];
  }

  /** A cluster by name, or undefined. */
  find(name: string): SimCluster | undefined {
    return this.byName.get(name);
  }

  /** A cluster by name; throws when unknown. */
  cluster(name: string): SimCluster {
    const c = this.byName.get(name);
    if (!c)
      throw new Error(
        `no simulated cluster named ${JSON.stringify(name)}; known: ${[...this.byName.keys()].slice(0, 20).join(', ')}`,
      );
    return c;
  }

  /** The clusters as the `sim` command's ready line lists them. */
  info(): FleetClusterInfo[] {
    return this.clusters.map((c) => ({
      name: c.name,
      server: c.server,
      site: c.spec.site,
      architectures: c.architectures(),
      labels: { ...c.spec.labels },
    }));
  }

  /** Stops every cluster and frees every port and timer. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.closeAdmin?.();
    await Promise.allSettled(this.clusters.map((c) => c.stop()));
  }
}
