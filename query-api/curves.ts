// Curves for many runs: every run's series cut into the same x buckets (so runs line up), each
// bucket keeping its mean, min and max; optional EMA smoothing of the bucket means; and per
// group a mean ± standard deviation band over the runs that have data in a bucket.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { quoteInteger, quoteString } from '../common/sql-quote.ts';

export type XAxis = 'step' | 'wall_time';
const X_COLUMN: Record<XAxis, string> = { step: 'point_steps', wall_time: 'point_wall_times_ms' };

export interface RunCurve {
  runId: string;
  x: number[];
  mean: number[];
  min: number[];
  max: number[];
  count: number[];
}

export interface CurveQuery {
  project: string;
  sourceSql: string;
  key: string;
  segment: string;
  x: XAxis;
  maxPoints: number;
}

async function rows<T>(ch: ClickHouseClient, query: string): Promise<T[]> {
  return (await ch.query({ query, format: 'JSONEachRow' })).json<T>();
}

/** Per run, at most maxPoints buckets on a grid shared by every run of the query. */
export async function loadCurves(ch: ClickHouseClient, q: CurveQuery): Promise<{ bucketWidth: number; curves: RunCurve[] }> {
  const where = `project = ${quoteString(q.project)} AND key = ${quoteString(q.key)} AND segment = ${quoteString(q.segment)}
    AND run_id IN (SELECT run_id FROM (${q.sourceSql}))`;
  const rangeSql =
    q.x === 'step'
      ? `SELECT min(first_step) AS lo, max(last_step) AS hi, count() AS chunks FROM metric_chunks FINAL WHERE ${where}`
      : `SELECT min(arrayReduce('min', point_wall_times_ms)) AS lo, max(last_wall_time_ms) AS hi, count() AS chunks FROM metric_chunks FINAL WHERE ${where}`;
  const [range] = await rows<{ lo: number; hi: number; chunks: number }>(ch, rangeSql);
  if (!range || Number(range.chunks) === 0) return { bucketWidth: 1, curves: [] };
  const lo = Number(range.lo);
  const width = Math.max(1, Math.ceil((Number(range.hi) - lo + 1) / q.maxPoints));
  const col = X_COLUMN[q.x];
  const query = `
SELECT run_id, intDiv(x - ${quoteInteger(lo)}, ${quoteInteger(width)}) AS b,
    count() AS c, avg(v) AS m, min(v) AS lo_v, max(v) AS hi_v
FROM (SELECT run_id, ${col}, point_values FROM metric_chunks FINAL WHERE ${where})
ARRAY JOIN ${col} AS x, point_values AS v
GROUP BY run_id, b
ORDER BY run_id, b`;
  const curves: RunCurve[] = [];
  let cur: RunCurve | undefined;
  for (const r of await rows<{ run_id: string; b: number; c: number; m: number; lo_v: number; hi_v: number }>(ch, query)) {
    if (!cur || cur.runId !== r.run_id) {
      cur = { runId: r.run_id, x: [], mean: [], min: [], max: [], count: [] };
      curves.push(cur);
    }
    cur.x.push(lo + Number(r.b) * width);
    cur.mean.push(Number(r.m));
    cur.min.push(Number(r.lo_v));
    cur.max.push(Number(r.hi_v));
    cur.count.push(Number(r.c));
  }
  return { bucketWidth: width, curves };
}

/** Exponential moving average: s₀ = x₀, sᵢ = α·xᵢ + (1−α)·sᵢ₋₁ (α = 1 leaves the series as is). */
export function ema(values: number[], alpha: number): number[] {
  const out: number[] = [];
  let s = values[0] ?? 0;
  for (let i = 0; i < values.length; i++) {
    s = i === 0 ? values[0]! : alpha * values[i]! + (1 - alpha) * s;
    out.push(s);
  }
  return out;
}

export interface Band {
  x: number[];
  mean: number[];
  std: number[];
  n: number[];
}

/** Per bucket: mean and sample std of the runs' (smoothed) bucket means; std 0 with one run. */
export function band(curves: RunCurve[]): Band {
  const acc = new Map<number, number[]>();
  for (const c of curves) c.x.forEach((x, i) => (acc.get(x) ?? acc.set(x, []).get(x)!).push(c.mean[i]!));
  const xs = [...acc.keys()].sort((a, b) => a - b);
  const out: Band = { x: [], mean: [], std: [], n: [] };
  for (const x of xs) {
    const v = acc.get(x)!;
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
    out.x.push(x);
    out.mean.push(mean);
    out.std.push(std);
    out.n.push(v.length);
  }
  return out;
}
