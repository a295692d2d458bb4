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

/** Events whose results are kept, most recent first out last; older events execute again. */
const RECENT_EVENTS = 1024;

type Result = ExecutionResult | Promise<ExecutionResult>;

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

/** A graphql-ws `subscribe` that shares executions between subscribers (see above). */
export function createSharedSubscribe(): (
  args: ExecutionArgs,
) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  /** Per recent event object: its results by share key. Insertion order is age. */
  const recent = new Map<object, Map<string, Result>>();

  const resultFor = (payload: unknown, key: string, args: ExecutionArgs): Result => {
    const run = (): Result => execute({ ...args, rootValue: payload });
    if (typeof payload !== 'object' || payload === null) return run();
    let byKey = recent.get(payload);
    if (!byKey) {
      byKey = new Map();
      recent.set(payload, byKey);
      if (recent.size > RECENT_EVENTS) {
        const oldest = recent.keys().next();
        if (!oldest.done) recent.delete(oldest.value);
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
    // Not an async generator: return() must reach the event stream at once, even while a
    // next() is waiting for the next event, so the subscriber is released immediately.
    const mapped: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        const r = await events.next();
        if (r.done) return done();
        const value =
          key === undefined
            ? await execute({ ...args, rootValue: r.value })
            : await resultFor(r.value, key, args);
        return { value, done: false };
      },
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
