// Sweep analytics: the pure computational core behind "which params matter and where are the
// good runs" for sweeps of 10k–100k runs. No I/O: the caller loads one selection of runs as
// columns (SweepData: run ids, param columns, the target metric summary; null = missing) and
// gets plain, JSON-ready objects back. Conventions shared by every function:
// - Runs are put in run-id order first, so results never depend on the order rows arrived in,
//   and every randomised step (bootstraps, the forest) takes a seed: same input, same output.
// - Runs without the target are left out of every target-based analysis and counted.
// - Bad input (empty selection, unknown param, a target missing everywhere, options out of
//   range, an absurd grid) throws AnalyticsInputError with a message a person can act on; map
//   it to HTTP 400.
// - Results hold no NaN; an undefined statistic is null with a `note` saying why.
export { AnalyticsInputError } from './errors.ts';
export type { Direction, Interval, ParamValue, SweepData } from './types.ts';
export { compareCategories, compareNatural } from './category-order.ts';
export { DEFAULT_MAX_LEVELS, inferAxes, inferAxis, looksLogScaled, varyingParams } from './axes.ts';
export type { Axis, AxisOptions, AxisScale, CategoricalAxis, CategoryValue, NumericAxis } from './axes.ts';
export type { BinSpec } from './binning.ts';
export { contourGrid, DEFAULT_GRID, MAX_CELLS, MAX_CELLS_PER_AXIS } from './contour.ts';
export type { ContourAxis, ContourGrid, ContourOptions } from './contour.ts';
export { DEFAULT_MARGINAL_BINS, marginalEffects } from './marginals.ts';
export type { MarginalBin, MarginalEffect, MarginalOptions } from './marginals.ts';
export { spearman } from './correlation.ts';
export type { SpearmanInterval, SpearmanOptions, SpearmanResult } from './correlation.ts';
export { paramImportance } from './importance.ts';
export type { ImportanceOptions, ImportanceResult, ParamImportance } from './importance.ts';
export { bestRegion } from './best-region.ts';
export type { BestRegion, BestRegionOptions, RegionParam } from './best-region.ts';
export { formatNumber } from './format.ts';
