// The one way storage/ reads a query's rows: JSONEachRow, parsed. UInt64 columns arrive as
// strings (ClickHouse quotes 64-bit integers in JSON), so callers convert with Number().
import type { ClickHouseClient } from '../common/clickhouse.ts';

export async function rows<T = Record<string, unknown>>(ch: ClickHouseClient, query: string): Promise<T[]> {
  const rs = await ch.query({ query, format: 'JSONEachRow' });
  return rs.json<T>();
}
