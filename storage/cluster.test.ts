import { describe, expect, it } from 'vitest';
import { loadMigrations, renderMigration } from './migrate.ts';
import { clusterMigrationsTableSql, clusterStatements, SHARDING_KEY } from './cluster.ts';

const on = (sql: string) => clusterStatements(sql, 'rl', 'c1', 36).map((s) => s.sql);

describe('clusterStatements', () => {
  it('makes a per-run table a Replicated local table on every server and a Distributed table by its name, sharded by run', () => {
    const [local, distributed] = on('CREATE TABLE IF NOT EXISTS rl.runs\n(\n    project String,\n    run_id String\n)\nENGINE = ReplacingMergeTree(src_offset)\nORDER BY (project, run_id)');
    expect(local).toBe("CREATE TABLE IF NOT EXISTS rl.runs_local ON CLUSTER c1 (\n    project String,\n    run_id String\n) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/rl/runs-0036', '{replica}', src_offset)\nORDER BY (project, run_id)");
    expect(distributed).toBe(`CREATE TABLE IF NOT EXISTS rl.runs ON CLUSTER c1 AS rl.runs_local ENGINE = Distributed(c1, rl, runs_local, ${SHARDING_KEY})`);
  });

  it("shards online experiments' per-unit rows by unit, and replicates their rollups", () => {
    const [local, distributed] = on('CREATE TABLE IF NOT EXISTS rl.online_unit_sums\n(\n    unit_id String\n)\nENGINE = ReplacingMergeTree()\nORDER BY unit_id');
    expect(local).toMatch(/^CREATE TABLE IF NOT EXISTS rl\.online_unit_sums_local ON CLUSTER c1 .* ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/rl\/online_unit_sums-0036', '\{replica\}'\)/s);
    expect(distributed).toBe('CREATE TABLE IF NOT EXISTS rl.online_unit_sums ON CLUSTER c1 AS rl.online_unit_sums_local ENGINE = Distributed(c1, rl, online_unit_sums_local, cityHash64(project, experiment_id, unit_id))');
    expect(on('CREATE TABLE IF NOT EXISTS rl.online_outcome_sums\n(\n    n UInt64\n)\nENGINE = ReplacingMergeTree()\nORDER BY n')).toHaveLength(1);
  });

  it('replicates a table that is not per run to every server under one path, and keeps its name', () => {
    expect(on('CREATE TABLE IF NOT EXISTS rl.api_tokens\n(\n    token_id String\n)\nENGINE = ReplacingMergeTree(version)\nORDER BY token_id')).toEqual([
      "CREATE TABLE IF NOT EXISTS rl.api_tokens ON CLUSTER c1 (\n    token_id String\n) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/rl/api_tokens-0036', '{shard}-{replica}', version)\nORDER BY token_id",
    ]);
    expect(clusterMigrationsTableSql('rl', 'c1')).toContain("ReplicatedMergeTree('/clickhouse/tables/all/rl/schema_migrations', '{shard}-{replica}')");
  });

  it('rebuilds a table as one server does: the copy AS the local table, the rows through the Distributed ones, the local tables swapped', () => {
    expect(on('CREATE TABLE IF NOT EXISTS rl.runs_fine AS rl.runs\nENGINE = ReplacingMergeTree(src_offset)\nORDER BY (project, run_id)\nSETTINGS index_granularity = 256')).toEqual([
      "CREATE TABLE IF NOT EXISTS rl.runs_fine_local ON CLUSTER c1 AS rl.runs_local ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/rl/runs_fine-0036', '{replica}', src_offset)\nORDER BY (project, run_id)\nSETTINGS index_granularity = 256",
      `CREATE TABLE IF NOT EXISTS rl.runs_fine ON CLUSTER c1 AS rl.runs_fine_local ENGINE = Distributed(c1, rl, runs_fine_local, ${SHARDING_KEY})`,
    ]);
    const copy = clusterStatements('INSERT INTO rl.runs_fine SELECT * FROM rl.runs', 'rl', 'c1', 37);
    expect(copy).toEqual([{ sql: 'INSERT INTO rl.runs_fine SELECT * FROM rl.runs', settings: { distributed_product_mode: 'global', insert_distributed_sync: 1 } }]);
    expect(on('RENAME TABLE rl.runs TO rl.runs_0001, rl.runs_fine TO rl.runs')).toEqual([
      'RENAME TABLE rl.runs_local TO rl.runs_0001_local, rl.runs_fine_local TO rl.runs_local ON CLUSTER c1',
      'DROP TABLE IF EXISTS rl.runs ON CLUSTER c1',
      'DROP TABLE IF EXISTS rl.runs_0001 ON CLUSTER c1',
      'DROP TABLE IF EXISTS rl.runs_fine ON CLUSTER c1',
      `CREATE TABLE IF NOT EXISTS rl.runs_0001 ON CLUSTER c1 AS rl.runs_0001_local ENGINE = Distributed(c1, rl, runs_0001_local, ${SHARDING_KEY})`,
      `CREATE TABLE IF NOT EXISTS rl.runs ON CLUSTER c1 AS rl.runs_local ENGINE = Distributed(c1, rl, runs_local, ${SHARDING_KEY})`,
    ]);
    expect(on('DROP TABLE IF EXISTS rl.runs_0001')).toEqual(['DROP TABLE IF EXISTS rl.runs_0001 ON CLUSTER c1', 'DROP TABLE IF EXISTS rl.runs_0001_local ON CLUSTER c1']);
    expect(on('DROP TABLE IF EXISTS rl.api_tokens')).toEqual(['DROP TABLE IF EXISTS rl.api_tokens ON CLUSTER c1']);
  });

  it('tells a per-run table from its look-alikes: run_finishes is its own table, not a copy of runs', () => {
    expect(on('CREATE TABLE IF NOT EXISTS rl.run_finishes\n(\n    project String\n)\nENGINE = ReplacingMergeTree(src_offset)\nORDER BY (project, run_id)')[1]).toContain('Distributed(c1, rl, run_finishes_local');
    expect(on('CREATE TABLE IF NOT EXISTS rl.runs_archive\n(\n    project String\n)\nENGINE = ReplacingMergeTree()\nORDER BY project')).toHaveLength(1);
  });

  it('puts views on every server and materialized views on the local tables', () => {
    expect(on('CREATE VIEW IF NOT EXISTS rl.bi_runs\nAS SELECT run_id FROM rl.runs FINAL')).toEqual(['CREATE VIEW IF NOT EXISTS rl.bi_runs ON CLUSTER c1\nAS SELECT run_id FROM rl.runs FINAL']);
    expect(on('CREATE MATERIALIZED VIEW IF NOT EXISTS rl.stats_mv\nTO rl.metric_chunk_stats\nAS SELECT project, run_id\nFROM rl.metric_chunks;')).toEqual([
      'CREATE MATERIALIZED VIEW IF NOT EXISTS rl.stats_mv ON CLUSTER c1 TO rl.metric_chunk_stats_local\nAS SELECT project, run_id\nFROM rl.metric_chunks_local',
    ]);
  });

  it('has a clustered form for every shipped migration, and refuses a statement it does not know', () => {
    for (const m of loadMigrations()) expect(() => clusterStatements(renderMigration(m.sql, 'rl'), 'rl', 'c1', m.version), m.name).not.toThrow();
    expect(() => on('ALTER TABLE rl.runs ADD COLUMN x UInt8')).toThrow(/no clustered form for this statement \(add one to storage\/cluster.ts\): ALTER TABLE/);
    expect(() => on('RENAME TABLE rl.runs TO rl.runs_old, rl.api_tokens TO rl.tokens')).toThrow(/mixes sharded and replicated tables/);
    expect(() => on('RENAME TABLE rl.runs TO rl.runs_old, rl.runs_fine TO rl.runs')).toThrow(/must keep a table's name or name one of its copies.*: rl\.runs TO rl\.runs_old$/);
    expect(on('RENAME TABLE rl.api_tokens TO rl.api_tokens_old, rl.tokens TO rl.api_tokens')).toHaveLength(1);
  });
});
