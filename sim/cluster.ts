import {
  constants as http2Constants,
  createSecureServer,
  Http2ServerRequest,
  type Http2SecureServer,
} from 'node:http2';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { createApiHandler, type OpenWatch } from './api-handler.js';
import { ClusterControllers, type ImageCatalog } from './controllers/index.js';
import { sendError, type ApiRequest, type ApiResponse } from './http-util.js';
import {
  applyFaultRequest,
  faultRequestSchema,
  healthyFaults,
  judgeRequest,
  type FaultRequest,
  type FaultState,
} from './faults.js';
import { isJsonObject, type KubeObject } from './k8s-types.js';
import { Registry } from './registry.js';
import type { ClusterSpec } from './scenario.js';
import { ObjectStore } from './store.js';
import type { ClusterCredentials } from './tls.js';
import { TypeCatalog } from './type-catalog.js';

/** One line of a cluster's request log. */
export interface RequestLogEntry {
  time: string;
  method: string;
  /** Path and query as sent. */
  path: string;
  contentType: string | undefined;
  accept: string | undefined;
  userAgent: string | undefined;
  /** '2.0' when the client negotiated HTTP/2, '1.1' otherwise. */
  httpVersion: string;
  /** HTTP status answered (undefined while a watch streams, or when the connection was dropped). */
  status: number | undefined;
}

/** Options of one simulated cluster. */
export interface SimClusterOptions {
  spec: ClusterSpec;
  credentials: ClusterCredentials;
  images: ImageCatalog;
  /** Multiplies controller delays; 1 = real time. @default 1 */
  timeScale?: number;
  /** Address to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Request log entries kept. @default 2000 */
  requestLogLimit?: number;
  /** Position of the cluster in its fleet; keeps node IPs distinct across clusters. */
  clusterIndex?: number;
  /** Store history bounds (watch resume window). */
  historyLimit?: number;
  /** How often BOOKMARKs go to watches that allow them, in ms (× timeScale). @default 60000 */
  bookmarkIntervalMs?: number;
}

/**
 * One simulated Kubernetes cluster: its own port, CA, token, datastore, controllers and
 * faults. Connections arrive on a plain TCP listener so faults can act below TLS: "down"
 * closes the listener (connection refused), "blackhole" accepts and never answers. Like
 * kube-apiserver, it speaks HTTP/2 to clients that offer it in ALPN (kubectl, client-go)
 * and HTTP/1.1 to the others, on the same port.
 */
export class SimCluster {
  readonly name: string;
  readonly spec: ClusterSpec;
  readonly credentials: ClusterCredentials;
  readonly store: ObjectStore;
  readonly catalog: TypeCatalog;
  readonly registry: Registry;
  controllers: ClusterControllers;
  private faultState: FaultState = healthyFaults();
  private readonly log: RequestLogEntry[] = [];
  private readonly logLimit: number;
  private readonly watches = new Set<OpenWatch>();
  private readonly sockets = new Set<Socket>();
  private readonly heldSockets = new Set<Socket>();
  private readonly heldRequests: (() => void)[] = [];
  private readonly tcp: NetServer;
  private readonly handler: (req: ApiRequest, res: ApiResponse) => Promise<void>;
  private httpsServer: Http2SecureServer | undefined;
  private listening = false;
  private boundPort = 0;
  private readonly host: string;
  private readonly timeScale: number;
  private readonly images: ImageCatalog;

  constructor(private readonly options: SimClusterOptions) {
    this.name = options.spec.name;
    this.spec = options.spec;
    this.credentials = options.credentials;
    this.host = options.host ?? '127.0.0.1';
    this.timeScale = options.timeScale ?? 1;
    this.images = options.images;
    this.logLimit = options.requestLogLimit ?? 2000;
    this.store = new ObjectStore(
      options.historyLimit !== undefined ? { historyLimit: options.historyLimit } : {},
    );
    this.catalog = new TypeCatalog();
    this.registry = new Registry(this.store, this.catalog, {
      beforeCreate: (type, obj) => (type.kind === 'Service' ? this.allocateClusterIP(obj) : obj),
      gracefulDelete: (type, obj, opts) => this.controllers.gracefulDelete(type, obj, opts),
    });
    this.controllers = this.newControllers();
    const handler = createApiHandler({
      token: this.credentials.token,
      gitVersion: this.spec.kubernetesVersion,
      platform: `linux/${this.primaryArchitecture()}`,
      serverAddress: () => `${this.host}:${this.boundPort}`,
      registry: this.registry,
      catalog: this.catalog,
      store: this.store,
      watchTiming: {
        bookmarkIntervalMs: (options.bookmarkIntervalMs ?? 60_000) * this.timeScale,
        timeScale: 1,
      },
      trackWatch: (w) => {
        this.watches.add(w);
        if (this.faultState.offline === 'blackhole') w.setPaused(true);
      },
      untrackWatch: (w) => this.watches.delete(w),
      podLog: (pod, container) => this.controllers.podLog(pod, container),
    });
    this.handler = handler;
    this.tcp = createNetServer({ pauseOnConnect: false }, (socket) => this.onConnection(socket));
  }

  /**
   * The TLS/HTTP server, built on the first call. ALPN picks h2 or http/1.1; both reach the
   * same handler through node:http2's compatibility API. start() builds it, as a
   * kube-apiserver loads its serving certificate before it accepts connections: parsing the key and certificate into a TLS
   * context costs about 2 ms of CPU, which a client's first connections should not wait for
   * (1,000 clusters built on first connection took 2.3 s of the simulator's CPU while a
   * gateway was syncing with them on the same two cores).
   */
  private https(): Http2SecureServer {
    if (!this.httpsServer) {
      const server = createSecureServer(
        {
          cert: this.credentials.serverCertPem,
          key: this.credentials.serverKeyPem,
          allowHTTP1: true,
          // kube-apiserver's --http2-max-streams-per-connection default.
          settings: { maxConcurrentStreams: 1000 },
        },
        (req, res) => this.onRequest(req, res, this.handler),
      );
      // The HTTP/1.1 side reads these from the server, as an https.Server would; watches are
      // long requests, so no request timeout.
      Object.assign(server, { keepAliveTimeout: 65_000, headersTimeout: 60_000, requestTimeout: 0 });
      this.httpsServer = server;
    }
    return this.httpsServer;
  }

  /** The kube server URL of this cluster. */
  get server(): string {
    return `https://${this.host === '0.0.0.0' ? '127.0.0.1' : this.host}:${this.boundPort}`;
  }

  /** The port the cluster listens on (stable across down/up). */
  get port(): number {
    return this.boundPort;
  }

  /** TCP connections open to the cluster now (HTTP/2 multiplexes a client's calls over one). */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Architectures of the cluster's node pools. */
  architectures(): string[] {
    return [...new Set(this.spec.nodes.map((n) => n.architecture))].sort();
  }

  /** Current standing faults (a copy). */
  get faults(): FaultState {
    return { ...this.faultState, errors: this.faultState.errors ? { ...this.faultState.errors } : undefined };
  }

  /** Writes the cluster's initial objects and starts controllers and the listener. */
  async start(): Promise<void> {
    this.controllers.bootstrap({ etcdSnapshots: true });
    this.controllers.start();
    this.https(); // builds the TLS server before the listener opens
    await this.listen(this.options.port ?? 0);
  }

  /** Stops everything; the cluster can't be restarted. */
  async stop(): Promise<void> {
    this.controllers.stop();
    for (const w of [...this.watches]) w.close();
    this.faultState = healthyFaults();
    this.heldRequests.length = 0;
    await this.closeListener();
    this.httpsServer?.close();
  }

  /**
   * Applies a fault request (validated like the admin API does). Throws a ZodError
   * on bad input.
   */
  async setFaults(input: FaultRequest | unknown): Promise<FaultState> {
    const req = faultRequestSchema.parse(input);
    const before = this.faultState.offline;
    this.faultState = applyFaultRequest(this.faultState, req);
    const after = this.faultState.offline;
    if (req.compact) this.store.compact();
    if (req.cutWatches) for (const w of [...this.watches]) w.close();
    if (before !== after) {
      if (after === 'down') {
        this.releaseHeld();
        await this.closeListener();
      } else if (before === 'down') await this.listen(this.boundPort);
      if (after === 'blackhole') {
        for (const w of this.watches) w.setPaused(true);
        for (const s of this.sockets) if (!this.heldSockets.has(s)) setReading(s, false);
      }
      if (before === 'blackhole') {
        for (const s of this.sockets) if (!this.heldSockets.has(s)) setReading(s, true);
        for (const w of this.watches) w.setPaused(false);
        this.releaseHeld();
      }
    }
    return this.faults;
  }

  /**
   * Loses the datastore, as when an edge node dies with its etcd: same endpoint, CA and
   * token, every object gone, revisions restarting; nodes re-register as rebooted kubelets.
   */
  wipe(): void {
    this.controllers.stop();
    // The rebuilt apiserver is a new process: every connection and watch drops.
    for (const w of [...this.watches]) w.close();
    for (const s of this.sockets) s.destroy();
    this.store.wipe();
    this.catalog.reset();
    this.serviceIPs = 1;
    this.controllers = this.newControllers({ workloads: [] });
    this.controllers.bootstrap();
    this.controllers.start();
  }

  /** The request log, oldest first. */
  requests(): RequestLogEntry[] {
    return [...this.log];
  }

  /** Empties the request log. */
  clearRequests(): void {
    this.log.length = 0;
  }

  private newControllers(specOverride: Partial<ClusterSpec> = {}): ClusterControllers {
    return new ClusterControllers({
      clusterName: this.name,
      spec: { ...this.spec, ...specOverride },
      registry: this.registry,
      catalog: this.catalog,
      store: this.store,
      images: this.images,
      caCertPem: this.credentials.caCertPem,
      timeScale: this.timeScale,
      now: () => new Date(),
      ...(this.options.clusterIndex !== undefined ? { clusterIndex: this.options.clusterIndex } : {}),
    });
  }

  private primaryArchitecture(): string {
    return (
      this.spec.nodes.find((n) => n.role === 'control-plane')?.architecture ??
      this.spec.nodes[0]?.architecture ??
      'amd64'
    );
  }

  private serviceIPs = 1;
  private allocateClusterIP(obj: KubeObject): KubeObject {
    const spec = isJsonObject(obj['spec']) ? obj['spec'] : {};
    if (spec['clusterIP'] !== undefined && spec['clusterIP'] !== '') return obj;
    if (spec['type'] === 'ExternalName') return obj;
    const base = this.spec.distro === 'k3s' ? '10.43' : '10.96';
    const n = ++this.serviceIPs;
    const ip = `${base}.${Math.floor(n / 250)}.${(n % 250) + 1}`;
    return { ...obj, spec: { ...spec, clusterIP: ip, clusterIPs: [ip] } };
  }

  private onConnection(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.heldSockets.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    if (this.faultState.offline === 'blackhole') {
      // Accept and say nothing: the client's TLS handshake never completes.
      this.heldSockets.add(socket);
      return;
    }
    this.https().emit('connection', socket);
  }

  private onRequest(
    req: ApiRequest,
    res: ApiResponse,
    handler: (req: ApiRequest, res: ApiResponse) => Promise<void>,
  ): void {
    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
      userAgent: req.headers['user-agent'],
      httpVersion: req.httpVersion,
      status: undefined,
    };
    this.log.push(entry);
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
    // A request the flaky fault dropped keeps status undefined (its stream may still 'finish').
    let dropped = false;
    res.on('finish', () => {
      if (!dropped) entry.status = res.statusCode;
    });
    const run = () => {
      const verdict = judgeRequest(this.faultState, new URL(req.url ?? '/', 'https://x').pathname);
      switch (verdict.action) {
        case 'hold':
          this.heldRequests.push(run);
          return;
        case 'reset':
          dropped = true;
          // HTTP/2 multiplexes every call of a client on one connection: reset this request's
          // stream (RST_STREAM), as a failing proxy or apiserver would, not all of them.
          if (req instanceof Http2ServerRequest) req.stream.close(http2Constants.NGHTTP2_INTERNAL_ERROR);
          else req.socket.destroy();
          return;
        case 'fail':
          return void delay(verdict.delayMs).then(() => sendError(res, verdict.error));
        case 'proceed':
          if (verdict.delayMs > 0) return void delay(verdict.delayMs).then(() => handler(req, res));
          return void handler(req, res);
      }
    };
    run();
  }

  private releaseHeld(): void {
    for (const s of this.heldSockets) {
      this.heldSockets.delete(s);
      if (this.faultState.offline === 'down') s.destroy();
      else this.https().emit('connection', s);
    }
    const runs = this.heldRequests.splice(0);
    for (const r of runs) r();
  }

  private async listen(port: number): Promise<void> {
    if (this.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen({ host: this.host, port, exclusive: true }, () => {
        this.tcp.off('error', reject);
        resolve();
      });
    });
    this.listening = true;
    this.boundPort = (this.tcp.address() as AddressInfo).port;
  }

  /** Stops listening and resets every open connection (close() alone would wait for them). */
  private async closeListener(): Promise<void> {
    const closed = this.listening
      ? new Promise<void>((resolve) => this.tcp.close(() => resolve()))
      : Promise.resolve();
    this.listening = false;
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

/**
 * Stops or restarts reading an open connection at the TCP level, so that nothing the client
 * sends arrives (not a request, and not an HTTP/2 PING, which the HTTP/2 layer would otherwise
 * answer by itself): what a blackholed link looks like. socket.pause() cannot do this: TLS
 * and HTTP/2 read the TCP handle natively, below the JS stream, so this reaches for the handle.
 */
function setReading(socket: Socket, reading: boolean): void {
  const handle: unknown = (socket as { _handle?: unknown })._handle;
  if (!isReadableHandle(handle)) return;
  if (reading) handle.readStart();
  else handle.readStop();
}

function isReadableHandle(h: unknown): h is { readStart(): number; readStop(): number } {
  return (
    typeof h === 'object' &&
    h !== null &&
    typeof (h as { readStart?: unknown }).readStart === 'function' &&
    typeof (h as { readStop?: unknown }).readStop === 'function'
  );
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
