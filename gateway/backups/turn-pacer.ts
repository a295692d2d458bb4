/**
 * Lets at most `perTurn` callers through per turn of the event loop; the rest wait for the
 * next turn (setImmediate). A restore's workers pass through it before each write, so its
 * writes reach the cluster as a steady stream a few at a time instead of in bursts: a worker
 * that finished a write starts the next at once, so without it every write answered in one
 * turn went out again together in the next, and the gateway and a single-threaded API server
 * (the simulator) took turns on whole batches, each idle while the other worked. Measured
 * against the simulator: 1,074-1,258 objects/s without it, 1,190-1,446 with 8 a turn, about
 * a fifth more at the median (docs/benchmarks.md).
 */
export function turnPacer(perTurn: number): () => Promise<void> {
  let used = 0;
  let nextTurn: Promise<void> | undefined;
  return async () => {
    while (used >= perTurn) {
      nextTurn ??= new Promise<void>((resolve) =>
        setImmediate(() => {
          used = 0;
          nextTurn = undefined;
          resolve();
        }),
      );
      await nextTurn;
    }
    used++;
  };
}
