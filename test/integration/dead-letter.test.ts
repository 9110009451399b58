// Bad messages on the real broker go to the dead-letter topic with their reason and source
// position; the good message behind them on the same partition is still stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners, type Consumer, type Producer } from 'kafkajs';
import { topicsFor } from '../../common/config.ts';
import { createKafka } from '../../common/kafka.ts';
import { DLQ_HEADERS } from '../../processors/dead-letter.ts';
import type { Processor } from '../../processors/processor.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import type { EventMap } from '../../schemas/events.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { count, startProcessor } from '../helpers/pipeline.ts';

let ns: Namespace;
let processor: Processor;
let producer: Producer;
let consumer: Consumer;
const catalogue = loadCatalogue();

beforeAll(async () => {
  ns = await freshNamespace('dlq');
  processor = await startProcessor(ns);
  const kafka = createKafka(ns.config.kafkaBrokers, 'runlens-test-dlq');
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  consumer = kafka.consumer({ groupId: `${ns.config.topicPrefix}dlq-reader` });
  await consumer.connect();
});

afterAll(async () => {
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

    const seen: { reason: string; detail: string; partition: string; offset: string; topic: string; value: Buffer }[] = [];
    await consumer.subscribe({ topic: topicsFor(ns.config).deadLetter, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const h = (k: string) => String(message.headers?.[k] ?? '');
        seen.push({ reason: h(DLQ_HEADERS.reason), detail: h(DLQ_HEADERS.detail), partition: h(DLQ_HEADERS.partition), offset: h(DLQ_HEADERS.offset), topic: h(DLQ_HEADERS.topic), value: message.value! });
      },
    });
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
});
