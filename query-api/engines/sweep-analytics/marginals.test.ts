import { describe, expect, it } from 'vitest';
import { marginalEffects } from './index.ts';
import type { MarginalBin, SweepData } from './index.ts';
import { plantedSweep } from './planted-sweep.ts';

// Critical values t(0.975, df) and t(0.95, 2), from SciPy's t.ppf.
const T975 = { 1: 12.706204736174694, 2: 4.302652729749462 };
const T95_2 = 2.9199855803537242;

const data: SweepData = {
  runIds: ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'],
  params: {
    wd: [1, 2, 3, 4, 5, 6, 7],
    opt: ['a', 'a', 'b', 'c', 'c', 'c', 'd'],
  },
  target: [1, 2, 4, 10, 11, 15, null],
};

function expectInterval(bin: MarginalBin, mean: number, half: number): void {
  expect(bin.mean).toBeCloseTo(mean, 12);
  expect(bin.ci!.lower).toBeCloseTo(mean - half, 10);
  expect(bin.ci!.upper).toBeCloseTo(mean + half, 10);
}

describe('marginalEffects', () => {
  it('quantile bins: mean ± t · s / √n, by hand', () => {
    const [wd] = marginalEffects(data, { params: ['wd'], bins: 2, axes: { maxLevels: 0 } });
    expect(wd!.runsUsed).toBe(6); // r7 has no target
    expect(wd!.bins.map((b) => [b.label, b.n])).toEqual([['[1, 3]', 3], ['[4, 6]', 3]]);
    // bin 1: targets 1, 2, 4 — mean 7/3, s² = (16/9 + 1/9 + 25/9) / 2 = 7/3
    expectInterval(wd!.bins[0]!, 7 / 3, (T975[2] * Math.sqrt(7 / 3)) / Math.sqrt(3));
    expect(wd!.bins[0]!.sd).toBeCloseTo(Math.sqrt(7 / 3), 12);
    // bin 2: targets 10, 11, 15 — mean 12, s² = (4 + 1 + 9) / 2 = 7
    expectInterval(wd!.bins[1]!, 12, (T975[2] * Math.sqrt(7)) / Math.sqrt(3));
    expect(wd!.bins[1]!.ci!.confidence).toBe(0.95);
  });

  it('honours the confidence level', () => {
    const [wd] = marginalEffects(data, { params: ['wd'], bins: 2, confidence: 0.9, axes: { maxLevels: 0 } });
    expectInterval(wd!.bins[1]!, 12, (T95_2 * Math.sqrt(7)) / Math.sqrt(3));
  });

  it('one bin per category; n = 1 gives a null interval with the reason; no target, no mean', () => {
    const [opt] = marginalEffects(data, { params: ['opt'] });
    expect(opt!.scale).toBe('categorical');
    const [a, b, c, d] = opt!.bins;
    expect(opt!.bins.map((bin) => bin.label)).toEqual(['a', 'b', 'c', 'd']);
    expectInterval(a!, 1.5, (T975[1] * Math.SQRT1_2) / Math.SQRT2); // s = √0.5
    expect(b).toMatchObject({ n: 1, mean: 4, sd: null, ci: null });
    expect(b!.note).toMatch(/one run: no variance estimate/);
    expectInterval(c!, 12, (T975[2] * Math.sqrt(7)) / Math.sqrt(3));
    expect(d).toMatchObject({ n: 0, mean: null, ci: null });
    expect(d!.note).toMatch(/no run in this bin has the target/);
  });

  it('tied values never straddle two bins; bins left empty are dropped', () => {
    const tied: SweepData = { runIds: ['1', '2', '3', '4', '5', '6'], params: { x: [1, 1, 2, 1, 3, 1] }, target: [1, 1, 1, 1, 2, 1] };
    const [x] = marginalEffects(tied, { bins: 3, axes: { maxLevels: 0 } });
    expect(x!.bins.map((b) => [b.label, b.n])).toEqual([['[1, 1]', 4], ['[2, 3]', 2]]);
    expect(x!.bins[0]!.note).toMatch(/zero width/);
  });

  it('levels of a grid param get a bin each; on the planted sweep dropout lowers the target, batch_size looks flat', () => {
    const sweep = plantedSweep(2000);
    const [dropout, batch] = marginalEffects(sweep, { params: ['dropout', 'batch_size'] });
    expect(dropout!.bins).toHaveLength(10);
    expect(dropout!.bins.every((b) => b.n === 200)).toBe(true);
    const first = dropout!.bins[0]!;
    const last = dropout!.bins[9]!;
    expect(first.ci!.lower).toBeGreaterThan(last.ci!.upper);
    expect(batch!.bins.map((b) => b.label)).toEqual(['16', '32', '64', '128', '256']);
    // batch_size acts only through its interaction with lr, which averages out over lr: its
    // means differ by noise alone (SE ≈ 0.006 each; spread ≤ 0.031 on seeds 1–40), dropout's by ≥ 0.17.
    const means = batch!.bins.map((b) => b.mean!);
    expect(Math.max(...means) - Math.min(...means)).toBeLessThan(0.04);
    expect(first.mean! - last.mean!).toBeGreaterThan(0.15);
  });

  it('checks its options', () => {
    expect(() => marginalEffects(data, { bins: 1 })).toThrow(/bins must be an integer from 2 to 100; got 1/);
    expect(() => marginalEffects(data, { confidence: 95 })).toThrow(/strictly between 0 and 1/);
    expect(() => marginalEffects(data, { params: ['wd', 'wd'] })).toThrow(/listed twice/);
    expect(() => marginalEffects(data, { params: ['nope'] })).toThrow(/unknown param "nope"; the selection has these params: wd, opt/);
  });
});
