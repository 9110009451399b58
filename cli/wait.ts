// Waits until a sweep's events are queryable: every run, every finish and every point stored.
// Polls the fast upper bound (no FINAL) until it is reached, then confirms with the exact count.
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
  const reached = (p: IngestProgress) => p.runs >= expected.runs && p.finished >= expected.finished && p.points >= expected.points;
  while (Date.now() < deadline) {
    last = await sweepProgress(ch, project, sweepId, { exact: false });
    if (reached(last)) {
      last = await sweepProgress(ch, project, sweepId);
      if (reached(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `sweep ${sweepId} not fully queryable after ${timeoutMs / 1000}s: runs ${last.runs}/${expected.runs}, finished ${last.finished}/${expected.finished}, points ${last.points}/${expected.points}`,
  );
}
