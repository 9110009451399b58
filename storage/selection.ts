// The runs a request selects, as SQL over the run source: explicit run ids (spelled once, as a
// condition on top, so a long list fits one query) and/or a compiled filter, with optional
// experiment and sweep; and the full records of such a selection. Runs named by id are taken
// whatever their lifecycle (a deleted run too, as /v1/runs/:id shows it); a selection by filter,
// experiment or sweep leaves deleted runs out.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rows } from './read.ts';
import { runSourceSql, toRunRecord, type RunRecord } from './runs.ts';
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
}

/** The selection's run source: one row per selected run (see runSourceSql for its columns). */
export function selectedRunsSql(q: SelectedRunsQuery): string {
  let filterSql = q.filterSql;
  if (q.runIds) {
    const ids = `run_id IN (${quoteStringList(q.runIds)})`;
    filterSql = filterSql ? `(${filterSql}) AND ${ids}` : ids;
  }
  return runSourceSql({ project: q.project, experiment: q.experiment, sweepId: q.sweepId, filterSql, crashAfterMs: q.crashAfterMs, lifecycle: q.runIds ? 'all' : 'active' });
}

/** Up to `limit` run records of a selection's SQL, by run id. */
export async function loadSelectedRuns(ch: ClickHouseClient, sourceSql: string, limit: number): Promise<RunRecord[]> {
  return (await rows(ch, `SELECT * FROM (${sourceSql}) ORDER BY run_id LIMIT ${quoteInteger(limit)}`)).map((r) => toRunRecord(r));
}
