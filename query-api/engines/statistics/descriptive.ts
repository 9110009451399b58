// Means, variances and quantiles, for the tests here and for sweep-analytics. Two passes (mean
// first, then squared deviations) so a large common offset, like accuracies near 0.9, does not
// cancel the variance away.

export function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** Sample variance with n − 1 in the denominator; callers guarantee n ≥ 2. */
export function variance(x: Float64Array, m = mean(x)): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - m;
    s += d * d;
  }
  return s / (x.length - 1);
}

/**
 * Quantile q ∈ [0, 1] of ascending values by linear interpolation between order statistics
 * (R's type 7, NumPy's default): h = (n − 1)·q, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]).
 * q = 0 gives the minimum, q = 1 the maximum, one value gives that value. Callers guarantee a
 * non-empty sorted array (empty gives NaN). The percentile intervals of the bootstrap,
 * Spearman's bootstrap and the importance rounds all use it.
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
