// Bad messages on the real broker go to the dead-letter topic with their reason and source
// position; the good message behind them on the same partition is still stored. Text is
// stored exactly as sent or refused with the field named, through the gateway, the SDK and
// messages other clients put on Kafka.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners, type Admin, type Consumer, type Producer } from 'kafkajs';
import { topicsFor } from '../../common/config.ts';
import { createKafka } from '../../common/kafka.ts';
import { DLQ_HEADERS } from '../../processors/dead-letter.ts';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import type { EventMap } from '../../schemas/events.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';

let ns: Namespace;
let processor: Processor;
let producer: Producer;
let consumer: Consumer;
let admin: Admin;
let app: App;
let ingestToken: string;
const catalogue = loadCatalogue();
/** Every dead letter so far, in order: the reader runs from beforeAll on. */
const seen: { reason: string; detail: string; partition: string; offset: string; topic: string; value: Buffer }[] = [];

beforeAll(async () => {
  ns = await freshNamespace('dlq');
  processor = await startProcessor(ns);
  const kafka = createKafka(ns.config.kafkaBrokers, 'runlens-test-dlq');
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  consumer = kafka.consumer({ groupId: `${ns.config.topicPrefix}dlq-reader` });
  await consumer.connect();
  await consumer.subscribe({ topic: topicsFor(ns.config).deadLetter, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const h = (k: string) => String(message.headers?.[k] ?? '');
      seen.push({ reason: h(DLQ_HEADERS.reason), detail: h(DLQ_HEADERS.detail), partition: h(DLQ_HEADERS.partition), offset: h(DLQ_HEADERS.offset), topic: h(DLQ_HEADERS.topic), value: message.value! });
    },
  });
  admin = kafka.admin();
  await admin.connect();
  app = await buildTestApp(ns, { gateway: true });
  ingestToken = await createTestToken(ns, 'p', ['ingest']);
});

afterAll(async () => {
  await app?.close();
  await admin?.disconnect();
  await consumer?.disconnect();
  await producer?.disconnect();
  await processor?.stop();
  await ns?.drop();
});

const goodRun: EventMap['RunStarted'] = {
  project: 'p', runId: 'dlq-run', experiment: 'e', sweepId: null, name: 'n', user: 'u', startedAt: 1_700_000_000_000,
  params: {}, tags: {},
  lineage: { gitCommit: null, gitDirty: false, dataVersion: null, environment: { language: 'py', languageVersion: '3', libraries: {}, hardware: null }, seed: null, host: null, parentRunId: null },
};

describe('dead-letter routing', () => {
  it('routes each kind of bad message with its reason and keeps the partition moving', async () => {
    const good = catalogue.encode('RunStarted', goodRun);
    const unknownSchema = Buffer.from(good);
    unknownSchema.writeUInt32LE(0xdeadbeef, 2);
    const nanBatch = catalogue.encode('MetricBatch', {
      project: 'p', runId: 'dlq-run', workerRank: null, keys: ['loss'], segments: [], keyIndex: [0], segmentIndex: [-1], steps: [1], values: [NaN], wallTimes: [1],
    });
    const bad = [
      { value: Buffer.from('{"not":"avro"}'), reason: 'bad_magic' },
      { value: unknownSchema, reason: 'unknown_schema' },
      { value: good.subarray(0, good.length - 4), reason: 'malformed_body' },
      { value: nanBatch, reason: 'invalid' },
    ];
    // Same key: all land on one partition, bad ones first, the good one last.
    const sent = await producer.send({ topic: topicsFor(ns.config).events, acks: -1, messages: [...bad.map((b) => ({ key: 'dlq-run', value: b.value })), { key: 'dlq-run', value: good }] });
    const partition = sent[0]!.partition;
    const baseOffset = Number(sent[0]!.baseOffset);

    await eventually(async () => ((await count(ns, "SELECT count() AS n FROM runs WHERE run_id = 'dlq-run'")) === 1 ? true : undefined), 30_000, 'good message stored');

    await eventually(async () => (seen.length >= bad.length ? true : undefined), 30_000, 'dead letters');
    expect(seen.map((s) => s.reason)).toEqual(bad.map((b) => b.reason));
    seen.forEach((s, i) => {
      expect(s.topic).toBe(topicsFor(ns.config).events);
      expect(s.partition).toBe(String(partition));
      expect(s.offset).toBe(String(baseOffset + i));
      expect(s.value.equals(bad[i]!.value)).toBe(true);
      expect(s.detail.length).toBeGreaterThan(5);
    });
    expect(seen[3]!.detail).toMatch(/not a finite number/);
    expect(processor.stats.deadLettered).toBe(4);

    // What Prometheus scrapes from the processor says the same.
    const metrics = await processor.metrics.registry.metrics();
    for (const b of bad) expect(metrics).toMatch(new RegExp(`^runlens_dead_lettered_total\\{reason="${b.reason}"\\} 1$`, 'm'));
    expect(metrics).toMatch(/^runlens_events_consumed_total\{type="RunStarted"\} 1$/m);
    expect(metrics).toMatch(/^runlens_rows_inserted_total\{table="runs"\} 1$/m);
    expect(metrics).toMatch(new RegExp(`^runlens_consumer_lag\\{partition="${partition}"\\} 0$`, 'm'));
    expect(metrics).toMatch(/^runlens_insert_duration_seconds_count [1-9]/m);
    expect(metrics).toMatch(/^runlens_batch_messages_count [1-9]/m);
  });

  it('dead-letters artifacts that break their bounds when they reach Kafka past the SDK', async () => {
    const before = seen.length;
    const bad = [
      { value: catalogue.encode('TableLogged', { project: 'p', runId: 'dlq-run', name: 'cm', kind: 'confusionMatrix', step: 1, loggedAt: 1, labels: ['a', 'b'], values: [1, 2, 3] }), detail: 'a confusion matrix of 2 classes holds 4 counts, not 3' },
      { value: catalogue.encode('SamplesLogged', { project: 'p', runId: 'dlq-run', name: 'gen', step: 1, loggedAt: 1, samples: [{ inputId: 'x' }] }), detail: 'sample 0 (x) has neither text nor uri' },
      { value: catalogue.encode('LogLines', { project: 'p', runId: 'dlq-run', workerRank: null, stream: 'stdout', lines: [{ seq: 2, at: 1, level: 'info', text: 'a' }, { seq: 1, at: 1, level: 'info', text: 'b' }] }), detail: 'line 1: seq 1 does not follow 2 (lines are numbered in order)' },
    ];
    await producer.send({ topic: topicsFor(ns.config).events, acks: -1, messages: bad.map((b) => ({ key: 'dlq-run', value: b.value })) });
    await eventually(async () => (seen.length >= before + bad.length ? true : undefined), 30_000, 'artifact dead letters');
    expect(seen.slice(before).map((s) => [s.reason, s.detail])).toEqual(bad.map((b) => ['invalid', expect.stringContaining(b.detail)]));
    expect(await count(ns, "SELECT count() AS n FROM artifact_tables WHERE run_id = 'dlq-run'")).toBe(0);
  });
});

describe('text is stored exactly as sent, or refused naming the field', () => {
  const post = (payload: Buffer, contentType = 'application/json') =>
    app.inject({ method: 'POST', url: '/v1/ingest/events', headers: { ...bearer(ingestToken), 'content-type': contentType }, payload });
  /** Messages on the events topic so far (sum of the partitions' high watermarks). */
  const produced = async () => (await admin.fetchTopicOffsets(topicsFor(ns.config).events)).reduce((n, p) => n + Number(p.high), 0);
  const runJson = (runId: string, experiment: string) =>
    JSON.stringify({ type: 'RunStarted', event: { ...goodRun, runId, experiment } });
  /** `text` with each `@@` replaced by the next raw bytes. */
  const raw = (text: string, ...bytes: number[][]) => {
    const parts = text.split('@@');
    expect(parts.length).toBe(bytes.length + 1);
    return Buffer.concat(parts.flatMap((p, i) => (i < bytes.length ? [Buffer.from(p), Buffer.from(bytes[i]!)] : [Buffer.from(p)])));
  };
  const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex').toUpperCase();

  it('gateway: invalid UTF-8 bytes, a lone surrogate and a bare NaN are 400s naming the field; nothing is produced', async () => {
    const before = await produced();

    const bytes = await post(raw(runJson('utf8-bad', 'exp-@@'), [0xff, 0xfe]));
    expect(bytes.statusCode).toBe(400);
    expect(bytes.json().error).toBe('event 0 (RunStarted): experiment: not valid UTF-8 (byte FF at byte 4)');

    const surrogate = await post(Buffer.from('{"type":"MetricBatch","event":{"project":"p","runId":"utf8-bad","keys":["loss","acc\\ud800"],"segments":[],"keyIndex":[0,1],"segmentIndex":[-1,-1],"steps":[1,1],"values":[1,2],"wallTimes":[1,1]}}'));
    expect(surrogate.statusCode).toBe(400);
    expect(surrogate.json().error).toBe('event 0 (MetricBatch): keys[1]: not valid Unicode (lone surrogate U+D800 at index 3)');

    // What Python's json.dumps writes for float('nan') by default.
    const nan = await post(Buffer.from('[{"type":"MetricBatch","event":{"project":"p","runId":"utf8-bad","keys":["loss"],"segments":[],"keyIndex":[0,0,0,0],"segmentIndex":[-1,-1,-1,-1],"steps":[1,2,3,4],"values":[0.9,0.8,0.7,NaN],"wallTimes":[1,1,1,1]}}]'));
    expect(nan.statusCode).toBe(400);
    expect(nan.json().error).toMatch(/^event 0 \(MetricBatch\): point 3: metric "loss" at step 4: value NaN is not a finite number \(JSON has no NaN or Infinity/);

    // The same bytes as Avro: avsc writes a short string's lone surrogate as ED A0 80.
    const avro = await post(catalogue.encode('RunStarted', { ...goodRun, runId: 'utf8-bad', experiment: 'exp-\ud800' }), 'application/avro');
    expect(avro.statusCode).toBe(400);
    expect(avro.json().error).toBe('event 0: invalid_utf8: RunStarted v1: experiment: not valid UTF-8 (bytes ED A0 80 at byte 4)');

    expect(await produced()).toBe(before);
  });

  it('processor: an Avro message with invalid UTF-8 from another client is dead-lettered with the field, never stored altered', async () => {
    const bad = catalogue.encode('RunStarted', { ...goodRun, runId: 'utf8-dlq', experiment: 'exp-@@' });
    Buffer.from([0xc3, 0x28]).copy(bad, bad.indexOf(Buffer.from('@@')));
    const keyBad = catalogue.encode('MetricBatch', { project: 'p', runId: 'utf8-dlq', workerRank: null, keys: ['loss', 'acc\ud800'], segments: [], keyIndex: [0, 1], segmentIndex: [-1, -1], steps: [1, 1], values: [1, 2], wallTimes: [1, 1] });
    const after = catalogue.encode('RunStarted', { ...goodRun, runId: 'utf8-after' });
    const dead = seen.length;
    await producer.send({ topic: topicsFor(ns.config).events, acks: -1, messages: [{ key: 'utf8-dlq', value: bad }, { key: 'utf8-dlq', value: keyBad }, { key: 'utf8-dlq', value: after }] });
    await eventually(async () => ((await count(ns, "SELECT count() AS n FROM runs WHERE run_id = 'utf8-after'")) === 1 ? true : undefined), 30_000, 'the good message behind them');
    await eventually(async () => (seen.length >= dead + 2 ? true : undefined), 30_000, 'dead letters');
    expect(seen.slice(dead).map((d) => [d.reason, d.detail])).toEqual([
      ['invalid_utf8', 'RunStarted v1: experiment: not valid UTF-8 (bytes C3 28 at byte 4)'],
      ['invalid_utf8', 'MetricBatch v2: keys[1]: not valid UTF-8 (bytes ED A0 80 at byte 3)'],
    ]);
    expect(seen[dead]!.value.equals(bad)).toBe(true);
    expect(await count(ns, "SELECT count() AS n FROM runs WHERE run_id = 'utf8-dlq'")).toBe(0);
    expect(await count(ns, "SELECT count() AS n FROM metric_chunks WHERE run_id = 'utf8-dlq'")).toBe(0);
    expect(await processor.metrics.registry.metrics()).toMatch(/^runlens_dead_lettered_total\{reason="invalid_utf8"\} 2$/m);
  });

  it('a real U+FFFD, emoji and other non-BMP characters round-trip byte for byte (gateway JSON, gateway Avro, SDK)', async () => {
    const experiment = 'ablation \uFFFD 😀 𝔼[x] 学习率 ñ';
    const key = 'loss/😀\uFFFD';
    const segment = 'class=🐱';
    const param = '学习率🔥';
    const json = await post(Buffer.from(JSON.stringify([
      { type: 'RunStarted', event: { ...goodRun, runId: 'utf8-json', experiment, params: { [param]: 0.1, opt: 'adam \uFFFD' }, tags: { '🏷': '✓' } } },
      { type: 'MetricBatch', event: { project: 'p', runId: 'utf8-json', workerRank: null, keys: [key], segments: [segment], keyIndex: [0, 0], segmentIndex: [-1, 0], steps: [1, 1], values: [0.5, 0.25], wallTimes: [1, 1] } },
    ])));
    expect(json.statusCode).toBe(202);
    // Python's json.dumps default (ensure_ascii): non-ASCII as \u escapes, emoji as surrogate pairs.
    const escaped = JSON.stringify({ type: 'RunStarted', event: { ...goodRun, runId: 'utf8-ascii', experiment } }).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(escaped).not.toMatch(/[^\x00-\x7f]/);
    expect((await post(Buffer.from(escaped))).statusCode).toBe(202);
    const avro = await post(catalogue.encode('RunFinished', { project: 'p', runId: 'utf8-json', status: 'finished', endedAt: 2, durationMs: 1, summary: { [key]: 1 } }), 'application/avro');
    expect(avro.statusCode).toBe(202);
    const sdk = await connectSdk(ns);
    try {
      const run = await sdk.startRun({ project: 'p', runId: 'utf8-sdk', experiment, params: { [param]: 1 } });
      run.log({ [key]: 1 }, 1, { segment });
      await run.finish();
    } finally {
      await sdk.close();
    }

    type Row = { run_id: string; experiment: string; param_keys: string[] };
    const rows = await eventually(async () => {
      const r = await (await ns.clickhouse.query({ query: "SELECT run_id, hex(experiment) AS experiment, arrayMap(k -> hex(k), param_keys) AS param_keys FROM runs WHERE run_id IN ('utf8-json', 'utf8-ascii', 'utf8-sdk') ORDER BY run_id", format: 'JSONEachRow' })).json<Row>();
      return r.length === 3 ? r : undefined;
    }, 30_000, 'runs stored');
    for (const r of rows) expect(r.experiment, r.run_id).toBe(hex(experiment));
    expect(rows.find((r) => r.run_id === 'utf8-json')!.param_keys).toEqual([hex('opt'), hex(param)]); // sorted as JS sorts
    expect(rows.find((r) => r.run_id === 'utf8-sdk')!.param_keys).toEqual([hex(param)]);

    const chunks = await eventually(async () => {
      const r = await (await ns.clickhouse.query({ query: "SELECT run_id, hex(key) AS key, hex(segment) AS segment FROM metric_chunks WHERE run_id IN ('utf8-json', 'utf8-sdk') ORDER BY run_id, segment", format: 'JSONEachRow' })).json<{ run_id: string; key: string; segment: string }>();
      return r.length === 3 ? r : undefined;
    }, 30_000, 'metric chunks stored');
    expect(chunks).toEqual([
      { run_id: 'utf8-json', key: hex(key), segment: '' },
      { run_id: 'utf8-json', key: hex(key), segment: hex(segment) },
      { run_id: 'utf8-sdk', key: hex(key), segment: hex(segment) },
    ]);
    const summaries = await eventually(async () => {
      const r = await (await ns.clickhouse.query({ query: "SELECT arrayMap(k -> hex(k), summary_keys) AS keys FROM run_finishes WHERE run_id = 'utf8-json'", format: 'JSONEachRow' })).json<{ keys: string[] }>();
      return r.length === 1 ? r : undefined;
    }, 30_000, 'finish stored');
    expect(summaries[0]!.keys).toEqual([hex(key)]);
  });
});
