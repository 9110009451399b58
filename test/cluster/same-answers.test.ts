// Clustered runlens answers as one server does. The statements of the compat suite
// (test/compat/generate-sql.ts: every migration, the processor's inserts of realistic events and
// a replayed Kafka range, every query template and filter of storage/ with the runs each must
// return) run on the replicated, sharded ClickHouse of deploy/local/cluster.sh: the migrations
// as storage/cluster.ts makes them (DDL ON CLUSTER), the inserts through the Distributed tables,
// and every query on a server of each shard, from two different replicas, with the product's
// cluster settings. Each answer must be the one a single server gives (the expectations are
// the same ones the compat suite checks on current ClickHouse and the integration tests on 18.16).
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CLUSTER_SETTINGS, createClickHouse, type ClickHouseClient } from '../../common/clickhouse.ts';
import { loadConfig } from '../../common/config.ts';
import { generate, type Expectation, type Statement } from '../compat/generate-sql.ts';
import { syncReplicas } from './local-cluster.ts';

const cluster = inject('cluster');
const database = `runlens_cluster_${randomBytes(4).toString('hex')}`;
const client = (url: string) =>
  createClickHouse(loadConfig({ ...process.env, RUNLENS_CLICKHOUSE_URL: url, RUNLENS_CLICKHOUSE_CLUSTER: cluster.name }), { database: 'default', requestTimeoutMs: 300_000 });
const clients = cluster.servers.map(client);
/** A client bound to the test's database, as the API's is. */
const reader = (url: string) => createClickHouse(loadConfig({ ...process.env, RUNLENS_CLICKHOUSE_URL: url, RUNLENS_CLICKHOUSE_CLUSTER: cluster.name, RUNLENS_CLICKHOUSE_DATABASE: database }));

afterAll(async () => {
  await clients[0]?.command({ query: `DROP DATABASE IF EXISTS ${database} ON CLUSTER ${cluster.name}` });
  await Promise.all(clients.map((c) => c.close()));
});

/** Whether a value equals the expected one as check_chdb.py decides: numbers within 1e-9, else as text. */
function same(actual: unknown, expected: unknown): boolean {
  const a = Number(actual);
  const e = Number(expected);
  if (typeof expected !== 'object' && actual !== '' && expected !== '' && Number.isFinite(a) && Number.isFinite(e)) return Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e));
  return JSON.stringify(actual) === JSON.stringify(expected) || String(actual) === String(expected);
}

function problems(expectation: Expectation, rows: Record<string, unknown>[]): string[] {
  const out: string[] = [];
  if (expectation.rows !== undefined && rows.length !== expectation.rows) out.push(`expected ${expectation.rows} rows, got ${rows.length}`);
  if (expectation.column) {
    const { name, values } = expectation.column;
    const got = rows.map((r) => r[name]);
    if (got.length !== values.length || got.some((g, i) => !same(g, values[i]))) out.push(`column ${name}: expected ${JSON.stringify(values)}, got ${JSON.stringify(got)}`);
  }
  if (expectation.columnSet) {
    const { name, values } = expectation.columnSet;
    const norm = (v: unknown) => JSON.stringify(Array.isArray(v) ? v.map(Number) : typeof v === 'number' ? v : String(v));
    const got = rows.map((r) => norm(r[name])).sort();
    const want = values.map((v) => norm(typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? v : v)).sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`column ${name}: expected ${JSON.stringify(values)} (any order), got ${JSON.stringify(rows.map((r) => r[name]))}`);
  }
  return out;
}

/**
 * Statements for current ClickHouse only: BI users there are SQL users with definer-rights views
 * (EXPLAIN AST and SQL SECURITY DEFINER do not exist in 18.16, where BI users are users.d files;
 * test/integration/bi-users.test.ts covers those on one server).
 */
const CURRENT_CLICKHOUSE_ONLY = /^(sqlBiUser |BI user of |a BI user's |wideParamsForUserSql|sqlBiUsersOfProjectSql|sqlIsBiUserSql)/;

/**
 * Where a cluster's raw rows differ, and why. A Replicated table drops an INSERT whose block it
 * already stored (insert deduplication, per shard): the fixture's replayed Kafka range re-sends
 * registry_events' rows as the same block, so they are stored once. registry_events is read
 * without FINAL (its reader skips an event id it has seen), so the raw log holds 3 rows instead
 * of 6 — the registry's answers are the same. Every other replayed table is read with FINAL or
 * collapses by its sort key, where one copy or two make no difference.
 */
const ON_A_CLUSTER: Record<string, Expectation> = {
  registryChangesSql: { rows: 3 },
  registryEventSeenSql: { column: { name: 'n', values: [1] } },
};

describe(`the same answers on a cluster of ${cluster.servers.length} servers (${cluster.servers.length / cluster.replicas} shards × ${cluster.replicas} replicas)`, () => {
  let statements: Statement[];

  it('applies every migration ON CLUSTER and the inserts through the Distributed tables', async () => {
    statements = (await generate(database, cluster.name)).statements;
    const [first] = clients;
    for (const st of statements.filter((s) => s.kind !== 'query' && !CURRENT_CLICKHOUSE_ONLY.test(s.id))) {
      if (st.body !== undefined) {
        const head = st.sql.replace(/ FORMAT RowBinary$/, '');
        const result = await first!.exec({ query: `${head} FORMAT RowBinary`, values: Readable.from([Buffer.from(st.body, 'base64')]), clickhouse_settings: CLUSTER_SETTINGS });
        for await (const _ of result.stream) void _;
      } else {
        await first!.command({ query: st.sql, clickhouse_settings: CLUSTER_SETTINGS });
      }
    }
    // Every server has every table: the per-run ones as local Replicated and Distributed tables.
    for (const c of clients) {
      const tables = await (await c.query({ query: `SELECT name, engine FROM system.tables WHERE database = '${database}'`, format: 'JSONEachRow' })).json<{ name: string; engine: string }>();
      const engines = new Map(tables.map((t) => [t.name, t.engine]));
      expect(engines.get('runs')).toBe('Distributed');
      expect(engines.get('runs_local')).toBe('ReplicatedReplacingMergeTree');
      expect(engines.get('metric_chunks_local')).toBe('ReplicatedReplacingMergeTree');
      expect(engines.get('online_unit_sums')).toBe('Distributed');
      expect(engines.get('online_outcome_sums')).toBe('ReplicatedReplacingMergeTree');
      expect(engines.get('api_tokens')).toBe('ReplicatedReplacingMergeTree');
      expect(engines.get('bi_v1_runs')).toBe('View');
      expect([...engines.keys()].filter((t) => /_fine|_\d{4}$/.test(t))).toEqual([]);
    }
    // Reads must not depend on which replica answers: wait until every replica has every insert.
    await syncReplicas(clients, database);
    // A run's rows on one shard: each run on exactly one (the fixture's four runs may all hash to one).
    const perShard = await Promise.all(
      [0, cluster.replicas].map(async (i) => (await (await clients[i]!.query({ query: `SELECT run_id FROM ${database}.runs_local FINAL`, format: 'JSONEachRow' })).json<{ run_id: string }>()).map((r) => r.run_id)),
    );
    expect([...perShard[0]!, ...perShard[1]!].sort()).toEqual(['r-a', 'r-b', 'r-c', 'r-gone']);
    // An online experiment's units on one shard each: the fixture's two units of each experiment fall on both shards.
    const unitsPerShard = await Promise.all(
      [0, cluster.replicas].map(async (i) => (await (await clients[i]!.query({ query: `SELECT DISTINCT concat(experiment_id, '/', unit_id) AS u FROM ${database}.online_unit_sums_local`, format: 'JSONEachRow' })).json<{ u: string }>()).map((r) => r.u)),
    );
    expect(unitsPerShard.every((units) => units.length > 0)).toBe(true);
    expect([...unitsPerShard[0]!, ...unitsPerShard[1]!].sort()).toEqual(['ab-1/u1', 'ab-1/u2', 'ab-2/u1', 'ab-2/u2']);
  });

  it('answers every query template and filter as one server does, from a replica of each shard', async () => {
    const queries = statements.filter((s) => s.kind === 'query' && !CURRENT_CLICKHOUSE_ONLY.test(s.id));
    expect(queries.length).toBeGreaterThan(200);
    // Server 1 (shard 1, replica 1) and the last server (the last shard's last replica), each
    // bound to the database as the API's client is.
    const askers = [cluster.servers[0]!, cluster.servers[cluster.servers.length - 1]!].map((url) => ({ url, c: reader(url) }));
    const failures: string[] = [];
    try {
      for (const st of queries) {
        for (const { url, c } of askers) {
          try {
            const rows = await (await c.query({ query: st.sql.replace(/;\s*$/, ''), format: 'JSONEachRow' })).json<Record<string, unknown>>();
            const wrong = problems(ON_A_CLUSTER[st.id] ?? st.expect ?? {}, rows);
            if (wrong.length > 0) failures.push(`${st.id} on ${url}: ${wrong.join('; ')}`);
          } catch (err) {
            failures.push(`${st.id} on ${url}: ${(err as Error).message.slice(0, 300)}`);
          }
        }
      }
    } finally {
      await Promise.all(askers.map(({ c }) => c.close()));
    }
    expect(failures).toEqual([]);
    // The exceptions above are still asked, and still differ from one server's answer.
    for (const id of Object.keys(ON_A_CLUSTER)) expect(queries.some((q) => q.id === id && JSON.stringify(q.expect) !== JSON.stringify(ON_A_CLUSTER[id])), id).toBe(true);
  });
});
