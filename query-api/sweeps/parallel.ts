// The parallel-coordinates table: which axes (asked for, or every param that varies in the
// selection followed by the target metric), one row per run or per group, and each axis typed and
// encoded by table.ts. Params with more categories than MAX_DEFAULT_CATEGORIES (a run name,
// a path) are left out of the default axes and listed as omitted: one line per run on such an
// axis shows nothing. Asked for by name, they are drawn all the same.
import { compareNatural, varyingParams, type ParamValue } from '../engines/sweep-analytics/index.ts';
import type { SweepField } from './fields.ts';
import { groupCommon, groupMean, type Grouping } from '../groups/grouping.ts';
import { runColumn } from './columns.ts';
import type { LoadedSweep } from './load.ts';
import { chartAxes, type ChartAxis, type ChartAxisOptions, type ChartColumn } from './table.ts';

export const MAX_DEFAULT_CATEGORIES = 1000;

export interface Omitted {
  field: string;
  reason: string;
}

/**
 * The default axes: varying params in natural name order, high-cardinality ones omitted, then
 * the target. Grouped, only the grouping params: any other param may differ inside a group.
 */
export function defaultAxes(loaded: LoadedSweep, target: SweepField | null, groupBy: readonly string[] | null = null): { fields: SweepField[]; omitted: Omitted[] } {
  const n = loaded.runIds.length;
  let varying = varyingParams({ runIds: loaded.runIds, params: loaded.params, target: new Array<null>(n).fill(null) });
  if (groupBy) varying = varying.filter((p) => groupBy.includes(p));
  const fields: SweepField[] = [];
  const omitted: Omitted[] = [];
  for (const name of [...varying].sort(compareNatural)) {
    const values = loaded.params[name]!;
    let numeric = true;
    const distinct = new Set<ParamValue>();
    for (const v of values) {
      if (v === null) continue;
      if (typeof v !== 'number') numeric = false;
      if (distinct.size <= MAX_DEFAULT_CATEGORIES) distinct.add(v);
    }
    if (!numeric && distinct.size > MAX_DEFAULT_CATEGORIES) {
      omitted.push({ field: `params.${name}`, reason: `more than ${MAX_DEFAULT_CATEGORIES} categories; name it in axes to draw it anyway` });
      continue;
    }
    fields.push({ kind: 'param', name, label: `params.${name}` });
  }
  if (target) fields.push(target);
  return { fields, omitted };
}

export interface ParallelTable {
  rowKind: 'run' | 'group';
  /** Run ids, or group labels. */
  ids: readonly string[];
  /** Runs per row (all 1 for runs; omitted in the response then). */
  sizes: readonly number[] | null;
  axes: ChartAxis[];
  /** values[k][row] for axis k (categories as indexes). */
  values: (number | null)[][];
}

export function parallelTable(loaded: LoadedSweep, fields: readonly SweepField[], grouping: Grouping | null, options: ChartAxisOptions): ParallelTable {
  const columns: ChartColumn[] = fields.map((field) => {
    const values = runColumn(loaded, field);
    if (!grouping) return { field, values };
    return { field, values: field.kind === 'metric' ? groupMean(values as (number | null)[], grouping) : groupCommon(values, grouping) };
  });
  const { axes, values } = chartAxes(columns, options);
  return grouping
    ? { rowKind: 'group', ids: grouping.labels, sizes: grouping.sizes, axes, values }
    : { rowKind: 'run', ids: loaded.runIds, sizes: null, axes, values };
}
