// The contour (heat-map) grid of two params against the target: the mean target and the run
// count of every cell. Bins come from binning.ts (equal width, log-aware; a cell per category or
// level). An empty cell says so (mean null, count 0): nothing is interpolated or smoothed,
// because a colour between two sampled regions would claim a result nobody measured.
import { axisOf, type AxisOptions, type AxisScale } from './axes.ts';
import { encodeColumn, gridBinning, type BinSpec } from './binning.ts';
import { AnalyticsInputError } from './errors.ts';
import { checkInteger, prepare } from './input.ts';
import type { SweepData } from './types.ts';

export const DEFAULT_GRID = 20;
export const MAX_CELLS_PER_AXIS = 200;
export const MAX_CELLS = 10_000;

export interface ContourOptions {
  /** Bins along x and y for continuous numeric params, default 20 each, 1–200. */
  nx?: number;
  ny?: number;
  axes?: AxisOptions;
}

export interface ContourAxis {
  param: string;
  scale: AxisScale;
  bins: BinSpec[];
}

export interface ContourGrid {
  x: ContourAxis;
  y: ContourAxis;
  /** mean[iy][ix]: mean target of the runs in the cell; null when the cell has no run. */
  mean: (number | null)[][];
  /** count[iy][ix]: runs in the cell. */
  count: number[][];
  /** Runs with both params and the target, i.e. the sum of all counts. */
  runsUsed: number;
  skipped: { missingTarget: number; missingParam: number };
}

export function contourGrid(data: SweepData, xParam: string, yParam: string, options: ContourOptions = {}): ContourGrid {
  const prepared = prepare(data, { requireTarget: true });
  if (xParam === yParam) throw new AnalyticsInputError(`xParam and yParam are both ${JSON.stringify(xParam)}; pick two different params`);
  const nx = checkInteger('nx', options.nx, 1, MAX_CELLS_PER_AXIS, DEFAULT_GRID);
  const ny = checkInteger('ny', options.ny, 1, MAX_CELLS_PER_AXIS, DEFAULT_GRID);
  const axisX = axisOf(prepared, xParam, options.axes);
  const axisY = axisOf(prepared, yParam, options.axes);
  const bx = gridBinning(axisX, encodeColumn(axisX, prepared.column(xParam)), nx);
  const by = gridBinning(axisY, encodeColumn(axisY, prepared.column(yParam)), ny);
  const cx = bx.bins.length;
  const cy = by.bins.length;
  for (const [param, cells] of [[xParam, cx], [yParam, cy]] as const) {
    if (cells > MAX_CELLS_PER_AXIS) {
      throw new AnalyticsInputError(`param ${JSON.stringify(param)} has ${cells} categories; a contour axis holds at most ${MAX_CELLS_PER_AXIS}: filter the runs or pick another param`);
    }
  }
  if (cx * cy > MAX_CELLS) {
    throw new AnalyticsInputError(`a ${cx} × ${cy} grid has ${cx * cy} cells, above the limit of ${MAX_CELLS}; lower nx or ny`);
  }

  const sum = new Float64Array(cx * cy);
  const count = new Int32Array(cx * cy);
  const { target, n } = prepared;
  let missingTarget = 0;
  let missingParam = 0;
  for (let i = 0; i < n; i++) {
    const t = target[i]!;
    if (Number.isNaN(t)) {
      missingTarget++;
      continue;
    }
    const ix = bx.binOf[i]!;
    const iy = by.binOf[i]!;
    if (ix < 0 || iy < 0) {
      missingParam++;
      continue;
    }
    const k = iy * cx + ix;
    sum[k] = sum[k]! + t;
    count[k] = count[k]! + 1;
  }

  const meanRows: (number | null)[][] = [];
  const countRows: number[][] = [];
  for (let iy = 0; iy < cy; iy++) {
    const m: (number | null)[] = [];
    const c: number[] = [];
    for (let ix = 0; ix < cx; ix++) {
      const k = iy * cx + ix;
      m.push(count[k]! > 0 ? sum[k]! / count[k]! : null);
      c.push(count[k]!);
    }
    meanRows.push(m);
    countRows.push(c);
  }
  return {
    x: { param: xParam, scale: axisX.scale, bins: bx.bins },
    y: { param: yParam, scale: axisY.scale, bins: by.bins },
    mean: meanRows,
    count: countRows,
    runsUsed: n - missingTarget - missingParam,
    skipped: { missingTarget, missingParam },
  };
}
