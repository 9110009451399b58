// Wilcoxon signed-rank test for paired samples: exact for small untied samples, otherwise the
// normal approximation with tie and continuity correction. Matches SciPy's
// wilcoxon(a, b, zero_method='wilcox', correction=True) with method 'exact' or 'asymptotic'.
import { signedRankPmf, cdfAt, sfAt } from './exact-distributions.ts';
import { checkAlternative, checkChoice, pairedDifferences } from './input.ts';
import { StatsInputError } from './errors.ts';
import { rankAverage } from './ranks.ts';
import { pFromZ } from './tails.ts';
import { EXACT, NORMAL_APPROXIMATION } from './types.ts';
import type { Alternative, EffectSize, RankMethod, RankMethodUsed, RankTestOptions, Sample } from './types.ts';

/** 'auto' uses the exact distribution up to this many nonzero differences (SciPy's threshold). */
export const WILCOXON_EXACT_MAX_AUTO = 50;
/** 'exact' is refused above this: the distribution costs O(n³). */
export const WILCOXON_EXACT_MAX = 500;

export interface WilcoxonResult {
  test: 'Wilcoxon signed-rank test';
  method: RankMethodUsed;
  alternative: Alternative;
  /**
   * As SciPy reports it: two-sided → min(W+, W−); 'greater' / 'less' → W+, the rank sum of the
   * positive differences a − b. (R's V is always W+.)
   */
  statistic: number;
  wPlus: number;
  wMinus: number;
  /** Normal approximation only: (W+ − n(n+1)/4 − c) / σ with the continuity correction c. */
  z?: number;
  pValue: number;
  /** Matched-pairs rank-biserial correlation (W+ − W−) / (W+ + W−), in [−1, 1]; > 0 when a > b. */
  effectSize: EffectSize;
  /** Number of pairs given. */
  n: number;
  /** Pairs with a − b = 0, dropped before ranking (SciPy's default zero_method='wilcox'). */
  zeros: number;
  /** Pairs that were ranked: n − zeros. */
  nUsed: number;
  note?: string;
}

/**
 * Zero differences are dropped before ranking (Wilcoxon's original rule, SciPy's default
 * zero_method='wilcox'); the test then runs on the remaining nUsed pairs. Ties are exact
 * equality of |a − b| after floating-point subtraction.
 *
 * method 'auto': exact when nUsed ≤ 50 and no |differences| are tied, else the normal
 * approximation. With zeros but no ties the exact distribution of the nUsed remaining pairs is
 * used, as SciPy's method='exact' does. SciPy's 'auto' gets the same p-value up to 13 pairs (its
 * permutation test) but switches to the approximation above; R switches to the approximation.
 * The approximation always applies the continuity correction (R's default correct=TRUE; SciPy's
 * default is correction=False, so pass correction=True to compare).
 */
export function wilcoxonSignedRank(a: Sample, b: Sample, options: RankTestOptions = {}): WilcoxonResult {
  const alternative = checkAlternative(options.alternative);
  const requested: RankMethod = checkChoice('method', options.method ?? 'auto', ['auto', 'exact', 'approximate']);
  const d = pairedDifferences(a, b);
  const nonZero = d.filter((x) => x !== 0);
  const n = d.length;
  const nUsed = nonZero.length;
  const sizes = { n, zeros: n - nUsed, nUsed };
  const test = 'Wilcoxon signed-rank test' as const;

  if (nUsed === 0) {
    return {
      test,
      method: requested === 'approximate' ? NORMAL_APPROXIMATION : EXACT,
      alternative,
      statistic: 0, wPlus: 0, wMinus: 0, pValue: 1,
      effectSize: { measure: 'rank-biserial', value: 0 },
      ...sizes,
      note: 'every difference a - b is 0, so no pair is left to rank: the p-value is 1',
    };
  }

  const { ranks, tieTerm, hasTies } = rankAverage(nonZero.map(Math.abs));
  let wPlus = 0;
  for (let i = 0; i < nUsed; i++) if (nonZero[i]! > 0) wPlus += ranks[i]!;
  const total = (nUsed * (nUsed + 1)) / 2;
  const wMinus = total - wPlus;
  const statistic = alternative === 'two-sided' ? Math.min(wPlus, wMinus) : wPlus;
  const effectSize: EffectSize = { measure: 'rank-biserial', value: (wPlus - wMinus) / total };

  if (requested === 'exact' && hasTies) {
    throw new StatsInputError("method 'exact' needs distinct |a - b| values, and some are tied; use method 'auto' or 'approximate'");
  }
  if (requested === 'exact' && nUsed > WILCOXON_EXACT_MAX) {
    throw new StatsInputError(`method 'exact' is limited to ${WILCOXON_EXACT_MAX} nonzero differences (got ${nUsed}); use 'auto' or 'approximate'`);
  }
  const exact = requested === 'exact' || (requested === 'auto' && !hasTies && nUsed <= WILCOXON_EXACT_MAX_AUTO);

  if (exact) {
    const pmf = signedRankPmf(nUsed);
    const upper = sfAt(pmf, wPlus);
    const lower = cdfAt(pmf, wPlus);
    const pValue = alternative === 'greater' ? upper : alternative === 'less' ? lower : Math.min(1, 2 * Math.min(upper, lower));
    return { test, method: EXACT, alternative, statistic, wPlus, wMinus, pValue, effectSize, ...sizes };
  }

  // σ² = (n(n+1)(2n+1) − Σ(t³ − t)/2) / 24 is positive for any n ≥ 1, even if all |d| tie.
  const sigma = Math.sqrt((nUsed * (nUsed + 1) * (2 * nUsed + 1) - tieTerm / 2) / 24);
  const centred = wPlus - total / 2;
  // Continuity correction: ½ towards the mean, in the direction the alternative looks.
  const correction = alternative === 'greater' ? 0.5 : alternative === 'less' ? -0.5 : 0.5 * Math.sign(centred);
  const z = (centred - correction) / sigma;
  return { test, method: NORMAL_APPROXIMATION, alternative, statistic, wPlus, wMinus, z, pValue: pFromZ(z, alternative), effectSize, ...sizes };
}
