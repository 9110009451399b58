// What happens to a run after it started, on the real Kafka, processor, ClickHouse 18.16 and API:
// params set after start are merged into its params everywhere (latest value wins), an event
// re-sent with the same identity (producerId, sequence) is stored once — straight on Kafka and
// through the gateway's retry — and a run whose process went silent without RunFinished is
// shown as crashed after the API's crash silence, while a heartbeat keeps a quiet run running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners, type Producer } from 'kafkajs';
import { topicsFor } from '../../common/config.ts';
import { createKafka } from '../../common/kafka.ts';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import { eventKey, type EventMap } from '../../schemas/events.ts';
import type { RunlensClient } from '../../ingest/sdk/client.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';

const PROJECT = 'lifecycle';
const MINUTE = 60_000;
/** The API under test shows a run silent for 5 minutes as crashed. */
const CRASH_AFTER_MS = 5 * MINUTE;

let ns: Namespace;
let processor: Processor;
let producer: Producer;
let sdk: RunlensClient;
let app: App;
let read: Record<string, string>;
let ingest: Record<string, string>;
const catalogue = loadCatalogue();

beforeAll(async () => {
  ns = await freshNamespace('lifecycle');
  processor = await startProcessor(ns);
  producer = createKafka(ns.config.kafkaBrokers, 'runlens-test-lifecycle').producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  sdk = await connectSdk(ns);
  app = await buildTestApp(ns, { gateway: true, crashAfterMs: CRASH_AFTER_MS });
  read = bearer(await createTestToken(ns, PROJECT, ['read']));
  ingest = bearer(await createTestToken(ns, PROJECT, ['ingest']));
});

afterAll(async () => {
  await sdk?.close();
  await app?.close();
  await producer?.disconnect();
  await processor?.stop();
  await ns?.drop();
});

const get = async (url: string) => {
  const r = await app.inject({ method: 'GET', url, headers: read });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return r.json();
};

const started = (runId: string, startedAt: number, params: EventMap['RunStarted']['params'] = {}): EventMap['RunStarted'] => ({
  project: PROJECT, runId, experiment: 'life', sweepId: null, name: runId, user: 'u', startedAt, params, tags: {},
  lineage: { gitCommit: null, gitDirty: false, dataVersion: null, environment: { language: 'node', languageVersion: '20', libraries: {}, hardware: null }, seed: null, host: null, parentRunId: null },
});

const produce = (event: { type: keyof EventMap; value: EventMap[keyof EventMap] }) =>
  producer.send({ topic: topicsFor(ns.config).events, acks: -1, messages: [{ key: eventKey(event.value), value: catalogue.encode(event.type, event.value as never) }] });

describe('params set after start', () => {
  it('are merged into the run everywhere: the record, the list, filters and sorts (latest value wins)', async () => {
    const run = await sdk.startRun({ project: PROJECT, experiment: 'life', runId: 'tuned', params: { lr: 0.1, batch_size: 32 } });
    run.log({ loss: 1 }, 0);
    await run.logParams({ warmup: 200, lr: 0.05 }, 10);
    await run.logParams({ warmup: 500 }, 20);
    await run.finish();
    const other = await sdk.startRun({ project: PROJECT, experiment: 'life', runId: 'untuned', params: { lr: 0.01, batch_size: 32 } });
    await other.finish();
    const want = { lr: 0.05, batch_size: 32, warmup: 500 };
    await eventually(async () => {
      const r = await get('/v1/runs/tuned');
      return r.status === 'finished' && r.params.warmup === 500 ? true : undefined;
    }, 30_000, 'tuned finished with its later params');
    const tuned = await get('/v1/runs/tuned');
    expect(tuned.params).toEqual(want);
    // When each was set: lr last at step 10, warmup last at step 20 (its value of step 10 was replaced).
    expect(tuned.paramsSetAfterStart).toEqual({ lr: { step: 10, at: expect.any(String) }, warmup: { step: 20, at: expect.any(String) } });
    expect(Date.parse(tuned.paramsSetAfterStart.warmup.at)).toBeGreaterThanOrEqual(Date.parse(tuned.paramsSetAfterStart.lr.at));
    expect((await get('/v1/runs/untuned')).paramsSetAfterStart).toEqual({});
    const list = await get(`/v1/runs?filter=${encodeURIComponent('params.warmup = 500 and params.lr < 0.06')}`);
    expect(list.runs.map((r: { id: string }) => r.id)).toEqual(['tuned']);
    expect(list.runs[0].params).toEqual(want);
    const sorted = await get('/v1/runs?experiment=life&sort=params.lr:desc');
    expect(sorted.runs.map((r: { id: string; params: { lr: number } }) => [r.id, r.params.lr])).toEqual([['tuned', 0.05], ['untuned', 0.01]]);
    const compared = await app.inject({ method: 'POST', url: '/v1/compare', headers: read, payload: { runIds: ['tuned', 'untuned'] } });
    expect(compared.statusCode, compared.body).toBe(200);
    expect(JSON.stringify(compared.json())).toContain('"warmup"');
  });
});

describe('tags set after start', () => {
  it('are merged into the run: set, replaced, removed (the latest per key wins), filterable', async () => {
    await produce({ type: 'RunStarted', value: { ...started('tagged', Date.now()), tags: { team: 'cv', owner: 'alice' } } });
    const now = Date.now();
    await produce({ type: 'TagsSet', value: { project: PROJECT, runId: 'tagged', tags: { stage: 'dev', note: 'x' }, removed: [], setAt: now, producerId: 'tagger', sequence: 0 } });
    await produce({ type: 'TagsSet', value: { project: PROJECT, runId: 'tagged', tags: { stage: 'prod', team: 'vision' }, removed: ['owner', 'note'], setAt: now + 1, producerId: 'tagger', sequence: 1 } });
    await eventually(async () => ((await get('/v1/runs/tagged')).tags.stage === 'prod' ? true : undefined), 30_000, 'tags merged');
    expect((await get('/v1/runs/tagged')).tags).toEqual({ team: 'vision', stage: 'prod' });
    const found = await get(`/v1/runs?filter=${encodeURIComponent("tags.stage = 'prod' and not exists tags.owner")}`);
    expect(found.runs.map((r: { id: string }) => r.id)).toEqual(['tagged']);
  });
});

describe('an event re-sent with the same identity', () => {
  it('is stored once, whether Kafka got it twice or the gateway was asked twice', async () => {
    const batch = (sequence: number, value: number): EventMap['MetricBatch'] => ({
      project: PROJECT, runId: 'resent', workerRank: null, keys: ['acc'], segments: [], keyIndex: [0, 0], segmentIndex: [-1, -1],
      steps: [sequence * 2, sequence * 2 + 1], values: [value, value], wallTimes: [Date.now(), Date.now()], producerId: 'retrying-client', sequence,
    });
    await produce({ type: 'RunStarted', value: started('resent', Date.now()) });
    // Straight on Kafka: the same bytes twice, at two offsets.
    await produce({ type: 'MetricBatch', value: batch(0, 0.5) });
    await produce({ type: 'MetricBatch', value: batch(0, 0.5) });
    // Through the gateway: a client retries the request after (say) a lost answer.
    for (let i = 0; i < 2; i++) {
      const r = await app.inject({ method: 'POST', url: '/v1/ingest/events', headers: ingest, payload: { type: 'MetricBatch', event: batch(1, 0.7) } });
      expect(r.statusCode, r.body).toBe(202);
    }
    // A batch without identity is the control: sent twice, it counts twice.
    const anonymous = { ...batch(2, 0.9), producerId: null, sequence: null };
    await produce({ type: 'MetricBatch', value: anonymous });
    await produce({ type: 'MetricBatch', value: anonymous });
    await eventually(async () => ((await count(ns, "SELECT count() AS n FROM metric_chunks WHERE run_id = 'resent'")) === 6 ? true : undefined), 30_000, 'six chunk rows stored');
    const [acc] = (await get('/v1/runs/resent')).metrics;
    expect(acc).toMatchObject({ key: 'acc', count: 2 + 2 + 4, max: 0.9 });
    expect(await count(ns, "SELECT sum(point_count) AS n FROM metric_chunks FINAL WHERE run_id = 'resent'")).toBe(8);
  });
});

describe('a run that stops talking', () => {
  it('is crashed after the silence, unless its heartbeat or points say it is alive', async () => {
    const longAgo = Date.now() - 10 * MINUTE;
    await produce({ type: 'RunStarted', value: started('silent', longAgo) });
    await produce({ type: 'MetricBatch', value: { project: PROJECT, runId: 'silent', workerRank: null, keys: ['loss'], segments: [], keyIndex: [0], segmentIndex: [-1], steps: [0], values: [1], wallTimes: [longAgo + MINUTE] } });
    await produce({ type: 'RunStarted', value: started('beating', longAgo) });
    await produce({ type: 'RunHeartbeat', value: { project: PROJECT, runId: 'beating', workerRank: 0, at: Date.now() } });
    await produce({ type: 'RunStarted', value: started('logging', longAgo) });
    await produce({ type: 'MetricBatch', value: { project: PROJECT, runId: 'logging', workerRank: null, keys: ['loss'], segments: [], keyIndex: [0], segmentIndex: [-1], steps: [0], values: [1], wallTimes: [Date.now()] } });
    await produce({ type: 'RunStarted', value: started('fresh', Date.now()) });
    const statuses = async () => Object.fromEntries((await get('/v1/runs?experiment=life&limit=100')).runs.map((r: { id: string; status: string }) => [r.id, r.status]));
    await eventually(async () => {
      const s = await statuses();
      return s.silent && s.beating && s.logging && s.fresh && (await count(ns, "SELECT count() AS n FROM run_liveness WHERE run_id IN ('beating', 'logging')")) === 2 ? true : undefined;
    }, 30_000, 'four runs and their signs of life stored');
    expect(await statuses()).toMatchObject({ silent: 'crashed', beating: 'running', logging: 'running', fresh: 'running', tuned: 'finished' });
    expect((await get('/v1/runs/silent')).status).toBe('crashed');
    const crashed = await get(`/v1/runs?filter=${encodeURIComponent("status = 'crashed'")}`);
    expect(crashed.runs.map((r: { id: string }) => r.id)).toEqual(['silent']);
    // A job restarted under the same run id (an elastic restart) is running again, whatever its
    // first attempt reported; its new finish counts.
    await produce({ type: 'RunStarted', value: started('restarted', longAgo) });
    await produce({ type: 'RunFinished', value: { project: PROJECT, runId: 'restarted', status: 'failed', endedAt: longAgo + MINUTE, durationMs: MINUTE, summary: {} } });
    await eventually(async () => ((await get('/v1/runs/restarted')).status === 'failed' ? true : undefined), 30_000, 'first attempt failed');
    await produce({ type: 'RunStarted', value: started('restarted', Date.now()) });
    await eventually(async () => ((await get('/v1/runs/restarted')).status === 'running' ? true : undefined), 30_000, 'second attempt running');
    expect(await get('/v1/runs/restarted')).toMatchObject({ endedAt: null, durationMs: null, summary: {} });
    await produce({ type: 'RunFinished', value: { project: PROJECT, runId: 'restarted', status: 'finished', endedAt: Date.now(), durationMs: 5, summary: { acc: 0.9 } } });
    await eventually(async () => ((await get('/v1/runs/restarted')).status === 'finished' ? true : undefined), 30_000, 'second attempt finished');
    expect((await get('/v1/runs/restarted')).summary).toEqual({ acc: 0.9 });
    // A finish after all wins over the silence.
    await produce({ type: 'RunFinished', value: { project: PROJECT, runId: 'silent', status: 'failed', endedAt: Date.now(), durationMs: null, summary: {} } });
    await eventually(async () => ((await get('/v1/runs/silent')).status === 'failed' ? true : undefined), 30_000, 'silent failed');
  });
});
