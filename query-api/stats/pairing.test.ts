import { describe, expect, it } from 'vitest';
import { averageByKey, compareKeys, pairingWarnings, pairObservations, seedOf } from './pairing.ts';
import { fakeRun } from './test-runs.ts';

describe('seedOf', () => {
  it('takes params.seed, then random_seed / rng_seed, then lineage.seed', () => {
    expect(seedOf(fakeRun('r', { seed: 3, random_seed: 9 }, { seed: 7 }))).toBe('3');
    expect(seedOf(fakeRun('r', { rng_seed: 'x1' }, { seed: 7 }))).toBe('x1');
    expect(seedOf(fakeRun('r', { lr: 1 }, { seed: 7 }))).toBe('7');
    expect(seedOf(fakeRun('r', { lr: 1 }))).toBeNull();
  });
});

describe('pairObservations', () => {
  it('pairs by key, averages repeated keys, and reports what is left out', () => {
    const a = [
      { runId: 'a1', key: '1', value: 10 },
      { runId: 'a2', key: '2', value: 20 },
      { runId: 'a2b', key: '2', value: 22 },
      { runId: 'a10', key: '10', value: 100 },
      { runId: 'a-none', key: null, value: 5 },
    ];
    const b = [
      { runId: 'b2', key: '2', value: 19 },
      { runId: 'b10', key: '10', value: 90 },
      { runId: 'b3', key: '3', value: 30 },
    ];
    const p = pairObservations('seed', a, b);
    expect(p.pairs).toEqual([
      { key: '2', a: 21, b: 19, runIdsA: ['a2', 'a2b'], runIdsB: ['b2'] },
      { key: '10', a: 100, b: 90, runIdsA: ['a10'], runIdsB: ['b10'] },
    ]);
    expect(p).toMatchObject({ onlyA: ['1'], onlyB: ['3'], noKeyA: ['a-none'], noKeyB: [], averagedA: ['2'], averagedB: [] });
    const w = pairingWarnings(p, 'A', 'B');
    expect(w).toEqual([
      'pairing keys missing on one side: seed(s) 1 of A have no counterpart in B; a paired test leaves them out',
      'pairing keys missing on one side: seed(s) 3 of B have no counterpart in A; a paired test leaves them out',
      expect.stringMatching(/^pairing keys missing: 1 run\(s\) of A have no seed .*: a-none$/),
      'A has several runs for seed(s) 2; they are averaged into one value per seed before pairing',
    ]);
  });

  it('orders numeric keys numerically and text keys after them', () => {
    expect(['10', 'class=cat', '2', '-1', 'class=bird'].sort(compareKeys)).toEqual(['-1', '2', '10', 'class=bird', 'class=cat']);
    expect(averageByKey([{ runId: 'r1', key: 'b', value: 1 }, { runId: 'r2', key: 'a', value: 2 }, { runId: 'r3', key: 'b', value: 3 }])).toEqual([2, 2]);
  });
});
