// The k-th smallest Walsh average (x_i + x_j)/2, i ≤ j, or pairwise difference x_i − y_j, without
// building the set: 100,000 values per sample would make billions. Once the samples are sorted
// both sets are matrices with sorted rows and columns, so a quickselect over the matrix (random
// pivot, O(n) counting per round, as in Monahan 1984 and Johnson & Mizoguchi 1978) finds any order
// statistic in O(n log n) expected time. The pivots only affect speed: the answer is exact, i.e.
// the same double that sorting every value would give.
import { createPrng, type Prng } from './prng.ts';

/** A matrix whose row i holds columns first(i) … cols − 1, nondecreasing along rows and down columns. */
interface SortedMatrix {
  rows: number;
  cols: number;
  first(i: number): number;
  value(i: number, j: number): number;
}

/** Below this many candidates left, they are collected and sorted. */
const COLLECT_AT = 1024;

/** Walsh averages of an ascending sample; ½x + ½y is (x + y)/2 exactly, without overflow. */
function walshMatrix(x: Float64Array): SortedMatrix {
  return { rows: x.length, cols: x.length, first: (i) => i, value: (i, j) => 0.5 * x[i]! + 0.5 * x[j]! };
}

/** x_i − y_j with x ascending; y is walked from its largest value so rows increase. */
function differenceMatrix(x: Float64Array, y: Float64Array): SortedMatrix {
  const last = y.length - 1;
  return { rows: x.length, cols: y.length, first: () => 0, value: (i, j) => x[i]! - y[last - j]! };
}

/**
 * out[i] = first column of row i whose value is ≥ pivot (or > pivot when strict); returns how
 * many values lie before those columns. The boundary only moves left from one row to the next,
 * so one pass costs O(rows + cols).
 */
function boundaries(m: SortedMatrix, pivot: number, strict: boolean, out: Float64Array): number {
  let j = m.cols;
  let count = 0;
  for (let i = 0; i < m.rows; i++) {
    const first = m.first(i);
    if (j < first) j = first;
    while (j > first && (strict ? m.value(i, j - 1) > pivot : m.value(i, j - 1) >= pivot)) j--;
    out[i] = j;
    count += j - first;
  }
  return count;
}

/** Uniform integer in [0, n) for n up to 2⁵³ (the candidate count can pass 2³²). */
function below(prng: Prng, n: number): number {
  const u = (prng.below(2 ** 32) + prng.below(2 ** 32) / 2 ** 32) / 2 ** 32;
  return Math.min(n - 1, Math.floor(u * n));
}

/** The k-th smallest value (1-based) of the matrix. */
function select(m: SortedMatrix, k: number): number {
  const lo = new Float64Array(m.rows); // first live column per row
  const hi = new Float64Array(m.rows); // one past the last live column
  for (let i = 0; i < m.rows; i++) {
    lo[i] = m.first(i);
    hi[i] = m.cols;
  }
  const less = new Float64Array(m.rows);
  const atMost = new Float64Array(m.rows);
  const prng = createPrng(0x5eed);
  for (;;) {
    let live = 0;
    for (let i = 0; i < m.rows; i++) live += Math.max(0, hi[i]! - lo[i]!);
    if (live <= COLLECT_AT) {
      const values = new Float64Array(live);
      let at = 0;
      let before = 0; // values left of the live columns: all smaller than every live value
      for (let i = 0; i < m.rows; i++) {
        before += lo[i]! - m.first(i);
        for (let j = lo[i]!; j < hi[i]!; j++) values[at++] = m.value(i, j);
      }
      values.sort();
      return values[k - before - 1]!;
    }
    let r = below(prng, live);
    let pivot = NaN;
    for (let i = 0; i < m.rows; i++) {
      const width = Math.max(0, hi[i]! - lo[i]!);
      if (r < width) {
        pivot = m.value(i, lo[i]! + r);
        break;
      }
      r -= width;
    }
    const countLess = boundaries(m, pivot, false, less);
    const countAtMost = boundaries(m, pivot, true, atMost);
    if (k <= countLess) {
      for (let i = 0; i < m.rows; i++) hi[i] = Math.min(hi[i]!, less[i]!);
    } else if (k > countAtMost) {
      for (let i = 0; i < m.rows; i++) lo[i] = Math.max(lo[i]!, atMost[i]!);
    } else {
      return pivot;
    }
  }
}

function checkRank(k: number, count: number): void {
  if (!Number.isInteger(k) || k < 1 || k > count) throw new RangeError(`rank ${k} is outside 1 … ${count}`);
}

/** k-th smallest (1-based) of the n(n+1)/2 Walsh averages of `sorted` (ascending, finite). */
export function kthWalshAverage(sorted: Float64Array, k: number): number {
  checkRank(k, (sorted.length * (sorted.length + 1)) / 2);
  return select(walshMatrix(sorted), k);
}

/** k-th smallest (1-based) of the differences x_i − y_j; both samples ascending, differences finite. */
export function kthDifference(x: Float64Array, y: Float64Array, k: number): number {
  checkRank(k, x.length * y.length);
  return select(differenceMatrix(x, y), k);
}
