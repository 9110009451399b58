// Ratio metrics: the randomization unit is a user, the records its requests (a click per
// impression, a latency per request), so requests of one user are not independent and a test
// treating them so is overconfident. The metric is Σ values / Σ records of a variant, its
// variance by the delta method over units (Deng et al. 2018, "Applying the Delta Method in
// Metric Analytics"): with Y and N a unit's total and record count, R = ΣY / ΣN and k units,
//   Var(R) ≈ (s²_Y − 2R·s_YN + R²·s²_N) / (k · N̄²).

/** A variant's per-unit sums (k units). */
export interface UnitSums {
  units: number;
  sumY: number;
  sumYY: number;
  sumN: number;
  sumNN: number;
  sumYN: number;
}

/** The ratio and the variance of its estimate (NaN with fewer than 2 units or no records). */
export function ratioEstimate(s: UnitSums): { ratio: number; variance: number } {
  const k = s.units;
  const ratio = s.sumY / s.sumN;
  if (k < 2 || !(s.sumN > 0)) return { ratio, variance: NaN };
  const syy = (s.sumYY - (s.sumY * s.sumY) / k) / (k - 1);
  const snn = (s.sumNN - (s.sumN * s.sumN) / k) / (k - 1);
  const syn = (s.sumYN - (s.sumY * s.sumN) / k) / (k - 1);
  const meanN = s.sumN / k;
  return { ratio, variance: Math.max(0, (syy - 2 * ratio * syn + ratio * ratio * snn) / (k * meanN * meanN)) };
}
