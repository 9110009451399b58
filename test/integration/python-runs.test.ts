// The Python package's run-facing behaviours against the real Kafka, processor, ClickHouse and
// API: four ranks started as separate processes log into one run; params set after start are
// merged into the run's params; on_invalid="warn" drops only the bad points; a process that
// dies without finish() ends as crashed once its heartbeats stop for the API's crash silence.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { MINUTE, REPO, runReportingScript, type Virtualenv } from '../helpers/python.ts';
import { pythonSdkEnv, pythonSdkVirtualenv } from '../helpers/python-sdk.ts';

const PROJECT = 'pyruns';
const RANKS = 4;
const STEPS = 200;
const CRASH_AFTER_MS = 4_000;
const SCRIPT = join(REPO, 'test', 'integration', 'python', 'runs_modes.py');

interface Metric { key: string; segment: string | null; count: number; min: number; max: number; last: number; lastStep: number }

let ns: Namespace;
let processor: Processor;
let app: App;
let venv: Virtualenv;
let read: Record<string, string>;

beforeAll(async () => {
  [venv, ns] = await Promise.all([pythonSdkVirtualenv(), freshNamespace('python_runs')]);
  processor = await startProcessor(ns);
  app = await buildTestApp(ns, { crashAfterMs: CRASH_AFTER_MS });
  read = bearer(await createTestToken(ns, PROJECT, ['read']));
}, 10 * MINUTE);

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

async function script(mode: string, args: string[] = [], env: Record<string, string> = {}) {
  // The report's shape differs per mode; each test reads its own fields.
  return runReportingScript<any>(venv.python, SCRIPT, [mode, PROJECT, ...args], 2 * MINUTE, pythonSdkEnv(ns, env));
}

const getRun = async (id: string) => {
  const r = await app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: read });
  return r.statusCode === 200 ? r.json() : undefined;
};

const metricsOf = (run: { metrics: Metric[] }) => Object.fromEntries(run.metrics.map((m) => [`${m.key}|${m.segment ?? ''}`, m]));

describe('the Python package, run side', () => {
  it('logs four ranks started as separate processes into one run, each point with its rank', async () => {
    const job = randomUUID();
    const reports = await Promise.all(Array.from({ length: RANKS }, (_, rank) =>
      script('rank', [String(STEPS)], { RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: String(RANKS), TORCHELASTIC_RUN_ID: job })));
    const ids = new Set(reports.map((r) => r.runId));
    expect(ids.size).toBe(1);
    expect(reports.map((r) => [r.workerRank, r.primary]).sort()).toEqual([[0, true], [1, false], [2, false], [3, false]]);
    const [id] = [...ids];
    const run = await eventually(async () => {
      const r = await getRun(id);
      const m = r && metricsOf(r)['train/loss|'];
      return r?.status === 'finished' && m?.count === RANKS * STEPS ? r : undefined;
    }, 60_000, 'every rank\'s points and the finish');
    const m = metricsOf(run);
    expect(m['train/loss|']).toMatchObject({ count: RANKS * STEPS, min: 0, max: (RANKS - 1) * 1000 + STEPS - 1, lastStep: STEPS - 1 });
    for (let rank = 0; rank < RANKS; rank++) expect(m[`rank${rank}/samples|`], `rank ${rank}`).toMatchObject({ count: STEPS, min: 0, max: STEPS - 1 });
    // RunStarted, params after start and RunFinished came from rank 0 alone.
    expect(run.params).toEqual({ world: RANKS, rank_that_sent: 0, set_by_rank: 0 });
    expect(run.summary).toEqual({ rank: 0 });
    const stored = await (await ns.clickhouse.query({ query: `SELECT arraySort(groupUniqArray(worker_rank)) AS ranks FROM metric_chunks WHERE run_id = '${id}'`, format: 'JSONEachRow' })).json<{ ranks: number[] }>();
    expect(stored[0]!.ranks).toEqual([0, 1, 2, 3]);
  }, 5 * MINUTE);

  it('merges params set after start into the run\'s params, the later value winning', async () => {
    const { runId, config } = await script('params');
    expect(config).toEqual({ lr: 0.05, layers: 4, 'optimizer.name': 'adamw', warmup: 500, sched: 'cosine' });
    const run = await eventually(async () => {
      const r = await getRun(runId);
      return r?.status === 'finished' && r.params.sched === 'cosine' ? r : undefined;
    }, 60_000, 'the run with its later params');
    expect(run.params).toEqual({ lr: 0.05, layers: 4, 'optimizer.name': 'adamw', warmup: 500, sched: 'cosine' });
  }, 3 * MINUTE);

  it('with on_invalid="warn" drops only the bad points, warning once per key', async () => {
    const { runId, dropped, warnings } = await script('invalid', ['10']);
    expect(dropped).toBe(5 + 10 + 1);
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/"bad".*not a finite number/);
    const run = await eventually(async () => {
      const r = await getRun(runId);
      return r?.status === 'finished' && metricsOf(r)['bad|']?.count === 5 ? r : undefined;
    }, 60_000, 'the run\'s good points');
    const m = metricsOf(run);
    expect(Object.keys(m).sort()).toEqual(['bad|', 'good|']);
    expect(m['good|']).toMatchObject({ count: 10, min: 0, max: 9 });
    expect(m['bad|']).toMatchObject({ count: 5, min: 0, max: 8 });
  }, 3 * MINUTE);

  it('shows a run whose process died without finish() as crashed after the silence', async () => {
    const { runId } = await script('crash', ['20']);
    const run = await eventually(async () => {
      const r = await getRun(runId);
      return r?.status === 'crashed' ? r : undefined;
    }, CRASH_AFTER_MS + 60_000, 'status crashed');
    expect(metricsOf(run)['train/loss|']).toMatchObject({ count: 20, lastStep: 19 });
  }, 3 * MINUTE);
});
