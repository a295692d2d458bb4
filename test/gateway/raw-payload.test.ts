/**
 * A payload serialised once is spliced into each message sent with it, over a real WebSocket;
 * a message without one is sent as it is, even after a serialised payload that was never sent.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { RawPayload, rawPayloadReplacer, spliceRawPayloads } from '../../gateway/server/raw-payload.js';
import { eventually } from '../helpers/sim.js';

let wss: WebSocketServer;
let server: WebSocket;
let client: WebSocket;
const received: string[] = [];

beforeAll(async () => {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const connected = new Promise<WebSocket>((resolve) =>
    wss.on('connection', (s) => {
      spliceRawPayloads(s);
      resolve(s);
    }),
  );
  await new Promise((r) => wss.once('listening', r));
  client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  client.on('message', (d: Buffer) => received.push(d.toString()));
  server = await connected;
});

afterAll(async () => {
  client?.close();
  await new Promise((r) => wss?.close(r));
});

describe('raw payloads', () => {
  it('are serialised once and spliced into every message that carries them', async () => {
    let serialisations = 0;
    const data = {
      nodeEvents: {
        type: 'NODE_CORDONED',
        get message() {
          serialisations++;
          return 'quote " and \u0000';
        },
      },
    };
    const raw = new RawPayload(JSON.stringify({ data }));
    for (const id of ['a', 'b"}'])
      server.send(JSON.stringify({ id, type: 'next', payload: raw }, rawPayloadReplacer));
    await eventually(() => received.length === 2, 5000, 'two messages');
    expect(serialisations).toBe(1);
    expect(received.map((t) => JSON.parse(t) as unknown)).toEqual([
      {
        id: 'a',
        type: 'next',
        payload: { data: { nodeEvents: { type: 'NODE_CORDONED', message: 'quote " and \u0000' } } },
      },
      {
        id: 'b"}',
        type: 'next',
        payload: { data: { nodeEvents: { type: 'NODE_CORDONED', message: 'quote " and \u0000' } } },
      },
    ]);
  });

  it('leave other messages alone, even after a serialised payload that was not sent', async () => {
    received.length = 0;
    // Serialised for a socket that closed before the send: nothing is sent.
    JSON.stringify(
      { id: 'gone', type: 'next', payload: new RawPayload('{"data":{"x":1}}') },
      rawPayloadReplacer,
    );
    const complete = JSON.stringify({ id: 'c', type: 'complete' }, rawPayloadReplacer);
    const error = JSON.stringify(
      { id: 'e', type: 'error', payload: [{ message: 'no' }] },
      rawPayloadReplacer,
    );
    server.send(complete);
    server.send(error);
    await eventually(() => received.length === 2, 5000, 'two messages');
    expect(received).toEqual([complete, error]);
  });
});
