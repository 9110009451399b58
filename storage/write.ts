// Writes rows to ClickHouse: one INSERT per table, all awaited — RowBinary for the tables that
// carry points (storage/row-binary.ts), JSONEachRow for the rest. The tables are unpartitioned
// and the processor keeps each INSERT below max_insert_block_size (processors/insert-coalescer.ts),
// so each is atomic on its own; replays are made harmless by the tables' source-offset keys.
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { classifyStorageError } from '../common/clickhouse.ts';
import { columnList, encodeRowBinary, type BinaryColumns } from './row-binary.ts';
import { BINARY_TABLES, type TableRows } from './tables.ts';

export interface InsertStats {
  rows: number;
  tables: number;
}

/** An INSERT of rows already encoded in RowBinary (`body`); resolves once ClickHouse has stored them. */
export async function sendRowBinary<Row>(client: ClickHouseClient, table: string, columns: BinaryColumns<Row>, body: Buffer): Promise<void> {
  const result = await client.exec({ query: `INSERT INTO ${table} (${columnList(columns)}) FORMAT RowBinary`, values: Readable.from([body]) });
  // The answer to an INSERT is empty; reading it to the end returns the socket to the pool.
  for await (const _ of result.stream) void _;
}

export async function insertRows(client: ClickHouseClient, rows: TableRows): Promise<InsertStats> {
  const pending: Promise<unknown>[] = [];
  let total = 0;
  for (const [table, values] of Object.entries(rows) as [keyof TableRows, TableRows[keyof TableRows]][]) {
    if (values.length === 0) continue;
    total += values.length;
    const binary = BINARY_TABLES[table] as BinaryColumns<object> | undefined;
    pending.push(binary ? sendRowBinary<object>(client, table, binary, encodeRowBinary(binary, values)) : client.insert<object>({ table, values, format: 'JSONEachRow' }));
  }
  const results = await Promise.allSettled(pending);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw classifyStorageError(failed.reason);
  return { rows: total, tables: pending.length };
}
