// SDK → real Kafka → processor → real ClickHouse → query API, on a small sweep whose every
// summary is computed by hand below. Requests carry a read token of project "hand".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';

let ns: Namespace;
let processor: Processor;
let app: App;
let token: string; // read, project "hand"
let otherToken: string; // read, project "someone-else"

const env = { language: 'python', languageVersion: '3.11', libraries: { torch: '2.5.1' } };

beforeAll(async () => {
  ns = await freshNamespace('pipeline');
  processor = await startProcessor(ns);
  app = await buildTestApp(ns);
  token = await createTestToken(ns, 'hand', ['read']);
  otherToken = await createTestToken(ns, 'someone-else', ['read']);
  // maxBatchPoints 3 spreads each series over several messages, so summaries must combine chunks.
  const sdk = await connectSdk(ns, { maxBatchPoints: 3 });
  const base = { project: 'hand', experiment: 'exp', sweepId: 'sw1' };
  const a = await sdk.startRun({ ...base, runId: 'r-a', params: { lr: 0.1, bs: 32, opt: 'adam', seed: 1 }, lineage: { gitCommit: 'c1', dataVersion: 'v2', seed: 1, environment: env } });
  const b = await sdk.startRun({ ...base, runId: 'r-b', params: { lr: 0.01, bs: 32, opt: 'adam', seed: 1 }, lineage: { gitCommit: 'c1', dataVersion: 'v3', seed: 1, environment: env } });
  const c = await sdk.startRun({ ...base, runId: 'r-c', params: { lr: 0.001, bs: 64, opt: 'sgd', seed: 2 }, tags: { team: 'nlp' }, lineage: { gitCommit: 'c1', dataVersion: 'v2', seed: 2, environment: env } });
  const accA = [0.5, 0.7, 0.6, 0.65];
  const lossA = [2, 1, 1.5, 0.5];
  accA.forEach((v, i) => a.log({ 'val/acc': v, loss: lossA[i]! }, i + 1));
  a.log({ 'val/acc': 0.4 }, 2, { segment: 'class=cat' });
  a.log({ 'val/acc': 0.8 }, 4, { segment: 'class=cat' });
  [0.6, 0.75, 0.8, 0.78].forEach((v, i) => b.log({ 'val/acc': v }, i + 1));
  [0.3, 0.4].forEach((v, i) => c.log({ 'val/acc': v }, i + 1));
  await a.logArtifact({ name: 'model.ckpt', kind: 'checkpoint', uri: 's3://x/a', digest: 'sha256:aaa', sizeBytes: 10, step: 4 });
  await b.logArtifact({ name: 'model.ckpt', kind: 'checkpoint', uri: 's3://x/b', digest: 'sha256:bbb', sizeBytes: 12, step: 4 });
  await a.finish({ status: 'finished' });
  await b.finish({ status: 'failed' });
  await c.flush(); // r-c is still running
  await sdk.close();
  await eventually(async () => ((await count(ns, "SELECT count() AS n FROM run_finishes WHERE project = 'hand'")) === 2 && (await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks')) === 16 ? true : undefined), 60_000, 'sweep stored');
});

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

const get = async (url: string, as = token) => {
  const r = await app.inject({ method: 'GET', url, headers: bearer(as) });
  return { status: r.statusCode, body: r.json() };
};
const compare = (payload: object) => app.inject({ method: 'POST', url: '/v1/compare', headers: bearer(token), payload });

describe('ingest into ClickHouse', () => {
  it('stores runs with typed params, lineage and status', async () => {
    const { status, body } = await get('/v1/runs/r-a');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: 'r-a', experiment: 'exp', sweepId: 'sw1', status: 'finished',
      params: { lr: 0.1, bs: 32, opt: 'adam', seed: 1 },
      lineage: { gitCommit: 'c1', dataVersion: 'v2', seed: 1, environment: { language: 'python', libraries: { torch: '2.5.1' } } },
    });
    expect((await get('/v1/runs/r-c')).body.status).toBe('running');
    expect((await get('/v1/runs/r-b')).body.status).toBe('failed');
  });

  it("lists the project's params with their types and metric keys with their segments (GET /v1/fields)", async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/fields', headers: bearer(token) });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.params).toEqual([
      { name: 'bs', field: 'params.bs', types: ['number'] },
      { name: 'lr', field: 'params.lr', types: ['number'] },
      { name: 'opt', field: 'params.opt', types: ['string'] },
      { name: 'seed', field: 'params.seed', types: ['number'] },
    ]);
    expect(body.metrics).toEqual(expect.arrayContaining([{ key: 'val/acc', segments: ['', 'class=cat'] }, { key: 'loss', segments: [''] }]));
    expect(body.aggregates).toEqual(['last', 'min', 'max', 'mean', 'count']);
    expect(body.tags).toEqual([{ name: 'team', field: 'tags.team' }]);
    // The fixed lineage fields, then one per library the runs recorded.
    expect(body.lineage.map((l: { field: string }) => l.field)).toEqual([
      'lineage.git_commit', 'lineage.git_dirty', 'lineage.data_version', 'lineage.seed', 'lineage.host', 'lineage.parent_run_id',
      'lineage.language', 'lineage.language_version', 'lineage.hardware', 'lineage.libraries.torch',
    ]);
    // Another project's token sees its own (none of these).
    const other = await app.inject({ method: 'GET', url: '/v1/fields', headers: bearer(await createTestToken(ns, 'elsewhere', ['read'])) });
    expect(other.json()).toMatchObject({ params: [], metrics: [], aggregates: ['last', 'min', 'max', 'mean', 'count'], tags: [] });
    expect(other.json().lineage.some((l: { field: string }) => l.field.startsWith('lineage.libraries.'))).toBe(false);
  });

  it('keeps per-run summaries equal to a hand computation, per segment too', async () => {
    const { body } = await get('/v1/runs/r-a');
    const m = (key: string, segment: string | null) => body.metrics.find((x: { key: string; segment: string | null }) => x.key === key && x.segment === segment);
    // val/acc = 0.5, 0.7, 0.6, 0.65 at steps 1..4
    expect(m('val/acc', null)).toEqual({ key: 'val/acc', segment: null, count: 4, mean: expect.closeTo(0.6125, 12), min: 0.5, max: 0.7, stepOfMin: 1, stepOfMax: 2, last: 0.65, lastStep: 4 });
    // loss = 2, 1, 1.5, 0.5
    expect(m('loss', null)).toEqual({ key: 'loss', segment: null, count: 4, mean: 1.25, min: 0.5, max: 2, stepOfMin: 4, stepOfMax: 1, last: 0.5, lastStep: 4 });
    // val/acc[class=cat] = 0.4 at step 2, 0.8 at step 4
    expect(m('val/acc', 'class=cat')).toEqual({ key: 'val/acc', segment: 'class=cat', count: 2, mean: expect.closeTo(0.6, 12), min: 0.4, max: 0.8, stepOfMin: 2, stepOfMax: 4, last: 0.8, lastStep: 4 });
    expect(body.artifacts).toEqual([expect.objectContaining({ name: 'model.ckpt', kind: 'checkpoint', digest: 'sha256:aaa', sizeBytes: 10, step: 4 })]);
  });
});

describe('GET /v1/runs', () => {
  it('sorts by a metric summary and by a param', async () => {
    const byAcc = await get('/v1/runs?sweep=sw1&sort=metrics.val/acc.max:desc');
    expect(byAcc.body.runs.map((r: { id: string }) => r.id)).toEqual(['r-b', 'r-a', 'r-c']);
    expect(byAcc.body.runs.map((r: { sortValue: number }) => r.sortValue)).toEqual([0.8, 0.7, 0.4]);
    const bySegment = await get('/v1/runs?sort=metrics.val/acc[class=cat].last:desc');
    expect(bySegment.body.runs[0]).toMatchObject({ id: 'r-a', sortValue: 0.8 });
    expect(bySegment.body.runs.slice(1).map((r: { sortValue: null }) => r.sortValue)).toEqual([null, null]); // missing values sort last
    const byLr = await get('/v1/runs?sort=params.lr:asc');
    expect(byLr.body.runs.map((r: { id: string }) => r.id)).toEqual(['r-c', 'r-b', 'r-a']);
  });

  it('pages with a cursor, every run exactly once', async () => {
    const p1 = await get('/v1/runs?sort=params.lr:desc&limit=2');
    expect(p1.body.runs.map((r: { id: string }) => r.id)).toEqual(['r-a', 'r-b']);
    const p2 = await get(`/v1/runs?sort=params.lr:desc&limit=2&cursor=${p1.body.nextCursor}`);
    expect(p2.body.runs.map((r: { id: string }) => r.id)).toEqual(['r-c']);
    expect(p2.body.nextCursor).toBeNull();
  });

  it('filters by experiment and sweep, and scopes by the token\'s project', async () => {
    expect((await get('/v1/runs?experiment=exp')).body.runs).toHaveLength(3);
    expect((await get('/v1/runs?sweep=other')).body.runs).toHaveLength(0);
    expect((await get('/v1/runs', otherToken)).body.runs).toHaveLength(0);
    expect((await get('/v1/runs/r-a', otherToken)).status).toBe(404);
    // Naming the token's own project is allowed (older clients do); naming another is a 403.
    expect((await get('/v1/runs?project=hand')).body.runs).toHaveLength(3);
    expect((await get('/v1/runs?project=someone-else')).status).toBe(403);
    expect((await get('/v1/runs?project=hand', otherToken)).status).toBe(403);
  });

  it('answers bad input with a 400 that says what to fix', async () => {
    for (const url of ['/v1/runs?sort=lr', '/v1/runs?limit=0', '/v1/runs?limit=5000', '/v1/runs?cursor=garbage', '/v1/runs?sort=metrics.acc[].max']) {
      const r = await get(url);
      expect(r.status, url).toBe(400);
      expect(r.body.error, url).toMatch(/\w/);
    }
  });

  it('takes an empty sort= as the default order, started_at:desc (issue 9: it was a 400)', async () => {
    const empty = await get('/v1/runs?sort=');
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual((await get('/v1/runs?sort=started_at:desc')).body);
  });

  it('names unknown params, metrics, aggregates and sort directions with a 400 and a suggestion', async () => {
    const e = encodeURIComponent;
    const cases: [string, RegExp][] = [
      [`/v1/runs?filter=${e('metrics.nope.max > 1')}`, /^no run in this project has logged metrics.nope \(at position 1: /],
      [`/v1/runs?filter=${e('params.lr > 0 and metrics.val/acc.median > 1')}`, /^unknown aggregate 'median' \(last, min, max, mean, count\) or unknown metric metrics.val\/acc.median; did you mean metrics.val\/acc.mean\? \(at position 19: /],
      [`/v1/runs?filter=${e('metrics.val/acc[class=dog].max > 0')}`, /^no run in this project has logged metrics.val\/acc\[class=dog\]; its segments are class=cat, or none \(metrics.val\/acc\)/],
      [`/v1/runs?filter=${e('params.lrr > 0')}`, /^no run in this project has params.lrr; did you mean params.lr\?/],
      ['/v1/runs?sort=params.lrr', /^sort: no run in this project has params.lrr; did you mean params.lr\?$/],
      ['/v1/runs?sort=metrics.loss:up', /^sort "metrics.loss:up": unknown direction 'up'; use :asc or :desc$/],
      ['/v1/runs?sort=metrics.los.min:desc', /^sort: no run in this project has logged metrics.los; did you mean metrics.loss\?$/],
      ['/v1/runs?sort=started_at:up', /^sort "started_at:up": unknown direction 'up'; use :asc or :desc$/],
      ['/v1/runs?columns=params.nope', /^columns: no run in this project has params\.nope(; did you mean params\.\w+\?)?$/],
      ['/v1/runs?columns=params.lr,metrics.val/acc.medain', /^columns: unknown aggregate 'medain' \(last, min, max, mean, count\) or unknown metric metrics.val\/acc.medain; did you mean metrics.val\/acc.mean\?$/],
    ];
    for (const [url, message] of cases) {
      const r = await get(url);
      expect(r.status, url).toBe(400);
      expect(r.body.error, url).toMatch(message);
    }
    // What the project holds still works, segments and every aggregate included.
    expect((await get(`/v1/runs?filter=${e('metrics.val/acc[class=cat].max > 0.5 and exists metrics.nope or params.lr = 0.1')}&sort=metrics.loss.min:asc&columns=metrics.val/acc.count`)).status).toBe(200);
  });

  it('checks no names in a project with nothing logged yet: the query matches nothing, as in MLflow or W&B', async () => {
    const url = `/v1/runs?filter=${encodeURIComponent('metrics.val/acc.max > 0.9 and params.lr > 0')}&sort=metrics.val/acc.max:desc&columns=params.lr`;
    const r = await get(url, otherToken);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.runs).toEqual([]);
  });
});

describe('POST /v1/compare', () => {
  it('puts runs side by side and flags what differs', async () => {
    const r = await compare({ runIds: ['r-a', 'r-b', 'r-c'], metrics: ['val/acc'] });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.runs.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([['r-a', 'finished'], ['r-b', 'failed'], ['r-c', 'running']]);
    const param = (k: string) => body.params.find((p: { key: string }) => p.key === k);
    expect(param('lr')).toEqual({ key: 'lr', values: [0.1, 0.01, 0.001], differs: true });
    expect(param('opt')).toEqual({ key: 'opt', values: ['adam', 'adam', 'sgd'], differs: true });
    expect(body.lineage.find((l: { key: string }) => l.key === 'dataVersion')).toEqual({ key: 'dataVersion', values: ['v2', 'v3', 'v2'], differs: true });
    expect(body.lineage.find((l: { key: string }) => l.key === 'gitCommit').differs).toBe(false);
    const acc = body.metrics.find((m: { key: string; segment: null }) => m.key === 'val/acc' && m.segment === null);
    expect(acc.values.map((v: { max: number; last: number }) => [v.max, v.last])).toEqual([[0.7, 0.65], [0.8, 0.78], [0.4, 0.4]]);
    expect(body.metrics.some((m: { key: string }) => m.key === 'loss')).toBe(false); // only the metrics asked for
    expect(body.artifacts).toEqual([
      { key: 'model.ckpt', differs: true, values: [{ digest: 'sha256:aaa', uri: 's3://x/a', sizeBytes: 10, step: 4 }, { digest: 'sha256:bbb', uri: 's3://x/b', sizeBytes: 12, step: 4 }, null] },
    ]);
  });

  it('says which runs do not exist, and rejects malformed bodies', async () => {
    const missing = await compare({ runIds: ['r-a', 'nope'] });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatch(/nope/);
    for (const payload of [{}, { runIds: [] }, { runIds: ['a', 'a'] }, { runIds: 'r-a' }, { runIds: ['r-a'], extra: 1 }]) {
      expect((await compare(payload)).statusCode).toBe(400);
    }
  });
});

describe('tags and lineage as sweep chart fields (POST /v1/sweeps/parallel)', () => {
  it('draws them as axes with the values each run recorded, typed as the filter language types them', async () => {
    const axes = ['params.lr', 'lineage.data_version', 'tags.team', 'lineage.libraries.torch', 'lineage.seed', 'lineage.git_dirty'];
    const r = await app.inject({ method: 'POST', url: '/v1/sweeps/parallel', headers: bearer(token), payload: { selection: { sweep: 'sw1' }, target: 'val/acc.max', axes } });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.ids).toEqual(['r-a', 'r-b', 'r-c']);
    const axis = (field: string) => {
      const k = body.axes.findIndex((a: { field: string }) => a.field === field);
      return { ...body.axes[k], values: body.values[k] };
    };
    expect(axis('lineage.data_version')).toMatchObject({ kind: 'lineage', name: 'lineage.data_version', scale: 'categorical', categories: ['v2', 'v3'], values: [0, 1, 0] });
    // A tag only r-c has: the others have no value.
    expect(axis('tags.team')).toMatchObject({ kind: 'tag', categories: ['nlp'], present: 1, missing: 2, values: [null, null, 0] });
    expect(axis('lineage.libraries.torch')).toMatchObject({ kind: 'lineage', categories: ['2.5.1'], values: [0, 0, 0] });
    expect(axis('lineage.seed')).toMatchObject({ kind: 'lineage', min: 1, max: 2 });
    expect(axis('lineage.seed').values).toEqual([1, 1, 2]);
    expect(axis('lineage.git_dirty')).toMatchObject({ categories: [false], values: [0, 0, 0] });
    expect(axis('metrics.val/acc.max').values).toEqual([0.7, 0.8, 0.4]);
  });

  it('refuses a lineage field no selected run has, and one that does not exist, with a 400', async () => {
    const ask = (axes: string[]) => app.inject({ method: 'POST', url: '/v1/sweeps/parallel', headers: bearer(token), payload: { selection: { sweep: 'sw1' }, axes } });
    const none = await ask(['params.lr', 'lineage.parent_run_id']);
    expect(none.statusCode).toBe(400);
    expect(none.json().error).toBe('axes[1]: none of the 3 selected runs has lineage.parent_run_id');
    const unknown = await ask(['params.lr', 'lineage.gpu']);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatch(/^axes\[1\]: "lineage.gpu" is not a field; expected one of lineage.git_commit/);
  });
});

describe('replays', () => {
  it('a new consumer group skips what ClickHouse already holds', async () => {
    const replay = await startProcessor(ns, `${ns.config.topicPrefix}resume`);
    try {
      await eventually(async () => (replay.stats.skippedStored >= processor.stats.events ? true : undefined), 60_000, 'stored messages skipped');
    } finally {
      await replay.stop();
    }
    expect(replay.stats.rowsInserted).toBe(0);
  });

  it('a forced replay of the whole topic changes no summary and no count', async () => {
    const before = (await get('/v1/runs/r-a')).body.metrics;
    const chunksBefore = await count(ns, 'SELECT count() AS n FROM metric_chunks FINAL');
    // A zombie-like consumer that does not skip stored offsets re-inserts every row (merges
    // may collapse the copies at any time afterwards).
    const replay = await startProcessor(ns, `${ns.config.topicPrefix}replay`, { skipStored: false });
    try {
      await eventually(async () => (replay.stats.events >= processor.stats.events && replay.stats.rowsInserted > 0 ? true : undefined), 60_000, 'replay processed');
    } finally {
      await replay.stop();
    }
    expect(replay.stats.points).toBe(16);
    expect(await count(ns, 'SELECT count() AS n FROM metric_chunks FINAL')).toBe(chunksBefore);
    expect((await get('/v1/runs/r-a')).body.metrics).toEqual(before);
    const list = await get('/v1/runs?sort=metrics.val/acc.count:desc');
    expect(list.body.runs.map((r: { sortValue: number }) => r.sortValue)).toEqual([4, 4, 2]);
  });
});
