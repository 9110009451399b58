// The BI contract (bi_v1_* views, docs/bi.md) on ClickHouse 18.16 with data from the real
// pipeline: each view's rows as the API shows the same runs — status (crashed included),
// params set after start, tags set and removed, lineage, artifacts, summaries and points with
// their time column, NULL where a value does not exist. (The same views run on current
// ClickHouse in the compat suite.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import type { RunlensClient } from '../../ingest/sdk/client.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { rows } from '../../storage/read.ts';

const PROJECT = 'bi';
const T0 = Date.UTC(2026, 0, 1);
let ns: Namespace;
let processor: Processor;
let app: App;
let sdk: RunlensClient;
let read: Record<string, string>;

beforeAll(async () => {
  ns = await freshNamespace('biviews');
  processor = await startProcessor(ns);
  app = await buildTestApp(ns);
  read = bearer(await createTestToken(ns, PROJECT, ['read']));
  sdk = await connectSdk(ns);
  const env = { language: 'python', languageVersion: '3.11', libraries: { torch: '2.5.1' }, hardware: 'a100' };
  const done = await sdk.startRun({ project: PROJECT, experiment: 'e', sweepId: 'sw', runId: 'done', startedAt: T0, params: { lr: 0.1, opt: 'adam' }, tags: { team: 'vision', old: 'x' }, lineage: { gitCommit: 'c1', dataVersion: 'v2', seed: 1, environment: env } });
  done.log({ loss: 0.5 }, 1, { wallTime: T0 + 1000 });
  done.log({ loss: 0.25 }, 2, { wallTime: T0 + 2000 });
  done.log({ acc: 0.9 }, 2, { segment: 'class=cat', wallTime: T0 + 2000 });
  await done.logParams({ warmup: 100, lr: 0.2 }, 2);
  await done.logArtifact({ name: 'model', kind: 'checkpoint', uri: 's3://m', digest: 'sha256:1', sizeBytes: 10, step: 2 });
  await sdk.emit('TagsSet', { project: PROJECT, runId: 'done', tags: { stage: 'prod' }, removed: ['old'], setAt: T0 + 3000 });
  await done.finish({ status: 'finished', endedAt: T0 + 5000 });
  // Started long ago and silent since: crashed. Started now: running. A deleted one.
  await sdk.startRun({ project: PROJECT, experiment: 'e', runId: 'silent', startedAt: T0, params: {}, lineage: { environment: { language: 'python', languageVersion: '', libraries: {} } } });
  const live = await sdk.startRun({ project: PROJECT, experiment: 'e', runId: 'live', params: {}, lineage: { environment: env } });
  const gone = await sdk.startRun({ project: PROJECT, experiment: 'e', runId: 'gone', startedAt: T0, params: {}, lineage: { environment: env } });
  await gone.finish({ status: 'failed', endedAt: T0 + 1 });
  await sdk.emit('RunLifecycleSet', { project: PROJECT, runId: 'gone', lifecycleStage: 'deleted', setAt: T0 + 10 });
  await sdk.flush();
  void live;
  await eventually(async () => ((await count(ns, 'SELECT count() AS n FROM runs')) === 4 && (await count(ns, 'SELECT count() AS n FROM run_finishes')) === 2 && (await count(ns, 'SELECT count() AS n FROM run_lifecycle')) === 1 && (await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks')) === 3 ? true : undefined), 60_000, 'stored');
}, 120_000);

afterAll(async () => {
  await sdk?.close();
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

const view = (sql: string) => rows<Record<string, unknown>>(ns.clickhouse, sql);

describe('bi_v1 views', () => {
  it('bi_v1_runs: one row per run, status as the API shows it, NULL where nothing was recorded', async () => {
    const runs = await view("SELECT run_id, status, sweep_id, ended_at, ended_at_ms, duration_ms, deleted, git_commit, language_version, hardware, seed FROM bi_v1_runs WHERE project = 'bi' ORDER BY run_id");
    expect(runs.map((r) => [r.run_id, r.status, Number(r.deleted)])).toEqual([['done', 'finished', 0], ['gone', 'failed', 1], ['live', 'running', 0], ['silent', 'crashed', 0]]);
    const api = (await app.inject({ method: 'GET', url: '/v1/runs?sort=run_id:asc&limit=10', headers: read })).json().runs;
    // The API leaves the deleted run out; every other status agrees.
    expect(api.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual(runs.filter((r) => Number(r.deleted) === 0).map((r) => [r.run_id, r.status]));
    expect(runs[0]).toMatchObject({ sweep_id: 'sw', ended_at_ms: T0 + 5000, git_commit: 'c1', hardware: 'a100' });
    expect(runs[3]).toMatchObject({ sweep_id: null, ended_at: null, ended_at_ms: null, duration_ms: null, git_commit: null, language_version: null, hardware: null, seed: null });
  });

  it('bi_v1_params: params set after start win per key and say so; value_number is NULL for text', async () => {
    const params = await view("SELECT param, value_type, value_text, value_number, set_after_start FROM bi_v1_params WHERE project = 'bi' AND run_id = 'done' ORDER BY param");
    expect(params).toEqual([
      { param: 'lr', value_type: 'number', value_text: '0.2', value_number: 0.2, set_after_start: 1 },
      { param: 'opt', value_type: 'string', value_text: 'adam', value_number: null, set_after_start: 0 },
      { param: 'warmup', value_type: 'number', value_text: '100', value_number: 100, set_after_start: 1 },
    ]);
  });

  it('bi_v1_tags and bi_v1_lineage: tags as set and removed since the start; what the run recorded', async () => {
    expect(await view("SELECT tag, value FROM bi_v1_tags WHERE project = 'bi' AND run_id = 'done' ORDER BY tag")).toEqual([{ tag: 'stage', value: 'prod' }, { tag: 'team', value: 'vision' }]);
    const lineage = await view("SELECT field, value FROM bi_v1_lineage WHERE project = 'bi' AND run_id = 'done' ORDER BY field");
    expect(Object.fromEntries(lineage.map((l) => [l.field, l.value]))).toEqual({ data_version: 'v2', git_commit: 'c1', git_dirty: '0', hardware: 'a100', language: 'python', language_version: '3.11', 'libraries.torch': '2.5.1', seed: '1', host: expect.any(String) });
  });

  it('bi_v1_metric_summaries and bi_v1_metric_points agree with the API, with a time column', async () => {
    const summaries = await view("SELECT metric, segment, points, mean_value, min_value, max_value, latest_value, latest_step FROM bi_v1_metric_summaries WHERE project = 'bi' AND run_id = 'done' ORDER BY metric");
    expect(summaries).toEqual([
      { metric: 'acc', segment: 'class=cat', points: 1, mean_value: 0.9, min_value: 0.9, max_value: 0.9, latest_value: 0.9, latest_step: 2 },
      { metric: 'loss', segment: null, points: 2, mean_value: 0.375, min_value: 0.25, max_value: 0.5, latest_value: 0.25, latest_step: 2 },
    ]);
    const points = await view("SELECT metric, segment, worker_rank, step, time, time_ms, value FROM bi_v1_metric_points WHERE project = 'bi' AND run_id = 'done' AND metric = 'loss' ORDER BY step");
    expect(points).toEqual([
      { metric: 'loss', segment: null, worker_rank: null, step: 1, time: '2026-01-01 00:00:01', time_ms: T0 + 1000, value: 0.5 },
      { metric: 'loss', segment: null, worker_rank: null, step: 2, time: '2026-01-01 00:00:02', time_ms: T0 + 2000, value: 0.25 },
    ]);
  });

  it('bi_v1_metric_points_lod: 64-step buckets, equal to the points grouped the same way, across chunks', async () => {
    const run = await sdk.startRun({ project: 'bilod', experiment: 'e', runId: 'long', startedAt: T0, params: {}, lineage: { environment: { language: 'python', languageVersion: '', libraries: {} } } });
    // Two messages, the second starting inside the bucket of steps 128–191.
    for (let step = 0; step < 150; step++) run.log({ loss: Math.sin(step) }, step, { wallTime: T0 + step });
    await sdk.flush();
    for (let step = 150; step < 300; step++) run.log({ loss: Math.sin(step) }, step, { wallTime: T0 + step });
    await sdk.flush();
    await eventually(async () => ((await count(ns, "SELECT sum(point_count) AS n FROM metric_chunks WHERE project = 'bilod'")) === 300 ? true : undefined), 60_000, 'long series stored');
    const lod = await view("SELECT segment, worker_rank, step_from, step_to, points, round(mean_value, 9) AS mean, min_value, max_value FROM bi_v1_metric_points_lod WHERE project = 'bilod' AND run_id = 'long' AND metric = 'loss' ORDER BY step_from");
    const grouped = await view(`SELECT segment, worker_rank, intDiv(step, 64) * 64 AS step_from, intDiv(step, 64) * 64 + 63 AS step_to, count() AS points, round(avg(value), 9) AS mean, min(value) AS min_value, max(value) AS max_value
      FROM bi_v1_metric_points WHERE project = 'bilod' AND run_id = 'long' AND metric = 'loss' GROUP BY segment, worker_rank, step_from, step_to ORDER BY step_from`);
    expect(lod).toEqual(grouped);
    expect(lod.map((b) => [b.step_from, b.points])).toEqual([[0, 64], [64, 64], [128, 64], [192, 64], [256, 44]]);
  });

  it('bi_v1_artifacts: every artifact, step NULL when none', async () => {
    expect(await view("SELECT name, kind, uri, digest, size_bytes, step FROM bi_v1_artifacts WHERE project = 'bi'")).toEqual([{ name: 'model', kind: 'checkpoint', uri: 's3://m', digest: 'sha256:1', size_bytes: 10, step: 2 }]);
  });
});
