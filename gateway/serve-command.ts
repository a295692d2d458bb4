/**
 * `fleetgraph serve`: parses flags (each also settable by an environment variable), opens the
 * gateway's services, serves HTTP + WebSocket, and shuts down gracefully on SIGINT/SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino, { type Logger } from 'pino';
import { parseBackupStorageUrl } from './backups/storage-config.js';
import { DEFAULT_MAX_CONCURRENT_REQUESTS } from './clusters/kube-client.js';
import { isFleetError } from './errors.js';
import { loadTokens, TokenAuth } from './server/auth.js';
import { startHttpServer } from './server/http-server.js';
import { FleetGateway, kubeconfigFile } from './service/fleet-gateway.js';
import { parseImageCatalogue } from './rollouts/image-platforms.js';

const USAGE = `Usage: fleetgraph serve [options]

Serves the fleetgraph GraphQL API (HTTP and WebSocket on /graphql, GraphiQL on /).

Options (environment variable in brackets):
  --host HOST          address to listen on (default 127.0.0.1) [FLEETGRAPH_HOST]
                       anything but loopback requires an API token
  --port PORT          port (default 4000; 0 = any free port) [FLEETGRAPH_PORT]
  --data-dir DIR       SQLite store and secret key (default .fleetgraph) [FLEETGRAPH_DATA_DIR]
  --kubeconfig FILE    register every context of FILE not registered yet [FLEETGRAPH_KUBECONFIG]
  --site SITE          site of imported contexts without a fleetgraph extension [FLEETGRAPH_SITE]
  --demo, --no-demo    run the smart-city simulator fleet in-process and register it afresh
                       (default off) [FLEETGRAPH_DEMO=1|0]
  --tokens-file FILE   YAML map of actor name to API token, mode 0600 [FLEETGRAPH_TOKENS_FILE]
                       (a single token can be given as FLEETGRAPH_TOKEN)
  --event-retention N  events kept in the subscription event log (default 100000)
                       [FLEETGRAPH_EVENT_RETENTION]; older cursors get CURSOR_EXPIRED
  --subscriber-buffer N  undelivered events a subscriber may fall behind before it is cut off
                       with close code 4529 (default 1000) [FLEETGRAPH_SUBSCRIBER_BUFFER]
  --image-catalogue FILE  YAML list of images and their platforms ([{name, platforms}]), consulted
                       before registries by the rollout platform check [FLEETGRAPH_IMAGE_CATALOGUE]
  --insecure-registries H,H  registries (host:port) read over plain HTTP [FLEETGRAPH_INSECURE_REGISTRIES]
  --unknown-image-platforms warn|refuse  an image whose platforms cannot be learned is a warning
                       (default) or refused [FLEETGRAPH_UNKNOWN_IMAGE_PLATFORMS]
  --backup-storage URL  where backup archives go (default <data-dir>/backups)
                       [FLEETGRAPH_BACKUP_STORAGE]: dir:PATH, a plain path, or
                       s3://BUCKET/PREFIX?endpoint=URL&region=REGION&forcePathStyle=true
                       (S3 credentials from the AWS environment, e.g. AWS_ACCESS_KEY_ID)
  --cluster-max-requests N  requests in flight to one cluster at most, watches aside
                       (default ${DEFAULT_MAX_CONCURRENT_REQUESTS}) [FLEETGRAPH_CLUSTER_MAX_REQUESTS]; more queue
  --log-level LEVEL    trace, debug, info, warn, error, fatal, silent (default info) [FLEETGRAPH_LOG_LEVEL]
  -h, --help           show this help

The credential key comes from FLEETGRAPH_SECRET_KEY (base64, 32 bytes) or <data-dir>/secret.key.
`;

/** Parsed configuration of `serve`. */
export interface ServeConfig {
  host: string;
  port: number;
  dataDir: string;
  kubeconfig?: string;
  site?: string;
  demo: boolean;
  tokensFile?: string;
  token?: string;
  logLevel: string;
  /** Events kept in the event log. */
  eventRetention: number;
  /** Undelivered events per subscriber before it is cut off. */
  subscriberBuffer: number;
  imageCatalogue?: string;
  insecureRegistries: string[];
  unknownImagePlatforms: 'warn' | 'refuse';
  /** Where backup archives go, as a storage URL checked by parseBackupStorageUrl; <dataDir>/backups when absent. */
  backupStorage?: string;
  /** Requests in flight to one cluster at most. */
  clusterMaxRequests: number;
}

class UsageError extends Error {}

function flagOrEnv(flag: string | undefined, env: string | undefined): string | undefined {
  return flag !== undefined ? flag : env !== undefined && env !== '' ? env : undefined;
}

/** Parses argv and environment into a ServeConfig; throws UsageError with a clear message. */
export function parseServeConfig(argv: string[], env: NodeJS.ProcessEnv): ServeConfig | 'help' {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        kubeconfig: { type: 'string' },
        site: { type: 'string' },
        demo: { type: 'boolean' },
        'no-demo': { type: 'boolean' },
        'tokens-file': { type: 'string' },
        'log-level': { type: 'string' },
        'event-retention': { type: 'string' },
        'subscriber-buffer': { type: 'string' },
        'image-catalogue': { type: 'string' },
        'insecure-registries': { type: 'string' },
        'unknown-image-platforms': { type: 'string' },
        'backup-storage': { type: 'string' },
        'cluster-max-requests': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return 'help';
  const portText = flagOrEnv(values.port, env.FLEETGRAPH_PORT) ?? '4000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`port ${JSON.stringify(portText)} is invalid; expected an integer from 0 to 65535`);
  }
  let demo = false;
  const demoEnv = env.FLEETGRAPH_DEMO;
  if (demoEnv !== undefined && demoEnv !== '') {
    if (!['1', '0', 'true', 'false'].includes(demoEnv)) {
      throw new UsageError(
        `FLEETGRAPH_DEMO ${JSON.stringify(demoEnv)} is invalid; expected 1, 0, true or false`,
      );
    }
    demo = demoEnv === '1' || demoEnv === 'true';
  }
  if (values.demo && values['no-demo']) throw new UsageError('--demo and --no-demo contradict each other');
  if (values.demo) demo = true;
  if (values['no-demo']) demo = false;
  const logLevel = flagOrEnv(values['log-level'], env.FLEETGRAPH_LOG_LEVEL) ?? 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
    throw new UsageError(
      `log level ${JSON.stringify(logLevel)} is invalid; expected trace, debug, info, warn, error, fatal or silent`,
    );
  }
  const eventRetention = positiveInt(
    flagOrEnv(values['event-retention'], env.FLEETGRAPH_EVENT_RETENTION) ?? '100000',
    'event retention',
    1000,
  );
  const subscriberBuffer = positiveInt(
    flagOrEnv(values['subscriber-buffer'], env.FLEETGRAPH_SUBSCRIBER_BUFFER) ?? '1000',
    'subscriber buffer',
    10,
  );
  const clusterMaxRequests = positiveInt(
    flagOrEnv(values['cluster-max-requests'], env.FLEETGRAPH_CLUSTER_MAX_REQUESTS) ??
      String(DEFAULT_MAX_CONCURRENT_REQUESTS),
    'cluster max requests',
    1,
  );
  const unknownImagePlatforms =
    flagOrEnv(values['unknown-image-platforms'], env.FLEETGRAPH_UNKNOWN_IMAGE_PLATFORMS) ?? 'warn';
  if (unknownImagePlatforms !== 'warn' && unknownImagePlatforms !== 'refuse') {
    throw new UsageError(
      `unknown image platforms policy ${JSON.stringify(unknownImagePlatforms)} is invalid; expected warn or refuse`,
    );
  }
  const insecureRegistries = (
    flagOrEnv(values['insecure-registries'], env.FLEETGRAPH_INSECURE_REGISTRIES) ?? ''
  )
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const imageCatalogue = flagOrEnv(values['image-catalogue'], env.FLEETGRAPH_IMAGE_CATALOGUE);
  const kubeconfig = flagOrEnv(values.kubeconfig, env.FLEETGRAPH_KUBECONFIG);
  const site = flagOrEnv(values.site, env.FLEETGRAPH_SITE);
  const tokensFile = flagOrEnv(values['tokens-file'], env.FLEETGRAPH_TOKENS_FILE);
  const token = env.FLEETGRAPH_TOKEN;
  const backupStorage = flagOrEnv(values['backup-storage'], env.FLEETGRAPH_BACKUP_STORAGE);
  if (backupStorage !== undefined) {
    try {
      parseBackupStorageUrl(backupStorage);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return {
    host: flagOrEnv(values.host, env.FLEETGRAPH_HOST) ?? '127.0.0.1',
    port,
    dataDir: resolve(flagOrEnv(values['data-dir'], env.FLEETGRAPH_DATA_DIR) ?? '.fleetgraph'),
    demo,
    logLevel,
    eventRetention,
    subscriberBuffer,
    clusterMaxRequests,
    insecureRegistries,
    unknownImagePlatforms,
    ...(imageCatalogue !== undefined ? { imageCatalogue: resolve(imageCatalogue) } : {}),
    ...(kubeconfig !== undefined ? { kubeconfig: resolve(kubeconfig) } : {}),
    ...(site !== undefined ? { site } : {}),
    ...(tokensFile !== undefined ? { tokensFile: resolve(tokensFile) } : {}),
    ...(token !== undefined && token !== '' ? { token } : {}),
    ...(backupStorage !== undefined ? { backupStorage } : {}),
  };
}

function positiveInt(text: string, what: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(
      `${what} ${JSON.stringify(text)} is invalid; expected an integer of at least ${min}`,
    );
  }
  return n;
}

/** Entry point of `fleetgraph serve`; resolves with the exit code after shutdown. */
export async function runServeCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config: ServeConfig | 'help';
  try {
    config = parseServeConfig(argv, env);
  } catch (e) {
    process.stderr.write(`fleetgraph serve: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (config === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const logger = pino({ name: 'fleetgraph', level: config.logLevel });
  let running;
  try {
    const auth = new TokenAuth(
      await loadTokens({
        ...(config.token !== undefined ? { token: config.token } : {}),
        ...(config.tokensFile !== undefined ? { tokensFile: config.tokensFile } : {}),
      }),
    );
    const gateway = await openGateway(config, logger);
    try {
      running = await startHttpServer({ gateway, auth, logger, host: config.host, port: config.port });
    } catch (e) {
      await gateway.close();
      throw e;
    }
  } catch (e) {
    const message = isFleetError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    logger.fatal({ err: isFleetError(e) ? undefined : e }, `cannot start: ${message}`);
    process.stderr.write(`fleetgraph serve: ${message}\n`);
    return 1;
  }
  const server = running;
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      server.close().then(done, (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        done();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  logger.info('stopped');
  return 0;
}

/**
 * Opens the gateway services for a serve configuration. Its own function so that what it reads
 * (the kubeconfig text, a megabyte for 1,000 contexts) is not kept alive by the serve command,
 * which waits for a signal for as long as the server runs.
 */
async function openGateway(config: ServeConfig, logger: Logger): Promise<FleetGateway> {
  const kubeconfig =
    config.kubeconfig === undefined ? undefined : await kubeconfigFile(config.kubeconfig, config.site);
  return FleetGateway.open({
    dataDir: config.dataDir,
    logger,
    demo: config.demo ? {} : false,
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(config.backupStorage !== undefined ? { backupStorage: config.backupStorage } : {}),
    events: { log: { retainEvents: config.eventRetention }, subscriberBuffer: config.subscriberBuffer },
    connection: { client: { maxConcurrentRequests: config.clusterMaxRequests } },
    images: {
      insecureRegistries: config.insecureRegistries,
      unknownPolicy: config.unknownImagePlatforms,
      ...(config.imageCatalogue !== undefined
        ? {
            catalogue: parseImageCatalogue(
              await readFile(config.imageCatalogue, 'utf8'),
              config.imageCatalogue,
            ),
          }
        : {}),
    },
  });
}
