import { describe, expect, it } from 'vitest';
import type { StoredLine, StoredSample } from '../../storage/run-artifacts.ts';
import { compareConfusion } from './confusion.ts';
import { averagePrecision, compareCurves, onGrid, rocAuc } from './curves.ts';
import { diffLines, sampleRows } from './side-by-side.ts';

describe('confusion matrices compared', () => {
  const labels = ['cat', 'dog', 'fox'];
  const base = { runId: 'a', step: 3, matrix: { labels, counts: [[90, 5, 5], [5, 90, 5], [5, 5, 90]] } };
  // Run b takes many dogs for cats.
  const b = { runId: 'b', step: 3, matrix: { labels, counts: [[88, 7, 5], [40, 55, 5], [4, 6, 90]] } };

  it('computes per-class precision, recall and F1 by hand', () => {
    const r = compareConfusion([base, b], 0);
    const dog = r.runs[1]!.classes[1]!;
    expect(dog).toEqual({ label: 'dog', support: 100, precision: 55 / 68, recall: 0.55, f1: expect.closeTo((2 * (55 / 68) * 0.55) / (55 / 68 + 0.55), 12) });
    expect(r.runs[0]!.accuracy).toBeCloseTo(0.9, 12);
    expect(r.runs[0]!.vsBaseline).toBeNull();
  });

  it('names the confusion that grew most and which recall changes are beyond sampling noise', () => {
    const v = compareConfusion([base, b], 0).runs[1]!.vsBaseline!;
    expect(v.mostChanged[0]).toEqual({ actual: 'dog', predicted: 'cat', rate: 0.4, baselineRate: 0.05, delta: expect.closeTo(0.35, 12) });
    const byLabel = Object.fromEntries(v.classes.map((c) => [c.label, c]));
    expect(byLabel.dog).toMatchObject({ recall: expect.closeTo(-0.35, 12), withinNoise: false });
    expect(byLabel.cat!.withinNoise).toBe(true);
    expect(byLabel.fox!.withinNoise).toBe(true);
    expect(v.sentence).toBe('b takes dog for cat 40.0% of the time (baseline a: 5.0%); recall differs beyond sampling noise for dog (−35.0 pp)');
    expect(v.cells[1]![0]).toBe(35);
  });

  it('tests nothing on matrices logged as rates', () => {
    const rates = { runId: 'r', step: 1, matrix: { labels, counts: [[0.9, 0.05, 0.05], [0.4, 0.55, 0.05], [0.05, 0.05, 0.9]] } };
    const v = compareConfusion([base, rates], 0).runs[1]!.vsBaseline!;
    expect(v.classes.every((c) => c.pValue === null && c.withinNoise === null)).toBe(true);
  });

  it('aligns runs on the union of their classes and normalises by row when asked', () => {
    const c = { runId: 'c', step: null, matrix: { labels: ['dog', 'cat', 'owl'], counts: [[9, 1, 0], [0, 10, 0], [0, 0, 5]] } };
    const r = compareConfusion([base, c], 0, { normalize: true });
    expect(r.labels).toEqual(['cat', 'dog', 'fox', 'owl']);
    expect(r.runs[1]!.matrix[1]).toEqual([0.1, 0.9, 0, 0]);
    expect(r.runs[1]!.matrix[2]).toEqual([0, 0, 0, 0]);
    expect(r.runs[0]!.matrix[0]!.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
  });
});

describe('curves compared', () => {
  it('computes average precision and ROC AUC by hand', () => {
    expect(averagePrecision({ x: [0.5, 1], y: [1, 0.5] })).toBe(0.75);
    // (0,0) → (0,0.5) → (0.5,1) → (1,1): 0 + 0.375 + 0.5
    expect(rocAuc({ x: [0, 0.5], y: [0.5, 1] })).toBe(0.875);
    expect(rocAuc({ x: [0, 1], y: [1, 1] })).toBe(1);
  });

  it('puts curves on one grid and gives deltas against the baseline', () => {
    const r = compareCurves('pr', [{ runId: 'a', step: null, curve: { x: [0.5, 1], y: [1, 0.5] } }, { runId: 'b', step: null, curve: { x: [0.5, 1], y: [0.8, 0.4] } }], 0);
    expect(r.runs.map((x) => [x.runId, x.area, x.delta])).toEqual([['a', 0.75, null], ['b', expect.closeTo(0.6, 12), expect.closeTo(-0.15, 12)]]);
    expect(r.sentence).toBe('a has the highest average precision, 0.750 (the baseline)');
    expect(onGrid('pr', { x: [0.5, 1], y: [1, 0.5] })[50]).toBe(1);
    expect(onGrid('pr', { x: [0.5, 1], y: [1, 0.5] })[51]).toBe(0.5);
    expect(onGrid('roc', { x: [0.2], y: [0.7] }).slice(19, 21)).toEqual([0, 0.7]);
  });
});

describe('samples and lines side by side', () => {
  const s = (runId: string, inputId: string, text: string, score?: number): StoredSample => ({ runId, inputId, step: 1, text, uri: null, digest: null, scores: score === undefined ? {} : { bleu: score } });
  const samples = [s('a', 'p1', 'The cat sat', 0.9), s('b', 'p1', 'A cat sat', 0.85), s('a', 'p2', 'Dogs bark', 0.8), s('b', 'p2', 'dogs dogs dogs', 0.1), s('a', 'p3', 'only a', 0.5)];

  it('keeps the inputs every run answered, or all with gaps, filtered by text or by score spread', () => {
    expect(sampleRows(samples, ['a', 'b'], { mode: 'common', offset: 0, limit: 10 }).rows.map((r) => r.inputId)).toEqual(['p1', 'p2']);
    const all = sampleRows(samples, ['a', 'b'], { mode: 'all', offset: 0, limit: 10 });
    expect(all.rows[2]).toEqual({ inputId: 'p3', outputs: [{ text: 'only a', uri: null, digest: null, scores: { bleu: 0.5 } }, null] });
    expect(sampleRows(samples, ['a', 'b'], { mode: 'common', search: 'DOGS', offset: 0, limit: 10 }).rows.map((r) => r.inputId)).toEqual(['p2']);
    const spread = sampleRows(samples, ['a', 'b'], { mode: 'common', scoreDiff: { score: 'bleu', min: 0.5 }, offset: 0, limit: 10 });
    expect(spread.rows.map((r) => [r.inputId, r.scoreSpread])).toEqual([['p2', expect.closeTo(0.7, 12)]]);
    expect(sampleRows(samples, ['a', 'b', 'c'], { mode: 'all', offset: 0, limit: 1 })).toMatchObject({ total: 3, runsWithout: ['c'] });
  });

  it('aligns two runs\' lines by number and finds the first divergence, blind to digits when asked', () => {
    const line = (seq: number, text: string): StoredLine => ({ workerRank: null, stream: 'stdout', seq, at: seq, level: 'info', text });
    const a = [line(0, 'epoch 1 loss 0.91'), line(1, 'epoch 2 loss 0.52'), line(2, 'saving'), line(3, 'done')];
    const b = [line(0, 'epoch 1 loss 0.93'), line(1, 'epoch 2 loss 0.50'), line(2, 'NaN detected'), line(3, 'done'), line(4, 'extra')];
    const exact = diffLines(a, b);
    expect(exact.firstDivergence).toEqual({ workerRank: null, seq: 0, a: 'epoch 1 loss 0.91', b: 'epoch 1 loss 0.93', same: false });
    const blind = diffLines(a, b, { ignoreDigits: true, before: 1, after: 3 });
    expect(blind.firstDivergence).toEqual({ workerRank: null, seq: 2, a: 'saving', b: 'NaN detected', same: false });
    expect(blind.differing).toBe(2);
    expect(blind.rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(diffLines(a, a).firstDivergence).toBeNull();
    // Two workers' streams, each numbered from 0, align worker by worker.
    const w = (rank: number, seq: number, text: string): StoredLine => ({ ...line(seq, text), workerRank: rank });
    const two = diffLines([w(0, 0, 'x'), w(1, 0, 'y')], [w(0, 0, 'x'), w(1, 0, 'z')]);
    expect(two).toMatchObject({ lines: { a: 2, b: 2 }, differing: 1, firstDivergence: { workerRank: 1, seq: 0, a: 'y', b: 'z' } });
  });
});
