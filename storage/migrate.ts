// Applies storage/migrations/NNNN_name.sql in order and records each in
// {database}.schema_migrations with a checksum. Safe to re-run: applied files are skipped, and
// every statement is idempotent on its own (IF NOT EXISTS; a RENAME found already done is
// recorded), so a crash mid-way heals on the next run. A shipped migration must never be edited:
// a changed checksum stops the run. On a cluster (RUNLENS_CLICKHOUSE_CLUSTER) each file runs as
// the DDL ON CLUSTER that storage/cluster.ts makes of it, and the record is replicated.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { clusterMigrationsTableSql, clusterStatements, onClusterSql } from './cluster.ts';
import { configIdentifier, quoteString } from './sql-quote.ts';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = FILE.exec(file);
    if (!m) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    out.push({ version: Number(m[1]), name: m[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex').slice(0, 16) });
  }
  out.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.version}_${m.name}: versions must run 1, 2, 3… without gaps`);
  });
  return out;
}

export function renderMigration(sql: string, database: string): string {
  return sql.replaceAll('{database}', configIdentifier(database)).trim().replace(/;\s*$/, '');
}

export interface MigrateResult {
  applied: string[];
  skipped: string[];
}

/**
 * Whether a migration copies a table into its rebuilt form (0037, 0041, …): rows the processors
 * write to the old table after the copy are dropped with it, their Kafka offsets committed, so
 * the processors must be stopped while it runs.
 */
export function copiesATable(m: Migration): boolean {
  return /^\s*INSERT INTO \S+ SELECT \* FROM \S+\s*;?\s*$/m.test(m.sql.replace(/^\s*--[^\n]*$/gm, ''));
}

export interface MigrateOptions {
  /** The cluster to make the tables on (RUNLENS_CLICKHOUSE_CLUSTER), each of its servers reachable. */
  cluster?: string;
  /**
   * Called before anything is applied, with the pending migrations, when the database already
   * holds applied ones (a fresh database has no processors writing to it): throws to refuse, e.g.
   * a table copy while processors run (`runlens migrate` checks their consumer group).
   */
  beforeApplying?: (pending: Migration[]) => Promise<void>;
}

/** `client` must not be bound to the target database (it may not exist yet). */
export async function migrate(client: ClickHouseClient, database: string, dir = MIGRATIONS_DIR, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const { cluster } = opts;
  const db = configIdentifier(database);
  // A database made for one server stays one: its tables are not replicated, and the cluster's
  // ON CLUSTER statements would find them all there and do nothing.
  const [record] = await (
    await client.query({ query: `SELECT engine FROM system.tables WHERE database = ${quoteString(database)} AND name = 'schema_migrations'`, format: 'JSONEachRow' })
  ).json<{ engine: string }>();
  if (record && Boolean(cluster) !== record.engine.startsWith('Replicated')) {
    throw new Error(cluster
      ? `database ${database} was made for one server (schema_migrations is a ${record.engine}); a cluster needs a database of its own, made by runlens migrate with RUNLENS_CLICKHOUSE_CLUSTER set (docs/cluster.md)`
      : `database ${database} was made for a cluster (schema_migrations is a ${record.engine}); set RUNLENS_CLICKHOUSE_CLUSTER to its cluster`);
  }
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}${onClusterSql(cluster)}` });
  await client.command({
    query: cluster
      ? clusterMigrationsTableSql(database, cluster)
      : `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations
      (version UInt32, name String, checksum String, applied_at DateTime DEFAULT now())
      ENGINE = MergeTree() ORDER BY version`,
  });
  const rows = await (
    await client.query({ query: `SELECT version, name, checksum FROM ${db}.schema_migrations ORDER BY version`, format: 'JSONEachRow' })
  ).json<{ version: number; name: string; checksum: string }>();
  const done = new Map(rows.map((r) => [Number(r.version), r]));
  const result: MigrateResult = { applied: [], skipped: [] };
  const migrations = loadMigrations(dir);
  if (done.size > 0) await opts.beforeApplying?.(migrations.filter((m) => !done.has(m.version)));
  for (const m of migrations) {
    const label = `${String(m.version).padStart(4, '0')}_${m.name}`;
    const prior = done.get(m.version);
    if (prior) {
      if (prior.checksum !== m.checksum) {
        throw new Error(`migration ${label} was edited after it was applied (checksum ${prior.checksum} → ${m.checksum}); add a new migration instead`);
      }
      result.skipped.push(label);
      continue;
    }
    const sql = renderMigration(m.sql, db);
    for (const statement of cluster ? clusterStatements(sql, database, cluster, m.version) : [{ sql }]) {
      // On a cluster a RENAME found done here (a run stopped before recording it) is skipped, not
      // tried and excused: its failure on another server must not pass for this server's success.
      if (cluster && (await renameTookEffect(client, statement.sql))) continue;
      try {
        await client.command({ query: statement.sql, ...('settings' in statement ? { clickhouse_settings: statement.settings } : {}) });
      } catch (err) {
        if (cluster || !(await renameTookEffect(client, statement.sql))) throw err;
      }
    }
    await client.command({
      query: `INSERT INTO ${db}.schema_migrations (version, name, checksum) VALUES (${m.version}, ${quoteString(m.name)}, ${quoteString(m.checksum)})`,
    });
    result.applied.push(label);
  }
  return result;
}

/**
 * Whether `sql` is a `RENAME TABLE a TO b, …` that already took effect: a run that stopped after
 * the RENAME and before recording it. Done means every target exists and every source that is
 * not also a target is gone (in a swap, `t TO t_old, t_new TO t`, the name t exists before and
 * after: t_old tells them apart).
 */
async function renameTookEffect(client: ClickHouseClient, sql: string): Promise<boolean> {
  // On a cluster the RENAME ends in ON CLUSTER: the names are checked on the server asked.
  const m = /^RENAME TABLE (.+?)(?:\s+ON CLUSTER \S+)?$/s.exec(sql.replace(/^\s*(--[^\n]*\n\s*)*/, ''));
  if (!m) return false;
  const pairs = m[1]!.split(',').map((pair) => pair.trim().split(/\s+TO\s+/));
  if (pairs.some((p) => p.length !== 2)) return false;
  const targets = new Set(pairs.map(([, to]) => to));
  const exists = async (table: string) => (await (await client.query({ query: `EXISTS TABLE ${table}`, format: 'TabSeparated' })).text()).trim() === '1';
  for (const [from, to] of pairs) {
    if (!(await exists(to!))) return false;
    if (!targets.has(from) && (await exists(from!))) return false;
  }
  return true;
}

/**
 * How long `runlens migrate` waits for one statement: a migration may copy a table (0038: about
 * 10M points/s here), and an INSERT … SELECT sends nothing back until it ends.
 */
export const MIGRATION_TIMEOUT_MS = 24 * 3_600_000;

/** Drops a database (the benchmarks' throwaway ones); `client` must not be bound to it. */
export async function dropDatabase(client: ClickHouseClient, database: string): Promise<void> {
  await client.command({ query: `DROP DATABASE IF EXISTS ${configIdentifier(database)}` });
}
