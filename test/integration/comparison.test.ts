// Grouping statistics against hand calculation, confound warnings on a sweep with a planted
// data-version change, and curves for many runs keeping each bucket's true min and max.
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';

let ns: Namespace;
let processor: Processor;
let app: App;
let headers: Record<string, string>;
const env = { language: 'python', languageVersion: '3.11', libraries: { torch: '2.5.1' } };
// Final val/acc per run: config A (lr 0.1) and config B (lr 0.01), seeds 0..2; B-s3 runs on data v3.
const FINAL: Record<string, { lr: number; seed: number; acc: number; data: string }> = {
  'A-s0': { lr: 0.1, seed: 0, acc: 0.8, data: 'v2' },
  'A-s1': { lr: 0.1, seed: 1, acc: 0.82, data: 'v2' },
  'A-s2': { lr: 0.1, seed: 2, acc: 0.84, data: 'v2' },
  'B-s0': { lr: 0.01, seed: 0, acc: 0.85, data: 'v2' },
  'B-s1': { lr: 0.01, seed: 1, acc: 0.87, data: 'v2' },
  'B-s2': { lr: 0.01, seed: 2, acc: 0.86, data: 'v2' },
  'B-s3': { lr: 0.01, seed: 3, acc: 0.9, data: 'v3' },
};
const STEPS = 2000;
const lossOf = (run: number, step: number) => (step === 700 + run * 100 ? 9 + run : step === 1500 ? -(run + 1) : Math.exp(-step / 500) + run * 0.01);

beforeAll(async () => {
  ns = await freshNamespace('comparison');
  processor = await startProcessor(ns);
  app = await buildTestApp(ns);
  headers = bearer(await createTestToken(ns, 'cmp', ['read']));
  const sdk = await connectSdk(ns, { maxBatchPoints: 500 });
  let i = 0;
  for (const [id, f] of Object.entries(FINAL)) {
    const run = await sdk.startRun({ project: 'cmp', experiment: 'e', sweepId: 'sw', runId: id, params: { lr: f.lr, bs: 32, seed: f.seed }, lineage: { gitCommit: 'c1', dataVersion: f.data, seed: f.seed, environment: env } });
    [0.5, 0.6, f.acc].forEach((v, s) => run.log({ 'val/acc': v }, s + 1));
    run.log({ 'val/acc': f.acc - 0.1 }, 2, { segment: 'class=cat' });
    for (let step = 1; step <= STEPS; step++) run.log({ loss: lossOf(i, step) }, step);
    await run.finish();
    i++;
  }
  await sdk.close();
  await eventually(async () => ((await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks')) === 7 * (4 + STEPS) ? true : undefined), 60_000, 'sweep stored');
});

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

const post = async (url: string, payload: unknown) => {
  const r = await app.inject({ method: 'POST', url, payload: payload as object, headers });
  return { status: r.statusCode, body: r.json() };
};

describe('POST /v1/groups', () => {
  it('computes n, mean, std, min, max and a t-based 95% CI per group, by hand', async () => {
    const r = await post('/v1/groups', { selection: { filter: "lineage.data_version = 'v2'" }, by: ['lr'], metrics: ['val/acc.max'], sort: { metric: 'val/acc.max', stat: 'mean', direction: 'desc' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const [b, a] = r.body.groups;
    expect(b.key).toEqual({ lr: 0.01 });
    expect(a.key).toEqual({ lr: 0.1 });
    // A: 0.80, 0.82, 0.84 → mean 0.82, sd 0.02, half-width t(0.975, 2) · 0.02/√3 = 4.302653 · 0.011547 = 0.049683
    const s = a.metrics['val/acc.max'];
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(0.82, 12);
    expect(s.std).toBeCloseTo(0.02, 12);
    expect(s.min).toBe(0.8);
    expect(s.max).toBe(0.84);
    expect(s.ci95[0]).toBeCloseTo(0.82 - 0.0496828, 6);
    expect(s.ci95[1]).toBeCloseTo(0.82 + 0.0496828, 6);
    // B (v2 only): 0.85, 0.87, 0.86 → mean 0.86
    expect(b.metrics['val/acc.max'].mean).toBeCloseTo(0.86, 12);
    expect(b.runIds.sort()).toEqual(['B-s0', 'B-s1', 'B-s2']);
    expect(r.body.confounds).toEqual([]);
  });

  it('groups replicates with all-but-seed and warns about a planted data-version change', async () => {
    const r = await post('/v1/groups', { by: 'all-but-seed', metrics: ['val/acc.max', 'val/acc[class=cat].last'] });
    expect(r.status).toBe(200);
    expect(r.body.by).toEqual(['bs', 'lr']);
    expect(r.body.groups.map((g: { n: number }) => g.n).sort()).toEqual([3, 4]);
    expect(r.body.warnings).toHaveLength(1);
    expect(r.body.warnings[0]).toMatch(/^groups differ in lineage.data_version \((v2\/v3 vs v2|v2 vs v2\/v3)\) besides params.bs, params.lr: the effect of bs, lr is not isolated$/);
    const b = r.body.groups.find((g: { key: { lr: number } }) => g.key.lr === 0.01);
    expect(b.metrics['val/acc[class=cat].last'].mean).toBeCloseTo((0.75 + 0.77 + 0.76 + 0.8) / 4, 12);
  });

  it('rejects unknown params and bad metric names with a 400', async () => {
    expect((await post('/v1/groups', { by: ['nope'], metrics: ['val/acc.max'] })).status).toBe(400);
    const unknownMetric = await post('/v1/groups', { metrics: ['val/acc.median'] });
    expect(unknownMetric.status).toBe(400);
    expect(unknownMetric.body.error).toBe("metrics: unknown aggregate 'median' (last, min, max, mean, count) or unknown metric val/acc.median; did you mean val/acc.mean?");
    expect((await post('/v1/groups', { metrics: [] })).status).toBe(400);
  });

  it('names unknown grouping params and metrics with a suggestion', async () => {
    const cases: [object, string][] = [
      [{ by: ['lrr'], metrics: ['val/acc.max'] }, 'by: no run in this project has params.lrr; did you mean params.lr?'],
      [{ by: ['params.lr'], metrics: ['val/ac.max'] }, 'metrics: no run in this project has logged val/ac; did you mean val/acc?'],
      [{ by: ['lr'], metrics: ['val/acc[class=cow].max'] }, 'metrics: no run in this project has logged val/acc[class=cow]; did you mean val/acc[class=cat]?'],
      [{ by: ['lr'], metrics: ['val/acc.max'], sort: { metric: 'los.min', stat: 'mean' } }, 'sort.metric: no run in this project has logged los; did you mean loss?'],
    ];
    for (const [payload, message] of cases) {
      const r = await post('/v1/groups', payload);
      expect(r.status, JSON.stringify(payload)).toBe(400);
      expect(r.body.error, JSON.stringify(payload)).toBe(message);
    }
  });
});

describe('POST /v1/compare with a baseline and variables', () => {
  it('reports deltas, a segment table and the confound in plain words', async () => {
    const r = await post('/v1/compare', { runIds: ['A-s0', 'B-s3'], baseline: 'A-s0', variables: ['params.lr'], metrics: ['val/acc'] });
    expect(r.status).toBe(200);
    expect(r.body.warnings).toEqual(['runs differ in lineage.data_version (v2 vs v3) besides params.lr: the effect of lr is not isolated']);
    expect(r.body.confounds.map((c: { field: string }) => c.field)).toEqual(['lineage.data_version']);
    expect(r.body.params.map((p: { key: string }) => p.key)).toEqual(['lr', 'seed']); // listed, but seeds are replicates: no confound
    const acc = r.body.metrics.find((m: { segment: null }) => m.segment === null);
    expect(acc.deltas[0]).toEqual({ last: 0, min: 0, max: 0, mean: 0 });
    expect(acc.deltas[1].max).toBeCloseTo(0.1, 12);
    expect(r.body.segmentTable).toEqual([{ key: 'val/acc', rows: [{ segment: 'class=cat', last: [expect.closeTo(0.7, 12), expect.closeTo(0.8, 12)], deltaLast: [0, expect.closeTo(0.1, 12)] }] }]);
  });
});

describe('POST /v1/compare variables and metrics', () => {
  const pair = { runIds: ['A-s0', 'B-s3'] };

  it('takes lineage fields as variables, by the filter language\'s names', async () => {
    const both = await post('/v1/compare', { ...pair, variables: ['lr', 'lineage.data_version'] });
    expect(both.status, JSON.stringify(both.body)).toBe(200);
    expect(both.body.warnings).toEqual([]);
    const dataOnly = await post('/v1/compare', { ...pair, variables: ['lineage.data_version'] });
    expect(dataOnly.body.warnings).toEqual(['runs differ in params.lr (0.1 vs 0.01) besides lineage.data_version: the effect of lineage.data_version is not isolated']);
  });

  it('words the lineage warning plainly without variables, and lists param differences as before', async () => {
    const r = await post('/v1/compare', pair);
    expect(r.status).toBe(200);
    expect(r.body.warnings).toEqual([
      'runs differ in lineage.data_version (v2 vs v3), which may account for part of any difference in their metrics; name the fields you meant to vary in variables to check everything else',
    ]);
    expect(r.body.params.map((p: { key: string }) => p.key)).toEqual(['lr', 'seed']);
  });

  it('answers unknown variables and metrics with a 400 and a suggestion', async () => {
    const cases: [object, string][] = [
      [{ ...pair, variables: ['params.lrr'] }, 'variables: no run in this project has params.lrr; did you mean params.lr?'],
      [{ ...pair, variables: ['lineage.dataVersion'] }, 'variables: unknown field "lineage.dataVersion"; did you mean lineage.data_version?'],
      [{ ...pair, variables: ['lineage.libraries.jax'] }, 'variables: no compared run has lineage.libraries.jax'],
      [{ ...pair, metrics: ['nope'] }, 'metrics: no run in this project has logged nope'],
      [{ ...pair, metrics: ['val/acc', 'los'] }, 'metrics: no run in this project has logged los; did you mean loss?'],
      [{ ...pair, metrics: ['val/acc.max'] }, 'metrics: "val/acc.max" is a summary of val/acc, not a series; ask for "val/acc" (compare returns every summary and segment of it)'],
    ];
    for (const [payload, message] of cases) {
      const r = await post('/v1/compare', payload);
      expect(r.status, JSON.stringify(payload)).toBe(400);
      expect(r.body.error, JSON.stringify(payload)).toBe(message);
    }
  });
});

describe('runIds lists too long for one ClickHouse query', () => {
  // 128-character ids: 2,000 of them make about 260 KB of SQL, past max_query_size (256 KiB).
  const many = Array.from({ length: 2000 }, (_, i) => String(i).padStart(128, 'x'));

  it('answer 400 saying what to send instead, on every route that takes a selection', async () => {
    for (const [url, payload] of [
      ['/v1/groups', { selection: { runIds: many }, by: ['lr'], metrics: ['val/acc.max'] }],
      ['/v1/curves', { selection: { runIds: many }, metrics: ['loss'] }],
      ['/v1/stats/leaderboard', { selection: { runIds: many }, groupBy: ['lr'], metric: 'val/acc.max', direction: 'maximize' }],
      ['/v1/stats/compare', { a: { runIds: many }, b: { runIds: ['A-s0'] }, metric: 'val/acc.max' }],
    ] as const) {
      const r = await post(url, payload);
      expect(r.status, url).toBe(400);
      expect(r.body.error, url).toMatch(/^the runIds list is too long for one query \(2,000 ids; about 1,\d{3} ids of this length fit\): select the runs with a filter .* instead of 2,000 run ids$/);
    }
  });

  it('answer 400 on compare, whose run lookup spells the ids out twice', async () => {
    const r = await post('/v1/compare', { runIds: many.slice(0, 1000) });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^the runIds list is too long for one query \(1,000 ids; about \d{3} ids of this length fit\): compare fewer runs at once/);
  });
});

describe('POST /v1/curves', () => {
  // 50 buckets of 40 steps read every point; 10 buckets of 256 steps read the 64-step
  // level-of-detail summaries. Both must be exact.
  it.each([50, 10])('downsamples many runs on one grid to %i buckets and keeps every bucket\'s true min and max', async (maxPoints) => {
    const r = await post('/v1/curves', { metrics: ['loss'], maxPoints, groupBy: ['lr'] });
    expect(r.status).toBe(200);
    const [series] = r.body.series;
    expect(series.runs).toHaveLength(7);
    const width = series.bucketWidth;
    const ids = Object.keys(FINAL);
    for (const c of series.runs as { runId: string; x: number[]; mean: number[]; min: number[]; max: number[]; count: number[] }[]) {
      expect(c.x.length).toBeLessThanOrEqual(maxPoints);
      expect(c.x).toEqual(series.runs[0].x); // a shared grid
      const i = ids.indexOf(c.runId);
      c.x.forEach((x0, b) => {
        const vals = Array.from({ length: width }, (_, k) => x0 + k).filter((s) => s >= 1 && s <= STEPS).map((s) => lossOf(i, s));
        expect(c.count[b]).toBe(vals.length);
        expect(c.min[b]).toBe(Math.min(...vals));
        expect(c.max[b]).toBe(Math.max(...vals));
        expect(c.mean[b]).toBeCloseTo(vals.reduce((a, v) => a + v, 0) / vals.length, 9);
      });
      expect(Math.max(...c.max)).toBe(9 + i); // the spike survives
    }
    const groupA = series.groups.find((g: { key: { lr: number } }) => g.key.lr === 0.1);
    const runsA = (series.runs as { runId: string; mean: number[] }[]).filter((c) => c.runId.startsWith('A-'));
    expect(groupA.n[0]).toBe(3);
    expect(groupA.mean[0]).toBeCloseTo(runsA.reduce((s, c) => s + c.mean[0]!, 0) / 3, 12);
  });

  it('zooms: the buckets cover the asked range alone, exactly, so a spike inside it is one bucket of a few steps', async () => {
    const r = await post('/v1/curves', { selection: { runIds: ['A-s0'] }, metrics: ['loss'], maxPoints: 10, range: { from: 650, to: 749 } });
    expect(r.status).toBe(200);
    const [series] = r.body.series;
    expect(series.bucketWidth).toBe(10);
    const c = series.runs[0] as { x: number[]; min: number[]; max: number[]; count: number[]; mean: number[] };
    expect(c.x).toEqual([650, 660, 670, 680, 690, 700, 710, 720, 730, 740]);
    const i = Object.keys(FINAL).indexOf('A-s0');
    c.x.forEach((x0, b) => {
      const vals = Array.from({ length: 10 }, (_, k) => lossOf(i, x0 + k));
      expect(c.count[b]).toBe(10);
      expect(c.min[b]).toBe(Math.min(...vals));
      expect(c.max[b]).toBe(Math.max(...vals));
      expect(c.mean[b]).toBeCloseTo(vals.reduce((a, v) => a + v, 0) / 10, 9);
    });
    expect(c.max[5]).toBe(9 + i); // the spike at step 700
    // A wide zoom on the 64-step summaries covers the blocks overlapping it, and nothing else.
    const wide = await post('/v1/curves', { selection: { runIds: ['A-s0'] }, metrics: ['loss'], maxPoints: 2, range: { from: 100, to: 1000 } });
    const w = wide.body.series[0];
    expect(w.bucketWidth % 64).toBe(0);
    expect(w.runs[0].x[0]).toBe(64);
    expect(w.runs[0].count.reduce((a: number, n: number) => a + n, 0)).toBe(1023 - 64 + 1);
    // Past the data: no curve; backwards: a 400.
    expect((await post('/v1/curves', { selection: { runIds: ['A-s0'] }, metrics: ['loss'], range: { from: 1e9, to: 2e9 } })).body.series[0].runs).toEqual([]);
    expect((await post('/v1/curves', { metrics: ['loss'], range: { from: 10, to: 5 } })).body.error).toBe('range: from (10) is after to (5)');
  });

  it('answers the same curves as an Arrow stream (format "arrow"): a row per metric and run, the JSON arrays as lists', async () => {
    const body = { metrics: ['loss', 'val/acc'], maxPoints: 50, smoothing: { ema: 0.3 } };
    const json = await post('/v1/curves', body);
    const res = await app.inject({ method: 'POST', url: '/v1/curves', payload: { ...body, format: 'arrow' }, headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(res.rawPayload);
    expect(table.schema.metadata.get('runlens.x')).toBe('step');
    const fromJson = (json.body.series as { metric: string; bucketWidth: number; runs: { runId: string; x: number[]; mean: number[]; min: number[]; max: number[]; count: number[] }[] }[]).flatMap((s) =>
      s.runs.map((r) => ({ metric: s.metric, bucket_width: s.bucketWidth, run_id: r.runId, x: r.x, mean: r.mean, min: r.min, max: r.max, count: r.count })),
    );
    expect(fromJson).toHaveLength(14);
    const fromArrow = table.toArray().map((row) => {
      const r = row.toJSON();
      return { metric: r.metric, bucket_width: r.bucket_width, run_id: r.run_id, ...Object.fromEntries(['x', 'mean', 'min', 'max', 'count'].map((k) => [k, Array.from(r[k] as Iterable<number>)])) };
    });
    expect(fromArrow).toEqual(fromJson);
    expect(res.rawPayload.length).toBeLessThan(Buffer.byteLength(JSON.stringify(json.body)));
    // Group bands are in the JSON answer only.
    const grouped = await post('/v1/curves', { ...body, groupBy: ['lr'], format: 'arrow' });
    expect(grouped.status).toBe(400);
    expect(grouped.body.error).toMatch(/^groupBy: the Arrow answer holds the runs' curves only/);
  });

  it('smooths with an EMA when asked, and refuses an absurd alpha', async () => {
    const plain = await post('/v1/curves', { selection: { runIds: ['A-s0'] }, metrics: ['loss'], maxPoints: 20 });
    const smooth = await post('/v1/curves', { selection: { runIds: ['A-s0'] }, metrics: ['loss'], maxPoints: 20, smoothing: { ema: 0.5 } });
    const m = plain.body.series[0].runs[0].mean as number[];
    const s = smooth.body.series[0].runs[0].mean as number[];
    expect(s[0]).toBe(m[0]);
    expect(s[1]).toBeCloseTo(0.5 * m[1]! + 0.5 * m[0]!, 12);
    expect((await post('/v1/curves', { metrics: ['loss'], smoothing: { ema: 0 } })).status).toBe(400);
    expect((await post('/v1/curves', { metrics: ['loss'], maxPoints: 100000 })).status).toBe(400);
  });

  it('answers unknown metrics, summaries and grouping params with a 400 instead of empty curves', async () => {
    const cases: [object, string][] = [
      [{ metrics: ['nope'] }, 'metrics: no run in this project has logged nope'],
      [{ metrics: ['los'] }, 'metrics: no run in this project has logged los; did you mean loss?'],
      [{ metrics: ['loss.min'] }, 'metrics: "loss.min" is a summary of loss, not a series; ask for "loss" (every bucket has its mean, min and max)'],
      [{ metrics: ['val/acc[class=dog]'] }, 'metrics: no run in this project has logged val/acc[class=dog]; its segments are class=cat, or none (val/acc)'],
      [{ metrics: ['loss'], groupBy: ['lrr'] }, 'groupBy: no run in this project has params.lrr; did you mean params.lr?'],
    ];
    for (const [payload, message] of cases) {
      const r = await post('/v1/curves', payload);
      expect(r.status, JSON.stringify(payload)).toBe(400);
      expect(r.body.error, JSON.stringify(payload)).toBe(message);
    }
    const segment = await post('/v1/curves', { selection: { runIds: ['A-s0'] }, metrics: ['val/acc[class=cat]'] });
    expect(segment.status).toBe(200);
    expect(segment.body.series[0].runs).toHaveLength(1);
  });
});

describe('export', () => {
  it('streams the same query as CSV and NDJSON', async () => {
    const csv = await app.inject({ method: 'GET', url: `/v1/runs?format=csv&sort=run_id&filter=${encodeURIComponent('params.lr = 0.1')}&columns=metrics.val/acc.max,lineage.data_version`, headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('run_id,name,experiment,sweep,status,started_at,ended_at,duration_ms,params.bs,params.lr,params.seed,metrics.val/acc.max,lineage.data_version');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['A-s0', 'A-s1', 'A-s2']);
    expect(lines[1]!.split(',').slice(-5)).toEqual(['32', '0.1', '0', '0.8', 'v2']);
    const nd = await app.inject({ method: 'GET', url: '/v1/runs?sort=metrics.val/acc.max:desc', headers: { ...headers, accept: 'application/x-ndjson' } });
    expect(nd.headers['content-type']).toMatch(/ndjson/);
    const runs = nd.body.trim().split('\n').map((l) => JSON.parse(l) as { id: string });
    expect(runs.map((r) => r.id)).toEqual(['B-s3', 'B-s1', 'B-s2', 'B-s0', 'A-s2', 'A-s1', 'A-s0']);
  });

  it('quotes CSV cells per RFC 4180', async () => {
    const { csvCell } = await import('../../query-api/runs/export.ts');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(null)).toBe('');
  });
});

describe('operations', () => {
  it('serves Prometheus metrics without a token, labelled by route pattern', async () => {
    const r = await app.inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toMatch(/runlens_api_requests_total\{route="\/v1\/runs",method="GET",status="200"\} \d+/);
    expect(r.body).toMatch(/runlens_api_process_resident_memory_bytes/);
    expect(r.body).not.toMatch(/A-s0/);
  });

  it('answers a query past a limit with a 422 that names it', async () => {
    const { createClickHouse, queryLimitSettings } = await import('../../common/clickhouse.ts');
    const limits = { timeoutSeconds: 15, maxResultRows: 3, maxMemoryBytes: 4_000_000_000 };
    const limited = createClickHouse(ns.config, { settings: queryLimitSettings(limits) });
    const small = await buildTestApp(ns, { clickhouse: limited, queryLimits: limits });
    try {
      const r = await small.inject({ method: 'GET', url: '/v1/runs?limit=100', headers });
      expect(r.statusCode).toBe(422);
      expect(r.json().error).toMatch(/more than 3 rows \(RUNLENS_QUERY_MAX_RESULT_ROWS\)/);
      expect((await small.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await small.close();
      await limited.close();
    }
    // The memory limit, the same way: a budget no query fits in.
    const tight = { timeoutSeconds: 15, maxResultRows: 2_000_000, maxMemoryBytes: 10_000 };
    const starved = createClickHouse(ns.config, { settings: queryLimitSettings(tight) });
    const poor = await buildTestApp(ns, { clickhouse: starved, queryLimits: tight });
    try {
      const r = await poor.inject({ method: 'GET', url: '/v1/runs?sort=metrics.val/acc.max:desc', headers });
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().error).toMatch(/needs more than 10,000 bytes of memory \(RUNLENS_QUERY_MAX_MEMORY_BYTES\)/);
      expect((await poor.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await poor.close();
      await starved.close();
    }
  });
});
