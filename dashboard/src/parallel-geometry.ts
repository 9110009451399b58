// The geometry of the parallel coordinates (views/parallel-chart.tsx), kept pure so it is tested
// without a browser: where a value sits on its axis (0 at the bottom, 1 at the top: linear, log,
// or a category's slot), the inverse for a dragged brush, tick marks, and each run's colour
// bucket by the target. Never draws.
import type { ChartAxis, ParallelAnswer } from './api.ts';
import type { Brush } from './url-state.ts';

/** The colour scale of a numeric target, low to high (ColorBrewer RdYlBu, reversed). */
export const TARGET_STOPS = ['#313695', '#4575b4', '#74add1', '#fee090', '#f46d43', '#a50026'];
/** Distinct colours a numeric target is drawn with (one canvas path per colour). */
export const COLOUR_BUCKETS = 32;
/** Category colours of a categorical target (repeating past ten). */
export const CATEGORY_COLOURS = ['#4575b4', '#d73027', '#1a9850', '#984ea3', '#ff7f00', '#a6761d', '#e7298a', '#66a61e', '#666666', '#17becf'];
/** The colour of every line when no target colours them, and of runs without a target value. */
export const PLAIN = '#4575b4';
export const NO_VALUE = '#9aa3ad';

/** A value's position on its axis, 0 (bottom) to 1 (top); categories by index, in the middle of their slot. */
export function toUnit(axis: ChartAxis, v: number): number {
  if (axis.scale === 'categorical') {
    const n = Math.max(1, axis.categories?.length ?? 1);
    return (v + 0.5) / n;
  }
  const lo = axis.min ?? 0;
  const hi = axis.max ?? 1;
  if (axis.scale === 'log') {
    const a = Math.log(lo);
    const b = Math.log(hi);
    return b === a ? 0.5 : (Math.log(v) - a) / (b - a);
  }
  return hi === lo ? 0.5 : (v - lo) / (hi - lo);
}

/** The value at a position of a numeric axis (the inverse of toUnit). */
export function fromUnit(axis: ChartAxis, u: number): number {
  const lo = axis.min ?? 0;
  const hi = axis.max ?? 1;
  if (axis.scale === 'log') return Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
  return lo + u * (hi - lo);
}

/**
 * The brush a drag from position u0 to u1 (either order) makes on an axis: a value range to 6
 * significant digits, or the categories whose slot middles it covers; null when it covers none.
 */
export function brushOf(axis: ChartAxis, u0: number, u1: number): Brush | null {
  const lo = Math.max(0, Math.min(u0, u1));
  const hi = Math.min(1, Math.max(u0, u1));
  if (axis.scale === 'categorical') {
    const categories = (axis.categories ?? []).filter((_, i) => {
      const u = toUnit(axis, i);
      return u >= lo && u <= hi;
    });
    return categories.length > 0 ? { field: axis.field, categories: categories.map(String) } : null;
  }
  const round = (x: number) => Number(x.toPrecision(6));
  return { field: axis.field, range: [round(fromUnit(axis, lo)), round(fromUnit(axis, hi))] };
}

/** The span a brush covers on its axis, as positions [low, high]; a categorical one covers its slots. */
export function brushSpan(axis: ChartAxis, b: Brush): [number, number] | null {
  if (b.range) {
    const clamp = (u: number) => Math.max(0, Math.min(1, u));
    if (axis.scale === 'categorical') return null;
    const ends = b.range.map((v) => clamp(axis.scale === 'log' && v <= 0 ? 0 : toUnit(axis, v)));
    return [Math.min(ends[0]!, ends[1]!), Math.max(ends[0]!, ends[1]!)];
  }
  const n = Math.max(1, axis.categories?.length ?? 1);
  const slots = (axis.categories ?? []).flatMap((c, i) => (b.categories?.includes(String(c)) ? [i] : []));
  if (slots.length === 0) return null;
  return [Math.min(...slots) / n, (Math.max(...slots) + 1) / n];
}

/** A number short enough for an axis tick. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  return Math.abs(v) >= 1e4 || Math.abs(v) < 1e-2 ? v.toExponential(1).replace('.0e', 'e') : String(Number(v.toPrecision(3)));
}

/** Tick marks of an axis: [position, label]; powers of ten on a log axis that spans one, round steps otherwise. */
export function axisTicks(axis: ChartAxis, most = 6): [number, string][] {
  if (axis.scale === 'categorical') {
    const names = axis.categories ?? [];
    const every = Math.max(1, Math.ceil(names.length / 24));
    return names.flatMap((c, i) => (i % every === 0 ? [[toUnit(axis, i), String(c)] as [number, string]] : []));
  }
  const lo = axis.min;
  const hi = axis.max;
  if (lo === undefined || hi === undefined) return [];
  if (lo === hi) return [[0.5, tickLabel(lo)]];
  if (axis.scale === 'log') {
    const powers: [number, string][] = [];
    for (let p = Math.ceil(Math.log10(lo)); p <= Math.floor(Math.log10(hi)); p++) powers.push([toUnit(axis, 10 ** p), tickLabel(10 ** p)]);
    if (powers.length >= 2) return powers.filter((_, i) => i % Math.ceil(powers.length / most) === 0);
  }
  const raw = (hi - lo) / (most - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: [number, string][] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push([toUnit(axis, v), tickLabel(Number(v.toPrecision(12)))]);
  return out;
}

function mix(a: string, b: string, t: number): string {
  const ch = (s: string, i: number) => parseInt(s.slice(1 + 2 * i, 3 + 2 * i), 16);
  const parts = [0, 1, 2].map((i) => Math.round(ch(a, i) + (ch(b, i) - ch(a, i)) * t));
  return `rgb(${parts.join(',')})`;
}

/** The colour of each bucket of a numeric target, low to high. */
export function bucketColours(): string[] {
  return Array.from({ length: COLOUR_BUCKETS }, (_, b) => {
    const x = (b / (COLOUR_BUCKETS - 1)) * (TARGET_STOPS.length - 1);
    const i = Math.min(TARGET_STOPS.length - 2, Math.floor(x));
    return mix(TARGET_STOPS[i]!, TARGET_STOPS[i + 1]!, x - i);
  });
}

/**
 * Each row's colour as an index into `colours`: by the target's bucket (numeric) or category, the
 * last colour for a row without a target value; one colour for all when there is no target axis.
 */
export function rowColours(data: ParallelAnswer, targetDim: number): { colours: string[]; index: Uint8Array } {
  const index = new Uint8Array(data.rows);
  const target = targetDim >= 0 ? data.axes[targetDim] : undefined;
  if (!target) return { colours: [PLAIN], index };
  const column = data.values[targetDim]!;
  const colours = target.scale === 'categorical' ? CATEGORY_COLOURS : bucketColours();
  const missing = colours.length;
  for (let i = 0; i < data.rows; i++) {
    const v = column[i];
    if (v === null || v === undefined) index[i] = missing;
    else if (target.scale === 'categorical') index[i] = v % CATEGORY_COLOURS.length;
    else index[i] = Math.max(0, Math.min(COLOUR_BUCKETS - 1, Math.floor(toUnit(target, v) * COLOUR_BUCKETS)));
  }
  return { colours: [...colours, NO_VALUE], index };
}
