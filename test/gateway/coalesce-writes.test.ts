/**
 * Messages sent on a WebSocket within one tick are held in its corked socket and written
 * together once the tick's work is done; they arrive complete and in order. A send that waits
 * for its callback before the next one (as graphql-ws does) still joins the same write while
 * little is buffered, and waits for the real write once much is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coalesceWrites, EARLY_DONE_BYTES } from '../../gateway/server/coalesce-writes.js';
import { eventually } from '../helpers/sim.js';
import { openWsPair, type WsPair } from '../helpers/ws-pair.js';

let pair: WsPair;

beforeAll(async () => {
  pair = await openWsPair((ws, socket) => coalesceWrites(ws, socket));
});

afterAll(async () => {
  await pair?.close();
});

describe('coalesced WebSocket writes', () => {
  it('hold one tick’s messages in the corked socket, then deliver them all in order', async () => {
    expect(pair.socket.writableLength).toBe(0);
    for (let i = 0; i < 5; i++) pair.server.send(`message ${i} ${'x'.repeat(i * 100)}`);
    // Nothing has gone to the kernel yet: every frame waits in the corked socket.
    expect(pair.socket.writableCorked).toBe(1);
    expect(pair.socket.writableLength).toBeGreaterThan(1000);
    await new Promise((r) => setImmediate(r));
    expect(pair.socket.writableCorked).toBe(0);
    await eventually(() => pair.received.length === 5, 5000, 'five messages');
    expect(pair.received).toEqual([0, 1, 2, 3, 4].map((i) => `message ${i} ${'x'.repeat(i * 100)}`));
  });

  it('cork again for the next tick', async () => {
    pair.received.length = 0;
    pair.server.send('next tick');
    expect(pair.socket.writableCorked).toBe(1);
    await eventually(() => pair.received.length === 1, 5000, 'one message');
    expect(pair.received).toEqual(['next tick']);
    expect(pair.socket.writableCorked).toBe(0);
  });

  it('call a send back once queued, so sends that wait for each other share one write', async () => {
    pair.received.length = 0;
    const sendAndWait = (m: string) =>
      new Promise<void>((resolve, reject) => pair.server.send(m, (e) => (e ? reject(e) : resolve())));
    for (let i = 0; i < 5; i++) await sendAndWait(`waited ${i}`);
    // All five called back, and all five are still in the corked socket: one write.
    expect(pair.socket.writableCorked).toBe(1);
    expect(pair.socket.writableLength).toBeGreaterThanOrEqual(5 * 'waited 0'.length);
    await eventually(() => pair.received.length === 5, 5000, 'five messages');
    expect(pair.received).toEqual([0, 1, 2, 3, 4].map((i) => `waited ${i}`));
  });

  it('call a send back only once written when the socket holds much unwritten', async () => {
    pair.received.length = 0;
    const big = 'y'.repeat(EARLY_DONE_BYTES + 100);
    pair.server.send(big);
    let called = false;
    pair.server.send('after the big one', () => (called = true));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(called).toBe(false);
    await eventually(() => called, 5000, 'the callback once written');
    await eventually(() => pair.received.length === 2, 5000, 'both messages');
    expect(pair.received[1]).toBe('after the big one');
  });
});
