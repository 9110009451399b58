import { describe, expect, it } from 'vitest';
import type { Schema } from 'avsc';
import { readFileSync } from 'node:fs';
import { loadCatalogue, SchemaCatalogue } from './catalogue.ts';
import { rabinFingerprint } from './fingerprint.ts';
import type { EventMap } from './events.ts';

const metricBatchV1 = JSON.parse(readFileSync(new URL('./metric-batch.v1.avsc', import.meta.url), 'utf8')) as { fields: unknown[] };

const sampleRun: EventMap['RunStarted'] = {
  project: 'p', runId: 'r1', experiment: 'e', sweepId: 's', name: 'n', user: 'u', startedAt: 1_700_000_000_000,
  params: { lr: 0.001, optimizer: 'adam', amp: true },
  tags: { team: 'vision' },
  lineage: {
    gitCommit: 'abc', gitDirty: true, dataVersion: 'v2',
    environment: { language: 'python', languageVersion: '3.11', libraries: { torch: '2.5' }, hardware: null },
    seed: 7, host: 'h', parentRunId: null,
  },
};
const sampleBatch: EventMap['MetricBatch'] = {
  project: 'p', runId: 'r1', workerRank: null, keys: ['loss'], segments: [], keyIndex: [0, 0], segmentIndex: [-1, -1],
  steps: [1, 2], values: [0.5, 0.25], wallTimes: [1_700_000_000_001, 1_700_000_000_002],
};

describe('rabin fingerprint', () => {
  // Vectors from the Avro project's share/test/data/schema-tests.txt (signed 64-bit).
  it.each([
    ['"null"', 7195948357588979594n],
    ['"int"', 8247732601305521295n],
    ['"string"', -8142146995180207161n],
    ['"double"', -8181574048448539266n],
  ])('matches the Avro spec for %s', (canonical, expected) => {
    expect(BigInt.asIntN(64, rabinFingerprint(canonical))).toBe(expected);
  });
});

describe('schema catalogue', () => {
  const catalogue = loadCatalogue();

  it('round-trips every event type with the single-object header', () => {
    const buf = catalogue.encode('RunStarted', sampleRun);
    expect([...buf.subarray(0, 2)]).toEqual([0xc3, 0x01]);
    const decoded = catalogue.decode(buf);
    expect(decoded.ok && decoded.event).toEqual({ type: 'RunStarted', value: sampleRun });
    const b = catalogue.decode(catalogue.encode('MetricBatch', sampleBatch));
    expect(b.ok && b.event.value).toEqual({ ...sampleBatch, producerId: null, sequence: null });
    const params = { project: 'p', runId: 'r1', params: { warmup: 500, ema: true, sched: 'cosine' }, loggedAt: 1_700_000_000_003, step: 10, producerId: 'sdk-1', sequence: 3 };
    const p = catalogue.decode(catalogue.encode('ParamsLogged', params));
    expect(p.ok && p.event).toEqual({ type: 'ParamsLogged', value: { ...params, texts: {} } });
    const beat = { project: 'p', runId: 'r1', workerRank: 3, at: 1_700_000_000_004 };
    const h = catalogue.decode(catalogue.encode('RunHeartbeat', beat));
    expect(h.ok && h.event).toEqual({ type: 'RunHeartbeat', value: beat });
  });

  it('gives every event type its own fingerprint', () => {
    const fps = catalogue.writers().map((w) => w.fingerprintHex);
    expect(new Set(fps).size).toBe(fps.length);
    expect(fps.length).toBeGreaterThanOrEqual(4);
  });

  it('rejects bad bytes with a reason instead of throwing', () => {
    expect(catalogue.decode(Buffer.alloc(0))).toMatchObject({ ok: false, reason: 'empty' });
    expect(catalogue.decode(Buffer.from('{"json":true}'))).toMatchObject({ ok: false, reason: 'bad_magic' });
    const unknown = Buffer.concat([Buffer.from([0xc3, 0x01]), Buffer.alloc(8, 7), Buffer.from([0])]);
    expect(catalogue.decode(unknown)).toMatchObject({ ok: false, reason: 'unknown_schema' });
    const good = catalogue.encode('RunStarted', sampleRun);
    expect(catalogue.decode(good.subarray(0, good.length - 5))).toMatchObject({ ok: false, reason: 'malformed_body' });
  });

  // Schema evolution is additive with defaults: MetricBatch v2 added the optional identity
  // (producerId, sequence) to v1.
  const metricBatchV2 = JSON.parse(readFileSync(new URL('./metric-batch.v2.avsc', import.meta.url), 'utf8')) as Schema;
  const v1Only = () => {
    const c = new SchemaCatalogue();
    c.register('MetricBatch', 1, metricBatchV1 as Schema);
    return c;
  };

  it('an old reader decodes a newer writer that added optional fields', () => {
    // A reader deployed before v2 knows it only as a writer schema (e.g. from a registry).
    const oldReader = v1Only();
    oldReader.register('MetricBatch', 2, metricBatchV2, { asReader: false });
    expect(oldReader.reader('MetricBatch').version).toBe(1);
    const decoded = oldReader.decode(catalogue.encode('MetricBatch', { ...sampleBatch, producerId: 'sdk-1', sequence: 7 }));
    expect(decoded.ok).toBe(true);
    if (decoded.ok) {
      expect(decoded.event.value).toEqual(sampleBatch);
      expect('producerId' in decoded.event.value).toBe(false);
    }
  });

  it('a new reader decodes an older writer and fills the added fields with their defaults', () => {
    const bytes = v1Only().encode('MetricBatch', sampleBatch);
    expect(catalogue.reader('MetricBatch').version).toBe(2);
    const decoded = catalogue.decode(bytes);
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(decoded.event.value).toEqual({ ...sampleBatch, producerId: null, sequence: null });
  });

  it('writes the identity when given and null when not', () => {
    const withId = catalogue.decode(catalogue.encode('MetricBatch', { ...sampleBatch, producerId: 'sdk-1', sequence: 0 }));
    expect(withId.ok && withId.event.value).toMatchObject({ producerId: 'sdk-1', sequence: 0 });
  });
});
