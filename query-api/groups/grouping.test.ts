import { describe, expect, it } from 'vitest';
import type { ParamValue } from '../engines/sweep-analytics/index.ts';
import { fakeRun } from '../stats/test-runs.ts';
import { allButSeed, groupColumns, groupCommon, groupMean, groupRuns } from './grouping.ts';

const columns: Record<string, ParamValue[]> = {
  batch_size: [64, 32, 64, 32, 64, null, 64],
  optimizer: ['sgd', 'adam', 'Adam', 'adam', 'sgd', 'adam', 'sgd'],
  lr: [0.1, 0.2, 0.3, 0.2, 0.1, 0.5, 0.4],
  seed: [0, 1, 2, 3, 4, 5, 6],
};
const n = 7;

describe('groupColumns', () => {
  it('groups by the key values, in the stable category order, missing values last', () => {
    const g = groupColumns(columns, ['batch_size', 'optimizer'], n);
    // 32 < 64 < missing; "Adam" and "adam" differ, case-folded natural order puts "Adam" first
    expect(g.labels).toEqual(['batch_size=32, optimizer=adam', 'batch_size=64, optimizer=Adam', 'batch_size=64, optimizer=sgd', 'batch_size=∅, optimizer=adam']);
    expect(g.sizes).toEqual([2, 1, 3, 1]);
    expect(Array.from(g.groupOf)).toEqual([2, 0, 1, 0, 2, 3, 2]);
    expect(g.keys).toEqual({ batch_size: [32, 64, 64, null], optimizer: ['adam', 'Adam', 'sgd', 'adam'] });
  });

  it('keeps 1 and "1" apart, and groups everything into one row with no params', () => {
    const g = groupColumns({ v: [1, '1', 1, true] }, ['v'], 4);
    expect(g.labels).toEqual(['v=true', 'v=1', 'v=1']);
    expect(g.sizes).toEqual([1, 2, 1]);
    expect(g.keys.v).toEqual([true, 1, '1']);
    const all = groupColumns(columns, [], n);
    expect(all).toMatchObject({ labels: ['all runs'], sizes: [7] });
  });

  it('drops seeds for all-but-seed', () => {
    expect(allButSeed(['lr', 'seed', 'random_seed', 'batch_size'])).toEqual(['lr', 'batch_size']);
  });
});

describe('reducing columns per group', () => {
  const g = groupColumns(columns, ['batch_size', 'optimizer'], n);

  it('keeps a param only where the whole group shares it', () => {
    // lr per group: {0.2, 0.2} → 0.2; {0.3} → 0.3; {0.1, 0.1, 0.4} → mixed; {0.5} → 0.5
    expect(groupCommon(columns.lr!, g)).toEqual([0.2, 0.3, null, 0.5]);
    expect(groupCommon([null, null, 1, null, 2, 3, 2], g)).toEqual([null, 1, null, 3]);
  });

  it('averages a metric over the runs that have it', () => {
    const acc = [0.9, 0.5, 0.7, 0.7, 0.8, null, null];
    const m = groupMean(acc, g);
    expect(m[0]).toBeCloseTo(0.6, 12);
    expect(m[1]).toBe(0.7);
    expect(m[2]).toBeCloseTo(0.85, 12);
    expect(m[3]).toBeNull();
  });
});

describe('groupRuns (run records)', () => {
  it('groups as groupColumns does, in the order of each group first run, keys and labels per group', () => {
    const runs = Array.from({ length: n }, (_, i) => fakeRun(`r${i}`, Object.fromEntries(Object.entries(columns).filter(([, v]) => v[i] !== null).map(([k, v]) => [k, v[i]!]))));
    const groups = groupRuns(runs, ['batch_size', 'optimizer']);
    expect(groups.map((g) => g.label)).toEqual(['batch_size=64, optimizer=sgd', 'batch_size=32, optimizer=adam', 'batch_size=64, optimizer=Adam', 'batch_size=∅, optimizer=adam']);
    expect(groups.map((g) => g.runs.map((r) => r.id))).toEqual([['r0', 'r4', 'r6'], ['r1', 'r3'], ['r2'], ['r5']]);
    expect(groups.map((g) => ({ ...g.key }))).toEqual([
      { batch_size: 64, optimizer: 'sgd' },
      { batch_size: 32, optimizer: 'adam' },
      { batch_size: 64, optimizer: 'Adam' },
      { batch_size: null, optimizer: 'adam' },
    ]);
    // The same partition as the columnar grouping, and one label for a group without params.
    const columnar = groupColumns(columns, ['batch_size', 'optimizer'], n);
    expect([...groups.map((g) => g.label)].sort()).toEqual([...columnar.labels].sort());
    expect(groupRuns(runs, []).map((g) => [g.label, g.runs.length])).toEqual([['all runs', n]]);
  });

  it('keeps 1 and "1", true and "true" apart', () => {
    const runs = [fakeRun('a', { x: 1 }), fakeRun('b', { x: '1' }), fakeRun('c', { x: true }), fakeRun('d', { x: 'true' }), fakeRun('e', { x: 1 })];
    expect(groupRuns(runs, ['x']).map((g) => g.runs.map((r) => r.id))).toEqual([['a', 'e'], ['b'], ['c'], ['d']]);
  });
});
