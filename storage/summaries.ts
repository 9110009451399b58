// Metric summaries (last, min, max, mean, count, step of min and max) per run, metric and
// segment, aggregated from metric_chunk_stats / metric_chunks. SUMMARY_AGGREGATES is the one
// spelling of each aggregate (filters, sorts, sweep columns and stats sides use it); migration
// 0007's BI view spells them again in SQL, as a shipped migration must not change.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { orNull, rows } from './read.ts';
import { quoteString, quoteStringList } from './sql-quote.ts';

export interface MetricSummary {
  key: string;
  segment: string | null;
  count: number;
  mean: number;
  min: number;
  max: number;
  stepOfMin: number;
  stepOfMax: number;
  last: number;
  lastStep: number;
  /** The wall time (epoch ms) of the last value. */
  lastWallMs: number;
}

export const SUMMARY_AGGREGATES = {
  last: 'argMax(last_value, (last_step, last_wall_time_ms))',
  min: 'min(value_min)',
  max: 'max(value_max)',
  mean: 'sum(value_sum) / sum(point_count)',
  count: 'sum(point_count)',
} as const;

export type SummaryAggregate = keyof typeof SUMMARY_AGGREGATES;

/**
 * Where an aggregate reads chunk summaries from. A replayed Kafka range writes a chunk's row of
 * metric_chunk_stats again, identical, until a merge collapses the copies: min, max and last
 * come out the same with a copy counted twice, so they read without FINAL (which on 18.16 reads
 * every sort key column and merges in one thread: 0.21 s against 0.04 s for one metric of
 * 100,000 runs, measured here); count and mean need FINAL to be exact.
 */
export function chunkStatsFor(aggregate: SummaryAggregate): string {
  return aggregate === 'count' || aggregate === 'mean' ? 'metric_chunk_stats FINAL' : 'metric_chunk_stats';
}

// Output aliases carry an s_ prefix: in ClickHouse an alias that equals a column name would
// shadow the column inside the other aggregates ("aggregate inside another aggregate").
const SUMMARY_COLUMNS = [
  ...Object.entries(SUMMARY_AGGREGATES).map(([aggregate, sql]) => `${sql} AS s_${aggregate}`),
  'argMin(step_of_min, value_min) AS s_step_of_min',
  'argMax(step_of_max, value_max) AS s_step_of_max',
  'max(last_step) AS s_last_step',
  'argMax(last_wall_time_ms, (last_step, last_wall_time_ms)) AS s_last_wall',
].join(',\n    ');

/** Summaries per run × key × segment for a set of runs (reads metric_chunks by run prefix). */
export function summariesForRunsSql(project: string, runIds: string[], keys?: string[]): string {
  const keyFilter = keys && keys.length > 0 ? `AND key IN (${quoteStringList(keys)})` : '';
  return `
SELECT run_id, key, segment, ${SUMMARY_COLUMNS}
FROM metric_chunks FINAL
WHERE project = ${quoteString(project)} AND run_id IN (${quoteStringList(runIds)}) ${keyFilter}
GROUP BY run_id, key, segment
ORDER BY run_id, key, segment`;
}

/** Run ids per summaries query: 2,000 ids of 128 characters stay far below ClickHouse's 256 KiB query size. */
const SUMMARY_IDS_PER_QUERY = 2_000;

export async function getSummaries(ch: ClickHouseClient, project: string, runIds: string[], keys?: string[]): Promise<Map<string, MetricSummary[]>> {
  const out = new Map<string, MetricSummary[]>();
  const chunks: string[][] = [];
  for (let i = 0; i < runIds.length; i += SUMMARY_IDS_PER_QUERY) chunks.push(runIds.slice(i, i + SUMMARY_IDS_PER_QUERY));
  const answers = await Promise.all(chunks.map((ids) => rows(ch, summariesForRunsSql(project, ids, keys))));
  for (const r of answers.flat()) {
    const id = String(r.run_id);
    const list = out.get(id) ?? [];
    list.push({
      key: String(r.key),
      segment: orNull(r.segment),
      count: Number(r.s_count),
      mean: Number(r.s_mean),
      min: Number(r.s_min),
      max: Number(r.s_max),
      stepOfMin: Number(r.s_step_of_min),
      stepOfMax: Number(r.s_step_of_max),
      last: Number(r.s_last),
      lastStep: Number(r.s_last_step),
      lastWallMs: Number(r.s_last_wall),
    });
    out.set(id, list);
  }
  return out;
}

/** One summary value per run of a selection's SQL (storage/selection.ts) that has the metric. */
export async function metricValues(ch: ClickHouseClient, project: string, sourceSql: string, m: { key: string; segment: string; aggregate: SummaryAggregate }): Promise<Map<string, number>> {
  const query = `
SELECT run_id, toFloat64(${SUMMARY_AGGREGATES[m.aggregate]}) AS v
FROM ${chunkStatsFor(m.aggregate)}
WHERE project = ${quoteString(project)} AND key = ${quoteString(m.key)} AND segment = ${quoteString(m.segment)}
  AND run_id IN (SELECT run_id FROM (${sourceSql}))
GROUP BY run_id`;
  return new Map((await rows<{ run_id: string; v: number }>(ch, query)).map((r) => [r.run_id, Number(r.v)]));
}

/** SQL of every (run, segment, value) of the metric over the selected runs, unsegmented series excluded. */
export function segmentValuesSql(project: string, sourceSql: string, m: { key: string; aggregate: SummaryAggregate }): string {
  return `
SELECT run_id, segment, toFloat64(${SUMMARY_AGGREGATES[m.aggregate]}) AS v
FROM ${chunkStatsFor(m.aggregate)}
WHERE project = ${quoteString(project)} AND key = ${quoteString(m.key)} AND segment != ''
  AND run_id IN (SELECT run_id FROM (${sourceSql}))
GROUP BY run_id, segment`;
}

/** Per run, the metric's value on every segment it logged (the unsegmented series excluded). */
export async function segmentValues(ch: ClickHouseClient, project: string, sourceSql: string, m: { key: string; aggregate: SummaryAggregate }): Promise<Map<string, Map<string, number>>> {
  const query = segmentValuesSql(project, sourceSql, m);
  const out = new Map<string, Map<string, number>>();
  for (const r of await rows<{ run_id: string; segment: string; v: number }>(ch, query)) {
    const m = out.get(r.run_id) ?? new Map<string, number>();
    m.set(r.segment, Number(r.v));
    out.set(r.run_id, m);
  }
  return out;
}
