// Fixed-horizon comparisons of a variant with the control from summary statistics: Welch's
// t-test for continuous metrics (SciPy's ttest_ind(equal_var=False) and its confidence_interval),
// and for binary ones the two-proportion z-test with the pooled proportion for the p-value (equal
// to SciPy's chi2_contingency without correction) and the unpooled Wald interval. Valid when read
// once, at a sample size fixed in advance: looked at repeatedly, they find differences that are
// not there (sequential.ts is for watching).
import tcdf from '@stdlib/stats-base-dists-t-cdf';
import tquantile from '@stdlib/stats-base-dists-t-quantile';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import type { SideEstimate } from './moments.ts';

export interface Interval {
  lower: number;
  upper: number;
  confidence: number;
}

export interface FixedHorizonResult {
  test: 'Welch t-test' | 'two-proportion z-test' | 'z-test';
  /** variant − control. */
  estimate: number;
  standardError: number;
  statistic: number;
  df: number | null;
  pValue: number;
  interval: Interval;
  significant: boolean;
}

// An infinite statistic (zero variance, a difference) has p = 0; NaN (no variance to speak of) stays NaN, never significant.
const twoSidedT = (t: number, df: number) => (Number.isNaN(t) ? NaN : Number.isFinite(t) ? Math.min(1, 2 * tcdf(-Math.abs(t), df)) : 0);
export const twoSidedZ = (z: number) => (Number.isNaN(z) ? NaN : Number.isFinite(z) ? Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1)) : 0);
export const zQuantile = (p: number) => normalQuantile(p, 0, 1);

/** Welch's t-test of variant − control (each side: n ≥ 2). */
export function welch(variant: SideEstimate, control: SideEstimate, alpha: number): FixedHorizonResult {
  const vA = variant.variance / variant.n;
  const vB = control.variance / control.n;
  const se = Math.sqrt(vA + vB);
  const estimate = variant.mean - control.mean;
  const df = se > 0 ? 1 / ((vA / (vA + vB)) ** 2 / (variant.n - 1) + (vB / (vA + vB)) ** 2 / (control.n - 1)) : variant.n + control.n - 2;
  const t = se > 0 ? estimate / se : Number.isNaN(se) ? NaN : estimate === 0 ? 0 : Math.sign(estimate) * Infinity;
  const pValue = se === 0 && estimate === 0 ? 1 : twoSidedT(t, df);
  const half = se * tquantile(1 - alpha / 2, df);
  return { test: 'Welch t-test', estimate, standardError: se, statistic: t, df, pValue, interval: { lower: estimate - half, upper: estimate + half, confidence: 1 - alpha }, significant: pValue < alpha };
}


/** Two proportions (successes / n) of variant and control. */
export function twoProportions(variant: { successes: number; n: number }, control: { successes: number; n: number }, alpha: number): FixedHorizonResult {
  const pA = variant.successes / variant.n;
  const pB = control.successes / control.n;
  const estimate = pA - pB;
  const pooled = (variant.successes + control.successes) / (variant.n + control.n);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / variant.n + 1 / control.n));
  const z = sePooled > 0 ? estimate / sePooled : estimate === 0 ? 0 : Math.sign(estimate) * Infinity;
  const pValue = sePooled === 0 && estimate === 0 ? 1 : twoSidedZ(z);
  const se = Math.sqrt((pA * (1 - pA)) / variant.n + (pB * (1 - pB)) / control.n);
  const half = se * zQuantile(1 - alpha / 2);
  return { test: 'two-proportion z-test', estimate, standardError: se, statistic: z, df: null, pValue, interval: { lower: estimate - half, upper: estimate + half, confidence: 1 - alpha }, significant: pValue < alpha };
}

/** A normal (z) comparison from an estimate and its standard error (quantiles, CUPED-adjusted proportions). */
export function zComparison(estimate: number, se: number, alpha: number): FixedHorizonResult {
  const z = se > 0 ? estimate / se : Number.isNaN(se) ? NaN : estimate === 0 ? 0 : Math.sign(estimate) * Infinity;
  const pValue = se === 0 && estimate === 0 ? 1 : twoSidedZ(z);
  const half = se * zQuantile(1 - alpha / 2);
  return { test: 'z-test', estimate, standardError: se, statistic: z, df: null, pValue, interval: { lower: estimate - half, upper: estimate + half, confidence: 1 - alpha }, significant: pValue < alpha };
}
