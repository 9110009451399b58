import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadCatalogue } from './catalogue.ts';
import { checkAvroBounds } from './bounds.ts';
import type { EventMap } from './events.ts';
import { avroVarint } from './test-avro-varint.ts';

const catalogue = loadCatalogue();
const batch: EventMap['MetricBatch'] = {
  project: 'p', runId: 'r', workerRank: 3, keys: ['loss', 'acc'], segments: ['class=cat'],
  keyIndex: [0, 1, 1], segmentIndex: [-1, -1, 0], steps: [1, 2, 300000], values: [0.5, -1e300, 7], wallTimes: [1, 2, 1_700_000_000_000],
};


describe('checkAvroBounds', () => {
  const writer = catalogue.reader('MetricBatch');

  it('accepts every genuine encoding', () => {
    const body = catalogue.encode('MetricBatch', batch).subarray(10);
    expect(checkAvroBounds(writer.type, body)).toBeNull();
    const run = catalogue.reader('RunStarted');
    const runBody = catalogue
      .encode('RunStarted', {
        project: 'p', runId: 'r', experiment: 'e', sweepId: null, name: 'n', user: 'u', startedAt: 1, params: { a: 1, b: 'x', c: false }, tags: { t: 'v' },
        lineage: { gitCommit: 'c', gitDirty: true, dataVersion: null, environment: { language: 'py', languageVersion: '3', libraries: { np: '2' }, hardware: null }, seed: -5, host: null, parentRunId: null },
      })
      .subarray(10);
    expect(checkAvroBounds(run.type, runBody)).toBeNull();
  });

  it('rejects a declared array length of 2^31 without allocating it', () => {
    // project "p", runId "r", workerRank null, then keys: a block count of 2^31 and nothing else.
    const body = Buffer.concat([avroVarint(1), Buffer.from('p'), avroVarint(1), Buffer.from('r'), avroVarint(0), avroVarint(2 ** 31)]);
    expect(checkAvroBounds(writer.type, body)).toMatch(/declares 2147483648 items/);
    expect(catalogue.decode(Buffer.concat([catalogue.encode('MetricBatch', batch).subarray(0, 10), body]))).toMatchObject({ ok: false, reason: 'malformed_body' });
  });

  it('rejects a negative block count larger than its byte size', () => {
    const body = Buffer.concat([avroVarint(1), Buffer.from('p'), avroVarint(1), Buffer.from('r'), avroVarint(0), avroVarint(-(2 ** 30)), avroVarint(4), Buffer.alloc(4)]);
    expect(checkAvroBounds(writer.type, body)).toMatch(/items in 4 bytes/);
  });

  it('rejects truncation, oversized strings and trailing bytes', () => {
    const body = catalogue.encode('MetricBatch', batch).subarray(10);
    expect(checkAvroBounds(writer.type, body.subarray(0, body.length - 1))).not.toBeNull();
    expect(checkAvroBounds(writer.type, Buffer.concat([body, Buffer.from([0])]))).toMatch(/trailing/);
    expect(checkAvroBounds(writer.type, Buffer.concat([avroVarint(2 ** 30), Buffer.from('p')]))).toMatch(/string declares/);
  });

  it('never throws and never lets avsc decode an implausible body (fuzz)', () => {
    const genuine = catalogue.encode('MetricBatch', batch);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(genuine.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat(genuine.length), (flips, cut) => {
        const m = Buffer.from(genuine.subarray(0, Math.max(10, cut)));
        for (const [i, v] of flips) if (i >= 10 && i < m.length) m[i] = v;
        const r = catalogue.decode(m);
        if (r.ok) expect(r.event.type).toBe('MetricBatch');
        else expect(r.detail.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});
