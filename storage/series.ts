// One run's metric series: downsampled on the server into step buckets that keep each
// bucket's min and max point (so spikes survive), or every point in order (MLflow's get-history).
// The series is chosen in PREWHERE: chunk rows are wide (their points' arrays), and a granule
// holds many series, so only the chosen rows' arrays are read. Safe under FINAL: the columns are
// the sort key's, which every copy of a row shares.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rows } from './read.ts';
import { quoteInteger, quoteString } from './sql-quote.ts';

export function seriesRangeSql(project: string, runId: string, key: string, segment: string): string {
  return `
SELECT sum(point_count) AS count, min(first_step) AS min_step, max(last_step) AS max_step
FROM metric_chunks FINAL
PREWHERE project = ${quoteString(project)} AND run_id = ${quoteString(runId)} AND key = ${quoteString(key)} AND segment = ${quoteString(segment)}`;
}

/** Bucketed series: each bucket keeps its min and max with their steps, so spikes survive. */
export function seriesBucketsSql(project: string, runId: string, key: string, segment: string, minStep: number, bucketWidth: number): string {
  return `
SELECT intDiv(step - ${quoteInteger(minStep)}, ${quoteInteger(bucketWidth)}) AS bucket,
    count() AS count, avg(value) AS mean,
    min(value) AS min, argMin(step, value) AS step_of_min,
    max(value) AS max, argMax(step, value) AS step_of_max,
    min(step) AS from_step, max(step) AS to_step
FROM
(
  SELECT point_steps, point_values FROM metric_chunks FINAL
  PREWHERE project = ${quoteString(project)} AND run_id = ${quoteString(runId)} AND key = ${quoteString(key)} AND segment = ${quoteString(segment)}
)
ARRAY JOIN point_steps AS step, point_values AS value
GROUP BY bucket
ORDER BY bucket`;
}

export interface SeriesBucket {
  fromStep: number;
  toStep: number;
  count: number;
  mean: number;
  min: number;
  stepOfMin: number;
  max: number;
  stepOfMax: number;
}

export interface Series {
  totalPoints: number;
  bucketWidth: number;
  points: { step: number; value: number }[];
  buckets: SeriesBucket[];
}

/** The series cut into at most ⌊maxPoints/2⌋ step buckets; each yields its min and max point. */
export async function getSeries(ch: ClickHouseClient, project: string, runId: string, key: string, segment: string, maxPoints: number): Promise<Series | null> {
  const [range] = await rows(ch, seriesRangeSql(project, runId, key, segment));
  const total = Number(range?.count ?? 0);
  if (!range || total === 0) return null;
  const minStep = Number(range.min_step);
  const span = Number(range.max_step) - minStep + 1;
  const bucketCount = Math.max(1, Math.floor(maxPoints / 2));
  const bucketWidth = total <= maxPoints ? 1 : Math.max(1, Math.ceil(span / bucketCount));
  const raw = await rows(ch, seriesBucketsSql(project, runId, key, segment, minStep, bucketWidth));
  const buckets: SeriesBucket[] = raw.map((r) => ({
    fromStep: Number(r.from_step),
    toStep: Number(r.to_step),
    count: Number(r.count),
    mean: Number(r.mean),
    min: Number(r.min),
    stepOfMin: Number(r.step_of_min),
    max: Number(r.max),
    stepOfMax: Number(r.step_of_max),
  }));
  const points: Series['points'] = [];
  for (const b of buckets) {
    if (b.count === 1 || b.stepOfMin === b.stepOfMax) {
      points.push({ step: b.stepOfMin, value: b.min });
    } else if (b.stepOfMin < b.stepOfMax) {
      points.push({ step: b.stepOfMin, value: b.min }, { step: b.stepOfMax, value: b.max });
    } else {
      points.push({ step: b.stepOfMax, value: b.max }, { step: b.stepOfMin, value: b.min });
    }
  }
  return { totalPoints: total, bucketWidth, points, buckets };
}

export interface MetricPoint {
  step: number;
  value: number;
  wallMs: number;
}

/** Every point of a run's series (no segment) in MLflow's order (wall time, step, value); `offset`/`limit` page through it. */
export function metricHistorySql(project: string, runId: string, key: string, offset: number, limit: number): string {
  return `
SELECT step, value, wall FROM
(
  SELECT point_steps, point_values, point_wall_times_ms FROM metric_chunks FINAL
  PREWHERE project = ${quoteString(project)} AND run_id = ${quoteString(runId)} AND key = ${quoteString(key)} AND segment = ''
)
ARRAY JOIN point_steps AS step, point_values AS value, point_wall_times_ms AS wall
ORDER BY wall, step, value
LIMIT ${quoteInteger(offset)}, ${quoteInteger(limit)}`;
}

export async function getMetricHistory(ch: ClickHouseClient, project: string, runId: string, key: string, offset: number, limit: number): Promise<MetricPoint[]> {
  return (await rows<{ step: string | number; value: number; wall: string | number }>(ch, metricHistorySql(project, runId, key, offset, limit))).map((r) => ({
    step: Number(r.step),
    value: Number(r.value),
    wallMs: Number(r.wall),
  }));
}
