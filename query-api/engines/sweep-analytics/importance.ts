// Which params matter, by two methods side by side:
// - Spearman's ρ of each numeric param with the target (correlation.ts): cheap and readable, but
//   blind to non-monotone effects (an optimum inside the range) and to interactions. Booleans
//   count as false = 0, true = 1; other categorical params have no order and get ρ = null.
// - A random forest's permutation importance (forest.ts), which sees both. It is reported as a
//   share of the target's variance: the rise in out-of-bag mean squared error when the param is
//   shuffled, divided by twice the variance of the target in that fit's sample. Twice, because
//   shuffling x in y = f(x) + rest raises the squared error by E[(f(x) − f(x'))²] = 2·Var f(x):
//   so for an additive effect the figure estimates Var f(x) / Var y, the share of the target's
//   variance that the param drives (interactions are shared out among the params in them).
//
// Uncertainty of the forest: a bootstrap over runs. Each of `resamples` (default 20) rounds
// draws runs with replacement, fits a fresh forest (default 50 trees) and scores every param;
// the importance is the mean over rounds and the interval the percentile interval of the rounds
// (type-7 interpolation: with 20 rounds the 95% bounds fall between the two most extreme rounds
// on each side, so the interval is coarse; raise `resamples` for a finer one).
// A round draws min(runs, maxRows) runs (default 5,000): above maxRows that is an m-out-of-n
// bootstrap, whose interval describes a forest fitted on maxRows runs, so it is wider, never
// narrower, than the full-data one; it keeps 100k-run sweeps to a few seconds.
//
// A param is flagged insensitive when its interval reaches 0 or below, or when its importance is
// under `minImportance` (default 0.01: it drives less than 1% of the target's variance, too
// little to be worth tuning, however sure the forest is of it). Spearman never sets the flag: ρ ≈ 0 can hide a
// strong non-monotone effect.
//
// Runs without a target are dropped (runsDropped). Missing param values stay in: the forest gives
// them their own bin, so "not set" can matter like any value; Spearman uses the runs that have
// both values. Categories enter the forest as one feature each (not one-hot, so a param with
// many categories is not drawn more often at splits), split by ordering categories by their
// mean target in the node.
import { mean, quantileSorted } from '../statistics/descriptive.ts';
import { createPrng } from '../statistics/prng.ts';
import { axisOf, varies, type AxisOptions, type AxisScale } from './axes.ts';
import { encodeColumn } from './binning.ts';
import { spearman, type SpearmanOptions, type SpearmanResult } from './correlation.ts';
import { AnalyticsInputError } from './errors.ts';
import { binFeatures, forestPermutationImportance, type ForestSettings } from './forest.ts';
import { checkConfidence, checkInteger, checkNumber, checkParamList, checkSeed, prepare } from './input.ts';
import type { Interval, SweepData } from './types.ts';

export interface ImportanceOptions {
  /** Default: every param that varies in the selection. */
  params?: string[];
  /** Bootstrap rounds, each a freshly fitted forest; default 20, 2–500. */
  resamples?: number;
  /** Level of the forest and Spearman intervals, default 0.95. */
  confidence?: number;
  /** Any safe integer, default 0. Same seed and data → same result, whatever the run order. */
  seed?: number;
  /** Trees per forest, default 50, 1–1000. */
  trees?: number;
  /** Runs drawn per round, default 5,000 (fewer when the sweep has fewer). */
  maxRows?: number;
  /** Fewest sample rows per leaf, default 5. */
  minLeaf?: number;
  /** Default 20. */
  maxDepth?: number;
  /** Params tried per split, default ⌈params / 3⌉ (Breiman's regression rule, rounded up). */
  maxFeatures?: number;
  /** Quantile bins per numeric param in the forest, default 64, 2–1024. */
  maxBins?: number;
  /** Below this share of the target variance a param is insensitive; default 0.01. */
  minImportance?: number;
  /** Interval of ρ: 'fisher' by default, or 'bootstrap' (its own resamples and seed). */
  spearman?: SpearmanOptions;
  axes?: AxisOptions;
}

export interface ParamImportance {
  param: string;
  scale: AxisScale;
  /** 1 = most important by the forest. */
  rank: number;
  /** Runs (with the target) where the param is missing. */
  missing: number;
  spearman: SpearmanResult;
  forest: {
    /** Mean over rounds of the rise in OOB squared error when shuffled, over 2 × the target variance (see header). */
    importance: number;
    ci: Interval;
  };
  insensitive: boolean;
  /** Why the flag is set or not, in words. */
  reason: string;
}

export interface ImportanceResult {
  params: ParamImportance[];
  /** Runs with a target value: the ones analysed. */
  runsUsed: number;
  /** Runs dropped for a missing target. */
  runsDropped: number;
  forest: ForestSettings & {
    resamples: number;
    rowsPerFit: number;
    /** Out-of-bag R² of the forests (mean and interval over rounds): how much of the target the params explain at all; null when no round could fit. */
    oobR2: { mean: number; ci: Interval } | null;
  };
  minImportance: number;
}

export const DEFAULTS = { resamples: 20, trees: 50, maxRows: 5000, minLeaf: 5, maxDepth: 20, maxBins: 64, minImportance: 0.01 } as const;
/** Memory one tree's split masks may take. */
export const MAX_TREE_BYTES = 1e8;
/** Fewest runs with a target for a forest to mean anything. */
export const MIN_RUNS = 10;

function percentileInterval(values: Float64Array, confidence: number): Interval {
  const sorted = Float64Array.from(values).sort();
  const alpha = 1 - confidence;
  return { lower: quantileSorted(sorted, alpha / 2), upper: quantileSorted(sorted, 1 - alpha / 2), confidence };
}

export function paramImportance(data: SweepData, options: ImportanceOptions = {}): ImportanceResult {
  const prepared = prepare(data, { requireTarget: true });
  const params = checkParamList(prepared, options.params, () => prepared.paramNames.filter((p) => varies(prepared, p)));
  if (params.length === 0) throw new AnalyticsInputError('no param varies in the selection, so there is nothing to rank; widen the selection or name params');
  const resamples = checkInteger('resamples', options.resamples, 2, 500, DEFAULTS.resamples);
  const confidence = checkConfidence(options.confidence);
  const seed = checkSeed(options.seed);
  const settings: ForestSettings = {
    trees: checkInteger('trees', options.trees, 1, 1000, DEFAULTS.trees),
    maxFeatures: checkInteger('maxFeatures', options.maxFeatures, 1, params.length, Math.ceil(params.length / 3)),
    minLeaf: checkInteger('minLeaf', options.minLeaf, 1, 1000, DEFAULTS.minLeaf),
    maxDepth: checkInteger('maxDepth', options.maxDepth, 1, 64, DEFAULTS.maxDepth),
    maxBins: checkInteger('maxBins', options.maxBins, 2, 1024, DEFAULTS.maxBins),
  };
  const maxRows = checkInteger('maxRows', options.maxRows, MIN_RUNS, 200_000, DEFAULTS.maxRows);
  const minImportance = checkNumber('minImportance', options.minImportance, DEFAULTS.minImportance, (v) => v >= 0 && v < 1, 'a share of variance from 0 (inclusive) to 1');

  // Only runs with a target take part; `rows` maps the forest's row numbers to canonical runs.
  const { target, n } = prepared;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(target[i]!)) rows.push(i);
  const m = rows.length;
  if (m < MIN_RUNS) throw new AnalyticsInputError(`only ${m} run(s) have the target; param importance needs at least ${MIN_RUNS}`);
  const y = Float64Array.from(rows, (i) => target[i]!);

  const axes = params.map((p) => axisOf(prepared, p, options.axes));
  const columns = axes.map((axis, f) => {
    const all = encodeColumn(axis, prepared.column(params[f]!));
    return Float64Array.from(rows, (i) => all[i]!);
  });

  // Spearman on all runs with the target; booleans as 0/1 (their category index), other categories skipped.
  const correlations = axes.map((axis, f): SpearmanResult => {
    const isOrdered = axis.scale !== 'categorical' || (axis.categories.length > 0 && axis.categories.every((c) => typeof c === 'boolean'));
    if (!isOrdered) return { rho: null, n: 0, ci: null, method: 'not computed', note: 'categorical param: its categories have no order, so no rank correlation; see the forest importance' };
    return spearman(columns[f]!, y, { confidence, ...options.spearman });
  });

  const rowsPerFit = Math.min(m, maxRows);
  // A tree has at most 2·rows/minLeaf + 1 nodes, each with a split mask of up to maxBins + 2 bytes.
  const maskBytes = (2 * Math.ceil(rowsPerFit / settings.minLeaf) + 1) * (settings.maxBins + 2);
  if (maskBytes > MAX_TREE_BYTES) {
    throw new AnalyticsInputError(`maxRows ${rowsPerFit}, minLeaf ${settings.minLeaf} and maxBins ${settings.maxBins} would need ${Math.round(maskBytes / 1e6)} MB per tree (limit ${MAX_TREE_BYTES / 1e6} MB); lower maxRows or maxBins, or raise minLeaf`);
  }
  const features = binFeatures(columns, axes.map((a) => a.scale === 'categorical'), settings.maxBins);
  const prng = createPrng(seed);
  const rounds = params.map(() => new Float64Array(resamples));
  const r2 = new Float64Array(resamples).fill(NaN);
  const sample = new Int32Array(rowsPerFit);
  const centred = new Float64Array(m);
  for (let r = 0; r < resamples; r++) {
    for (let k = 0; k < rowsPerFit; k++) sample[k] = prng.below(m);
    let s = 0;
    for (let k = 0; k < rowsPerFit; k++) s += y[sample[k]!]!;
    const centre = s / rowsPerFit;
    for (let i = 0; i < m; i++) centred[i] = y[i]! - centre;
    let variance = 0;
    for (let k = 0; k < rowsPerFit; k++) variance += centred[sample[k]!]! ** 2;
    variance /= rowsPerFit;
    if (variance === 0) continue; // every drawn run has the same target: nothing to explain, importance 0
    const fit = forestPermutationImportance(features, centred, sample, settings, prng);
    for (let f = 0; f < params.length; f++) rounds[f]![r] = fit.importance[f]! / (2 * variance);
    r2[r] = fit.oobR2;
  }

  const results = params.map((param, f) => {
    const importance = mean(rounds[f]!);
    const ci = percentileInterval(rounds[f]!, confidence);
    const insensitive = ci.lower <= 0 || importance < minImportance;
    const pct = (v: number) => `${(100 * v).toPrecision(2)}%`;
    const reason = ci.lower <= 0
      ? `the ${Math.round(confidence * 100)}% interval of its importance reaches ${ci.lower === 0 ? '0' : 'below 0'}`
      : importance < minImportance
        ? `it drives about ${pct(importance)} of the target variance, under the ${pct(minImportance)} threshold`
        : `it drives about ${pct(importance)} of the target variance (interval ${pct(ci.lower)} to ${pct(ci.upper)})`;
    return {
      param,
      scale: axes[f]!.scale,
      rank: 0,
      missing: columns[f]!.reduce((c, v) => c + (Number.isNaN(v) ? 1 : 0), 0),
      spearman: correlations[f]!,
      forest: { importance, ci },
      insensitive,
      reason,
    };
  });
  results.sort((a, b) => b.forest.importance - a.forest.importance || (a.param < b.param ? -1 : 1));
  results.forEach((r, i) => (r.rank = i + 1));
  const finiteR2 = r2.filter((v) => Number.isFinite(v));
  return {
    params: results,
    runsUsed: m,
    runsDropped: n - m,
    forest: {
      ...settings,
      resamples,
      rowsPerFit,
      oobR2: finiteR2.length > 0 ? { mean: mean(finiteR2), ci: percentileInterval(finiteR2, confidence) } : null,
    },
    minImportance,
  };
}
