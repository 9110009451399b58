// Clustered ClickHouse (RUNLENS_CLICKHOUSE_CLUSTER names a cluster of the servers' remote_servers):
// how each migration statement becomes DDL ON CLUSTER, and the settings clustered reads and writes
// need. The migrations themselves stay single-node SQL, the one definition of every table.
//
// A table of per-run data becomes two: `<t>_local`, a Replicated*MergeTree on every server (its
// replicas in ZooKeeper under its shard), and `<t>`, a Distributed table over them that every
// reader and writer uses by the old name. Rows are sharded by cityHash64(project, run_id), so all
// of a run's rows — and every copy a replay writes, which ReplacingMergeTree collapses — live on
// one shard: FINAL, GROUP BY run_id and joins by run id are exact shard by shard. Online
// experiments' per-unit rows (online_unit_sums) are sharded the same way by unit. The small tables
// (tokens, the processors' marks, experiments, the registry, evidence, online experiments and
// their rollups, the migrations' record) are replicated to every server instead, one ZooKeeper
// path for all: any server reads them whole.
// Every client of a clustered install reads and writes with common/clickhouse.ts's CLUSTER_SETTINGS.
import type { ClickHouseSettings } from '@clickhouse/client';
import { CLUSTER_SETTINGS } from '../common/clickhouse.ts';
import { configIdentifier } from './sql-quote.ts';

/** Tables of per-run data: sharded by run. */
const PER_RUN_TABLES = [
  'runs', 'run_finishes', 'artifacts', 'metric_chunks', 'metric_chunk_stats', 'run_sightings', 'run_param_updates', 'run_liveness',
  'run_tag_updates', 'run_lifecycle', 'artifact_tables', 'samples', 'log_chunks',
] as const;

/** How rows of a per-run table are spread over the shards: a run's rows together. */
export const SHARDING_KEY = 'cityHash64(project, run_id)';

/**
 * The sharded tables and how each spreads its rows over the shards: a key keeps together the rows
 * that FINAL and GROUP BY must see on one shard. Every other table is replicated to every server.
 */
const SHARDED_TABLES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(PER_RUN_TABLES.map((t) => [t, SHARDING_KEY])),
  // A row per exposed unit and bucket: large. Readers add a unit's rows up (and FINAL collapses a
  // replayed message's, which has the same unit), so a unit's rows live together.
  online_unit_sums: 'cityHash64(project, experiment_id, unit_id)',
};

/** ` ON CLUSTER <cluster>` for DDL run on every server of a cluster; nothing on one server. */
export function onClusterSql(cluster: string | undefined): string {
  return cluster ? ` ON CLUSTER ${configIdentifier(cluster)}` : '';
}

/** The suffix of a per-run table's replicated part; the Distributed table keeps the name. */
const LOCAL = '_local';

/** One statement a migration becomes on a cluster, with the settings it runs with. */
export interface ClusterStatement {
  sql: string;
  settings?: ClickHouseSettings;
}

/**
 * The sharded table a name belongs to: the table itself, or a copy made while rebuilding it
 * (`runs_fine`, `runs_0001`). Null for a table replicated whole.
 */
function shardedBase(table: string): string | null {
  let best: string | null = null;
  for (const t of Object.keys(SHARDED_TABLES)) {
    if ((table === t || table.startsWith(`${t}_`)) && (best === null || t.length > best.length)) best = t;
  }
  // run_finishes starts with "run_": only a name that is a known table or one of its copies counts.
  return best !== null && (table === best || /^_(fine|\d{4})$/.test(table.slice(best.length))) ? best : null;
}

/** ReplacingMergeTree(v) → ReplicatedReplacingMergeTree('<path>', '<replica>', v). */
function replicatedEngine(engine: string, args: string, path: string, replica: string): string {
  const rest = args.trim();
  return `Replicated${engine}('${path}', '${replica}'${rest ? `, ${rest}` : ''})`;
}

/**
 * The statements migration `version`'s SQL (rendered for `database`) becomes on cluster
 * `cluster`. Each is idempotent, as the single-node ones are. ZooKeeper paths carry the
 * migration's version, so a table rebuilt again later (a new `<t>_fine`) never meets the path of
 * one renamed before.
 */
export function clusterStatements(sql: string, database: string, cluster: string, version: number): ClusterStatement[] {
  const db = configIdentifier(database);
  const on = onClusterSql(cluster).trim();
  const text = sql.replace(/^\s*(--[^\n]*\n\s*)*/, '').trim();
  const name = (qualified: string) => qualified.slice(db.length + 1);
  const v = String(version).padStart(4, '0');
  const distributed = (table: string) =>
    `CREATE TABLE IF NOT EXISTS ${db}.${table} ${on} AS ${db}.${table}${LOCAL} ENGINE = Distributed(${configIdentifier(cluster)}, ${db}, ${table}${LOCAL}, ${SHARDED_TABLES[shardedBase(table)!]})`;

  // CREATE TABLE [IF NOT EXISTS] db.t [AS db.source] [(columns)] ENGINE = E(args) ...
  let m = /^CREATE TABLE IF NOT EXISTS (\S+)(?: AS (\S+))?\s*(\([\s\S]*?\n\))?\s*ENGINE\s*=\s*(\w*MergeTree)\(([^)]*)\)([\s\S]*)$/.exec(text);
  if (m) {
    const [, target, source, columns, engine, args, tail] = m;
    const table = name(target!);
    const base = shardedBase(table);
    const shape = source ? `AS ${source}${base ? LOCAL : ''}` : columns!;
    if (!base) {
      const engineSql = replicatedEngine(engine!, args!, `/clickhouse/tables/all/${database}/${table}-${v}`, '{shard}-{replica}');
      return [{ sql: `CREATE TABLE IF NOT EXISTS ${db}.${table} ${on} ${shape} ENGINE = ${engineSql}${tail}` }];
    }
    const engineSql = replicatedEngine(engine!, args!, `/clickhouse/tables/{shard}/${database}/${table}-${v}`, '{replica}');
    return [{ sql: `CREATE TABLE IF NOT EXISTS ${db}.${table}${LOCAL} ${on} ${shape} ENGINE = ${engineSql}${tail}` }, { sql: distributed(table) }];
  }
  // A view reads the Distributed tables by their names: the same on every server.
  m = /^CREATE VIEW IF NOT EXISTS (\S+)([\s\S]*)$/.exec(text);
  if (m) return [{ sql: `CREATE VIEW IF NOT EXISTS ${m[1]} ${on}${m[2]}` }];
  // A materialized view fires on the inserts a server receives: it reads and writes the local tables.
  m = /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\S+)\s+TO (\S+)([\s\S]*?FROM )(\S+?)(;?)$/.exec(text);
  if (m) {
    const local = (q: string) => (shardedBase(name(q)) ? `${q}${LOCAL}` : q);
    return [{ sql: `CREATE MATERIALIZED VIEW IF NOT EXISTS ${m[1]} ${on} TO ${local(m[2]!)}${m[3]}${local(m[4]!)}` }];
  }
  m = /^DROP TABLE IF EXISTS (\S+)$/.exec(text);
  if (m) {
    const table = name(m[1]!);
    const drops = [{ sql: `DROP TABLE IF EXISTS ${m[1]} ${on}` }];
    return shardedBase(table) ? [...drops, { sql: `DROP TABLE IF EXISTS ${m[1]}${LOCAL} ${on}` }] : drops;
  }
  // A copy or a backfill (INSERT … SELECT): once, through the Distributed tables, which shard the
  // rows as any insert; it returns when every shard holds them.
  if (/^INSERT INTO \S+/.test(text)) return [{ sql: text, settings: CLUSTER_SETTINGS }];
  // RENAME t TO t_old, t_new TO t: the local tables swap names; then the Distributed tables of
  // every name involved are dropped and t and t_old made again over their local tables.
  m = /^RENAME TABLE (.+)$/s.exec(text);
  if (m) {
    const pairs = m[1]!.split(',').map((pair) => pair.trim().split(/\s+TO\s+/) as [string, string]);
    if (pairs.some((p) => p.length !== 2)) throw new Error(`clustered migration ${v}: cannot read the RENAME ${text}`);
    const sharded = pairs.map(([from]) => shardedBase(name(from)) !== null);
    if (sharded.some((p) => p !== sharded[0])) throw new Error(`clustered migration ${v}: a RENAME mixes sharded and replicated tables`);
    // Each name keeps its table's sharding key: a sharded table renamed to a name of another (or none) would lose it.
    const strays = pairs.filter(([from, to]) => shardedBase(name(from)) !== shardedBase(name(to)));
    if (strays.length > 0) throw new Error(`clustered migration ${v}: a RENAME must keep a table's name or name one of its copies (<table>_fine, <table>_NNNN): ${strays.map(([a, b]) => `${a} TO ${b}`).join(', ')}`);
    if (!sharded[0]) return [{ sql: `RENAME TABLE ${pairs.map(([a, b]) => `${a} TO ${b}`).join(', ')} ${on}` }];
    // Every Distributed table of the names involved is made again over its local table: one
    // kept by name would keep the column list of the table it was made for.
    const out: ClusterStatement[] = [{ sql: `RENAME TABLE ${pairs.map(([a, b]) => `${a}${LOCAL} TO ${b}${LOCAL}`).join(', ')} ${on}` }];
    for (const from of new Set(pairs.flatMap(([a, b]) => [a, b]))) out.push({ sql: `DROP TABLE IF EXISTS ${from} ${on}` });
    for (const [, to] of pairs) out.push({ sql: distributed(name(to)) });
    return out;
  }
  throw new Error(`clustered migration ${v}: no clustered form for this statement (add one to storage/cluster.ts): ${text.slice(0, 200)}`);
}

/** The record of applied migrations on a cluster: replicated to every server, so any of them knows. */
export function clusterMigrationsTableSql(database: string, cluster: string): string {
  const db = configIdentifier(database);
  return `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations${onClusterSql(cluster)}
      (version UInt32, name String, checksum String, applied_at DateTime DEFAULT now())
      ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/${database}/schema_migrations', '{shard}-{replica}') ORDER BY version`;
}
