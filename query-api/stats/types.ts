// Shapes shared by the statistics endpoints: which tests a request may name, and the one result
// object every test produces, already JSON-safe (no NaN, no Infinity: nulls with notes).
import type { Alternative, RankMethod } from '../engines/statistics/index.ts';

export const TESTS = ['paired-t', 'welch-t', 'wilcoxon', 'mann-whitney', 'bootstrap'] as const;
export type TestId = (typeof TESTS)[number];
export type TestChoice = 'auto' | TestId;

export const PAIRED_TESTS: ReadonlySet<TestId> = new Set(['paired-t', 'wilcoxon']);
export const UNPAIRED_TESTS: ReadonlySet<TestId> = new Set(['welch-t', 'mann-whitney']);

/** How any test is run, whichever endpoint asks: shared by TestSpec and the run-level options. */
export interface TestSettings {
  alternative: Alternative;
  alpha: number;
  confidence: number;
  /** Rank tests: how the p-value is computed (default 'auto'). */
  method?: RankMethod;
  /** Bootstrap: seed and number of resamples (module defaults 0 and 10,000). */
  seed?: number;
  resamples?: number;
}

/** What one test run needs: the samples, whether they are paired, and the settings. */
export interface TestSpec extends TestSettings {
  test: TestId;
  paired: boolean;
  a: number[];
  b: number[];
}

export const MEAN_DIFFERENCE = 'mean difference';
/** Wilcoxon signed-rank: median of the Walsh averages (d_i + d_j)/2 of the differences a − b. */
export const HL_MEDIAN_DIFFERENCE = 'Hodges-Lehmann median difference';
/** Mann-Whitney U: median of all differences a_i − b_j. */
export const HL_SHIFT = 'Hodges-Lehmann shift';
export const ESTIMATE_NAMES = [MEAN_DIFFERENCE, HL_MEDIAN_DIFFERENCE, HL_SHIFT] as const;
export type EstimateName = (typeof ESTIMATE_NAMES)[number];

export interface IntervalOut {
  lower: number | null;
  upper: number | null;
  confidence: number;
  /** Where the interval comes from, e.g. "paired t interval of the mean paired difference". */
  method: string;
}

export interface TestOutcome {
  test: TestId;
  /** The statistics module's name, e.g. "Wilcoxon signed-rank test". */
  testName: string;
  /** How the p-value was computed, e.g. "exact". */
  method: string;
  /** Short form for sentences, e.g. "Wilcoxon signed-rank, exact". */
  label: string;
  paired: boolean;
  alternative: Alternative;
  alpha: number;
  statistic: number | null;
  /** t, W (signed-rank), U (of sample a) or "mean difference" (bootstrap). */
  statisticName: string;
  df: number | null;
  z: number | null;
  /** null for the bootstrap, which gives an interval and no p-value. */
  pValue: number | null;
  /** p ≤ alpha; for the bootstrap, the interval excludes 0. */
  significant: boolean;
  /**
   * t-tests and bootstrap: the mean of a − b (paired) or mean(a) − mean(b). Rank tests: the
   * Hodges–Lehmann estimate that matches the test (see estimateName), never a mean.
   */
  estimate: number | null;
  /** What `estimate` is, so a reader never takes a Hodges–Lehmann estimate for a mean. */
  estimateName: EstimateName;
  confidenceInterval: IntervalOut | null;
  effectSize: { measure: string; value: number | null } | null;
  n: { a: number; b: number; pairs: number | null };
  /** Rank tests: the smallest p-value the test can give at these sample sizes. */
  minAchievableP: number | null;
  /** Why this test was chosen (test 'auto', or the pairing of a run comparison). */
  reason: string | null;
  /** Things that limit what the result can say: too few values, missing pairs, confounds. */
  warnings: string[];
  /** Explanations of degenerate data and of nulls (values that were ±Infinity). */
  notes: string[];
  /** The statistics module's own result, with the same null rule. */
  details: Record<string, unknown>;
}
