// Per source partition, the highest Kafka offset whose whole batch is already stored in
// ClickHouse. On partition assignment the processor seeks past it, so a range that was stored
// and marked but not committed (a crash between the two) is not processed again. Kafka's
// committed offset then only measures lag; the stored rows are the truth.
//
// The mark comes from processed_batches (migration 0012), written only after every insert and
// dead letter of a batch succeeded. The data tables' own max(src_offset) would not do: a batch
// writes several tables at once, so after a crash one table can hold a batch another lacks.
// This is an optimisation on top of the tables' source-offset keys, which already make any
// replay collapse: if this read fails the processor simply starts from the committed offset.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import type { Row } from './rows.ts';
import { quoteInteger, quoteString } from '../storage/sql-quote.ts';

export const PROCESSED_BATCHES_TABLE = 'processed_batches';

export async function storedHighWater(ch: ClickHouseClient, topic: string, partitions: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (partitions.length === 0) return out;
  const query = `SELECT src_partition, max(last_offset) AS high FROM ${PROCESSED_BATCHES_TABLE}
WHERE topic = ${quoteString(topic)} AND src_partition IN (${partitions.map(quoteInteger).join(', ')})
GROUP BY src_partition`;
  const rows = await (await ch.query({ query, format: 'JSONEachRow' })).json<{ src_partition: number; high: number | string }>();
  for (const r of rows) out.set(Number(r.src_partition), Number(r.high));
  return out;
}

/** The marker row of one fully stored batch. */
export function processedBatchRow(topic: string, partition: number, firstOffset: number, lastOffset: number): Row {
  return { topic, src_partition: partition, first_offset: firstOffset, last_offset: lastOffset };
}
