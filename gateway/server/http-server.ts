/**
 * The gateway's HTTP server: GraphQL over HTTP (Apollo Server 5 via Express 5) and WebSocket
 * (graphql-ws) on one path, /healthz and /readyz, the offline GraphiQL page at /, and in demo
 * mode the simulator's admin API under /_sim. Graceful close: stop accepting, drain, close
 * sockets, then the services.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { isLoopback } from '../../sim/http-util.js';
import { isFleetError, validationFailed } from '../errors.js';
import type { GatewayContext } from '../graphql/context.js';
import { createErrorFormatter, formatFleetError } from '../graphql/format-error.js';
import { DEFAULT_LIMITS, limitRules, type QueryLimits } from '../graphql/limits.js';
import { buildSchema } from '../graphql/schema.js';
import type { FleetGateway } from '../service/fleet-gateway.js';
import { ErrorCode } from '../vocabulary.js';
import type { TokenAuth } from './auth.js';
import { attachGraphqlWs } from './graphql-ws.js';
import { landingPageRouter } from './landing-page.js';

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  gateway: FleetGateway;
  auth: TokenAuth;
  logger: Logger;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 4000 */
  port?: number;
  limits?: QueryLimits;
  /** /readyz answers ready at the latest this long after start, in ms. @default 30000 */
  readyGraceMs?: number;
}

/** A running server. */
export interface RunningServer {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  server: Server;
  /** Stops accepting, drains requests, closes sockets and the gateway's services. */
  close(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';

/** Starts the server; refuses a non-loopback host without API tokens. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { gateway, auth, logger } = options;
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !auth.required) {
    throw validationFailed(
      `listening on ${host} (not loopback) requires an API token: set FLEETGRAPH_TOKEN or --tokens-file, or listen on 127.0.0.1`,
      { host },
    );
  }
  const startedAt = Date.now();
  const readyGraceMs = options.readyGraceMs ?? 30_000;
  const rules = limitRules(options.limits ?? DEFAULT_LIMITS);
  const formatter = createErrorFormatter(logger);
  const formatError = (formatted: Parameters<typeof formatter>[0], error: unknown) =>
    formatter(formatted, error, randomUUID());

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const schema = buildSchema();

  const problemsPlugin: ApolloServerPlugin<GatewayContext> = {
    requestDidStart: async () => ({
      willSendResponse: async ({ contextValue, response }) => {
        if (contextValue.problems.length === 0 || response.body.kind !== 'single') return;
        const extra = contextValue.problems.map((p) => formatFleetError(p.error, { path: [...p.path] }));
        response.body.singleResult.errors = [...(response.body.singleResult.errors ?? []), ...extra];
      },
    }),
  };
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    validationRules: rules,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      problemsPlugin,
    ],
  });
  await apollo.start();

  const authenticate = (req: Request, res: Response, next: NextFunction): void => {
    try {
      res.locals.actor = auth.authenticate(req.headers.authorization);
      next();
    } catch (e) {
      const body = isFleetError(e)
        ? formatFleetError(e)
        : { message: 'unauthenticated', extensions: { code: ErrorCode.UNAUTHENTICATED } };
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer')
        .json({ errors: [body] });
    }
  };

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const s = gateway.settledClusters();
    const ready = s.pending === 0 || Date.now() - startedAt > readyGraceMs;
    res.status(ready ? 200 : 503).json({ ready, clusters: s.total, pending: s.pending, byState: s.byState });
  });
  if (gateway.demoFleet) {
    // Loaded in demo mode only: a gateway over real clusters does not load the simulator.
    const { createAdminHandler } = await import('../../sim/admin.js');
    const admin = createAdminHandler(gateway.demoFleet, { prefix: '/_sim' });
    app.use('/_sim', authenticate, (req, res, next) => {
      req.url = req.originalUrl;
      admin(req, res).then(
        (handled) => (handled ? undefined : next()),
        (e: unknown) => next(e),
      );
    });
  }
  app.use(
    GRAPHQL_PATH,
    authenticate,
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ res }): Promise<GatewayContext> => ({
        gateway,
        actor: String(res.locals.actor),
        requestId: randomUUID(),
        live: gateway.reads.liveReader(),
        problems: [],
      }),
    }),
  );
  app.use(landingPageRouter());
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = (err as { status?: unknown }).status;
    if (status === 413) {
      res.status(413).json({
        errors: [
          {
            message:
              'request body too large; requests may carry at most 1 MB (use variables and smaller pages)',
            extensions: { code: ErrorCode.LIMIT_EXCEEDED },
          },
        ],
      });
      return;
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({
        errors: [
          {
            message: `bad request: ${(err as Error).message}; expected a JSON GraphQL request`,
            extensions: { code: ErrorCode.VALIDATION_FAILED },
          },
        ],
      });
      return;
    }
    logger.error({ err }, 'HTTP request failed');
    res.status(500).json({
      errors: [
        {
          message: 'internal error; details are in the gateway log',
          extensions: { code: ErrorCode.INTERNAL },
        },
      ],
    });
  });

  const closeWs = attachGraphqlWs({
    server: httpServer,
    path: GRAPHQL_PATH,
    schema,
    gateway,
    auth,
    rules,
    formatError,
    maxSubscriptions:
      options.limits?.maxSubscriptionsPerConnection ?? DEFAULT_LIMITS.maxSubscriptionsPerConnection ?? 100,
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 4000, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info(
    { url, graphql: `${url}${GRAPHQL_PATH}`, auth: auth.required ? 'token' : 'loopback only' },
    'fleetgraph gateway listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    server: httpServer,
    close: () =>
      (closing ??= (async () => {
        await closeWs();
        await apollo.stop();
        await gateway.close();
      })()),
  };
}
