// ClickHouse client factory and the mapping of its errors to our own classes. Callers decide
// retries by class, never by message text.
import { createClient, ClickHouseError, ClickHouseLogLevel, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { Config } from './config.ts';

export type { ClickHouseClient };

/**
 * Settings of every read and write on a cluster (RUNLENS_CLICKHOUSE_CLUSTER; storage/cluster.ts
 * makes its tables). distributed_product_mode 'global': an IN or JOIN over a Distributed table
 * inside a distributed query is computed once and sent to the shards — 'local' (each shard alone)
 * answers wrongly where the subquery runs on the initiator, e.g. in HAVING (the run source's
 * orphan lookup counted 1,000 runs instead of 666, measured on 18.16). insert_distributed_sync:
 * an INSERT returns once every shard holds its rows, so the processor's marks and Kafka commits
 * still follow its rows (docs/effectively-once.md).
 */
export const CLUSTER_SETTINGS: ClickHouseSettings = { distributed_product_mode: 'global', insert_distributed_sync: 1 };

export function createClickHouse(config: Config, opts: { database?: string; requestTimeoutMs?: number; settings?: ClickHouseSettings } = {}): ClickHouseClient {
  return createClient({
    url: config.clickhouseUrl,
    username: config.clickhouseUser,
    password: config.clickhousePassword,
    database: opts.database ?? config.clickhouseDatabase,
    request_timeout: opts.requestTimeoutMs ?? 60_000,
    max_open_connections: 8,
    compression: { request: false, response: false },
    // Every error reaches its caller, which logs it with context (or retries quietly); the
    // client's own stderr dump of each one would only repeat it without that context.
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: {
      // 18.16 quotes 64-bit integers in JSON by default; numbers are what every reader wants.
      output_format_json_quote_64bit_integers: 0,
      // On a cluster: subqueries over Distributed tables computed once, inserts that wait for every shard.
      ...(config.clickhouseCluster !== undefined ? CLUSTER_SETTINGS : {}),
      // An insert returns once this many replicas of its shard hold it (timing out, it is retried).
      ...(config.clickhouseInsertQuorum > 0 ? { insert_quorum: String(config.clickhouseInsertQuorum) } : {}),
      ...opts.settings,
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
const PERMANENT_CODES = new Set(['27', '36', '38', '41', '43', '44', '46', '47', '49', '53', '60', '62', '69', '70', '81', '117', '130', '167', '168', '386']);

/**
 * The server's error code. @clickhouse/client parses it into ClickHouseError.code for current
 * servers; 18.16 words its errors differently ("Code: 396, e.displayText() = …"), the client
 * then throws a plain Error, and the code is read from that fixed prefix instead.
 */
export function clickhouseErrorCode(err: unknown): string | undefined {
  if (err instanceof ClickHouseError) return String(err.code);
  const m = err instanceof Error ? /^Code: (\d+)[,.]/.exec(err.message) : null;
  return m?.[1];
}

export function classifyStorageError(err: unknown): StorageUnavailableError | StorageRejectedError {
  // Already classified: current servers' messages carry no "Code: N" prefix to classify again by.
  if (err instanceof StorageUnavailableError || err instanceof StorageRejectedError) return err;
  const code = clickhouseErrorCode(err);
  if (code !== undefined) {
    const message = (err as Error).message;
    const e = PERMANENT_CODES.has(code) ? new StorageRejectedError(message) : new StorageUnavailableError(message);
    (e as { cause?: unknown }).cause = err;
    return e;
  }
  const e = new StorageUnavailableError(err instanceof Error ? err.message : String(err));
  (e as { cause?: unknown }).cause = err;
  return e;
}

/**
 * Settings that bound every query of the API. wait_end_of_query makes ClickHouse report a
 * limit as an HTTP error instead of appending it to a half-sent 200 response.
 */
export function queryLimitSettings(limits: Config['queryLimits']): ClickHouseSettings {
  return {
    max_execution_time: limits.timeoutSeconds,
    max_result_rows: String(limits.maxResultRows),
    result_overflow_mode: 'throw',
    max_memory_usage: String(limits.maxMemoryBytes),
    wait_end_of_query: 1,
  };
}

/** A query stopped by one of the limits above: the caller's request was too big, not our fault. */
export class QueryLimitError extends Error {
  override name = 'QueryLimitError';
}

const LIMIT_CODES: Record<string, (l: Config['queryLimits']) => string> = {
  '159': (l) => `the query ran longer than the ${l.timeoutSeconds} s limit (RUNLENS_QUERY_TIMEOUT_S)`,
  '160': (l) => `the query would run longer than the ${l.timeoutSeconds} s limit (RUNLENS_QUERY_TIMEOUT_S)`,
  '158': (l) => `the result has more than ${l.maxResultRows.toLocaleString('en-US')} rows (RUNLENS_QUERY_MAX_RESULT_ROWS)`,
  '396': (l) => `the result has more than ${l.maxResultRows.toLocaleString('en-US')} rows (RUNLENS_QUERY_MAX_RESULT_ROWS)`,
  '241': (l) => `the query needs more than ${bytes(l.maxMemoryBytes)} of memory (RUNLENS_QUERY_MAX_MEMORY_BYTES)`,
};

function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(0)} MB`;
  return `${n.toLocaleString('en-US')} bytes`;
}

/** The parser's limits on a query's shape: a request whose filter compiles past them is too complex, not a server fault. */
const COMPLEXITY_CODES: Record<string, string> = {
  '167': "nests deeper than ClickHouse's max_ast_depth",
  '168': "has more elements than ClickHouse's max_ast_elements",
};

/** Maps a ClickHouse limit error to QueryLimitError naming the limit; anything else is returned unchanged. */
export function asQueryLimitError(err: unknown, limits: Config['queryLimits']): unknown {
  const code = clickhouseErrorCode(err);
  if (code === undefined) return err;
  const describe = LIMIT_CODES[code];
  if (describe) return new QueryLimitError(`${describe(limits)}; narrow the filter or ask for fewer runs, points or columns`);
  const complexity = COMPLEXITY_CODES[code];
  if (complexity) return new QueryLimitError(`the query built from this request ${complexity}; use fewer conditions in the filter (or shorter 'in' lists), or select by sweep or experiment`);
  return err;
}

export async function ping(client: ClickHouseClient): Promise<boolean> {
  try {
    const r = await client.ping();
    return r.success;
  } catch {
    return false;
  }
}
