// Migrations against the real ClickHouse: from zero, re-run as a no-op, edits refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, appendFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse, type ClickHouseClient } from '../../common/clickhouse.ts';
import { copiesATable, dropDatabase, loadMigrations, migrate, type Migration } from '../../storage/migrate.ts';
import { chunkRows, finishRow, paramUpdateRow, runRow, tagUpdateRow } from '../../processors/rows.ts';
import { emptyTableRows } from '../../storage/tables.ts';
import { insertRows } from '../../storage/write.ts';
import { freshNamespace, type Namespace } from '../helpers/namespace.ts';

let ns: Namespace;
let admin: ClickHouseClient;
beforeAll(async () => {
  ns = await freshNamespace('migrate');
  admin = createClickHouse(ns.config, { database: 'default' });
});
afterAll(async () => {
  await admin?.close();
  await ns?.drop();
});

describe('migrate', () => {
  it('applied every migration once and records them', async () => {
    const rows = await (await ns.clickhouse.query({ query: 'SELECT version, name FROM schema_migrations ORDER BY version', format: 'JSONEachRow' })).json<{ version: number; name: string }>();
    expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
    const tables = await (await ns.clickhouse.query({ query: 'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name', format: 'JSONEachRow' })).json<{ name: string }>();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['runs', 'run_finishes', 'artifacts', 'metric_chunks', 'metric_chunk_stats', 'metric_summaries']));
  });

  it('is a no-op when run again', async () => {
    const r = await migrate(admin, ns.config.clickhouseDatabase);
    expect(r.applied).toEqual([]);
    expect(r.skipped.length).toBe(loadMigrations().length);
  });

  it('refuses to continue when an applied migration was edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlens-migrations-'));
    const source = join(import.meta.dirname, '../../storage/migrations');
    cpSync(source, dir, { recursive: true });
    const first = readdirSync(dir).sort()[0]!;
    appendFileSync(join(dir, first), '\n-- edited after shipping\n');
    await expect(migrate(admin, ns.config.clickhouseDatabase, dir)).rejects.toThrow(/was edited after it was applied/);
  });

  it('records a RENAME or a swap that ran before a stop but was not recorded, and still fails one that cannot run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlens-migrations-'));
    const db = `${ns.config.clickhouseDatabase}_rename`;
    try {
      writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE IF NOT EXISTS {database}.a (x UInt8) ENGINE = MergeTree() ORDER BY x');
      await migrate(admin, db, dir);
      await admin.command({ query: `RENAME TABLE ${db}.a TO ${db}.b` }); // the RENAME ran, then the run stopped
      writeFileSync(join(dir, '0002_swap.sql'), '-- a is now b\nRENAME TABLE {database}.a TO {database}.b');
      expect((await migrate(admin, db, dir)).applied).toEqual(['0002_swap']);
      // A swap (as 0038): the name b exists before and after; it ran, then the run stopped.
      writeFileSync(join(dir, '0003_b_new.sql'), 'CREATE TABLE IF NOT EXISTS {database}.b_new (x UInt8) ENGINE = MergeTree() ORDER BY x');
      await migrate(admin, db, dir);
      await admin.command({ query: `RENAME TABLE ${db}.b TO ${db}.b_old, ${db}.b_new TO ${db}.b` });
      writeFileSync(join(dir, '0004_swap.sql'), 'RENAME TABLE {database}.b TO {database}.b_old, {database}.b_new TO {database}.b');
      expect((await migrate(admin, db, dir)).applied).toEqual(['0004_swap']);
      writeFileSync(join(dir, '0005_missing.sql'), 'RENAME TABLE {database}.c TO {database}.d');
      await expect(migrate(admin, db, dir)).rejects.toThrow(/\.c doesn't exist/);
    } finally {
      await dropDatabase(admin, db);
      rmSync(dir, { recursive: true });
    }
  });

  it('asks before a table copy into a database in use, and refuses to make a one-server database a cluster', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlens-migrations-'));
    const db = `${ns.config.clickhouseDatabase}_guard`;
    try {
      writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE IF NOT EXISTS {database}.a (x UInt8) ENGINE = MergeTree() ORDER BY x');
      writeFileSync(join(dir, '0002_a_fine.sql'), 'CREATE TABLE IF NOT EXISTS {database}.a_fine AS {database}.a ENGINE = MergeTree() ORDER BY x');
      writeFileSync(join(dir, '0003_a_fine_copy.sql'), '-- the copy\nINSERT INTO {database}.a_fine SELECT * FROM {database}.a');
      const asked: string[][] = [];
      const refuse = async (pending: Migration[]) => {
        asked.push(pending.map((m) => m.name));
        if (pending.some(copiesATable)) throw new Error('processors run');
      };
      // A fresh database: nobody writes to it yet, so nothing is asked.
      await migrate(admin, db, dir, { beforeApplying: refuse });
      expect(asked).toEqual([]);
      // In use: the pending copy is refused before anything is applied.
      writeFileSync(join(dir, '0004_b.sql'), 'CREATE TABLE IF NOT EXISTS {database}.b (x UInt8) ENGINE = MergeTree() ORDER BY x');
      await expect(migrate(admin, db, dir, { beforeApplying: refuse })).resolves.toMatchObject({ applied: ['0004_b'] });
      expect(asked).toEqual([['b']]);
      writeFileSync(join(dir, '0005_b_copy.sql'), 'INSERT INTO {database}.b SELECT * FROM {database}.a');
      writeFileSync(join(dir, '0006_c.sql'), 'CREATE TABLE IF NOT EXISTS {database}.c (x UInt8) ENGINE = MergeTree() ORDER BY x');
      await expect(migrate(admin, db, dir, { beforeApplying: refuse })).rejects.toThrow('processors run');
      expect(asked.at(-1)).toEqual(['b_copy', 'c']);
      expect(await (await admin.query({ query: `EXISTS TABLE ${db}.c`, format: 'TabSeparated' })).text()).toBe('0\n');
      // Made for one server: a cluster's migrate refuses it before any ON CLUSTER statement.
      await expect(migrate(admin, db, dir, { cluster: 'runlens' })).rejects.toThrow(`database ${db} was made for one server (schema_migrations is a MergeTree); a cluster needs a database of its own`);
    } finally {
      await dropDatabase(admin, db);
      rmSync(dir, { recursive: true });
    }
  });

  it('moves metric_chunks and the run tables to 256-row granules (0036–0055) with every row they held', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlens-migrations-'));
    const db = `${ns.config.clickhouseDatabase}_granules`;
    const ch = createClickHouse({ ...ns.config, clickhouseDatabase: db });
    const source = join(import.meta.dirname, '../../storage/migrations');
    try {
      for (const f of readdirSync(source)) if (f < '0036') cpSync(join(source, f), join(dir, f));
      await migrate(admin, db, dir);
      const rows = emptyTableRows();
      for (let run = 0; run < 3; run++) {
        const steps = Array.from({ length: 500 }, (_, i) => i);
        chunkRows({ project: 'p', runId: `r${run}`, workerRank: null, keys: ['loss', 'acc'], segments: [], keyIndex: steps.map((i) => i % 2), segmentIndex: steps.map(() => -1), steps, values: steps.map((i) => i / 7 + run), wallTimes: steps.map((i) => 1_790_000_000_000 + i) }, { partition: 0, offset: run }, rows);
        const runId = `r${run}`;
        rows.runs.push(runRow({ project: 'p', runId, experiment: 'e', sweepId: null, name: runId, user: 'u', startedAt: 1_790_000_000_000 + run, params: { lr: run / 10 }, tags: { team: 'a' }, lineage: { gitCommit: null, gitDirty: false, dataVersion: null, environment: { language: 'python', languageVersion: '3.11', libraries: {}, hardware: null }, seed: run, host: null, parentRunId: null } }, { partition: 0, offset: 10 + run }));
        rows.run_finishes.push(finishRow({ project: 'p', runId, status: 'finished', endedAt: 1_790_000_001_000, durationMs: 1000, summary: { acc: run } }, { partition: 0, offset: 20 + run }));
        rows.run_param_updates.push(paramUpdateRow({ project: 'p', runId, loggedAt: 1_790_000_000_500, step: null, params: { epochs: run } }, { partition: 0, offset: 30 + run }));
        rows.run_tag_updates.push(tagUpdateRow({ project: 'p', runId, setAt: 1_790_000_000_600, tags: { stage: 'b' } }, { partition: 0, offset: 40 + run }));
      }
      await insertRows(ch, rows);
      const content = async () => ({
        chunks: await (await ch.query({ query: 'SELECT run_id, key, point_steps, point_values, lod_sum, ingested_at FROM metric_chunks FINAL ORDER BY run_id, key', format: 'JSONEachRow' })).json(),
        runs: await (await ch.query({ query: 'SELECT * FROM runs FINAL ORDER BY run_id', format: 'JSONEachRow' })).json(),
        finishes: await (await ch.query({ query: 'SELECT * FROM run_finishes FINAL ORDER BY run_id', format: 'JSONEachRow' })).json(),
        params: await (await ch.query({ query: 'SELECT * FROM run_param_updates FINAL ORDER BY run_id', format: 'JSONEachRow' })).json(),
        tags: await (await ch.query({ query: 'SELECT * FROM run_tag_updates FINAL ORDER BY run_id', format: 'JSONEachRow' })).json(),
      });
      const before = await content();
      expect(Object.values(before).map((r) => r.length)).toEqual([6, 3, 3, 3, 3]);
      const r = await migrate(admin, db);
      expect(r.applied.slice(0, 4)).toEqual(['0036_metric_chunks_fine_granules', '0037_metric_chunks_fine_copy', '0038_metric_chunks_fine_swap', '0039_metric_chunks_0004_drop']);
      expect(await content()).toEqual(before);
      for (const table of ['metric_chunks', 'runs', 'run_finishes', 'run_param_updates', 'run_tag_updates']) {
        const ddl = await (await ch.query({ query: `SHOW CREATE TABLE ${table}`, format: 'TabSeparatedRaw' })).text();
        expect(ddl, table).toMatch(/index_granularity = 256/);
      }
      const tables = await (await ch.query({ query: `SELECT name FROM system.tables WHERE database = '${db}' AND (endsWith(name, '_fine') OR match(name, '_[0-9]{4}$')) ORDER BY name`, format: 'JSONEachRow' })).json<{ name: string }>();
      expect(tables.map((t) => t.name)).toEqual([]);
    } finally {
      await ch.close();
      await dropDatabase(admin, db);
      rmSync(dir, { recursive: true });
    }
  });
});
