// ClickHouse client factory and the mapping of its errors to our own classes. Callers decide
// retries by class, never by message text.
import { createClient, ClickHouseError, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from './config.ts';

export type { ClickHouseClient };

export function createClickHouse(config: Config, opts: { database?: string; requestTimeoutMs?: number } = {}): ClickHouseClient {
  return createClient({
    url: config.clickhouseUrl,
    username: config.clickhouseUser,
    password: config.clickhousePassword,
    database: opts.database ?? config.clickhouseDatabase,
    request_timeout: opts.requestTimeoutMs ?? 60_000,
    max_open_connections: 8,
    compression: { request: false, response: false },
    clickhouse_settings: {
      // 18.16 quotes 64-bit integers in JSON by default; numbers are what every reader wants.
      output_format_json_quote_64bit_integers: 0,
    },
  });
}

/** Errors that a retry may cure (server down, overloaded, timeouts) versus those it never will. */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}
export class StorageRejectedError extends Error {
  override name = 'StorageRejectedError';
}

// ClickHouse error codes for "the query itself is wrong" — retrying cannot help.
const PERMANENT_CODES = new Set(['27', '36', '38', '41', '43', '44', '46', '47', '49', '53', '60', '62', '69', '70', '81', '117', '130', '386']);

export function classifyStorageError(err: unknown): StorageUnavailableError | StorageRejectedError {
  if (err instanceof ClickHouseError) {
    const e = PERMANENT_CODES.has(String(err.code)) ? new StorageRejectedError(err.message) : new StorageUnavailableError(err.message);
    (e as { cause?: unknown }).cause = err;
    return e;
  }
  const e = new StorageUnavailableError(err instanceof Error ? err.message : String(err));
  (e as { cause?: unknown }).cause = err;
  return e;
}

export async function ping(client: ClickHouseClient): Promise<boolean> {
  try {
    const r = await client.ping();
    return r.success;
  } catch {
    return false;
  }
}
