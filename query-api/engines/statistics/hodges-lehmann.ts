// Hodges–Lehmann estimates with the distribution-free intervals that invert the rank tests, as
// R's wilcox.test(conf.int = TRUE) computes them (Hollander & Wolfe 1973, chapters 3 and 4):
// - paired: the median of the Walsh averages (d_i + d_j)/2, i ≤ j, of the differences d = a − b;
// - two samples: the median of all differences a_i − b_j (the shift of a relative to b).
// The interval is [k-th smallest, k-th largest] of those values, with k from the null
// distribution of the matching statistic (W+ or U): exact when the test was exact, else its
// normal approximation with tie and continuity correction. Without ties the rank test rejects at
// level α exactly when 0 lies outside this interval (with ties a bound can sit on 0 itself), so
// the estimate and its interval never point away from the test.
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { StatsInputError } from './errors.ts';
import { cdfAt, mannWhitneyPmf, signedRankPmf } from './exact-distributions.ts';
import { checkAlternative, checkChoice, checkConfidence, checkFinite, finiteSample, pairedDifferences } from './input.ts';
import { MANN_WHITNEY_EXACT_MAX_WORK } from './mann-whitney.ts';
import { kthDifference, kthWalshAverage } from './order-statistics.ts';
import { standardNormalCdf } from './tails.ts';
import { EXACT, NORMAL_APPROXIMATION } from './types.ts';
import type { Alternative, Interval, RankMethodUsed, Sample } from './types.ts';
import { WILCOXON_EXACT_MAX } from './wilcoxon.ts';

export interface HodgesLehmannOptions {
  /** One-sided alternatives give one-sided intervals, as in the tests. */
  alternative?: Alternative;
  /** Default 0.95. */
  confidence?: number;
  /**
   * Where the critical value comes from: pass the method the rank test used, so the interval
   * inverts that very test. 'exact' assumes no ties (with ties its coverage is approximate).
   */
  method: 'exact' | 'approximate';
}

export interface HodgesLehmannResult {
  estimator: 'Hodges-Lehmann';
  /** 'paired': Walsh averages of the nonzero a − b; 'two-sample': the differences a_i − b_j. */
  kind: 'paired' | 'two-sample';
  method: RankMethodUsed;
  alternative: Alternative;
  estimate: number;
  /** confidence is the requested level, or the lower one reached when too few values allow no more. */
  interval: Interval;
  /** Walsh averages n(n+1)/2, or differences nA·nB, that the estimate and interval come from. */
  count: number;
  /** 1-based ranks of the order statistics bounding the interval; null on an open side. */
  lowerRank: number | null;
  upperRank: number | null;
  /** Coverage of the interval under the null distribution used (exact, or its normal approximation). */
  achievedConfidence: number;
  /** Paired only: differences a − b equal to 0, left out as the signed-rank test leaves them out. */
  zeros?: number;
  note?: string;
}

/** Σ(t³ − t) over runs of equal values in an ascending sample. */
function tieTerm(sorted: Float64Array): number {
  let sum = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start + 1;
    while (end < sorted.length && sorted[end] === sorted[start]) end++;
    const t = end - start;
    sum += t * t * t - t;
    start = end;
  }
  return sum;
}

interface Critical {
  /** The order statistic k (1-based) of the lower bound; the upper one is count + 1 − k. */
  k: number;
  /** P(statistic ≤ k − 1) under the null: each open tail of the interval. */
  tail: number;
}

/**
 * k = max(1, q) with q the smallest value where P(statistic ≤ q) reaches the tail level (R's
 * qsignrank / qwilcox, with a like fuzz so rounding in the pmf cannot move q by one).
 */
function exactCritical(pmf: Float64Array, level: number): Critical {
  let cdf = 0;
  let q = 0;
  for (; q < pmf.length - 1; q++) {
    if (cdf + pmf[q]! >= level * (1 - 1e-12)) break;
    cdf += pmf[q]!;
  }
  return q === 0 ? { k: 1, tail: cdfAt(pmf, 0) } : { k: q, tail: cdf };
}

/**
 * Inverting the normal approximation, z(δ) = (K(δ) − count/2 − ½)/σ with K(δ) the number of
 * values above δ, gives the order statistic k = ⌈count/2 − ½ − z·σ⌉: the jump of the step
 * function that R's uniroot (tol 1e-4) approximates. σ only counts ties within the data, as
 * between two consecutive values no other ties arise.
 */
function approximateCritical(count: number, sigma: number, z: number): Critical {
  // One-sided at a tiny confidence, z·σ can pass count/2 (z = −∞ once 1 − confidence rounds to 1):
  // the bound is then the extreme order statistic, never a rank outside 1 … count.
  const k = Math.min(count, Math.max(1, Math.ceil(count / 2 - 0.5 - z * sigma) || 1));
  return { k, tail: standardNormalCdf((k - 0.5 - count / 2) / sigma) };
}

interface Setup {
  kind: HodgesLehmannResult['kind'];
  method: RankMethodUsed;
  alternative: Alternative;
  confidence: number;
  count: number;
  kth: (k: number) => number;
  critical: (tailLevel: number) => Critical;
}

function finish(s: Setup, extra: Pick<HodgesLehmannResult, 'zeros' | 'note'> = {}): HodgesLehmannResult {
  const { count, kth, alternative, confidence } = s;
  const half = Math.floor(count / 2);
  const estimate = count % 2 === 1 ? kth(half + 1) : 0.5 * kth(half) + 0.5 * kth(half + 1);
  const sides = alternative === 'two-sided' ? 2 : 1;
  const { k, tail } = s.critical((1 - confidence) / sides);
  const lowerRank = alternative === 'less' ? null : k;
  const upperRank = alternative === 'greater' ? null : count + 1 - k;
  const achievedConfidence = Math.max(0, 1 - sides * tail);
  const short = achievedConfidence < confidence;
  const result: HodgesLehmannResult = {
    estimator: 'Hodges-Lehmann',
    kind: s.kind,
    method: s.method,
    alternative,
    estimate,
    interval: {
      lower: lowerRank === null ? -Infinity : kth(lowerRank),
      upper: upperRank === null ? Infinity : kth(upperRank),
      confidence: short ? achievedConfidence : confidence,
    },
    count,
    lowerRank,
    upperRank,
    achievedConfidence,
    ...extra,
  };
  if (short) {
    const why = `too few values for a ${+(confidence * 100).toPrecision(6)}% interval: the widest one, between the extreme ${s.kind === 'paired' ? 'Walsh averages' : 'differences'}, covers ${+(achievedConfidence * 100).toPrecision(4)}%`;
    result.note = result.note ? `${result.note}; ${why}` : why;
  }
  return result;
}

/**
 * Paired (one-sample) Hodges–Lehmann estimate of the centre of a − b, the median of the Walsh
 * averages, with the interval that inverts the Wilcoxon signed-rank test. Zero differences are
 * dropped first, as the test drops them (and as R does); with none left the estimate is 0.
 */
export function hodgesLehmannPaired(a: Sample, b: Sample, options: HodgesLehmannOptions): HodgesLehmannResult {
  const alternative = checkAlternative(options?.alternative);
  const confidence = checkConfidence(options?.confidence);
  const requested = checkChoice('method', options?.method, ['exact', 'approximate']);
  const d = pairedDifferences(a, b);
  const sorted = d.filter((v) => v !== 0).sort();
  const n = sorted.length;
  const zeros = d.length - n;
  const method = requested === 'exact' ? EXACT : NORMAL_APPROXIMATION;
  if (n === 0) {
    return {
      estimator: 'Hodges-Lehmann', kind: 'paired', method, alternative, estimate: 0,
      interval: { lower: alternative === 'less' ? -Infinity : 0, upper: alternative === 'greater' ? Infinity : 0, confidence },
      count: 0, lowerRank: null, upperRank: null, achievedConfidence: 1, zeros,
      note: 'every difference a - b is 0: the estimate is 0 and the interval collapses to it',
    };
  }
  if (requested === 'exact' && n > WILCOXON_EXACT_MAX) {
    throw new StatsInputError(`method 'exact' is limited to ${WILCOXON_EXACT_MAX} nonzero differences (got ${n}); use 'approximate'`);
  }
  const count = (n * (n + 1)) / 2;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm(sorted) / 48);
  const pmf = requested === 'exact' ? signedRankPmf(n) : null;
  return finish(
    {
      kind: 'paired', method, alternative, confidence, count,
      kth: (k) => kthWalshAverage(sorted, k),
      critical: (level) => (pmf ? exactCritical(pmf, level) : approximateCritical(count, sigma, normalQuantile(1 - level, 0, 1))),
    },
    { zeros, ...(zeros > 0 ? { note: `${zeros} zero difference(s) left out, as the signed-rank test leaves them out` } : {}) },
  );
}

/**
 * Two-sample Hodges–Lehmann shift of a relative to b, the median of all a_i − b_j, with the
 * interval that inverts the Mann–Whitney U test.
 */
export function hodgesLehmannTwoSample(a: Sample, b: Sample, options: HodgesLehmannOptions): HodgesLehmannResult {
  const alternative = checkAlternative(options?.alternative);
  const confidence = checkConfidence(options?.confidence);
  const requested = checkChoice('method', options?.method, ['exact', 'approximate']);
  const x = finiteSample(a, 'a').sort();
  const y = finiteSample(b, 'b').sort();
  const nA = x.length;
  const nB = y.length;
  checkFinite(x[nA - 1]! - y[0]!, 'the differences a_i - b_j');
  checkFinite(x[0]! - y[nB - 1]!, 'the differences a_i - b_j');
  if (requested === 'exact' && Math.min(nA, nB) ** 2 * Math.max(nA, nB) > MANN_WHITNEY_EXACT_MAX_WORK) {
    throw new StatsInputError(`method 'exact' is too costly for samples of ${nA} and ${nB} values; use 'approximate'`);
  }
  const count = nA * nB;
  const N = nA + nB;
  const ties = tieTerm(x) + tieTerm(y);
  const sigma = Math.sqrt((count / 12) * (N + 1 - ties / (N * (N - 1))));
  const pmf = requested === 'exact' ? mannWhitneyPmf(nA, nB) : null;
  return finish({
    kind: 'two-sample', method: requested === 'exact' ? EXACT : NORMAL_APPROXIMATION, alternative, confidence, count,
    kth: (k) => kthDifference(x, y, k),
    critical: (level) => (pmf ? exactCritical(pmf, level) : approximateCritical(count, sigma, normalQuantile(1 - level, 0, 1))),
  });
}
