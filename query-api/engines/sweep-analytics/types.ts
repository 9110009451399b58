// Shapes shared by every analysis: the columnar sweep the caller hands in, intervals and the
// optimisation direction. Results are plain objects (no Maps, no typed arrays) so the API can
// serialise them as they are.

/** One param value of one run; null = the run did not set the param. */
export type ParamValue = number | string | boolean | null;

/**
 * A selection of runs, column by column: `runIds[i]`, `params[name][i]` and `target[i]` belong
 * to run i. `target` is the metric summary being analysed (e.g. the max of val/acc); null = the
 * run has no value. Run ids must be unique: every analysis orders runs by id first, so the order
 * the caller's query returned them in never changes a result.
 */
export interface SweepData {
  runIds: readonly string[];
  params: Readonly<Record<string, readonly ParamValue[]>>;
  target: readonly (number | null)[];
}

/** A two-sided confidence interval. */
export interface Interval {
  lower: number;
  upper: number;
  confidence: number;
}

/** Whether a larger target is better ('maximize', e.g. accuracy) or a smaller one ('minimize', e.g. loss). */
export type Direction = 'maximize' | 'minimize';
