import { describe, expect, it } from 'vitest';
import { groupRuns } from '../groups/grouping.ts';
import { parseMetricRef } from '../selection/selection.ts';
import { pairedTTest, welchTTest } from '../engines/statistics/index.ts';
import { expectRel } from '../engines/statistics/test-util.ts';
import { leaderboard, type LeaderboardOptions } from './leaderboard.ts';
import { fakeRun } from './test-runs.ts';

// Three learning rates × 4 seeds, values chosen by hand: lr=0.01 is best (mean 0.915), lr=0.1
// close behind (0.895), lr=0.001 far behind (0.715).
const table: Record<string, number[]> = { '0.01': [0.9, 0.91, 0.92, 0.93], '0.1': [0.88, 0.9, 0.89, 0.91], '0.001': [0.7, 0.72, 0.71, 0.73] };
const runs = Object.entries(table).flatMap(([lr, vals]) => vals.map((_, s) => fakeRun(`lr${lr}-s${s}`, { lr: Number(lr), seed: s }, { seed: s })));
const values = new Map(Object.entries(table).flatMap(([lr, vals]) => vals.map((v, s): [string, number] => [`lr${lr}-s${s}`, v])));
const groups = groupRuns(runs, ['lr']);
const opts: LeaderboardOptions = { metric: parseMetricRef('val/acc.max'), direction: 'maximize', test: 'welch-t', pairBy: 'none', correction: 'holm', alpha: 0.05, confidence: 0.95, groupParams: ['lr'] };

describe('leaderboard', () => {
  it('ranks groups and adjusts the p-values against the best by Holm, by hand', () => {
    const lb = leaderboard(groups, values, opts);
    expect(lb.groups.map((g) => [g.rank, g.label, g.n])).toEqual([[1, 'lr=0.01', 4], [2, 'lr=0.1', 4], [3, 'lr=0.001', 4]]);
    expectRel(lb.groups[0]!.mean!, 0.915);
    expectRel(lb.groups[0]!.std!, Math.sqrt(0.0005 / 3));
    const pNear = welchTTest(table['0.01']!, table['0.1']!).pValue; // t = 2.19, df = 6: p ≈ 0.071
    const pFar = welchTTest(table['0.01']!, table['0.001']!).pValue;
    expect(pNear).toBeGreaterThan(0.06);
    expect(pFar).toBeLessThan(1e-5);
    // Holm with m = 2: the smaller p doubles, the larger stays (but never below the first).
    expectRel(lb.groups[2]!.vsBest!.adjustedPValue!, 2 * pFar);
    expectRel(lb.groups[1]!.vsBest!.adjustedPValue!, Math.max(pNear, 2 * pFar));
    expect(lb.groups[1]!.vsBest!.result).toMatchObject({ test: 'welch-t', pValue: pNear, estimate: expect.closeTo(0.02, 12) });
    expect(lb.groups.map((g) => g.indistinguishableFromBest)).toEqual([true, true, false]);
    expect(lb.indistinguishableFromBest).toEqual(['lr=0.01', 'lr=0.1']);
    expect(lb.best).toBe('lr=0.01');
    expect(lb.summary).toMatch(/^lr=0\.01 ranks first on val\/acc\.max \(highest mean 0\.915, n = 4\); 1 of 2 other group\(s\) cannot be told apart from it at alpha = 0\.05 after Holm correction: lr=0\.1 \(adjusted p = 0\.071\)$/);
  });

  it('uses Benjamini-Hochberg on request', () => {
    const lb = leaderboard(groups, values, { ...opts, correction: 'bh' });
    const pNear = welchTTest(table['0.01']!, table['0.1']!).pValue;
    const pFar = welchTTest(table['0.01']!, table['0.001']!).pValue;
    // BH with m = 2: the larger p stays, the smaller becomes min(larger, 2 · smaller).
    expectRel(lb.groups[1]!.vsBest!.adjustedPValue!, pNear);
    expectRel(lb.groups[2]!.vsBest!.adjustedPValue!, Math.min(pNear, 2 * pFar));
  });

  it('pairs by seed when the groups share seeds (auto: paired t with 4 pairs)', () => {
    const lb = leaderboard(groups, values, { ...opts, test: 'auto', pairBy: 'seed' });
    const vs = lb.groups[1]!.vsBest!;
    expect(vs.result).toMatchObject({ test: 'paired-t', paired: true, n: { pairs: 4 } });
    expectRel(vs.result!.pValue!, pairedTTest(table['0.01']!, table['0.1']!).pValue);
    expect(vs.reason).toMatch(/paired by seed \(4 pairs\)/);
  });

  it('ranks the lowest first when minimizing, and treats untestable groups as indistinguishable', () => {
    const extra = fakeRun('lr1-s0', { lr: 1, seed: 0 }, { seed: 0 });
    const lb = leaderboard(groupRuns([...runs, extra], ['lr']), new Map([...values, ['lr1-s0', 0.1]]), { ...opts, direction: 'minimize', test: 'auto', pairBy: 'none' });
    expect(lb.groups.map((g) => g.label)).toEqual(['lr=1', 'lr=0.001', 'lr=0.1', 'lr=0.01']);
    // The best group has one run: nothing can be tested against it.
    expect(lb.groups.slice(1).every((g) => g.vsBest?.untestable && g.indistinguishableFromBest)).toBe(true);
    expect(lb.groups[1]!.vsBest!.untestable).toMatch(/lr=1 has only 1 run with a value of val\/acc\.max/);
    expect(lb.warnings[0]).toMatch(/3 group\(s\) could not be tested against the best/);
  });

  it('refuses paired tests without pairing, and leaves groups without values unranked', () => {
    expect(() => leaderboard(groups, values, { ...opts, test: 'wilcoxon' })).toThrow(/set pairBy to 'seed'/);
    const lonely = fakeRun('nov', { lr: 5 });
    const lb = leaderboard(groupRuns([...runs, lonely], ['lr']), values, opts);
    expect(lb.groups).toHaveLength(3);
    expect(lb.warnings[0]).toMatch(/^1 group\(s\) have no run with val\/acc\.max and are not ranked: lr=5/);
  });
});
