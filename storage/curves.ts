// Curves for many runs, read on one bucket grid: every run's series cut into the same x buckets
// (so runs line up), each bucket keeping its mean, min and max. Wide buckets over steps are read
// from the chunks' level-of-detail summaries (exact, as the grid is aligned to them; a zoom's
// range then includes the 64-step blocks at its ends whole); narrow ones and time axes (wall or
// relative) read every point, a zoom's exactly.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rows } from './read.ts';
import { quoteInteger, quoteString, quoteStringList } from './sql-quote.ts';
import { LOD_STEPS } from './tables.ts';

export type XAxis = 'step' | 'wall_time' | 'relative_time';

const X_COLUMN: Record<XAxis, string> = { step: 'point_steps', wall_time: 'point_wall_times_ms', relative_time: 'point_wall_times_ms' };

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
  /** The runs (the curves route's at most 1,000), named by id once per query while the list is short (read by primary key). */
  runIds: string[];
  /** The selection's SQL, read instead of a longer id list (ids of multibyte characters). */
  sourceSql: string;
  key: string;
  segment: string;
  x: XAxis;
  maxPoints: number;
  /** Only points with x in [from, to] (a zoom): the buckets cover that range alone, so zooming in shows more detail. */
  range?: { from: number; to: number };
}

/**
 * Each run's start (start_ms) for relative time: RunStarted's started_at_ms, or — for a run
 * without one (0: the schema refuses only negatives; or an orphaned run, whose RunStarted never
 * came) — the earliest wall time of the series being plotted. Over the project's runs rather than
 * the chosen ones: their ids or selection appear once per query (ClickHouse takes 256 KiB); the
 * other side of the join already keeps only the chosen runs. The fallback reads chunks only of
 * runs without a start.
 */
function runStartsSql(q: CurveQuery): string {
  const p = quoteString(q.project);
  const withStart = `SELECT run_id FROM runs FINAL WHERE project = ${p} AND started_at_ms > 0`;
  return `SELECT run_id, toInt64(started_at_ms) AS start_ms FROM runs FINAL WHERE project = ${p} AND started_at_ms > 0
    UNION ALL
    SELECT run_id, toInt64(min(arrayReduce('min', point_wall_times_ms))) AS start_ms FROM metric_chunks FINAL
    WHERE project = ${p} AND key = ${quoteString(q.key)} AND segment = ${quoteString(q.segment)} AND run_id NOT IN (${withStart})
    GROUP BY run_id`;
}

/** An id list spelled out up to this long (one copy per query); a longer one reads the selection instead. */
const MAX_ID_LIST_BYTES = 64 * 1024;

/** Per run, at most maxPoints buckets on a grid shared by every run of the query. */
export async function loadCurves(ch: ClickHouseClient, q: CurveQuery): Promise<{ bucketWidth: number; curves: RunCurve[] }> {
  if (q.runIds.length === 0) return { bucketWidth: 1, curves: [] };
  const list = quoteStringList(q.runIds);
  const runs = Buffer.byteLength(list) <= MAX_ID_LIST_BYTES ? list : `SELECT run_id FROM (${q.sourceSql})`;
  const where = `project = ${quoteString(q.project)} AND key = ${quoteString(q.key)} AND segment = ${quoteString(q.segment)}
    AND run_id IN (${runs})`;
  // Time ranges take the largest wall time, not the last step's: a rewound (resumed) run logs
  // earlier steps later, and a short range would put points past the last bucket.
  const rangeSql =
    q.x === 'step'
      ? `SELECT min(first_step) AS lo, max(last_step) AS hi, count() AS chunks FROM metric_chunks FINAL WHERE ${where}`
      : q.x === 'wall_time'
        ? `SELECT min(arrayReduce('min', point_wall_times_ms)) AS lo, max(arrayReduce('max', point_wall_times_ms)) AS hi, count() AS chunks FROM metric_chunks FINAL WHERE ${where}`
        : `SELECT min(toInt64(first_ms) - start_ms) AS lo, max(toInt64(last_ms) - start_ms) AS hi, sum(n) AS chunks
          FROM (SELECT run_id, min(arrayReduce('min', point_wall_times_ms)) AS first_ms, max(arrayReduce('max', point_wall_times_ms)) AS last_ms, count() AS n
                FROM metric_chunks FINAL WHERE ${where} GROUP BY run_id) AS spans
          ANY LEFT JOIN (${runStartsSql(q)}) AS starts USING run_id`;
  const [range] = await rows<{ lo: number; hi: number; chunks: number }>(ch, rangeSql);
  if (!range || Number(range.chunks) === 0) return { bucketWidth: 1, curves: [] };
  // A zoom narrows the data's extent to the asked range (integral: steps and milliseconds are).
  const first = q.range ? Math.max(Number(range.lo), Math.ceil(q.range.from)) : Number(range.lo);
  const last = q.range ? Math.min(Number(range.hi), Math.floor(q.range.to)) : Number(range.hi);
  if (last < first) return { bucketWidth: 1, curves: [] };
  const span = last - first + 1;
  // Coarse enough for the level-of-detail buckets: align the grid to them and read those. They
  // are per 64 steps, so time axes never use them. Zoomed, the 64-step blocks at the range's ends
  // are read whole: the first and last buckets may reach up to 63 steps past it.
  const useLod = q.x === 'step' && span / q.maxPoints >= LOD_STEPS;
  const lo = useLod ? Math.floor(first / LOD_STEPS) * LOD_STEPS : first;
  const width = useLod
    ? Math.ceil((last - lo + 1) / q.maxPoints / LOD_STEPS) * LOD_STEPS
    : Math.max(1, Math.ceil(span / q.maxPoints));
  // Points (or 64-step blocks) outside the zoom are left out.
  const inRange = (x: string) => (q.range ? ` WHERE ${x} >= ${quoteInteger(useLod ? lo : first)} AND ${x} <= ${quoteInteger(last)}` : '');
  const col = X_COLUMN[q.x];
  // Relative time may start below 0 (a point logged before its run's start): signed arithmetic.
  const relative = q.x === 'relative_time';
  const xExpr = relative ? '(toInt64(x) - start_ms)' : 'x';
  const chunks = relative
    ? `(SELECT run_id, ${col}, point_values, start_ms
        FROM (SELECT run_id, ${col}, point_values FROM metric_chunks FINAL WHERE ${where}) AS chunks
        ANY LEFT JOIN (${runStartsSql(q)}) AS starts USING run_id)`
    : `(SELECT run_id, ${col}, point_values FROM metric_chunks FINAL WHERE ${where})`;
  const inner = useLod
    ? `SELECT run_id, intDiv(lb * ${LOD_STEPS} - ${quoteInteger(lo)}, ${quoteInteger(width)}) AS b,
          sum(lc) AS c, sum(ls) / sum(lc) AS m, min(lmin) AS lo_v, max(lmax) AS hi_v
      FROM (SELECT run_id, lod_bucket, lod_count, lod_sum, lod_min, lod_max FROM metric_chunks FINAL WHERE ${where})
      ARRAY JOIN lod_bucket AS lb, lod_count AS lc, lod_sum AS ls, lod_min AS lmin, lod_max AS lmax${inRange(`lb * ${LOD_STEPS}`)}
      GROUP BY run_id, b`
    : `SELECT run_id, intDiv(${xExpr} - (${quoteInteger(lo)}), ${quoteInteger(width)}) AS b,
          count() AS c, avg(v) AS m, min(v) AS lo_v, max(v) AS hi_v
      FROM ${chunks}
      ARRAY JOIN ${col} AS x, point_values AS v${inRange(xExpr)}
      GROUP BY run_id, b`;
  // One row per run with its buckets as an array: 100 rows to parse instead of 100k objects.
  const query = `
SELECT run_id, arraySort(t -> t.1, groupArray((b, c, m, lo_v, hi_v))) AS buckets
FROM (${inner})
GROUP BY run_id
ORDER BY run_id`;
  const curves: RunCurve[] = [];
  for (const r of await rows<{ run_id: string; buckets: [number, number, number, number, number][] }>(ch, query)) {
    const n = r.buckets.length;
    const cur: RunCurve = { runId: r.run_id, x: new Array(n), mean: new Array(n), min: new Array(n), max: new Array(n), count: new Array(n) };
    for (let i = 0; i < n; i++) {
      const [b, c, m, lo_v, hi_v] = r.buckets[i]!;
      cur.x[i] = lo + Number(b) * width;
      cur.count[i] = Number(c);
      cur.mean[i] = m;
      cur.min[i] = lo_v;
      cur.max[i] = hi_v;
    }
    curves.push(cur);
  }
  return { bucketWidth: width, curves };
}
