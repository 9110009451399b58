import { describe, expect, it } from 'vitest';
import { expectRel } from '../engines/statistics/test-util.ts';
import { mannWhitneyMinP, wilcoxonMinP } from './min-p.ts';

describe('smallest achievable p-value of the rank tests', () => {
  it('exact Wilcoxon: 2 / 2^n two-sided, 1 / 2^n one-sided', () => {
    // All n signs positive is the single most extreme arrangement of 2^n equally likely ones.
    expect(wilcoxonMinP(4, 'two-sided')).toBe(0.125);
    expect(wilcoxonMinP(5, 'two-sided')).toBe(0.0625);
    expect(wilcoxonMinP(6, 'two-sided')).toBe(0.03125);
    expect(wilcoxonMinP(4, 'greater')).toBe(0.0625);
    expect(wilcoxonMinP(4, 'less')).toBe(0.0625);
    expect(wilcoxonMinP(0, 'two-sided')).toBe(1);
  });

  it('exact Mann-Whitney: 2 / C(nA + nB, nA) two-sided', () => {
    expectRel(mannWhitneyMinP(3, 3, 'two-sided'), 2 / 20);
    expectRel(mannWhitneyMinP(4, 4, 'two-sided'), 2 / 70);
    expectRel(mannWhitneyMinP(2, 5, 'greater'), 1 / 21);
    expectRel(mannWhitneyMinP(2, 5, 'less'), 1 / 21);
    // Still exact up to 49 per sample (R's rule): 9 vs 11 gives 2 / C(20, 9).
    expectRel(mannWhitneyMinP(9, 11, 'two-sided'), 2 / 167960, 1e-9);
    expect(mannWhitneyMinP(0, 5, 'two-sided')).toBe(1);
  });

  it('stays below any usual alpha for large samples (normal approximation)', () => {
    expect(wilcoxonMinP(200, 'two-sided')).toBeLessThan(1e-10);
    expect(mannWhitneyMinP(100, 100, 'two-sided')).toBeLessThan(1e-10);
    // 'exact' above its limit falls back to the approximation rather than throwing.
    expect(wilcoxonMinP(600, 'two-sided', 'exact')).toBeLessThan(1e-10);
  });
});
