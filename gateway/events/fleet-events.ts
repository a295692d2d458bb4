/**
 * The event service: turns the shared watch caches (nodes, Events about nodes) and the
 * connection states into node and cluster events, logs them (event-log.ts), and feeds every
 * subscriber from that one stream. No subscriber opens an upstream watch.
 *
 * Each node is diffed against the state last reported for it, which is kept in memory and
 * in the store. So a relist after an outage, a replaced connection or a gateway restart
 * reports only what really changed, including changes made while the gateway was down. A
 * cluster seen for the first time is adopted silently: its first lists set the baseline
 * (CLUSTER_REGISTERED and CLUSTER_ONLINE tell a dashboard to query it).
 *
 * An unreachable cluster's caches stop, so its nodes produce no events while it is OFFLINE:
 * they are unknown, not NotReady. When it returns, the resumed watch (or the relist after a
 * 410) brings only the changes that happened meanwhile.
 */
import type { CacheChange } from '../clusters/watch-cache.js';
import type { ClusterConnection, ClusterStateChange } from '../clusters/cluster-connection.js';
import { parseSelectorField } from '../clusters/fleet-index.js';
import type { EventProjection, NodeProjection } from '../clusters/projections.js';
import type { ClusterRegistry } from '../registry/registry.js';
import type { RegisteredCluster, RegistryEvent } from '../registry/types.js';
import type { FleetConnections } from '../service/fleet-connections.js';
import type { EventStateEntry, EventStateWrites, FleetStore, JsonValue } from '../store/types.js';
import type { Architecture, ClusterEventType, ClusterState, ClusterTarget } from '../vocabulary.js';
import { matchesLabels } from '../../sim/selectors.js';
import { EventLog, type EventLogLogger, type EventLogOptions, type LoggedEvent } from './event-log.js';
import { EventSubscription } from './event-subscription.js';
import { SubscriberIndex } from './subscriber-index.js';
import { nodeChanges, nodeStateOf } from './node-changes.js';
import type {
  ClusterEventData,
  ClusterEventFilter,
  Delivered,
  EventOrigin,
  FleetEventData,
  NodeEventData,
  NodeEventFilter,
  RolloutEventData,
  BackupEventData,
} from './types.js';

/** Options of the event service. */
export interface FleetEventsOptions {
  log?: EventLogOptions;
  /** Live events buffered per subscriber before it is cut off as too slow. @default 1000 */
  subscriberBuffer?: number;
}

/** Where the service reports problems. */
export interface FleetEventsLogger extends EventLogLogger {
  info(obj: Record<string, unknown>, msg: string): void;
}

/** What a subscriber is told besides events. */
export interface SubscribeOptions {
  /** Called when the subscriber fell too far behind and was cut off. */
  onOverflow: () => void;
}

/** The reported states: READY (as CLUSTER_ONLINE), DEGRADED, OFFLINE. */
type ReportedState = 'READY' | 'DEGRADED' | 'OFFLINE';

/** What is persisted per cluster (scope 'cluster', key ''). */
interface ClusterRecordState {
  registeredAt: string;
  site: string;
  labels: Record<string, string>;
  architectures: Architecture[];
  nodeBaseline: boolean;
  eventBaseline: boolean;
  reported: ReportedState | null;
  unhealthySince: string | null;
}

interface Tracker extends ClusterRecordState {
  name: string;
  nodes: Map<string, NodeProjection>;
  /** uid → count of the core/v1 Events about nodes already reported. */
  events: Map<string, number>;
}

const TYPE_OF_STATE: Record<ReportedState, ClusterEventType> = {
  READY: 'CLUSTER_ONLINE',
  DEGRADED: 'CLUSTER_DEGRADED',
  OFFLINE: 'CLUSTER_OFFLINE',
};

/** Node and cluster events over the fleet, logged and fanned out. */
export class FleetEvents {
  private readonly trackers = new Map<string, Tracker>();
  private readonly detachers = new Map<ClusterConnection, () => void>();
  /** Live subscriptions, filed by the clusters or sites they target (see routeKeys). */
  private readonly subscriptions = new SubscriberIndex<
    Pick<EventSubscription<unknown>, 'offer' | 'return' | 'buffered'>
  >();
  /** Delivered form of recent logged events (a live event is one object for every subscriber it goes to). */
  private readonly deliveredEvents = new WeakMap<LoggedEvent, Delivered<FleetEventData>>();
  private readonly offs: (() => void)[] = [];
  private readonly subscriberBuffer: number;

  private constructor(
    readonly log: EventLog,
    private readonly connections: FleetConnections,
    private readonly logger: FleetEventsLogger,
    options: FleetEventsOptions,
  ) {
    this.subscriberBuffer = options.subscriberBuffer ?? 1000;
  }

  /**
   * Opens the log and the persisted state, reports registry changes made while the gateway
   * was down, and follows the registry and the connections. Call before the connections
   * start, so their first lists are diffed too.
   */
  static async open(options: {
    store: FleetStore;
    registry: ClusterRegistry;
    connections: FleetConnections;
    logger: FleetEventsLogger;
    options?: FleetEventsOptions;
  }): Promise<FleetEvents> {
    const log = await EventLog.open(options.store, options.logger, options.options?.log);
    const events = new FleetEvents(log, options.connections, options.logger, options.options ?? {});
    events.load(await options.store.listEventState());
    events.reconcile(await options.registry.list());
    events.offs.push(
      options.registry.onChange((e) => events.onRegistry(e)),
      options.connections.onConnectionChange((c) => {
        if (c.type === 'connected') events.attach(c.cluster.registered, c.cluster.connection);
        else events.detach(c.connection);
      }),
      log.onPublish((batch) => {
        // Each subscription is offered only the events it could match: a dashboard of one
        // site is not asked about the other sites' events.
        for (const [s, offered] of events.subscriptions.route(batch, eventKeys)) s.offer(offered);
      }),
    );
    for (const c of options.connections.list()) events.attach(c.registered, c.connection);
    return events;
  }

  /** The cursor of the newest event: subscribe after it to get everything from now on. */
  headCursor(): string {
    return this.log.cursorOf(this.log.head);
  }

  /** Node events matching filter, after the cursor (or from now on). */
  subscribeNodes(
    filter: NodeEventFilter,
    after: string | undefined,
    options: SubscribeOptions,
  ): AsyncIterableIterator<Delivered<NodeEventData>> {
    const target = targetMatcher(filter.target);
    const types = filter.types ? new Set<string>(filter.types) : undefined;
    const nodes = filter.nodes ? new Set(filter.nodes) : undefined;
    return this.subscribe<NodeEventData>(after, options, routeKeys('node', filter.target), (e) => {
      if (e.stream !== 'node') return false;
      if (types && !types.has(e.type)) return false;
      if (nodes && !nodes.has(e.nodeName)) return false;
      return target(e, e.architecture ? [e.architecture] : []);
    });
  }

  /** Cluster events matching filter, after the cursor (or from now on). */
  subscribeClusters(
    filter: ClusterEventFilter,
    after: string | undefined,
    options: SubscribeOptions,
  ): AsyncIterableIterator<Delivered<ClusterEventData>> {
    const target = targetMatcher(filter.target);
    const types = filter.types ? new Set<string>(filter.types) : undefined;
    return this.subscribe<ClusterEventData>(after, options, routeKeys('cluster', filter.target), (e) => {
      if (e.stream !== 'cluster') return false;
      if (types && !types.has(e.type)) return false;
      return target(e, e.architectures);
    });
  }

  /** A rollout's progress, after the cursor (or from now on). */
  subscribeRollout(
    rolloutId: string,
    after: string | undefined,
    options: SubscribeOptions,
  ): AsyncIterableIterator<Delivered<RolloutEventData>> {
    return this.subscribe<RolloutEventData>(
      after,
      options,
      routeKeys('rollout'),
      (e) => e.stream === 'rollout' && e.rolloutId === rolloutId,
    );
  }

  /** Logs a rollout's progress event (the rollout engine's). */
  appendRollout(data: Omit<RolloutEventData, 'stream' | 'observedAt'>): void {
    this.append({ stream: 'rollout', ...data, observedAt: new Date().toISOString() });
  }

  /** A backup's or a restore's progress, after the cursor (or from now on). */
  subscribeBackup(
    id: string,
    after: string | undefined,
    options: SubscribeOptions,
  ): AsyncIterableIterator<Delivered<BackupEventData>> {
    return this.subscribe<BackupEventData>(
      after,
      options,
      routeKeys('backup'),
      (e) => e.stream === 'backup' && e.id === id,
    );
  }

  /** Logs a backup's or a restore's progress. */
  appendBackup(data: Omit<BackupEventData, 'stream' | 'observedAt'>): void {
    this.append({ stream: 'backup', ...data, observedAt: new Date().toISOString() });
  }

  /** Subscribers connected now. */
  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  /** Events held for subscribers that are behind (each at most the subscriber buffer). */
  get heldEvents(): number {
    let held = 0;
    for (const s of this.subscriptions.subscribers()) held += s.buffered;
    return held;
  }

  /** Ends every subscription, stops following, and writes what is pending. */
  async close(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    for (const detach of this.detachers.values()) detach();
    this.detachers.clear();
    for (const s of this.subscriptions.subscribers()) await s.return();
    await this.log.close();
  }

  /**
   * A logged event as delivered: one object per event, shared by every subscriber it goes
   * to (so subscriptions selecting alike share its execution, see server/shared-execution.ts).
   */
  private delivered(logged: LoggedEvent): Delivered<FleetEventData> {
    let d = this.deliveredEvents.get(logged);
    if (d === undefined) {
      d = {
        ...(logged.payload as unknown as FleetEventData),
        seq: logged.seq,
        cursor: this.log.cursorOf(logged.seq),
      };
      this.deliveredEvents.set(logged, d);
    }
    return d;
  }

  private subscribe<E extends FleetEventData>(
    after: string | undefined,
    options: SubscribeOptions,
    keys: readonly string[],
    matches: (e: E) => boolean,
  ): AsyncIterableIterator<Delivered<E>> {
    const position = after === undefined ? this.log.head : this.log.positionOf(after);
    const sub: EventSubscription<Delivered<E>> = new EventSubscription<Delivered<E>>({
      log: this.log,
      after: position,
      bufferLimit: this.subscriberBuffer,
      select: (logged: LoggedEvent) => {
        const data = logged.payload as unknown as E;
        if (!matches(data)) return undefined;
        return this.delivered(logged) as unknown as Delivered<E>;
      },
      onOverflow: () => {
        this.logger.info(
          { buffer: this.subscriberBuffer },
          'a subscriber fell too far behind and was cut off',
        );
        options.onOverflow();
      },
      onEnd: () => this.subscriptions.delete(sub),
    });
    this.subscriptions.add(sub, keys);
    return sub;
  }

  // --- state ---------------------------------------------------------------------------

  private load(entries: readonly EventStateEntry[]): void {
    for (const e of entries) {
      if (e.scope === 'cluster') {
        const v = e.value as unknown as ClusterRecordState;
        this.trackers.set(e.cluster, { ...v, name: e.cluster, nodes: new Map(), events: new Map() });
      }
    }
    for (const e of entries) {
      const t = this.trackers.get(e.cluster);
      if (!t) continue;
      if (e.scope === 'node') t.nodes.set(e.key, e.value as unknown as NodeProjection);
      else if (e.scope === 'kubernetes-event' && typeof e.value === 'number') t.events.set(e.key, e.value);
    }
  }

  /** Reports registrations made or removed while the gateway was not running. */
  private reconcile(registered: readonly RegisteredCluster[]): void {
    const byName = new Map(registered.map((c) => [c.name, c]));
    for (const t of [...this.trackers.values()]) {
      const now = byName.get(t.name);
      if (now && now.createdAt.toISOString() === t.registeredAt) continue;
      this.unregistered(t);
    }
    for (const c of registered) if (!this.trackers.has(c.name)) this.registered(c);
  }

  private onRegistry(e: RegistryEvent): void {
    switch (e.type) {
      case 'registered': {
        const stale = this.trackers.get(e.cluster.name);
        if (stale) this.unregistered(stale);
        this.registered(e.cluster);
        return;
      }
      case 'updated': {
        const t = this.trackers.get(e.cluster.name);
        if (!t) return;
        t.site = e.cluster.site;
        t.labels = { ...e.cluster.labels };
        this.log.addState({ put: [this.clusterEntry(t)] });
        return;
      }
      case 'unregistered': {
        const t = this.trackers.get(e.cluster.name);
        if (t) this.unregistered(t);
        return;
      }
    }
  }

  private registered(c: RegisteredCluster): void {
    const t: Tracker = {
      name: c.name,
      registeredAt: c.createdAt.toISOString(),
      site: c.site,
      labels: { ...c.labels },
      architectures: [],
      nodeBaseline: false,
      eventBaseline: false,
      reported: null,
      unhealthySince: null,
      nodes: new Map(),
      events: new Map(),
    };
    this.trackers.set(c.name, t);
    this.appendCluster(t, 'CLUSTER_REGISTERED', null, 'CONNECTING', 'registered', null, null, {
      put: [this.clusterEntry(t)],
    });
  }

  private unregistered(t: Tracker): void {
    this.trackers.delete(t.name);
    this.appendCluster(t, 'CLUSTER_UNREGISTERED', t.reported, 'REMOVED', 'unregistered', null, null, {
      deleteClusters: [t.name],
    });
  }

  private clusterEntry(t: Tracker): EventStateEntry {
    const value: ClusterRecordState = {
      registeredAt: t.registeredAt,
      site: t.site,
      labels: t.labels,
      architectures: t.architectures,
      nodeBaseline: t.nodeBaseline,
      eventBaseline: t.eventBaseline,
      reported: t.reported,
      unhealthySince: t.unhealthySince,
    };
    return { scope: 'cluster', cluster: t.name, key: '', value: value as unknown as JsonValue };
  }

  // --- following a connection ------------------------------------------------------------

  private attach(cluster: RegisteredCluster, connection: ClusterConnection): void {
    if (this.detachers.has(connection)) return;
    const name = cluster.name;
    const nodes = connection.cache('Node');
    const events = connection.cache('NodeEvent');
    let nodesReconciled = false;
    let eventsReconciled = false;
    const offs = [
      nodes.onChange((c) => this.onNode(name, c)),
      nodes.onStatus((s) => {
        if (!s.synced || nodesReconciled) return;
        nodesReconciled = true;
        this.onNodesListed(name, new Set(nodes.list().map((n) => n.name)));
      }),
      events.onChange((c) => this.onKubernetesEvent(name, c)),
      events.onStatus((s) => {
        if (!s.synced || eventsReconciled) return;
        eventsReconciled = true;
        this.onEventsListed(name, new Set(events.list().map((e) => e.uid)));
      }),
      connection.onStateChange((c) => this.onState(name, c)),
    ];
    this.detachers.set(connection, () => {
      for (const off of offs) off();
    });
  }

  private detach(connection: ClusterConnection): void {
    this.detachers.get(connection)?.();
    this.detachers.delete(connection);
  }

  private onNode(cluster: string, change: CacheChange<NodeProjection>): void {
    const t = this.trackers.get(cluster);
    if (!t) return;
    const current = change.type === 'upsert' ? change.current : undefined;
    const name = change.type === 'upsert' ? change.current.name : change.previous.name;
    const previous = t.nodes.get(name);
    if (current) t.nodes.set(name, current);
    else t.nodes.delete(name);
    const state: Partial<EventStateWrites> = current
      ? { put: [{ scope: 'node', cluster, key: name, value: current as unknown as JsonValue }] }
      : { delete: [{ scope: 'node', cluster, key: name }] };
    if (!t.nodeBaseline) {
      // Adopting a cluster seen for the first time: its first list is the baseline.
      this.log.addState(state);
      return;
    }
    const changes = nodeChanges(previous, current);
    if (changes.length === 0) return;
    this.refreshArchitectures(t);
    const observedAt = new Date().toISOString();
    changes.forEach((c, i) => {
      const before = c.type === 'NODE_ADDED' ? undefined : previous;
      const after = c.type === 'NODE_REMOVED' ? undefined : current;
      const snapshot = after ?? before ?? null;
      const data: NodeEventData = {
        stream: 'node',
        ...origin(t),
        type: c.type,
        architecture: snapshot?.architecture ?? null,
        nodeName: name,
        previous: before ? nodeStateOf(before) : null,
        current: after ? nodeStateOf(after) : null,
        condition: c.condition ?? null,
        kubernetesEvent: null,
        observedAt,
        occurredAt: c.occurredAt,
        node: snapshot,
      };
      this.append(data, i === changes.length - 1 ? state : undefined);
    });
  }

  /** The first full node list of a connection: nodes gone meanwhile are reported removed. */
  private onNodesListed(cluster: string, present: ReadonlySet<string>): void {
    const t = this.trackers.get(cluster);
    if (!t) return;
    if (!t.nodeBaseline) {
      t.nodeBaseline = true;
      this.refreshArchitectures(t);
      this.log.addState({ put: [this.clusterEntry(t)] });
      return;
    }
    for (const [name, node] of [...t.nodes]) {
      if (present.has(name)) continue;
      this.onNode(cluster, { type: 'delete', previous: node });
    }
  }

  private onKubernetesEvent(cluster: string, change: CacheChange<EventProjection>): void {
    const t = this.trackers.get(cluster);
    if (!t) return;
    if (change.type === 'delete') {
      // Events expire (an hour by default); forget them with the cluster.
      if (t.events.delete(change.previous.uid)) {
        this.log.addState({ delete: [{ scope: 'kubernetes-event', cluster, key: change.previous.uid }] });
      }
      return;
    }
    const ev = change.current;
    if (ev.involvedObject.kind !== 'Node' || ev.involvedObject.name === null) return;
    const seen = t.events.get(ev.uid);
    if (seen !== undefined && ev.count <= seen) return;
    t.events.set(ev.uid, ev.count);
    const state = { put: [{ scope: 'kubernetes-event' as const, cluster, key: ev.uid, value: ev.count }] };
    if (!t.eventBaseline) {
      this.log.addState(state);
      return;
    }
    const node = t.nodes.get(ev.involvedObject.name) ?? null;
    this.append(
      {
        stream: 'node',
        ...origin(t),
        type: 'KUBERNETES_EVENT',
        architecture: node?.architecture ?? null,
        nodeName: ev.involvedObject.name,
        previous: null,
        current: node ? nodeStateOf(node) : null,
        condition: null,
        kubernetesEvent: {
          uid: ev.uid,
          namespace: ev.namespace,
          name: ev.name,
          reason: ev.reason,
          message: ev.message,
          type: ev.type,
          count: ev.count,
          sourceComponent: ev.source.component,
        },
        observedAt: new Date().toISOString(),
        occurredAt: ev.lastTimestamp,
        node,
      },
      state,
    );
  }

  /** The first full Event list of a connection: forget reported Events that expired meanwhile. */
  private onEventsListed(cluster: string, present: ReadonlySet<string>): void {
    const t = this.trackers.get(cluster);
    if (!t) return;
    if (!t.eventBaseline) {
      t.eventBaseline = true;
      this.log.addState({ put: [this.clusterEntry(t)] });
      return;
    }
    const gone = [...t.events.keys()].filter((uid) => !present.has(uid));
    for (const uid of gone) t.events.delete(uid);
    if (gone.length > 0) {
      this.log.addState({
        delete: gone.map((uid) => ({ scope: 'kubernetes-event' as const, cluster, key: uid })),
      });
    }
  }

  private onState(cluster: string, change: ClusterStateChange): void {
    const t = this.trackers.get(cluster);
    if (!t) return;
    const to: ReportedState | null =
      change.to === 'READY' || change.to === 'DEGRADED' || change.to === 'OFFLINE' ? change.to : null;
    if (to === null || to === t.reported) return;
    const previous = t.reported;
    const at = change.at;
    let outageSeconds: number | null = null;
    if (to === 'READY') {
      if (t.unhealthySince !== null) {
        outageSeconds = Math.max(0, (at.getTime() - Date.parse(t.unhealthySince)) / 1000);
      }
      t.unhealthySince = null;
    } else {
      t.unhealthySince ??= at.toISOString();
    }
    t.reported = to;
    this.refreshArchitectures(t);
    const reason =
      to === 'READY'
        ? previous === null
          ? 'connected: every cache synced and watching'
          : `recovered from ${previous}`
        : to === 'DEGRADED'
          ? change.reasons.join('; ') || 'some watches or requests are failing'
          : `no contact within the detection time${change.lastError ? `: ${change.lastError.message}` : ''}`;
    const lastError =
      to === 'READY' || change.lastError === null
        ? null
        : {
            code: change.lastError.code,
            message: change.lastError.message,
            at: change.lastError.at.toISOString(),
          };
    this.appendCluster(t, TYPE_OF_STATE[to], previous, to, reason, outageSeconds, lastError, {
      put: [this.clusterEntry(t)],
    });
  }

  private refreshArchitectures(t: Tracker): void {
    const now = this.connections.index.clusterArchitectures(t.name);
    if (now.length > 0) t.architectures = now;
  }

  private appendCluster(
    t: Tracker,
    type: ClusterEventType,
    previousState: ClusterState | null,
    state: ClusterState,
    reason: string,
    outageSeconds: number | null,
    lastError: ClusterEventData['lastError'],
    writes: Partial<EventStateWrites>,
  ): void {
    this.append(
      {
        stream: 'cluster',
        ...origin(t),
        type,
        architectures: [...t.architectures],
        previousState,
        state,
        reason,
        outageSeconds,
        lastError,
        observedAt: new Date().toISOString(),
      },
      writes,
    );
  }

  private append(data: FleetEventData, writes?: Partial<EventStateWrites>): void {
    this.log.append(
      {
        stream: data.stream,
        cluster: data.cluster ?? '',
        time: new Date(data.observedAt),
        payload: data as unknown as JsonValue,
      },
      writes,
    );
  }
}

function origin(t: Tracker): EventOrigin {
  return { cluster: t.name, site: t.site, clusterLabels: t.labels };
}

/**
 * The routing keys a subscription to a stream is filed under (SubscriberIndex): the clusters
 * its target names, else its sites, else the whole stream. A target's other fields
 * (architectures, cluster labels) are left to its matcher.
 */
function routeKeys(stream: LoggedEvent['stream'], target?: ClusterTarget): string[] {
  if (target?.clusters) return target.clusters.map((c) => `${stream}\0cluster\0${c}`);
  if (target?.sites) return target.sites.map((s) => `${stream}\0site\0${s}`);
  return [stream];
}

/** The routing keys of a logged event: its stream, its cluster, its site. */
function eventKeys(e: LoggedEvent): string[] {
  const keys: string[] = [e.stream];
  if (e.cluster !== '') keys.push(`${e.stream}\0cluster\0${e.cluster}`);
  const p = e.payload;
  const site = p !== null && typeof p === 'object' && !Array.isArray(p) ? p['site'] : undefined;
  if (typeof site === 'string') keys.push(`${e.stream}\0site\0${site}`);
  return keys;
}

/** A predicate for a ClusterTarget over an event's origin and architectures. */
function targetMatcher(
  target: ClusterTarget | undefined,
): (origin: EventOrigin, architectures: readonly Architecture[]) => boolean {
  if (!target) return () => true;
  const clusters = target.clusters ? new Set(target.clusters) : undefined;
  const sites = target.sites ? new Set(target.sites) : undefined;
  const archs = target.architectures ? new Set<string>(target.architectures) : undefined;
  const selector = parseSelectorField(target.clusterLabelSelector, 'clusterLabelSelector');
  return (o, architectures) =>
    (!clusters || clusters.has(o.cluster)) &&
    (!sites || sites.has(o.site)) &&
    (!archs || architectures.some((a) => archs.has(a))) &&
    (!selector || matchesLabels(selector, o.clusterLabels));
}
