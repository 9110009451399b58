// The Python package's HTTP gateway transport (RUNLENS_GATEWAY_URL + RUNLENS_TOKEN) against the
// real API with its ingest gateway, listening on a real port, the real Kafka, processor and
// ClickHouse: a run logged through the gateway is stored with the summaries the script computed;
// a wrong token and a token without scope `ingest` give a SendError naming the 401 / 403, their
// events stay in the spool and `runlens sync --token` sends them to the gateway the spool names;
// while the gateway is down the events wait in the spool and the run is delivered once it is up.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { MINUTE, REPO, runCommand, runReportingScript, type Virtualenv } from '../helpers/python.ts';
import { pythonSdkEnv, pythonSdkVirtualenv } from '../helpers/python-sdk.ts';

const PROJECT = 'pygateway';
const SCRIPT = join(REPO, 'test', 'integration', 'python', 'gateway_run.py');

interface Summary { count: number; min: number; max: number; mean: number; last: number; lastStep: number }
interface Logged { runId: string; summaries: Record<string, Summary> }

let ns: Namespace;
let processor: Processor;
let app: App;
let venv: Virtualenv;
let port: number;
let url: string;
let ingest: string;
let read: Record<string, string>;

/** A port nobody listens on now; the app listens on it once a test wants the gateway up. */
const freePort = () => new Promise<number>((resolve, reject) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port: p } = server.address() as { port: number };
    server.close(() => resolve(p));
  }).on('error', reject);
});

let listening = false;
async function gatewayUp(): Promise<void> {
  if (listening) return;
  await app.listen({ port, host: '127.0.0.1' });
  listening = true;
}

beforeAll(async () => {
  [venv, ns] = await Promise.all([pythonSdkVirtualenv(), freshNamespace('python_gateway')]);
  processor = await startProcessor(ns);
  app = await buildTestApp(ns, { gateway: true });
  ingest = await createTestToken(ns, PROJECT, ['ingest']);
  read = bearer(await createTestToken(ns, PROJECT, ['read']));
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
}, 10 * MINUTE);

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

/** The environment of a script that reaches runlens only through the gateway (Kafka's address is useless to it). */
const gatewayEnv = (token: string) => pythonSdkEnv(ns, { RUNLENS_GATEWAY_URL: url, RUNLENS_TOKEN: token, RUNLENS_KAFKA_BROKERS: '127.0.0.1:1' });

async function script(args: string[], token = ingest, env = gatewayEnv(token)) {
  return runReportingScript<any>(venv.python, SCRIPT, args, 2 * MINUTE, env);
}

const getRun = async (id: string) => {
  const r = await app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: read });
  return r.statusCode === 200 ? r.json() : undefined;
};

async function expectStored(logged: Logged, status = 'finished') {
  const total = Object.values(logged.summaries).reduce((n, s) => n + s.count, 0);
  const run = await eventually(async () => {
    const r = await getRun(logged.runId);
    const n = (r?.metrics as { count: number }[] | undefined)?.reduce((m, s) => m + s.count, 0);
    return r?.status === status && n === total ? r : undefined;
  }, 60_000, `${logged.runId} ${status} with ${total} points`);
  const got = Object.fromEntries((run.metrics as (Summary & { key: string; segment: string | null })[]).map((m) => [`${m.key}|${m.segment ?? ''}`, m]));
  expect(Object.keys(got).sort()).toEqual(Object.keys(logged.summaries).sort());
  for (const [series, want] of Object.entries(logged.summaries)) {
    const s = got[series]!;
    expect({ count: s.count, min: s.min, max: s.max, last: s.last, lastStep: s.lastStep }, series).toEqual({ count: want.count, min: want.min, max: want.max, last: want.last, lastStep: want.lastStep });
    expect(s.mean, series).toBeCloseTo(want.mean, 9);
  }
  return run;
}

describe('the Python package through the HTTP gateway', () => {
  it('spools while the gateway is down and delivers the run once it comes up', async () => {
    const child = spawn(venv.python, [SCRIPT, 'down', PROJECT, '3000'], { env: { ...process.env, ...gatewayEnv(ingest) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const spooled = new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve();
    }));
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    await Promise.race([spooled, exited]);
    const first = JSON.parse(stdout.split('\n')[0]!) as { waited: string | null; segments: number };
    expect(first.waited, stderr).toMatch(/not acknowledged by the gateway at http:\/\/127\.0\.0\.1:\d+ within 2 s; they are kept in the spool/);
    expect(first.segments).toBeGreaterThan(0);
    expect(stderr).toMatch(/the gateway at .* did not acknowledge \(ConnectionRefusedError/);
    await gatewayUp();
    expect(await exited, `${stdout}\n${stderr}`).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as Logged & { finish_s: number; left: string[] };
    expect(report.left).toEqual([]); // every segment acknowledged and deleted
    const run = await expectStored(report);
    expect(run.name).toBe('gateway-was-down');
    console.log(`[python gateway] down, then up: finish() returned ${report.finish_s.toFixed(1)} s after the gateway was asked to come up`);
  }, 3 * MINUTE);

  it('stores a run logged through the gateway with the exact summaries', async () => {
    await gatewayUp();
    const report = await script(['run', PROJECT, '20000']) as Logged & { points: number; points_per_s: number };
    const run = await expectStored(report);
    expect(run).toMatchObject({ name: 'through-the-gateway', experiment: 'py-gateway', params: { lr: 0.1, 'optimizer.name': 'sgd' }, summary: { 'best/acc': 0.5 } });
    console.log(`[python gateway] ${report.points.toLocaleString('en-US')} points through the gateway: ${Math.round(report.points_per_s).toLocaleString('en-US')} points/s from the first log() until finish() returned`);
  }, 3 * MINUTE);

  it('gives a SendError naming the 401 of a wrong token and the 403 of a token without scope ingest; `runlens sync` sends what they refused', async () => {
    await gatewayUp();
    const readOnly = await createTestToken(ns, PROJECT, ['read']);
    const env = gatewayEnv('unused');
    const { errors, runs } = await script(['refused', PROJECT, 'runlens_not-a-token', readOnly], undefined, env) as { errors: (string | null)[]; runs: Logged[] };
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^the gateway at http:\/\/127\.0\.0\.1:\d+ refused an event: HTTP 401: invalid or revoked API token/);
    expect(errors[1]).toMatch(/^the gateway at .* refused an event: HTTP 403: this route needs a token with scope "ingest"/);
    expect(errors[0]).toMatch(/stays in the spool .* for `runlens sync`/);
    for (const run of runs) expect(await getRun(run.runId), run.runId).toBeUndefined();
    // The spools name the gateway (never the token): sync needs only a valid token.
    const { RUNLENS_GATEWAY_URL: _url, RUNLENS_TOKEN: _token, ...rest } = env;
    const sync = await runCommand(venv.python, ['-m', 'runlens', 'sync', '--dir', env.RUNLENS_SPOOL_DIR!, '--timeout', '20'], 2 * MINUTE, { env: { ...rest, RUNLENS_TOKEN: ingest } });
    expect(sync.code, `${sync.stdout}\n${sync.stderr}`).toBe(0);
    for (const run of runs) {
      expect(sync.stdout).toContain(`of run ${PROJECT}/${run.runId} (`);
      await expectStored(run);
    }
    expect(sync.stdout).toMatch(/to the gateway at http:\/\/127\.0\.0\.1:\d+/);
  }, 3 * MINUTE);
});
