// Shapes shared by every test in the module: the alternative hypothesis, samples, intervals and
// effect sizes. Results are plain objects so the API can serialise them as they are.

/** 'greater' means a is larger than b (a − b > 0 for paired data); 'less' the opposite. */
export type Alternative = 'two-sided' | 'greater' | 'less';

/** Plain arrays or typed arrays of finite numbers. */
export type Sample = ArrayLike<number>;

/**
 * A confidence interval. One-sided alternatives give a one-sided interval, as R and SciPy do:
 * 'greater' → [lower, +Infinity], 'less' → [−Infinity, upper]. JSON.stringify turns ±Infinity
 * into null, so the API layer decides how to show an unbounded side.
 */
export interface Interval {
  lower: number;
  upper: number;
  confidence: number;
}

export interface EffectSize {
  measure: 'cohen-dz' | 'cohen-d-pooled' | 'rank-biserial';
  value: number;
}

export interface TestOptions {
  alternative?: Alternative;
}

/**
 * How a rank test computes its p-value. 'auto' picks the exact distribution for small samples
 * without ties and the normal approximation otherwise (each test documents its threshold);
 * 'exact' with tied values is refused, since that distribution assumes no ties.
 */
export type RankMethod = 'auto' | 'exact' | 'approximate';

export const EXACT = 'exact';
export const NORMAL_APPROXIMATION = 'normal approximation with tie and continuity correction';
export type RankMethodUsed = typeof EXACT | typeof NORMAL_APPROXIMATION;

export interface RankTestOptions extends TestOptions {
  method?: RankMethod;
}
