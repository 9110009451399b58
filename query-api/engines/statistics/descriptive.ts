// Means and variances for the tests. Two passes (mean first, then squared deviations) so a large
// common offset, like accuracies near 0.9, does not cancel the variance away.

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

/** True when every value equals the first: exact equality, no tolerance. */
export function allEqual(x: Float64Array): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}
