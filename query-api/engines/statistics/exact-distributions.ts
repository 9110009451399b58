// Exact null distributions of the rank statistics without ties, by dynamic programming over
// probabilities (never raw counts, which overflow doubles past ~1,000 observations).

/**
 * P(W+ = w) for w = 0 … n(n+1)/2, where W+ is the Wilcoxon signed-rank sum of n untied,
 * nonzero differences. Each rank i is positive with probability ½ independently, so the
 * generating function is Π (1 + qⁱ)/2. O(n³) time.
 */
export function signedRankPmf(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const p = new Float64Array(max + 1);
  p[0] = 1;
  let top = 0;
  for (let i = 1; i <= n; i++) {
    top += i;
    // Downwards, so p[w − i] still holds the previous step's value.
    for (let w = top; w >= 0; w--) p[w] = 0.5 * (p[w]! + (w >= i ? p[w - i]! : 0));
  }
  return p;
}

/**
 * P(U = u) for u = 0 … m·n, where U is the Mann–Whitney statistic of samples of sizes m and n
 * without ties. The count of arrangements is the Gaussian binomial [m+n choose m]_q =
 * Π_{i=1..k} (1 − q^{N−k+i}) / (1 − qⁱ) with k = min(m, n), N = m + n. Each factor is applied as
 * one multiply and one division by (1 − qⁱ), i.e. a running sum with stride i, then rescaled by
 * i / (N − k + i) so the array stays a probability distribution. O(k²·max(m, n)) time.
 */
export function mannWhitneyPmf(m: number, n: number): Float64Array {
  const k = Math.min(m, n);
  const big = Math.max(m, n);
  const p = new Float64Array(k * big + 1);
  p[0] = 1;
  for (let i = 1; i <= k; i++) {
    const top = i * big; // degree after this step
    const shift = big + i;
    // Multiply by (1 − q^shift), downwards so p[u − shift] is still the previous step's value.
    for (let u = top; u >= shift; u--) p[u] = p[u]! - p[u - shift]!;
    // Divide by (1 − qⁱ): p[u] += p[u − i], upwards.
    for (let u = i; u <= top; u++) p[u] = p[u]! + p[u - i]!;
    const scale = i / shift;
    for (let u = 0; u <= top; u++) p[u] = p[u]! * scale;
  }
  return p;
}

/** P(X ≤ k) for a distribution on 0 … pmf.length − 1. */
export function cdfAt(pmf: Float64Array, k: number): number {
  let s = 0;
  const last = Math.min(Math.floor(k), pmf.length - 1);
  for (let u = 0; u <= last; u++) s += pmf[u]!;
  return Math.min(1, s);
}

/**
 * P(X ≥ k) for the symmetric distributions above, as P(X ≤ max − k): the lower tail is computed
 * without cancellation (the Mann–Whitney upper tail is not), so small p-values stay precise.
 */
export function sfAt(pmf: Float64Array, k: number): number {
  return cdfAt(pmf, pmf.length - 1 - Math.ceil(k));
}
