// Curves for many runs, read on one bucket grid: every run's series cut into the same x buckets
// (so runs line up), each bucket keeping its mean, min and max. Wide buckets over steps are read
// from the chunks' level-of-detail summaries (exact, as the grid is aligned to them; a zoom's
// range then includes the 64-step blocks at its ends whole); narrow ones and time axes (wall or
// relative) read every point, a zoom's exactly. Buckets are grouped by a number per run (its
// id's hash, unless two runs of the query share one) and read back in RowBinary: over 100 runs ×
// 10,000 points the string key and the JSON answer were 40% of the time.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { binaryRows, rows } from './read.ts';
import { quoteInteger, quoteString, quoteStringList } from './sql-quote.ts';
import { eachChunkOnceSql, LOD_STEPS } from './tables.ts';

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
    SELECT run_id, toInt64(min(arrayReduce('min', point_wall_times_ms))) AS start_ms FROM metric_chunks
    WHERE project = ${p} AND key = ${quoteString(q.key)} AND segment = ${quoteString(q.segment)} AND run_id NOT IN (${withStart})
    GROUP BY run_id`;
}

/** A run's key while the buckets are grouped: a number hashes faster than its id (checked distinct per query). */
const RUN_HASH = 'cityHash64(run_id)';

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
  // With the extent, each run's id with its hash, which keys its buckets while no two collide.
  // Without FINAL: a replay's copy of a chunk changes no minimum, maximum or name (and `chunks`
  // is only compared with 0); the bucket query below reads each chunk once.
  const names = `groupUniqArray((run_id, toString(${RUN_HASH}))) AS names`;
  const rangeSql =
    q.x === 'step'
      ? `SELECT min(first_step) AS lo, max(last_step) AS hi, count() AS chunks, ${names} FROM metric_chunks WHERE ${where}`
      : q.x === 'wall_time'
        ? `SELECT min(arrayReduce('min', point_wall_times_ms)) AS lo, max(arrayReduce('max', point_wall_times_ms)) AS hi, count() AS chunks, ${names} FROM metric_chunks WHERE ${where}`
        : `SELECT min(toInt64(first_ms) - start_ms) AS lo, max(toInt64(last_ms) - start_ms) AS hi, sum(n) AS chunks, ${names}
          FROM (SELECT run_id, min(arrayReduce('min', point_wall_times_ms)) AS first_ms, max(arrayReduce('max', point_wall_times_ms)) AS last_ms, count() AS n
                FROM metric_chunks WHERE ${where} GROUP BY run_id) AS spans
          ANY LEFT JOIN (${runStartsSql(q)}) AS starts USING run_id`;
  const [range] = await rows<{ lo: number; hi: number; chunks: number; names: [string, string][] }>(ch, rangeSql);
  if (!range || Number(range.chunks) === 0) return { bucketWidth: 1, curves: [] };
  const idOfHash = new Map(range.names.map(([id, hash]) => [hash, id]));
  const byHash = idOfHash.size === range.names.length;
  const runKey = byHash ? RUN_HASH : 'run_id';
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
    ? `(SELECT ${runKey} AS rk, ${col}, point_values, start_ms
        FROM (${eachChunkOnceSql(`run_id, ${col}, point_values`, where)}) AS chunks
        ANY LEFT JOIN (${runStartsSql(q)}) AS starts USING run_id)`
    : `(${eachChunkOnceSql(`${runKey} AS rk, ${col}, point_values`, where)})`;
  const inner = useLod
    ? `SELECT rk, intDiv(lb * ${LOD_STEPS} - ${quoteInteger(lo)}, ${quoteInteger(width)}) AS b,
          sum(lc) AS c, sum(ls) / sum(lc) AS m, min(lmin) AS lo_v, max(lmax) AS hi_v
      FROM (${eachChunkOnceSql(`${runKey} AS rk, lod_bucket, lod_count, lod_sum, lod_min, lod_max`, where)})
      ARRAY JOIN lod_bucket AS lb, lod_count AS lc, lod_sum AS ls, lod_min AS lmin, lod_max AS lmax${inRange(`lb * ${LOD_STEPS}`)}
      GROUP BY rk, b`
    : `SELECT rk, intDiv(${xExpr} - (${quoteInteger(lo)}), ${quoteInteger(width)}) AS b,
          count() AS c, avg(v) AS m, min(v) AS lo_v, max(v) AS hi_v
      FROM ${chunks}
      ARRAY JOIN ${col} AS x, point_values AS v${inRange(xExpr)}
      GROUP BY rk, b`;
  // One row per run with its buckets as arrays, sorted by x.
  const query = `
SELECT toString(rk), arrayMap(t -> t.1, s) AS xs, arrayMap(t -> t.2, s) AS counts, arrayMap(t -> t.3, s) AS means, arrayMap(t -> t.4, s) AS mins, arrayMap(t -> t.5, s) AS maxes
FROM
(
  SELECT rk, arraySort(t -> t.1, groupArray((toInt64(${quoteInteger(lo)}) + b * ${quoteInteger(width)}, toUInt64(c), toFloat64(m), toFloat64(lo_v), toFloat64(hi_v)))) AS s
  FROM (${inner})
  GROUP BY rk
)`;
  const answer = await binaryRows(ch, query, ['String', 'Array(Int64)', 'Array(UInt64)', 'Array(Float64)', 'Array(Float64)', 'Array(Float64)'] as const);
  const curves: RunCurve[] = [];
  for (const [key, x, count, mean, min, max] of answer) {
    const runId = byHash ? idOfHash.get(key) : key;
    // A run whose first points arrived after the first query is left to the next request, as
    // are points logged past the extent that query found.
    if (runId !== undefined) curves.push({ runId, x, mean, min, max, count });
  }
  // By id, bytewise (as ClickHouse sorts strings).
  return { bucketWidth: width, curves: curves.sort((a, b) => Buffer.compare(Buffer.from(a.runId), Buffer.from(b.runId))) };
}
