// Mann–Whitney U test for two independent samples: exact for untied samples of fewer than 50
// values each (R's wilcox.test rule), otherwise the normal approximation with tie and continuity
// correction. p-values match SciPy's mannwhitneyu(a, b, use_continuity=True) with method
// 'exact' or 'asymptotic' (SciPy's own 'auto' is exact only while the smaller sample has at
// most 8 values).
import { cdfAt, mannWhitneyPmf, sfAt } from './exact-distributions.ts';
import { StatsInputError } from './errors.ts';
import { checkAlternative, checkChoice, finiteSample } from './input.ts';
import { rankAverage } from './ranks.ts';
import { pFromZ } from './tails.ts';
import { EXACT, NORMAL_APPROXIMATION } from './types.ts';
import type { Alternative, EffectSize, RankMethod, RankMethodUsed, RankTestOptions, Sample } from './types.ts';

/**
 * 'auto' is exact when both samples have fewer than this many values and nothing ties, as R's
 * wilcox.test (exact = NULL); otherwise it uses the normal approximation.
 */
export const MANN_WHITNEY_EXACT_BELOW_AUTO = 50;
/** Work bound for the exact distribution, min(nA,nB)²·max(nA,nB); 'exact' beyond it is refused. */
export const MANN_WHITNEY_EXACT_MAX_WORK = 5e7;

export interface MannWhitneyResult {
  test: 'Mann-Whitney U test';
  method: RankMethodUsed;
  alternative: Alternative;
  /** U of sample a, as SciPy reports it: the number of pairs (x in a, y in b) with x > y, ties counting ½. */
  statistic: number;
  /** U of sample b: nA·nB − statistic. */
  uB: number;
  /** Normal approximation only: (U_a − nA·nB/2 − c) / σ with the continuity correction c. */
  z?: number;
  pValue: number;
  /** Rank-biserial correlation 2·U_a/(nA·nB) − 1, in [−1, 1]; > 0 when a tends to exceed b. */
  effectSize: EffectSize;
  nA: number;
  nB: number;
  note?: string;
}

/**
 * 'greater' means a is stochastically greater than b. Ties are exact floating-point equality.
 * method 'auto': exact when there are no ties and nA < 50 and nB < 50 (R's wilcox.test rule),
 * else the normal approximation with tie correction and continuity correction. The
 * Hodges–Lehmann interval (hodgesLehmannTwoSample) takes the method this test used, so both
 * switch together, as in R.
 */
export function mannWhitneyU(a: Sample, b: Sample, options: RankTestOptions = {}): MannWhitneyResult {
  const alternative = checkAlternative(options.alternative);
  const requested: RankMethod = checkChoice('method', options.method ?? 'auto', ['auto', 'exact', 'approximate']);
  const x = finiteSample(a, 'a');
  const y = finiteSample(b, 'b');
  const nA = x.length;
  const nB = y.length;
  const all = new Float64Array(nA + nB);
  all.set(x);
  all.set(y, nA);
  const { ranks, tieTerm, hasTies } = rankAverage(all);
  let rankSumA = 0;
  for (let i = 0; i < nA; i++) rankSumA += ranks[i]!;
  const product = nA * nB;
  const uA = rankSumA - (nA * (nA + 1)) / 2;
  const uB = product - uA;
  const effectSize: EffectSize = { measure: 'rank-biserial', value: (uA - uB) / product };
  const test = 'Mann-Whitney U test' as const;
  const result = (method: RankMethodUsed, pValue: number, extra: { z?: number; note?: string } = {}): MannWhitneyResult =>
    ({ test, method, alternative, statistic: uA, uB, ...extra, pValue, effectSize, nA, nB });

  const small = Math.min(nA, nB);
  const big = Math.max(nA, nB);
  const withinWork = small * small * big <= MANN_WHITNEY_EXACT_MAX_WORK;
  if (requested === 'exact' && hasTies) {
    throw new StatsInputError("method 'exact' needs all values of a and b to be distinct, and some are tied; use method 'auto' or 'approximate'");
  }
  if (requested === 'exact' && !withinWork) {
    throw new StatsInputError(`method 'exact' is too costly for samples of ${nA} and ${nB} values; use 'auto' or 'approximate'`);
  }
  // Below 50 per sample the work is at most 49³ ≈ 1.2·10⁵ steps, far inside the bound.
  const exact = requested === 'exact' || (requested === 'auto' && !hasTies && big < MANN_WHITNEY_EXACT_BELOW_AUTO);

  if (exact) {
    const pmf = mannWhitneyPmf(nA, nB);
    const pValue =
      alternative === 'greater' ? sfAt(pmf, uA)
      : alternative === 'less' ? cdfAt(pmf, uA)
      : Math.min(1, 2 * sfAt(pmf, Math.max(uA, uB)));
    return result(EXACT, pValue);
  }

  const n = nA + nB;
  const sigma = Math.sqrt((product / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (!(sigma > 0)) {
    // Only when every value of a and b is the same: nothing to rank, U = nA·nB/2.
    return result(NORMAL_APPROXIMATION, 1, { z: 0, note: 'all values in a and b are identical: the p-value is 1' });
  }
  const centred = uA - product / 2;
  const correction = alternative === 'greater' ? 0.5 : alternative === 'less' ? -0.5 : 0.5 * Math.sign(centred);
  const z = (centred - correction) / sigma;
  return result(NORMAL_APPROXIMATION, pFromZ(z, alternative), { z });
}
