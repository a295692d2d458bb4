/**
 * One write system call per socket and burst, not per message. ws writes every message at
 * once (a writev of header and payload): a dashboard following the whole fleet gets several
 * events from one event-log batch, and at 500 events/s those writes were the largest item in
 * a profile of the gateway (about 20 µs each on our VM). Here the first message of a burst
 * corks the socket and the rest of the burst's messages join it; it is uncorked once the
 * current tick's callbacks and promise reactions have run, so nothing waits for I/O or a timer.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Makes the WebSocket's sends within one tick go out in one write of its socket. */
export function coalesceWrites(ws: WebSocket, socket: Socket): void {
  const send = ws.send.bind(ws);
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  ws.send = ((...args: unknown[]) => {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return (send as (...a: unknown[]) => void)(...args);
  }) as WebSocket['send'];
}
