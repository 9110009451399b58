// Every point of chosen metrics over a selection, for bulk export (query-api/export/): the chunk
// rows of metric_chunks streamed from ClickHouse in (run, key, segment, first step) order, a
// chunk at a time — the result never sits in memory whole. FINAL collapses replayed chunks; the
// series are chosen in PREWHERE (chunk rows are wide), the runs by the selection's SQL.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { quoteString, quoteStringList } from './sql-quote.ts';

export interface PointChunk {
  runId: string;
  key: string;
  /** '' for the unsegmented series. */
  segment: string;
  steps: number[];
  values: number[];
  wallTimesMs: number[];
}

export function exportChunksSql(project: string, sourceSql: string, keys: readonly string[], segments: 'all' | 'none'): string {
  return `
SELECT run_id, key, segment, point_steps, point_values, point_wall_times_ms
FROM metric_chunks FINAL
PREWHERE project = ${quoteString(project)} AND key IN (${quoteStringList([...keys])})${segments === 'none' ? " AND segment = ''" : ''}
WHERE run_id IN (SELECT run_id FROM (${sourceSql}))
ORDER BY run_id, key, segment, first_step`;
}

/** The chunks in order, as ClickHouse streams them (backpressure: the next rows are read as the caller asks). */
export async function* exportChunks(ch: ClickHouseClient, project: string, sourceSql: string, keys: readonly string[], segments: 'all' | 'none'): AsyncGenerator<PointChunk> {
  // JSONEachRow: ClickHouse 18.16 has no JSONCompactEachRow.
  const rs = await ch.query({ query: exportChunksSql(project, sourceSql, keys, segments), format: 'JSONEachRow' });
  type Row = { run_id: string; key: string; segment: string; point_steps: (number | string)[]; point_values: (number | string)[]; point_wall_times_ms: (number | string)[] };
  for await (const batch of rs.stream()) {
    for (const row of batch as { json<T>(): T }[]) {
      const r = row.json<Row>();
      yield { runId: r.run_id, key: r.key, segment: r.segment, steps: r.point_steps.map(Number), values: r.point_values.map(Number), wallTimesMs: r.point_wall_times_ms.map(Number) };
    }
  }
}
