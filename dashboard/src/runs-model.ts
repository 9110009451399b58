// The runs of a /v1/sweeps/parallel answer as table rows: which rows the brushes keep, in
// which order, and each cell as text. Pure, so the page and its tests agree on what is shown.
import type { ChartAxis, ParallelAnswer } from './api.ts';
import type { Brush } from './url-state.ts';

/** A target summary as a field: val/acc.max is named metrics.val/acc.max among axes and fields. */
export const targetField = (target: string): string => (target.startsWith('metrics.') ? target : `metrics.${target}`);

/** The index of the target's axis (the answer names the target as a summary, val/acc.max), or -1. */
export function targetAxis(data: ParallelAnswer): number {
  return data.target === null ? -1 : data.axes.findIndex((a) => a.field === targetField(data.target!));
}

/** The text of a cell: a category's name, a number to 4 significant digits, or blank for no value. */
export function cellText(axis: ChartAxis, v: number | null): string {
  if (v === null) return '';
  if (axis.scale === 'categorical') return String(axis.categories?.[v] ?? '');
  return Number.isInteger(v) && Math.abs(v) < 1e15 ? String(v) : Number(v.toPrecision(4)).toString();
}

/** Row indexes the brushes keep: a value in every brushed range, a category among those kept (no value is outside). */
export function keptRows(data: ParallelAnswer, brushes: Brush[]): number[] {
  const tests = brushes.flatMap((b) => {
    const k = data.axes.findIndex((a) => a.field === b.field);
    if (k < 0) return [];
    const column = data.values[k]!;
    if (b.range) {
      const [lo, hi] = b.range;
      return [(i: number) => column[i] !== null && column[i]! >= lo && column[i]! <= hi];
    }
    const keep = new Set(b.categories);
    const names = (data.axes[k]!.categories ?? []).map(String);
    return [(i: number) => column[i] !== null && keep.has(names[column[i]!]!)];
  });
  const out: number[] = [];
  for (let i = 0; i < data.rows; i++) if (tests.every((t) => t(i))) out.push(i);
  return out;
}

/** Rows in the order of one column ("run" = the run id), missing values last either way. */
export function sortRows(data: ParallelAnswer, rows: number[], sort: { field: string; desc: boolean } | undefined): number[] {
  if (!sort) return rows;
  const dir = sort.desc ? -1 : 1;
  if (sort.field === 'run') return [...rows].sort((a, b) => dir * (data.ids[a]! < data.ids[b]! ? -1 : data.ids[a]! > data.ids[b]! ? 1 : 0));
  const k = data.axes.findIndex((a) => a.field === sort.field);
  if (k < 0) return rows;
  const column = data.values[k]!;
  const axis = data.axes[k]!;
  const key = axis.scale === 'categorical' ? (i: number) => String(axis.categories?.[column[i]!] ?? '') : (i: number) => column[i]!;
  return [...rows].sort((a, b) => {
    if (column[a] === null || column[b] === null) return (column[a] === null ? 1 : 0) - (column[b] === null ? 1 : 0);
    const x = key(a);
    const y = key(b);
    return dir * (x < y ? -1 : x > y ? 1 : 0);
  });
}

/**
 * The shown rows as CSV (run id, then one column per axis), as a spreadsheet reads it. Text that
 * a spreadsheet would run as a formula (=, +, -, @ first, and not a number) gets a ' in front.
 */
export function rowsCsv(data: ParallelAnswer, rows: number[]): string {
  const inert = (s: string) => (/^[=+\-@\t\r]/.test(s) && !Number.isFinite(Number(s)) ? `'${s}` : s);
  const field = (raw: string) => {
    const s = inert(raw);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [['run_id', ...data.axes.map((a) => a.field)].map(field).join(',')];
  for (const i of rows) lines.push([data.ids[i]!, ...data.axes.map((a, k) => cellText(a, data.values[k]![i]!))].map(field).join(','));
  return `${lines.join('\n')}\n`;
}
