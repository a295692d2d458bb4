/**
 * Retries of a backup's requests: a flaky link is retried for as long as it still lets
 * requests through, a dead one is given up on, and an answer that says no is not retried.
 */
import { describe, expect, it } from 'vitest';
import { LinkProgress, withRetries } from '../../gateway/backups/capture.js';
import { ClusterRequestError } from '../../gateway/clusters/cluster-errors.js';

const FAST = { initialMs: 1, maxMs: 2 };

/** A request that is dropped (connection reset) `drops` times, then answers; records its calls. */
function droppedThenAnswered(drops: number): { calls: number; request: () => Promise<string> } {
  const rec = {
    calls: 0,
    request: async () => {
      rec.calls += 1;
      if (rec.calls <= drops) {
        throw new ClusterRequestError('unreachable', 'GET /api/v1/configmaps: connection reset', {
          errno: 'ECONNRESET',
        });
      }
      return 'page';
    },
  };
  return rec;
}

describe('backup request retries', () => {
  it('retries a page past six drops in a row while the link still gets requests through', async () => {
    const link = new LinkProgress(5_000);
    const page = droppedThenAnswered(12);
    await expect(withRetries(page.request, { link, backoff: FAST })).resolves.toBe('page');
    expect(page.calls).toBe(13);
  });

  it('gives a request six attempts when no link is tracked', async () => {
    const page = droppedThenAnswered(12);
    await expect(withRetries(page.request, { backoff: FAST })).rejects.toThrow(/connection reset/);
    expect(page.calls).toBe(6);
  });

  it('gives up on a link where nothing has succeeded for the stall time', async () => {
    const link = new LinkProgress(60);
    const page = droppedThenAnswered(Number.POSITIVE_INFINITY);
    const started = Date.now();
    await expect(withRetries(page.request, { link, backoff: FAST })).rejects.toThrow(/connection reset/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(page.calls).toBeGreaterThan(6);
    // Stalled now: the next request gets its six attempts, not another stall period.
    expect(link.stalled).toBe(true);
    const next = droppedThenAnswered(Number.POSITIVE_INFINITY);
    await expect(withRetries(next.request, { link, backoff: FAST })).rejects.toThrow(/connection reset/);
    expect(next.calls).toBe(6);
  });

  it('counts the stall from the last success, so a link that answers again is retried again', async () => {
    let now = 0;
    const link = new LinkProgress(1_000, () => now);
    now = 999;
    expect(link.stalled).toBe(false);
    now = 1_000;
    expect(link.stalled).toBe(true);
    link.succeeded();
    expect(link.stalled).toBe(false);
  });

  it('does not retry an answer that says no', async () => {
    let calls = 0;
    const forbidden = async () => {
      calls += 1;
      throw new ClusterRequestError('http', 'GET /api/v1/secrets: 403 Forbidden', { status: 403 });
    };
    await expect(withRetries(forbidden, { link: new LinkProgress(5_000), backoff: FAST })).rejects.toThrow(
      /403/,
    );
    expect(calls).toBe(1);
  });
});
