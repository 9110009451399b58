// Paired and Welch t-tests of a mean difference, with the confidence interval and a Cohen's d.
// Numbers match R's t.test and SciPy's ttest_rel / ttest_ind(equal_var=False).
import tquantile from '@stdlib/stats-base-dists-t-quantile';
import { mean, variance } from './descriptive.ts';
import { checkAlternative, checkConfidence, checkFinite, finiteSample, pairedDifferences } from './input.ts';
import { pFromT } from './tails.ts';
import type { Alternative, EffectSize, Interval, Sample, TestOptions } from './types.ts';

export interface TTestOptions extends TestOptions {
  /** Level of the confidence interval, default 0.95. */
  confidence?: number;
}

interface TTestCommon {
  method: string;
  alternative: Alternative;
  /** t; ±Infinity when the variance is zero but the difference is not (as SciPy). */
  statistic: number;
  df: number;
  pValue: number;
  /** Paired: mean of a − b. Welch: mean(a) − mean(b). */
  estimate: number;
  standardError: number;
  confidenceInterval: Interval;
  effectSize: EffectSize;
  /** Set when the data are degenerate (zero variance) and the result needs explaining. */
  note?: string;
}

export interface PairedTTestResult extends TTestCommon {
  test: 'paired t-test';
  /** Number of pairs. */
  n: number;
}

export interface WelchTTestResult extends TTestCommon {
  test: 'Welch two-sample t-test';
  nA: number;
  nB: number;
}

/** Interval around `estimate`; one-sided alternatives leave one side unbounded. */
function interval(estimate: number, se: number, df: number, confidence: number, alternative: Alternative): Interval {
  if (alternative === 'two-sided') {
    const h = tquantile((1 + confidence) / 2, df) * se;
    return { lower: estimate - h, upper: estimate + h, confidence };
  }
  const h = tquantile(confidence, df) * se;
  return alternative === 'greater'
    ? { lower: estimate - h, upper: Infinity, confidence }
    : { lower: -Infinity, upper: estimate + h, confidence };
}

// With zero spread, t = estimate / 0: 0 when the estimate is 0 too (nothing differs: p = 1 for
// every alternative, not the 0.5 a one-sided tail of t = 0 would give), otherwise ±Infinity,
// which is what SciPy returns and what the limit of t is.
const ratio = (num: number, den: number) => (den > 0 ? num / den : num === 0 ? 0 : num > 0 ? Infinity : -Infinity);

function degenerateNote(estimate: number, what: string): string {
  return estimate === 0
    ? `${what} are all identical and the difference is 0: t is set to 0 and the p-value to 1`
    : `${what} have zero variance but a nonzero difference: t is infinite, so the p-value is 0 or 1 depending on the direction`;
}

/**
 * Paired t-test on d = a − b (df = n − 1). Effect size: Cohen's d_z = mean(d) / sd(d).
 * Needs at least 2 pairs.
 */
export function pairedTTest(a: Sample, b: Sample, options: TTestOptions = {}): PairedTTestResult {
  const alternative = checkAlternative(options.alternative);
  const confidence = checkConfidence(options.confidence);
  const d = pairedDifferences(a, b, 2, 'to estimate the variance of the differences');
  const n = d.length;
  const m = checkFinite(mean(d), 'the mean difference');
  const sd = checkFinite(Math.sqrt(variance(d, m)), 'the standard deviation');
  const se = sd / Math.sqrt(n);
  const df = n - 1;
  const statistic = ratio(m, se);
  const result: PairedTTestResult = {
    test: 'paired t-test',
    method: 'Student t distribution, n - 1 degrees of freedom',
    alternative,
    statistic,
    df,
    pValue: sd === 0 && m === 0 ? 1 : pFromT(statistic, df, alternative),
    estimate: m,
    standardError: se,
    confidenceInterval: interval(m, se, df, confidence, alternative),
    effectSize: { measure: 'cohen-dz', value: ratio(m, sd) },
    n,
  };
  if (sd === 0) result.note = degenerateNote(m, 'the paired differences');
  return result;
}

/**
 * Welch's t-test (unequal variances, Welch–Satterthwaite df). Effect size: Cohen's d with the
 * pooled SD, sqrt(((nA−1)·sA² + (nB−1)·sB²) / (nA+nB−2)) — the usual d, even though the test
 * itself does not pool. Each sample needs at least 2 values.
 */
export function welchTTest(a: Sample, b: Sample, options: TTestOptions = {}): WelchTTestResult {
  const alternative = checkAlternative(options.alternative);
  const confidence = checkConfidence(options.confidence);
  const why = 'to estimate its variance';
  const x = finiteSample(a, 'a', 2, why);
  const y = finiteSample(b, 'b', 2, why);
  const nA = x.length;
  const nB = y.length;
  const mA = checkFinite(mean(x), 'the mean of a');
  const mB = checkFinite(mean(y), 'the mean of b');
  const sA2 = checkFinite(variance(x, mA), 'the variance of a');
  const sB2 = checkFinite(variance(y, mB), 'the variance of b');
  const vA = sA2 / nA;
  const vB = sB2 / nB;
  const se = Math.sqrt(vA + vB);
  // Welch–Satterthwaite, written with weights so tiny variances cannot underflow when squared.
  // Undefined (0/0) when both variances are 0: then the pooled df nA + nB − 2 stands in; the
  // p-value does not depend on it (t is 0 or infinite).
  const wA = vA / (vA + vB);
  const wB = vB / (vA + vB);
  const df = se > 0 ? 1 / (wA ** 2 / (nA - 1) + wB ** 2 / (nB - 1)) : nA + nB - 2;
  const estimate = checkFinite(mA - mB, 'the mean difference');
  const statistic = ratio(estimate, se);
  const pooledSd = Math.sqrt(((nA - 1) * sA2 + (nB - 1) * sB2) / (nA + nB - 2));
  const result: WelchTTestResult = {
    test: 'Welch two-sample t-test',
    method: 'Student t distribution, Welch-Satterthwaite degrees of freedom',
    alternative,
    statistic,
    df,
    pValue: se === 0 && estimate === 0 ? 1 : pFromT(statistic, df, alternative),
    estimate,
    standardError: se,
    confidenceInterval: interval(estimate, se, df, confidence, alternative),
    effectSize: { measure: 'cohen-d-pooled', value: ratio(estimate, pooledSd) },
    nA,
    nB,
  };
  if (se === 0) result.note = `${degenerateNote(estimate, 'both samples')}; df falls back to nA + nB - 2`;
  return result;
}
