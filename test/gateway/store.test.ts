import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetError } from '../../gateway/errors.js';
import { openSqliteStore, SQLITE_FILE } from '../../gateway/store/sqlite.js';
import type { FleetStore, NewClusterRecord } from '../../gateway/store/types.js';

let dir: string;
let store: FleetStore | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetgraph-store-'));
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function open(now?: () => Date): Promise<FleetStore> {
  store = await openSqliteStore({ dataDir: join(dir, 'data'), ...(now ? { now } : {}) });
  return store;
}

function cluster(name: string, extra: Partial<NewClusterRecord> = {}): NewClusterRecord {
  return {
    name,
    site: 'site-a',
    labels: { tier: 'edge' },
    source: 'registered',
    server: `https://${name}.example:6443`,
    credentialsEncrypted: `sealed-${name}`,
    ...extra,
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (e instanceof FleetError) return e.code;
  throw new Error(`expected a FleetError, got ${String(e)}`);
}

describe('SQLite fleet store', () => {
  it('creates an owner-only data dir and database file in WAL mode', async () => {
    await open();
    expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'data', SQLITE_FILE))).mode & 0o777).toBe(0o600);
    // WAL mode keeps a -wal file next to the database once something is written.
    await store?.insertCluster(cluster('a'));
    await expect(stat(join(dir, 'data', `${SQLITE_FILE}-wal`))).resolves.toBeTruthy();
  });

  it('inserts, reads, lists by name and deletes clusters', async () => {
    const s = await open();
    const inserted = await s.insertCluster(
      cluster('b', { labels: { tier: 'dc', 'example.com/zone': 'z1' } }),
    );
    await s.insertCluster(cluster('a'));
    expect(inserted.version).toBe(1);
    expect(inserted.createdAt).toBeInstanceOf(Date);
    expect(await s.getCluster('b')).toEqual(inserted);
    expect((await s.listClusters()).map((c) => c.name)).toEqual(['a', 'b']);
    expect((await s.deleteCluster('a'))?.name).toBe('a');
    expect(await s.deleteCluster('a')).toBeUndefined();
    expect(await s.getCluster('a')).toBeUndefined();
  });

  it('rejects a second cluster with the same name as CONFLICT', async () => {
    const s = await open();
    await s.insertCluster(cluster('a'));
    expect(await codeOf(s.insertCluster(cluster('a', { site: 'other' })))).toBe('CONFLICT');
    expect((await s.getCluster('a'))?.site).toBe('site-a');
  });

  it('applies an update only at the expected version and reports a stale one as CONFLICT', async () => {
    let t = Date.parse('2025-01-01T00:00:00Z');
    const s = await open(() => new Date((t += 1000)));
    const v1 = await s.insertCluster(cluster('a'));
    const v2 = await s.updateCluster('a', 1, { site: 'site-b', labels: {} });
    expect(v2).toMatchObject({ version: 2, site: 'site-b', labels: {}, credentialsEncrypted: 'sealed-a' });
    expect(v2.updatedAt.getTime()).toBeGreaterThan(v1.updatedAt.getTime());
    expect(v2.createdAt).toEqual(v1.createdAt);
    const stale = await s.updateCluster('a', 1, { site: 'site-c' }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(FleetError);
    expect((stale as FleetError).code).toBe('CONFLICT');
    expect((stale as FleetError).message).toMatch(/at version 2, not the expected version 1/);
    expect((await s.getCluster('a'))?.site).toBe('site-b');
    expect(await codeOf(s.updateCluster('missing', 1, { site: 'x' }))).toBe('NOT_FOUND');
  });

  it('deletes only the clusters of one source', async () => {
    const s = await open();
    await s.insertCluster(cluster('demo-1', { source: 'demo' }));
    await s.insertCluster(cluster('demo-2', { source: 'demo' }));
    await s.insertCluster(cluster('real'));
    expect((await s.listClusters({ source: 'demo' })).map((c) => c.name)).toEqual(['demo-1', 'demo-2']);
    expect((await s.deleteClustersBySource('demo')).map((c) => c.name)).toEqual(['demo-1', 'demo-2']);
    expect((await s.listClusters()).map((c) => c.name)).toEqual(['real']);
  });

  it('rolls back every write of a transaction that throws', async () => {
    const s = await open();
    await s.insertCluster(cluster('existing'));
    const err = await s
      .transaction(async (tx) => {
        await tx.insertCluster(cluster('new-1'));
        await tx.appendAudit({ actor: 'u', action: 'x', target: null, input: null, outcome: 'success' });
        await tx.insertCluster(cluster('existing'));
      })
      .catch((e: unknown) => e);
    expect((err as FleetError).code).toBe('CONFLICT');
    expect((await s.listClusters()).map((c) => c.name)).toEqual(['existing']);
    expect((await s.listAudit({ limit: 10 })).entries).toEqual([]);
  });

  it('commits a transaction that resolves, including nested transactions', async () => {
    const s = await open();
    const n = await s.transaction(async (tx) => {
      await tx.insertCluster(cluster('a'));
      await tx.transaction((inner) => inner.insertCluster(cluster('b')));
      return (await tx.listClusters()).length;
    });
    expect(n).toBe(2);
    expect((await s.listClusters()).map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('lists audit entries newest first, filtered and paged by cursor', async () => {
    let t = Date.parse('2025-01-01T00:00:00Z');
    const s = await open(() => new Date((t += 60_000)));
    for (let i = 0; i < 5; i++) {
      await s.appendAudit({
        actor: i % 2 === 0 ? 'alice' : 'bob',
        action: i < 3 ? 'cluster.register' : 'cluster.update',
        target: { type: 'cluster', name: `c${i}` },
        input: { i },
        outcome: i === 4 ? 'failure' : 'success',
        ...(i === 4 ? { errorCode: 'CONFLICT' as const, errorMessage: 'taken' } : {}),
      });
    }
    const first = await s.listAudit({ limit: 2 });
    expect(first.entries.map((e) => e.input)).toEqual([{ i: 4 }, { i: 3 }]);
    expect(first.entries[0]).toMatchObject({
      outcome: 'failure',
      errorCode: 'CONFLICT',
      errorMessage: 'taken',
    });
    expect(first.nextCursor).toBeDefined();
    const second = await s.listAudit({ limit: 2, ...(first.nextCursor ? { after: first.nextCursor } : {}) });
    expect(second.entries.map((e) => e.input)).toEqual([{ i: 2 }, { i: 1 }]);
    const third = await s.listAudit({ limit: 2, ...(second.nextCursor ? { after: second.nextCursor } : {}) });
    expect(third.entries.map((e) => e.input)).toEqual([{ i: 0 }]);
    expect(third.nextCursor).toBeUndefined();

    expect((await s.listAudit({ limit: 10, actor: 'alice' })).entries.map((e) => e.input)).toEqual([
      { i: 4 },
      { i: 2 },
      { i: 0 },
    ]);
    expect((await s.listAudit({ limit: 10, action: 'cluster.update' })).entries).toHaveLength(2);
    const since = new Date(Date.parse('2025-01-01T00:03:00Z'));
    expect((await s.listAudit({ limit: 10, since })).entries.map((e) => e.input)).toEqual([
      { i: 4 },
      { i: 3 },
      { i: 2 },
    ]);
  });

  it('rejects a bad page size or a foreign cursor with VALIDATION_FAILED', async () => {
    const s = await open();
    expect(await codeOf(s.listAudit({ limit: 0 }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(s.listAudit({ limit: 5000 }))).toBe('VALIDATION_FAILED');
    await expect(s.listAudit({ limit: 5, after: 'garbage' })).rejects.toThrow(/audit cursor "garbage"/);
  });

  it('keeps clusters and audit entries across close and reopen', async () => {
    const s = await open();
    await s.insertCluster(cluster('a'));
    await s.updateCluster('a', 1, { labels: { env: 'prod' } });
    await s.appendAudit({
      actor: 'alice',
      action: 'cluster.register',
      target: 'a',
      input: {},
      outcome: 'success',
    });
    await s.close();
    store = undefined;
    const again = await open();
    expect(await again.getCluster('a')).toMatchObject({ version: 2, labels: { env: 'prod' } });
    expect((await again.listAudit({ limit: 10 })).entries).toMatchObject([{ actor: 'alice', target: 'a' }]);
  });
});
