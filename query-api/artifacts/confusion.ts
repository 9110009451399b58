// Confusion matrices of several runs compared with a baseline's: the matrices on one set of
// classes (the union, in the baseline's order first), each class's precision, recall and F1 and
// their deltas, the cells that moved most (which class is now taken for which), and per class
// whether the change in recall is more than sampling noise (a two-proportion z-test on the
// class's correct counts; none when a matrix holds rates, not counts). Optionally normalised by
// row (each actual class sums to 1). Pure.
import { twoProportionZTest } from '../engines/statistics/index.ts';

export interface Matrix {
  labels: string[];
  /** counts[actual][predicted] */
  counts: number[][];
}

export interface ClassStats {
  label: string;
  support: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface RunConfusion {
  runId: string;
  step: number | null;
  /** The matrix on the common classes: counts, or rates by row when normalised. */
  matrix: number[][];
  accuracy: number | null;
  classes: ClassStats[];
  /** Against the baseline (null for the baseline itself). */
  vsBaseline: {
    cells: number[][];
    classes: { label: string; precision: number | null; recall: number | null; f1: number | null; pValue: number | null; withinNoise: boolean | null }[];
    /** Off-diagonal cells whose rate (share of the actual class) grew most: the confusions this run added. */
    mostChanged: { actual: string; predicted: string; rate: number; baselineRate: number; delta: number }[];
    sentence: string;
  } | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const minus = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);

/** The matrix re-indexed on `labels` (a class the run lacks counts 0). */
function align(m: Matrix, labels: readonly string[]): number[][] {
  const at = new Map(m.labels.map((l, i) => [l, i]));
  return labels.map((a) => labels.map((p) => {
    const i = at.get(a);
    const j = at.get(p);
    return i === undefined || j === undefined ? 0 : m.counts[i]![j]!;
  }));
}

function classStats(labels: readonly string[], c: number[][]): ClassStats[] {
  return labels.map((label, k) => {
    const tp = c[k]![k]!;
    const support = c[k]!.reduce((s, x) => s + x, 0);
    const predicted = c.reduce((s, row) => s + row[k]!, 0);
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : precision === null || recall === null ? null : 0;
    return { label, support, precision, recall, f1 };
  });
}

const rates = (c: number[][]) => c.map((row) => {
  const total = row.reduce((s, x) => s + x, 0);
  return row.map((x) => (total > 0 ? x / total : 0));
});

/**
 * Compares each run's matrix with the baseline's (`runs[baseline]`). `alpha` decides "within
 * sampling noise" for a class's recall.
 */
export function compareConfusion(runs: { runId: string; step: number | null; matrix: Matrix }[], baseline: number, opts: { normalize?: boolean; alpha?: number; top?: number } = {}): { labels: string[]; runs: RunConfusion[] } {
  const alpha = opts.alpha ?? 0.05;
  const base = runs[baseline]!;
  const labels = [...new Set([...base.matrix.labels, ...runs.flatMap((r) => r.matrix.labels)])];
  const counts = runs.map((r) => align(r.matrix, labels));
  const stats = counts.map((c) => classStats(labels, c));
  const baseCounts = counts[baseline]!;
  const baseRates = rates(baseCounts);
  const out = runs.map((r, i): RunConfusion => {
    const c = counts[i]!;
    const total = c.reduce((s, row) => s + row.reduce((t, x) => t + x, 0), 0);
    const shown = opts.normalize ? rates(c) : c;
    const common = { runId: r.runId, step: r.step, matrix: shown, accuracy: ratio(labels.reduce((s, _, k) => s + c[k]![k]!, 0), total), classes: stats[i]! };
    if (i === baseline) return { ...common, vsBaseline: null };
    const baseShown = opts.normalize ? baseRates : baseCounts;
    const runRates = rates(c);
    // A test on counts: a matrix of rates (already normalised when logged) gets none.
    const counted = [...c, ...baseCounts].every((row) => row.every((x) => Number.isInteger(x)));
    const classes = labels.map((label, k) => {
      const test = counted ? twoProportionZTest(c[k]![k]!, stats[i]![k]!.support, baseCounts[k]![k]!, stats[baseline]![k]!.support) : { pValue: null };
      return {
        label, precision: minus(stats[i]![k]!.precision, stats[baseline]![k]!.precision), recall: minus(stats[i]![k]!.recall, stats[baseline]![k]!.recall),
        f1: minus(stats[i]![k]!.f1, stats[baseline]![k]!.f1), pValue: test.pValue, withinNoise: test.pValue === null ? null : test.pValue > alpha,
      };
    });
    const changed: { actual: string; predicted: string; rate: number; baselineRate: number; delta: number }[] = [];
    labels.forEach((a, x) => labels.forEach((p, y) => {
      if (x !== y) changed.push({ actual: a, predicted: p, rate: runRates[x]![y]!, baselineRate: baseRates[x]![y]!, delta: runRates[x]![y]! - baseRates[x]![y]! });
    }));
    const mostChanged = changed.filter((m) => m.delta > 0).sort((m, n) => n.delta - m.delta).slice(0, opts.top ?? 5);
    const worst = mostChanged[0];
    const real = classes.filter((k) => k.withinNoise === false && k.recall !== null);
    const sentence = worst
      ? `${r.runId} takes ${worst.actual} for ${worst.predicted} ${pct(worst.rate)} of the time (baseline ${base.runId}: ${pct(worst.baselineRate)}); ` +
        (!counted ? 'no test of recall: the matrices hold rates, not counts' : real.length > 0 ? `recall differs beyond sampling noise for ${real.map((k) => `${k.label} (${signedPct(k.recall!)})`).join(', ')}` : 'no class\'s recall differs beyond sampling noise')
      : `${r.runId} confuses no pair of classes more often than the baseline ${base.runId}`;
    return { ...common, vsBaseline: { cells: shown.map((row, x) => row.map((v, y) => v - baseShown[x]![y]!)), classes, mostChanged, sentence } };
  });
  return { labels, runs: out };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const signedPct = (x: number) => `${x >= 0 ? '+' : '−'}${(100 * Math.abs(x)).toFixed(1)} pp`;
