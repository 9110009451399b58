import { describe, expect, it } from 'vitest';
import { loadCatalogue } from './catalogue.ts';
import type { MetricBatch } from './events.ts';
import { encodeMetricBatch } from './metric-batch-encoder.ts';

/** A small seeded generator (mulberry32): schemas/ imports nothing of ingest/. */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
}

const catalogue = loadCatalogue();
const writer = catalogue.reader('MetricBatch');
const avscBytes = (v: MetricBatch) => writer.type.toBuffer(v);

function randomBatch(rng: Rng): MetricBatch {
  const n = rng.pick([0, 1, 2, 7, 100, 5000]);
  const keys = Array.from({ length: 1 + Math.floor(rng.next() * 4) }, (_, k) => rng.pick(['loss', 'val/acc', 'ünïcode/键', 'x'.repeat(70), `k${k}`]));
  const big = () => rng.pick([0, 1, 63, 64, 127, 128, 2 ** 30 - 1, 2 ** 30, 2 ** 31, 2 ** 40 + 7, 2 ** 53 - 2, Math.floor(rng.next() * 1e13)]);
  return {
    project: rng.pick(['p', 'projé', '']), runId: `run-${Math.floor(rng.next() * 1e9)}`, workerRank: rng.pick([null, 0, 3, -1, 2 ** 31 - 1, -(2 ** 31)]),
    keys, segments: rng.pick([[], ['class=cat'], ['a', 'b']]),
    keyIndex: Array.from({ length: n }, () => Math.floor(rng.next() * keys.length)),
    segmentIndex: Array.from({ length: n }, () => rng.pick([-1, 0, 1])),
    steps: Array.from({ length: n }, big),
    values: Array.from({ length: n }, () => rng.pick([0, -0, 1.5, -3e300, 5e-324, rng.normal(), Math.PI])),
    wallTimes: Array.from({ length: n }, () => rng.pick([1_790_000_000_000 + Math.floor(rng.next() * 1e6), -5, -(2 ** 31), -(2 ** 40), -(2 ** 53 - 2)])),
    producerId: rng.pick([null, 'sdk-1f2e', '']), sequence: rng.pick([null, 0, 1, 2 ** 33, 2 ** 53 - 2]),
  };
}

describe('encodeMetricBatch', () => {
  it('writes the bytes avsc writes, for random batches and the edges of zigzag varints', () => {
    const rng = new Rng(19);
    for (let i = 0; i < 400; i++) {
      const v = randomBatch(rng);
      const fast = encodeMetricBatch(v);
      expect(fast).not.toBeNull();
      expect(fast!.equals(avscBytes(v))).toBe(true);
    }
  });

  it('takes nothing avsc would refuse, and leaves text with surrogates to avsc', () => {
    const ok = randomBatch(new Rng(1));
    ok.steps = [1, 2];
    ok.values = [1, 2];
    ok.wallTimes = [1, 2];
    ok.keyIndex = [0, 0];
    ok.segmentIndex = [-1, -1];
    const bad: Partial<MetricBatch>[] = [
      { steps: [1.5, 2] }, { steps: [2 ** 53 - 1, 1] }, { wallTimes: ['1' as unknown as number, 2] }, { keyIndex: [2 ** 31, 0] }, { segmentIndex: [0.5, 0] },
      { values: [null as unknown as number, 1] }, { workerRank: 1.5 }, { workerRank: undefined as unknown as null }, { sequence: -0.5 }, { producerId: 7 as unknown as string },
      { keys: [3 as unknown as string] }, { project: undefined as unknown as string }, { keys: new Array<string>(2) },
    ];
    for (const change of bad) {
      const v = { ...ok, ...change } as MetricBatch;
      expect(encodeMetricBatch(v)).toBeNull();
    }
    expect(encodeMetricBatch({ ...ok, keys: ['loss 📉'] })).toBeNull();
    expect(catalogue.encodeBody(writer, { ...ok, keys: ['loss 📉'] }).equals(avscBytes({ ...ok, keys: ['loss 📉'] }))).toBe(true);
  });

  it('encodes a batch too big for its reusable buffer in a buffer of its own', () => {
    const n = 400_000;
    const steps = Array.from({ length: n }, (_, i) => i);
    const v: MetricBatch = { ...randomBatch(new Rng(2)), keyIndex: steps.map(() => 0), segmentIndex: steps.map(() => -1), steps, values: steps.map((s) => s / 7), wallTimes: steps.map((s) => 1_790_000_000_000 + s) };
    expect(encodeMetricBatch(v)!.equals(avscBytes(v))).toBe(true);
    const small = randomBatch(new Rng(3));
    expect(encodeMetricBatch(small)!.equals(avscBytes(small))).toBe(true);
  });

  it('is what the catalogue encodes MetricBatch v2 with', () => {
    expect(writer.version).toBe(2);
    expect(writer.encodeFast).toBeDefined();
    const v = randomBatch(new Rng(5));
    expect(catalogue.encode('MetricBatch', v).subarray(10).equals(avscBytes(v))).toBe(true);
    expect(catalogue.writers().filter((w) => w.encodeFast).map((w) => `${w.eventType} v${w.version}`)).toEqual(['MetricBatch v2']);
  });
});
