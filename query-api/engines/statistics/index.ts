// Statistics for comparing runs: paired and Welch t-tests, Wilcoxon signed-rank, Mann–Whitney U
// with their Hodges–Lehmann estimates and intervals, bootstrap intervals of a mean difference,
// and Holm / Benjamini–Hochberg adjustments. Pure functions, no I/O. Conventions shared by all
// of them:
// - 'greater' means a > b (a − b > 0 for paired data); default alternative 'two-sided'.
// - Bad input (empty or non-finite samples, too few values for a variance, paired samples of
//   different lengths, options out of range) throws StatsInputError; map it to HTTP 400.
// - Results never hold NaN. They can hold ±Infinity: the open side of a one-sided interval, and
//   t or Cohen's d when a zero-variance sample still differs. Degenerate data set `note`.
export { StatsInputError } from './errors.ts';
export type { Alternative, EffectSize, Interval, RankMethod, RankMethodUsed, RankTestOptions, Sample, TestOptions } from './types.ts';
export { EXACT, NORMAL_APPROXIMATION } from './types.ts';
export { pairedTTest, welchTTest } from './t-tests.ts';
export type { PairedTTestResult, TTestOptions, WelchTTestResult } from './t-tests.ts';
export { wilcoxonSignedRank } from './wilcoxon.ts';
export type { WilcoxonResult } from './wilcoxon.ts';
export { mannWhitneyU } from './mann-whitney.ts';
export type { MannWhitneyResult } from './mann-whitney.ts';
export { hodgesLehmannPaired, hodgesLehmannTwoSample } from './hodges-lehmann.ts';
export type { HodgesLehmannOptions, HodgesLehmannResult } from './hodges-lehmann.ts';
export { bootstrapMeanDifference } from './bootstrap.ts';
export type { BootstrapOptions, BootstrapResult } from './bootstrap.ts';
export { benjaminiHochbergAdjust, holmAdjust } from './corrections.ts';
export { twoProportionZTest } from './proportions.ts';
export type { TwoProportionResult } from './proportions.ts';
