// The log-scale histogram of online_outcome_sums (migration 0056): which bin a value falls in,
// and the value a bin stands for. Bins grow by GAMMA (2%), so a quantile read from them is
// within 1% of the true one, whatever the scale (as DDSketch). Keys: 0 for zero, OFFSET + k for
// a positive value in (GAMMA^(k-1), GAMMA^k], minus that for a negative one. The processor
// writes keys; storage/online.ts turns them back into values for the statistics.

const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);
/** Larger than |k| of any double (|ln 1e±308| / ln 1.02 < 36,000), so the three ranges never meet. */
const OFFSET = 100_000;

/** The bin key of a finite value. */
export function histogramBin(value: number): number {
  if (value === 0) return 0;
  const k = Math.ceil(Math.log(Math.abs(value)) / LOG_GAMMA);
  return value > 0 ? OFFSET + k : -(OFFSET + k);
}

/** The value a bin stands for: the point of (GAMMA^(k-1), GAMMA^k] with the smallest relative error to either end. */
export function histogramValue(bin: number): number {
  if (bin === 0) return 0;
  const k = Math.abs(bin) - OFFSET;
  const v = (2 * GAMMA ** k) / (GAMMA + 1);
  return bin > 0 ? v : -v;
}

/** The largest relative error of histogramValue against any value of its bin. */
export const HISTOGRAM_RELATIVE_ERROR = (GAMMA - 1) / (GAMMA + 1);
