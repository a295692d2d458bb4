/**
 * Subscriptions that select the same fields share one execution per event. graphql-js's
 * subscribe() executes the selection once per subscriber and event; with 1,000 dashboards
 * following node events, most of them with the same query text and different filters (the
 * filters are the root field's arguments, applied before anything is executed), that is
 * ten executions of the same selection over the same event object for each event. Here an
 * operation's "share key" is its root field without arguments (alias, selection, fragments)
 * plus the values of the variables used inside it; the first subscriber to see an event
 * executes it, the others with the same key get that result.
 *
 * Safe because an event's result depends on the event object, the selection and those
 * variables, not on the caller: the event fields read the event (node snapshots are taken
 * when the event is made) or fleet state that is the same for every caller at that moment
 * (a cluster's state), and none of them reports per-cluster problems into the caller's
 * context (only Query fields do). Operations that do not fit (several root fields) run as
 * usual.
 */
import { isPushSource } from '../events/event-subscription.js';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  Kind,
  print,
  visit,
  type ASTNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';

type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * Where a subscription's results can go directly, instead of through graphql-ws's loop of
 * one awaited next() and one awaited send per event (graphql-ws.ts makes one per operation).
 */
export interface DirectSink {
  /** Sends one result; false when the connection should be given no more for now. */
  send(result: ExecutionResult): boolean;
  /** Calls back once, when the connection can take more after send returned false. */
  whenReady(callback: () => void): void;
}

/** Options of {@link createSharedSubscribe}. */
export interface SharedSubscribeOptions {
  /** The direct sink for an operation, if its transport has one. */
  sinkFor?: (args: ExecutionArgs) => DirectSink | undefined;
}

/** The share key of an operation, or undefined when it selects more than one root field. */
export function shareKey(args: ExecutionArgs): string | undefined {
  const op = getOperationAST(args.document, args.operationName);
  const root = op?.selectionSet.selections;
  const field = root?.length === 1 ? root[0] : undefined;
  if (field?.kind !== Kind.FIELD) return undefined;
  // The root field's arguments pick the events (filters, cursor): not part of the key.
  const withoutArgs = { ...field, arguments: [] };
  const fragments = args.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const used = new Set<string>();
  for (const node of [withoutArgs, ...fragments] as ASTNode[]) {
    visit(node, { Variable: (v) => void used.add(v.name.value) });
  }
  const variables = [...used].sort().map((name) => [name, args.variableValues?.[name] ?? null]);
  return [print(withoutArgs), ...fragments.map((f) => print(f)).sort(), JSON.stringify(variables)].join('\n');
}

/**
 * A graphql-ws `subscribe` that shares executions between subscribers (see above). When the
 * operation has a direct sink and its event stream can push (an event-log subscription),
 * results go to the sink as events are published, and the iterator handed to graphql-ws
 * only ends: its one next() settles when the subscription does, so graphql-ws still sends
 * `complete` or the error, and still ends the subscription (return()) when the client
 * completes it or the socket closes.
 */
export function createSharedSubscribe(
  options: SharedSubscribeOptions = {},
): (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  /**
   * Per event object: its results by share key. Kept until the current turn of the event
   * loop ends: the subscribers that keep up get a published event within the turn that
   * publishes it, and one that is behind executes it again later. Kept longer (it was the
   * last 1,024 events), the results lived long enough to be promoted to V8's old generation.
   */
  let recent = new Map<object, Map<string, Result>>();
  let clearScheduled = false;
  const clear = () => {
    recent = new Map();
    clearScheduled = false;
  };

  const resultFor = (payload: unknown, key: string, args: ExecutionArgs): Result => {
    const run = (): Result => execute({ ...args, rootValue: payload });
    if (typeof payload !== 'object' || payload === null) return run();
    let byKey = recent.get(payload);
    if (!byKey) {
      byKey = new Map();
      recent.set(payload, byKey);
      if (!clearScheduled) {
        clearScheduled = true;
        setImmediate(clear);
      }
    }
    let result = byKey.get(key);
    if (result === undefined) {
      result = run();
      byKey.set(key, result);
    }
    return result;
  };

  return async (args) => {
    const key = shareKey(args);
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source;
    const events = source[Symbol.asyncIterator]();
    const done = (): IteratorResult<ExecutionResult> => ({ value: undefined, done: true });
    const sink = options.sinkFor?.(args);
    if (sink !== undefined && isPushSource<unknown>(events)) {
      /** Sends a result; when the connection is full, pushing resumes once it is ready. */
      const deliver = (result: ExecutionResult): boolean => {
        if (sink.send(result)) return true;
        sink.whenReady(() => events.resume());
        return false;
      };
      let ended: Promise<IteratorResult<ExecutionResult>> | undefined;
      const pushed: AsyncIterableIterator<ExecutionResult> = {
        next: () => {
          // graphql-ws asks once, after it has registered the operation: start pushing then.
          ended ??= events
            .push((payload) => {
              const result =
                key === undefined ? execute({ ...args, rootValue: payload }) : resultFor(payload, key, args);
              if (!(result instanceof Promise)) return deliver(result);
              // A field resolved asynchronously: the events after it wait until it is sent.
              result.then(
                (r) => deliver(r) && events.resume(),
                () => void events.return(),
              );
              return false;
            })
            .then(done);
          return ended;
        },
        async return() {
          await events.return();
          return done();
        },
        async throw(e: unknown) {
          await events.return();
          throw e;
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
      return pushed;
    }
    const asNext = (value: ExecutionResult): IteratorResult<ExecutionResult> => ({ value, done: false });
    const toResult = (
      r: IteratorResult<unknown>,
    ): IteratorResult<ExecutionResult> | Promise<IteratorResult<ExecutionResult>> => {
      if (r.done) return done();
      const value =
        key === undefined ? execute({ ...args, rootValue: r.value }) : resultFor(r.value, key, args);
      return value instanceof Promise ? value.then(asNext) : asNext(value);
    };
    // Not an async generator: return() must reach the event stream at once, even while a
    // next() is waiting for the next event, so the subscriber is released immediately. And
    // next() is a plain promise chain, not an async function: a pending next() lives until
    // the subscriber's next event (see EventSubscription.next).
    const mapped: AsyncIterableIterator<ExecutionResult> = {
      next: () => events.next().then(toResult),
      async return() {
        await events.return?.();
        return done();
      },
      async throw(e: unknown) {
        await events.return?.();
        throw e;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return mapped;
  };
}
