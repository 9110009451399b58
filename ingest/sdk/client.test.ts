// Unit tests of SDK buffering against a fake producer (no Kafka here; the integration tests
// under test/ send through the real broker).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Producer, ProducerRecord } from 'kafkajs';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import type { MetricBatch } from '../../schemas/events.ts';
import { RunlensClient, SendError } from './client.ts';

const catalogue = loadCatalogue();

function fakeProducer(opts: { failWith?: Error } = {}) {
  const records: ProducerRecord[] = [];
  const producer = {
    send: vi.fn(async (r: ProducerRecord) => {
      if (opts.failWith) throw opts.failWith;
      records.push(r);
      return [];
    }),
    disconnect: vi.fn(async () => undefined),
  } as unknown as Producer;
  const decoded = () =>
    records.flatMap((r) =>
      r.messages.map((m) => {
        const d = catalogue.decode(m.value as Buffer);
        if (!d.ok) throw new Error(d.detail);
        return { key: String(m.key), topic: r.topic, acks: r.acks, ...d.event };
      }),
    );
  return { producer, records, decoded };
}

const spec = { project: 'p', experiment: 'e', runId: 'run-1' };

afterEach(() => {
  vi.useRealTimers();
});

describe('RunlensClient buffering', () => {
  it('seals a MetricBatch when it reaches maxBatchPoints, keyed by run id, acks=-1', async () => {
    const f = fakeProducer();
    const client = RunlensClient.fromProducer(f.producer, { maxBatchPoints: 10, flushOnExit: false, catalogue });
    const run = await client.startRun(spec);
    for (let step = 0; step < 12; step++) run.log({ loss: 1 / (step + 1), acc: step / 12 }, step);
    await client.sender.drain();
    const batches = f.decoded().filter((e) => e.type === 'MetricBatch');
    expect(batches.length).toBe(2); // 24 points: sealed at 10 and 20; 4 still buffered
    expect(batches.every((b) => b.key === 'run-1' && b.acks === -1 && b.topic === 'runlens.events')).toBe(true);
    expect((batches[0]!.value as MetricBatch).keys).toEqual(['loss', 'acc']);
    await client.close();
    const all = f.decoded().filter((e) => e.type === 'MetricBatch').reduce((n, b) => n + (b.value as MetricBatch).steps.length, 0);
    expect(all).toBe(24); // close() flushed the rest: nothing lost
  });

  it('seals buffered points after flushIntervalMs', async () => {
    vi.useFakeTimers();
    const f = fakeProducer();
    const client = RunlensClient.fromProducer(f.producer, { maxBatchPoints: 1000, flushIntervalMs: 500, flushOnExit: false, catalogue });
    const run = await client.startRun(spec);
    run.log({ loss: 0.5 }, 1, { segment: 'split=val' });
    expect(f.decoded().filter((e) => e.type === 'MetricBatch')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(600);
    const [batch] = f.decoded().filter((e) => e.type === 'MetricBatch');
    expect(batch?.value).toMatchObject({ keys: ['loss'], segments: ['split=val'], segmentIndex: [0], steps: [1], values: [0.5] });
    await client.close();
  });

  it('surfaces a failed send to the caller: flush rejects and the next log throws', async () => {
    const f = fakeProducer();
    const client = RunlensClient.fromProducer(f.producer, { maxBatchPoints: 5, flushOnExit: false, catalogue });
    const run = await client.startRun(spec);
    (f.producer.send as ReturnType<typeof vi.fn>).mockRejectedValue(new Error('broker gone'));
    const errors: Error[] = [];
    const client2 = RunlensClient.fromProducer(f.producer, { maxBatchPoints: 5, flushOnExit: false, catalogue, onError: (e) => errors.push(e) });
    await expect(client2.startRun({ ...spec, runId: 'run-2' })).rejects.toBeInstanceOf(SendError);
    for (let i = 0; i < 5; i++) run.log({ loss: i }, i);
    await expect(run.flush()).rejects.toThrow(/broker gone/);
    expect(() => run.log({ loss: 1 }, 9)).toThrow(SendError);
    await expect(client.flush()).rejects.toBeInstanceOf(SendError);
    expect(errors).toHaveLength(0); // client2 had no failed metric sends, only the awaited startRun
  });

  it('rejects invalid points at log() without buffering any of them', async () => {
    const f = fakeProducer();
    const client = RunlensClient.fromProducer(f.producer, { flushOnExit: false, catalogue });
    const run = await client.startRun(spec);
    expect(() => run.log({ ok: 1, bad: NaN }, 1)).toThrow(/not a finite number/);
    expect(() => run.log({ loss: 1 }, -1)).toThrow(/non-negative integer/);
    expect(() => run.log({ '': 1 }, 1)).toThrow(/empty/);
    await client.close();
    expect(f.decoded().filter((e) => e.type === 'MetricBatch')).toHaveLength(0);
  });

  it('throws on a lone surrogate in any name before encoding, and sends emoji and U+FFFD exactly', async () => {
    // Encoding would not fail: Buffer.from writes U+D800 as EF BF BD, avsc as ED A0 80.
    const f = fakeProducer();
    const client = RunlensClient.fromProducer(f.producer, { flushOnExit: false, catalogue });
    const lone = '\ud800';
    await expect(client.startRun({ ...spec, experiment: `exp-${lone}` })).rejects.toThrow('RunStarted: experiment: not valid Unicode (lone surrogate U+D800 at index 4)');
    await expect(client.startRun({ ...spec, params: { [lone]: 1 } })).rejects.toThrow(/params key "\\ud800": not valid Unicode/);
    await expect(client.startRun({ ...spec, tags: { team: lone } })).rejects.toThrow(/tags\.team: not valid Unicode/);
    await expect(client.startRun({ ...spec, lineage: { dataVersion: lone } })).rejects.toThrow(/lineage\.dataVersion: not valid Unicode/);
    const run = await client.startRun({ ...spec, experiment: 'exp 😀 \uFFFD', params: { '学习率': 0.1 } });
    expect(() => run.log({ [`loss${lone}`]: 1 }, 1)).toThrow('metric key "loss\\ud800": not valid Unicode (lone surrogate U+D800 at index 4)');
    expect(() => run.log({ loss: 1 }, 1, { segment: `class=${lone}` })).toThrow(/segment "class=\\ud800": not valid Unicode/);
    await expect(run.logArtifact({ name: `m${lone}`, uri: 's3://b/k', digest: 'd', sizeBytes: 1 })).rejects.toThrow(/ArtifactLogged: name: not valid Unicode/);
    await expect(run.logArtifact({ name: 'm', uri: 's3://b/k', digest: 'd', sizeBytes: 1, metadata: { note: lone } })).rejects.toThrow(/metadata\.note: not valid Unicode/);
    run.log({ 'loss/😀': 0.5 }, 1, { segment: 'class=🐱' });
    await expect(run.finish({ summary: { [lone]: 1 } })).rejects.toThrow(/RunFinished: summary key "\\ud800": not valid Unicode/);
    await run.finish({ summary: { 'acc/\uFFFD': 1 } });
    await client.close();
    const events = f.decoded();
    expect(events.map((e) => e.type)).toEqual(['RunStarted', 'MetricBatch', 'RunFinished']);
    expect(events[0]!.value).toMatchObject({ experiment: 'exp 😀 \uFFFD', params: { '学习率': 0.1 } });
    expect(events[1]!.value).toMatchObject({ keys: ['loss/😀'], segments: ['class=🐱'] });
    expect(events[2]!.value).toMatchObject({ summary: { 'acc/\uFFFD': 1 } });
  });

  it('validates events before sending them', async () => {
    const f = fakeProducer();
    const client = RunlensClient.fromProducer(f.producer, { flushOnExit: false, catalogue });
    await expect(client.startRun({ ...spec, runId: 'bad id with spaces' })).rejects.toThrow(/runId/);
    await expect(client.startRun({ ...spec, params: { lr: Infinity } })).rejects.toThrow(/finite/);
    await client.close();
  });
});
