/**
 * A TCP proxy on a free loopback port in front of a server, for tests that cut a client's
 * link (a dropped edge uplink) without touching either end: cut() destroys every open
 * connection, block() refuses new ones until unblock().
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open now. */
  readonly openConnections: number;
  /** Destroys every open connection (both sides). */
  cut(): void;
  /** Refuses (resets) new connections until unblock(). */
  block(): void;
  unblock(): void;
  close(): Promise<void>;
}

/** Starts a proxy to target host:port. */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let blocked = false;
  let accepted = 0;
  const server: Server = createServer((client) => {
    if (blocked) {
      client.resetAndDestroy();
      return;
    }
    accepted++;
    const upstream = connect(targetPort, targetHost);
    open.add(client);
    open.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('proxy has no address');
  const proxy: TcpProxy = {
    port: address.port,
    get accepted() {
      return accepted;
    },
    get openConnections() {
      return Math.ceil(open.size / 2);
    },
    cut() {
      for (const s of open) s.resetAndDestroy();
      open.clear();
    },
    block() {
      blocked = true;
    },
    unblock() {
      blocked = false;
    },
    async close() {
      proxy.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
