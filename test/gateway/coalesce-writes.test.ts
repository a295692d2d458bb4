/**
 * Messages sent on a WebSocket within one tick are held in its corked socket and written
 * together once the tick's work is done; they arrive complete and in order.
 */
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { coalesceWrites } from '../../gateway/server/coalesce-writes.js';
import { eventually } from '../helpers/sim.js';

let wss: WebSocketServer;
let server: WebSocket;
let raw: Socket;
let client: WebSocket;
const received: string[] = [];

beforeAll(async () => {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const connected = new Promise<void>((resolve) =>
    wss.on('connection', (ws, req) => {
      coalesceWrites(ws, req.socket);
      server = ws;
      raw = req.socket;
      resolve();
    }),
  );
  await new Promise((r) => wss.once('listening', r));
  client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  client.on('message', (d: Buffer) => received.push(d.toString()));
  await connected;
});

afterAll(async () => {
  client?.close();
  await new Promise((r) => wss?.close(r));
});

describe('coalesced WebSocket writes', () => {
  it('hold one tick’s messages in the corked socket, then deliver them all in order', async () => {
    expect(raw.writableLength).toBe(0);
    for (let i = 0; i < 5; i++) server.send(`message ${i} ${'x'.repeat(i * 100)}`);
    // Nothing has gone to the kernel yet: every frame waits in the corked socket.
    expect(raw.writableCorked).toBe(1);
    expect(raw.writableLength).toBeGreaterThan(1000);
    await new Promise((r) => setImmediate(r));
    expect(raw.writableCorked).toBe(0);
    await eventually(() => received.length === 5, 5000, 'five messages');
    expect(received).toEqual([0, 1, 2, 3, 4].map((i) => `message ${i} ${'x'.repeat(i * 100)}`));
  });

  it('cork again for the next tick', async () => {
    received.length = 0;
    server.send('next tick');
    expect(raw.writableCorked).toBe(1);
    await eventually(() => received.length === 1, 5000, 'one message');
    expect(received).toEqual(['next tick']);
    expect(raw.writableCorked).toBe(0);
  });
});
