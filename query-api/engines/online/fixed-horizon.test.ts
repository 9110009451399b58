// The fixed-horizon tests and the sample-ratio check against SciPy 1.17.1 on the same data
// (reference/online_reference.py wrote reference/online-reference.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { twoProportions, welch } from './fixed-horizon.ts';
import { varianceOf, type Moments } from './moments.ts';
import { sampleRatioCheck } from './srm.ts';

interface Reference {
  comparisons: ({ name: string; kind: 'continuous'; a: number[]; b: number[]; statistic: number; df: number; pValue: number; lower: number; upper: number; lower90: number; upper90: number }
    | { name: string; kind: 'binary'; successesA: number; nA: number; successesB: number; nB: number; chiSquare: number; pValue: number; lower: number; upper: number })[];
  srm: { counts: number[]; weights: number[]; chiSquare: number; pValue: number }[];
}
const reference = JSON.parse(readFileSync(join(import.meta.dirname, 'reference', 'online-reference.json'), 'utf8')) as Reference;

const close = (actual: number, expected: number, rel = 1e-9) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));

/** What the rollups hold of a sample: its count, sum and sum of squares. */
function momentsOf(xs: number[]): Moments {
  let sum = 0, sumSq = 0;
  for (const x of xs) {
    sum += x;
    sumSq += x * x;
  }
  return { n: xs.length, sum, sumSq, covN: 0, covSum: 0, covSumSq: 0, cross: 0 };
}
const side = (xs: number[]) => {
  const m = momentsOf(xs);
  return { n: m.n, mean: m.sum / m.n, variance: varianceOf(m) };
};

describe('fixed-horizon comparisons from sums equal SciPy on the same data', () => {
  for (const c of reference.comparisons) {
    it(c.name, () => {
      if (c.kind === 'continuous') {
        const r = welch(side(c.a), side(c.b), 0.05);
        close(r.statistic, c.statistic, 1e-8);
        close(r.df!, c.df, 1e-8);
        close(r.pValue, c.pValue, 1e-8);
        close(r.interval.lower, c.lower, 1e-8);
        close(r.interval.upper, c.upper, 1e-8);
        const r90 = welch(side(c.a), side(c.b), 0.1);
        close(r90.interval.lower, c.lower90, 1e-8);
        close(r90.interval.upper, c.upper90, 1e-8);
      } else {
        const r = twoProportions({ successes: c.successesA, n: c.nA }, { successes: c.successesB, n: c.nB }, 0.05);
        close(r.statistic ** 2, c.chiSquare, 1e-10);
        close(r.pValue, c.pValue, 1e-10);
        close(r.interval.lower, c.lower, 1e-12);
        close(r.interval.upper, c.upper, 1e-12);
      }
    });
  }
});

describe('the sample-ratio check equals scipy.stats.chisquare', () => {
  for (const s of reference.srm) {
    it(`${s.counts.join(' / ')} against ${s.weights.map((w) => w.toFixed(2)).join(' / ')}`, () => {
      const r = sampleRatioCheck(s.counts, s.weights)!;
      close(r.chiSquare, s.chiSquare, 1e-10);
      close(r.pValue, s.pValue, 1e-9);
      expect(r.mismatch).toBe(s.pValue < 0.001);
    });
  }
  it('is not run without exposures', () => expect(sampleRatioCheck([0, 0], [0.5, 0.5])).toBeNull());
});
