// Which runs a request is about, shared by compare, groups, curves, statistics and sweep
// analytics: explicit run ids, or a filter (with optional experiment and sweep), always inside
// the token's project. Also the per-run value of one metric summary for such a selection.
import { Type, type Static } from '@sinclair/typebox';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { quoteString, quoteStringList } from '../common/sql-quote.ts';
import { badRequest } from './errors.ts';
import type { Aggregate } from './filter/ast.ts';
import { compileFilter } from './filter/compile.ts';
import { parseField } from './filter/fields.ts';
import { parseFilter } from './filter/parser.ts';
import { RUN_COLUMNS, SUMMARY_AGGREGATES } from './sql/queries.ts';
import { runSourceSql } from './sql/run-list.ts';
import { paramCatalogue, toRunRecord, type RunRecord } from './store.ts';

export const SelectionSchema = Type.Object(
  {
    runIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 100_000, uniqueItems: true })),
    filter: Type.Optional(Type.String({ maxLength: 10_000, description: 'The run filter language, as in GET /v1/runs' })),
    experiment: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    sweep: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false, description: 'Runs by id, or by filter/experiment/sweep (all runs of the project when empty)' },
);
export type Selection = Static<typeof SelectionSchema>;

/** The SQL of the selected runs (with status_value), for IN subqueries and full reads. */
export async function selectionSql(ch: ClickHouseClient, project: string, sel: Selection): Promise<string> {
  let filterSql: string | undefined;
  if (sel.filter !== undefined && sel.filter.trim() !== '') {
    filterSql = compileFilter(parseFilter(sel.filter), { project, input: sel.filter, params: await paramCatalogue(ch, project) });
  }
  if (sel.runIds) {
    const ids = `run_id IN (${quoteStringList(sel.runIds)})`;
    filterSql = filterSql ? `(${filterSql}) AND ${ids}` : ids;
  }
  return runSourceSql({ project, experiment: sel.experiment, sweepId: sel.sweep, filterSql });
}

/** Full run records of the selection, at most `max` of them (a 400 beyond, naming the limit). */
export async function selectRuns(ch: ClickHouseClient, project: string, sel: Selection, max: number): Promise<RunRecord[]> {
  const source = await selectionSql(ch, project, sel);
  const rs = await ch.query({ query: `SELECT ${RUN_COLUMNS}, status_value AS status, has_finish, ended_at_ms, duration_ms FROM (${source}) ORDER BY run_id LIMIT ${max + 1}`, format: 'JSONEachRow' });
  const rows = await rs.json<Record<string, unknown>>();
  if (rows.length > max) throw badRequest(`the selection holds more than ${max.toLocaleString('en-US')} runs; narrow the filter`);
  const records = rows.map(toRunRecord);
  if (sel.runIds) {
    const found = new Set(records.map((r) => r.id));
    const missing = sel.runIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw badRequest(`run(s) not found in this project${sel.filter ? ' or not matching the filter' : ''}: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`);
  }
  return records;
}

export interface MetricRef {
  key: string;
  segment: string;
  aggregate: Aggregate;
  label: string;
}

/** Parses "val/acc.max", "metrics.val/acc[class=cat].last" or "loss" (aggregate last). */
export function parseMetricRef(input: string): MetricRef {
  const f = parseField(input.startsWith('metrics.') ? input : `metrics.${input}`);
  if (typeof f === 'string' || f.kind !== 'metric') throw badRequest(`metric "${input}": expected <key>[<segment>].<last|min|max|mean|count>, e.g. val/acc.max`);
  return { key: f.key, segment: f.segment, aggregate: f.aggregate, label: `${f.key}${f.segment ? `[${f.segment}]` : ''}.${f.aggregate}` };
}

/** One summary value per selected run that has the metric. */
export async function metricValues(ch: ClickHouseClient, project: string, sourceSql: string, m: MetricRef): Promise<Map<string, number>> {
  const query = `
SELECT run_id, toFloat64(${SUMMARY_AGGREGATES[m.aggregate]}) AS v
FROM metric_chunk_stats FINAL
WHERE project = ${quoteString(project)} AND key = ${quoteString(m.key)} AND segment = ${quoteString(m.segment)}
  AND run_id IN (SELECT run_id FROM (${sourceSql}))
GROUP BY run_id`;
  const rows = await (await ch.query({ query, format: 'JSONEachRow' })).json<{ run_id: string; v: number }>();
  return new Map(rows.map((r) => [r.run_id, Number(r.v)]));
}
