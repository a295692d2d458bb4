/** Retention of scheduled backups: the newest N, one per day, one per ISO week. */
import { describe, expect, it } from 'vitest';
import { keptBackups } from '../../gateway/backups/backup-schedules.js';
import type { Backup } from '../../gateway/backups/backup-service.js';

function backup(id: string, createdAt: string, phase: Backup['phase'] = 'COMPLETED'): Backup {
  return {
    id,
    cluster: 'c',
    actor: 'schedule:x',
    createdAt,
    updatedAt: createdAt,
    completedAt: createdAt,
    phase,
    message: null,
    filter: { includeSecrets: true, includeClusterScoped: true },
    objectCount: 1,
    resourceCounts: [],
    errors: [],
    archive: null,
    facts: null,
    scheduleId: 's',
  };
}

describe('backup retention', () => {
  const history = [
    backup('mon-1', '2026-11-30T01:00:00Z'),
    backup('mon-2', '2026-11-30T13:00:00Z'),
    backup('tue-1', '2026-12-01T01:00:00Z'),
    backup('tue-2', '2026-12-01T13:00:00Z', 'FAILED'),
    backup('wed-1', '2026-12-02T01:00:00Z'),
    backup('prev-week', '2026-11-25T01:00:00Z'),
    backup('two-weeks', '2026-11-18T01:00:00Z'),
  ];

  it('keeps the newest keepLast whatever their phase', () => {
    expect([...keptBackups(history, { keepLast: 2, keepDaily: 0, keepWeekly: 0 })].sort()).toEqual([
      'tue-2',
      'wed-1',
    ]);
  });

  it('keeps the newest completed backup of each of the last keepDaily days', () => {
    expect([...keptBackups(history, { keepLast: 1, keepDaily: 3, keepWeekly: 0 })].sort()).toEqual([
      'mon-2',
      'tue-1',
      'wed-1',
    ]);
  });

  it('keeps the newest completed backup of each of the last keepWeekly ISO weeks', () => {
    expect([...keptBackups(history, { keepLast: 1, keepDaily: 0, keepWeekly: 3 })].sort()).toEqual([
      'prev-week',
      'two-weeks',
      'wed-1',
    ]);
  });
});
