// Query latencies of the comparison engine, measured through the real fastify app against the
// real ClickHouse: search + sort over 10k runs, compare 100 runs, curves for 100 runs × 100k
// steps. Data is written straight into a fresh database with the processor's own row builders
// (no Kafka needed for a read benchmark). Prints medians; asserts nothing.
import { cpus, totalmem } from 'node:os';
import { createClickHouse, type ClickHouseClient } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { createToken } from '../../storage/api-tokens.ts';
import { Rng } from '../../ingest/simulate/random.ts';
import { dropDatabase, migrate } from '../../storage/migrate.ts';
import { chunkRows, finishRow, runRow } from '../../processors/rows.ts';
import { type TableRows } from '../../storage/tables.ts';
/** A row of any table, as inserted. */
type Row = object;
import { buildApp } from '../../query-api/app.ts';
import type { RunStarted } from '../../schemas/events.ts';
import { DEFAULT_CRASH_AFTER_MS } from '../../storage/runs.ts';
import { recordFigure } from './report.ts';

export const PROJECT = 'bench';

function started(i: number, rng: Rng): RunStarted {
  return {
    project: PROJECT, runId: `run-${String(i).padStart(6, '0')}`, experiment: 'bench', sweepId: 'sweep', name: `r${i}`, user: 'bench', startedAt: 1_790_000_000_000 + i,
    params: { lr: rng.logUniform(1e-5, 1e-1), batch_size: rng.pick([32, 64, 128, 256]), optimizer: rng.pick(['adam', 'sgd', 'adamw']), dropout: rng.next() * 0.5, seed: i % 5 },
    tags: { team: rng.pick(['vision', 'nlp']) },
    lineage: { gitCommit: 'abc', gitDirty: false, dataVersion: rng.pick(['v1', 'v2']), environment: { language: 'python', languageVersion: '3.11', libraries: { torch: '2.5.1' }, hardware: null }, seed: i % 5, host: null, parentRunId: null },
  };
}

async function insert(ch: ClickHouseClient, table: string, rows: Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 20_000) await ch.insert({ table, values: rows.slice(i, i + 20_000), format: 'JSONEachRow' });
}

export type ChunkRows = Pick<TableRows, 'metric_chunks' | 'metric_chunk_stats'>;
export const noChunks = (): ChunkRows => ({ metric_chunks: [], metric_chunk_stats: [] });

export async function insertChunks(ch: ClickHouseClient, rows: ChunkRows): Promise<void> {
  await insert(ch, 'metric_chunks', rows.metric_chunks);
  await insert(ch, 'metric_chunk_stats', rows.metric_chunk_stats);
}

/** `points` points of `key` for one run, as `chunks` chunk rows. */
export function series(runId: string, key: string, points: number, chunkSize: number, offsetBase: number, rng: Rng, out: ChunkRows): void {
  for (let c = 0; c * chunkSize < points; c++) {
    const n = Math.min(chunkSize, points - c * chunkSize);
    const steps = Array.from({ length: n }, (_, j) => c * chunkSize + j + 1);
    chunkRows(
      { project: PROJECT, runId, workerRank: null, keys: [key], segments: [], keyIndex: new Array(n).fill(0), segmentIndex: new Array(n).fill(-1), steps, values: steps.map((s) => 1 - Math.exp(-s / 20_000) + 0.01 * rng.normal()), wallTimes: steps.map((s) => 1_790_000_000_000 + s * 100) },
      { partition: 0, offset: offsetBase + c },
      out,
    );
  }
}

async function median(label: string, times: number, fn: () => Promise<{ statusCode: number; body: string; rawPayload: Buffer }>): Promise<string> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    const r = await fn();
    ms.push(performance.now() - t);
    if (r.statusCode !== 200) throw new Error(`${label}: HTTP ${r.statusCode} ${r.body.slice(0, 300)}`);
    bytes = r.rawPayload.length;
  }
  ms.sort((a, b) => a - b);
  recordFigure('queries', label, ms[Math.floor(ms.length / 2)]!, 'ms (median)');
  const size = bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
  return `  ${label.padEnd(58)} median ${ms[Math.floor(ms.length / 2)]!.toFixed(0).padStart(6)} ms  (min ${ms[0]!.toFixed(0)}, max ${ms[ms.length - 1]!.toFixed(0)}, n=${times})  ${size.padStart(9)}`;
}

/**
 * The runs of the comparison benchmarks, written straight into ClickHouse as the processor
 * writes them: `count` runs with val/acc and loss over 2,000 steps each (10 chunks a metric).
 */
export async function seedRuns(ch: ClickHouseClient, count: number, rng: Rng): Promise<{ runs: RunStarted[]; offset: number }> {
  const runs = Array.from({ length: count }, (_, i) => started(i, rng));
  await insert(ch, 'runs', runs.map((r, i) => runRow(r, { partition: 0, offset: i })));
  await insert(ch, 'run_finishes', runs.map((r, i) => finishRow({ project: PROJECT, runId: r.runId, status: 'finished', endedAt: r.startedAt + 1000, durationMs: 1000, summary: {} }, { partition: 0, offset: count + i })));
  // As the processor writes them: a sighting per run (the run source looks for orphaned runs there).
  await insert(ch, 'run_sightings', runs.map((r) => ({ project: PROJECT, run_id: r.runId, first_seen_ms: r.startedAt })));
  let chunks = noChunks();
  let offset = 10 * count;
  for (let i = 0; i < count; i++) {
    series(runs[i]!.runId, 'val/acc', 2_000, 200, offset, rng, chunks);
    offset += 10;
    series(runs[i]!.runId, 'loss', 2_000, 200, offset, rng, chunks);
    offset += 10;
    if (chunks.metric_chunks.length >= 20_000) {
      await insertChunks(ch, chunks);
      chunks = noChunks();
    }
  }
  await insertChunks(ch, chunks);
  return { runs, offset };
}

export async function benchComparisonQueries(base: Config, o: { runs?: number; curveRuns?: number; curveSteps?: number } = {}): Promise<void> {
  const RUNS = o.runs ?? 10_000;
  const CURVE_RUNS = o.curveRuns ?? 100;
  const CURVE_STEPS = o.curveSteps ?? 100_000;
  const SHORT_CURVE_STEPS = 10_000;
  const config: Config = { ...base, clickhouseDatabase: `runlens_qbench${Date.now()}` };
  const admin = createClickHouse(config, { database: 'default' });
  await migrate(admin, config.clickhouseDatabase);
  const ch = createClickHouse(config, { requestTimeoutMs: 300_000 });
  try {
    const rng = new Rng(3);
    const t0 = performance.now();
    const seeded = await seedRuns(ch, RUNS, rng);
    const runs = seeded.runs;
    let chunks = noChunks();
    let offset = seeded.offset;
    for (let i = 0; i < CURVE_RUNS; i++) {
      series(runs[i]!.runId, 'train/loss', CURVE_STEPS, 1_000, offset, rng, chunks);
      offset += CURVE_STEPS / 1_000 + 1;
      // Shorter curves too: 1,000 buckets of 10 steps are read from the points, not the 64-step level of detail.
      series(runs[i]!.runId, 'train/acc', SHORT_CURVE_STEPS, 1_000, offset, rng, chunks);
      offset += SHORT_CURVE_STEPS / 1_000 + 1;
      if (chunks.metric_chunks.length >= 2_000) {
        await insertChunks(ch, chunks);
        chunks = noChunks();
      }
    }
    await insertChunks(ch, chunks);
    const loaded = (performance.now() - t0) / 1000;

    const token = (await createToken(ch, { project: PROJECT, scopes: ['read'], name: 'bench' })).token;
    const app = await buildApp({ clickhouse: ch, logger: createLogger('bench-api', 'silent'), tokenCacheMs: 60_000, crashAfterMs: DEFAULT_CRASH_AFTER_MS });
    const headers = { authorization: `Bearer ${token}` };
    const get = (url: string) => app.inject({ method: 'GET', url, headers });
    const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload, headers });
    const hundred = runs.slice(0, 100).map((r) => r.runId);
    // val/acc here ends near 0.1 in every run (series() above): > 0.5 kept none, so the page was
    // empty; > 0.1 keeps nearly all, and the lr and optimizer conditions about half.
    const filter = encodeURIComponent("params.lr > 0.0001 and params.optimizer in ('adam', 'adamw') and metrics.val/acc.max > 0.1");
    const lines = [
      await median(`search + sort, ${RUNS.toLocaleString('en-US')} runs (filter, 2 sort keys, page of 50)`, 7, () => get(`/v1/runs?filter=${filter}&sort=metrics.val/acc.max:desc,params.lr:asc&limit=50`)),
      await median(`sort only, ${RUNS.toLocaleString('en-US')} runs (metric summary, page of 50)`, 7, () => get('/v1/runs?sort=metrics.loss.min:asc&limit=50')),
      await median('compare 100 runs (all metrics, confounds)', 7, () => post('/v1/compare', { runIds: hundred, variables: ['params.lr'] })),
      await median(`curves, ${CURVE_RUNS} runs × ${CURVE_STEPS.toLocaleString('en-US')} steps → 1,000 buckets`, 7, () => post('/v1/curves', { selection: { runIds: hundred.slice(0, CURVE_RUNS) }, metrics: ['train/loss'], maxPoints: 1000 })),
      await median(`curves, ${CURVE_RUNS} runs × ${SHORT_CURVE_STEPS.toLocaleString('en-US')} steps → 1,000 buckets`, 7, () => post('/v1/curves', { selection: { runIds: hundred.slice(0, CURVE_RUNS) }, metrics: ['train/acc'], maxPoints: 1000 })),
      await median(`  the same, as Arrow (format "arrow")`, 7, () => post('/v1/curves', { selection: { runIds: hundred.slice(0, CURVE_RUNS) }, metrics: ['train/acc'], maxPoints: 1000, format: 'arrow' })),
      await median(`groups over ${RUNS.toLocaleString('en-US')} runs (by optimizer × batch_size, val/acc.max)`, 3, () => post('/v1/groups', { by: ['optimizer', 'batch_size'], metrics: ['val/acc.max'] })),
    ];
    await app.close();
    console.log(`
runlens comparison query benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}
  data: ${RUNS.toLocaleString('en-US')} runs × 2 metrics × 2,000 points + ${CURVE_RUNS} runs × (${CURVE_STEPS.toLocaleString('en-US')} + ${SHORT_CURVE_STEPS.toLocaleString('en-US')}) steps, loaded in ${loaded.toFixed(1)} s
${lines.join('\n')}`);
  } finally {
    await ch.close();
    await dropDatabase(admin, config.clickhouseDatabase);
    await admin.close();
  }
}
