// How much of a sweep is stored: its runs, their finishes and their points (the demo and the
// benchmarks wait on it). Exact (FINAL: a replayed copy counted once), or a fast upper bound
// without FINAL — a replay can only add copies, so a bound short of a count means the exact
// count is short too; FINAL over every chunk of a project, asked every 200 ms, was itself a
// good part of ClickHouse's work while a benchmark waited.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rows } from './read.ts';
import { quoteString } from './sql-quote.ts';

export interface IngestProgress {
  runs: number;
  finished: number;
  points: number;
}

export async function sweepProgress(ch: ClickHouseClient, project: string, sweepId: string, opts: { exact?: boolean } = {}): Promise<IngestProgress> {
  const p = quoteString(project);
  const s = quoteString(sweepId);
  const final = opts.exact === false ? '' : ' FINAL';
  const query = `
SELECT
  (SELECT count() FROM runs${final} WHERE project = ${p} AND sweep_id = ${s}) AS runs,
  (SELECT count() FROM run_finishes${final} WHERE project = ${p} AND run_id IN (SELECT run_id FROM runs WHERE project = ${p} AND sweep_id = ${s})) AS finished,
  (SELECT sum(point_count) FROM metric_chunks${final} WHERE project = ${p} AND run_id IN (SELECT run_id FROM runs WHERE project = ${p} AND sweep_id = ${s})) AS points`;
  const [row] = await rows<Record<string, number>>(ch, query);
  return { runs: Number(row?.runs ?? 0), finished: Number(row?.finished ?? 0), points: Number(row?.points ?? 0) };
}
