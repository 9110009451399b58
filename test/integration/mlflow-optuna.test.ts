// An Optuna study logged by Optuna's own MLflow callback (optuna.integration.MLflowCallback from
// optuna-integration, with the real mlflow-skinny client, in a project-local virtualenv) to
// runlens's MLflow surface, against the real Kafka, processor, ClickHouse and API: every trial is
// a run of the experiment named after the study, with its params as numbers and its value as a
// metric, and /v1/sweeps/importance ranks the param that drives the objective first and the one
// that does not matter last.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { ensureVirtualenv, MINUTE, REPO, runReportingScript } from '../helpers/python.ts';

// MLflowCallback lives in optuna-integration since Optuna 4 (optuna.integration re-exports it);
// mlflow-skinny is the same client pin as mlflow.test.ts, and all the callback needs.
const OPTUNA_MLFLOW = ['optuna==5.0.0', 'optuna-integration==5.0.0', 'mlflow-skinny==3.17.2'];
const PROJECT = 'optuna';
const STUDY = 'optuna-xyz';
const TRIALS = 40;
const SEED = 42;

interface Trial {
  number: number;
  state: string;
  params: Record<'x' | 'y' | 'z', number>;
  value: number;
}
interface Report {
  study: string;
  trials: Trial[];
}
interface ListedRun {
  id: string;
  name: string;
  status: string;
  params: Record<string, unknown>;
  tags: Record<string, string>;
  columns?: Record<string, unknown>;
}

let ns: Namespace;
let processor: Processor;
let app: App;
let read: Record<string, string>;
let report: Report;
let runs: ListedRun[];

// Within 2 units in the last place: ClickHouse 18.16's text parser and JSON output are not
// correctly rounded (README, "Design decisions"), as in mlflow.test.ts.
const closeTo = (actual: unknown, expected: number, what: string) =>
  expect(Math.abs((actual as number) - expected), `${what}: ${String(actual)} vs ${expected}`).toBeLessThanOrEqual(4.5e-16 * Math.max(1, Math.abs(expected)));

beforeAll(async () => {
  const [venv, namespace] = await Promise.all([ensureVirtualenv('mlflow-optuna', OPTUNA_MLFLOW), freshNamespace('optuna')]);
  ns = namespace;
  processor = await startProcessor(ns);
  app = await buildTestApp(ns, { gateway: true });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  read = bearer(await createTestToken(ns, PROJECT, ['read']));
  const token = await createTestToken(ns, PROJECT, ['read', 'ingest']);
  const env = { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_TOKEN: token, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2', MLFLOW_HTTP_REQUEST_TIMEOUT: '30', GIT_PYTHON_REFRESH: 'quiet' };
  report = await runReportingScript<Report>(venv.python, join(REPO, 'test', 'integration', 'python', 'mlflow_optuna.py'), [STUDY, String(TRIALS), String(SEED)], 3 * MINUTE, env, " (a request of Optuna's MLflowCallback the MLflow surface refused?)");
  // The trials as /v1 lists them, once all of them, with their value, are queryable.
  runs = await eventually(async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/runs?experiment=${STUDY}&columns=metrics.value.last&limit=1000`, headers: read });
    if (res.statusCode !== 200) return undefined;
    const listed = res.json().runs as ListedRun[];
    return listed.length === TRIALS && listed.every((run) => run.status === 'finished' && typeof run.columns?.['metrics.value.last'] === 'number') ? listed : undefined;
  }, 30_000, `${TRIALS} finished runs with metric "value" in experiment ${STUDY}`);
}, 10 * MINUTE);

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

describe("an Optuna study logged with Optuna's MLflowCallback", () => {
  it('ran every trial to completion', () => {
    expect(report.study).toBe(STUDY);
    expect(report.trials).toHaveLength(TRIALS);
    expect(report.trials.every((t) => t.state === 'COMPLETE')).toBe(true);
  });

  it('is a run per trial in the experiment named after the study: params as numbers, the value as metric, Optuna\'s tags', () => {
    const byName = new Map(runs.map((run) => [run.name, run]));
    expect([...byName.keys()].sort()).toEqual(report.trials.map((t) => String(t.number)).sort());
    for (const trial of report.trials) {
      const run = byName.get(String(trial.number))!;
      expect(Object.keys(run.params).sort(), `trial ${trial.number}`).toEqual(['x', 'y', 'z']);
      for (const p of ['x', 'y', 'z'] as const) {
        expect(typeof run.params[p], `trial ${trial.number} params.${p}`).toBe('number');
        closeTo(run.params[p], trial.params[p], `trial ${trial.number} params.${p}`);
      }
      closeTo(run.columns!['metrics.value.last'], trial.value, `trial ${trial.number} metrics.value.last`);
      expect(run.id, `trial ${trial.number}`).toMatch(/^[0-9a-f]{32}$/);
      expect(run.tags, `trial ${trial.number}`).toMatchObject({ number: String(trial.number), state: 'COMPLETE', direction: 'MINIMIZE' });
      expect(run.tags.x_distribution, `trial ${trial.number}`).toMatch(/^FloatDistribution\(/);
    }
  });

  // With 40 runs the forest's estimates are noisy, and the run ids (so the order the forest sees
  // the runs in) are new each time: 50 resamples, and an objective where, for this sample (seed
  // 42), under each of 1,600 random run orders tried with the engine, x leads y and y leads z by
  // at least 0.06 of the target's variance (x 0.21–0.28, y 0.10–0.15, z ≈ 0.02 and insensitive).
  it('ranks x first and z last in /v1/sweeps/importance', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/sweeps/importance', headers: read, payload: { selection: { experiment: STUDY }, target: 'value', resamples: 50, seed: 1 } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { target: string; runs: number; runsUsed: number; params: { param: string; rank: number; insensitive: boolean; forest: { importance: number } }[] };
    expect(body).toMatchObject({ target: 'value.last', runs: TRIALS, runsUsed: TRIALS });
    const summary = body.params.map((p) => `${p.param} ${p.forest.importance.toFixed(3)}${p.insensitive ? ' (insensitive)' : ''}`).join(', ');
    expect(body.params.map((p) => p.param), summary).toEqual(['x', 'y', 'z']);
    expect(body.params.map((p) => p.rank)).toEqual([1, 2, 3]);
    const [x, , z] = body.params;
    expect(x!.insensitive, summary).toBe(false);
    expect(z!.insensitive, summary).toBe(true);
  });
});
