// The importance worker thread: the same answer as paramImportance on this thread, the same
// AnalyticsInputError for bad input, and an event loop that keeps turning while a forest fits.
import { afterAll, describe, expect, it } from 'vitest';
import { AnalyticsInputError, paramImportance, type AxisScale, type ImportanceOptions, type ParamValue, type SweepData } from '../engines/sweep-analytics/index.ts';
import { plantedSweep } from '../engines/sweep-analytics/planted-sweep.ts';
import { ImportancePool, MAX_QUEUED } from './importance-pool.ts';

const pool = new ImportancePool();
afterAll(() => pool.close());

/** The planted sweep plus a string param called "constructor", in records without a prototype, as the loader builds them. */
function loadedLike(n: number): SweepData {
  const planted = plantedSweep(n, { seed: 5, missingTarget: 0.05, missingWarmup: 0.1 });
  const optimizer = planted.runIds.map((_, i): ParamValue => ['adam', 'sgd', null][i % 3]!);
  const params = Object.assign(Object.create(null) as Record<string, readonly ParamValue[]>, planted.params, { constructor: optimizer });
  return { ...planted, params };
}

describe('ImportancePool', () => {
  it('gives what paramImportance gives on this thread, seed for seed', async () => {
    const data = loadedLike(400);
    // a scale record without "constructor": a clone with Object.prototype would find a function there
    const scale = Object.create(null) as Record<string, AxisScale>;
    scale.batch_size = 'categorical';
    const options: ImportanceOptions = { seed: 3, resamples: 5, trees: 20, axes: { scale } };
    const expected = paramImportance(data, options);
    expect(expected.params.map((p) => p.param)).toContain('constructor');
    expect(await pool.run(data, options)).toStrictEqual(expected);
  }, 60_000);

  it('throws AnalyticsInputError for bad input, with the message analytics gives', async () => {
    const data = loadedLike(50);
    for (const options of [{ resamples: 1 }, { params: ['nope'] }] satisfies ImportanceOptions[]) {
      const message = (() => {
        try {
          paramImportance(data, options);
        } catch (err) {
          return (err as Error).message;
        }
        throw new Error('paramImportance accepted bad input');
      })();
      const err = await pool.run(data, options).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AnalyticsInputError);
      expect((err as AnalyticsInputError).message).toBe(message);
    }
  }, 60_000);

  it('leaves the event loop free while the forest fits', async () => {
    await pool.run(loadedLike(50), { resamples: 2, trees: 1 }); // the thread is up: only the fit is timed
    const data = plantedSweep(3000, { seed: 2 });
    const intervalMs = 20;
    let ticks = 0;
    const timer = setInterval(() => ticks++, intervalMs);
    const started = performance.now();
    try {
      await pool.run(data, { seed: 1 });
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - started;
    // A blocked loop would tick once at most, after the fit; no timing is asserted beyond "long enough to tell".
    expect(elapsed).toBeGreaterThan(3 * intervalMs);
    expect(ticks).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('answers busy (503) past its queue instead of queueing without bound', async () => {
    const busy = new ImportancePool();
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 2 * MAX_QUEUED + 2 }, () => busy.run(loadedLike(50), { resamples: 2, trees: 1 })));
      const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      // One runs and MAX_QUEUED wait at most, whenever the thread comes up; the rest are refused.
      expect(refused.length).toBeGreaterThanOrEqual(MAX_QUEUED);
      for (const r of refused) expect(r.reason).toMatchObject({ statusCode: 503, message: expect.stringMatching(/already waiting; retry/) });
      expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
    } finally {
      await busy.close();
    }
  }, 60_000);

  it('refuses work once closed', async () => {
    const closed = new ImportancePool();
    await closed.close();
    await expect(closed.run(loadedLike(50))).rejects.toThrow(/closed/);
  });
});
