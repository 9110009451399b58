import { describe, expect, it } from 'vitest';
import { runsInvolved, shows } from './support.ts';

const compare = (over: Record<string, unknown> = {}) => ({
  summary: 'B beats A on val/acc.max by 0.05 (p = 0.003)',
  direction: 'maximize',
  sides: { a: { runIds: ['a1', 'a2'] }, b: { runIds: ['b1', 'b2'] } },
  result: { significant: true, pValue: 0.003, estimate: -0.05 },
  ...over,
});

const leaderboard = {
  summary: 'lr=0.01 is best',
  best: 'lr=0.01',
  groups: [
    { rank: 1, label: 'lr=0.01', runIds: ['r1', 'r2'], vsBest: null },
    { rank: 2, label: 'lr=0.1', runIds: ['r3'], vsBest: { significant: false } },
    { rank: 3, label: 'lr=1', runIds: ['r4'], vsBest: { significant: true } },
  ],
};

describe('what evidence shows', () => {
  it('reads a significant two-sided test by direction: the better side holds the winner, the other the loser', () => {
    expect(shows('statsCompare', compare(), 'b1', 'a2')).toEqual({ supports: true, why: 'B beats A on val/acc.max by 0.05 (p = 0.003)' });
    expect(shows('statsCompare', compare(), 'a1', 'b1')).toEqual({ supports: false, why: 'run a1 is not on the better side' });
    expect(shows('statsCompare', compare({ direction: 'minimize' }), 'a1', 'b1').supports).toBe(true);
    expect(shows('statsCompare', compare(), 'b1', 'zz')).toEqual({ supports: false, why: 'run zz is not on the worse side' });
    expect(shows('statsCompare', compare({ result: { significant: false, pValue: 0.2134, estimate: -0.01 } }), 'b1', 'a1')).toEqual({ supports: false, why: 'the difference is not significant (p = 0.21)' });
    expect(shows('statsCompare', compare({ direction: null }), 'b1', 'a1').why).toMatch(/names no direction/);
  });

  it('reads a leaderboard: the winner in the best group, the loser in a group distinguishable from it', () => {
    expect(shows('statsLeaderboard', leaderboard, 'r1', 'r4')).toEqual({ supports: true, why: 'lr=0.01 is best' });
    expect(shows('statsLeaderboard', leaderboard, 'r1', null).supports).toBe(true);
    expect(shows('statsLeaderboard', leaderboard, 'r1', 'r3')).toEqual({ supports: false, why: 'group lr=0.1 (run r3) is indistinguishable from the best' });
    expect(shows('statsLeaderboard', leaderboard, 'r1', 'r2').why).toBe('runs r1 and r2 are in the same group (lr=0.01)');
    expect(shows('statsLeaderboard', leaderboard, 'r3', null)).toEqual({ supports: false, why: 'run r3 is not in the best group (lr=0.01)' });
  });

  it('takes no other answer as a test between runs', () => {
    expect(shows('compare', { runs: [] }, 'a', 'b')).toEqual({ supports: false, why: 'a /v1/compare answer tests nothing between runs; save a /v1/stats/compare or /v1/stats/leaderboard' });
  });

  it('lists the runs a request and its answer name', () => {
    expect(runsInvolved({ a: { runIds: ['x'] }, b: { filter: 'params.lr > 1' } }, { sides: { a: { runIds: ['x', 'y'] } }, runs: [{ id: 'z', name: 'n' }] })).toEqual(['x', 'y', 'z']);
  });
});

describe('an online answer as evidence', () => {
  const online = (over: Record<string, unknown> = {}, primary: Record<string, unknown> = {}, guard: Record<string, unknown> = {}) => ({
    summary: 'challenger (v2) raises conversion by 0.8 pp',
    basis: 'sequential',
    experiment: { control: 'champion', plannedSampleSize: 1_000, variants: [{ name: 'champion', runId: 'r-old', weight: 0.5 }, { name: 'challenger', runId: 'r-new', weight: 0.5 }] },
    srm: { mismatch: false, chiSquare: 0.4, message: 'SRM check passed (p = 0.5)' },
    metrics: [
      { name: 'conversion', role: 'primary', comparisons: [{ variant: 'challenger', verdict: 'better', sides: { variant: { n: 300 }, control: { n: 300 } }, ...primary }] },
      { name: 'latency_ms', role: 'guardrail', comparisons: [{ variant: 'challenger', guardrail: { status: 'passed' }, ...guard }] },
    ],
    ...over,
  });

  it('supports the challenger over the control when it wins every primary metric, passes every guardrail and the split is as declared', () => {
    expect(shows('onlineAnalysis', online(), 'r-new', 'r-old')).toEqual({ supports: true, why: 'challenger (v2) raises conversion by 0.8 pp' });
    expect(shows('onlineAnalysis', online(), 'r-new', null).supports).toBe(true);
  });

  it('says why not otherwise', () => {
    const why = (answer: unknown, winner = 'r-new', loser: string | null = 'r-old') => shows('onlineAnalysis', answer, winner, loser).why;
    expect(why(online(), 'r-old')).toMatch(/is the experiment's control/);
    expect(why(online(), 'r-x')).toMatch(/none of the experiment's variants/);
    expect(why(online(), 'r-new', 'r-x')).toMatch(/run r-x is not the experiment's control/);
    expect(why(online({ srm: { mismatch: true, message: 'SAMPLE RATIO MISMATCH' } }))).toMatch(/sample-ratio check failed/);
    expect(why(online({ srm: { mismatch: false, message: 'SRM check not run' } }))).toMatch(/did not run/);
    expect(why(online({}, { verdict: 'inconclusive' }))).toMatch(/on conversion the challenger is inconclusive/);
    expect(why(online({}, {}, { guardrail: { status: 'inconclusive' } }))).toMatch(/guardrail latency_ms is inconclusive/);
    expect(why(online({ basis: 'fixedHorizon' }))).toMatch(/fixed-horizon answer counts only at the planned sample size \(1,000 observations of conversion; it has 600\)/);
    expect(shows('onlineAnalysis', online({ basis: 'fixedHorizon' }, { sides: { variant: { n: 500 }, control: { n: 500 } } }), 'r-new', 'r-old').supports).toBe(true);
  });
});
