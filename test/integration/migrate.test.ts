// Migrations against the real ClickHouse: from zero, re-run as a no-op, edits refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, appendFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse, type ClickHouseClient } from '../../common/clickhouse.ts';
import { loadMigrations, migrate } from '../../storage/migrate.ts';
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
});
