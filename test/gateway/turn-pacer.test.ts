/**
 * The restore's pacer lets at most N callers through per event-loop turn, and every caller
 * through eventually, in order.
 */
import { describe, expect, it } from 'vitest';
import { turnPacer } from '../../gateway/backups/turn-pacer.js';

describe('turnPacer', () => {
  it('lets at most perTurn callers through per turn of the event loop, in order', async () => {
    const pace = turnPacer(3);
    let turn = 0;
    let ticking = true;
    const tick = () => {
      if (!ticking) return;
      turn++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const passed: { i: number; turn: number }[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        await pace();
        passed.push({ i, turn });
      }),
    );
    ticking = false;
    expect(passed.map((p) => p.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const perTurn = new Map<number, number>();
    for (const p of passed) perTurn.set(p.turn, (perTurn.get(p.turn) ?? 0) + 1);
    expect(Math.max(...perTurn.values())).toBe(3);
    // 10 callers at 3 a turn need four turns.
    expect(perTurn.size).toBe(4);
  });
});
