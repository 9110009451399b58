// Bad requests to runs, curves, groups and compare over the real app with a fake ClickHouse that
// holds one small project: every unknown name, summary, direction or over-long id list is a 400
// that names it, before any query it would spoil. (The integration tests run the same against
// the real ClickHouse.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { createLogger } from '../common/logger.ts';
import type { Principal } from '../common/tokens/verifier.ts';
import { buildApp } from './app.ts';
import { type App } from './deps.ts';
import { DEFAULT_CRASH_AFTER_MS } from '../storage/runs.ts';

const principals: Record<string, Principal> = {
  reader: { tokenId: 'r', project: 'p', scopes: ['read'] },
  fresh: { tokenId: 'f', project: 'fresh', scopes: ['read'] },
};
const verifier = { verify: async (t: string) => principals[t] ?? null };

const runRow = (id: string, lr: number, dataVersion: string) => ({
  run_id: id, name: id, experiment: 'e', sweep_id: 'sw', user: 'u', started_at_ms: 0,
  param_keys: ['lr', 'seed'], param_types: ['number', 'number'], param_strings: [String(lr), '0'], param_numbers: [lr, 0], set_param_keys: [], set_param_steps: [], set_param_times: [],
  tag_keys: [], tag_values: [], git_commit: 'c1', git_dirty: 0, data_version: dataVersion, env_language: 'python', env_language_version: '3.11',
  env_library_names: ['torch'], env_library_versions: ['2.5.1'], env_hardware: '', seed: 0, host: '', parent_run_id: '',
  orphaned: 0, status_value: 'finished', finish_status: 'finished', has_finish: 1, ended_at_ms: 1, duration_ms: 1, summary_keys: [], summary_values: [],
});

/** Project "p" holds params lr and seed, metrics loss and val/acc (also per class=cat); project "fresh" holds nothing. */
const queries: string[] = [];
const ch = {
  query: async ({ query }: { query: string }) => {
    queries.push(query);
    const fresh = query.includes("project = 'fresh'");
    let rows: object[] = [];
    if (/SELECT k, t FROM\s*\(\s*SELECT param_keys, param_types FROM runs FINAL/.test(query)) rows = fresh ? [] : [{ k: 'lr', t: 'number' }, { k: 'seed', t: 'number' }];
    else if (/SELECT key, segment FROM metric_chunk_stats/.test(query)) rows = fresh ? [] : [{ key: 'loss', segment: '' }, { key: 'val/acc', segment: '' }, { key: 'val/acc', segment: 'class=cat' }];
    else if (/AS started\s+ANY LEFT JOIN/.test(query) && !query.includes('ORDER BY')) rows = [runRow('r1', 0.1, 'v2'), runRow('r2', 0.01, 'v3')];
    return { json: async () => rows };
  },
} as unknown as ClickHouseClient;

let app: App;
beforeAll(async () => {
  app = await buildApp({ clickhouse: ch, logger: createLogger('test', 'silent'), tokenCacheMs: 0, crashAfterMs: DEFAULT_CRASH_AFTER_MS, verifier });
});
afterAll(() => app.close());

const call = async (method: 'GET' | 'POST', url: string, payload?: object, token = 'reader') => {
  const r = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, error: (r.json() as { error?: string }).error, body: r.json() as Record<string, unknown> };
};
const e = encodeURIComponent;

describe('GET /v1/runs', () => {
  it.each([
    [`filter=${e('metrics.nope.max > 1')}`, /^no run in this project has logged metrics.nope \(at position 1: /],
    [`filter=${e('metrics.val/acc.median > 1')}`, /^unknown aggregate 'median' \(last, min, max, mean, count\) or unknown metric metrics.val\/acc.median; did you mean metrics.val\/acc.mean\?/],
    ['sort=params.lrr', /^sort: no run in this project has params.lrr; did you mean params.lr\?$/],
    ['sort=metrics.loss:up', /^sort "metrics.loss:up": unknown direction 'up'; use :asc or :desc$/],
    ['columns=params.nope', /^columns: no run in this project has params.nope$/],
    ['columns=metrics.val/acc[class=dog].max', /^columns: no run in this project has logged metrics.val\/acc\[class=dog\]; its segments are class=cat, or none/],
  ])('answers %s with a 400 naming the field', async (query, message) => {
    const r = await call('GET', `/v1/runs?${query}`);
    expect(r.status).toBe(400);
    expect(r.error).toMatch(message);
  });

  it('says where in the filter an error is, for an editor to point at', async () => {
    const filter = 'params.lr > 0 and metrics.val/acc.median > 1';
    const r = await call('GET', `/v1/runs?filter=${e(filter)}`);
    expect(r.status).toBe(400);
    expect(r.body.position).toBe(filter.indexOf('metrics.val/acc.median'));
    expect(r.error).toMatch(/\(at position 19: /);
    // Other bad requests have no position.
    expect((await call('GET', '/v1/runs?sort=params.lrr')).body).not.toHaveProperty('position');
  });

  it('takes an empty sort (blanks, commas) as the default order', async () => {
    const listQuery = async (query: string) => {
      queries.length = 0;
      const r = await call('GET', `/v1/runs?limit=1${query}`);
      expect(r.status, `${query}: ${r.error}`).toBe(200);
      return { sql: queries.filter((q) => q.includes('ORDER BY')) };
    };
    const byDefault = await listQuery('');
    expect(byDefault.sql).toHaveLength(1);
    for (const empty of ['&sort=', '&sort=%20', '&sort=,%20,', '&sort=started_at:desc']) expect((await listQuery(empty)).sql, empty).toEqual(byDefault.sql);
  });

  it('checks nothing in a project with nothing logged yet', async () => {
    const r = await call('GET', `/v1/runs?filter=${e('metrics.nope.max > 1 and params.lrr = 1')}&sort=metrics.nope:desc&columns=params.lrr`, undefined, 'fresh');
    expect(r.status, r.error).toBe(200);
  });
});

describe('POST /v1/curves, /v1/groups and /v1/compare', () => {
  const many = Array.from({ length: 2000 }, (_, i) => String(i).padStart(128, 'x'));

  it.each([
    ['/v1/curves', { metrics: ['nope'] }, 'metrics: no run in this project has logged nope'],
    ['/v1/curves', { metrics: ['loss.min'] }, 'metrics: "loss.min" is a summary of loss, not a series; ask for "loss" (every bucket has its mean, min and max)'],
    ['/v1/curves', { metrics: ['loss'], groupBy: ['lrr'] }, 'groupBy: no run in this project has params.lrr; did you mean params.lr?'],
    ['/v1/groups', { metrics: ['val/acc.median'] }, "metrics: unknown aggregate 'median' (last, min, max, mean, count) or unknown metric val/acc.median; did you mean val/acc.mean?"],
    ['/v1/groups', { by: ['lrr'], metrics: ['loss.min'] }, 'by: no run in this project has params.lrr; did you mean params.lr?'],
    ['/v1/compare', { runIds: ['r1', 'r2'], metrics: ['nope'] }, 'metrics: no run in this project has logged nope'],
    ['/v1/compare', { runIds: ['r1', 'r2'], variables: ['params.lrr'] }, 'variables: no run in this project has params.lrr; did you mean params.lr?'],
    ['/v1/compare', { runIds: ['r1', 'r2'], variables: ['lineage.dataVersion'] }, 'variables: unknown field "lineage.dataVersion"; did you mean lineage.data_version?'],
  ])('%s %j is a 400 naming the field', async (url, payload, message) => {
    const r = await call('POST', url, payload);
    expect(r.status).toBe(400);
    expect(r.error).toBe(message);
  });

  it.each([
    ['/v1/curves', { selection: { runIds: many }, metrics: ['loss'] }, /select the runs with a filter .* instead of 2,000 run ids$/],
    ['/v1/groups', { selection: { runIds: many }, metrics: ['loss.min'] }, /select the runs with a filter .* instead of 2,000 run ids$/],
    ['/v1/compare', { runIds: many.slice(0, 1000) }, /^the runIds list is too long for one query \(1,000 ids; about \d{3} ids of this length fit\): compare fewer runs at once/],
  ])('%s refuses a runIds list too long for ClickHouse before querying with it', async (url, payload, message) => {
    queries.length = 0;
    const r = await call('POST', url, payload);
    expect(r.status).toBe(400);
    expect(r.error).toMatch(message);
    expect(queries.every((q) => !q.includes(many[0]!))).toBe(true);
  });

  it('names confounds as the filter language does, and takes them back as variables', async () => {
    const plain = await call('POST', '/v1/compare', { runIds: ['r1', 'r2'] });
    expect(plain.status, plain.error).toBe(200);
    expect(plain.body.warnings).toEqual([expect.stringMatching(/^runs differ in lineage.data_version \(v2 vs v3\), which may account for part of any difference in their metrics/)]);
    const studied = await call('POST', '/v1/compare', { runIds: ['r1', 'r2'], variables: ['lr', 'lineage.data_version'] });
    expect(studied.body.warnings).toEqual([]);
  });
});
