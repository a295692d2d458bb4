/**
 * Reading a response body chunk by chunk without an async iterator. `for await` over a stream
 * keeps two async generators, their pending promises and requests, and a listener set alive
 * for as long as the body lasts: for a watch, that is minutes to hours, and a gateway holds
 * three watches per cluster. Here a body being read costs one promise and the listeners of
 * `stream.finished`, which also decides how the body ended, as the async iterator does.
 */
import { finished, type Readable } from 'node:stream';

/** What the reader of a body does with a chunk: false stops reading (the body is left as is). */
export type ChunkHandler = (chunk: Buffer) => boolean | void;

/**
 * Hands each chunk of `stream` to `onChunk` as it arrives. Resolves true when the body ended,
 * false when `onChunk` returned false; rejects with what `onChunk` threw, with the stream's
 * error, or with ERR_STREAM_PREMATURE_CLOSE when the stream closed before its end, as
 * `for await (const chunk of stream)` would, or with what `atEnd` returns once the body has
 * ended (a body that ended but is broken all the same). Whoever stops early destroys the stream.
 */
export function readChunks(
  stream: Readable,
  onChunk: ChunkHandler,
  atEnd?: () => Error | undefined,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let done = false;
    const onData = (chunk: Buffer): void => {
      if (done) return;
      let more: boolean | void;
      try {
        more = onChunk(chunk);
      } catch (e) {
        done = true;
        stream.off('data', onData);
        reject(e as Error);
        return;
      }
      if (more === false) {
        done = true;
        stream.off('data', onData);
        resolve(false);
      }
    };
    // The listeners of finished() stay until the stream closes, so a late 'error' always has one.
    finished(stream, { writable: false }, (err) => {
      if (done) return;
      done = true;
      stream.off('data', onData);
      const broken = err ?? atEnd?.();
      if (broken) reject(broken);
      else resolve(true);
    });
    stream.on('data', onData);
  });
}
