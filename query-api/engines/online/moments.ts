// Sufficient statistics of one metric in one variant (what online_outcome_sums holds, summed):
// count, sum and sum of squares of the values, and of the pre-period covariate with the cross
// sum, for CUPED. Every online answer is computed from these, never from raw outcomes.

export interface Moments {
  n: number;
  sum: number;
  sumSq: number;
  /** Records that carried a covariate (CUPED needs it on all of them). */
  covN: number;
  covSum: number;
  covSumSq: number;
  /** Σ covariate × value. */
  cross: number;
}

export const emptyMoments = (): Moments => ({ n: 0, sum: 0, sumSq: 0, covN: 0, covSum: 0, covSumSq: 0, cross: 0 });

export function addMoments(a: Moments, b: Moments): Moments {
  return { n: a.n + b.n, sum: a.sum + b.sum, sumSq: a.sumSq + b.sumSq, covN: a.covN + b.covN, covSum: a.covSum + b.covSum, covSumSq: a.covSumSq + b.covSumSq, cross: a.cross + b.cross };
}

export const meanOf = (m: Moments): number => m.sum / m.n;

/** Sample variance (n − 1), never below 0 (rounding in Σy² − (Σy)²/n). */
export function varianceOf(m: Moments): number {
  if (m.n < 2) return NaN;
  return Math.max(0, (m.sumSq - (m.sum * m.sum) / m.n) / (m.n - 1));
}

/** A mean and the variance of one value about it: what a comparison needs of each side. */
export interface SideEstimate {
  n: number;
  mean: number;
  variance: number;
}

/**
 * CUPED (Deng et al. 2013): each value y becomes y − θ(x − x̄), x the unit's pre-period
 * covariate and x̄ its mean over every variant, θ = cov(x, y) / var(x) over every variant. The
 * means stay unbiased (x does not depend on the assignment) and the variance shrinks by the
 * squared correlation. Null when some record lacks a covariate or x does not vary.
 */
export function cupedAdjust(sides: Moments[]): { theta: number; adjusted: SideEstimate[] } | null {
  if (sides.some((s) => s.n < 2 || s.covN !== s.n)) return null;
  let n = 0, sy = 0, sx = 0, sxx = 0, sxy = 0;
  for (const s of sides) {
    n += s.n;
    sy += s.sum;
    sx += s.covSum;
    sxx += s.covSumSq;
    sxy += s.cross;
  }
  const varX = (sxx - (sx * sx) / n) / (n - 1);
  if (!(varX > 0)) return null;
  const covXY = (sxy - (sx * sy) / n) / (n - 1);
  const theta = covXY / varX;
  const xBar = sx / n;
  const adjusted = sides.map((s) => {
    const vy = varianceOf(s);
    const vx = Math.max(0, (s.covSumSq - (s.covSum * s.covSum) / s.n) / (s.n - 1));
    const cxy = (s.cross - (s.covSum * s.sum) / s.n) / (s.n - 1);
    return { n: s.n, mean: s.sum / s.n - theta * (s.covSum / s.n - xBar), variance: Math.max(0, vy + theta * theta * vx - 2 * theta * cxy) };
  });
  return { theta, adjusted };
}
