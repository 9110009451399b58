// The test side of deploy/local/cluster.sh: running it, and waiting until every replica holds
// every insert (so that any server a query reaches answers the same).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { REPO_ROOT } from '../../cli/stack.ts';

const SCRIPT = join(REPO_ROOT, 'deploy', 'local', 'cluster.sh');

/** `cluster.sh <args>`; rejects with its stderr (what it logged) in the message. */
export const clusterScript = (...args: string[]) => promisify(execFile)('bash', [SCRIPT, ...args], { timeout: 300_000 });

/** SYSTEM SYNC REPLICA of every replicated table of `database`, through each client (one per server). */
export async function syncReplicas(clients: readonly ClickHouseClient[], database: string): Promise<void> {
  for (const c of clients) {
    const tables = await (await c.query({ query: `SELECT name FROM system.tables WHERE database = '${database}' AND engine LIKE 'Replicated%'`, format: 'JSONEachRow' })).json<{ name: string }>();
    for (const { name } of tables) await c.command({ query: `SYSTEM SYNC REPLICA ${database}.${name}` });
  }
}
