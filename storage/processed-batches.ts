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
import { rows } from './read.ts';
import { quoteInteger, quoteString } from './sql-quote.ts';
import type { ProcessedBatchesRow } from './tables.ts';

export async function storedHighWater(ch: ClickHouseClient, topic: string, partitions: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (partitions.length === 0) return out;
  const query = `SELECT src_partition, max(last_offset) AS high FROM processed_batches
WHERE topic = ${quoteString(topic)} AND src_partition IN (${partitions.map(quoteInteger).join(', ')})
GROUP BY src_partition`;
  for (const r of await rows<{ src_partition: number; high: number | string }>(ch, query)) out.set(Number(r.src_partition), Number(r.high));
  return out;
}

/** Marks batches as fully stored: call only after every insert and dead letter of each succeeded. */
export async function markProcessed(ch: ClickHouseClient, markers: ProcessedBatchesRow[]): Promise<void> {
  await ch.insert({ table: 'processed_batches', values: markers, format: 'JSONEachRow' });
}
