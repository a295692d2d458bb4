/**
 * core/v1 Events as client-go's legacy event recorder writes them: `<object>.<hex nanos>`
 * names, a repeat of the same object/reason/message bumps count and lastTimestamp instead of
 * adding an event, and events expire after an hour (the apiserver's --event-ttl).
 */
import type { KubeObject } from '../k8s-types.js';
import type { Registry } from '../registry.js';
import type { Clock, CoreTypes } from './runtime.js';
import { quiet } from './runtime.js';
import { parseTime, rfc3339 } from './util.js';

/** Who reports an event. */
export interface EventSource {
  component: string;
  host?: string;
}

/** What the recorder needs from its cluster. */
export interface EventRecorderDeps {
  registry: Registry;
  types: CoreTypes;
  clock: Clock;
  now(): Date;
  /** Event time to live in real ms (1 h × timeScale). */
  ttlMs: number;
  /** Field manager for a reporting component. */
  managerFor(component: string): string;
}

interface Aggregate {
  namespace: string;
  name: string;
}

/** Records events for one cluster. */
export class EventRecorder {
  private readonly seen = new Map<string, Aggregate>();
  private readonly keyOf = new Map<string, string>();
  /** When this recorder last wrote each of its events (ms), for exact expiry. */
  private readonly written = new Map<string, number>();
  private seq = 0;

  constructor(private readonly deps: EventRecorderDeps) {}

  /** Number of distinct events being tracked. */
  get size(): number {
    return this.seen.size;
  }

  /** Records an event about obj (Node events from the kubelet pass uid = node name, as the kubelet does). */
  record(
    obj: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: EventSource,
    fieldPath?: string,
    uidOverride?: string,
  ): void {
    const { registry, types } = this.deps;
    const meta = obj.metadata;
    const namespace = meta.namespace ?? 'default';
    const uid = uidOverride ?? meta.uid ?? '';
    const key = [
      source.component,
      source.host ?? '',
      obj.kind,
      meta.namespace ?? '',
      meta.name ?? '',
      uid,
      fieldPath ?? '',
      type,
      reason,
      message,
    ].join('\u0000');
    const now = this.deps.now();
    const ts = rfc3339(now);
    const agg = this.seen.get(key);
    const manager = this.deps.managerFor(source.component);
    if (agg) {
      const ev = registry.find(types.events, agg.namespace, agg.name);
      if (ev) {
        const count = (typeof ev['count'] === 'number' ? ev['count'] : 1) + 1;
        this.written.set(`${agg.namespace}/${agg.name}`, now.getTime());
        quiet(
          () =>
            void registry.update(
              types.events,
              agg.namespace,
              agg.name,
              { ...ev, count, lastTimestamp: ts },
              { fieldManager: manager },
            ),
        );
        return;
      }
      this.forget(agg.namespace, agg.name);
    }
    const involved: Record<string, string> = { kind: obj.kind };
    if (meta.namespace) involved['namespace'] = meta.namespace;
    involved['name'] = meta.name ?? '';
    involved['uid'] = uid;
    involved['apiVersion'] = obj.apiVersion;
    if (meta.resourceVersion && uidOverride === undefined) involved['resourceVersion'] = meta.resourceVersion;
    if (fieldPath) involved['fieldPath'] = fieldPath;
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    const name = `${meta.name ?? 'unknown'}.${nanos.toString(16)}`;
    const src: Record<string, string> = { component: source.component };
    if (source.host) src['host'] = source.host;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message,
      source: src,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    quiet(() => {
      registry.create(types.events, namespace, event, { fieldManager: manager });
      this.seen.set(key, { namespace, name });
      this.keyOf.set(`${namespace}/${name}`, key);
      this.written.set(`${namespace}/${name}`, now.getTime());
    });
  }

  /** Forgets an event that is gone (expired, deleted with its namespace or by a client). */
  forget(namespace: string | undefined, name: string): void {
    const id = `${namespace ?? ''}/${name}`;
    this.written.delete(id);
    const key = this.keyOf.get(id);
    if (key === undefined) return;
    this.keyOf.delete(id);
    this.seen.delete(key);
  }

  /** Arranges for an event to be deleted ttl after it was last seen. */
  expire(namespace: string, name: string, delayMs = this.deps.ttlMs): void {
    this.deps.clock.schedule(`ev\u0000${namespace}/${name}`, delayMs, () => {
      const ev = this.deps.registry.find(this.deps.types.events, namespace, name);
      if (!ev) return;
      const mine = this.written.get(`${namespace}/${name}`);
      // Timestamps of other writers' events have second precision: allow for the truncation.
      const last =
        mine ??
        (parseTime(ev['lastTimestamp']) ??
          parseTime(ev['eventTime']) ??
          parseTime(ev.metadata.creationTimestamp) ??
          0) + 1000;
      const left = last + this.deps.ttlMs - this.deps.now().getTime();
      if (left > 0) return this.expire(namespace, name, left);
      this.deps.registry.forceRemove(this.deps.types.events, namespace, name);
    });
  }
}
