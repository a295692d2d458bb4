/**
 * Subscribers filed by routing key, so a published event is offered only to the subscribers
 * that could match it instead of to every subscriber. A key names what an event is about
 * (its stream, its cluster, its site); a subscriber is filed under the keys its filter
 * requires (the clusters or the sites it targets), or under its stream's key when its filter
 * names neither. Filing only narrows who is asked: each subscriber still applies its own
 * filter to what it is offered.
 */
export class SubscriberIndex<S> {
  private readonly byKey = new Map<string, Set<S>>();
  private readonly keysOf = new Map<S, readonly string[]>();

  /** Files a subscriber under keys (none: it is offered nothing). */
  add(subscriber: S, keys: readonly string[]): void {
    this.delete(subscriber);
    this.keysOf.set(subscriber, keys);
    for (const key of keys) {
      let set = this.byKey.get(key);
      if (set === undefined) this.byKey.set(key, (set = new Set()));
      set.add(subscriber);
    }
  }

  delete(subscriber: S): void {
    const keys = this.keysOf.get(subscriber);
    if (keys === undefined) return;
    this.keysOf.delete(subscriber);
    for (const key of keys) {
      const set = this.byKey.get(key);
      set?.delete(subscriber);
      if (set?.size === 0) this.byKey.delete(key);
    }
  }

  get size(): number {
    return this.keysOf.size;
  }

  /** Every subscriber. */
  subscribers(): S[] {
    return [...this.keysOf.keys()];
  }

  /**
   * The subscribers filed under any key of any of the events, each with its events in the
   * order given (an event once per subscriber, however many of its keys they share).
   */
  route<E>(events: readonly E[], keysOfEvent: (event: E) => readonly string[]): Map<S, E[]> {
    const out = new Map<S, E[]>();
    for (const event of events) {
      for (const key of keysOfEvent(event)) {
        const set = this.byKey.get(key);
        if (set === undefined) continue;
        for (const subscriber of set) {
          const list = out.get(subscriber);
          if (list === undefined) out.set(subscriber, [event]);
          else if (list[list.length - 1] !== event) list.push(event);
        }
      }
    }
    return out;
  }
}
