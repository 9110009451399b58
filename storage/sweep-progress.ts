// How much of a sweep is stored: its runs, their finishes and their points (the demo and the
// benchmarks wait on it).
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rows } from './read.ts';
import { quoteString } from './sql-quote.ts';

export interface IngestProgress {
  runs: number;
  finished: number;
  points: number;
}

export async function sweepProgress(ch: ClickHouseClient, project: string, sweepId: string): Promise<IngestProgress> {
  const p = quoteString(project);
  const s = quoteString(sweepId);
  const query = `
SELECT
  (SELECT count() FROM runs FINAL WHERE project = ${p} AND sweep_id = ${s}) AS runs,
  (SELECT count() FROM run_finishes FINAL WHERE project = ${p} AND run_id IN (SELECT run_id FROM runs WHERE project = ${p} AND sweep_id = ${s})) AS finished,
  (SELECT sum(point_count) FROM metric_chunks FINAL WHERE project = ${p} AND run_id IN (SELECT run_id FROM runs WHERE project = ${p} AND sweep_id = ${s})) AS points`;
  const [row] = await rows<Record<string, number>>(ch, query);
  return { runs: Number(row?.runs ?? 0), finished: Number(row?.finished ?? 0), points: Number(row?.points ?? 0) };
}
