// Per-project BI users (runlens bi-user, storage/bi-users.ts) on the ClickHouse 18.16 that
// deploy/local/stack.sh runs, queried over HTTP as a BI tool does: each reads its project's rows
// of every bi_v1 view and nothing else — no raw table, no token, no other project, no table
// function — sends the settings connectors send within the profile, cannot lift a limit, and is
// gone once revoked. Users are files in the stack's users.d, which services from elsewhere
// (RUNLENS_* variables, testcontainers) do not have: there this file checks nothing and says so.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig, type Config } from '../../common/config.ts';
import type { RunlensClient } from '../../ingest/sdk/client.ts';
import type { Processor } from '../../processors/processor.ts';
import { rm, writeFile } from 'node:fs/promises';
import { BiCommandError, canSignIn, createBiUser, revokeBiUser, usersDirOf, usersFile, type CreatedBiUser } from '../../cli/bi-user.ts';
import { createWideParams } from '../../cli/bi-wide-params.ts';
import { BI_VIEWS } from '../../storage/bi-users.ts';
import type { App } from '../../query-api/deps.ts';
import { rows } from '../../storage/read.ts';
import { join } from 'node:path';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { ensureVirtualenv, MINUTE, REPO, runReportingScript } from '../helpers/python.ts';
import { buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { listTokens } from '../../storage/api-tokens.ts';

const services = inject('services');
const local = services.source === 'local-stack';
const T0 = Date.UTC(2026, 0, 1);
let ns: Namespace;
let processor: Processor;
let sdk: RunlensClient;
let config: Config;
let app: App;
let apiUrl: string;
const users: Record<'alpha' | 'beta', CreatedBiUser | undefined> = { alpha: undefined, beta: undefined };
/** Superset's ClickHouse drivers, from PyPI: its SQLAlchemy dialect for ClickHouse, and its default driver. */
const CONNECTORS = ['clickhouse-sqlalchemy==0.3.2', 'SQLAlchemy==2.0.58', 'clickhouse-connect==1.12.0'];
let connectorsPython: string;
interface ConnectorReport {
  native: { tables: string[]; run_columns: string[]; chart: [string, number][]; projects: string[] };
  http: ConnectorReport['native'];
  clickhouse_connect: { ok: boolean; error?: string };
}

async function ingest(project: string, runIds: string[]) {
  const env = { language: 'python', languageVersion: '3.11', libraries: { torch: '2.5.1' } };
  for (const [i, runId] of runIds.entries()) {
    const run = await sdk.startRun({ project, experiment: 'e', sweepId: 'sw', runId, startedAt: T0, params: { lr: 0.1 * (i + 1), opt: 'adam' }, tags: { team: project }, lineage: { gitCommit: `c-${project}`, seed: i, environment: env } });
    run.log({ loss: 0.5 / (i + 1) }, 1, { wallTime: T0 + 1000 });
    run.log({ loss: 0.25 / (i + 1) }, 2, { wallTime: T0 + 2000 });
    await run.logArtifact({ name: 'model', kind: 'checkpoint', uri: `s3://${project}/${runId}`, digest: `sha256:${runId}`, sizeBytes: 10, step: 2 });
    await run.finish({ status: 'finished', endedAt: T0 + 5000 });
  }
}

beforeAll(async () => {
  if (!local) {
    console.warn(`[bi-users] not checked: services come from ${services.source}, whose ClickHouse has none of the local stack's users files`);
    return;
  }
  ns = await freshNamespace('biusers');
  config = { ...ns.config, clickhouseUsersDir: usersDirOf(loadConfig(process.env)) };
  processor = await startProcessor(ns);
  sdk = await connectSdk(ns);
  await ingest('alpha', ['a-1', 'a-2']);
  await ingest('beta', ['b-1']);
  await sdk.flush();
  await eventually(async () => ((await count(ns, 'SELECT count() AS n FROM runs')) === 3 && (await count(ns, 'SELECT count() AS n FROM run_finishes')) === 3 && (await count(ns, 'SELECT count() AS n FROM artifacts')) === 3 && (await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks')) === 6 ? true : undefined), 60_000, 'stored');
  const tag = ns.config.clickhouseDatabase.slice(-8);
  connectorsPython = (await ensureVirtualenv('bi-connectors', CONNECTORS)).python;
  // The API the users' tables read from (GET /v1/bi/<view>).
  app = await buildTestApp(ns);
  apiUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  users.alpha = await createBiUser(config, { project: 'alpha', name: `bi_alpha_${tag}`, apiUrl });
  users.beta = await createBiUser(config, { project: 'beta', name: `bi_beta_${tag}`, apiUrl });
}, 10 * MINUTE);

afterAll(async () => {
  for (const u of Object.values(users)) if (u) await revokeBiUser(config, u.name).catch(() => undefined);
  await sdk?.close();
  await app?.close();
  await processor?.stop();
  await ns?.drop();
});

/** A query over HTTP as the BI user, settings in the URL as connectors send them. */
async function asUser(u: CreatedBiUser, sql: string, settings: Record<string, string> = {}): Promise<{ ok: boolean; text: string }> {
  const url = new URL(services.clickhouseUrl);
  url.searchParams.set('database', u.database);
  for (const [k, v] of Object.entries(settings)) url.searchParams.set(k, v);
  const r = await fetch(url, { method: 'POST', body: sql, headers: { authorization: `Basic ${Buffer.from(`${u.name}:${u.password}`).toString('base64')}` } });
  return { ok: r.ok, text: await r.text() };
}
const lines = (text: string) => text.trim().split('\n').filter(Boolean).sort();

describe.runIf(local)('per-project BI users on ClickHouse 18.16', () => {
  it("reads its project's rows of every bi_v1 view, exactly as the view holds them", async () => {
    for (const [project, u] of [['alpha', users.alpha!], ['beta', users.beta!]] as const) {
      for (const view of BI_VIEWS) {
        const seen = await asUser(u, `SELECT * FROM ${view} FORMAT JSONEachRow`);
        expect(seen.ok, `${u.name} ${view}: ${seen.text}`).toBe(true);
        const expected = await (await ns.clickhouse.query({ query: `SELECT * FROM ${view} WHERE project = '${project}'`, format: 'JSONEachRow' })).text();
        expect(lines(seen.text), `${u.name} ${view}`).toEqual(lines(expected));
        expect(lines(seen.text).length, `${u.name} ${view} has rows`).toBeGreaterThan(0);
        expect(lines(seen.text).every((l) => JSON.parse(l).project === project)).toBe(true);
      }
    }
    const runs = await asUser(users.alpha!, 'SELECT run_id FROM bi_v1_runs ORDER BY run_id FORMAT TSV');
    expect(runs.text).toBe('a-1\na-2\n');
  });

  it("sees no raw table, token, other database or other user's tables, not even through a subquery or an error", async () => {
    const db = ns.config.clickhouseDatabase;
    const alpha = users.alpha!;
    for (const sql of [
      `SELECT count() FROM ${db}.runs`, `SELECT count() FROM ${db}.api_tokens`, `SELECT count() FROM ${db}.bi_v1_runs`, `SELECT count() FROM ${users.beta!.database}.bi_v1_runs`,
      // A subquery runs where the user's query runs, as the user: refused (through a Distributed
      // table it would run remotely with the remote user's rights, and its values leak in errors).
      `SELECT count() FROM bi_v1_runs WHERE 1 IN (SELECT toUInt8(token_id) FROM ${db}.api_tokens)`,
      `SELECT count() FROM bi_v1_runs WHERE run_id IN (SELECT run_id FROM ${db}.runs WHERE project = 'beta')`,
      `SELECT count() FROM bi_v1_runs WHERE run_id IN (SELECT run_id FROM ${users.beta!.database}.bi_v1_runs)`,
    ]) {
      const r = await asUser(alpha, sql);
      expect(r.ok, sql).toBe(false);
      expect(r.text, sql).toMatch(/^Code: 291, e\.displayText\(\) = DB::Exception: Access denied to database/);
      expect(r.text, sql).not.toContain('b-1'); // no row of another project, in any message
      expect(r.text, sql).not.toMatch(/runlens_[0-9a-f]{16}_/); // nor any token
    }
    const remote = await asUser(alpha, `SELECT count() FROM remote('127.0.0.1:9000', ${db}.runs)`);
    expect(remote.text).toMatch(/Code: 164.*Table functions are forbidden in readonly mode/);
    expect(lines((await asUser(alpha, 'SELECT name FROM system.databases FORMAT TSV')).text)).toEqual([alpha.database, 'system'].sort());
    // Its queries are not logged: a failed read of its tables names their URL (its token) in the
    // error, and system.query_log is readable by every user of 18.16.
    expect((await asUser(alpha, "SELECT value FROM system.settings WHERE name = 'log_queries'")).text).toBe('0\n');
    expect((await asUser(alpha, `SELECT count() FROM system.tables WHERE database IN ('${db}', '${users.beta!.database}')`)).text).toBe('0\n');
    for (const sql of [`INSERT INTO bi_v1_runs (project) VALUES ('alpha')`, 'DROP TABLE bi_v1_runs', 'CREATE TABLE x (a UInt8) ENGINE = Memory']) {
      expect((await asUser(alpha, sql)).text, sql).toMatch(/Code: 164.*readonly/);
    }
    // The API feed its tables read: a `bi` token's project only, known views only.
    const feed = async (path: string, token: string) => (await fetch(`${apiUrl}${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`));
    const betaFeed = await createTestToken(ns, 'beta', ['bi']);
    expect((await (await feed('/v1/bi/bi_v1_runs', betaFeed)).text()).split('\n').filter(Boolean).map((l) => l.split('\t')[1])).toEqual(['b-1']);
    expect((await feed('/v1/bi/runs', betaFeed)).status).toBe(404);
    expect((await feed('/v1/bi/bi_v1_params_wide__nothing', betaFeed)).status).toBe(404);
    expect((await feed('/v1/bi/bi_v1_runs', 'rl_not_a_token')).status).toBe(401);
    expect((await feed('/v1/bi/bi_v1_runs', await createTestToken(ns, 'beta', ['read']))).status).toBe(403);
    expect((await feed('/v1/runs', betaFeed)).status).toBe(401); // ?token= is taken by the feed only
  });

  it('sees its own feed token in its tables, which opens nothing but its project\'s feed', async () => {
    const alpha = users.alpha!;
    const shown = (await asUser(alpha, 'SHOW CREATE TABLE bi_v1_runs')).text;
    const token = decodeURIComponent(/token=([^'\\&]+)/.exec(shown)![1]!);
    expect(token).toMatch(/^runlens_/);
    const bearer = { authorization: `Bearer ${token}` };
    for (const path of ['/v1/runs', '/v1/runs/a-1', '/v1/fields']) expect((await fetch(`${apiUrl}${path}`, { headers: bearer })).status, path).toBe(403);
    expect((await fetch(`${apiUrl}/v1/export/points`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ metrics: ['loss'] }) })).status).toBe(403);
    const own = await fetch(`${apiUrl}/v1/bi/bi_v1_runs`, { headers: bearer });
    expect((await own.text()).split('\n').filter(Boolean).map((l) => l.split('\t')[1]).sort()).toEqual(['a-1', 'a-2']);
  });

  it("takes the settings connectors send at the profile's values, refuses lifting a limit, and fails a query past one naming it", async () => {
    const alpha = users.alpha!;
    // Grafana's plugin with its query timeout set to 30 s, Metabase's overflow mode, the Altinity plugin's number format.
    for (const settings of [{ max_execution_time: '30' }, { result_overflow_mode: 'throw' }, { output_format_json_quote_64bit_integers: '0' }] as Record<string, string>[]) {
      const r = await asUser(alpha, 'SELECT count() FROM bi_v1_runs', settings);
      expect(r, JSON.stringify(settings)).toEqual({ ok: true, text: '2\n' });
    }
    for (const [setting, value] of [['max_result_rows', '0'], ['max_execution_time', '600'], ['readonly', '0'], ['max_rows_to_read', '0']]) {
      const r = await asUser(alpha, 'SELECT count() FROM bi_v1_runs', { [setting!]: value! });
      expect(r.ok).toBe(false);
      expect(r.text).toMatch(new RegExp(`Code: 164.*Cannot override setting \\(${setting}\\) in readonly mode`));
    }
    const tooMany = await asUser(alpha, 'SELECT number FROM system.numbers LIMIT 3000000');
    expect(tooMany.text).toMatch(/Code: 396.*Limit for result exceeded, max rows: 1\.00 million/);
  });

  it("gets a sweep's wide params view: made for its project's users, remade with new params, given to users made later", async () => {
    const tag = ns.config.clickhouseDatabase.slice(-8);
    const name = `sw_${tag}`;
    const view = `bi_v1_params_wide__${name}`;
    const made = await createWideParams(config, { project: 'alpha', sweep: 'sw', name });
    expect(made).toEqual({ view, params: ['lr', 'opt'], users: [users.alpha!.name] });
    const wide = [{ run_id: 'a-1', sweep_id: 'sw', lr: 0.1, opt: 'adam' }, { run_id: 'a-2', sweep_id: 'sw', lr: 0.2, opt: 'adam' }];
    expect(await rows(ns.clickhouse, `SELECT run_id, sweep_id, lr, opt FROM ${view} ORDER BY run_id`)).toEqual(wide);
    expect((await asUser(users.alpha!, `SELECT run_id, sweep_id, lr, opt FROM ${view} ORDER BY run_id FORMAT JSONEachRow`)).text).toBe(wide.map((r) => JSON.stringify(r)).join('\n') + '\n');
    expect((await asUser(users.beta!, `SELECT count() FROM ${view}`)).text).toMatch(/Code: 60.*doesn't exist/);
    // A param logged since: remade, a column more, NULL for the run without it.
    await sdk.emit('ParamsLogged', { project: 'alpha', runId: 'a-1', params: { warmup: 5 }, loggedAt: T0 + 6000, step: null });
    await sdk.flush();
    await eventually(async () => ((await count(ns, "SELECT count() AS n FROM bi_v1_params WHERE project = 'alpha' AND param = 'warmup'")) === 1 ? true : undefined), 30_000, 'warmup stored');
    expect((await createWideParams(config, { project: 'alpha', sweep: 'sw', name })).params).toEqual(['lr', 'opt', 'warmup']);
    expect((await asUser(users.alpha!, `SELECT run_id, warmup FROM ${view} ORDER BY run_id FORMAT JSONEachRow`)).text).toBe('{"run_id":"a-1","warmup":5}\n{"run_id":"a-2","warmup":null}\n');
    // A user of the project made afterwards reads it too.
    const later = await createBiUser(config, { project: 'alpha', name: `bi_alpha_later_${tag}`, apiUrl });
    try {
      expect((await asUser(later, `SELECT count() FROM ${view}`)).text).toBe('2\n');
    } finally {
      await revokeBiUser(config, later.name);
    }
    await expect(createWideParams(config, { project: 'alpha', sweep: 'no-such-sweep' })).rejects.toThrow('sweep no-such-sweep of project alpha has no runs with params (is the sweep id right?)');
  });

  it("serves Superset's clickhouse-sqlalchemy (native and HTTP): tables, columns, a chart query; clickhouse-connect cannot connect to 18.16", async () => {
    const chUrl = new URL(services.clickhouseUrl);
    const native = loadConfig(process.env).local.clickhouseTcpPort; // the local stack's native port
    const alpha = users.alpha!;
    const report = await runReportingScript<ConnectorReport>(connectorsPython, join(REPO, 'test', 'integration', 'python', 'bi_connectors.py'), [chUrl.hostname, chUrl.port || '8123', String(native), alpha.name, alpha.password], 2 * MINUTE, {});
    for (const dialect of ['native', 'http'] as const) {
      const seen = report[dialect];
      expect(seen.tables, dialect).toEqual(expect.arrayContaining([...BI_VIEWS].sort()));
      expect(seen.run_columns.slice(0, 3), dialect).toEqual(['project', 'run_id', 'name']);
      expect(seen.chart, dialect).toEqual([['finished', 2]]);
      expect(seen.projects, dialect).toEqual(['alpha']);
    }
    expect(report.clickhouse_connect).toEqual({ ok: false, error: expect.stringContaining('Unknown identifier: readonly') });
  });

  it('refuses a second user of the same name, and is gone once revoked', async () => {
    await expect(createBiUser(config, { project: 'alpha', name: users.alpha!.name, apiUrl })).rejects.toThrow(BiCommandError);
    await expect(createBiUser(config, { project: 'alpha', name: users.alpha!.name, apiUrl })).rejects.toThrow(/exists already/);
    await expect(createBiUser(config, { project: 'alpha', name: `bi_net_${ns.config.clickhouseDatabase.slice(-8)}`, networks: ['not-an-ip'], apiUrl })).rejects.toThrow('network "not-an-ip" is not an IPv4 or IPv6 address or subnet');
    // A users file of that name appears while create runs: it undoes what it made, its token too.
    const raced = `bi_race_${ns.config.clickhouseDatabase.slice(-8)}`;
    await writeFile(usersFile(config, raced), '<?xml version="1.0"?>\n<yandex/>\n');
    try {
      await expect(createBiUser(config, { project: 'alpha', name: raced, apiUrl })).rejects.toThrow(`BI user ${raced} exists already; revoke it first`);
      expect(await rows(ns.clickhouse, `SELECT name FROM system.databases WHERE name = '${raced}'`)).toEqual([]);
      expect((await listTokens(ns.clickhouse, { project: 'alpha' })).filter((t) => t.name === `bi-user ${raced}`).map((t) => t.revokedAtMs !== null)).toEqual([true]);
    } finally {
      await rm(usersFile(config, raced), { force: true });
    }
    const beta = users.beta!;
    expect(await canSignIn(config, beta.name, beta.password)).toBe(true);
    expect(await revokeBiUser(config, beta.name)).toEqual({ project: 'beta' });
    users.beta = undefined;
    expect(await canSignIn(config, beta.name, beta.password)).toBe(false);
    expect((await listTokens(ns.clickhouse, { project: 'beta' })).filter((t) => t.name === `bi-user ${beta.name}`).map((t) => t.revokedAtMs !== null)).toEqual([true]);
    expect(await rows(ns.clickhouse, `SELECT name FROM system.databases WHERE name = '${beta.database}'`)).toEqual([]);
    await expect(revokeBiUser(config, beta.name)).rejects.toThrow(`no BI user ${beta.name}`);
    // The other project's user is untouched.
    expect((await asUser(users.alpha!, 'SELECT count() FROM bi_v1_runs')).text).toBe('2\n');
  });
});
