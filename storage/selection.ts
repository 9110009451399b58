// The runs a request selects, as SQL over the run source: explicit run ids (a short list spelled
// into each part of the source, which then reads those runs by primary key; a long one once, as
// a condition on top, so it fits one query) and/or a compiled filter, with optional
// experiment and sweep; and the full records of such a selection. Runs named by id are taken
// whatever their lifecycle (a deleted run too, as /v1/runs/:id shows it); a selection by filter,
// experiment or sweep leaves deleted runs out.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rows } from './read.ts';
import { RUN_SOURCE_ID_COPIES_WITH_ORPHANS, runSourceSql, toRunRecord, type RunRecord } from './runs.ts';
import { quoteInteger, quoteStringList } from './sql-quote.ts';

export interface SelectedRunsQuery {
  project: string;
  experiment?: string;
  sweepId?: string;
  /** A compiled filter (storage/run-filter/sql.ts). */
  filterSql?: string;
  runIds?: string[];
  /** See RunSourceQuery. */
  crashAfterMs: number;
  /** See RunSourceQuery.reads: what the caller reads of the source ('' for run ids only). */
  reads?: string;
}

/**
 * A selection's run source for what a query reads of it (RunSourceQuery.reads; '' for run ids
 * only, nothing for every column): the same runs whatever it reads, with only the joins it needs
 * — over 10,000 runs of a 110,000-run project, ids alone 30 ms against 80 with every join.
 */
export type SelectionSource = (reads?: string) => string;

/**
 * Run ids spelled into every part of the run source while all their copies stay this short: the
 * source then reads 100 runs by primary key instead of computing every run of the project and
 * keeping 100 (45 ms against 11 ms in a project of 1,000 runs, measured here; the gap grows with
 * the project).
 */
const INLINE_ID_BYTES = 32 * 1024;

/** The selection's run source: one row per selected run (see runSourceSql for its columns). */
export function selectedRunsSql(q: SelectedRunsQuery): string {
  const base = { project: q.project, experiment: q.experiment, sweepId: q.sweepId, crashAfterMs: q.crashAfterMs, lifecycle: q.runIds ? ('all' as const) : ('active' as const), reads: q.reads };
  if (!q.runIds) return runSourceSql({ ...base, filterSql: q.filterSql });
  const list = quoteStringList(q.runIds);
  if (Buffer.byteLength(list) * RUN_SOURCE_ID_COPIES_WITH_ORPHANS <= INLINE_ID_BYTES) return runSourceSql({ ...base, runIds: q.runIds, filterSql: q.filterSql });
  const ids = `run_id IN (${list})`;
  return runSourceSql({ ...base, filterSql: q.filterSql ? `(${q.filterSql}) AND ${ids}` : ids });
}

/** Up to `limit` run records of a selection's SQL, by run id. */
export async function loadSelectedRuns(ch: ClickHouseClient, sourceSql: string, limit: number): Promise<RunRecord[]> {
  return (await rows(ch, `SELECT * FROM (${sourceSql}) ORDER BY run_id LIMIT ${quoteInteger(limit)}`)).map((r) => toRunRecord(r));
}
