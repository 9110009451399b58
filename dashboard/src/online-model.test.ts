import { describe, expect, it } from 'vitest';
import type { OnlineAnswer, OnlineComparison } from './api.ts';
import { onlineRows, pathSeries, shown } from './online-model.ts';

const comparison = (over: Partial<OnlineComparison> = {}): OnlineComparison => ({
  variant: 'challenger', control: 'champion', sides: { variant: { n: 5000, value: 0.108 }, control: { n: 5000, value: 0.1 } }, estimate: 0.008,
  fixedHorizon: { test: 'two-proportion z-test', pValue: 0.0000012, interval: { lower: 0.0042, upper: 0.0118, confidence: 0.95 } },
  sequential: { pValue: 0.012, interval: { lower: 0.0011, upper: 0.0149, confidence: 0.95 }, looks: 2 },
  cuped: { applied: false, varianceReduction: null }, verdict: 'better', guardrail: null,
  path: [{ at: 10_000, n: 4000, estimate: 0.01, validLower: -0.002, validUpper: 0.022, pValue: 0.3 }, { at: 20_000, n: 10_000, estimate: 0.008, validLower: 0.0011, validUpper: 0.0149, pValue: 0.012 }],
  notes: [], sentence: '', ...over,
});

describe('the online page model', () => {
  it('shows binary metrics in percent and pp, others as they are, and the decision with its tone', () => {
    const answer = {
      metrics: [
        { name: 'conversion', kind: 'binary', role: 'primary', better: 'higher', statistic: 'mean', margin: null, comparisons: [comparison()] },
        { name: 'latency_ms', kind: 'continuous', role: 'guardrail', better: 'lower', statistic: 'p95', margin: 10, comparisons: [comparison({ sides: { variant: { n: 5000, value: 131.2 }, control: { n: 5000, value: 130 } }, estimate: 1.2, sequential: null, fixedHorizon: { test: 'z-test', pValue: 0.4, interval: { lower: -1.3, upper: 3.7, confidence: 0.95 } }, verdict: 'inconclusive', guardrail: { margin: 10, status: 'passed', basis: 'fixedHorizon' } })] },
      ],
    } as unknown as OnlineAnswer;
    expect(onlineRows(answer)).toEqual([
      { metric: 'conversion', role: 'primary', challenger: 'challenger', control: 'champion', controlValue: '10%', challengerValue: '10.8%', difference: '+0.8 pp', fixedHorizon: '0.42 to 1.18 pp, p 1.2e-6', sequential: '0.11 to 1.49 pp, p 0.012', decision: 'better', tone: 'good', notes: '' },
      { metric: 'latency_ms p95', role: 'guardrail', challenger: 'challenger', control: 'champion', controlValue: '130', challengerValue: '131', difference: '1.2', fixedHorizon: '-1.3 to 3.7, p 0.4', sequential: 'fixed-horizon only', decision: 'guardrail passed', tone: 'good', notes: '' },
    ]);
  });

  it('scales the path of a binary metric to pp', () => {
    const s = pathSeries('binary', 'mean', comparison());
    expect(s.at).toEqual([10_000, 20_000]);
    const near = (xs: (number | null)[], ys: number[]) => xs.forEach((x, i) => expect(x).toBeCloseTo(ys[i]!, 12));
    near(s.estimate, [1, 0.8]);
    near(s.lower, [-0.2, 0.11]);
    near(s.upper, [2.2, 1.49]);
    expect(pathSeries('continuous', 'mean', comparison()).estimate).toEqual([0.01, 0.008]);
  });

  it('writes a missing number as a dash', () => {
    expect([shown(null), shown(NaN), shown(0), shown(-0.5, 'pp')]).toEqual(['–', '–', '0', '-50 pp']);
  });
});
