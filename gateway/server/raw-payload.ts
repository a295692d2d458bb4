/**
 * One serialisation per shared result. graphql-ws turns every message into text with
 * JSON.stringify, once per subscriber: an event that reaches 100 dashboards with the same
 * selection was serialised 100 times, though their executions are shared
 * (shared-execution.ts). Here a `next` payload is serialised once, as a RawPayload; the
 * message replacer puts a placeholder where the payload goes, and each socket's send puts the
 * serialised payload in the placeholder's place.
 *
 * graphql-ws calls JSON.stringify and then the socket's send in the same synchronous step,
 * so the payload the replacer saw last is the one of the message being sent. The placeholder
 * can only come from the replacer: it is matched as the message's last member
 * (`"payload":"<placeholder>"}`), after the id, which JSON.stringify escapes.
 */
import type { WebSocket } from 'ws';

/** A `next` payload already serialised. */
export class RawPayload {
  constructor(readonly json: string) {}
}

const PLACEHOLDER = '\u0000fleetgraph:raw-payload';
const TAIL = `"payload":${JSON.stringify(PLACEHOLDER)}}`;

/** The serialised payload the replacer last replaced, for the send that follows. */
let pending: string | undefined;

/** graphql-ws's jsonMessageReplacer: a RawPayload becomes the placeholder. */
export function rawPayloadReplacer(key: string, value: unknown): unknown {
  if (key === 'payload' && value instanceof RawPayload) {
    pending = value.json;
    return PLACEHOLDER;
  }
  return value;
}

/**
 * Makes the socket's send put the pending serialised payload in its placeholder's place. Call
 * it when the socket connects, before graphql-ws sends anything on it.
 */
export function spliceRawPayloads(socket: WebSocket): void {
  const send = socket.send.bind(socket);
  socket.send = ((data: unknown, ...rest: unknown[]) => {
    if (pending !== undefined && typeof data === 'string') {
      const raw = pending;
      pending = undefined;
      if (data.endsWith(TAIL)) data = `${data.slice(0, data.length - TAIL.length)}"payload":${raw}}`;
    }
    return (send as (...args: unknown[]) => void)(data, ...rest);
  }) as WebSocket['send'];
}
