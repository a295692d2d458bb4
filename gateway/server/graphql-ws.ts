/**
 * GraphQL over WebSocket (graphql-ws) on the HTTP server's /graphql path: the same schema,
 * auth, validation rules (limits) and error formatting as HTTP, and the same per-cluster
 * problems appended to results. Subscriptions' `next` messages are written here, not by
 * graphql-ws (see directSink).
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import {
  GraphQLError,
  specifiedRules,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { isFleetError } from '../errors.js';
import { ErrorCode, isErrorCode } from '../vocabulary.js';
import type { GatewayContext } from '../graphql/context.js';
import { formatFleetError } from '../graphql/format-error.js';
import type { FleetGateway } from '../service/fleet-gateway.js';
import type { TokenAuth } from './auth.js';
import { coalesceWrites, EARLY_DONE_BYTES } from './coalesce-writes.js';
import { DocumentCache } from './document-cache.js';
import { RawPayload, rawPayloadReplacer, spliceRawPayloads } from './raw-payload.js';
import { createSharedSubscribe, type DirectSink } from './shared-execution.js';

/** graphql-ws close code for a failed authentication (the client does not retry it). */
const CLOSE_UNAUTHORIZED = 4401;

/** A parse or validation error as the API codes it (limit rules bring their own code). */
function formatRequestError(e: GraphQLError): GraphQLFormattedError {
  const own = e.extensions.code;
  const syntax = e.message.startsWith('Syntax Error');
  return {
    ...e.toJSON(),
    extensions: isErrorCode(own)
      ? { code: own }
      : {
          code: ErrorCode.VALIDATION_FAILED,
          reason: syntax ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED',
        },
  };
}

/** Options of {@link attachGraphqlWs}. */
export interface GraphqlWsOptions {
  server: Server;
  path: string;
  schema: GraphQLSchema;
  gateway: FleetGateway;
  auth: TokenAuth;
  rules: readonly ValidationRule[];
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Most operations open at once on one socket; one more is refused with LIMIT_EXCEEDED. */
  maxSubscriptions: number;
}

/** Serves graphql-ws next to HTTP; returns a function that closes every socket. */
export function attachGraphqlWs(options: GraphqlWsOptions): () => Promise<void> {
  const wss = new WebSocketServer({ server: options.server, path: options.path, maxPayload: 1024 * 1024 });
  const rules = [...specifiedRules, ...options.rules];
  const documents = new DocumentCache(options.schema, rules);
  const format = (r: ExecutionResult, ctx: GatewayContext | undefined): FormattedExecutionResult => {
    const errors: GraphQLFormattedError[] = (r.errors ?? []).map((e) => options.formatError(e.toJSON(), e));
    for (const p of ctx?.problems ?? []) errors.push(formatFleetError(p.error, { path: [...p.path] }));
    return {
      ...(r.data !== undefined ? { data: r.data } : {}),
      ...(r.extensions !== undefined ? { extensions: r.extensions } : {}),
      ...(errors.length > 0 ? { errors } : {}),
    };
  };
  // Registered before graphql-ws's own listener: every socket splices raw payloads in, and
  // writes the messages of one tick at once.
  wss.on('connection', (socket, req) => {
    spliceRawPayloads(socket);
    coalesceWrites(socket, req.socket);
  });
  /** Serialised payloads of results shared by several subscribers (one serialisation each). */
  const serialised = new WeakMap<ExecutionResult, RawPayload>();
  /** The payload of a result, serialised once unless it carries the caller's own problems. */
  const payloadOf = (result: ExecutionResult, ctx: GatewayContext | undefined): RawPayload => {
    const own = (ctx?.problems.length ?? 0) > 0;
    let raw = own ? undefined : serialised.get(result);
    if (raw === undefined) {
      raw = new RawPayload(JSON.stringify(format(result, ctx)));
      if (!own) serialised.set(result, raw);
    }
    return raw;
  };
  /** Each operation's direct sink, by its context (see directSink). */
  const sinks = new WeakMap<object, DirectSink>();
  const disposable = useServer<Record<string, unknown>, { actor: string }>(
    {
      schema: options.schema,
      // One execution per event and selection, shared by the subscribers that select alike;
      // event-log subscriptions push their results straight to the socket.
      subscribe: createSharedSubscribe({
        sinkFor: (args) => (args.contextValue ? sinks.get(args.contextValue) : undefined),
      }),
      onConnect: (ctx) => {
        const params = ctx.connectionParams ?? {};
        const presented =
          typeof params.authorization === 'string'
            ? params.authorization
            : typeof params.token === 'string'
              ? params.token
              : undefined;
        try {
          ctx.extra.actor = options.auth.authenticate(presented);
          return true;
        } catch (e) {
          ctx.extra.socket.close(
            CLOSE_UNAUTHORIZED,
            isFleetError(e) ? e.message.slice(0, 120) : 'Unauthorized',
          );
          return false;
        }
      },
      context: (ctx, id): GatewayContext => {
        const context: GatewayContext = {
          gateway: options.gateway,
          actor: ctx.extra.actor ?? 'unknown',
          requestId: randomUUID(),
          live: options.gateway.reads.liveReader(),
          closeConnection: (code, reason) => ctx.extra.socket.close(code, reason),
          problems: [],
        };
        sinks.set(
          context,
          directSink(ctx.extra.socket, ctx.extra.request.socket, id, (r) => payloadOf(r, context)),
        );
        return context;
      },
      jsonMessageReplacer: rawPayloadReplacer,
      // The payload, serialised once per result: a shared execution's result is the same
      // object for every subscriber, and without per-caller problems it formats the same.
      // graphql-ws puts whatever onNext returns in the message; the replacer serialises it.
      onNext: (_ctx, _id, _payload, args, r) =>
        payloadOf(
          r as ExecutionResult,
          args.contextValue as GatewayContext | undefined,
        ) as unknown as FormattedExecutionResult,
      // Parses and validates (through the document cache), so graphql-ws does neither; errors
      // before execution (limits carry their own code) go to onError.
      onSubscribe: (ctx, _id, payload) => {
        // graphql-ws has registered this operation already when it calls onSubscribe.
        const open = Object.keys(ctx.subscriptions).length;
        if (open > options.maxSubscriptions) {
          return [
            new GraphQLError(
              `this connection has ${options.maxSubscriptions} operations open, the most allowed; complete one or open another connection`,
              { extensions: { code: ErrorCode.LIMIT_EXCEEDED, limit: options.maxSubscriptions } },
            ),
          ];
        }
        const parsed = documents.get(payload.query);
        if ('errors' in parsed) return parsed.errors;
        return {
          schema: options.schema,
          document: parsed.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
        };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map(formatRequestError),
    },
    wss,
  );
  return async () => {
    await disposable.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

/** Callbacks waiting for a socket to drain, with the one 'drain' listener they share. */
const drainWaiters = new WeakMap<Socket, Array<() => void>>();

/**
 * Sends one operation's `next` messages itself, as graphql-ws would write them (id, type,
 * payload), so an event-log subscription needs no awaited next() and send per event (see
 * shared-execution.ts). A send reports the connection full once its socket holds
 * {@link EARLY_DONE_BYTES} unwritten, as graphql-ws's sends then wait (coalesce-writes.ts):
 * the subscription's bounded buffer takes the events after it, and a subscriber too slow
 * for that buffer is cut off.
 */
function directSink(
  ws: WebSocket,
  socket: Socket,
  id: string,
  payloadOf: (result: ExecutionResult) => RawPayload,
): DirectSink {
  const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  return {
    send: (result) => {
      ws.send(`${head}${payloadOf(result).json}}`);
      return socket.writableLength < EARLY_DONE_BYTES;
    },
    whenReady: (callback) => {
      let waiting = drainWaiters.get(socket);
      if (waiting === undefined) {
        const list: Array<() => void> = [];
        waiting = list;
        drainWaiters.set(socket, list);
        socket.once('drain', () => {
          drainWaiters.delete(socket);
          for (const waiter of list) waiter();
        });
      }
      waiting.push(callback);
    },
  };
}
