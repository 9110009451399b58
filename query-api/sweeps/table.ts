// Columns of a chart (parallel coordinates, scatter, slice) as axes plus one value array per
// axis: each axis typed by analytics' inferAxis (linear, log, or categorical in the stable
// category order, with its range, levels or categories), each value array holding numbers for
// numeric axes and the category's index into `categories` for categorical ones (null = the row
// has no value). Rows are whatever the caller made them: runs, groups, or the runs that have
// both coordinates of a scatter.
import { inferAxis, type Axis, type AxisScale, type CategoryValue, type ParamValue } from '../engines/sweep-analytics/index.ts';
import type { SweepField } from './fields.ts';

export interface ChartColumn {
  field: SweepField;
  values: readonly ParamValue[];
}

export type ChartAxis = Omit<Axis, 'param'> & {
  /** As named in the request's field syntax: params.lr, metrics.val/acc.max, lineage.git_commit. */
  field: string;
  kind: 'param' | 'metric' | 'tag' | 'lineage';
  /** The param name, the metric summary label (val/acc.max), or the tag or lineage field as named. */
  name: string;
};

export interface ChartAxisOptions {
  /** Scale per axis, keyed by param name, field (params.lr) or metric label (metrics.loss.min or loss.min). */
  scale?: Readonly<Record<string, AxisScale>>;
  maxLevels?: number;
}

export const fieldName = (f: SweepField): string => (f.kind === 'param' ? f.name : f.label.replace(/^metrics\./, ''));

/** What an axis shows: a param, a metric summary, a tag, or lineage (libraries included). */
const axisKind = (f: SweepField): ChartAxis['kind'] => (f.kind === 'run' ? (f.ref.field.kind === 'tag' ? 'tag' : 'lineage') : f.kind);

export function scaleOf(f: SweepField, scale: ChartAxisOptions['scale']): AxisScale | undefined {
  if (!scale) return undefined;
  const own = (k: string) => (Object.prototype.hasOwnProperty.call(scale, k) ? scale[k] : undefined);
  return own(f.label) ?? own(fieldName(f));
}

/** Numbers as they are, categories as their index on the axis, missing as null. */
export function encodeValues(axis: Axis, values: readonly ParamValue[]): (number | null)[] {
  const out = new Array<number | null>(values.length);
  if (axis.scale === 'categorical') {
    const index = new Map<CategoryValue, number>(axis.categories.map((c, i) => [c, i]));
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = v === null || v === undefined ? null : (index.get(v) ?? null);
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = typeof v === 'number' && Number.isFinite(v) ? v : null;
    }
  }
  return out;
}

/** Axes and encoded value arrays of the columns, in the order given. */
export function chartAxes(columns: readonly ChartColumn[], options: ChartAxisOptions = {}): { axes: ChartAxis[]; values: (number | null)[][] } {
  const axes: ChartAxis[] = [];
  const values: (number | null)[][] = [];
  for (const c of columns) {
    const { param: _name, ...axis } = inferAxis(fieldName(c.field), c.values, { scale: scaleOf(c.field, options.scale), maxLevels: options.maxLevels });
    axes.push({ field: c.field.label, kind: axisKind(c.field), name: fieldName(c.field), ...axis } as ChartAxis);
    values.push(encodeValues({ param: fieldName(c.field), ...axis } as Axis, c.values));
  }
  return { axes, values };
}

/** Indexes of the rows where every one of `required` has a value. */
export function rowsWithValues(required: readonly (readonly ParamValue[])[], n: number): Uint32Array {
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (required.every((col) => col[i] !== null && col[i] !== undefined)) keep.push(i);
  return Uint32Array.from(keep);
}

export function pick<T>(values: readonly T[], rows: Uint32Array): T[] {
  return Array.from(rows, (i) => values[i]!);
}
