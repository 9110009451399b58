// Writes one batch's rows to ClickHouse: one INSERT per table, all awaited. Every INSERT holds
// rows of a single table partition and stays far below max_insert_block_size, so each is
// atomic on its own; replays are made harmless by the tables' source-offset keys.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { classifyStorageError } from '../common/clickhouse.ts';
import type { TableRows } from './tables.ts';

export interface InsertStats {
  rows: number;
  tables: number;
}

export async function insertRows(client: ClickHouseClient, rows: TableRows): Promise<InsertStats> {
  const pending: Promise<unknown>[] = [];
  let total = 0;
  for (const [table, values] of Object.entries(rows) as [keyof TableRows, TableRows[keyof TableRows]][]) {
    if (values.length === 0) continue;
    total += values.length;
    pending.push(client.insert<object>({ table, values, format: 'JSONEachRow' }));
  }
  const results = await Promise.allSettled(pending);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw classifyStorageError(failed.reason);
  return { rows: total, tables: pending.length };
}
