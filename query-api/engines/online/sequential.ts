// Always-valid inference for a difference of means, so a result may be looked at after every
// batch of traffic without inflating false positives: the normal-mixture confidence sequence
// (Robbins 1970; Howard et al. 2021; as mSPRT, Johari et al. 2017, for the p-value), in its
// asymptotic form with estimated variances (Waudby-Smith et al. 2023, "Time-uniform central
// limit theory") — what Eppo and GrowthBook ship. At a look with n observations on the two
// sides and V the variance of the estimate, with ρ² tuned so the interval is narrowest near
// the planned sample size N*:
//   half-width² = V · (1 + ρ²n) / (ρ²n) · (ln(1 + ρ²n) − 2 ln α),  ρ² = (−2 ln α + ln(1 − 2 ln α)) / N*
//   Λ = (1 + ρ²n)^(−1/2) · exp(estimate² / V · ρ²n / (2(1 + ρ²n))),   p = min(1, 1/Λ)
// and the interval at a look is the intersection of every look's so far, the p-value the
// smallest so far: both stay valid at any stopping time. The price: wider than the fixed-horizon
// interval at the same n (about 1.5-2× near N*).

/** Fewest observations a side needs before a look counts: the method is asymptotic. */
export const MIN_LOOK_N = 100;

export function mixtureRho2(plannedN: number, alpha: number): number {
  const l = -2 * Math.log(alpha);
  return (l + Math.log(1 + l)) / plannedN;
}

export interface Look {
  /** End of the look's window (epoch ms). */
  at: number;
  /** Observations on the two sides together. */
  n: number;
  estimate: number;
  /** Variance of the estimate. */
  variance: number;
}

export interface SequentialPoint {
  at: number;
  n: number;
  estimate: number;
  /** This look's own interval. */
  lower: number;
  upper: number;
  /** The running intersection up to this look: the always-valid interval. */
  validLower: number;
  validUpper: number;
  /** The running minimum of the looks' p-values: always valid. */
  pValue: number;
}

/** One look's half-width and p-value. */
export function mixtureLook(estimate: number, variance: number, n: number, rho2: number, alpha: number): { halfWidth: number; pValue: number } {
  const r = rho2 * n;
  const halfWidth = Math.sqrt((variance * (1 + r) / r) * (Math.log(1 + r) - 2 * Math.log(alpha)));
  let pValue: number;
  if (variance > 0) {
    const logLambda = -0.5 * Math.log(1 + r) + ((estimate * estimate) / variance) * (r / (2 * (1 + r)));
    pValue = Math.min(1, Math.exp(-logLambda));
  } else pValue = estimate === 0 ? 1 : 0;
  return { halfWidth, pValue };
}

/** The path of the confidence sequence over the looks (in time order). */
export function confidenceSequence(looks: Look[], plannedN: number, alpha: number): SequentialPoint[] {
  const rho2 = mixtureRho2(plannedN, alpha);
  const out: SequentialPoint[] = [];
  let lo = -Infinity;
  let hi = Infinity;
  let p = 1;
  for (const look of looks) {
    const { halfWidth, pValue } = mixtureLook(look.estimate, look.variance, look.n, rho2, alpha);
    const lower = look.estimate - halfWidth;
    const upper = look.estimate + halfWidth;
    lo = Math.max(lo, lower);
    hi = Math.min(hi, upper);
    p = Math.min(p, pValue);
    out.push({ at: look.at, n: look.n, estimate: look.estimate, lower, upper, validLower: lo, validUpper: hi, pValue: p });
  }
  return out;
}
