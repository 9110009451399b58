// Reads, per source partition, the highest Kafka offset already stored in ClickHouse. On
// partition assignment the processor seeks past it, so a range that was inserted but not
// committed (a crash between the two) is not inserted again. Kafka's committed offset then
// only measures lag; the stored rows are the truth. This is an optimisation on top of the
// tables' source-offset keys, which already make any replay collapse: if this read fails the
// processor simply starts from the committed offset.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { quoteInteger } from '../common/sql-quote.ts';

/** Every table the processor writes, each with src_partition and src_offset columns. */
export const SOURCED_TABLES = ['runs', 'run_finishes', 'artifacts', 'metric_chunks'] as const;

export async function storedHighWater(ch: ClickHouseClient, partitions: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (partitions.length === 0) return out;
  const inList = partitions.map(quoteInteger).join(', ');
  const union = SOURCED_TABLES.map(
    (t) => `SELECT src_partition, max(src_offset) AS high FROM ${t} WHERE src_partition IN (${inList}) GROUP BY src_partition`,
  ).join('\nUNION ALL\n');
  const query = `SELECT src_partition, max(high) AS high FROM (${union}) GROUP BY src_partition`;
  const rows = await (await ch.query({ query, format: 'JSONEachRow' })).json<{ src_partition: number; high: number }>();
  for (const r of rows) out.set(Number(r.src_partition), Number(r.high));
  return out;
}
