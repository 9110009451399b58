// `npm run bench` (or `-- --only queries`): query latencies through the real fastify app (buildApp +
// app.inject, a real read token) against the real ClickHouse, on synthetic sweeps written
// straight into a fresh database with the processor's own row builders (runRow, finishRow,
// chunkRows; no Kafka needed for a read benchmark). Sizes are seeded one after the other (10k,
// then 100k runs); after each, a fresh child process — the API server, holding nothing but the
// app — runs every measurement of the list: a warm-up, then `repeats` timed requests. Printed:
// medians, and the server process's peak RSS during each measurement (Linux: VmHWM, reset per
// measurement through /proc/self/clear_refs; elsewhere sampled). Asserts nothing about time.
//
// To add a query: append a Measurement to `measurements()` — a name, the sizes it applies to and
// the request to send. The database is dropped at the end, also on failure.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { InjectOptions } from 'fastify';
import { createClickHouse, queryLimitSettings, type ClickHouseClient } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { createToken } from '../../storage/api-tokens.ts';
import { REPO_ROOT, stack } from '../stack.ts';
import { Rng } from '../../ingest/simulate/random.ts';
import { dropDatabase, migrate } from '../../storage/migrate.ts';
import { serverVersion } from '../../storage/read.ts';
import { chunkRows, finishRow, runRow } from '../../processors/rows.ts';
import { type RunsRow, type TableRows } from '../../storage/tables.ts';
/** A row of any table, as inserted. */
type Row = object;
import { plantedRun } from '../../query-api/engines/sweep-analytics/planted-sweep.ts';
import { buildApp } from '../../query-api/app.ts';
import { type App } from '../../query-api/deps.ts';
import type { MetricBatch, RunStarted } from '../../schemas/events.ts';
import { recordFigure } from './report.ts';
import { peakRssMbOf } from './cpu.ts';

const PROJECT = 'bench';
const METRICS = ['val/acc', 'val/loss', 'train/loss'] as const;
const CHUNKS_PER_METRIC = 10;
const POINTS_PER_CHUNK = 4;
const OPTIMIZERS = ['adam', 'adamw', 'sgd'];

export interface QueryBenchOptions {
  /** Sweep sizes, seeded one after the other into the same project (default 10k, then 100k). */
  sizes?: number[];
  /** Timed requests per measurement and size, after one warm-up (default 5). */
  repeats?: number;
}

/** One named request, measured at every sweep size it applies to. */
export interface Measurement {
  name: string;
  /** Sizes it runs at (default: all). */
  sizes?: (runs: number) => boolean;
  request: (sweep: SeededSweep) => InjectOptions;
  /** Fewer repeats for slow requests. */
  repeats?: number;
}

export interface SeededSweep {
  sweepId: string;
  runs: number;
  token: string;
}

export interface MeasurementResult {
  name: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  n: number;
  responseBytes: number;
  peakRssMb: number | null;
}

const post = (s: SeededSweep, url: string, payload: object): InjectOptions => ({
  method: 'POST', url, payload, headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
});

const get = (s: SeededSweep, url: string): InjectOptions => ({ method: 'GET', url, headers: { authorization: `Bearer ${s.token}` } });

const RUN_FILTER = encodeURIComponent("params.lr > 0.0001 and params.optimizer in ('adam', 'adamw') and metrics.val/acc.max > 0.5");

/** The list of measured queries; add new ones here. */
export function measurements(): Measurement[] {
  return [
    // The run list over the whole project (every sweep seeded so far, orphan lookup included).
    { name: 'runs: filter + 2 sort keys, page of 50 (project)', request: (s) => get(s, `/v1/runs?filter=${RUN_FILTER}&sort=metrics.val/acc.max:desc,params.lr:asc&limit=50`) },
    { name: 'runs: sort by a metric summary, page of 50 (project)', request: (s) => get(s, '/v1/runs?sort=metrics.val/loss.min:asc&limit=50') },
    { name: 'groups by optimizer × batch_size, val/acc.max', request: (s) => post(s, '/v1/groups', { selection: { sweep: s.sweepId }, by: ['optimizer', 'batch_size'], metrics: ['val/acc.max'] }) },
    { name: 'sweeps/parallel (default axes + target)', request: (s) => post(s, '/v1/sweeps/parallel', { selection: { sweep: s.sweepId }, target: 'val/acc.max' }) },
    { name: 'sweeps/parallel grouped all-but-seed', request: (s) => post(s, '/v1/sweeps/parallel', { selection: { sweep: s.sweepId }, target: 'val/acc.max', groupBy: 'all-but-seed' }) },
    { name: 'sweeps/importance (forest + Spearman)', request: (s) => post(s, '/v1/sweeps/importance', { selection: { sweep: s.sweepId }, target: 'val/acc.max' }), repeats: 3 },
    { name: 'sweeps/contour lr × batch_size', request: (s) => post(s, '/v1/sweeps/contour', { selection: { sweep: s.sweepId }, x: 'lr', y: 'batch_size', target: 'val/acc.max' }) },
    { name: 'sweeps/best-region top 5%', request: (s) => post(s, '/v1/sweeps/best-region', { selection: { sweep: s.sweepId }, target: 'val/acc.max' }) },
  ];
}

// ---- seeding ----

// The planted sweep of the analytics tests (planted-sweep.ts), so the importance and contour
// requests analyse the same structure the tests check.
function started(sweepId: string, i: number, rng: Rng): { event: RunStarted; acc: number } {
  const { params, acc } = plantedRun(() => rng.next());
  const event: RunStarted = {
    project: PROJECT, runId: `${sweepId}-${String(i).padStart(6, '0')}`, experiment: 'bench', sweepId, name: `r${i}`, user: 'bench', startedAt: 1_790_000_000_000 + i,
    params: { ...params, optimizer: rng.pick(OPTIMIZERS) },
    tags: {},
    lineage: { gitCommit: 'abc', gitDirty: false, dataVersion: 'v1', environment: { language: 'python', languageVersion: '3.11', libraries: {}, hardware: null }, seed: params.seed, host: null, parentRunId: null },
  };
  return { event, acc };
}

/** One MetricBatch per chunk, each holding a few points of every metric. */
function chunkBatch(runId: string, chunk: number, acc: number, rng: Rng): MetricBatch {
  const keyIndex: number[] = [];
  const steps: number[] = [];
  const values: number[] = [];
  for (let k = 0; k < METRICS.length; k++) {
    for (let p = 0; p < POINTS_PER_CHUNK; p++) {
      const step = chunk * POINTS_PER_CHUNK + p + 1;
      const progress = step / (CHUNKS_PER_METRIC * POINTS_PER_CHUNK);
      keyIndex.push(k);
      steps.push(step);
      values.push(k === 0 ? acc * progress + 0.002 * rng.normal() : (1 - acc) / progress + 0.01 * rng.normal());
    }
  }
  const n = steps.length;
  return { project: PROJECT, runId, workerRank: null, keys: [...METRICS], segments: [], keyIndex, segmentIndex: new Array<number>(n).fill(-1), steps, values, wallTimes: steps.map((s) => 1_790_000_000_000 + s * 1000) };
}

async function insert(ch: ClickHouseClient, table: string, rows: Row[]): Promise<void> {
  if (rows.length > 0) await ch.insert({ table, values: rows, format: 'JSONEachRow' });
}

/**
 * Writes `runs` runs of a new sweep (runs, finishes, metric chunks) in batches, building the
 * next batch while the last one is inserted; returns the chunk rows written.
 */
export async function seedSweep(ch: ClickHouseClient, sweepId: string, runs: number, seed: number): Promise<number> {
  const rng = new Rng(seed);
  const BATCH = 2_000;
  let chunkCount = 0;
  let offset = 0;
  let inserting: Promise<unknown> = Promise.resolve();
  for (let from = 0; from < runs; from += BATCH) {
    const runRows: RunsRow[] = [];
    const finishRows: Row[] = [];
    const chunks: Pick<TableRows, 'metric_chunks' | 'metric_chunk_stats'> = { metric_chunks: [], metric_chunk_stats: [] };
    for (let i = from; i < Math.min(runs, from + BATCH); i++) {
      const { event, acc } = started(sweepId, i, rng);
      runRows.push(runRow(event, { partition: 0, offset: offset++ }));
      finishRows.push(finishRow({ project: PROJECT, runId: event.runId, status: 'finished', endedAt: event.startedAt + 60_000, durationMs: 60_000, summary: {} }, { partition: 0, offset: offset++ }));
      for (let c = 0; c < CHUNKS_PER_METRIC; c++) chunkRows(chunkBatch(event.runId, c, acc, rng), { partition: 0, offset: offset++ }, chunks);
    }
    await inserting;
    inserting = Promise.all([
      insert(ch, 'runs', runRows),
      insert(ch, 'run_finishes', finishRows),
      insert(ch, 'run_sightings', runRows.map((r) => ({ project: r.project, run_id: r.run_id, first_seen_ms: r.started_at_ms }))),
      insert(ch, 'metric_chunks', chunks.metric_chunks),
      insert(ch, 'metric_chunk_stats', chunks.metric_chunk_stats),
    ]);
    chunkCount += chunks.metric_chunks.length;
  }
  await inserting;
  return chunkCount;
}

// ---- measuring ----

/** Peak RSS of this process while `fn` runs: Linux resets VmHWM through clear_refs; elsewhere sampled. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number | null }> {
  let linux = false;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    linux = true;
  } catch {
    /* not Linux, or not allowed: sample instead */
  }
  let sampled = process.memoryUsage().rss;
  const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 5);
  try {
    const value = await fn();
    sampled = Math.max(sampled, process.memoryUsage().rss);
    const hwm = linux ? peakRssMbOf('self') : null;
    if (hwm !== null) return { value, peakMb: hwm };
    return { value, peakMb: sampled / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

async function measure(app: App, m: Measurement, sweep: SeededSweep, repeats: number): Promise<MeasurementResult> {
  const send = async () => {
    const res = await app.inject(m.request(sweep));
    if (res.statusCode !== 200) throw new Error(`${m.name} over ${sweep.runs} runs: HTTP ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.rawPayload.length;
  };
  await send(); // warm-up: JIT, ClickHouse caches
  const ms: number[] = [];
  let bytes = 0;
  const { peakMb } = await withPeakRss(async () => {
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      bytes = await send();
      ms.push(performance.now() - t);
    }
  });
  ms.sort((a, b) => a - b);
  return { name: m.name, runs: sweep.runs, medianMs: ms[Math.floor(ms.length / 2)]!, minMs: ms[0]!, maxMs: ms[ms.length - 1]!, n: ms.length, responseBytes: bytes, peakRssMb: peakMb };
}

function formatResult(r: MeasurementResult): string {
  const kb = r.responseBytes >= 1e6 ? `${(r.responseBytes / 1e6).toFixed(1)} MB` : `${(r.responseBytes / 1e3).toFixed(1)} kB`;
  return `  ${r.name.padEnd(42)} ${r.runs.toLocaleString('en-US').padStart(8)} runs  median ${r.medianMs.toFixed(0).padStart(6)} ms  (min ${r.minMs.toFixed(0)}, max ${r.maxMs.toFixed(0)}, n=${r.n})  ${kb.padStart(9)}  peak RSS ${r.peakRssMb === null ? '?' : `${r.peakRssMb.toFixed(0)} MB`}`;
}

const CHILD_ENV = 'RUNLENS_QUERY_BENCH_CHILD';
const RESULT_PREFIX = 'RESULT ';

interface ChildJob {
  config: Config;
  sweep: SeededSweep;
  repeats: number;
}

/** The API server of one sweep size: builds the app, runs the measurements, prints one result line each. */
async function runChild(job: ChildJob): Promise<void> {
  const clickhouse = createClickHouse(job.config, { settings: queryLimitSettings(job.config.queryLimits) });
  const app = await buildApp({ clickhouse, logger: createLogger('bench-api', 'warn'), tokenCacheMs: 60_000, crashAfterMs: job.config.crashAfterMs, queryLimits: job.config.queryLimits });
  try {
    for (const m of measurements()) {
      if (m.sizes && !m.sizes(job.sweep.runs)) continue;
      const r = await measure(app, m, job.sweep, m.repeats ?? job.repeats);
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(r)}\n`);
    }
  } finally {
    await app.close();
    await clickhouse.close();
  }
}

/** Runs the measurements of one size in a child process and prints each result as it arrives. */
async function measureInChild(job: ChildJob): Promise<MeasurementResult[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: REPO_ROOT, // where --import finds tsx whatever the caller's directory
    env: { ...process.env, [CHILD_ENV]: JSON.stringify(job) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const results: MeasurementResult[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.startsWith(RESULT_PREFIX)) continue;
    const r = JSON.parse(line.slice(RESULT_PREFIX.length)) as MeasurementResult;
    results.push(r);
    recordFigure('queries', `${r.name}, ${r.runs} runs`, r.medianMs, 'ms (median)');
    if (r.peakRssMb !== null) recordFigure('queries', `${r.name}, ${r.runs} runs: API peak RSS`, r.peakRssMb, 'MB');
    console.log(formatResult(r));
  }
  const code = await exited;
  if (code !== 0) throw new Error(`the benchmark's API process exited with code ${code}`);
  return results;
}

export async function benchQueries(base: Config, o: QueryBenchOptions = {}): Promise<MeasurementResult[]> {
  const sizes = o.sizes ?? [10_000, 100_000];
  const repeats = o.repeats ?? 5;
  await stack('up', base);
  const config: Config = { ...base, clickhouseDatabase: `runlens_sweepbench${Date.now()}` };
  const admin = createClickHouse(config, { database: 'default' });
  await migrate(admin, config.clickhouseDatabase);
  const writer = createClickHouse(config, { requestTimeoutMs: 600_000 });
  const results: MeasurementResult[] = [];
  const version = await serverVersion(admin);
  console.log(`
runlens query benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ClickHouse ${version ?? '?'}
  data: ${METRICS.length} metrics × ${CHUNKS_PER_METRIC} chunks × ${POINTS_PER_CHUNK} points per run; params lr, batch_size, dropout, optimizer, seed, warmup
  each line: median of the timed requests after a warm-up, response size, peak RSS of the API process during the measurement`);
  try {
    const token = (await createToken(writer, { project: PROJECT, scopes: ['read'], name: 'bench' })).token;
    for (const [k, runs] of sizes.entries()) {
      const sweepId = `sweep${runs}`;
      const t0 = performance.now();
      const chunks = await seedSweep(writer, sweepId, runs, 17 + k);
      console.log(`  seeded ${runs.toLocaleString('en-US')} runs (${chunks.toLocaleString('en-US')} chunk rows) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      results.push(...(await measureInChild({ config, sweep: { sweepId, runs, token }, repeats })));
    }
    const peak = Math.max(...results.map((r) => r.peakRssMb ?? 0));
    console.log(`  API process peak RSS over all measurements: ${peak.toFixed(0)} MB`);
    return results;
  } finally {
    await writer.close();
    await dropDatabase(admin, config.clickhouseDatabase);
    await admin.close();
  }
}

const child = process.env[CHILD_ENV];
if (child && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runChild(JSON.parse(child) as ChildJob);
}
