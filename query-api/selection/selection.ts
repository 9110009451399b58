// Which runs a request is about, shared by compare, groups, curves, statistics and sweep
// analytics: explicit run ids, or a filter (with optional experiment and sweep), always inside
// the token's project; and metric summaries named in requests (MetricRef).
import { Type, type Static } from '@sinclair/typebox';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { quoteInteger, quoteStringList } from '../../storage/sql-quote.ts';
import { rows } from '../../storage/read.ts';
import { namesFor } from './project-names.ts';
import { badRequest, notFound } from '../../common/http/errors.ts';
import type { Aggregate } from '../../storage/run-filter/ast.ts';
import { compileFilter } from '../filter/compile.ts';
import { fieldsIn, parseField } from '../filter/fields.ts';
import { parseFilter } from '../filter/parser.ts';
import type { RunRecord, RunScope } from '../../storage/runs.ts';
import type { AppDeps } from '../deps.ts';
import { loadSelectedRuns, selectedRunsSql, type SelectionSource } from '../../storage/selection.ts';

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

/**
 * ClickHouse refuses queries longer than max_query_size (256 KiB on 18.16) with a syntax error
 * (code 62), and a selection is spelled out in SQL — an explicit runIds list in full. Beyond
 * this many bytes of selection SQL (headroom left for the query around it) the request gets a
 * 400 saying what to send instead.
 */
export const MAX_SELECTION_SQL = 200_000;

/**
 * A 400 when `sql`, which holds `runIds` quoted `copies` times, is longer than ClickHouse takes;
 * the message says roughly how many ids of this length would fit, and `instead` what to do.
 */
export function refuseLongIdList(sql: string, runIds: readonly string[], copies: number, instead: string): void {
  const bytes = Buffer.byteLength(sql);
  if (bytes <= MAX_SELECTION_SQL) return;
  const list = Buffer.byteLength(quoteStringList(runIds));
  const fit = Math.max(0, Math.floor(((MAX_SELECTION_SQL - (bytes - copies * list)) / (copies * list)) * runIds.length));
  throw badRequest(`the runIds list is too long for one query (${runIds.length.toLocaleString('en-US')} ids; about ${fit.toLocaleString('en-US')} ids of this length fit): ${instead}`);
}

/** A filter compiled against the project's names: unknown params and metrics and type mismatches are 400s. */
export async function compileFilterFor(ch: ClickHouseClient, project: string, input: string): Promise<string> {
  const expr = parseFilter(input);
  const { params, metrics } = await namesFor(ch, project, fieldsIn(expr));
  const sql = compileFilter(expr, { project, input, params, metrics });
  if (Buffer.byteLength(sql) > MAX_SELECTION_SQL) {
    throw badRequest(`the filter compiles to a query longer than ClickHouse accepts; use fewer conditions or shorter 'in' lists, or select by sweep or experiment`);
  }
  return sql;
}

export type { RunScope };

/** The scope of a request of `project` served with `deps`. */
export const runScope = (project: string, deps: Pick<AppDeps, 'crashAfterMs'>): RunScope => ({ project, crashAfterMs: deps.crashAfterMs });

/**
 * The selected runs' source, built for what each query reads of it (storage/selection.ts
 * SelectionSource): the filter compiled once; a 400 when a runIds list is too long for ClickHouse.
 */
export async function selectionSource(ch: ClickHouseClient, scope: RunScope, sel: Selection): Promise<SelectionSource> {
  const { project, crashAfterMs } = scope;
  const filterSql = sel.filter !== undefined && sel.filter.trim() !== '' ? await compileFilterFor(ch, project, sel.filter) : undefined;
  const query = { project, experiment: sel.experiment, sweepId: sel.sweep, filterSql, runIds: sel.runIds, crashAfterMs };
  const source = (reads?: string) => selectedRunsSql({ ...query, reads });
  if (sel.runIds) {
    const n = sel.runIds.length.toLocaleString('en-US');
    refuseLongIdList(source(), sel.runIds, 1, `select the runs with a filter (e.g. sweep, experiment, params or tags) instead of ${n} run ids`);
  }
  return source;
}

/** The SQL of the selected runs with every column (status_value too), for IN subqueries and full reads; a 400 when too long for ClickHouse. */
export async function selectionSql(ch: ClickHouseClient, scope: RunScope, sel: Selection): Promise<string> {
  return (await selectionSource(ch, scope, sel))();
}

/**
 * The one rule for run ids a request names that do not exist — not in the token's project (runs
 * of other projects do not exist for it), or, with a filter, not among the runs it matches: a
 * 404 naming up to 10 of them, on every route (GET /v1/runs/:id, compare, groups, curves,
 * statistics, sweeps).
 */
export function requireRuns(requested: readonly string[], found: Iterable<string>, filtered: boolean): void {
  const have = new Set(found);
  const missing = requested.filter((id) => !have.has(id));
  if (missing.length === 0) return;
  const listed = `${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`;
  throw notFound(`run(s) not found in this project${filtered ? ' or not matching the filter' : ''}: ${listed}`);
}

/** The 400 for a selection over a route's limit of runs. */
export const tooManyRuns = (max: number) => badRequest(`the selection holds more than ${max.toLocaleString('en-US')} runs; narrow the filter`);

/**
 * The selection's run ids (by id), at most `max` of them (a 400 beyond, as selectRuns), and its
 * source: for a route that needs no more of each run, the source read without any join.
 */
export async function selectRunIds(ch: ClickHouseClient, scope: RunScope, sel: Selection, max: number): Promise<{ runIds: string[]; source: SelectionSource }> {
  const source = await selectionSource(ch, scope, sel);
  const runIds = (await rows<{ run_id: string }>(ch, `SELECT run_id FROM (${source('')}) ORDER BY run_id LIMIT ${quoteInteger(max + 1)}`)).map((r) => r.run_id);
  if (runIds.length > max) throw tooManyRuns(max);
  if (sel.runIds) requireRuns(sel.runIds, runIds, sel.filter !== undefined && sel.filter.trim() !== '');
  return { runIds, source };
}

/**
 * Full run records of the selection, at most `max` of them (a 400 beyond, naming the limit),
 * and the selection's SQL for the queries that follow (its filter compiled once per request).
 */
export async function selectRuns(ch: ClickHouseClient, scope: RunScope, sel: Selection, max: number): Promise<{ runs: RunRecord[]; sourceSql: string }> {
  const sourceSql = await selectionSql(ch, scope, sel);
  const runs = await loadSelectedRuns(ch, sourceSql, max + 1);
  if (runs.length > max) throw tooManyRuns(max);
  if (sel.runIds) requireRuns(sel.runIds, runs.map((r) => r.id), sel.filter !== undefined && sel.filter.trim() !== '');
  return { runs, sourceSql };
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
