// Every point of chosen metrics over a selection, for bulk export (query-api/export/): the runs
// of the selection in id order, then their chunk rows of metric_chunks a few hundred runs per
// query, each query streamed from ClickHouse as it reads (wait_end_of_query off) in (run, key,
// segment, worker, first step) order — so ClickHouse sorts a few hundred runs at a time, never
// the whole sweep, and a slow reader slows the reading. FINAL collapses replayed chunks; the
// series are chosen in PREWHERE (chunk rows are wide).
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rows } from './read.ts';
import { quoteString, quoteStringList } from './sql-quote.ts';

/** Runs per chunk query: small enough to sort in memory, large enough to keep ClickHouse busy. */
export const RUNS_PER_QUERY = 200;
/** The longest one chunk query may run (the API's own queries stop at RUNLENS_QUERY_TIMEOUT_S; an export's parts may take longer). */
const PART_TIMEOUT_S = 600;

export interface PointChunk {
  runId: string;
  key: string;
  /** '' for the unsegmented series. */
  segment: string;
  steps: number[];
  values: number[];
  wallTimesMs: number[];
}

export function exportRunIdsSql(sourceSql: string): string {
  return `SELECT run_id FROM (${sourceSql}) ORDER BY run_id`;
}

export function exportChunksSql(project: string, runIds: readonly string[], keys: readonly string[], segments: 'all' | 'none'): string {
  // project is selected though unread: on a Distributed table 18.16 refuses FINAL with ORDER BY
  // and a PREWHERE on a column the SELECT leaves out ("Cannot find column project").
  return `
SELECT project, run_id, key, segment, point_steps, point_values, point_wall_times_ms
FROM metric_chunks FINAL
PREWHERE project = ${quoteString(project)} AND run_id IN (${quoteStringList([...runIds])}) AND key IN (${quoteStringList([...keys])})${segments === 'none' ? " AND segment = ''" : ''}
ORDER BY run_id, key, segment, worker_rank, first_step`;
}

/** The chunks in order, as ClickHouse streams them (backpressure: the next rows are read as the caller asks). */
export async function* exportChunks(ch: ClickHouseClient, project: string, sourceSql: string, keys: readonly string[], segments: 'all' | 'none'): AsyncGenerator<PointChunk> {
  const runIds = (await rows<{ run_id: string }>(ch, exportRunIdsSql(sourceSql))).map((r) => r.run_id);
  type Row = { run_id: string; key: string; segment: string; point_steps: (number | string)[]; point_values: (number | string)[]; point_wall_times_ms: (number | string)[] };
  for (let i = 0; i < runIds.length; i += RUNS_PER_QUERY) {
    // JSONEachRow: ClickHouse 18.16 has no JSONCompactEachRow.
    const rs = await ch.query({
      query: exportChunksSql(project, runIds.slice(i, i + RUNS_PER_QUERY), keys, segments), format: 'JSONEachRow',
      clickhouse_settings: { wait_end_of_query: 0, max_execution_time: PART_TIMEOUT_S },
    });
    for await (const batch of rs.stream()) {
      for (const row of batch as { json<T>(): T }[]) {
        const r = row.json<Row>();
        yield { runId: r.run_id, key: r.key, segment: r.segment, steps: r.point_steps.map(Number), values: r.point_values.map(Number), wallTimesMs: r.point_wall_times_ms.map(Number) };
      }
    }
  }
}
