// Hostile and broken input through the real broker: thousands of mutated messages (bit flips,
// truncation, length bombs, wrong schema identity, unknown event types, incompatible schema
// changes, huge strings) interleaved with genuine ones. Every message is accounted for (stored
// or dead-lettered with a reason), the processor stays up, memory stays bounded, lag returns
// to zero.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners, type Admin, type Producer } from 'kafkajs';
import { topicsFor } from '../../common/config.ts';
import { createKafka } from '../../common/kafka.ts';
import { Rng } from '../../ingest/simulate/random.ts';
import type { Processor } from '../../processors/processor.ts';
import { loadCatalogue, SchemaCatalogue } from '../../schemas/catalogue.ts';
import type { EventMap } from '../../schemas/events.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { count, startProcessor } from '../helpers/pipeline.ts';
import { avroVarint } from '../../schemas/test-avro-varint.ts';

const MESSAGES = Number(process.env.RUNLENS_FUZZ_MESSAGES ?? 5000);

let ns: Namespace;
let processor: Processor;
let producer: Producer;
let admin: Admin;
const catalogue = loadCatalogue();

beforeAll(async () => {
  ns = await freshNamespace('fuzz');
  processor = await startProcessor(ns);
  const kafka = createKafka(ns.config.kafkaBrokers, 'runlens-fuzz');
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await producer?.disconnect();
  await processor?.stop();
  await ns?.drop();
});

const runStarted = (runId: string, name = 'n'): EventMap['RunStarted'] => ({
  project: 'fuzz', runId, experiment: 'e', sweepId: null, name, user: 'u', startedAt: 1_700_000_000_000,
  params: { lr: 0.1, opt: 'adam', amp: true }, tags: { t: 'v' },
  lineage: { gitCommit: 'c', gitDirty: false, dataVersion: 'v1', environment: { language: 'py', languageVersion: '3', libraries: { np: '2' }, hardware: null }, seed: 1, host: null, parentRunId: null },
});
const metricBatch = (runId: string): EventMap['MetricBatch'] => ({
  project: 'fuzz', runId, workerRank: null, keys: ['loss', 'acc'], segments: ['class=cat'],
  keyIndex: [0, 1, 1, 0], segmentIndex: [-1, -1, 0, -1], steps: [1, 1, 1, 2], values: [0.5, 0.9, 0.8, 0.4], wallTimes: [1, 1, 1, 2],
});


function hostileMessages(rng: Rng): { value: Buffer; genuineRunId?: string }[] {
  // A writer that knows schemas the processor does not: an unknown event type and an
  // incompatible change of MetricBatch (values became strings).
  const stranger = new SchemaCatalogue();
  const bogus = stranger.register('RunFinished', 99, { type: 'record', name: 'TrainingExploded', fields: [{ name: 'why', type: 'string' }] });
  const incompatible = stranger.register('MetricBatch', 98, { type: 'record', name: 'MetricBatch', namespace: 'dev.runlens.events', fields: [{ name: 'runId', type: 'string' }, { name: 'values', type: { type: 'array', items: 'string' } }] });
  const header = catalogue.encode('MetricBatch', metricBatch('x')).subarray(0, 10);
  const genuine = [catalogue.encode('RunStarted', runStarted('base')), catalogue.encode('MetricBatch', metricBatch('base'))];
  const out: { value: Buffer; genuineRunId?: string }[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const kind = i % 10;
    const base = Buffer.from(genuine[i % 2]!);
    switch (kind) {
      case 0: {
        const runId = `genuine-${i}`;
        out.push({ value: catalogue.encode('RunStarted', runStarted(runId)), genuineRunId: runId });
        break;
      }
      case 1: // random bit flips past the header
        for (let f = 0; f < 1 + Math.floor(rng.next() * 4); f++) {
          const at = 10 + Math.floor(rng.next() * (base.length - 10));
          base[at] = base[at]! ^ (1 << Math.floor(rng.next() * 8));
        }
        out.push({ value: base });
        break;
      case 2: // truncated anywhere, header included
        out.push({ value: base.subarray(0, Math.floor(rng.next() * base.length)) });
        break;
      case 3: // a declared array length of 2^31 right after project and runId
        out.push({ value: Buffer.concat([header, avroVarint(4), Buffer.from('fuzz'), avroVarint(1), Buffer.from('r'), avroVarint(0), avroVarint(2 ** 31)]) });
        break;
      case 4: // wrong schema identity
        base.writeUInt32LE(Math.floor(rng.next() * 2 ** 32), 2 + Math.floor(rng.next() * 5));
        out.push({ value: base });
        break;
      case 5: // a huge string: valid Avro, refused by validation
        out.push({ value: catalogue.encode('RunStarted', runStarted(`huge-${i}`, 'x'.repeat(300_000))) });
        break;
      case 6:
        out.push({ value: stranger.encodeWith(bogus, { why: 'nan loss' }) });
        break;
      case 7:
        out.push({ value: stranger.encodeWith(incompatible, { runId: 'r', values: ['0.5'] }) });
        break;
      case 8: // pure noise, sometimes empty
        out.push({ value: Buffer.from(Array.from({ length: Math.floor(rng.next() * 64) }, () => Math.floor(rng.next() * 256))) });
        break;
      default: // genuine bytes with junk appended
        out.push({ value: Buffer.concat([base, Buffer.from([1, 2, 3])]) });
    }
  }
  return out;
}

async function lag(): Promise<number> {
  const topic = topicsFor(ns.config).events;
  const [high, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: processor.groupId, topics: [topic] })]);
  const done = new Map(committed[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
  return high.reduce((sum, p) => sum + Number(p.high) - Math.max(0, done.get(p.partition) ?? 0), 0);
}

describe('hostile input through the real broker', () => {
  it(`accounts for every one of ${MESSAGES} mutated messages and stays healthy`, async () => {
    const messages = hostileMessages(new Rng(2026));
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ topic: topicsFor(ns.config).events, acks: -1, messages: messages.slice(i, i + 500).map((m, j) => ({ key: `k${(i + j) % 17}`, value: m.value })) });
    }
    await eventually(async () => ((await lag()) === 0 ? true : undefined), 120_000, 'lag back to zero');
    const heapGrowthMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

    const genuine = messages.filter((m) => m.genuineRunId).map((m) => m.genuineRunId!);
    expect(await count(ns, "SELECT count() AS n FROM runs FINAL WHERE run_id LIKE 'genuine-%'")).toBe(genuine.length);
    expect(processor.stats.events + processor.stats.deadLettered).toBe(MESSAGES);
    expect(processor.stats.deadLettered).toBeGreaterThan(MESSAGES * 0.6);
    expect(await count(ns, "SELECT count() AS n FROM runs WHERE run_id LIKE 'huge-%'")).toBe(0);
    const offsets = await admin.fetchTopicOffsets(topicsFor(ns.config).deadLetter);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(processor.stats.deadLettered);
    expect(heapGrowthMiB).toBeLessThan(300);
    console.log(`[fuzz] ${MESSAGES} messages: stored ${processor.stats.events}, dead-lettered ${processor.stats.deadLettered}, heap growth ${heapGrowthMiB.toFixed(0)} MiB`);

    // Still consuming afterwards.
    await producer.send({ topic: topicsFor(ns.config).events, acks: -1, messages: [{ key: 'after', value: catalogue.encode('RunStarted', runStarted('after-fuzz')) }] });
    await eventually(async () => ((await count(ns, "SELECT count() AS n FROM runs WHERE run_id = 'after-fuzz'")) === 1 ? true : undefined), 30_000, 'message after the fuzz stored');
  });
});
