import { describe, expect, it } from 'vitest';
import { StatsInputError } from '../engines/statistics/index.ts';
import { pairAndTest, type PairAndTestOptions } from './pair-and-test.ts';
import type { Keyed } from './pairing.ts';

const o: PairAndTestOptions = { by: 'seed', test: 'auto', labelA: 'A', labelB: 'B', metric: 'val/acc.max', alternative: 'two-sided', alpha: 0.05, confidence: 0.95 };
const side = (values: number[], keys: (string | null)[] = values.map((_, i) => String(i))): Keyed[] => values.map((value, i) => ({ runId: `r${i}-${value}`, key: keys[i]!, value }));
const A = side([0.91, 0.92, 0.935, 0.9, 0.94, 0.925, 0.915, 0.93]);
const B = side([0.9, 0.915, 0.92, 0.891, 0.932, 0.914, 0.903, 0.9235]);

describe('pairAndTest', () => {
  it('pairs by seed when the seeds match, and says so', () => {
    const { outcome, pairing } = pairAndTest(A, B, o);
    expect(pairing?.pairs).toHaveLength(8);
    expect(outcome).toMatchObject({ test: 'wilcoxon', paired: true, n: { pairs: 8 } });
    expect(outcome.reason).toMatch(/^every seed of A has a counterpart in B and vice versa, so the comparison is paired by seed \(8 pairs\); .*Wilcoxon signed-rank/);
    expect(outcome.warnings).toEqual([]);
  });

  it('pairs the matching seeds only and warns about the others', () => {
    const { outcome } = pairAndTest(A, side([0.9, 0.915, 0.92, 0.891, 0.932, 0.914], ['0', '1', '2', '3', '4', '99']), o);
    expect(outcome.n.pairs).toBe(5);
    expect(outcome.reason).toMatch(/^5 seed\(s\) appear on both sides, so those are paired by seed/);
    expect(outcome.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/seed\(s\) 5, 6, 7 of A have no counterpart in B/), expect.stringMatching(/seed\(s\) 99 of B have no counterpart/)]));
  });

  it('falls back to independent samples when fewer than 2 seeds match (auto), refuses paired tests without pairing', () => {
    const { outcome } = pairAndTest(A, side([0.9, 0.915, 0.92, 0.891], ['x', 'y', 'z', 'w']), o);
    expect(outcome.paired).toBe(false);
    expect(outcome.reason).toMatch(/^pairBy 'seed', but only 0 seed\(s\) appear on both sides: the sides are compared as independent samples/);
    expect(() => pairAndTest(A, B, { ...o, by: null, test: 'wilcoxon' })).toThrow(/set pairBy to 'seed' or 'segment'/);
    expect(pairAndTest(A, B, { ...o, test: 'welch-t' }).outcome).toMatchObject({ paired: false, reason: "test 'welch-t' compares independent samples, so pairBy 'seed' is not used" });
  });

  it('refuses what no test can answer, in terms of runs and seeds', () => {
    expect(() => pairAndTest(side([0.9]), B, { ...o, by: null })).toThrow(/A has only 1 run with a value of val\/acc\.max; comparing independent samples needs at least 2 per side/);
    expect(() => pairAndTest([], B, o)).toThrow(/A has no runs with a value of val\/acc\.max/);
    expect(() => pairAndTest(A, side([0.9, 0.8], ['0', 'q']), { ...o, test: 'paired-t' })).toThrow(/only 1 seed\(s\) appear on both sides; a paired test \('paired-t'\) needs at least 2 pairs/);
    expect(() => pairAndTest(side([1, 2], ['cat', 'dog']), side([1, 2], ['cat', 'bird']), { ...o, by: 'segment' })).toThrow(StatsInputError);
  });
});
