// Assigning runs to bins along one axis, for the contour grid and the marginal effects:
// - gridBinning: equal-width bins in value (linear axes) or in log value (log axes), for charts;
// - quantileBinning: bins of (nearly) equal run counts, for marginal effects.
// Categories and levels (axes.ts) always get one bin each, in axis order. Bins are described by
// plain objects and runs by an Int32Array of bin indexes (−1 = not binned), so the hot loops
// that follow touch typed arrays only.
import type { Axis, CategoryValue } from './axes.ts';
import { formatNumber } from './format.ts';
import type { ParamValue } from './types.ts';

export type BinSpec =
  /** Values from lo to hi: [lo, hi) for grid bins (the last one [lo, hi]); [lo, hi] for quantile bins. */
  | { kind: 'range'; lo: number; hi: number; label: string }
  /** One level of a numeric param with few distinct values. */
  | { kind: 'level'; value: number; label: string }
  | { kind: 'category'; category: CategoryValue; label: string };

export interface Binning {
  bins: BinSpec[];
  /** binOf[i] = bin of run i (canonical order), −1 when the run has no value or was left out. */
  binOf: Int32Array;
}

/** Numbers as themselves, categories as their index on the axis, missing as NaN. */
export function encodeColumn(axis: Axis, values: readonly ParamValue[]): Float64Array {
  const out = new Float64Array(values.length);
  if (axis.scale === 'categorical') {
    const index = new Map<CategoryValue, number>(axis.categories.map((c, i) => [c, i]));
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      out[i] = v === null ? NaN : index.get(v)!;
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      out[i] = v === null ? NaN : (v as number);
    }
  }
  return out;
}

/** One bin per category or level; `x` as from encodeColumn. Null when the axis is continuous. */
function discreteBinning(axis: Axis, x: Float64Array): Binning | null {
  const binOf = new Int32Array(x.length).fill(-1);
  if (axis.scale === 'categorical') {
    for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) binOf[i] = x[i]!;
    return { bins: axis.categories.map((category) => ({ kind: 'category', category, label: String(category) })), binOf };
  }
  if (axis.levels === null) return null;
  const index = new Map<number, number>(axis.levels.map((v, i) => [v, i]));
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) binOf[i] = index.get(x[i]!)!;
  return { bins: axis.levels.map((value) => ({ kind: 'level', value, label: formatNumber(value) })), binOf };
}

/**
 * `n` equal-width bins between the axis' min and max, in log space on a log axis. A run on an
 * inner edge goes to the bin above it; the max goes to the last bin. A constant param gets a
 * single bin [v, v].
 */
export function gridBinning(axis: Axis, x: Float64Array, n: number): Binning {
  const discrete = discreteBinning(axis, x);
  if (discrete) return discrete;
  if (axis.scale === 'categorical') throw new Error('unreachable');
  const binOf = new Int32Array(x.length).fill(-1);
  const { min, max } = axis;
  if (axis.present === 0) return { bins: [], binOf };
  if (min === max) {
    for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) binOf[i] = 0;
    return { bins: [{ kind: 'range', lo: min, hi: max, label: `[${formatNumber(min)}, ${formatNumber(max)}]` }], binOf };
  }
  const log = axis.scale === 'log';
  const f = log ? Math.log : (v: number) => v;
  const fMin = f(min);
  const width = (f(max) - fMin) / n;
  const edges = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) edges[i] = log ? Math.exp(fMin + i * width) : fMin + i * width;
  edges[0] = min;
  edges[n] = max;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) continue;
    let b = Math.min(n - 1, Math.max(0, Math.floor((f(v) - fMin) / width)));
    // Rounding in f can put a value next to an edge one bin off; the edges reported decide.
    while (b < n - 1 && v >= edges[b + 1]!) b++;
    while (b > 0 && v < edges[b]!) b--;
    binOf[i] = b;
  }
  const bins: BinSpec[] = [];
  for (let b = 0; b < n; b++) {
    const lo = edges[b]!;
    const hi = edges[b + 1]!;
    bins.push({ kind: 'range', lo, hi, label: `[${formatNumber(lo)}, ${formatNumber(hi)}${b === n - 1 ? ']' : ')'}` });
  }
  return { bins, binOf };
}

/**
 * Up to `n` bins of nearly equal run counts over the runs where `include[i]` is 1. Runs are
 * sorted by value; the run at sorted position p goes to bin ⌊p·n/m⌋, except that tied values
 * all join the bin of the first of them, so a value never straddles two bins. Bins left empty
 * by that are dropped. Each bin is described by the smallest and largest value inside it.
 */
export function quantileBinning(axis: Axis, x: Float64Array, include: Uint8Array, n: number): Binning {
  const discrete = discreteBinning(axis, x);
  if (discrete) {
    for (let i = 0; i < x.length; i++) if (!include[i]) discrete.binOf[i] = -1;
    return discrete;
  }
  const binOf = new Int32Array(x.length).fill(-1);
  let m = 0;
  for (let i = 0; i < x.length; i++) if (include[i] && !Number.isNaN(x[i]!)) m++;
  const rows = new Uint32Array(m);
  for (let i = 0, k = 0; i < x.length; i++) if (include[i] && !Number.isNaN(x[i]!)) rows[k++] = i;
  rows.sort((a, b) => x[a]! - x[b]! || a - b);

  const bins: BinSpec[] = [];
  let current = -1; // raw bin of the open output bin
  for (let p = 0; p < m; p++) {
    const row = rows[p]!;
    const v = x[row]!;
    const tiedWithPrevious = p > 0 && v === x[rows[p - 1]!];
    const raw = Math.floor((p * n) / m);
    if (!tiedWithPrevious && raw !== current) {
      current = raw;
      bins.push({ kind: 'range', lo: v, hi: v, label: '' });
    }
    const bin = bins[bins.length - 1] as { lo: number; hi: number };
    bin.hi = v;
    binOf[row] = bins.length - 1;
  }
  for (const b of bins) if (b.kind === 'range') b.label = `[${formatNumber(b.lo)}, ${formatNumber(b.hi)}]`;
  return { bins, binOf };
}
