import { describe, expect, it } from 'vitest';
import { SubscriberIndex } from '../../gateway/events/subscriber-index.js';

interface Ev {
  seq: number;
  keys: string[];
}

const ev = (seq: number, ...keys: string[]): Ev => ({ seq, keys });
const keysOf = (e: Ev) => e.keys;
const seqs = (m: Map<string, Ev[]>) => Object.fromEntries([...m].map(([s, es]) => [s, es.map((e) => e.seq)]));

describe('SubscriberIndex', () => {
  it('offers each subscriber only the events filed under its keys, in order', () => {
    const index = new SubscriberIndex<string>();
    index.add('site-a', ['node site:a']);
    index.add('two-clusters', ['node cluster:x', 'node cluster:y']);
    index.add('all-nodes', ['node']);
    index.add('nothing', []);
    const batch = [
      ev(1, 'node', 'node cluster:x', 'node site:a'),
      ev(2, 'node', 'node cluster:z', 'node site:b'),
      ev(3, 'node', 'node cluster:y', 'node site:a'),
      ev(4, 'cluster', 'cluster cluster:x', 'cluster site:a'),
    ];
    expect(seqs(index.route(batch, keysOf))).toEqual({
      'site-a': [1, 3],
      'two-clusters': [1, 3],
      'all-nodes': [1, 2, 3],
    });
  });

  it('offers an event once to a subscriber that shares several of its keys', () => {
    const index = new SubscriberIndex<string>();
    index.add('both', ['node cluster:x', 'node site:a']);
    expect(seqs(index.route([ev(1, 'node cluster:x', 'node site:a'), ev(2, 'node site:a')], keysOf))).toEqual(
      {
        both: [1, 2],
      },
    );
  });

  it('forgets a deleted subscriber, and re-files one added again', () => {
    const index = new SubscriberIndex<string>();
    index.add('s', ['k1']);
    index.add('t', ['k1']);
    index.delete('s');
    index.delete('s');
    expect(index.size).toBe(1);
    expect(index.subscribers()).toEqual(['t']);
    expect(seqs(index.route([ev(1, 'k1')], keysOf))).toEqual({ t: [1] });
    index.add('t', ['k2']);
    expect(seqs(index.route([ev(1, 'k1'), ev(2, 'k2')], keysOf))).toEqual({ t: [2] });
    index.delete('t');
    expect(index.size).toBe(0);
    expect(index.route([ev(1, 'k1'), ev(2, 'k2')], keysOf).size).toBe(0);
  });
});
