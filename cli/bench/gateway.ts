// `npm run bench -- --only gateway`: the HTTP ingest gateway (POST /v1/ingest/events, JSON) under
// load from CLIENTS concurrent clients on kept-alive connections, each sending MetricBatch events
// of a fixed size as fast as the gateway answers 202, for SECONDS per size, after a one-second
// warm-up that is not measured (start-up: new topics). The API runs as its
// own process (as in production) beside a processor (./scratch.ts); the clients run in this one.
// Printed per request size: points/s acknowledged (202: Kafka took them, acks=-1) and end to end
// (first request → every point queryable). Asserts nothing about time.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClickHouse } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import { createToken } from '../../storage/api-tokens.ts';
import { REPO_ROOT } from '../stack.ts';
import { waitForSweep } from '../wait.ts';
import { recordFigure } from './report.ts';
import { closeScratch, openScratch } from './scratch.ts';

const PROJECT = 'gateway';
const CLIENTS = 4;
const SECONDS = 10;
const SIZES = [1_000, 20_000];

type JsonEvent = { type: string; event: Record<string, unknown> };

async function post(url: string, token: string, body: JsonEvent | JsonEvent[]): Promise<void> {
  const res = await fetch(`${url}/v1/ingest/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`POST /v1/ingest/events: HTTP ${res.status} ${text.slice(0, 300)}`);
}

/** One size: each client starts a run, sends batches of `points` for `seconds`, finishes it; then waits until all is stored. */
async function measure(url: string, token: string, ch: ReturnType<typeof createClickHouse>, points: number, seconds: number): Promise<{ acked: number; endToEnd: number; requests: number }> {
  const sweepId = `gateway-${points}-${Date.now()}`;
  let sent = 0;
  let requests = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const runId = `${sweepId}-${c}`;
      const startedAt = Date.now();
      await post(url, token, {
        type: 'RunStarted',
        event: { project: PROJECT, runId, experiment: 'gateway', sweepId, name: runId, user: 'bench', startedAt, params: {}, tags: {}, lineage: { gitCommit: null, gitDirty: false, dataVersion: null, environment: { language: 'bench', languageVersion: '', libraries: {}, hardware: null }, seed: null, host: null, parentRunId: null } },
      });
      for (let sequence = 0; performance.now() < end; sequence++) {
        const steps = Array.from({ length: points }, (_, i) => sequence * points + i);
        await post(url, token, {
          type: 'MetricBatch',
          event: { project: PROJECT, runId, workerRank: null, keys: ['loss'], segments: [], keyIndex: steps.map(() => 0), segmentIndex: steps.map(() => -1), steps, values: steps.map((s) => 1 / (s + 1)), wallTimes: steps.map((s) => startedAt + s), producerId: runId, sequence },
        });
        sent += points;
        requests++;
      }
      await post(url, token, { type: 'RunFinished', event: { project: PROJECT, runId, status: 'finished', endedAt: Date.now(), durationMs: null, summary: {} } });
    }),
  );
  const ackedS = (performance.now() - started) / 1000;
  await waitForSweep(ch, PROJECT, sweepId, { runs: CLIENTS, finished: CLIENTS, points: sent }, 300_000);
  const storedS = (performance.now() - started) / 1000;
  return { acked: sent / ackedS, endToEnd: sent / storedS, requests };
}

export async function benchGateway(base: Config): Promise<void> {
  const scratch = await openScratch(base, `gateway${Date.now()}`);
  const { config } = scratch;
  const ch = createClickHouse(config);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const api = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'runlens.js'), 'api'], {
    env: { ...process.env, RUNLENS_CLICKHOUSE_DATABASE: config.clickhouseDatabase, RUNLENS_TOPIC_PREFIX: config.topicPrefix, RUNLENS_API_PORT: String(port), RUNLENS_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  console.log(`\nrunlens ingest gateway benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.versions.node}; the API as its own process, ${CLIENTS} clients in this one, JSON MetricBatch events, ${SECONDS} s per size`);
  try {
    const token = (await createToken(ch, { project: PROJECT, scopes: ['ingest'], name: 'bench' })).token;
    for (let waited = 0; ; waited += 200) {
      if (api.exitCode !== null) throw new Error(`the API process exited with code ${api.exitCode}`);
      if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
      if (waited > 60_000) throw new Error('the API did not answer /healthz within 60 s');
      await sleep(200);
    }
    // Warm-up, not measured: the first requests on new topics wait for the producer's metadata
    // and the processor's first fetch of their partitions (~1 s).
    await measure(url, token, ch, 1_000, 1);
    for (const points of SIZES) {
      const r = await measure(url, token, ch, points, SECONDS);
      recordFigure('gateway', `${points} points a request, ${CLIENTS} clients, acknowledged`, r.acked, 'points/s');
      recordFigure('gateway', `${points} points a request, ${CLIENTS} clients, end to end`, r.endToEnd, 'points/s');
      console.log(`  ${points.toLocaleString('en-US').padStart(6)} points a request: ${Math.round(r.acked).toLocaleString('en-US').padStart(9)} points/s acknowledged (${r.requests.toLocaleString('en-US')} requests), ${Math.round(r.endToEnd).toLocaleString('en-US').padStart(9)} points/s end to end (first request → all queryable)`);
    }
  } finally {
    if (api.exitCode === null) {
      const exited = new Promise((r) => api.once('exit', r));
      api.kill('SIGTERM');
      await exited;
    }
    await ch.close();
    await closeScratch(scratch);
  }
}
