// Sample ratio mismatch: are units split between the variants as the experiment said? Pearson's
// chi-square goodness of fit of the units exposed to each variant against the declared weights. A mismatch
// (p below SRM_ALPHA, the threshold A/B platforms use) means the assignment or the logging is
// broken and no comparison of the variants can be trusted.
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';

export const SRM_ALPHA = 0.001;

export interface SrmResult {
  observed: number[];
  expected: number[];
  chiSquare: number;
  df: number;
  pValue: number;
  mismatch: boolean;
}

/** counts[i] units seen in variant i, which should get weights[i] of them (weights sum to 1). Null without any count. */
export function sampleRatioCheck(counts: number[], weights: number[]): SrmResult | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const expected = weights.map((w) => w * total);
  let chi = 0;
  for (let i = 0; i < counts.length; i++) chi += (counts[i]! - expected[i]!) ** 2 / expected[i]!;
  const df = counts.length - 1;
  // The upper tail as 1 − cdf loses tiny p-values to rounding, which only makes a mismatch louder.
  const pValue = Math.max(0, Math.min(1, 1 - chisquareCdf(chi, df)));
  return { observed: counts, expected, chiSquare: chi, df, pValue, mismatch: pValue < SRM_ALPHA };
}
