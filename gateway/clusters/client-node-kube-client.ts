/**
 * KubeClient over @kubernetes/client-node's KubeConfig: it supplies the TLS material and the
 * Authorization header (tokens, client certificates, exec plugins, auth providers), while
 * requests go out over ONE HTTP/2 connection per cluster when the server offers h2 (every
 * request and watch a stream on it, as client-go does), else through ONE keep-alive HTTP/1.1
 * agent per cluster (proxies, plain http:, servers without h2); under a per-cluster
 * concurrency limit, with a deadline each, and failing as typed ClusterRequestErrors.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '#client-node';
import { AbortFlag, type AbortSignalLike } from './abort-flag.js';
import { ClusterRequestError, errorFromStatus, isClusterRequestError, readStatus } from './cluster-errors.js';
import { hasDynamicCredentials, kubeConfigFor, type ConnectionCredentials } from './credentials.js';
import { Http2Connection, type Http2TlsOptions } from './http2-connection.js';
import {
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  type CallOptions,
  type KubeClient,
  type KubeClientOptions,
  type KubeClientStats,
  type KubeList,
  type KubeVersion,
  type Query,
  type WatchEvent,
  type WatchEventType,
  type WriteMethod,
  type WriteOptions,
} from './kube-client.js';
import { RequestLimit } from './request-limit.js';
import { readChunks, type ChunkHandler } from './stream-body.js';

const USER_AGENT = 'fleetgraph-gateway/0.1';
const WATCH_EVENT_TYPES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

type AbortWhy = 'timeout' | 'aborted' | 'closed' | 'duration' | 'idle';

/**
 * One call's abort flag with the reason it was aborted. An AbortController (about 1 KiB with
 * its signal and listeners, and a gateway keeps one per open watch) is made only for what needs
 * a real AbortSignal: the HTTP/1.1 path.
 */
class CallScope extends AbortFlag {
  why: AbortWhy | undefined;
  private controller: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort = () => this.stop('aborted');

  constructor(private readonly caller: AbortSignalLike | undefined) {
    super();
    if (caller?.aborted) this.stop('aborted');
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** A real AbortSignal that aborts with the scope (made on first use). */
  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      if (this.aborted) controller.abort(this.reason);
      else this.addEventListener('abort', () => controller.abort(this.reason));
    }
    return this.controller.signal;
  }

  /** Aborts the call, saying why (the first reason wins). */
  stop(why: AbortWhy): void {
    if (this.why !== undefined) return;
    this.why = why;
    this.abort();
  }

  /** Aborts with `why` after ms (the call's deadline; one per scope). */
  after(ms: number, why: AbortWhy): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.stop(why), ms);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}

interface Transport {
  tls: Http2TlsOptions;
  headers: Record<string, string>;
}

/** An answer over either protocol. */
interface KubeResponse {
  status: number;
  /**
   * Reads the body chunk by chunk: resolves true at its end, false when onChunk stopped it;
   * rejects with what onChunk threw, or when the connection breaks mid-body.
   */
  read(onChunk: ChunkHandler): Promise<boolean>;
  destroy(): void;
}

/** Longest timer Node accepts, in ms (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The KubeClient over client-node; create it with createKubeClient. */
export class ClientNodeKubeClient implements KubeClient {
  /** Built on first use; dropped once static credentials have given their headers. */
  private kc: KubeConfig | undefined;
  private readonly server: URL;
  private readonly limit: RequestLimit;
  private readonly requestTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly watchGraceMs: number;
  private readonly watchIdleTimeoutMs: number;
  private readonly dynamicCredentials: boolean;
  private readonly active = new Set<CallScope>();
  /** The HTTP/1.1 agent, made when HTTP/1.1 is first used: most clusters speak HTTP/2. */
  private agent: http.Agent | undefined;
  /** client-node's agent of a proxied cluster, from its first credentials. */
  private proxyAgent: http.Agent | undefined;
  /** TLS material from the first credentials; undefined before them. */
  private tls: Http2TlsOptions | undefined;
  /** Set while the server is believed to speak HTTP/2; undefined once it turned out not to. */
  private http2: Http2Connection | undefined;
  /** What every request uses when the credentials are static (no exec plugin, no auth provider). */
  private staticTransport: Transport | undefined;
  private watchCount = 0;
  private lastContactAt: number | null = null;
  private closed = false;

  constructor(
    readonly cluster: string,
    private readonly credentials: ConnectionCredentials,
    private readonly options: KubeClientOptions,
  ) {
    this.server = new URL(credentials.server);
    this.limit = new RequestLimit(options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
    this.watchGraceMs = options.watchGraceMs ?? 15_000;
    this.watchIdleTimeoutMs = options.watchIdleTimeoutMs ?? 180_000;
    this.dynamicCredentials = hasDynamicCredentials(credentials);
    // HTTP/2 goes straight to the server over TLS: not through proxies, not over plain http:.
    if (options.http2 !== false && this.server.protocol === 'https:' && !credentials.proxyUrl)
      this.http2 = new Http2Connection(this.server, options.http2Connection);
  }

  async get(path: string, query: Query = {}, opts: CallOptions = {}): Promise<unknown> {
    return this.call(path, query, opts);
  }

  async list(path: string, query: Query = {}, opts: CallOptions = {}): Promise<KubeList> {
    const body = await this.call(path, query, opts);
    const o = asRecord(body);
    const items = o?.['items'];
    const meta = asRecord(o?.['metadata']);
    if (!o || !Array.isArray(items)) throw invalidResponse(`GET ${path}`, 'a list without items');
    const rv = meta?.['resourceVersion'];
    const cont = meta?.['continue'];
    return {
      items,
      resourceVersion: typeof rv === 'string' ? rv : '',
      continueToken: typeof cont === 'string' && cont !== '' ? cont : undefined,
    };
  }

  async ping(opts: CallOptions = {}): Promise<boolean> {
    const h2 = this.http2;
    if (!h2 || this.closed) return false;
    try {
      if ((await h2.ping(opts.timeoutMs ?? this.requestTimeoutMs)) !== true) return false;
    } catch (e) {
      const errno = (e as { code?: unknown }).code === 'ETIMEDOUT' ? 'ETIMEDOUT' : undefined;
      throw new ClusterRequestError(
        errno ? 'timeout' : 'unreachable',
        `PING: ${errno ? `no answer from cluster ${this.cluster} in time` : e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
    this.contact();
    return true;
  }

  async version(opts: CallOptions = {}): Promise<KubeVersion> {
    const o = asRecord(await this.call('/version', {}, opts));
    const str = (k: string): string | undefined =>
      typeof o?.[k] === 'string' ? (o[k] as string) : undefined;
    const gitVersion = str('gitVersion');
    if (gitVersion === undefined) throw invalidResponse('GET /version', 'no gitVersion');
    return { gitVersion, major: str('major') ?? '', minor: str('minor') ?? '', platform: str('platform') };
  }

  async watch(
    path: string,
    query: Query,
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignalLike,
    onOpen?: () => void,
  ): Promise<void> {
    const what = `watch ${path}`;
    const scope = this.open(signal);
    this.watchCount += 1;
    let callbackError: { error: unknown } | undefined;
    let res: KubeResponse | undefined;
    // Until the server answers, the connect deadline runs. Besides, ONE timer per watch (a
    // gateway holds thousands of watches) ends it at timeoutSeconds plus the grace period and,
    // once it is open, when it has been silent too long.
    const connectTimer = setTimeout(() => scope.stop('timeout'), this.requestTimeoutMs);
    const timeoutSeconds = Number(query['timeoutSeconds'] ?? 0);
    const endAt = timeoutSeconds > 0 ? Date.now() + timeoutSeconds * 1000 + this.watchGraceMs : Infinity;
    /** When data last came, 0 while the watch is not open. */
    let lastData = 0;
    let watchTimer: NodeJS.Timeout | undefined;
    const checkTimes = (): void => {
      const now = Date.now();
      if (now >= endAt) return scope.stop('duration');
      // A silent stream (no event, no bookmark) may be a dead connection: end it, the caller resumes.
      if (lastData > 0 && now - lastData > this.watchIdleTimeoutMs) return scope.stop('idle');
      const due = Math.min(endAt, lastData > 0 ? lastData + this.watchIdleTimeoutMs + 1 : Infinity);
      watchTimer =
        due === Infinity ? undefined : setTimeout(checkTimes, Math.min(MAX_TIMER_MS, Math.max(1, due - now)));
    };
    checkTimes();
    try {
      const transport = await this.transport(scope);
      res = await this.send(this.url(path, { ...query, watch: true }), transport, scope);
      clearTimeout(connectTimer);
      if (res.status !== 200) throw await this.errorResponse(what, res);
      try {
        onOpen?.();
      } catch (e) {
        callbackError = { error: e };
        res.destroy();
      }
      if (!callbackError) {
        lastData = Date.now();
        clearTimeout(watchTimer);
        checkTimes();
        // Lines are split on the newline byte, which never occurs inside a UTF-8 sequence; an
        // incomplete line waits, copied, for the next chunk.
        let partial: Buffer | undefined;
        await res.read((chunk) => {
          this.contact();
          lastData = Date.now();
          const data = partial ? Buffer.concat([partial, chunk]) : chunk;
          partial = undefined;
          let start = 0;
          for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) {
            const line = data.toString('utf8', start, nl).trim();
            start = nl + 1;
            if (line === '') continue;
            const event = parseWatchLine(what, line);
            try {
              onEvent(event);
            } catch (e) {
              callbackError = { error: e };
              return false;
            }
          }
          if (start < data.length) {
            if (data.length - start > this.maxResponseBytes)
              throw invalidResponse(what, 'a watch event over the size limit');
            // A copy of its own: a slice would keep the whole read buffer of the connection alive.
            partial = Buffer.allocUnsafeSlow(data.length - start);
            data.copy(partial, 0, start);
          }
          return true;
        });
      }
    } catch (e) {
      if (scope.why === 'duration' || scope.why === 'idle') return;
      throw this.classify(e, what, scope);
    } finally {
      // A watch left early (a throwing callback) still holds its stream: cancel it.
      res?.destroy();
      clearTimeout(connectTimer);
      clearTimeout(watchTimer);
      this.watchCount -= 1;
      this.close1(scope);
    }
    // A throwing callback is the caller's bug, not the cluster's: hand it back unchanged.
    if (callbackError) throw callbackError.error;
  }

  stats(): KubeClientStats {
    return { ...this.limit.stats(), watches: this.watchCount, lastContactAt: this.lastContactAt };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const scope of [...this.active]) scope.stop('closed');
    (this.agent ?? this.proxyAgent)?.destroy();
    this.http2?.close();
  }

  async write(method: WriteMethod, path: string, body: unknown, opts: WriteOptions = {}): Promise<unknown> {
    const payload =
      body === undefined
        ? undefined
        : {
            bytes: Buffer.from(JSON.stringify(body), 'utf8'),
            contentType: opts.contentType ?? 'application/json',
          };
    return this.call(path, opts.query ?? {}, opts, method, payload);
  }

  /** A request under the limit and the deadline; resolves with parsed JSON. */
  private async call(
    path: string,
    query: Query,
    opts: CallOptions,
    method = 'GET',
    payload?: { bytes: Buffer; contentType: string },
  ): Promise<unknown> {
    const what = `${method} ${path}`;
    const scope = this.open(opts.signal);
    scope.after(opts.timeoutMs ?? this.requestTimeoutMs, 'timeout');
    let release: (() => void) | undefined;
    try {
      release = await this.limit.acquire(scope);
      const transport = await this.transport(scope);
      const res = await this.send(this.url(path, query), transport, scope, method, payload);
      if (res.status >= 400) throw await this.errorResponse(what, res);
      const text = await this.readBody(what, res);
      if (text === '' && method !== 'GET') return null;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw invalidResponse(what, 'a body that is not JSON', res.status);
      }
    } catch (e) {
      throw this.classify(e, what, scope);
    } finally {
      release?.();
      this.close1(scope);
    }
  }

  private open(caller: AbortSignalLike | undefined): CallScope {
    const scope = new CallScope(caller);
    if (this.closed) scope.stop('closed');
    this.active.add(scope);
    return scope;
  }

  private close1(scope: CallScope): void {
    scope.dispose();
    this.active.delete(scope);
  }

  /** Headers and TLS material; runs exec plugins and auth providers when they are used. */
  private async transport(scope: CallScope): Promise<Transport> {
    if (this.staticTransport) return this.staticTransport;
    const opts: https.RequestOptions = {};
    const kc = (this.kc ??= kubeConfigFor(this.cluster, this.credentials));
    try {
      await kc.applyToHTTPSOptions(opts);
    } catch (e) {
      if (scope.why !== undefined) throw e;
      throw new ClusterRequestError(
        'credentials',
        `could not obtain credentials for cluster ${this.cluster}: ${e instanceof Error ? e.name : 'error'}`,
        { cause: e },
      );
    }
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': USER_AGENT };
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (typeof v === 'string' || typeof v === 'number') headers[k] = String(v);
    }
    if (typeof opts.auth === 'string')
      headers['Authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    if (!this.tls) {
      this.tls = tlsOptionsOf(opts);
      if (this.credentials.proxyUrl && opts.agent instanceof http.Agent) this.proxyAgent = opts.agent;
    }
    const transport: Transport = { tls: this.tls, headers };
    if (!this.dynamicCredentials) {
      this.staticTransport = transport;
      this.kc = undefined; // static credentials are read once
    }
    return transport;
  }

  /** The keep-alive agent with the cluster's CA and client certificate (client-node's own for proxies). */
  private httpAgent(): http.Agent {
    if (this.agent) return this.agent;
    const common = { keepAlive: true, keepAliveMsecs: 30_000, scheduling: 'lifo' as const };
    this.agent =
      this.proxyAgent ??
      (this.server.protocol === 'http:'
        ? new http.Agent(common)
        : new https.Agent({ ...common, ...this.tls }));
    return this.agent;
  }

  private url(path: string, query: Query): URL {
    const url = new URL(this.server.href.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** A request over HTTP/2 while the server speaks it, else over the HTTP/1.1 agent. */
  private async send(
    url: URL,
    t: Transport,
    scope: CallScope,
    method = 'GET',
    payload?: { bytes: Buffer; contentType: string },
  ): Promise<KubeResponse> {
    const h2 = this.http2;
    const headers = payload ? { ...t.headers, 'Content-Type': payload.contentType } : t.headers;
    if (h2) {
      const res = await h2.request(method, url.pathname + url.search, headers, t.tls, scope, payload?.bytes);
      if (res) {
        this.contact();
        return res;
      }
      // ALPN chose http/1.1: this server does not speak HTTP/2, stay on the agent.
      if (this.http2 === h2) this.http2 = undefined;
    }
    return this.sendHttp1(url, { ...t, headers }, scope.signal, method, payload?.bytes);
  }

  private sendHttp1(
    url: URL,
    t: Transport,
    signal: AbortSignal,
    method: string,
    body: Buffer | undefined,
  ): Promise<KubeResponse> {
    const request = url.protocol === 'http:' ? http.request : https.request;
    return new Promise((resolve, reject) => {
      const agent = this.httpAgent();
      const req = request(url, { method, agent, headers: t.headers, signal }, (res) => {
        this.contact();
        resolve({
          status: res.statusCode ?? 0,
          read: (onChunk) => readChunks(res, onChunk),
          destroy: () => res.destroy(),
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  private async readBody(what: string, res: KubeResponse): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    await res.read((chunk) => {
      size += chunk.length;
      if (size > this.maxResponseBytes) {
        res.destroy();
        throw invalidResponse(what, `a body over ${this.maxResponseBytes} bytes`, res.status);
      }
      chunks.push(chunk);
    });
    return Buffer.concat(chunks).toString('utf8');
  }

  private async errorResponse(what: string, res: KubeResponse): Promise<ClusterRequestError> {
    const status = res.status;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await this.readBody(what, res)) as unknown;
    } catch (e) {
      if (isClusterRequestError(e)) return e;
      parsed = undefined; // a non-JSON error body (proxy page): the status says enough
    }
    return errorFromStatus(what, status, readStatus(parsed));
  }

  /** Turns whatever a call threw into a ClusterRequestError. */
  private classify(e: unknown, what: string, scope: CallScope): ClusterRequestError {
    switch (scope.why) {
      case 'timeout':
        return new ClusterRequestError('timeout', `${what}: no answer from cluster ${this.cluster} in time`, {
          cause: e,
        });
      case 'aborted':
      case 'closed':
      case 'duration':
      case 'idle':
        return new ClusterRequestError('aborted', `${what}: aborted`, { cause: e });
      case undefined:
        break;
    }
    if (isClusterRequestError(e)) return e;
    const errno =
      typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
    // Node reports a stream the server cut off as "aborted" (ECONNRESET): say what happened.
    const text = errno === 'ECONNRESET' ? 'connection reset' : e instanceof Error ? e.message : String(e);
    return new ClusterRequestError('unreachable', `${what}: ${text}`, {
      cause: e,
      ...(errno !== undefined ? { errno } : {}),
    });
  }

  private contact(): void {
    const now = Date.now();
    this.lastContactAt = now;
    this.options.onContact?.(now);
  }
}

/** The TLS part of client-node's request options, for the agent and the HTTP/2 connection. */
function tlsOptionsOf(opts: https.RequestOptions): Http2TlsOptions {
  const tls: Http2TlsOptions = {};
  if (opts.ca !== undefined) tls.ca = opts.ca;
  if (opts.cert !== undefined) tls.cert = opts.cert;
  if (opts.key !== undefined) tls.key = opts.key;
  if (opts.rejectUnauthorized !== undefined) tls.rejectUnauthorized = opts.rejectUnauthorized;
  if (opts.servername !== undefined) tls.servername = opts.servername;
  return tls;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function invalidResponse(what: string, got: string, status?: number): ClusterRequestError {
  return new ClusterRequestError('http', `${what}: the cluster sent ${got}`, {
    reason: 'InvalidResponse',
    ...(status !== undefined ? { status } : {}),
  });
}

/** Parses one line of a watch stream; an ERROR event becomes the thrown typed error. */
function parseWatchLine(what: string, line: string): WatchEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line) as unknown;
  } catch {
    throw invalidResponse(what, 'a watch line that is not JSON');
  }
  const o = asRecord(parsed);
  const type = o?.['type'];
  const object = asRecord(o?.['object']);
  if (typeof type !== 'string' || !WATCH_EVENT_TYPES.has(type) || !object) {
    throw invalidResponse(what, 'a watch event without type or object');
  }
  if (type === 'ERROR') {
    const status = readStatus(object);
    throw errorFromStatus(what, status?.code ?? 500, status);
  }
  return { type: type as WatchEventType, object };
}
