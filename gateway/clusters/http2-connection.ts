/**
 * One multiplexed HTTP/2 connection to a cluster's apiserver, as client-go keeps one: every
 * request and watch of the cluster is a stream on it, so a cluster costs one TLS socket
 * instead of one per open watch. The protocol is negotiated through ALPN (h2, http/1.1);
 * when the server does not pick h2, `request` says so and the caller uses HTTP/1.1.
 *
 * A connection that dies (socket closed, GOAWAY, failed PING) is dropped and the next request
 * opens a new one. Like client-go's ReadIdleTimeout/PingTimeout, a connection that has read
 * nothing for `readIdleTimeoutMs` is PINGed, and closed when the PING goes unanswered for
 * `pingTimeoutMs`: a blackholed link then fails its streams within seconds instead of
 * leaving watches silent until their idle timeout.
 */
import {
  connect as connectHttp2,
  constants,
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type OutgoingHttpHeaders,
} from 'node:http2';
import { isIP } from 'node:net';
import { connect as connectTls, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { AbortSignalLike } from './abort-flag.js';
import { RequestLimit } from './request-limit.js';
import { readChunks, type ChunkHandler } from './stream-body.js';

/** TLS material of a connection (from the KubeConfig: CA, client certificate, verification). */
export type Http2TlsOptions = Pick<
  ConnectionOptions,
  'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'
>;

/** Options of an Http2Connection; durations in ms. */
export interface Http2ConnectionOptions {
  /** PING the connection when nothing was read on it for this long. @default 30000 */
  readIdleTimeoutMs?: number;
  /** Close the connection when a PING is not answered within this. @default 15000 */
  pingTimeoutMs?: number;
  /** Give up a TLS handshake after this long. @default 30000 */
  connectTimeoutMs?: number;
  /**
   * Receive window of each stream, in bytes: what the server may send ahead of the reader.
   * HTTP/2's 64 KiB default caps a list at ~1.3 MB/s over a 50 ms link; this allows ~5 MB/s.
   * @default 262144
   */
  streamWindowBytes?: number;
  /**
   * Receive window of the whole connection, in bytes: at most this much unread data is
   * buffered per cluster (1 GiB for 1,000 stalled clusters; client-go allows 1 GiB each).
   * @default 1048576
   */
  connectionWindowBytes?: number;
  /**
   * Bounds the TLS handshakes in progress, across clusters. @default one limit shared by the
   * process, of HANDSHAKES_AT_ONCE
   */
  handshakes?: RequestLimit;
}

/**
 * TLS handshakes in progress at once, process-wide by default. A gateway starting 1,000
 * connections would otherwise run 1,000 handshakes at once, all finishing late; in batches
 * the first clusters sync within a second and the heap grows less. Measured at 1,000
 * clusters (docs/benchmarks.md): half READY at 3.1 s instead of 6.6 s, all at 6.1 s instead
 * of 7.5 s, 60 MiB less RSS; 128 at once lands in between.
 */
export const HANDSHAKES_AT_ONCE = 32;
/** Longest a handshake holds its slot, in ms; see open(). */
const HANDSHAKE_SLOT_MS = 1000;
const SHARED_HANDSHAKES = new RequestLimit(HANDSHAKES_AT_ONCE);

/** An answer on a stream: its status and its body, which throws when the stream breaks. */
export interface Http2Response {
  status: number;
  /**
   * Reads the body chunk by chunk (readChunks): resolves true at its end, false when onChunk
   * stopped it; rejects when the stream is reset or the connection is lost mid-body.
   */
  read(onChunk: ChunkHandler): Promise<boolean>;
  /** Cancels the stream (RST_STREAM CANCEL). */
  destroy(): void;
}

/** Headers HTTP/2 forbids (RFC 9113 §8.2.2), and Host, which :authority replaces. */
const CONNECTION_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** The error a stream gets when its connection went away under it. */
export class Http2StreamLostError extends Error {
  readonly code: string;
  constructor(detail: string, code = 'ERR_HTTP2_STREAM_CANCEL') {
    super(`HTTP/2 connection lost: ${detail}`);
    this.name = 'Http2StreamLostError';
    this.code = code;
  }
}

/** The HTTP/2 connection of one cluster; see the module comment. */
export class Http2Connection {
  private session: ClientHttp2Session | undefined;
  private connecting: Promise<ClientHttp2Session | undefined> | undefined;
  /** Streams open per session (a replaced session's streams may still be finishing). */
  private readonly openStreams = new WeakMap<ClientHttp2Session, number>();
  private lastReadAt = 0;
  private closed = false;
  /** Aborted by close(): ends a wait for a handshake slot (only exists during that wait). */
  private slotWait: AbortController | undefined;
  private readonly readIdleTimeoutMs: number;
  private readonly pingTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly streamWindowBytes: number;
  private readonly connectionWindowBytes: number;
  private readonly handshakes: RequestLimit;

  constructor(
    private readonly server: URL,
    options: Http2ConnectionOptions = {},
  ) {
    this.readIdleTimeoutMs = options.readIdleTimeoutMs ?? 30_000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 15_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    this.streamWindowBytes = options.streamWindowBytes ?? 256 * 1024;
    this.connectionWindowBytes = options.connectionWindowBytes ?? 1024 * 1024;
    this.handshakes = options.handshakes ?? SHARED_HANDSHAKES;
  }

  /**
   * Sends a GET as a stream on the connection, opening one first when there is none.
   * Resolves undefined when the server does not speak HTTP/2; rejects with the connect error
   * (ECONNREFUSED, TLS failure), an Http2StreamLostError, a stream error, or the abort.
   */
  async get(
    pathAndQuery: string,
    headers: Readonly<Record<string, string>>,
    tls: Http2TlsOptions,
    signal: AbortSignalLike,
  ): Promise<Http2Response | undefined> {
    return this.request('GET', pathAndQuery, headers, tls, signal);
  }

  /** Like get, for any method, with an optional request body. */
  async request(
    method: string,
    pathAndQuery: string,
    headers: Readonly<Record<string, string>>,
    tls: Http2TlsOptions,
    signal: AbortSignalLike,
    body?: Buffer,
  ): Promise<Http2Response | undefined> {
    const session = await abortable(this.usableSession(tls), signal);
    if (!session) return undefined;
    const h2Headers: OutgoingHttpHeaders = { ':method': method, ':path': pathAndQuery };
    for (const [k, v] of Object.entries(headers)) {
      const name = k.toLowerCase();
      if (!CONNECTION_HEADERS.has(name)) h2Headers[name] = v;
    }
    const stream = session.request(h2Headers, { endStream: body === undefined });
    cancelOnAbort(stream, signal);
    if (body !== undefined) stream.end(body);
    this.track(session, stream);
    return new Promise((resolve, reject) => {
      const onClose = () =>
        reject(
          stream.rstCode === constants.NGHTTP2_NO_ERROR || stream.rstCode === undefined
            ? new Http2StreamLostError('the stream closed before an answer')
            : streamLost(stream),
        );
      // on(), not once(): 'close' comes once anyway, and once() adds a wrapper per listener,
      // which a long-lived stream (a watch) keeps.
      stream.on('close', onClose);
      stream.on('error', (e) => {
        stream.off('close', onClose);
        reject(e);
      });
      stream.once('response', (h) => {
        stream.off('close', onClose);
        this.read();
        resolve({
          status: Number(h[':status'] ?? 0),
          read: (onChunk) => this.readBody(stream, onChunk),
          destroy: () => stream.close(constants.NGHTTP2_CANCEL),
        });
      });
    });
  }

  /** Closes the connection and every stream on it; later requests fail as aborted by their callers. */
  close(): void {
    this.closed = true;
    this.slotWait?.abort();
    this.session?.destroy();
    this.session = undefined;
  }

  private readBody(stream: ClientHttp2Stream, onChunk: ChunkHandler): Promise<boolean> {
    // Not destroyed at the end: that would RST a stream the server already ended. Callers that
    // stop early call destroy().
    return readChunks(
      stream,
      (chunk) => {
        this.read();
        return onChunk(chunk);
      },
      // A stream cancelled because its connection died ends like a complete one, but with a
      // reset code instead of END_STREAM: that is a broken body, not the end of it.
      () =>
        stream.rstCode !== undefined && stream.rstCode !== constants.NGHTTP2_NO_ERROR
          ? streamLost(stream)
          : undefined,
    );
  }

  private read(): void {
    this.lastReadAt = Date.now();
  }

  /** Keeps the event loop alive only while streams are open, as an idle keep-alive socket does not. */
  private track(session: ClientHttp2Session, stream: ClientHttp2Stream): void {
    const open = (this.openStreams.get(session) ?? 0) + 1;
    this.openStreams.set(session, open);
    if (open === 1) session.ref();
    stream.on('close', () => {
      const left = (this.openStreams.get(session) ?? 1) - 1;
      this.openStreams.set(session, left);
      if (left === 0 && !session.destroyed) session.unref();
    });
  }

  private usableSession(tls: Http2TlsOptions): Promise<ClientHttp2Session | undefined> {
    const s = this.session;
    if (s && !s.closed && !s.destroyed) return Promise.resolve(s);
    this.session = undefined;
    // Concurrent callers share one handshake, which outlives any one caller's deadline.
    this.connecting ??= this.open(tls).finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(tls: Http2TlsOptions): Promise<ClientHttp2Session | undefined> {
    const slotWait = new AbortController();
    if (this.closed) slotWait.abort();
    this.slotWait = slotWait;
    let release: () => void;
    try {
      release = await this.handshakes.acquire(slotWait.signal);
    } finally {
      if (this.slotWait === slotWait) this.slotWait = undefined;
    }
    // The limit spreads the CPU cost of handshakes. One still going after HANDSHAKE_SLOT_MS
    // waits on the network (a blackholed cluster), not the CPU: it gives its slot back, so
    // unreachable clusters cannot hold up the reachable ones.
    const slotTimer = setTimeout(release, HANDSHAKE_SLOT_MS);
    let socket: TLSSocket;
    try {
      socket = await this.handshake(tls);
    } finally {
      clearTimeout(slotTimer);
      release();
    }
    if (this.closed || socket.alpnProtocol !== 'h2') {
      socket.destroy();
      if (this.closed) throw new Http2StreamLostError('the client was closed');
      return undefined;
    }
    const session = connectHttp2(this.server.origin, {
      createConnection: () => socket,
      settings: { initialWindowSize: this.streamWindowBytes, enablePush: false },
    });
    session.on('error', () => undefined); // each stream reports the failure to its caller
    session.setLocalWindowSize(this.connectionWindowBytes);
    session.unref();
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    session.on('close', forget);
    // No new streams after GOAWAY; the ones already open finish on the old connection.
    session.on('goaway', forget);
    this.session = session;
    this.lastReadAt = Date.now();
    this.watchLiveness(session);
    return session;
  }

  private handshake(tls: Http2TlsOptions): Promise<TLSSocket> {
    const host = this.server.hostname.replace(/^\[|\]$/g, '');
    const servername = tls.servername ?? (isIP(host) === 0 ? host : undefined);
    return new Promise((resolve, reject) => {
      const socket = connectTls({
        ...tls,
        host,
        port: Number(this.server.port || 443),
        ALPNProtocols: ['h2', 'http/1.1'],
        ...(servername !== undefined ? { servername } : {}),
      });
      const fail = (e: Error) => {
        socket.destroy();
        reject(e);
      };
      const onTimeout = () =>
        fail(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' }));
      socket.setTimeout(this.connectTimeoutMs, onTimeout);
      socket.once('error', fail);
      socket.once('secureConnect', () => {
        // With the callback, setTimeout(0) also removes the 'timeout' listener, which the
        // socket would otherwise keep for its lifetime (with this promise's closures).
        socket.setTimeout(0, onTimeout);
        socket.off('error', fail);
        resolve(socket);
      });
    });
  }

  /**
   * PINGs the open connection: true when the server answers within timeoutMs, undefined when
   * there is no open connection to ping (nothing is opened for it). Rejects with an
   * Http2StreamLostError when no answer comes in time or the connection fails meanwhile.
   */
  ping(timeoutMs: number): Promise<true | undefined> {
    const session = this.session;
    if (!session || session.destroyed || session.closed || this.closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new Http2StreamLostError(`PING unanswered within ${timeoutMs} ms`, 'ETIMEDOUT')),
        timeoutMs,
      );
      const sent = session.ping((err) => {
        clearTimeout(deadline);
        if (err) reject(new Http2StreamLostError(`PING failed: ${err.message}`, 'ERR_HTTP2_PING_CANCEL'));
        else {
          this.lastReadAt = Date.now();
          resolve(true);
        }
      });
      if (!sent) {
        clearTimeout(deadline);
        resolve(undefined); // too many PINGs in flight: let the caller probe otherwise
      }
    });
  }

  /** PINGs a connection that has been quiet for readIdleTimeoutMs; destroys it when no answer comes. */
  private watchLiveness(session: ClientHttp2Session): void {
    let pingOut = false;
    const timer = setInterval(
      () => {
        if (pingOut || session.destroyed || Date.now() - this.lastReadAt < this.readIdleTimeoutMs) return;
        pingOut = true;
        const deadline = setTimeout(
          () => session.destroy(new Http2StreamLostError('PING unanswered', 'ETIMEDOUT')),
          this.pingTimeoutMs,
        );
        deadline.unref();
        session.ping((err) => {
          clearTimeout(deadline);
          pingOut = false;
          if (!err) this.lastReadAt = Date.now();
        });
      },
      Math.max(10, Math.min(this.readIdleTimeoutMs, this.pingTimeoutMs) / 2),
    );
    timer.unref();
    session.on('close', () => clearInterval(timer));
  }
}

function streamLost(stream: ClientHttp2Stream): Http2StreamLostError {
  return stream.rstCode === constants.NGHTTP2_CANCEL
    ? new Http2StreamLostError('the stream was cancelled')
    : new Http2StreamLostError(`the stream was reset (code ${stream.rstCode})`, 'ERR_HTTP2_STREAM_ERROR');
}

/**
 * Destroys the stream with an AbortError when the signal aborts, as the `signal` option of
 * session.request does; that option takes only a real AbortSignal.
 */
function cancelOnAbort(stream: ClientHttp2Stream, signal: AbortSignalLike): void {
  const abort = () =>
    stream.destroy(
      Object.assign(new Error('The operation was aborted', { cause: signal.reason }), {
        name: 'AbortError',
        code: 'ABORT_ERR',
      }),
    );
  if (signal.aborted) {
    abort();
    return;
  }
  signal.addEventListener('abort', abort, { once: true });
  stream.on('close', () => signal.removeEventListener('abort', abort));
}

/** Races a promise against an abort signal (the shared handshake outlives one caller's abort). */
function abortable<T>(p: Promise<T>, signal: AbortSignalLike): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
