/**
 * Subscriptions selecting alike share one execution per event; a different selection, a
 * different value of a variable used inside the selection, or a replayed (new) event object
 * executes again; the root field's own arguments (the filters) do not count; return() ends
 * the event stream at once.
 */
import { parse, type ExecutionResult } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { describe, expect, it } from 'vitest';
import { createSharedSubscribe, shareKey } from '../../gateway/server/shared-execution.js';

interface Ev {
  id: number;
  site: string;
}

/** A tiny schema whose event stream hands every subscriber the same event objects. */
function setup() {
  const listeners = new Set<(e: Ev) => void>();
  let resolved = 0;
  let open = 0;
  const schema = makeExecutableSchema({
    typeDefs: `
      type Query { ok: Boolean }
      type Event { id: Int! site: String! label: String! }
      type Subscription { events(site: String): Event! }`,
    resolvers: {
      Event: {
        label: (e: Ev) => {
          resolved++;
          return `${e.site}-${e.id}`;
        },
      },
      Subscription: {
        events: {
          subscribe: (_: unknown, args: { site?: string }) => {
            const queue: Ev[] = [];
            let wake: (() => void) | undefined;
            const listener = (e: Ev) => {
              if (args.site && e.site !== args.site) return;
              queue.push(e);
              wake?.();
            };
            listeners.add(listener);
            open++;
            const it: AsyncIterableIterator<Ev> = {
              async next() {
                while (queue.length === 0) await new Promise<void>((r) => (wake = r));
                return { value: queue.shift() as Ev, done: false };
              },
              async return() {
                listeners.delete(listener);
                open--;
                return { value: undefined, done: true };
              },
              [Symbol.asyncIterator]() {
                return this;
              },
            };
            return it;
          },
          resolve: (e: Ev) => e,
        },
      },
    },
  });
  return {
    schema,
    publish: (e: Ev) => listeners.forEach((l) => l(e)),
    resolved: () => resolved,
    open: () => open,
  };
}

async function start(
  subscribe: ReturnType<typeof createSharedSubscribe>,
  schema: ReturnType<typeof setup>['schema'],
  query: string,
  variableValues: Record<string, unknown> = {},
): Promise<AsyncIterableIterator<ExecutionResult>> {
  const r = await subscribe({ schema, document: parse(query), variableValues, contextValue: {} });
  if (!(Symbol.asyncIterator in r)) throw new Error(JSON.stringify(r));
  return r;
}

const SELECTION = 'id label';

describe('shared subscription execution', () => {
  it('executes a selection once per event for every subscriber selecting alike, whatever their filters', async () => {
    const t = setup();
    const subscribe = createSharedSubscribe();
    const q = `subscription($site: String) { events(site: $site) { ${SELECTION} } }`;
    const a = await start(subscribe, t.schema, q, { site: 'b12' });
    const b = await start(subscribe, t.schema, q, {});
    const c = await start(subscribe, t.schema, `subscription { events(site: "b12") { ${SELECTION} } }`);
    const event = { id: 1, site: 'b12' };
    t.publish(event);
    const results = await Promise.all([a.next(), b.next(), c.next()]);
    for (const r of results) expect(r.value).toEqual({ data: { events: { id: 1, label: 'b12-1' } } });
    expect(t.resolved()).toBe(1);
    // A filter that excludes the event: the others still get it, executed once.
    t.publish({ id: 2, site: 'b14' });
    expect((await b.next()).value).toEqual({ data: { events: { id: 2, label: 'b14-2' } } });
    expect(t.resolved()).toBe(2);
    await Promise.all([a.return?.(), b.return?.(), c.return?.()]);
    expect(t.open()).toBe(0);
  });

  it('executes again for another selection, another value of a variable it uses, or a new event object', async () => {
    const t = setup();
    const subscribe = createSharedSubscribe();
    const withLabel = `subscription($l: Boolean!) { events { id label @include(if: $l) } }`;
    const yes = await start(subscribe, t.schema, withLabel, { l: true });
    const no = await start(subscribe, t.schema, withLabel, { l: false });
    const other = await start(subscribe, t.schema, 'subscription { events { label } }');
    const aliased = await start(subscribe, t.schema, 'subscription { e: events { label } }');
    t.publish({ id: 1, site: 'x' });
    expect((await yes.next()).value).toEqual({ data: { events: { id: 1, label: 'x-1' } } });
    expect((await no.next()).value).toEqual({ data: { events: { id: 1 } } });
    expect((await other.next()).value).toEqual({ data: { events: { label: 'x-1' } } });
    expect((await aliased.next()).value).toEqual({ data: { e: { label: 'x-1' } } });
    expect(t.resolved()).toBe(3);
    // An equal but new object (as a replay from the store makes): executed anew.
    t.publish({ id: 1, site: 'x' });
    await other.next();
    expect(t.resolved()).toBe(4);
  });

  it('ends the event stream at once on return(), even while waiting for an event', async () => {
    const t = setup();
    const subscribe = createSharedSubscribe();
    const s = await start(subscribe, t.schema, 'subscription { events { id } }');
    const pending = s.next();
    expect(t.open()).toBe(1);
    await s.return?.();
    expect(t.open()).toBe(0);
    void pending;
  });

  it('gives no key to operations with several root fields, which then execute as usual', () => {
    const args = (query: string) => ({ schema: setup().schema, document: parse(query) });
    expect(shareKey(args('subscription { events { id } }'))).toBeTypeOf('string');
    expect(shareKey(args('subscription { a: events { id } b: events { id } }'))).toBeUndefined();
    expect(shareKey(args('subscription { events(site: "a") { id } }'))).toBe(
      shareKey(args('subscription { events(site: "b") { id } }')),
    );
  });
});
