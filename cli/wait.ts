// Waits until a sweep's events are queryable: every run, every finish and every point stored.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { sweepProgress, type IngestProgress } from '../storage/sweep-progress.ts';

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
