// GET /v1/bi/<view>: one project's rows of a BI view (storage/bi-users.ts: the contract's views
// and the sweeps' wide params views), as TabSeparated in the view's column order — what the URL
// tables of per-project BI users on ClickHouse before 24.4 read (runlens bi-user). Scope `bi`
// (a token of that scope opens this route only), the token's project only; the token may come as
// `?token=` since a URL table sends no header, and never reaches the logs (http/request-log.ts redacts it).
// The query is fixed (the view, the project): nothing of the request but the view name reaches
// SQL, and that only from the known names. Not in the OpenAPI document: a ClickHouse feed.
import { projectOf } from '../../common/http/auth.ts';
import { notFound } from '../../common/http/errors.ts';
import { BI_LIMITS, isBiView, projectRowsSql } from '../../storage/bi-users.ts';
import { clickhouseErrorCode } from '../../common/clickhouse.ts';
import type { App, AppDeps } from '../deps.ts';

// The BI user's limits, as its own query has them: the feed reads no more than it may. Its result
// is the view's rows before the user's own filter and aggregation, so it is capped by the rows
// the user may read, not by the rows the user's answer may hold.
const FEED_SETTINGS = {
  max_execution_time: BI_LIMITS.maxExecutionTimeS,
  max_rows_to_read: String(BI_LIMITS.maxRowsToRead),
  max_result_rows: String(BI_LIMITS.maxRowsToRead),
  max_memory_usage: String(BI_LIMITS.maxMemoryBytes),
  wait_end_of_query: 0,
} as const;

export async function biRoutes(app: App, deps: AppDeps): Promise<void> {
  app.get<{ Params: { view: string } }>('/v1/bi/:view', {
    config: { scope: 'bi', tokenInQuery: true },
    schema: { hide: true },
  }, async (req, reply) => {
    const { view } = req.params;
    if (!isBiView(view)) throw notFound(`no BI view ${view}: the views are bi_v1_* (docs/bi.md)`);
    try {
      const { stream } = await deps.clickhouse.exec({
        query: `${projectRowsSql(view, projectOf(req))} FORMAT TabSeparated`,
        clickhouse_settings: FEED_SETTINGS,
      });
      return reply.type('text/tab-separated-values; charset=utf-8').send(stream);
    } catch (err) {
      // 60: UNKNOWN_TABLE — a wide params view not made (or dropped).
      if (clickhouseErrorCode(err) === '60') throw notFound(`no BI view ${view}`);
      throw err;
    }
  });
}
