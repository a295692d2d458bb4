/**
 * LIVE reads: the same fleet queries, answered from every targeted API server instead of
 * the watch caches. One LiveReads per GraphQL request: its DataLoader batches and dedupes
 * the (cluster, kind) lists the request's fields need, fetches them in parallel under one
 * deadline, and a cluster that misses the deadline or fails is served from its cache,
 * marked stale, with the error, so the fleet view is never blanked.
 */
import DataLoader from 'dataloader';
import { CACHED_KINDS, type CachedKind, type ProjectionByKind } from '../clusters/cached-kinds.js';
import { errorCodeOf, isClusterRequestError } from '../clusters/cluster-errors.js';
import type { FleetIndex } from '../clusters/fleet-index.js';
import type { ClusterOverride, ClusterReader } from '../clusters/fleet-queries.js';
import type { KubeClient } from '../clusters/kube-client.js';
import type { ObjectIdentity } from '../clusters/projections.js';
import { validationFailed } from '../errors.js';
import { ErrorCode, type ClusterTarget } from '../vocabulary.js';

/** Deadline bounds of a LIVE read, in ms. */
export const LIVE_DEADLINE = { defaultMs: 5000, minMs: 100, maxMs: 60_000 } as const;

/** Items per page of a live list. */
const LIVE_PAGE_SIZE = 500;

interface LiveKey {
  cluster: string;
  kind: CachedKind;
  deadlineMs: number;
}

type LiveList = { items: ObjectIdentity[]; at: Date };

/** Validates a LIVE deadline. */
export function liveDeadline(ms: number | null | undefined): number {
  if (ms === undefined || ms === null) return LIVE_DEADLINE.defaultMs;
  if (!Number.isInteger(ms) || ms < LIVE_DEADLINE.minMs || ms > LIVE_DEADLINE.maxMs) {
    throw validationFailed(
      `deadlineMs is ${ms}; expected an integer from ${LIVE_DEADLINE.minMs} to ${LIVE_DEADLINE.maxMs}`,
      { field: 'deadlineMs' },
    );
  }
  return ms;
}

/** Lists every page of a kind from one cluster, projected, within the deadline. */
async function listLive(client: KubeClient, kind: CachedKind, deadline: number): Promise<LiveList> {
  const spec = CACHED_KINDS[kind];
  const items: ObjectIdentity[] = [];
  let continueToken: string | undefined;
  do {
    const left = deadline - Date.now();
    if (left <= 0) throw new DeadlineError(client.cluster);
    const page = await client.list(
      spec.path,
      { ...spec.query, limit: LIVE_PAGE_SIZE, continue: continueToken },
      { timeoutMs: left },
    );
    for (const obj of page.items) {
      const p = spec.project(obj);
      if (p) items.push(p);
    }
    continueToken = page.continueToken;
  } while (continueToken);
  return { items, at: new Date() };
}

class DeadlineError extends Error {
  constructor(cluster: string) {
    super(`cluster ${cluster} did not answer within the deadline`);
  }
}

/** Per-request live reader over the fleet. */
export class LiveReads {
  private readonly loader: DataLoader<LiveKey, LiveList, string>;

  constructor(private readonly index: FleetIndex) {
    this.loader = new DataLoader<LiveKey, LiveList, string>((keys) => this.fetch(keys), {
      cacheKeyFn: (k) => `${k.cluster}\u0000${k.kind}\u0000${k.deadlineMs}`,
    });
  }

  /**
   * Reads `kinds` of every targeted cluster live and returns overrides for the fleet index:
   * a live reader where the cluster answered in time, its stale cache with an error where
   * it did not.
   */
  async overrides(
    target: ClusterTarget | undefined,
    kinds: readonly CachedKind[],
    deadlineMs: number,
  ): Promise<Map<string, ClusterOverride>> {
    const { clusters } = this.index.resolveTarget(target);
    const out = new Map<string, ClusterOverride>();
    await Promise.all(
      clusters.map(async (cluster) => {
        const results = await Promise.all(
          kinds.map((kind) =>
            this.loader.load({ cluster, kind, deadlineMs }).then(
              (list) => ({ kind, list }),
              (e: unknown) => ({ kind, error: e }),
            ),
          ),
        );
        const conn = this.index.connection(cluster);
        if (!conn) return;
        const failed = results.find((r): r is { kind: CachedKind; error: unknown } => 'error' in r);
        if (failed) {
          const cached = conn.freshness(kinds);
          const e = failed.error;
          const code = isClusterRequestError(e) ? errorCodeOf(e) : ErrorCode.CLUSTER_UNREACHABLE;
          const message = e instanceof Error ? e.message : String(e);
          const reader = this.index.reader(cluster);
          if (!reader) return;
          out.set(cluster, {
            reader,
            freshness: {
              ...cached,
              stale: true,
              error: { code, message: `live read of ${failed.kind} failed: ${message}; serving the cache` },
            },
          });
          return;
        }
        const lists = new Map<CachedKind, LiveList>();
        for (const r of results) if ('list' in r) lists.set(r.kind, r.list);
        const at = Math.min(...[...lists.values()].map((l) => l.at.getTime()));
        out.set(cluster, {
          reader: liveReader(lists),
          freshness: { cluster, state: conn.state, observedAt: new Date(at), stale: false },
        });
      }),
    );
    return out;
  }

  private async fetch(keys: readonly LiveKey[]): Promise<(LiveList | Error)[]> {
    return Promise.all(
      keys.map(async (k) => {
        const conn = this.index.connection(k.cluster);
        if (!conn) return new Error(`cluster ${k.cluster} is not registered`);
        try {
          return await listLive(conn.client, k.kind, Date.now() + k.deadlineMs);
        } catch (e) {
          return e instanceof Error ? e : new Error(String(e));
        }
      }),
    );
  }
}

/** A reader over lists fetched live. */
function liveReader(lists: ReadonlyMap<CachedKind, LiveList>): ClusterReader {
  const byKey = new Map<CachedKind, Map<string, ObjectIdentity>>();
  const itemsOf = (kind: CachedKind): ObjectIdentity[] => lists.get(kind)?.items ?? [];
  return {
    list<K extends CachedKind>(kind: K, namespace?: string): readonly ProjectionByKind[K][] {
      const items = itemsOf(kind) as ProjectionByKind[K][];
      return namespace === undefined ? items : items.filter((i) => i.namespace === namespace);
    },
    get<K extends CachedKind>(kind: K, namespace: string, name: string): ProjectionByKind[K] | undefined {
      let m = byKey.get(kind);
      if (!m) {
        m = new Map(itemsOf(kind).map((i) => [`${i.namespace}/${i.name}`, i]));
        byKey.set(kind, m);
      }
      return m.get(`${namespace}/${name}`) as ProjectionByKind[K] | undefined;
    },
  };
}
