// `npm run bench -- --only latency`: how long one point takes from run.log() until the API
// returns it, at a trickle (a point every 200 ms from one run, nothing else sent), then the same
// beside a sweep sent at about half the pipeline's end-to-end rate by a process of its own. Two routes are
// watched — GET /v1/runs/:id (its metric summary's lastStep) and GET /v1/runs/:id/metrics/<key>
// (the series' last point) — each by a poller asking every 10 ms; a point's latency is the
// first poll that returns it, less the moment log() was called. Twice: with the SDK's flush
// timer alone, and with run.flush() right after each log(). The processor runs as its own
// process (./scratch.ts), the API in this process (fastify inject). A warm-up point first (its
// latency is start-up's, printed apart). Prints p50/p90/p99; asserts nothing about time.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../common/config.ts';
import { createClickHouse } from '../../common/clickhouse.ts';
import { createLogger } from '../../common/logger.ts';
import { RunlensClient } from '../../ingest/sdk/client.ts';
import { buildApp } from '../../query-api/app.ts';
import { createToken } from '../../storage/api-tokens.ts';
import { DEFAULT_CRASH_AFTER_MS } from '../../storage/runs.ts';
import { closeScratch, openScratch } from './scratch.ts';
import { REPO_ROOT } from '../stack.ts';
import { recordFigure } from './report.ts';

const PROJECT = 'latency';
const POINTS = 100;
const EVERY_MS = 200;
const POLL_MS = 10;

/** The background load: about half the pipeline bench's end-to-end rate on this machine (~800k). */
const LOAD_POINTS_PER_S = 400_000;
const LOAD_RUNS = 8;
const LOAD_KEYS = 10;
const LOAD_TICK_MS = 20;
const LOAD_ENV = 'RUNLENS_LATENCY_LOAD';

/** The load's own process: LOAD_RUNS runs logging LOAD_KEYS metrics a step, paced per tick, until SIGTERM; then prints what it sent. */
async function runLoad(config: Config): Promise<void> {
  let acked = 0;
  const client = await RunlensClient.connect({ brokers: config.kafkaBrokers, topicPrefix: config.topicPrefix, flushOnExit: false, onDelivery: (d) => void (d.error ? undefined : (acked += d.points)) });
  const runs = await Promise.all(Array.from({ length: LOAD_RUNS }, (_, r) => client.startRun({ project: PROJECT, experiment: 'load', name: `load-${r}` })));
  const keys = Array.from({ length: LOAD_KEYS }, (_, k) => `load/m${k}`);
  let stopping = false;
  process.once('SIGTERM', () => (stopping = true));
  const started = performance.now();
  let points = 0;
  let step = 0;
  let maxBehindMs = 0;
  for (let tick = 0; !stopping; tick++) {
    const due = started + tick * LOAD_TICK_MS;
    maxBehindMs = Math.max(maxBehindMs, performance.now() - due);
    for (let n = 0; n < (LOAD_POINTS_PER_S * LOAD_TICK_MS) / 1000; n += LOAD_KEYS) {
      const values: Record<string, number> = {};
      for (const k of keys) values[k] = Math.sin(step + k.length);
      runs[step % LOAD_RUNS]!.log(values, Math.floor(step / LOAD_RUNS));
      step++;
      points += LOAD_KEYS;
    }
    await sleep(Math.max(0, due + LOAD_TICK_MS - performance.now()));
  }
  // What Kafka acknowledged while the measurement ran (logged but not yet acked points are not counted).
  const seconds = (performance.now() - started) / 1000;
  const ackedPerSecond = acked / seconds;
  await client.close();
  process.stdout.write(`${JSON.stringify({ pointsPerSecond: ackedPerSecond, loggedPerSecond: points / seconds, maxBehindMs })}\n`);
}

/** Starts the load process; stop() ends it and returns what it sent. */
function startLoad(config: Config): { stop: () => Promise<{ pointsPerSecond: number; loggedPerSecond: number; maxBehindMs: number }> } {
  // From the repository's root, where --import finds tsx whatever the caller's directory.
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { cwd: REPO_ROOT, env: { ...process.env, [LOAD_ENV]: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  return {
    stop: async () => {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`the latency bench's load process exited with code ${code}`);
      return JSON.parse(out.trim().split('\n').pop()!) as { pointsPerSecond: number; loggedPerSecond: number; maxBehindMs: number };
    },
  };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

type Routes = Record<string, (runId: string) => Promise<number>>;

/** Both modes (the SDK's timer, flush() after each log()) under the current load; `suffix` tells the figures apart. */
async function measure(label: string, client: RunlensClient, routes: Routes, suffix: string): Promise<void> {
  console.log(`  ${label}:`);
  for (const flush of [false, true]) {
    const run = await client.startRun({ project: PROJECT, experiment: 'latency', name: `${flush ? 'flush' : 'timer'} ${label}` });
    await run.flush();
    const loggedAt: number[] = [];
    const seen: Record<string, number[]> = Object.fromEntries(Object.keys(routes).map((k) => [k, []]));
    let logging = true;
    const pollers = Object.entries(routes).map(async ([name, lastStep]) => {
      let highest = -1;
      while (logging || highest < POINTS - 1) {
        const step = await lastStep(run.id);
        const at = performance.now();
        for (let s = highest + 1; s <= step; s++) seen[name]![s] = at - loggedAt[s]!;
        highest = Math.max(highest, step);
        await sleep(POLL_MS);
      }
    });
    for (let s = 0; s < POINTS; s++) {
      const next = performance.now() + EVERY_MS;
      loggedAt[s] = performance.now();
      run.log({ loss: 1 / (s + 1) }, s);
      if (flush) await run.flush();
      await sleep(Math.max(0, next - performance.now()));
    }
    logging = false;
    await Promise.race([Promise.all(pollers), sleep(60_000).then(() => Promise.reject(new Error('points not visible within 60 s')))]);
    await run.finish();
    for (const [name, latencies] of Object.entries(seen)) {
      const sorted = latencies.filter((x) => x !== undefined).sort((a, b) => a - b);
      const mode = flush ? 'log() + flush()' : 'log(), SDK timer';
      for (const q of [0.5, 0.9, 0.99]) recordFigure('latency', `${mode} → ${name}${suffix}, p${Math.round(q * 100)}`, quantile(sorted, q), 'ms');
      console.log(`  ${mode.padEnd(18)} → ${name.padEnd(30)} p50 ${quantile(sorted, 0.5).toFixed(0).padStart(5)} ms   p90 ${quantile(sorted, 0.9).toFixed(0).padStart(5)} ms   p99 ${quantile(sorted, 0.99).toFixed(0).padStart(5)} ms   max ${sorted[sorted.length - 1]!.toFixed(0).padStart(5)} ms (${sorted.length} points)`);
    }
  }
}

export async function benchLatency(base: Config): Promise<void> {
  const tag = `latency${Date.now()}`;
  const scratch = await openScratch(base, tag);
  const { config } = scratch;
  const ch = createClickHouse(config);
  const client = await RunlensClient.connect({ brokers: config.kafkaBrokers, topicPrefix: config.topicPrefix, flushOnExit: false });
  const app = await buildApp({ clickhouse: ch, logger: createLogger('bench-api', 'silent'), tokenCacheMs: 60_000, crashAfterMs: DEFAULT_CRASH_AFTER_MS });
  console.log(`\nrunlens latency benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.versions.node}; a point every ${EVERY_MS} ms from one run, ${POINTS} points, polled every ${POLL_MS} ms`);
  try {
    const headers = { authorization: `Bearer ${(await createToken(ch, { project: PROJECT, scopes: ['read'], name: 'bench' })).token}` };
    const routes = {
      'GET /v1/runs/:id': async (runId: string) => {
        const r = await app.inject({ method: 'GET', url: `/v1/runs/${runId}`, headers });
        if (r.statusCode === 404) return -1;
        const m = (r.json() as { metrics: { key: string; lastStep: number }[] }).metrics.find((s) => s.key === 'loss');
        return m ? m.lastStep : -1;
      },
      'GET /v1/runs/:id/metrics/loss': async (runId: string) => {
        const r = await app.inject({ method: 'GET', url: `/v1/runs/${runId}/metrics/loss?maxPoints=20000`, headers });
        if (r.statusCode === 404) return -1;
        const points = (r.json() as { points: { step: number }[] }).points;
        return points.length === 0 ? -1 : points[points.length - 1]!.step;
      },
    };
    // Warm-up: the scratch's topic is new and its processor just started, so the first points
    // wait for the consumer to find the topic's partitions (1.3 s here) — start-up, not the
    // steady state measured below. Shown on its own line.
    const warm = await client.startRun({ project: PROJECT, experiment: 'latency', name: 'warm-up' });
    const warmAt = performance.now();
    warm.log({ loss: 1 }, 0);
    await warm.flush();
    while ((await routes['GET /v1/runs/:id'](warm.id)) < 0) await sleep(POLL_MS);
    const firstMs = performance.now() - warmAt;
    recordFigure('latency', 'first point after start-up (new topic, processor just started)', firstMs, 'ms');
    console.log(`  first point after start-up (new topic, processor just started), log() + flush() → GET /v1/runs/:id: ${firstMs.toFixed(0)} ms; then, measured:`);
    await warm.finish();
    await measure('at a trickle', client, routes, '');
    // Then beside a sweep at about half the pipeline's end-to-end rate here, sent by a process
    // of its own (its CPU is not this one's, whose timers take the measurements).
    const load = startLoad(config);
    let measured = false;
    try {
      await sleep(2_000); // the load reaches its pace
      await measure(`beside ${(LOAD_POINTS_PER_S / 1000).toFixed(0)}k points/s`, client, routes, ` beside ${LOAD_POINTS_PER_S / 1000}k points/s`);
      measured = true;
    } finally {
      // The load's own failure is reported; it does not hide the measurement's.
      const sent = await load.stop().catch((err: unknown) => {
        if (measured) throw err;
        console.warn(`  the load process failed too: ${String(err)}`);
        return null;
      });
      if (sent) {
        recordFigure('latency', 'load acknowledged during the measurement beside it', sent.pointsPerSecond, 'points/s');
        console.log(`  (the load: ${Math.round(sent.pointsPerSecond).toLocaleString('en-US')} points/s acknowledged by Kafka from ${LOAD_RUNS} runs while measured, ${Math.round(sent.loggedPerSecond).toLocaleString('en-US')} logged, at most ${sent.maxBehindMs.toFixed(0)} ms behind its pace)`);
      }
    }
  } finally {
    await app.close();
    await client.close();
    await ch.close();
    await closeScratch(scratch);
  }
}

const load = process.env[LOAD_ENV];
if (load && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runLoad(JSON.parse(load) as Config);
}
