// The Node SDK's outcome logger over a fake sink: records checked at the call, batched by size
// with covariate records apart, ratio metrics flagged, and a failed send reported, never thrown
// into the serving path (flush() rejects with it once). No services.
import { describe, expect, it } from 'vitest';
import type { OutcomeBatch } from '../../schemas/events.ts';
import { OutcomeLogger, type OutcomeSink } from './outcome-logger.ts';

function sink(fail = false): OutcomeSink & { sent: OutcomeBatch[]; errors: Error[] } {
  const sent: OutcomeBatch[] = [];
  const errors: Error[] = [];
  return {
    sent, errors, maxBatchPoints: 3,
    emit: async (_type, batch) => {
      if (fail) throw new Error('Kafka said no');
      sent.push(batch);
    },
    reportError: (err) => void errors.push(err),
  };
}

describe('OutcomeLogger', () => {
  it('batches by size, keeps covariate records apart and flags ratio metrics', async () => {
    const s = sink();
    const log = new OutcomeLogger(s, 'shop', 'ab', { perUnit: ['ctr'] });
    log.expose('u1', 'a', 1);
    log.record('u1', 'a', 'ctr', 1, { at: 2 });
    log.record('u1', 'a', 'revenue', 3.5, { at: 3, covariate: 2 });
    log.record('u2', 'b', 'ctr', 0, { at: 4 });
    expect(s.sent).toHaveLength(1); // the plain buffer reached 3 records
    await log.flush();
    expect(s.sent.map((b) => [b.unitIds, b.metrics, b.metricIndex, b.covariates, b.metricsPerUnit])).toEqual([
      [['u1', 'u1', 'u2'], ['ctr'], [-1, 0, 0], [], [true]],
      [['u1'], ['revenue'], [0], [2], []],
    ]);
  });

  it('refuses bad records at the call and loses nothing buffered', async () => {
    const s = sink();
    const log = new OutcomeLogger(s, 'shop', 'ab');
    log.record('u1', 'a', 'latency', 80);
    expect(() => log.record('u1', 'a', 'latency', NaN)).toThrow(/not a finite number/);
    expect(() => log.record('u1', 'a', 'latency', 1, { covariate: Infinity })).toThrow(/covariate Infinity/);
    expect(() => log.expose('', 'a')).toThrow(/unit id is empty/);
    expect(() => log.expose('u\uD800', 'a')).toThrow(/not valid Unicode/);
    expect(() => log.expose('u1', 'a', -5)).toThrow(/not a non-negative integer/);
    expect(() => log.record('u1', 'a', '', 1)).toThrow(/metric is empty/);
    expect(() => new OutcomeLogger(s, 'shop', 'has space')).toThrow(/experimentId/);
    await log.flush();
    expect(s.sent.map((b) => b.values)).toEqual([[80]]);
  });

  it('reports a failed send at once and rejects the next flush, without throwing into expose or record', async () => {
    const s = sink(true);
    const log = new OutcomeLogger(s, 'shop', 'ab');
    for (let i = 0; i < 4; i++) log.expose(`u${i}`, 'a');
    await new Promise((r) => setTimeout(r, 0));
    expect(s.errors.map((e) => e.message)).toEqual(['Kafka said no']);
    expect(() => log.expose('u9', 'a')).not.toThrow();
    await expect(log.flush()).rejects.toThrow('Kafka said no');
    await expect(log.flush()).resolves.toBeUndefined();
  });
});
