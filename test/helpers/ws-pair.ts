/**
 * A WebSocket server on a free loopback port with one client connected to it, for tests of
 * what the gateway does to its sockets: the server side (with its raw socket) and the text of
 * every message the client received.
 */
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export interface WsPair {
  server: WebSocket;
  /** The server side's TCP socket. */
  socket: Socket;
  received: string[];
  close(): Promise<void>;
}

/** Opens the pair; `prepare` sees the server side as it connects, before anything is sent. */
export async function openWsPair(prepare: (ws: WebSocket, socket: Socket) => void): Promise<WsPair> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const connected = new Promise<{ ws: WebSocket; socket: Socket }>((resolve) =>
    wss.on('connection', (ws, req) => {
      prepare(ws, req.socket);
      resolve({ ws, socket: req.socket });
    }),
  );
  await new Promise((r) => wss.once('listening', r));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (d: Buffer) => received.push(d.toString()));
  const { ws, socket } = await connected;
  return {
    server: ws,
    socket,
    received,
    close: async () => {
      client.close();
      await new Promise((r) => wss.close(r));
    },
  };
}
