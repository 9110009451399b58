// The curves answer as Apache Arrow IPC (POST /v1/curves with format "arrow"): one row per
// (metric, run) with the JSON answer's arrays as List<Float64> columns — x, mean, min, max,
// count — and the metric's bucket_width; the x axis in the schema's metadata (runlens.x). Each
// number is 8 bytes instead of up to 24 characters, and a client reads a run's arrays without
// parsing (pyarrow, polars, apache-arrow's Float64Array views).
import { Float64, makeData, makeVector, Schema, Table, tableToIPC } from 'apache-arrow';
import type { RunCurve, XAxis } from '../../storage/curves.ts';
import { float64ListColumn, utf8Column } from '../http/arrow-columns.ts';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

export interface CurveSeries {
  metric: string;
  bucketWidth: number;
  runs: RunCurve[];
}

export function curvesArrow(x: XAxis, series: readonly CurveSeries[]): Uint8Array {
  const rows = series.flatMap((s) => s.runs.map((run) => ({ metric: s.metric, bucketWidth: s.bucketWidth, run })));
  const table = new Table({
    metric: utf8Column(rows.map((r) => r.metric)),
    bucket_width: makeVector(makeData({ type: new Float64(), length: rows.length, data: Float64Array.from(rows, (r) => r.bucketWidth) })),
    run_id: utf8Column(rows.map((r) => r.run.runId)),
    x: float64ListColumn(rows.map((r) => r.run.x)),
    mean: float64ListColumn(rows.map((r) => r.run.mean)),
    min: float64ListColumn(rows.map((r) => r.run.min)),
    max: float64ListColumn(rows.map((r) => r.run.max)),
    count: float64ListColumn(rows.map((r) => r.run.count)),
  });
  const schema = new Schema(table.schema.fields, new Map([['runlens.x', x]]));
  return tableToIPC(new Table(schema, table.batches), 'stream');
}
