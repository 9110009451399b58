// The MLflow-compatible surface with the real MLflow client (mlflow-skinny from PyPI, in a
// project-local virtualenv) against the real Kafka, processor, ClickHouse and API: a script
// written for MLflow runs unchanged with MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN pointing
// at runlens, and what it logged reads back the same through MLflow and through /v1.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { ensureVirtualenv, MINUTE, REPO, runReportingScript } from '../helpers/python.ts';

const MLFLOW_CLIENT = ['mlflow-skinny==3.17.2'];
const PROJECT = 'mlflow';
const EXPERIMENT = 'mlflow-compat';
const STEPS = 10_000;

interface Report {
  runs: Record<'parent' | 'child' | 'failed' | 'killed' | 'resumed', string>;
  resumed_while_running: string;
  deleted: { stage: string; in_active: boolean; deleted_only: string[]; in_all: boolean };
  restored: { stage: string; in_active: boolean };
  deleted_run: string;
  loss: number[];
  parent_get: { info: Record<string, unknown>; data: { params: Record<string, string>; tags: Record<string, string>; metrics: Record<string, number> } };
  search: string[];
  ordered: string[];
  history: [number, number][];
  statuses: Record<string, string>;
  experiment_id: string;
  errors: Record<string, string | null>;
}

let ns: Namespace;
let processor: Processor;
let app: App;
let read: Record<string, string>;
let report: Report;
let url: string;

beforeAll(async () => {
  const [venv, namespace] = await Promise.all([ensureVirtualenv('mlflow', MLFLOW_CLIENT), freshNamespace('mlflow')]);
  ns = namespace;
  processor = await startProcessor(ns);
  app = await buildTestApp(ns, { gateway: true });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  read = bearer(await createTestToken(ns, PROJECT, ['read']));
  const token = await createTestToken(ns, PROJECT, ['read', 'ingest']);
  const env = { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_TOKEN: token, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2', MLFLOW_HTTP_REQUEST_TIMEOUT: '30', GIT_PYTHON_REFRESH: 'quiet' };
  report = await runReportingScript<Report>(venv.python, join(REPO, 'test', 'integration', 'python', 'mlflow_run.py'), [EXPERIMENT, String(STEPS)], 5 * MINUTE, env);
}, 10 * MINUTE);

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

const get = async (path: string) => {
  const r = await app.inject({ method: 'GET', url: path, headers: read });
  expect(r.statusCode, `${path}: ${r.body}`).toBe(200);
  return r.json();
};

describe('an MLflow script, unchanged, against runlens', () => {
  it('ends each run with its status', () => {
    expect(report.statuses).toEqual({ parent: 'FINISHED', child: 'FINISHED', failed: 'FAILED', killed: 'KILLED', resumed: 'FINISHED' });
  });

  it("keeps a diverged run's finite points and says which NaN it dropped, without failing the script", async () => {
    const run = await get(`/v1/runs/${report.runs.failed}`);
    expect(run.metrics.find((m: { key: string }) => m.key === 'loss')).toMatchObject({ count: 1, last: 3, lastStep: 0 });
    expect(run.tags['runlens.non_finite_dropped']).toBe('loss: NaN at step 1 (not stored: runlens keeps finite values only)');
  });

  it('resumes an ended run: running again, its points before and after the resume in one series', async () => {
    expect(report.resumed_while_running).toBe('RUNNING');
    const run = await get(`/v1/runs/${report.runs.resumed}`);
    expect(run).toMatchObject({ name: 'resumed', status: 'finished' });
    expect(run.metrics.find((m: { key: string }) => m.key === 'loss')).toMatchObject({ count: 2, max: 2.5, last: 1.5, lastStep: 1 });
  });

  it('deletes and restores runs: hidden from searches (MLflow and /v1) while deleted, readable by id', async () => {
    expect(report.deleted).toEqual({ stage: 'deleted', in_active: false, deleted_only: [report.deleted_run], in_all: true });
    expect(report.restored).toEqual({ stage: 'active', in_active: true });
    // Deleted again at the end of the script: /v1 lists leave it out, a lookup by id says so.
    expect(await get(`/v1/runs/${report.deleted_run}`)).toMatchObject({ name: 'deleted', deleted: true });
    const listed = await get(`/v1/runs?experiment=${EXPERIMENT}&limit=100`);
    expect(listed.runs.map((r: { id: string }) => r.id)).not.toContain(report.deleted_run);
    expect(listed.runs.map((r: { id: string }) => r.id)).toContain(report.runs.parent);
    expect(listed.runs.every((r: { deleted: boolean }) => r.deleted === false)).toBe(true);
  });

  it('stores params as numbers and bools for /v1, and gives MLflow back the text it logged', async () => {
    const run = await get(`/v1/runs/${report.runs.parent}`);
    expect(run).toMatchObject({ name: 'parent', experiment: EXPERIMENT, status: 'finished' });
    expect(run.params).toEqual({ lr: 0.01, batch_size: 32, optimizer: 'adam', amp: true, tiny: 1e-5 });
    // stage set twice, team deleted; MLflow's own source tags kept as tags (user, run name and git commit are run fields).
    expect(run.tags).toMatchObject({ stage: 'prod', 'mlflow.source.type': 'LOCAL', 'mlflow.source.name': expect.stringMatching(/mlflow_run\.py$/) });
    expect(run.tags).not.toHaveProperty('team');
    expect(run.tags).not.toHaveProperty('mlflow.runName');
    expect((await get(`/v1/runs/${report.runs.child}`)).lineage.parentRunId).toBe(report.runs.parent);
    // The client's Run.to_dictionary(): params and tags as {key: value}.
    expect(report.parent_get.data.params).toEqual({ lr: '0.01', batch_size: '32', optimizer: 'adam', amp: 'True', tiny: '1e-05' });
    expect(report.parent_get.info).toMatchObject({ run_name: 'parent', status: 'FINISHED', experiment_id: report.experiment_id });
    expect(report.parent_get.data.tags).toMatchObject({ stage: 'prod', 'mlflow.runName': 'parent' });
    expect(report.parent_get.data.metrics.loss).toBeCloseTo(report.loss.at(-1)!, 14);
  });

  it('keeps every point: the metric history equals what was logged, and the summary agrees', async () => {
    // Within 2 units in the last place: ClickHouse 18.16's text parser and JSON output are not
    // correctly rounded (about 1 double in 25 moves by one ulp; README, "Design decisions").
    expect(report.history.map(([step]) => step)).toEqual(report.loss.map((_, step) => step));
    report.history.forEach(([step, v]) => expect(Math.abs(v - report.loss[step]!), `step ${step}`).toBeLessThanOrEqual(4.5e-16 * Math.abs(report.loss[step]!)));
    const loss = (await get(`/v1/runs/${report.runs.parent}`)).metrics.find((m: { key: string }) => m.key === 'loss');
    expect(loss).toMatchObject({ count: STEPS, lastStep: STEPS - 1 });
    expect(loss.last).toBeCloseTo(report.loss.at(-1)!, 14);
    expect(loss.min).toBeCloseTo(Math.min(...report.loss), 14);
  });

  it('searches as /v1 does: the same runs for the same filter and order', async () => {
    const filtered = await get(`/v1/runs?experiment=${EXPERIMENT}&filter=${encodeURIComponent('params.lr = 0.01 and metrics.loss.last < 1')}&sort=metrics.loss.last:asc`);
    expect(report.search).toEqual(filtered.runs.map((r: { id: string }) => r.id));
    expect(report.search).toEqual([report.runs.parent]);
    const ordered = await get(`/v1/runs?experiment=${EXPERIMENT}&sort=${encodeURIComponent('params.lr:desc,started_at:desc')}&limit=100`);
    expect(report.ordered).toEqual(ordered.runs.map((r: { id: string }) => r.id));
    expect(report.ordered.slice(0, 3)).toEqual([report.runs.failed, report.runs.parent, report.runs.killed]);
  });

  it('answers errors as MLflow does', async () => {
    expect(report.errors).toEqual({
      unknown_run: 'RESOURCE_DOES_NOT_EXIST',
      unknown_experiment: 'RESOURCE_DOES_NOT_EXIST',
      existing_experiment: 'RESOURCE_ALREADY_EXISTS',
    });
    // MLflow's client splits batches itself; a client that does not gets MLflow's answer.
    const write = bearer(await createTestToken(ns, PROJECT, ['ingest']));
    const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: 1, timestamp: 1, step: i }));
    const over = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/log-batch', headers: write, payload: { run_id: report.runs.parent, metrics } });
    expect(over.statusCode).toBe(400);
    expect(over.json()).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.' });
    // A run of another project does not exist for this token.
    const other = bearer(await createTestToken(ns, 'another', ['read', 'ingest']));
    const r = await app.inject({ method: 'GET', url: `/api/2.0/mlflow/runs/get?run_id=${report.runs.parent}`, headers: other });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run with id=${report.runs.parent} not found` });
    const logged = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/log-metric', headers: other, payload: { run_id: report.runs.parent, key: 'x', value: 1, timestamp: 1, step: 0 } });
    expect(logged.statusCode).toBe(404);
    const unauthenticated = await app.inject({ method: 'GET', url: `/api/2.0/mlflow/runs/get?run_id=${report.runs.parent}` });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.json()).toMatchObject({ error_code: 'UNAUTHENTICATED', message: expect.stringMatching(/missing API token/) });
    const readOnly = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/log-metric', headers: read, payload: { run_id: report.runs.parent, key: 'x', value: 1, timestamp: 1, step: 0 } });
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.json()).toMatchObject({ error_code: 'PERMISSION_DENIED', message: expect.stringMatching(/scope "ingest"/) });
    // MLflow's rules for one batch: a param key once; a point sent twice is kept once.
    const dup = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/log-batch', headers: write, payload: { run_id: report.runs.parent, params: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] } });
    expect(dup.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/^Duplicate parameter keys have been submitted: \["a"\]/) });
  });

  it('creates, finds, deletes and restores experiments; pages through a metric history', async () => {
    const write = bearer(await createTestToken(ns, PROJECT, ['read', 'ingest']));
    const call = async (method: 'GET' | 'POST', path: string, payload?: object) => {
      const r = await app.inject({ method, url: `/api/2.0/mlflow/${path}`, headers: write, ...(payload ? { payload } : {}) });
      return { status: r.statusCode, body: r.json() };
    };
    const created = await call('POST', 'experiments/create', { name: 'scratch', tags: [{ key: 'owner', value: 'cv' }] });
    expect(created.status).toBe(200);
    const id = created.body.experiment_id as string;
    // Read right after write: this process remembers what it declared, and waits for ClickHouse.
    expect((await call('GET', `experiments/get-by-name?experiment_name=scratch`)).body.experiment).toMatchObject({ experiment_id: id, name: 'scratch', lifecycle_stage: 'active', tags: [{ key: 'owner', value: 'cv' }] });
    expect((await call('POST', 'experiments/delete', { experiment_id: id })).status).toBe(200);
    await eventually(async () => ((await call('GET', `experiments/get?experiment_id=${id}`)).body.experiment.lifecycle_stage === 'deleted' ? true : undefined), 10_000, 'deleted');
    const active = await call('POST', 'experiments/search', { max_results: 100 });
    expect(active.body.experiments.map((e: { name: string }) => e.name)).not.toContain('scratch');
    expect((await call('POST', 'experiments/search', { view_type: 'DELETED_ONLY', filter: "name = 'scratch'" })).body.experiments).toHaveLength(1);
    expect((await call('POST', 'runs/create', { experiment_id: id })).body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect((await call('POST', 'experiments/create', { name: 'scratch' })).body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await call('POST', 'experiments/restore', { experiment_id: id })).status).toBe(200);
    await eventually(async () => ((await call('GET', `experiments/get?experiment_id=${id}`)).body.experiment.lifecycle_stage === 'active' ? true : undefined), 10_000, 'restored');
    // get-history in pages of 4,000: the pages put together are the whole history.
    const pages: [number, number][] = [];
    let token: string | undefined;
    do {
      const page = await call('GET', `metrics/get-history?run_id=${report.runs.parent}&metric_key=loss&max_results=4000${token ? `&page_token=${token}` : ''}`);
      pages.push(...(page.body.metrics as { step: number; value: number }[]).map((m) => [m.step, m.value] as [number, number]));
      token = page.body.next_page_token;
    } while (token);
    expect(pages).toEqual(report.history);
  });

  it('finds the experiment by name and id', async () => {
    await eventually(async () => {
      const r = await app.inject({ method: 'GET', url: `/api/2.0/mlflow/experiments/get?experiment_id=${report.experiment_id}`, headers: read });
      return r.statusCode === 200 && r.json().experiment.name === EXPERIMENT ? true : undefined;
    }, 10_000, 'experiment by id');
  });
});
