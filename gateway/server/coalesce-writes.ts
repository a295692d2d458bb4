/**
 * One write system call per socket and burst, not per message. ws writes every message at
 * once (a writev of header and payload): a dashboard following the whole fleet gets several
 * events from one event-log batch, and at 500 events/s those writes were the largest item in
 * a profile of the gateway (about 20 µs each on our VM). Here the first message of a burst
 * corks the socket and the rest of the burst's messages join it; it is uncorked once the
 * current tick's callbacks and promise reactions have run, so nothing waits for I/O or a timer.
 *
 * graphql-ws sends a subscription's next event only once the previous send has called back,
 * and ws calls back when the socket has written the message, which is after the uncork. So
 * the second event of a batch would always start a burst of its own. A send that finds the
 * socket's buffer short of {@link EARLY_DONE_BYTES} therefore calls back as soon as its
 * message is queued in the corked socket, and the next event joins the same write. Past that
 * amount (a dashboard reading slower than events arrive) sends call back when written, as
 * ws does: graphql-ws then waits, the subscription's own bounded buffer fills, and a
 * subscriber too slow for it is cut off (fleet-events.ts), so memory stays bounded.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Bytes a socket may hold unwritten for a send to call back before its message is written. */
export const EARLY_DONE_BYTES = 64 * 1024;

type SendCallback = (err?: Error) => void;

/** Makes the WebSocket's sends within one tick go out in one write of its socket. */
export function coalesceWrites(ws: WebSocket, socket: Socket): void {
  const send = ws.send.bind(ws) as (data: unknown, options: object, cb?: SendCallback) => void;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  ws.send = ((data: unknown, optionsOrCb?: object | SendCallback, cb?: SendCallback) => {
    const options = typeof optionsOrCb === 'function' ? {} : (optionsOrCb ?? {});
    const callback = typeof optionsOrCb === 'function' ? (optionsOrCb as SendCallback) : cb;
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    if (
      callback === undefined ||
      !corked ||
      ws.readyState !== ws.OPEN ||
      socket.writableLength >= EARLY_DONE_BYTES
    ) {
      send(data, options, callback);
      return;
    }
    // Queued behind the cork: report it sent now. A write that fails later closes the socket,
    // which ends its subscriptions; the error itself goes to the socket's 'error' listeners.
    send(data, options, ignoreError);
    queueMicrotask(callback);
  }) as WebSocket['send'];
}

function ignoreError(): void {}
