import { expired, timeout } from './errors.js';
import type { KubeObject, Status, WatchEventType } from './k8s-types.js';
import { matchesListOptions, parseResourceVersion, type ListOptions } from './list-options.js';
import { apiVersionOf, storageKey, type ResourceType } from './resource-types.js';
import { RevisionCompactedError, type ObjectStore, type StoreEvent } from './store.js';

/** One event as it goes on the wire. */
export interface WireWatchEvent {
  type: WatchEventType;
  object: KubeObject | Status;
}

/** Where a watch writes its events. */
export interface WatchSink {
  /** Sends one event; returns false when the sink is closed. */
  send(event: WireWatchEvent): void;
  /** Ends the stream (timeout, cut, ERROR sent). */
  end(): void;
}

/** Timing knobs of a watch. */
export interface WatchTiming {
  /** How often a BOOKMARK is sent when allowWatchBookmarks is set. */
  bookmarkIntervalMs: number;
  /** Scales timeoutSeconds, for tests run at a faster clock. */
  timeScale: number;
}

/** A running watch; stop() releases it. */
export interface WatchHandle {
  stop(): void;
}

/**
 * Starts a watch on one resource with Kubernetes' semantics: initial ADDED events when no
 * resourceVersion (or 0) is given, resume after a resourceVersion from history, 410 Expired as
 * an ERROR event when that history was compacted, selector transitions turned into
 * ADDED/DELETED, bookmarks, and timeoutSeconds.
 *
 * Throws ApiError (before anything is streamed) for a resourceVersion that is too large.
 */
export function startWatch(
  store: ObjectStore,
  type: ResourceType,
  opts: ListOptions,
  sink: WatchSink,
  timing: WatchTiming,
): WatchHandle {
  const key = storageKey(type);
  const apiVersion = apiVersionOf(type);
  const ns = type.namespaced ? opts.namespace : undefined;
  const rvParam = opts.resourceVersion ?? '';
  let fromRv: number | undefined;
  if (rvParam !== '' && rvParam !== '0') {
    fromRv = parseResourceVersion(rvParam);
    if (fromRv > store.currentRevision && opts.sendInitialEvents !== true)
      throw timeout(`Too large resource version: ${fromRv}, current: ${store.currentRevision}`, [
        { reason: 'ResourceVersionTooLarge', message: 'Too large resource version' },
      ]);
  }
  let stopped = false;
  let lastRv = store.currentRevision;
  const timers: NodeJS.Timeout[] = [];
  const stop = () => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
  };
  const finish = () => {
    stop();
    sink.end();
  };
  const version = (o: KubeObject): KubeObject =>
    type.custom && o.apiVersion !== apiVersion ? { ...o, apiVersion } : o;
  const inScope = (o: KubeObject) => ns === undefined || o.metadata.namespace === ns;

  const deliver = (e: StoreEvent) => {
    if (stopped || e.key !== key || !inScope(e.object)) return;
    lastRv = e.rv;
    const now = matchesListOptions(e.object, opts);
    const before = e.prev !== undefined && matchesListOptions(e.prev, opts);
    if (e.type === 'ADDED') {
      if (now) sink.send({ type: 'ADDED', object: version(e.object) });
    } else if (e.type === 'DELETED') {
      if (before || now) sink.send({ type: 'DELETED', object: version(e.object) });
    } else if (now && before) sink.send({ type: 'MODIFIED', object: version(e.object) });
    else if (now) sink.send({ type: 'ADDED', object: version(e.object) });
    else if (before) sink.send({ type: 'DELETED', object: version(e.object) });
  };

  // Subscribe first, so nothing written between the snapshot and now can be missed.
  const pending: StoreEvent[] = [];
  let replaying = true;
  const unsubscribe = store.subscribe((e) => {
    if (replaying) pending.push(e);
    else deliver(e);
  });

  if (fromRv === undefined || opts.sendInitialEvents === true) {
    for (const obj of store.list(key, ns)) {
      if (matchesListOptions(obj, opts)) sink.send({ type: 'ADDED', object: version(obj) });
    }
    lastRv = store.currentRevision;
    if (opts.sendInitialEvents === true && opts.allowWatchBookmarks) {
      sink.send({ type: 'BOOKMARK', object: bookmark(type, lastRv, true) });
    }
  } else {
    let history: StoreEvent[];
    try {
      history = store.eventsSince(fromRv);
    } catch (e) {
      if (!(e instanceof RevisionCompactedError)) throw e;
      replaying = false;
      sink.send({
        type: 'ERROR',
        object: expired(`too old resource version: ${fromRv} (${e.oldest})`).status,
      });
      finish();
      return { stop };
    }
    for (const e of history) deliver(e);
  }
  replaying = false;
  for (const e of pending) deliver(e);
  if (stopped) return { stop };

  if (opts.allowWatchBookmarks && timing.bookmarkIntervalMs > 0) {
    const tick = () => {
      if (stopped) return;
      sink.send({ type: 'BOOKMARK', object: bookmark(type, Math.max(lastRv, store.currentRevision), false) });
      timers[0] = setTimeout(tick, timing.bookmarkIntervalMs).unref();
    };
    timers[0] = setTimeout(tick, timing.bookmarkIntervalMs).unref();
  }
  if (opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0) {
    timers.push(setTimeout(finish, opts.timeoutSeconds * 1000 * timing.timeScale).unref());
  }
  return { stop };
}

function bookmark(type: ResourceType, rv: number, initialEventsEnd: boolean): KubeObject {
  const metadata: KubeObject['metadata'] = { resourceVersion: String(rv) };
  if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
  return { kind: type.kind, apiVersion: apiVersionOf(type), metadata };
}
