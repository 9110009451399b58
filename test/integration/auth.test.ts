// Authentication and tenant isolation on the real Kafka and ClickHouse: the auth matrix over
// every protected route, canary runs of project "bravo" that nothing an "alpha" token can reach
// ever shows (crafted inputs included), the ingest gateway round trip, token revocation and
// the `runlens token` CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Admin } from 'kafkajs';
import { topicsFor } from '../../common/config.ts';
import { createKafka } from '../../common/kafka.ts';
import { quoteString } from '../../storage/sql-quote.ts';
import { revokeToken } from '../../storage/api-tokens.ts';
import { tokenIdOf } from '../../common/tokens/format.ts';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { isPublicOperation as isPublic } from '../../query-api/http/openapi.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import type { EventMap } from '../../schemas/events.ts';
import { REPO_ROOT } from '../../cli/stack.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';

const catalogue = loadCatalogue();
let ns: Namespace;
let processor: Processor;
let app: App;
let kadmin: Admin;

// Tokens of project "alpha" unless the name says otherwise.
const t = {} as Record<'read' | 'ingest' | 'registry' | 'all' | 'revoked' | 'bravoAll', string>;

// Markers that exist only in project bravo's data; no alpha response may contain any of them.
const CANARY = ['CANARY', 'b-only', '31337', 'sha256:bravo', 'bravo-exp', 'bravo-sweep'];

const env = { language: 'python', languageVersion: '3.12', libraries: {} };

beforeAll(async () => {
  ns = await freshNamespace('auth');
  processor = await startProcessor(ns);
  app = await buildTestApp(ns, { gateway: true });
  kadmin = createKafka(ns.config.kafkaBrokers, 'runlens-test-auth').admin();
  await kadmin.connect();
  t.read = await createTestToken(ns, 'alpha', ['read']);
  t.ingest = await createTestToken(ns, 'alpha', ['ingest']);
  t.registry = await createTestToken(ns, 'alpha', ['registry']);
  t.all = await createTestToken(ns, 'alpha', ['read', 'ingest', 'registry', 'admin']);
  t.revoked = await createTestToken(ns, 'alpha', ['read', 'ingest', 'registry', 'admin']);
  t.bravoAll = await createTestToken(ns, 'bravo', ['read', 'ingest', 'registry', 'admin']);
  await revokeToken(ns.clickhouse, tokenIdOf(t.revoked)!);

  const sdk = await connectSdk(ns);
  // alpha: two runs; bravo: a run of its own and one with the same id as an alpha run.
  const a1 = await sdk.startRun({ project: 'alpha', experiment: 'exp', sweepId: 'sw', runId: 'a-1', params: { lr: 0.1 }, tags: { team: 'a' }, lineage: { environment: env } });
  const shared = await sdk.startRun({ project: 'alpha', experiment: 'exp', sweepId: 'sw', runId: 'shared-id', params: { lr: 0.2 }, lineage: { environment: env } });
  const bOnly = await sdk.startRun({ project: 'bravo', experiment: 'bravo-exp', sweepId: 'bravo-sweep', runId: 'b-only', params: { lr: 0.3, secret: 'CANARY' }, tags: { team: 'CANARY' }, lineage: { environment: env } });
  const bShared = await sdk.startRun({ project: 'bravo', experiment: 'exp', sweepId: 'sw', runId: 'shared-id', params: { lr: 0.3, secret: 'CANARY' }, tags: { team: 'CANARY' }, lineage: { dataVersion: 'CANARY', environment: env } });
  for (let step = 1; step <= 5; step++) {
    a1.log({ loss: 1 / step }, step);
    shared.log({ loss: 2 / step }, step, { segment: 'split=val' });
    bOnly.log({ loss: 31337.25, 'CANARY/metric': 31337.25 }, step);
    bShared.log({ loss: 31337.25, 'CANARY/metric': -31337.25 }, step, { segment: 'split=val' });
  }
  await bOnly.logArtifact({ name: 'model.ckpt', uri: 's3://CANARY/b', digest: 'sha256:bravo', sizeBytes: 31337 });
  await bShared.logArtifact({ name: 'model.ckpt', uri: 's3://CANARY/b', digest: 'sha256:bravo', sizeBytes: 31337 });
  for (const r of [a1, shared, bOnly, bShared]) await r.finish();
  await sdk.close();
  await eventually(async () => ((await count(ns, 'SELECT count() AS n FROM run_finishes FINAL')) === 4 && (await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks FINAL')) === 30 ? true : undefined), 60_000, 'seed stored');
});

afterAll(async () => {
  await kadmin?.disconnect();
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

type Req = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; payload?: unknown; headers?: Record<string, string> };

const send = (r: Req) => app.inject({ method: r.method, url: r.url, payload: r.payload as never, headers: r.headers });

/** High watermarks of the events topic: they move only when something is produced. */
async function producedSoFar(): Promise<number> {
  const offsets = await kadmin.fetchTopicOffsets(topicsFor(ns.config).events);
  return offsets.reduce((s, o) => s + Number(o.high), 0);
}

const finished = (project: string, runId: string): EventMap['RunFinished'] => ({ project, runId, status: 'finished', endedAt: Date.now(), durationMs: null, summary: {} });

// Every protected route, with a request the right token of alpha gets through auth with: `ok`
// is its answer then (200 unless alpha's two runs are too few for the analysis — a 400 from the
// route itself still proves the request passed auth), `again` its answer when sent a second time
// (registry changes: the model exists by then, the alias is gone). Checked against the OpenAPI
// document below, so a new route cannot be left out. Registry routes run in this order.
const sel = { runIds: ['a-1', 'shared-id'] };
const routes: (Req & { scope: 'read' | 'ingest' | 'registry'; ok?: number; again?: number; token?: 'all' })[] = [
  { scope: 'read', method: 'GET', url: '/v1/runs' },
  { scope: 'read', method: 'GET', url: '/v1/runs?format=csv' },
  { scope: 'read', method: 'GET', url: '/v1/runs/a-1' },
  { scope: 'read', method: 'GET', url: '/v1/runs/a-1/metrics/loss' },
  { scope: 'read', method: 'POST', url: '/v1/compare', payload: { runIds: ['a-1', 'shared-id'] } },
  { scope: 'read', method: 'POST', url: '/v1/groups', payload: { selection: sel, by: ['lr'], metrics: ['loss.last'] } },
  { scope: 'read', method: 'POST', url: '/v1/curves', payload: { selection: sel, metrics: ['loss'] } },
  { scope: 'read', method: 'POST', url: '/v1/stats/test', payload: { test: 'welch-t', a: [1, 2, 3], b: [2, 3, 5] } },
  { scope: 'read', method: 'POST', url: '/v1/stats/compare', payload: { a: { runIds: ['a-1'] }, b: { runIds: ['shared-id'] }, metric: 'loss.last' }, ok: 400 },
  { scope: 'read', method: 'POST', url: '/v1/stats/leaderboard', payload: { selection: sel, groupBy: ['lr'], metric: 'loss.last', direction: 'minimize' } },
  { scope: 'read', method: 'POST', url: '/v1/sweeps/parallel', payload: { selection: sel } },
  { scope: 'read', method: 'POST', url: '/v1/sweeps/scatter', payload: { selection: sel, x: 'params.lr', y: 'metrics.loss.last' } },
  { scope: 'read', method: 'POST', url: '/v1/sweeps/contour', payload: { selection: sel, x: 'params.lr', y: 'metrics.loss.max', target: 'loss.last' } },
  { scope: 'read', method: 'POST', url: '/v1/sweeps/slice', payload: { selection: sel, param: 'params.lr', target: 'loss.last' } },
  { scope: 'read', method: 'POST', url: '/v1/sweeps/importance', payload: { selection: sel, target: 'loss.last' }, ok: 400 },
  { scope: 'read', method: 'POST', url: '/v1/sweeps/marginals', payload: { selection: sel, target: 'loss.last' } },
  { scope: 'read', method: 'POST', url: '/v1/sweeps/best-region', payload: { selection: sel, target: 'loss.last' } },
  { scope: 'read', method: 'GET', url: '/v1/fields' },
  { scope: 'ingest', method: 'POST', url: '/v1/ingest/events', payload: { type: 'RunFinished', event: finished('alpha', 'a-1') } },
  { scope: 'registry', method: 'POST', url: '/v1/models', payload: { name: 'm1' }, ok: 201, again: 409 },
  { scope: 'read', method: 'GET', url: '/v1/models' },
  { scope: 'read', method: 'GET', url: '/v1/models/m1' },
  { scope: 'registry', method: 'PATCH', url: '/v1/models/m1', payload: { description: 'd' } },
  { scope: 'registry', method: 'POST', url: '/v1/models/m1/rename', payload: { name: 'm1' } },
  { scope: 'registry', method: 'POST', url: '/v1/models/m1/versions', payload: { runId: 'a-1' }, ok: 201 },
  { scope: 'read', method: 'GET', url: '/v1/models/m1/versions' },
  { scope: 'read', method: 'GET', url: '/v1/models/m1/versions/1' },
  { scope: 'registry', method: 'PATCH', url: '/v1/models/m1/versions/1', payload: { description: 'd' } },
  { scope: 'registry', method: 'POST', url: '/v1/models/m1/versions/1/stage', payload: { stage: 'Staging' } },
  { scope: 'registry', method: 'PUT', url: '/v1/models/m1/aliases/champion', payload: { version: 1 } },
  { scope: 'read', method: 'GET', url: '/v1/models/m1/aliases/champion' },
  { scope: 'registry', method: 'POST', url: '/v1/online/experiments', payload: { id: 'ab', model: 'm1', control: 'a', variants: [{ name: 'a', alias: 'champion' }, { name: 'b', version: 1 }], metrics: [{ name: 'conversion', kind: 'binary', role: 'primary', better: 'higher' }] }, ok: 201, again: 200 },
  { scope: 'read', method: 'GET', url: '/v1/online/experiments' },
  { scope: 'read', method: 'GET', url: '/v1/online/experiments/ab' },
  { scope: 'read', method: 'POST', url: '/v1/online/analysis', payload: { experiment: 'ab' } },
  { scope: 'registry', method: 'DELETE', url: '/v1/models/m1/aliases/champion', again: 404 },
  { scope: 'read', method: 'GET', url: '/v1/models/m1/audit' },
  { scope: 'read', method: 'GET', url: '/v1/models/m1/versions/1/trail' },
  // Saving evidence runs the read it names with the same token: it needs read as well as registry.
  { scope: 'registry', token: 'all', method: 'POST', url: '/v1/evidence', payload: { route: '/v1/compare', request: { runIds: ['a-1', 'shared-id'] } }, ok: 201 },
  { scope: 'read', method: 'GET', url: '/v1/evidence/ev-0000000000000000', ok: 404 },
  { scope: 'read', method: 'GET', url: '/v1/runs/a-1/reproducibility' },
  // Alpha's runs logged no tables or samples: a 404 naming them still means auth let them through.
  { scope: 'read', method: 'POST', url: '/v1/artifacts/confusion', payload: { runIds: ['a-1'], name: 'confusion/val' }, ok: 404 },
  { scope: 'read', method: 'POST', url: '/v1/artifacts/curves', payload: { runIds: ['a-1'], name: 'pr/val' }, ok: 404 },
  { scope: 'read', method: 'POST', url: '/v1/artifacts/tables', payload: { runIds: ['a-1'], name: 'per-class' }, ok: 404 },
  { scope: 'read', method: 'POST', url: '/v1/artifacts/samples', payload: { runIds: ['a-1'], name: 'generations' }, ok: 404 },
  { scope: 'read', method: 'POST', url: '/v1/artifacts/checkpoints', payload: { runIds: ['a-1', 'shared-id'] } },
  { scope: 'read', method: 'POST', url: '/v1/artifacts/names', payload: { runIds: ['a-1'] } },
  { scope: 'read', method: 'POST', url: '/v1/export/points', payload: { selection: sel, metrics: ['loss'] } },
  { scope: 'read', method: 'GET', url: '/v1/runs/a-1/logs' },
  { scope: 'read', method: 'POST', url: '/v1/logs/diff', payload: { a: 'a-1', b: 'shared-id' } },
  { scope: 'read', method: 'POST', url: '/v1/reproducibility', payload: { selection: sel } },
  { scope: 'registry', method: 'DELETE', url: '/v1/models/m1/versions/2', again: 404 },
  { scope: 'registry', method: 'DELETE', url: '/v1/models/m1', again: 404 },
];
const rightToken = (scope: 'read' | 'ingest' | 'registry') => t[scope];
const wrongToken = (scope: 'read' | 'ingest' | 'registry') => (scope === 'read' ? t.ingest : t.read);
describe('auth matrix', () => {
  it('covers every protected route of the OpenAPI document', async () => {
    const doc = (await send({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).filter((m) => !isPublic(methods[m])).map((m) => ({ method: m.toUpperCase(), pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/?]+')}(\\?|$)`) })),
    );
    for (const d of documented) expect(routes.some((r) => r.method === d.method && d.pattern.test(r.url)), `${d.method} ${d.pattern}`).toBe(true);
    expect(documented.length).toBeGreaterThanOrEqual(47);
  });

  it('lets the right token through on every route (so the refusals below mean something)', async () => {
    for (const r of routes) {
      const res = await send({ ...r, headers: bearer(r.token ? t[r.token] : rightToken(r.scope)) });
      const ok = r.ok ?? (r.scope === 'ingest' ? 202 : 200);
      expect(res.statusCode, `${r.method} ${r.url}: ${res.body.slice(0, 200)}`).toBe(ok);
      expect((await send({ ...r, headers: bearer(t.all) })).statusCode, `${r.method} ${r.url}`).toBe(r.again ?? ok);
      for (const c of CANARY) expect(res.body, `${r.method} ${r.url}`).not.toContain(c);
    }
  });

  it('refuses every route without a token, with a malformed or revoked one, with the wrong scope, or for another project', async () => {
    const before = await producedSoFar();
    const forged = t.read.slice(0, -6) + (t.read.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
    for (const r of routes) {
      const label = `${r.method} ${r.url}`;
      const cases: [string, Record<string, string>, 401 | 403, Req?][] = [
        ['no token', {}, 401],
        ['empty bearer', { authorization: 'Bearer ' }, 401],
        ['not bearer', { authorization: `Basic ${Buffer.from(`alpha:${t.all}`).toString('base64')}` }, 401],
        ['bare token', { authorization: t.all }, 401],
        ['garbage token', { authorization: 'Bearer runlens_0123456789abcdef_nope' }, 401],
        ['injection as token', { authorization: "Bearer ' OR 1=1 --" }, 401],
        ['forged secret', { authorization: `Bearer ${forged}` }, 401],
        ['revoked token', bearer(t.revoked), 401],
        ['wrong scope', bearer(wrongToken(r.scope)), 403],
      ];
      // A bravo token asking for alpha's data (by naming it) or sending alpha's events.
      const foreign: Req =
        r.method === 'GET' || r.scope === 'registry'
          ? { ...r, url: `${r.url}${r.url.includes('?') ? '&' : '?'}project=alpha` }
          : r.scope === 'read' ? { ...r, payload: { ...(r.payload as object), project: 'alpha' } } : r;
      cases.push(['token of another project', bearer(t.bravoAll), 403, foreign]);
      for (const [what, headers, status, req] of cases) {
        const res = await send({ ...(req ?? r), headers });
        expect(res.statusCode, `${label}: ${what}`).toBe(status);
        expect(res.json().error, `${label}: ${what}`).toMatch(/\w/);
        for (const c of CANARY) expect(res.body, `${label}: ${what}`).not.toContain(c);
      }
    }
    expect(await producedSoFar()).toBe(before);
  });

  it('serves health, readiness and the OpenAPI document without a token', async () => {
    for (const url of ['/healthz', '/readyz', '/docs/json']) expect((await send({ method: 'GET', url })).statusCode, url).toBe(200);
  });
});

describe('tenant isolation', () => {
  const asAlpha = (r: Req) => send({ ...r, headers: bearer(t.read) });
  // Error messages may echo the request (a 404 names the run id asked for), so a marker that
  // the request itself contains proves nothing and is skipped.
  const clean = (body: string, what: string, input = '') => {
    for (const c of CANARY) if (!input.includes(c)) expect(body, what).not.toContain(c);
  };

  it("shows alpha's runs only, even where bravo uses the same run id", async () => {
    const list = await asAlpha({ method: 'GET', url: '/v1/runs?sort=metrics.loss.max:desc' });
    expect(list.json().runs.map((r: { id: string }) => r.id).sort()).toEqual(['a-1', 'shared-id']);
    clean(list.body, 'list');
    const shared = await asAlpha({ method: 'GET', url: '/v1/runs/shared-id' });
    expect(shared.json()).toMatchObject({ id: 'shared-id', params: { lr: 0.2 }, tags: {}, artifacts: [] });
    clean(shared.body, 'detail');
    const series = await asAlpha({ method: 'GET', url: '/v1/runs/shared-id/metrics/loss?segment=split%3Dval' });
    expect(series.json().points.map((p: { value: number }) => p.value)).toEqual([2, 1, 2 / 3, 0.5, 0.4]);
    clean(series.body, 'series');
    const cmp = await asAlpha({ method: 'POST', url: '/v1/compare', payload: { runIds: ['shared-id', 'a-1'] } });
    expect(cmp.statusCode).toBe(200);
    clean(cmp.body, 'compare');
    for (const r of [
      { method: 'GET', url: '/v1/runs/b-only' },
      { method: 'GET', url: '/v1/runs/b-only/metrics/loss' },
      { method: 'GET', url: '/v1/runs/shared-id/metrics/CANARY/metric?segment=split%3Dval' },
      { method: 'POST', url: '/v1/compare', payload: { runIds: ['b-only'] } },
      { method: 'POST', url: '/v1/compare', payload: { runIds: ['a-1', 'b-only'] } },
    ] as Req[]) {
      const res = await asAlpha(r);
      expect(res.statusCode, r.url).toBe(404);
    }
    for (const url of ['/v1/runs?experiment=bravo-exp', '/v1/runs?sweep=bravo-sweep']) {
      const res = await asAlpha({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.json().runs.every((r: { sortValue: unknown }) => r.sortValue === null), url).toBe(true);
      expect(res.json().runs.length, url).toBeLessThanOrEqual(2);
      clean(res.body, url);
    }
    // bravo's param and metric are unknown in alpha's catalogue: a 400 naming what was asked,
    // suggesting only alpha's own names.
    for (const [url, message] of [
      ['/v1/runs?sort=params.secret:desc', /^sort: no run in this project has params.secret$/],
      ['/v1/runs?sort=metrics.CANARY/metric.max:desc', /^sort: no run in this project has logged metrics.CANARY\/metric$/],
      [`/v1/runs?filter=${encodeURIComponent('metrics.CANARY/metric.max > 0')}`, /^no run in this project has logged metrics.CANARY\/metric \(at position 1/],
      ['/v1/runs?columns=params.secret', /^columns: no run in this project has params.secret$/],
    ] as const) {
      const res = await asAlpha({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error, url).toMatch(message);
      clean(res.body, url, decodeURIComponent(url));
    }
    // bravo's own token does see its canaries: the markers are real.
    const bravo = await send({ method: 'GET', url: '/v1/runs/b-only', headers: bearer(t.bravoAll) });
    expect(bravo.statusCode).toBe(200);
    expect(bravo.body).toContain('CANARY');
  });

  it('leaks nothing through crafted input in any string parameter', async () => {
    const nasty = [
      "'", '\\', "\\'", "' OR 1=1 --", "' OR '1'='1", "') OR ('1'='1", "b-only' OR project='bravo", "x' OR project = 'bravo' --",
      "\\' OR 1=1 --", "shared-id' OR 1=1 --", "'; DROP TABLE runs; --", '%', '_', '*', '\u0000', 'a\nb', '🎉', 'ü', 'ǅ', '\u202ebravo', 'b\u2010only', 'bravo', 'b-only',
    ];
    const e = encodeURIComponent;
    let requests = 0;
    for (const s of nasty) {
      const cursor = Buffer.from(JSON.stringify({ o: s })).toString('base64url');
      const reqs: Req[] = [
        { method: 'GET', url: `/v1/runs?experiment=${e(s)}` },
        { method: 'GET', url: `/v1/runs?sweep=${e(s)}` },
        { method: 'GET', url: `/v1/runs?sort=${e(`params.${s}`)}` },
        { method: 'GET', url: `/v1/runs?sort=${e(`metrics.${s}.max:desc`)}` },
        { method: 'GET', url: `/v1/runs?sort=${e(`metrics.loss[${s}].last`)}` },
        { method: 'GET', url: `/v1/runs?cursor=${e(s)}` },
        { method: 'GET', url: `/v1/runs?cursor=${cursor}` },
        { method: 'GET', url: `/v1/runs/${e(s)}` },
        { method: 'GET', url: `/v1/runs/${e(s)}/metrics/loss` },
        { method: 'GET', url: `/v1/runs/shared-id/metrics/${e(s)}` },
        { method: 'GET', url: `/v1/runs/shared-id/metrics/loss?segment=${e(s)}` },
        { method: 'POST', url: '/v1/compare', payload: { runIds: [s] } },
        { method: 'POST', url: '/v1/compare', payload: { runIds: ['a-1', 'shared-id'], metrics: [s, 'loss'] } },
        // The filter language: a crafted string inside a literal, as a key, and as raw filter text.
        { method: 'GET', url: `/v1/runs?filter=${e(`tags.team = '${s}' or params.lr > 0`)}` },
        { method: 'GET', url: `/v1/runs?filter=${e(`params.${s} = 1`)}` },
        { method: 'GET', url: `/v1/runs?filter=${e(s)}` },
        { method: 'POST', url: '/v1/groups', payload: { selection: { filter: `lineage.data_version = '${s}' or params.lr > 0` }, by: ['lr'], metrics: ['loss.last'] } },
        { method: 'POST', url: '/v1/curves', payload: { selection: { filter: `experiment = '${s}' or params.lr > 0` }, metrics: ['loss'] } },
        { method: 'POST', url: '/v1/sweeps/parallel', payload: { selection: { filter: `params.lr > 0 or tags.team like '${s}'` } } },
        { method: 'POST', url: '/v1/stats/leaderboard', payload: { selection: { filter: `${s}` }, groupBy: ['lr'], metric: 'loss.last', direction: 'minimize' } },
      ];
      for (const r of reqs) {
        const res = await asAlpha(r);
        requests++;
        const what = `${r.method} ${r.url} ${JSON.stringify(r.payload ?? '')}`;
        expect([200, 400, 404], what).toContain(res.statusCode);
        clean(res.body, what, s);
        if (res.statusCode === 200 && r.url.startsWith('/v1/runs?') && !r.url.includes('format=')) {
          for (const run of res.json().runs as { id: string }[]) expect(['a-1', 'shared-id'], what).toContain(run.id);
        }
      }
      // The project parameter itself: anything but the token's own project is a 403.
      for (const r of [
        { method: 'GET', url: `/v1/runs?project=${e(s)}` },
        { method: 'GET', url: `/v1/runs/shared-id?project=${e(s)}` },
        { method: 'GET', url: `/v1/runs/shared-id/metrics/loss?project=${e(s)}` },
        { method: 'POST', url: '/v1/compare', payload: { project: s, runIds: ['shared-id'] } },
      ] as Req[]) {
        const res = await asAlpha(r);
        expect(res.statusCode, `${r.url} ${JSON.stringify(r.payload ?? '')}`).toBe(403);
        clean(res.body, r.url, s);
      }
    }
    expect(requests).toBe(nasty.length * 20);
    // Still all there: no crafted input changed anything.
    expect(await count(ns, `SELECT count() AS n FROM runs FINAL WHERE project = ${quoteString('bravo')}`)).toBe(2);
  });
});

describe('ingest gateway', () => {
  const post = (payload: unknown, token = t.ingest, contentType = 'application/json') =>
    app.inject({ method: 'POST', url: '/v1/ingest/events', headers: { ...bearer(token), 'content-type': contentType }, payload: Buffer.isBuffer(payload) ? payload : JSON.stringify(payload) });
  const gwStarted = (project: string, runId: string) => ({
    type: 'RunStarted',
    event: { project, runId, experiment: 'gateway', name: `${runId} from curl`, user: 'julia', startedAt: 1_700_000_000_000, params: { lr: 0.5, opt: 'sgd' }, tags: { lang: 'julia' }, lineage: { gitCommit: 'abc', environment: { language: 'julia', languageVersion: '1.11', libraries: { Flux: '0.14' } } } },
  });

  it('accepts JSON and Avro bodies; the processor stores them and the API serves them', async () => {
    const json = await post([
      gwStarted('alpha', 'gw-1'),
      { type: 'MetricBatch', event: { project: 'alpha', runId: 'gw-1', workerRank: null, keys: ['loss', 'acc'], segments: ['split=val'], keyIndex: [0, 0, 0, 1], segmentIndex: [-1, -1, -1, 0], steps: [1, 2, 3, 3], values: [0.9, 0.5, 0.7, 0.8], wallTimes: [1, 2, 3, 3] } },
      { type: 'ArtifactLogged', event: { project: 'alpha', runId: 'gw-1', name: 'model.bson', kind: 'checkpoint', uri: 's3://x/gw-1', digest: 'sha256:gw', sizeBytes: 42, step: 3, loggedAt: 5, metadata: {} } },
    ]);
    expect(json.statusCode).toBe(202);
    expect(json.json()).toEqual({ accepted: 3, byType: { RunStarted: 1, MetricBatch: 1, ArtifactLogged: 1 }, points: 4 });
    const avro = await post(catalogue.encode('RunFinished', { ...finished('alpha', 'gw-1'), status: 'failed' }), t.ingest, 'application/avro');
    expect(avro.statusCode).toBe(202);
    expect(avro.json()).toEqual({ accepted: 1, byType: { RunFinished: 1 }, points: 0 });

    const run = await eventually(async () => {
      const r = await app.inject({ method: 'GET', url: '/v1/runs/gw-1', headers: bearer(t.read) });
      const body = r.json();
      return r.statusCode === 200 && body.status === 'failed' && body.metrics.length === 2 && body.artifacts.length === 1 ? body : undefined;
    }, 30_000, 'gateway events queryable');
    expect(run).toMatchObject({ experiment: 'gateway', params: { lr: 0.5, opt: 'sgd' }, tags: { lang: 'julia' }, lineage: { gitCommit: 'abc', environment: { language: 'julia', libraries: { Flux: '0.14' } } } });
    expect(run.metrics).toContainEqual(expect.objectContaining({ key: 'loss', segment: null, count: 3, min: 0.5, max: 0.9, last: 0.7 }));
    expect(run.metrics).toContainEqual(expect.objectContaining({ key: 'acc', segment: 'split=val', count: 1, last: 0.8 }));
    expect(run.artifacts).toEqual([expect.objectContaining({ name: 'model.bson', digest: 'sha256:gw', sizeBytes: 42 })]);
  });

  it("refuses events of another project than the token's, and produces none of the request", async () => {
    const before = await producedSoFar();
    const mixed = await post([gwStarted('alpha', 'gw-2'), gwStarted('bravo', 'gw-2')]);
    expect(mixed.statusCode).toBe(403);
    expect(mixed.json().error).toMatch(/^event 1 \(RunStarted\): project "bravo"/);
    expect((await post(catalogue.encode('RunFinished', finished('bravo', 'b-only')), t.ingest, 'application/avro')).statusCode).toBe(403);
    // bravo's token cannot write into alpha either.
    expect((await post(gwStarted('alpha', 'gw-2'), t.bravoAll)).statusCode).toBe(403);
    expect(await producedSoFar()).toBe(before);
  });

  it('answers 400 naming the first invalid event, and produces none of the request', async () => {
    const before = await producedSoFar();
    const bad = await post([
      gwStarted('alpha', 'gw-3'),
      { type: 'MetricBatch', event: { project: 'alpha', runId: 'gw-3', workerRank: null, keys: ['loss'], segments: [], keyIndex: [0, 3], segmentIndex: [-1, -1], steps: [1, 2], values: [1, 2], wallTimes: [1, 2] } },
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('event 1 (MetricBatch): point 1: key index 3 outside the 1 keys');
    const wrongType = await post([gwStarted('alpha', 'gw-3'), { type: 'RunStarted', event: { ...gwStarted('alpha', 'gw-3').event, startedAt: 'now' } }]);
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error).toMatch(/^event 1 \(RunStarted\): field "startedAt"/);
    const truncated = catalogue.encode('RunFinished', finished('alpha', 'gw-3')).subarray(0, 14);
    expect((await post(truncated, t.ingest, 'application/avro')).statusCode).toBe(400);
    expect(await producedSoFar()).toBe(before);
    // Nothing of gw-3 reached ClickHouse either (the processor has caught up with gw-1 by now).
    expect(await count(ns, "SELECT count() AS n FROM runs WHERE run_id = 'gw-3'")).toBe(0);
  });
});

describe('revocation', () => {
  it('stops a token that was in use within the cache lifetime', async () => {
    const ttl = 1_500;
    const cached = await buildTestApp(ns, { tokenCacheMs: ttl });
    try {
      const token = await createTestToken(ns, 'alpha', ['read']);
      const get = () => cached.inject({ method: 'GET', url: '/v1/runs', headers: bearer(token) });
      expect((await get()).statusCode).toBe(200);
      const revokedAt = Date.now();
      expect((await revokeToken(ns.clickhouse, tokenIdOf(token)!)).outcome).toBe('revoked');
      await new Promise((r) => setTimeout(r, ttl - (Date.now() - revokedAt) + 50));
      expect((await get()).statusCode).toBe(401);
    } finally {
      await cached.close();
    }
  });
});

describe('runlens token CLI', () => {
  const cli = async (...args: string[]) => {
    const env = { ...process.env, RUNLENS_KAFKA_BROKERS: ns.config.kafkaBrokers.join(','), RUNLENS_CLICKHOUSE_URL: ns.config.clickhouseUrl, RUNLENS_CLICKHOUSE_DATABASE: ns.config.clickhouseDatabase };
    return promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin', 'runlens.js'), 'token', ...args], { env, timeout: 60_000 });
  };

  it('creates a token printed once, lists it without secrets, and revokes it', async () => {
    const created = await cli('create', '--project', 'alpha', '--scopes', 'read,ingest', '--name', 'ci job');
    const token = created.stdout.trim();
    const id = tokenIdOf(token);
    expect(id).not.toBeNull();
    expect(created.stderr).toContain(id!);
    expect(created.stderr).not.toContain(token);
    // Stored hashed: the plaintext is nowhere in the table.
    expect(await count(ns, `SELECT count() AS n FROM api_tokens WHERE position(concat(token_id, project, name, arrayStringConcat(scopes), token_sha256), ${quoteString(token.slice(-20))}) > 0`)).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/v1/runs', headers: bearer(token) })).statusCode).toBe(200);

    const listed = await cli('list', '--project', 'alpha');
    const line = listed.stdout.split('\n').find((l) => l.startsWith(id!));
    expect(line).toMatch(/alpha\s+ingest,read\s+active\s+\S+\s+ci job/);
    expect(listed.stdout).not.toContain(token.slice(-20));
    expect(listed.stdout).not.toContain('bravo');

    const revoked = await cli('revoke', id!);
    expect(revoked.stdout).toContain(`revoked token ${id}`);
    expect((await cli('revoke', id!)).stdout).toContain('already revoked');
    expect((await cli('list')).stdout.split('\n').find((l) => l.startsWith(id!))).toMatch(/revoked \d{4}-/);
    const fresh = await buildTestApp(ns, { tokenCacheMs: 0 });
    try {
      expect((await fresh.inject({ method: 'GET', url: '/v1/runs', headers: bearer(token) })).statusCode).toBe(401);
    } finally {
      await fresh.close();
    }
    await expect(cli('create', '--project', "alpha' OR 1=1", '--scopes', 'read')).rejects.toMatchObject({ stderr: expect.stringMatching(/project .* may hold only/) });
    await expect(cli('create', '--project', 'alpha', '--scopes', 'read,write')).rejects.toMatchObject({ stderr: expect.stringMatching(/unknown scope "write"/) });
    await expect(cli('revoke', 'ffffffffffffffff')).rejects.toMatchObject({ stderr: expect.stringMatching(/no token with id/) });
  });
});
