// SQL templates of the query API. Joined subqueries carry aliases (current ClickHouse requires
// them; 18.16 accepts them). Every value passes through storage/sql-quote.ts; every
// identifier comes from an allowlist here. Queries read FINAL so replayed Kafka ranges
// (collapsed by the tables' source-offset keys) never count twice.
import { quoteInteger, quoteString, quoteStringList } from '../../storage/sql-quote.ts';

export const SUMMARY_AGGREGATES = {
  last: 'argMax(last_value, (last_step, last_wall_time_ms))',
  min: 'min(value_min)',
  max: 'max(value_max)',
  mean: 'sum(value_sum) / sum(point_count)',
  count: 'sum(point_count)',
} as const;
export type SummaryAggregate = keyof typeof SUMMARY_AGGREGATES;

// Output aliases carry an s_ prefix: in ClickHouse an alias that equals a column name would
// shadow the column inside the other aggregates ("aggregate inside another aggregate").
const SUMMARY_COLUMNS = `
    sum(point_count) AS s_count,
    sum(value_sum) / sum(point_count) AS s_mean,
    min(value_min) AS s_min,
    max(value_max) AS s_max,
    argMin(step_of_min, value_min) AS s_step_of_min,
    argMax(step_of_max, value_max) AS s_step_of_max,
    argMax(last_value, (last_step, last_wall_time_ms)) AS s_last,
    max(last_step) AS s_last_step`;

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

/**
 * The columns of a run row, each with what an orphaned run (events logged, no RunStarted)
 * holds in its place: only the id and the earliest time anything of it was seen are known.
 */
const RUN_FIELDS: [column: string, orphan: string][] = [
  ['run_id', 'run_id'],
  ['name', "''"],
  ['experiment', "''"],
  ['sweep_id', "''"],
  ['user', "''"],
  ['started_at_ms', 'first_seen_ms'],
  ['param_keys', 'emptyArrayString()'],
  ['param_types', 'emptyArrayString()'],
  ['param_strings', 'emptyArrayString()'],
  ['param_numbers', 'emptyArrayFloat64()'],
  ['tag_keys', 'emptyArrayString()'],
  ['tag_values', 'emptyArrayString()'],
  ['git_commit', "''"],
  ['git_dirty', 'toUInt8(0)'],
  ['data_version', "''"],
  ['env_language', "''"],
  ['env_language_version', "''"],
  ['env_library_names', 'emptyArrayString()'],
  ['env_library_versions', 'emptyArrayString()'],
  ['env_hardware', "''"],
  ['seed', 'CAST(NULL AS Nullable(Int64))'],
  ['host', "''"],
  ['parent_run_id', "''"],
];

export const RUN_COLUMNS = RUN_FIELDS.map(([c]) => c).join(', ');
/** RUN_COLUMNS in the same order, as an orphaned run fills them (from run_id and first_seen_ms). */
export const ORPHAN_RUN_COLUMNS = RUN_FIELDS.map(([c, orphan]) => (orphan === c ? c : `${orphan} AS ${c}`)).join(', ');

/** What a RunFinished adds to a run row; has_finish is 0 (the join's default) without one. */
export const FINISH_COLUMNS = 'status AS finish_status, ended_at_ms, duration_ms, summary_keys, summary_values, toUInt8(1) AS has_finish';

export function artifactsSql(project: string, runIds: string[]): string {
  return `
SELECT run_id, name, kind, uri, digest, size_bytes, step, logged_at_ms, meta_keys, meta_values
FROM artifacts FINAL
WHERE project = ${quoteString(project)} AND run_id IN (${quoteStringList(runIds)})
ORDER BY run_id, name, logged_at_ms, src_offset`;
}

export type SortSpec =
  | { kind: 'attribute'; field: 'started_at' | 'name' | 'run_id'; direction: 'asc' | 'desc' }
  | { kind: 'param'; key: string; direction: 'asc' | 'desc' }
  | { kind: 'metric'; key: string; aggregate: SummaryAggregate; segment: string; direction: 'asc' | 'desc' };

export function seriesRangeSql(project: string, runId: string, key: string, segment: string): string {
  return `
SELECT sum(point_count) AS count, min(first_step) AS min_step, max(last_step) AS max_step
FROM metric_chunks FINAL
WHERE project = ${quoteString(project)} AND run_id = ${quoteString(runId)} AND key = ${quoteString(key)} AND segment = ${quoteString(segment)}`;
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
  WHERE project = ${quoteString(project)} AND run_id = ${quoteString(runId)} AND key = ${quoteString(key)} AND segment = ${quoteString(segment)}
)
ARRAY JOIN point_steps AS step, point_values AS value
GROUP BY bucket
ORDER BY bucket`;
}

export function runExistsSql(project: string, runId: string): string {
  return `SELECT count() AS n FROM runs FINAL WHERE project = ${quoteString(project)} AND run_id = ${quoteString(runId)}`;
}

export function paramCatalogueSql(project: string): string {
  return `
SELECT k, t FROM runs FINAL ARRAY JOIN param_keys AS k, param_types AS t
WHERE project = ${quoteString(project)}
GROUP BY k, t`;
}

/**
 * Every (key, segment) a project has logged. Reads only the key and segment columns of the
 * summary rollup, whose sort key starts with (project, key, segment); no FINAL, as a replayed
 * chunk adds no new pair.
 */
export function metricCatalogueSql(project: string): string {
  return `
SELECT key, segment FROM metric_chunk_stats
WHERE project = ${quoteString(project)}
GROUP BY key, segment`;
}
