// Marginal effects: for each param, the target's mean with a t-based confidence interval in each
// bin of the param. Numeric params get quantile bins (binning.ts: nearly equal run counts, ties
// kept together, default 10); categories and levels one bin each. The interval is
// mean ± t(1 − α/2, n − 1) · s / √n with the sample standard deviation s; a bin with one run has
// no variance estimate, so its interval is null with a note. "Marginal" means averaged over all
// other params as the sweep sampled them: an effect that exists only through an interaction can
// look flat here (the forest in importance.ts sees it).
import tquantile from '@stdlib/stats-base-dists-t-quantile';
import { axisOf, varies, type AxisOptions, type AxisScale } from './axes.ts';
import { encodeColumn, quantileBinning, type BinSpec } from './binning.ts';
import { checkConfidence, checkInteger, checkParamList, prepare } from './input.ts';
import type { Interval, SweepData } from './types.ts';

export const DEFAULT_MARGINAL_BINS = 10;

export interface MarginalOptions {
  /** Default: every param that varies in the selection. */
  params?: string[];
  /** Quantile bins per numeric param, default 10, 2–100. */
  bins?: number;
  /** Default 0.95. */
  confidence?: number;
  axes?: AxisOptions;
}

export type MarginalBin = BinSpec & {
  /** Runs in the bin that have the target. */
  n: number;
  mean: number | null;
  /** Sample standard deviation (n − 1); null below 2 runs. */
  sd: number | null;
  ci: Interval | null;
  note?: string;
};

export interface MarginalEffect {
  param: string;
  scale: AxisScale;
  bins: MarginalBin[];
  /** Runs with the param and the target. */
  runsUsed: number;
}

/** Mean, sd and t interval of the target values in one bin (two passes, so offsets do not cancel). */
function summarise(values: Float64Array, confidence: number): Pick<MarginalBin, 'n' | 'mean' | 'sd' | 'ci' | 'note'> {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null, ci: null, note: 'no run in this bin has the target' };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i]!;
  const mean = s / n;
  if (n === 1) return { n, mean, sd: null, ci: null, note: 'one run: no variance estimate, so no interval' };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const half = tquantile(1 - (1 - confidence) / 2, n - 1) * (sd / Math.sqrt(n));
  const out: Pick<MarginalBin, 'n' | 'mean' | 'sd' | 'ci' | 'note'> = { n, mean, sd, ci: { lower: mean - half, upper: mean + half, confidence } };
  if (sd === 0) out.note = 'every run in this bin has the same target: the interval has zero width';
  return out;
}

export function marginalEffects(data: SweepData, options: MarginalOptions = {}): MarginalEffect[] {
  const prepared = prepare(data, { requireTarget: true });
  const params = checkParamList(prepared, options.params, () => prepared.paramNames.filter((p) => varies(prepared, p)));
  const nBins = checkInteger('bins', options.bins, 2, 100, DEFAULT_MARGINAL_BINS);
  const confidence = checkConfidence(options.confidence);
  const { target, n } = prepared;
  const hasTarget = new Uint8Array(n);
  for (let i = 0; i < n; i++) hasTarget[i] = Number.isNaN(target[i]!) ? 0 : 1;

  return params.map((param) => {
    const axis = axisOf(prepared, param, options.axes);
    const { bins, binOf } = quantileBinning(axis, encodeColumn(axis, prepared.column(param)), hasTarget, nBins);
    // Group the target values by bin with a counting sort: no array per run, one pass each way.
    const sizes = new Int32Array(bins.length + 1);
    for (let i = 0; i < n; i++) if (binOf[i]! >= 0) sizes[binOf[i]! + 1]!++;
    for (let b = 0; b < bins.length; b++) sizes[b + 1] = sizes[b + 1]! + sizes[b]!;
    const grouped = new Float64Array(sizes[bins.length]!);
    const fill = sizes.slice(0, bins.length);
    for (let i = 0; i < n; i++) {
      const b = binOf[i]!;
      if (b >= 0) grouped[fill[b]!++] = target[i]!;
    }
    return {
      param,
      scale: axis.scale,
      bins: bins.map((bin, b) => ({ ...bin, ...summarise(grouped.subarray(sizes[b]!, sizes[b + 1]!), confidence) })),
      runsUsed: grouped.length,
    };
  });
}
