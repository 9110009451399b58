// How storage/ reads a query's rows: JSONEachRow, parsed — UInt64 columns arrive as strings
// (ClickHouse quotes 64-bit integers in JSON), so callers convert with Number(); or, for answers
// that are mostly numbers (curves), RowBinary decoded by column type.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { decodeRowBinary, type ReadType } from './row-binary.ts';

export async function rows<T = Record<string, unknown>>(ch: ClickHouseClient, query: string): Promise<T[]> {
  const rs = await ch.query({ query, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** The rows of a query (without a FORMAT clause) in RowBinary, its columns of these types. */
export async function binaryRows<const Types extends readonly ReadType[]>(ch: ClickHouseClient, query: string, types: Types) {
  const result = await ch.exec({ query: `${query}\nFORMAT RowBinary` });
  const parts: Buffer[] = [];
  for await (const part of result.stream) parts.push(part as Buffer);
  return decodeRowBinary(Buffer.concat(parts), types);
}

/** Two parallel array columns (keys, values) as an object; a key may be "__proto__". */
export function zip<V>(keys: unknown, values: unknown): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  const k = keys as string[];
  const v = values as V[];
  for (let i = 0; i < k.length; i++) out[k[i]!] = v[i]!;
  return out;
}

/** '' (ClickHouse's empty String) as null. */
export const orNull = (s: unknown): string | null => (s === '' || s === undefined || s === null ? null : String(s));
/** Epoch milliseconds (a UInt64, maybe a string) as an ISO date. */
export const iso = (ms: unknown): string => new Date(Number(ms)).toISOString();

/** The server's version string, e.g. "18.16.1". */
export async function serverVersion(ch: ClickHouseClient): Promise<string | undefined> {
  const [row] = await rows<{ v: string }>(ch, 'SELECT version() AS v');
  return row?.v;
}
