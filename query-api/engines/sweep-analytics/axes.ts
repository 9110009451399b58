// How each param is drawn and binned: a linear or log numeric axis, or categories in a stable
// order (category-order.ts). Every other analysis starts from these axes, so the rules live here:
// - Strings and booleans (or a mix of types) are categorical.
// - Numbers are log-scaled when every value is > 0, they span at least an order of magnitude
//   (max/min ≥ 10) and their distinct values crowd the low end of the range: the median
//   distinct value lies in the lowest quarter of [min, max]. That is the signature of log
//   spacing, whether a grid (lr ∈ {1e-4, 3e-4, 1e-3, 3e-3}, batch sizes 16…256) or log-uniform
//   sampling. Two distinct values have no median to judge by: log when max/min ≥ 1000.
//   Otherwise linear, and any value ≤ 0 rules out log. A bare "max/min ≥ 1000" rule is not
//   used because it misfires on uniform samples that start near 0: dropout ~ U(0, 0.5) over
//   2,000 runs has min ≈ 0.0003 and max/min ≈ 1500, yet is plainly linear.
// - Numbers stay numeric even when there are only a few distinct values (batch size, seed): the
//   order matters to correlation and to the forest. Such "levels" are listed on the axis (at
//   most `maxLevels` distinct values, each used by two runs or more on average) and binning
//   gives each level its own cell, as it does a category.
// - `scale` overrides the rule per param; numbers may be forced categorical, strings may not be
//   forced numeric, and log needs every value > 0.
import { compareCategories, type CategoryValue } from './category-order.ts';
import { AnalyticsInputError } from './errors.ts';
import { checkInteger, prepare, type Prepared } from './input.ts';
import type { ParamValue, SweepData } from './types.ts';

export type { CategoryValue } from './category-order.ts';
export type AxisScale = 'linear' | 'log' | 'categorical';

interface AxisCommon {
  param: string;
  /** Runs with a value / without one. */
  present: number;
  missing: number;
  /** Why this scale, in words (for a tooltip or a log line). */
  reason: string;
}

export interface NumericAxis extends AxisCommon {
  scale: 'linear' | 'log';
  /** Range of the present values (a param no run sets gets an empty categorical axis instead). */
  min: number;
  max: number;
  distinct: number;
  /** The distinct values, ascending, when the param takes a few levels (see header); else null. */
  levels: number[] | null;
}

export interface CategoricalAxis extends AxisCommon {
  scale: 'categorical';
  /** In the stable order of category-order.ts. */
  categories: CategoryValue[];
  /** Runs per category, aligned with `categories`. */
  counts: number[];
}

export type Axis = NumericAxis | CategoricalAxis;

export interface AxisOptions {
  /** Force a scale per param, e.g. { batch_size: 'categorical', lr: 'log' }. */
  scale?: Record<string, AxisScale>;
  /** Most distinct values a numeric param may have to count as levels; default 12, 0 = never. */
  maxLevels?: number;
}

export const DEFAULT_MAX_LEVELS = 12;
export const LOG_MIN_RATIO = 10;
export const LOG_CROWDED_MEDIAN = 0.25;
export const LOG_RATIO_TWO_VALUES = 1000;

/** The log rule of the header, on the sorted distinct values of a numeric param. */
export function looksLogScaled(sortedDistinct: ArrayLike<number>): { log: boolean; reason: string } {
  const k = sortedDistinct.length;
  if (k < 2) return { log: false, reason: 'a single value' };
  const min = sortedDistinct[0]!;
  const max = sortedDistinct[k - 1]!;
  if (!(min > 0)) return { log: false, reason: 'has values ≤ 0, so linear' };
  const ratio = max / min;
  const r = ratio.toPrecision(3);
  if (k === 2) {
    return ratio >= LOG_RATIO_TWO_VALUES
      ? { log: true, reason: `two values > 0 with max/min = ${r} ≥ ${LOG_RATIO_TWO_VALUES}` }
      : { log: false, reason: `two values with max/min = ${r} < ${LOG_RATIO_TWO_VALUES}: linear` };
  }
  if (ratio < LOG_MIN_RATIO) return { log: false, reason: `max/min = ${r} < ${LOG_MIN_RATIO}: linear` };
  const h = (k - 1) / 2;
  const median = (sortedDistinct[Math.floor(h)]! + sortedDistinct[Math.ceil(h)]!) / 2;
  const position = (median - min) / (max - min);
  const where = `the median distinct value sits at ${(100 * position).toFixed(0)}% of the range`;
  return position <= LOG_CROWDED_MEDIAN
    ? { log: true, reason: `all > 0, max/min = ${r} ≥ ${LOG_MIN_RATIO} and ${where}: log-spaced` }
    : { log: false, reason: `max/min = ${r} but ${where}: evenly spread, linear` };
}

function categoricalAxis(param: string, values: readonly ParamValue[], reason: string): CategoricalAxis {
  const counts = new Map<CategoryValue, number>();
  let present = 0;
  for (const v of values) {
    if (v === null) continue;
    present++;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const categories = [...counts.keys()].sort(compareCategories);
  return {
    param,
    scale: 'categorical',
    categories,
    counts: categories.map((c) => counts.get(c)!),
    present,
    missing: values.length - present,
    reason,
  };
}

/** The axis of one param from its values (null = missing). */
export function inferAxis(param: string, values: readonly ParamValue[], options: { scale?: AxisScale; maxLevels?: number } = {}): Axis {
  const maxLevels = checkInteger('maxLevels', options.maxLevels, 0, 1000, DEFAULT_MAX_LEVELS);
  const forced = options.scale;
  if (forced !== undefined && forced !== 'linear' && forced !== 'log' && forced !== 'categorical') {
    throw new AnalyticsInputError(`scale of param ${JSON.stringify(param)} must be linear, log or categorical; got ${JSON.stringify(forced)}`);
  }
  let allNumbers = true;
  let present = 0;
  for (const v of values) {
    if (v === null) continue;
    present++;
    if (typeof v !== 'number') allNumbers = false;
  }
  if (!allNumbers) {
    if (forced === 'linear' || forced === 'log') {
      throw new AnalyticsInputError(`param ${JSON.stringify(param)} has string or boolean values, so it cannot be drawn on a ${forced} axis; use categorical`);
    }
    return categoricalAxis(param, values, 'has string or boolean values');
  }
  if (forced === 'categorical') return categoricalAxis(param, values, 'forced categorical');
  // No value, no range: an empty list of categories says that without NaN bounds.
  if (present === 0) return categoricalAxis(param, values, 'no run has a value');

  const sorted = new Float64Array(present);
  let k = 0;
  for (const v of values) if (v !== null) sorted[k++] = v as number;
  sorted.sort();
  const distinctValues: number[] = [];
  for (let i = 0; i < present; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinctValues.push(sorted[i]!);
  const min = sorted[0]!;
  const max = sorted[present - 1]!;
  const distinct = distinctValues.length;
  const levels = distinct <= maxLevels && 2 * distinct <= present ? distinctValues : null;

  let scale: 'linear' | 'log';
  let reason: string;
  if (forced === 'log') {
    if (!(min > 0)) {
      throw new AnalyticsInputError(`param ${JSON.stringify(param)} has values ≤ 0 (min ${min}), so it cannot be drawn on a log axis; use linear`);
    }
    [scale, reason] = ['log', 'forced log'];
  } else if (forced === 'linear') {
    [scale, reason] = ['linear', 'forced linear'];
  } else {
    const rule = looksLogScaled(distinctValues);
    [scale, reason] = [rule.log ? 'log' : 'linear', rule.reason];
  }
  return { param, scale, min, max, distinct, levels, present, missing: values.length - present, reason };
}

/** @internal The axis of a param of prepared data, honouring the options' per-param overrides. */
export function axisOf(prepared: Prepared, param: string, options: AxisOptions = {}): Axis {
  const values = prepared.column(param);
  const scale = options.scale?.[param];
  return inferAxis(param, values, { scale, maxLevels: options.maxLevels });
}

/** Axes of the given params (default: every param), in the order asked. */
export function inferAxes(data: SweepData, params?: readonly string[], options: AxisOptions = {}): Axis[] {
  const prepared = prepare(data);
  return (params ?? prepared.paramNames).map((p) => axisOf(prepared, p, options));
}

/** @internal Whether a prepared param takes two distinct present values or more. */
export function varies(prepared: Prepared, param: string): boolean {
  let first: ParamValue = null;
  for (const v of prepared.column(param)) {
    if (v === null) continue;
    if (first === null) first = v;
    else if (v !== first) return true;
  }
  return false;
}

/**
 * The params that vary within the selection: two distinct present values or more (1 and "1"
 * differ). A param that is only set on some runs but always to the same value does not vary:
 * its missing runs are reported on the axis instead.
 */
export function varyingParams(data: SweepData): string[] {
  const prepared = prepare(data);
  return prepared.paramNames.filter((p) => varies(prepared, p));
}
