/**
 * Starts the real gateway (FleetGateway + HTTP/WebSocket server on port 0, a real SQLite
 * file in a temp dir) for integration tests, with every log line captured so tests can
 * grep them, plus small GraphQL-over-HTTP and graphql-ws clients.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createClient, type Client } from 'graphql-ws';
import pino from 'pino';
import WebSocket from 'ws';
import type { BackupStorage } from '../../gateway/backups/storage.js';
import type { ClusterConnectionOptions } from '../../gateway/clusters/cluster-connection.js';
import type { QueryLimits } from '../../gateway/graphql/limits.js';
import { TokenAuth } from '../../gateway/server/auth.js';
import { startHttpServer, type RunningServer } from '../../gateway/server/http-server.js';
import type { FleetEventsOptions } from '../../gateway/events/fleet-events.js';
import type { RolloutEngineOptions } from '../../gateway/rollouts/rollout-engine.js';
import type { ImagePlatformOptions } from '../../gateway/rollouts/image-platforms.js';
import { FleetGateway, kubeconfigFile, type DemoOptions } from '../../gateway/service/fleet-gateway.js';

/** A GraphQL response as the wire carries it. */
export interface GqlResponse<D = Record<string, unknown>> {
  status: number;
  data?: D | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  /** The raw body, for greps. */
  raw: string;
}

/** A running test gateway. */
export interface TestGateway {
  url: string;
  gateway: FleetGateway;
  server: RunningServer;
  dataDir: string;
  /** Every log line written so far. */
  logs: string[];
  /** Every raw response body received through gql(). */
  responses: string[];
  gql<D = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    opts?: { token?: string },
  ): Promise<GqlResponse<D>>;
  /** A graphql-ws client; dispose it in the test. */
  ws(connectionParams?: Record<string, unknown>): Client;
  /** Waits until no cluster is CONNECTING or SYNCING. */
  settled(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Options of a test gateway. */
export interface TestGatewayOptions {
  /** A kubeconfig file to import at start (e.g. a test fleet's). */
  kubeconfigPath?: string;
  site?: string;
  demo?: DemoOptions;
  tokens?: Record<string, string>;
  /** Fast detection by default: offline after 2 s, probes every 500 ms. */
  connection?: ClusterConnectionOptions;
  /** Reuse a data dir (to test restarts); a fresh temp dir otherwise. */
  dataDir?: string;
  host?: string;
  limits?: QueryLimits;
  /** Event log retention and subscriber buffers. */
  events?: FleetEventsOptions;
  /** Rollout engine timing. */
  rollouts?: RolloutEngineOptions;
  /** Image platform lookups (e.g. the test fleet's catalogue). */
  images?: ImagePlatformOptions;
  /** Where backup archives go (a storage or a storage URL); <dataDir>/backups by default. */
  backupStorage?: BackupStorage | string;
}

/** Fast connection settings for tests. */
export const TEST_CONNECTION: ClusterConnectionOptions = {
  offlineAfterMs: 2000,
  probeIntervalMs: 500,
  probeTimeoutMs: 900,
  reconnectBackoff: { initialMs: 200, maxMs: 1000 },
};

/** Starts a gateway; close() stops it and removes its temp dir (unless dataDir was given). */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'fleetgraph-gw-')));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(line);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const kubeconfig =
    options.kubeconfigPath === undefined
      ? undefined
      : await kubeconfigFile(options.kubeconfigPath, options.site);
  const gateway = await FleetGateway.open({
    dataDir,
    logger,
    env: {},
    connection: options.connection ?? TEST_CONNECTION,
    demo: options.demo ?? false,
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(options.events ? { events: options.events } : {}),
    ...(options.rollouts ? { rollouts: options.rollouts } : {}),
    ...(options.images ? { images: options.images } : {}),
    ...(options.backupStorage !== undefined ? { backupStorage: options.backupStorage } : {}),
  });
  const auth = new TokenAuth(new Map(Object.entries(options.tokens ?? {})));
  const server = await startHttpServer({
    gateway,
    auth,
    logger,
    host: options.host ?? '127.0.0.1',
    port: 0,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const responses: string[] = [];
  const clients: Client[] = [];
  return {
    url: server.url,
    gateway,
    server,
    dataDir,
    logs,
    responses,
    async gql<D>(query: string, variables?: Record<string, unknown>, opts: { token?: string } = {}) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.token !== undefined ? { authorization: `Bearer ${opts.token}` } : {}),
        },
        body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
      });
      const raw = await res.text();
      responses.push(raw);
      const body = JSON.parse(raw) as Omit<GqlResponse<D>, 'status' | 'raw'>;
      return { ...body, status: res.status, raw };
    },
    ws(connectionParams) {
      const client = createClient({
        url: `${server.url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        // Tests observe closes through client.on('closed'); the default prints them to stderr.
        onNonLazyError: () => undefined,
        ...(connectionParams ? { connectionParams } : {}),
      });
      clients.push(client);
      return client;
    },
    async settled(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (gateway.settledClusters().pending > 0) {
        if (Date.now() > deadline)
          throw new Error(`clusters not settled: ${JSON.stringify(gateway.settledClusters())}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
      await server.close();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs one operation over graphql-ws and returns its single result. */
export function wsQuery(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  return new Promise((resolve, reject) => {
    let result:
      { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } | undefined;
    client.subscribe(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (r) => {
          result = r as typeof result;
        },
        error: (e: unknown) => {
          if (Array.isArray(e)) resolve({ errors: e as { message: string }[] });
          else reject(e instanceof Error ? e : new Error(JSON.stringify(e)));
        },
        complete: () => resolve(result ?? {}),
      },
    );
  });
}
