// Whether ClickHouse answers and the database is migrated, the token table included (without it
// every authenticated request would fail): the query API's readiness.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rows } from './read.ts';

/** Resolves when both the runs and the api_tokens tables answer; rejects with ClickHouse's error otherwise. */
export async function checkReadiness(ch: ClickHouseClient): Promise<void> {
  await Promise.all(['SELECT count() FROM runs LIMIT 1', 'SELECT count() FROM api_tokens LIMIT 1'].map((query) => rows(ch, query)));
}
