// Waits until a sweep's events are queryable: every run, every finish and every point stored.
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { quoteString } from '../../storage/sql-quote.ts';

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
  const [row] = await (await ch.query({ query, format: 'JSONEachRow' })).json<Record<string, number>>();
  return { runs: Number(row?.runs ?? 0), finished: Number(row?.finished ?? 0), points: Number(row?.points ?? 0) };
}

export async function waitForSweep(
  ch: ClickHouseClient,
  project: string,
  sweepId: string,
  expected: IngestProgress,
  timeoutMs = 300_000,
): Promise<IngestProgress> {
  const deadline = Date.now() + timeoutMs;
  let last: IngestProgress = { runs: 0, finished: 0, points: 0 };
  while (Date.now() < deadline) {
    last = await sweepProgress(ch, project, sweepId);
    if (last.runs >= expected.runs && last.finished >= expected.finished && last.points >= expected.points) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `sweep ${sweepId} not fully queryable after ${timeoutMs / 1000}s: runs ${last.runs}/${expected.runs}, finished ${last.finished}/${expected.finished}, points ${last.points}/${expected.points}`,
  );
}
