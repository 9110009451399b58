// The smallest p-value a rank test can return for given sample sizes: the p-value of the most
// extreme data possible (every difference positive, or every value of one sample above every
// value of the other), computed by the statistics module itself. When it exceeds alpha, the test
// can never reach significance, however large the true effect: exact Wilcoxon with 4 pairs
// cannot go below p = 0.125 (two-sided), Mann-Whitney with 3 vs 3 runs not below 0.1.
import { mannWhitneyU, wilcoxonSignedRank, type Alternative, type RankMethod } from '../engines/statistics/index.ts';

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/** Most extreme direction for the alternative: 'less' needs a below b, the others a above b. */
const sign = (alternative: Alternative) => (alternative === 'less' ? -1 : 1);

/**
 * Smallest p of the Wilcoxon signed-rank test with `nonZero` nonzero differences (zeros are
 * dropped before ranking, so they do not count). 1 when there is nothing to rank.
 */
export function wilcoxonMinP(nonZero: number, alternative: Alternative, method: RankMethod = 'auto'): number {
  if (nonZero <= 0) return 1;
  const s = sign(alternative);
  const a = range(1, nonZero).map((v) => s * v);
  try {
    return wilcoxonSignedRank(a, new Array<number>(nonZero).fill(0), { alternative, method }).pValue;
  } catch {
    return wilcoxonSignedRank(a, new Array<number>(nonZero).fill(0), { alternative, method: 'approximate' }).pValue;
  }
}

/** Smallest p of the Mann-Whitney U test for samples of nA and nB values. */
export function mannWhitneyMinP(nA: number, nB: number, alternative: Alternative, method: RankMethod = 'auto'): number {
  if (nA <= 0 || nB <= 0) return 1;
  const low = range(1, nB);
  const high = range(nB + 1, nA);
  const [a, b] = alternative === 'less' ? [range(1, nA), range(nA + 1, nB)] : [high, low];
  try {
    return mannWhitneyU(a, b, { alternative, method }).pValue;
  } catch {
    return mannWhitneyU(a, b, { alternative, method: 'approximate' }).pValue;
  }
}
