import { describe, expect, it } from 'vitest';
import { createPrng } from '../statistics/prng.ts';
import { binFeatures, forestPermutationImportance, predictTree, TreeGrower, type ForestSettings } from './forest.ts';
import { uniform } from './planted-sweep.ts';

const settings: ForestSettings = { trees: 40, maxFeatures: 2, minLeaf: 5, maxDepth: 20, maxBins: 64 };
const codesOf = (data: ReturnType<typeof binFeatures>, f: number) => Array.from(data.codes.subarray(f * data.rows, (f + 1) * data.rows));
const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('binFeatures', () => {
  it('gives each of a few distinct values its own bin, missing values bin 0', () => {
    const data = binFeatures([Float64Array.from([30, 10, NaN, 20, 10])], [false], 64);
    expect(codesOf(data, 0)).toEqual([3, 1, 0, 2, 1]);
    expect(data.bins[0]).toBe(4);
  });

  it('cuts many values into at most maxBins ordered quantile bins', () => {
    const u = uniform(1);
    const x = Float64Array.from({ length: 1000 }, () => u());
    const data = binFeatures([x], [false], 16);
    expect(data.bins[0]).toBeLessThanOrEqual(17);
    const codes = codesOf(data, 0);
    const order = Array.from(x.keys()).sort((a, b) => x[a]! - x[b]!);
    for (let k = 1; k < order.length; k++) expect(codes[order[k]!]!).toBeGreaterThanOrEqual(codes[order[k - 1]!]!);
    const perBin = new Map<number, number>();
    for (const c of codes) perBin.set(c, (perBin.get(c) ?? 0) + 1);
    for (const count of perBin.values()) expect(count).toBeGreaterThan(40); // ≈ 1000 / 16 each
  });

  it('keeps the most frequent categories and pools the rest', () => {
    // category 0 ×5, 1 ×3, 2 ×1, 3 ×1; with maxBins 3 only 0 and 1 keep their own bin
    const data = binFeatures([Float64Array.from([0, 0, 0, 0, 0, 1, 1, 1, 2, 3, NaN])], [true], 3);
    expect(codesOf(data, 0)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 0]);
    expect(data.bins[0]).toBe(4);
  });
});

describe('TreeGrower', () => {
  it('fits a step exactly and respects minLeaf', () => {
    const n = 200;
    const x = Float64Array.from({ length: n }, (_, i) => (i % 50) / 50); // 50 values: one bin each
    const y = Float64Array.from(x, (v) => (v < 0.3 ? 1 : v < 0.7 ? 5 : 2));
    const data = binFeatures([x], [false], 64);
    const grower = new TreeGrower(data, { ...settings, maxFeatures: 1 }, n);
    const tree = grower.grow(allRows(n), y, createPrng(1), new Uint8Array(1));
    for (let i = 0; i < n; i++) expect(predictTree(tree, data, i)).toBeCloseTo(y[i]!, 12);
    const leafSizes = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const v = predictTree(tree, data, i);
      leafSizes.set(v, (leafSizes.get(v) ?? 0) + 1);
    }
    for (const size of leafSizes.values()) expect(size).toBeGreaterThanOrEqual(5);
  });

  it('splits categories by their mean target, not their order', () => {
    // category 1 (in the middle of the order) is high; one split must isolate it
    const x = Float64Array.from({ length: 90 }, (_, i) => i % 3);
    const y = Float64Array.from(x, (c) => (c === 1 ? 10 : 0));
    const data = binFeatures([x], [true], 64);
    const tree = new TreeGrower(data, { ...settings, maxFeatures: 1, maxDepth: 1 }, 90).grow(allRows(90), y, createPrng(1), new Uint8Array(1));
    for (let i = 0; i < 90; i++) expect(predictTree(tree, data, i)).toBe(y[i]);
  });

  it('numeric splits are thresholds, also for values the node never saw', () => {
    const x = Float64Array.from([0, 1, 3, 5, 7, 9, 11]);
    const data = binFeatures([x], [false], 64);
    // train on x ∈ {1, 5, 9} only (five copies each): high target for 9
    const sample = Int32Array.from([1, 3, 5].flatMap((row) => [row, row, row, row, row]));
    const y = Float64Array.from(x, (v) => (v === 9 ? 1 : 0));
    const tree = new TreeGrower(data, { ...settings, maxFeatures: 1, minLeaf: 5 }, sample.length).grow(sample, y, createPrng(1), new Uint8Array(1));
    expect([0, 1, 2, 3, 4, 5, 6].map((row) => predictTree(tree, data, row))).toEqual([0, 0, 0, 0, 1, 1, 1]);
  });

  it('sends missing values to the side that fits them', () => {
    // missing values behave like high ones: the split must put bin 0 with the top bins
    const x = Float64Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? NaN : i));
    const y = Float64Array.from(x, (v) => (Number.isNaN(v) || v >= 50 ? 1 : 0));
    const data = binFeatures([x], [false], 64);
    const tree = new TreeGrower(data, { ...settings, maxFeatures: 1, maxDepth: 1 }, 100).grow(allRows(100), y, createPrng(1), new Uint8Array(1));
    for (let i = 0; i < 100; i++) expect(predictTree(tree, data, i)).toBe(y[i]);
  });
});

describe('forestPermutationImportance', () => {
  it('finds both halves of a pure interaction and ignores noise', () => {
    const u = uniform(11);
    const n = 1000;
    const cols = [0, 1, 2].map(() => Float64Array.from({ length: n }, () => u()));
    // XOR-like: neither x0 nor x1 alone moves the mean
    const y = Float64Array.from({ length: n }, (_, i) => Math.sign(cols[0]![i]! - 0.5) * Math.sign(cols[1]![i]! - 0.5) + 0.1 * (u() - 0.5));
    const data = binFeatures(cols, [false, false, false], 64);
    const fit = forestPermutationImportance(data, y, allRows(n), settings, createPrng(2));
    const [i0, i1, i2] = fit.importance;
    expect(i0).toBeGreaterThan(0.3);
    expect(i1).toBeGreaterThan(0.3);
    expect(Math.abs(i2!)).toBeLessThan(0.05);
    expect(fit.oobR2).toBeGreaterThan(0.8);
    expect(fit.treesScored).toBe(40);
  });

  it('never scores a copy of an in-bag row as out-of-bag', () => {
    // Pure noise, every row twice, leaves of one row: if copies counted as unseen, the trees
    // would "predict" them perfectly and the OOB R² would be near 1.
    const u = uniform(5);
    const n = 300;
    const x = Float64Array.from({ length: n }, () => u());
    const y = Float64Array.from({ length: n }, () => u() - 0.5);
    const sample = Int32Array.from({ length: 2 * n }, (_, k) => k % n);
    const fit = forestPermutationImportance(binFeatures([x], [false], 64), y, sample, { ...settings, minLeaf: 1, maxFeatures: 1 }, createPrng(3));
    expect(fit.oobR2).toBeLessThan(0.1);
  });

  it('is deterministic for a seed', () => {
    const u = uniform(2);
    const cols = [Float64Array.from({ length: 200 }, () => u())];
    const y = Float64Array.from(cols[0]!, (v) => v * v);
    const data = binFeatures(cols, [false], 64);
    const a = forestPermutationImportance(data, y, allRows(200), settings, createPrng(9));
    const b = forestPermutationImportance(data, y, allRows(200), settings, createPrng(9));
    expect(a).toEqual(b);
  });
});
