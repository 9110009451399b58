// `npm run bench` (part "mlflow"): the same MLflow workload (cli/bench/mlflow_workload.py), with
// the same Python client (MlflowClient of the pinned `mlflow` package, in the project-local
// virtualenv .runlens/venv-mlflow-server), against MLflow's own tracking server (`mlflow server`,
// SQLite backend, loopback, its default workers) and against runlens's MLflow surface (the API
// in this process with its ingest gateway, the processor as a child process, a fresh ClickHouse
// database and topic prefix, a token with scopes read+ingest in that database). Measured per
// backend and as the ratio runlens/MLflow:
//  - log_batch ingest: one run, 1,000 metrics per call, one call after another; points/s until
//    the client calls returned, and for runlens also until every point was stored (polled in
//    ClickHouse while the client runs, then confirmed through GET /v1/runs/:id);
//  - search_runs with a metric filter and order over N runs (N = --mlflow-runs, bounded by how
//    many runs MLflow's server takes in --mlflow-load-budget seconds; runlens gets the same N);
//  - get_metric_history of 100 runs × 1,000 steps, one call after another.
// Prints figures; asserts nothing about time. Stops both servers and drops the database after.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createClickHouse, type ClickHouseClient } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { createToken } from '../../storage/api-tokens.ts';
import { rows } from '../../storage/read.ts';
import { quoteString } from '../../storage/sql-quote.ts';
import { startServer } from '../api-server.ts';
import { ensureVirtualenv, MINUTE, REPO, runCommand, type Virtualenv } from '../python-venv.ts';
import { closeScratch, openScratch } from './scratch.ts';
import { recordFigure } from './report.ts';

/** MLflow's tracking server and, in the same virtualenv, the client both backends are driven by. */
export const MLFLOW_SERVER_REQUIREMENTS = ['mlflow==3.17.2'];
const WORKLOAD = join(REPO, 'cli', 'bench', 'mlflow_workload.py');
const PROJECT = 'mlflow-bench';
const EXPERIMENTS = { ingest: 'bench-ingest', search: 'bench-search', history: 'bench-history' } as const;
const HISTORY_RUNS = 100;
const HISTORY_STEPS = 1000;
const LOAD_THREADS = 8;

export interface MlflowBenchOptions {
  /** log_batch ingest: points in all (1,000 per call). */
  points: number;
  /** search_runs: runs to load (fewer if MLflow's server does not take them within loadBudgetS). */
  runs: number;
  loadBudgetS: number;
}

interface Backend {
  name: string;
  env: Record<string, string>;
}

interface IngestResult { run_id: string; points: number; calls: number; keys: number; steps_per_key: number; seconds: number; started_ms: number; returned_ms: number }
interface LoadResult { runs: number; wanted: number; seconds: number; runs_per_s: number; budget_exhausted: boolean }
interface SearchResult { returned: number; ordered: boolean; all_match: boolean; names_sha1: string; warmup_s: number; latencies_s: number[]; median_s: number; min_s: number }
interface HistoryLoad { runs: number; points: number; seconds: number }
interface HistoryResult { runs: number; points: number; warmup_s: number; passes_s: number[]; median_s: number }

interface Figures {
  ingest: IngestResult & { queryableMs?: number; confirmedMs?: number };
  load: LoadResult & { storedS?: number };
  search: SearchResult;
  historyLoad: HistoryLoad;
  history: HistoryResult;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** One phase of the workload; its answer is the JSON on the last line of stdout. */
async function phase<T>(venv: Virtualenv, backend: Backend, name: string, args: (string | number)[], timeoutMs = 20 * MINUTE): Promise<T> {
  const r = await runCommand(venv.python, [WORKLOAD, name, ...args.map(String)], timeoutMs, { env: backend.env });
  const last = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (r.code !== 0 || last === undefined) throw new Error(`${backend.name}: mlflow_workload.py ${name} ${args.join(' ')} failed (exit ${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-8000)}`);
  return JSON.parse(last) as T;
}

/** `mlflow server` on a free loopback port, SQLite in a temporary directory; stopped with its workers (own process group). */
async function startMlflowServer(venv: Virtualenv, dir: string): Promise<{ url: string; startupS: number; stop: () => Promise<void>; log: string }> {
  const port = await freePort();
  const log = join(dir, 'server.log');
  const fd = openSync(log, 'a');
  const t0 = performance.now();
  const child = spawn(venv.bin('mlflow'), ['server', '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`, '--default-artifact-root', join(dir, 'artifacts'), '--host', '127.0.0.1', '--port', String(port)], {
    cwd: dir, detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, GIT_PYTHON_REFRESH: 'quiet' },
  });
  closeSync(fd);
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = () => stopGroup(child, () => exited);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 5 * MINUTE;
  for (;;) {
    if (exited) throw new Error(`mlflow server exited during startup; its log:\n${readFileSync(log, 'utf8').slice(-4000)}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mlflow server not healthy after 5 minutes; its log:\n${readFileSync(log, 'utf8').slice(-4000)}`);
    }
    await sleep(250);
  }
  return { url, startupS: (performance.now() - t0) / 1000, stop, log };
}

/** SIGTERM to the process group we started, SIGKILL after 20 s. */
async function stopGroup(child: ChildProcess, exited: () => boolean): Promise<void> {
  if (child.pid === undefined || exited()) return;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 20_000;
  while (!exited() && Date.now() < deadline) await sleep(100);
  if (!exited()) signal('SIGKILL');
}

/** What runlens has stored of one experiment: runs, runs with logged params, runs with points, points. */
async function stored(ch: ClickHouseClient, experiment: string) {
  const p = quoteString(PROJECT);
  const ofExperiment = `run_id IN (SELECT run_id FROM runs WHERE project = ${p} AND experiment = ${quoteString(experiment)})`;
  const [r] = await rows<Record<string, number>>(ch, `
SELECT
  (SELECT count() FROM runs FINAL WHERE project = ${p} AND experiment = ${quoteString(experiment)}) AS runs,
  (SELECT uniqExact(run_id) FROM run_param_updates WHERE project = ${p} AND ${ofExperiment}) AS with_params,
  (SELECT uniqExact(run_id) FROM metric_chunks WHERE project = ${p} AND ${ofExperiment}) AS with_points,
  (SELECT sum(point_count) FROM metric_chunks FINAL WHERE project = ${p} AND ${ofExperiment}) AS points`);
  return { runs: Number(r?.runs ?? 0), withParams: Number(r?.with_params ?? 0), withPoints: Number(r?.with_points ?? 0), points: Number(r?.points ?? 0) };
}

async function waitStored(ch: ClickHouseClient, experiment: string, done: (s: Awaited<ReturnType<typeof stored>>) => boolean, timeoutMs = 10 * MINUTE): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A poll that times out on a busy machine is not the answer: ask again until the deadline.
    const s = await stored(ch, experiment).catch((err: unknown) => ({ error: String(err) }));
    if (!('error' in s) && done(s)) return;
    if (Date.now() > deadline) throw new Error(`runlens: experiment ${experiment} not fully stored after ${timeoutMs / 1000} s: ${JSON.stringify(s)}`);
    await sleep(200);
  }
}

/** The workload, phase by phase; `runlens` waits after each load until what was written is stored. */
async function workload(venv: Virtualenv, backend: Backend, o: MlflowBenchOptions, runlens?: { ch: ClickHouseClient; url: string; token: string }): Promise<Figures> {
  console.log(`  ${backend.name}: log_batch ingest, ${int(o.points)} points…`);
  let ingest: Figures['ingest'];
  if (runlens) {
    // Polled while the client runs, so the time to queryable is not the Python process's exit.
    let stop = false;
    let queryableAt: number | undefined;
    const expected = o.points + 10; // + the warm-up run's 10 points
    const poll = (async () => {
      while (!stop) {
        const s = await stored(runlens.ch, EXPERIMENTS.ingest).catch(() => undefined);
        if (s && s.points >= expected) {
          queryableAt = Date.now();
          return;
        }
        await sleep(100);
      }
    })();
    try {
      ingest = await phase<IngestResult>(venv, backend, 'ingest', ['--experiment', EXPERIMENTS.ingest, '--points', o.points, '--per-call', 1000, '--keys', 10]);
    } catch (err) {
      stop = true;
      throw err;
    }
    const deadline = Date.now() + 10 * MINUTE;
    while (queryableAt === undefined && Date.now() < deadline) await sleep(50);
    stop = true;
    await poll;
    if (queryableAt === undefined) throw new Error(`runlens: ${o.points} points not stored 10 minutes after the client returned`);
    // Confirmed through the API: every point counted in the run's metric summaries.
    const r = await fetch(`${runlens.url}/v1/runs/${ingest.run_id}`, { headers: { authorization: `Bearer ${runlens.token}` } });
    const run = (await r.json()) as { metrics?: { key: string; count: number }[] };
    const count = (run.metrics ?? []).reduce((n, m) => n + m.count, 0);
    if (count !== ingest.points) throw new Error(`runlens: GET /v1/runs/${ingest.run_id} counts ${count} points, ${ingest.points} were logged`);
    ingest = { ...ingest, queryableMs: queryableAt - ingest.started_ms, confirmedMs: Date.now() - ingest.started_ms };
  } else {
    ingest = await phase<IngestResult>(venv, backend, 'ingest', ['--experiment', EXPERIMENTS.ingest, '--points', o.points, '--per-call', 1000, '--keys', 10]);
  }

  console.log(`  ${backend.name}: loading ${int(o.runs)} runs for search_runs (${LOAD_THREADS} client threads${runlens ? '' : `, at most ${o.loadBudgetS} s`})…`);
  const loadT0 = performance.now();
  let load: Figures['load'] = await phase<LoadResult>(venv, backend, 'load-runs', ['--experiment', EXPERIMENTS.search, '--runs', o.runs, '--threads', LOAD_THREADS, '--budget-s', runlens ? 3600 : o.loadBudgetS], 90 * MINUTE);
  if (runlens) {
    await waitStored(runlens.ch, EXPERIMENTS.search, (s) => s.runs >= load.runs && s.withParams >= load.runs && s.withPoints >= load.runs);
    load = { ...load, storedS: (performance.now() - loadT0) / 1000 };
  }
  const search = await phase<SearchResult>(venv, backend, 'search', ['--experiment', EXPERIMENTS.search, '--repeats', 5, '--max-results', 1000]);

  console.log(`  ${backend.name}: loading ${HISTORY_RUNS} runs × ${HISTORY_STEPS} steps for get_metric_history…`);
  const historyLoad = await phase<HistoryLoad>(venv, backend, 'load-history', ['--experiment', EXPERIMENTS.history, '--runs', HISTORY_RUNS, '--steps', HISTORY_STEPS, '--threads', 4]);
  if (runlens) await waitStored(runlens.ch, EXPERIMENTS.history, (s) => s.points >= HISTORY_RUNS * HISTORY_STEPS);
  const history = await phase<HistoryResult>(venv, backend, 'history', ['--experiment', EXPERIMENTS.history, '--passes', 3]);
  return { ingest, load, search, historyLoad, history };
}

async function benchMlflowServer(venv: Virtualenv, o: MlflowBenchOptions): Promise<{ figures: Figures; startupS: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-bench-mlflow-'));
  let server: Awaited<ReturnType<typeof startMlflowServer>> | undefined;
  try {
    server = await startMlflowServer(venv, dir);
    console.log(`  MLflow server: ${server.url} (sqlite:///${join(dir, 'mlflow.db')}, healthy after ${server.startupS.toFixed(1)} s)`);
    const backend: Backend = { name: 'MLflow server', env: clientEnv(server.url, '') };
    return { figures: await workload(venv, backend, o), startupS: server.startupS };
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchRunlens(venv: Virtualenv, base: Config, o: MlflowBenchOptions): Promise<Figures> {
  const scratch = await openScratch(base, `benchmlflow${Date.now()}`, { apiHost: '127.0.0.1', apiPort: 0, logLevel: 'warn' });
  const { config, processor } = scratch;
  const ch = createClickHouse(config);
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer(config, createLogger('bench-mlflow-api', 'error'));
    const { token } = await createToken(ch, { project: PROJECT, scopes: ['read', 'ingest'], name: 'bench mlflow' });
    console.log(`  runlens: API ${server.url} in this process, processor pid ${processor.pid}, database ${config.clickhouseDatabase}, topic prefix ${config.topicPrefix}`);
    return await workload(venv, { name: 'runlens', env: clientEnv(server.url, token) }, o, { ch, url: server.url, token });
  } finally {
    for (const step of server?.shutdownSteps ?? []) await step.run().catch(() => undefined);
    await ch.close();
    await closeScratch(scratch);
  }
}

function clientEnv(url: string, token: string): Record<string, string> {
  return { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_TOKEN: token, MLFLOW_HTTP_REQUEST_TIMEOUT: '300', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '3', GIT_PYTHON_REFRESH: 'quiet' };
}

export async function benchMlflow(base: Config, o: MlflowBenchOptions): Promise<void> {
  console.log(`\nMLflow side by side — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const t0 = performance.now();
  const venv = await ensureVirtualenv('mlflow-server', MLFLOW_SERVER_REQUIREMENTS);
  const versions = await runCommand(venv.python, ['-c', 'import mlflow, sys; print(mlflow.__version__, sys.version.split()[0])'], MINUTE);
  console.log(`  client and server: ${MLFLOW_SERVER_REQUIREMENTS.join(' ')} (mlflow ${versions.stdout.trim()}) in ${venv.dir}, ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const mlflow = await benchMlflowServer(venv, o);
  const m = mlflow.figures;
  if (m.load.budget_exhausted) console.log(`  MLflow's server took ${int(m.load.runs)} of ${int(o.runs)} runs in the ${o.loadBudgetS} s budget: search_runs is measured over ${int(m.load.runs)} runs on both backends`);
  const r = await benchRunlens(venv, base, { ...o, runs: m.load.runs });

  const ratio = (x: number, y: number) => `${(x / y).toFixed(1)}×`;
  const mIngest = m.ingest.points / m.ingest.seconds;
  const rReturned = r.ingest.points / r.ingest.seconds;
  const rQueryable = r.ingest.points / (r.ingest.queryableMs! / 1000);
  const runs = m.load.runs;
  const figure = (name: string, value: number, unit: string) => recordFigure('mlflow', name, value, unit);
  figure('log_batch, MLflow server', mIngest, 'points/s');
  figure('log_batch, runlens (acked by Kafka)', rReturned, 'points/s');
  figure('log_batch, runlens (first call → all stored)', rQueryable, 'points/s');
  figure('log_batch, runlens acked / MLflow stored', rReturned / mIngest, '×');
  figure('log_batch, runlens stored / MLflow stored', rQueryable / mIngest, '×');
  figure(`search_runs over ${runs} runs, MLflow server`, m.search.median_s * 1000, 'ms (median)');
  figure(`search_runs over ${runs} runs, runlens`, r.search.median_s * 1000, 'ms (median)');
  figure('search_runs, MLflow / runlens', m.search.median_s / r.search.median_s, '×');
  figure('get_metric_history, MLflow server', (m.history.median_s / m.history.runs) * 1000, 'ms a call');
  figure('get_metric_history, runlens', (r.history.median_s / r.history.runs) * 1000, 'ms a call');
  figure('get_metric_history, MLflow / runlens', m.history.median_s / r.history.median_s, '×');
  console.log(`
MLflow ${MLFLOW_SERVER_REQUIREMENTS[0]!.split('==')[1]} tracking server (SQLite, 4 workers by default) vs runlens MLflow surface — same client, same workload
  log_batch ingest: 1 run, ${int(m.ingest.points)} points, ${m.ingest.calls} calls × 1,000 metrics (${m.ingest.keys} keys × ${m.ingest.steps_per_key.toLocaleString('en-US')} steps), sequential   [target ≥ 50×]
    MLflow server, calls returned (= stored):   ${int(mIngest).padStart(9)} points/s (${m.ingest.seconds.toFixed(1)} s)
    runlens, calls returned (acked by Kafka):   ${int(rReturned).padStart(9)} points/s (${r.ingest.seconds.toFixed(1)} s)   ratio ${ratio(rReturned, mIngest)}
    runlens, first call → all points stored:    ${int(rQueryable).padStart(9)} points/s (${(r.ingest.queryableMs! / 1000).toFixed(1)} s; confirmed by GET /v1/runs/:id at ${(r.ingest.confirmedMs! / 1000).toFixed(1)} s)   ratio ${ratio(rQueryable, mIngest)}
  search_runs over ${int(runs)} runs${runs < o.runs ? ` (not ${int(o.runs)}: MLflow's server loads ~${m.load.runs_per_s.toFixed(0)} runs/s)` : ''}, filter "metrics.loss < 0.5", order_by "metrics.loss ASC", max_results 1000   [target ≥ 20×]
    loading (create_run + log_batch of 3 params and 1 metric, ${LOAD_THREADS} threads): MLflow ${m.load.seconds.toFixed(1)} s (${m.load.runs_per_s.toFixed(0)} runs/s), runlens ${r.load.seconds.toFixed(1)} s (${r.load.runs_per_s.toFixed(0)} runs/s; all stored after ${r.load.storedS!.toFixed(1)} s)
    MLflow server:  median ${ms(m.search.median_s)}, min ${ms(m.search.min_s)} of 5 (first call ${ms(m.search.warmup_s)}), ${m.search.returned} runs returned
    runlens:        median ${ms(r.search.median_s)}, min ${ms(r.search.min_s)} of 5 (first call ${ms(r.search.warmup_s)}), ${r.search.returned} runs returned   ratio ${ratio(m.search.median_s, r.search.median_s)} (median)
    same runs in the same order on both: ${m.search.names_sha1 === r.search.names_sha1 ? 'yes' : 'NO'}${m.search.ordered && r.search.ordered && m.search.all_match && r.search.all_match ? '' : ' (an answer was not ordered or did not match the filter)'}
  get_metric_history: ${HISTORY_RUNS} runs × ${HISTORY_STEPS} steps, one call after another, median of 3 passes   [target ≥ 10×]
    MLflow server:  ${(m.history.median_s).toFixed(2)} s per pass (${ms(m.history.median_s / m.history.runs)} per call, ${int(m.history.points / m.history.median_s)} points/s)
    runlens:        ${(r.history.median_s).toFixed(2)} s per pass (${ms(r.history.median_s / r.history.runs)} per call, ${int(r.history.points / r.history.median_s)} points/s)   ratio ${ratio(m.history.median_s, r.history.median_s)}
  (MLflow server startup ${mlflow.startupS.toFixed(1)} s; both backends share this machine with Kafka, ClickHouse and anything else running on it)`);
}
