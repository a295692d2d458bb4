/**
 * A payload serialised once is spliced into each message sent with it, over a real WebSocket;
 * a message without one is sent as it is, even after a serialised payload that was never sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawPayload, rawPayloadReplacer, spliceRawPayloads } from '../../gateway/server/raw-payload.js';
import { eventually } from '../helpers/sim.js';
import { openWsPair, type WsPair } from '../helpers/ws-pair.js';

let pair: WsPair;

beforeAll(async () => {
  pair = await openWsPair((ws) => spliceRawPayloads(ws));
});

afterAll(async () => {
  await pair?.close();
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
      pair.server.send(JSON.stringify({ id, type: 'next', payload: raw }, rawPayloadReplacer));
    await eventually(() => pair.received.length === 2, 5000, 'two messages');
    expect(serialisations).toBe(1);
    expect(pair.received.map((t) => JSON.parse(t) as unknown)).toEqual([
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
    pair.received.length = 0;
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
    pair.server.send(complete);
    pair.server.send(error);
    await eventually(() => pair.received.length === 2, 5000, 'two messages');
    expect(pair.received).toEqual([complete, error]);
  });
});
