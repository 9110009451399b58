// A compact regression random forest and its out-of-bag permutation importance, on typed arrays
// only. Written here rather than taken from ml-random-forest 2.1.0 (mljs), which was tried: its
// CART split search re-partitions the node for every candidate threshold, O(n²) per feature
// and node (10 trees on 2,000 rows took 1.8 s; the 10k-run bootstrap below would take minutes),
// it samples features once per tree rather than per split, and its OOB bookkeeping throws
// when some row is in every tree's bag.
//
// How it works:
// - Features are binned once (binFeatures): numeric values into at most `maxBins` quantile
//   bins (each distinct value its own bin when there are few), categories into one bin each
//   (the most frequent maxBins − 1 keep their own, the rest share an "other" bin). Bin 0 holds
//   the missing values of every feature.
// - Trees (TreeGrower) are CART with squared error on a bootstrap sample, `maxFeatures` features
//   drawn at every split, histogram split search: O(rows in node) per feature and node.
//   Numeric splits are thresholds on the bins, with the missing bin tried on either side
//   (missing values unseen at a node go right);
//   categorical splits order the categories by their mean target in the node and cut that
//   order — the optimal partition for squared error (Breiman et al. 1984, §9.4).
// - Importance (forestPermutationImportance) is Breiman's: per tree, the rise in squared error
//   on its out-of-bag rows when one feature's values are shuffled among them, averaged over the
//   trees. Out-of-bag is decided by row identity, so when the caller's sample repeats a row (a
//   bootstrap over runs), a copy of an in-bag row is never scored as unseen.
import type { Prng } from '../statistics/prng.ts';

export interface ForestSettings {
  trees: number;
  /** Features tried at each split. */
  maxFeatures: number;
  /** Fewest sample rows in a leaf. */
  minLeaf: number;
  maxDepth: number;
  /** Most bins per feature, the missing bin not counted. */
  maxBins: number;
}

/** Binned features, feature-major: codes[f · rows + i] is the bin of row i on feature f. */
export interface BinnedFeatures {
  rows: number;
  features: number;
  codes: Uint16Array;
  /** Bins of each feature, the missing bin 0 included. */
  bins: Int32Array;
  categorical: Uint8Array;
}

/** A fitted tree in flat arrays; feature −1 marks a leaf. Row goes left when mask[maskOffset[node] + code] is 1. */
export interface Tree {
  nodes: number;
  feature: Int32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  maskOffset: Int32Array;
  mask: Uint8Array;
}

/**
 * Bins the columns (NaN = missing; categorical columns hold category indexes). All columns have
 * the same length.
 */
export function binFeatures(columns: readonly Float64Array[], categorical: readonly boolean[], maxBins: number): BinnedFeatures {
  const rows = columns[0]?.length ?? 0;
  const features = columns.length;
  const codes = new Uint16Array(rows * features);
  const bins = new Int32Array(features);
  columns.forEach((x, f) => {
    const out = codes.subarray(f * rows, (f + 1) * rows);
    bins[f] = categorical[f] ? binCategories(x, maxBins, out) : binNumbers(x, maxBins, out);
  });
  return { rows, features, codes, bins, categorical: Uint8Array.from(categorical, (c) => (c ? 1 : 0)) };
}

function binNumbers(x: Float64Array, maxBins: number, out: Uint16Array): number {
  const present = x.filter((v) => !Number.isNaN(v)).sort();
  const m = present.length;
  const distinct: number[] = [];
  for (let i = 0; i < m; i++) if (i === 0 || present[i] !== present[i - 1]) distinct.push(present[i]!);
  // Thresholds t: a value's bin is 1 + the number of thresholds ≤ it.
  let thresholds: number[];
  if (distinct.length <= maxBins) {
    thresholds = distinct.slice(1);
  } else {
    thresholds = [];
    for (let k = 1; k < maxBins; k++) {
      const t = present[Math.floor((k * m) / maxBins)]!;
      if (t > present[0]! && t !== thresholds[thresholds.length - 1]) thresholds.push(t);
    }
  }
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) {
      out[i] = 0;
      continue;
    }
    let lo = 0;
    let hi = thresholds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (thresholds[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = 1 + lo;
  }
  return thresholds.length + 2;
}

function binCategories(x: Float64Array, maxBins: number, out: Uint16Array): number {
  let k = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) k = Math.max(k, x[i]! + 1);
  const counts = new Float64Array(k);
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) counts[x[i]!]!++;
  // Keep the most frequent categories (ties: the earlier in axis order); the rest share a bin.
  const byCount = Array.from({ length: k }, (_, c) => c).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const code = new Int32Array(k);
  const kept = Math.min(k, maxBins - 1);
  byCount.forEach((c, rank) => (code[c] = rank < kept ? 1 + rank : 1 + kept));
  for (let i = 0; i < x.length; i++) out[i] = Number.isNaN(x[i]!) ? 0 : code[x[i]!]!;
  return k > kept ? kept + 2 : kept + 1;
}

/** Reusable buffers for growing trees on samples of one size. */
export class TreeGrower {
  private readonly capacity: number;
  private readonly maxBinCount: number;
  private readonly tree: Tree;
  private readonly idx: Int32Array;
  private readonly count: Float64Array;
  private readonly sum: Float64Array;
  private readonly order: Int32Array;
  private readonly bestOrder: Int32Array;
  private readonly means: Float64Array;
  private readonly featurePool: Int32Array;
  private readonly stack: Int32Array;

  constructor(private readonly data: BinnedFeatures, private readonly settings: ForestSettings, sampleSize: number) {
    // Every split leaves ≥ minLeaf rows on each side, so there are at most sampleSize / minLeaf leaves.
    this.capacity = 2 * Math.ceil(sampleSize / settings.minLeaf) + 1;
    this.maxBinCount = Math.max(2, ...data.bins);
    this.tree = {
      nodes: 0,
      feature: new Int32Array(this.capacity),
      left: new Int32Array(this.capacity),
      right: new Int32Array(this.capacity),
      value: new Float64Array(this.capacity),
      maskOffset: new Int32Array(this.capacity),
      mask: new Uint8Array(this.capacity * this.maxBinCount),
    };
    this.idx = new Int32Array(sampleSize);
    this.count = new Float64Array(this.maxBinCount);
    this.sum = new Float64Array(this.maxBinCount);
    this.order = new Int32Array(this.maxBinCount);
    this.bestOrder = new Int32Array(this.maxBinCount);
    this.means = new Float64Array(this.maxBinCount);
    this.featurePool = Int32Array.from({ length: data.features }, (_, f) => f);
    this.stack = new Int32Array(4 * this.capacity);
  }

  /**
   * Grows a tree on `sample` (rows, repeats allowed; y is indexed by row). The returned tree's
   * arrays are reused by the next call; `usedFeature[f]` is set to 1 for every feature split on.
   */
  grow(sample: Int32Array, y: Float64Array, prng: Prng, usedFeature: Uint8Array): Tree {
    const { tree, idx, stack } = this;
    const { minLeaf, maxDepth } = this.settings;
    idx.set(sample);
    usedFeature.fill(0);
    tree.nodes = 1;
    let top = 0;
    stack[top++] = 0;
    stack[top++] = 0;
    stack[top++] = sample.length;
    stack[top++] = 0;
    while (top > 0) {
      const depth = stack[--top]!;
      const end = stack[--top]!;
      const start = stack[--top]!;
      const node = stack[--top]!;
      let s = 0;
      let ss = 0;
      for (let k = start; k < end; k++) {
        const v = y[idx[k]!]!;
        s += v;
        ss += v * v;
      }
      const c = end - start;
      tree.value[node] = s / c;
      tree.feature[node] = -1;
      const sse = ss - (s * s) / c;
      if (c < 2 * minLeaf || depth >= maxDepth || !(sse > 1e-12 * ss)) continue;
      const split = this.bestSplit(start, end, s, y, prng);
      if (split.feature < 0 || !(split.gain > 1e-12 * sse)) continue;

      const f = split.feature;
      const offset = node * this.maxBinCount;
      const mask = tree.mask;
      mask.fill(0, offset, offset + this.maxBinCount);
      if (this.data.categorical[f]) {
        for (let j = 0; j <= split.cut; j++) mask[offset + this.bestOrder[j]!] = 1;
      } else {
        // A threshold: every bin up to the highest one on the left goes left, bins this node's
        // rows did not reach included, so prediction stays monotone in the value.
        let threshold = 0;
        for (let j = 0; j <= split.cut; j++) {
          const b = this.bestOrder[j]!;
          if (b === 0) mask[offset] = 1;
          else threshold = Math.max(threshold, b);
        }
        mask.fill(1, offset + 1, offset + threshold + 1);
      }
      // Partition the node's rows: left-going ones first.
      const codes = this.data.codes;
      const base = f * this.data.rows;
      let i = start;
      let j = end - 1;
      while (i <= j) {
        if (mask[offset + codes[base + idx[i]!]!]) i++;
        else {
          const t = idx[i]!;
          idx[i] = idx[j]!;
          idx[j--] = t;
        }
      }
      const left = tree.nodes++;
      const right = tree.nodes++;
      tree.feature[node] = f;
      tree.maskOffset[node] = offset;
      tree.left[node] = left;
      tree.right[node] = right;
      usedFeature[f] = 1;
      stack[top++] = right;
      stack[top++] = i;
      stack[top++] = end;
      stack[top++] = depth + 1;
      stack[top++] = left;
      stack[top++] = start;
      stack[top++] = i;
      stack[top++] = depth + 1;
    }
    return tree;
  }

  /** The best split of idx[start, end) over maxFeatures features drawn at random; the winning bin order lands in bestOrder. */
  private bestSplit(start: number, end: number, total: number, y: Float64Array, prng: Prng): { feature: number; cut: number; gain: number } {
    const { data, count, sum, order, means, featurePool, idx } = this;
    const codes = data.codes;
    const { minLeaf, maxFeatures } = this.settings;
    const c = end - start;
    const parent = (total * total) / c;
    let best = { feature: -1, cut: -1, gain: 0 };
    const p = data.features;
    for (let t = 0; t < Math.min(maxFeatures, p); t++) {
      // Partial Fisher–Yates: featurePool[t] becomes a feature not yet tried at this node.
      const swap = t + prng.below(p - t);
      const f = featurePool[swap]!;
      featurePool[swap] = featurePool[t]!;
      featurePool[t] = f;

      const nBins = data.bins[f]!;
      count.fill(0, 0, nBins);
      sum.fill(0, 0, nBins);
      const base = f * data.rows;
      for (let k = start; k < end; k++) {
        const row = idx[k]!;
        const b = codes[base + row]!;
        count[b]!++;
        sum[b] = sum[b]! + y[row]!;
      }
      let length = 0;
      if (data.categorical[f]) {
        for (let b = 0; b < nBins; b++) {
          if (count[b]! === 0) continue;
          order[length++] = b;
          means[b] = sum[b]! / count[b]!;
        }
        order.subarray(0, length).sort((a, b) => means[a]! - means[b]! || a - b);
      } else {
        for (let b = 1; b < nBins; b++) if (count[b]! > 0) order[length++] = b;
      }
      // Numeric features with missing values in the node: try the missing bin at either end.
      const tries = !data.categorical[f] && count[0]! > 0 ? 2 : 1;
      for (let attempt = 0; attempt < tries; attempt++) {
        if (tries === 2 && attempt === 0) {
          order.copyWithin(1, 0, length); // missing first: it joins the low side
          order[0] = 0;
        } else if (tries === 2) {
          order.copyWithin(0, 1, length + 1); // missing last: it joins the high side
          order[length] = 0;
        }
        const len = length + (tries === 2 ? 1 : 0);
        let cl = 0;
        let sl = 0;
        for (let j = 0; j < len - 1; j++) {
          const b = order[j]!;
          cl += count[b]!;
          sl += sum[b]!;
          const cr = c - cl;
          if (cl < minLeaf) continue;
          if (cr < minLeaf) break;
          const sr = total - sl;
          const gain = (sl * sl) / cl + (sr * sr) / cr - parent;
          if (gain > best.gain) {
            best = { feature: f, cut: j, gain };
            this.bestOrder.set(order.subarray(0, len));
          }
        }
      }
    }
    return best;
  }
}

/** Prediction for `row`, reading feature `swapFeature` from row `swapRow` instead (−1: none). */
export function predictTree(tree: Tree, data: BinnedFeatures, row: number, swapFeature = -1, swapRow = row): number {
  const { codes, rows } = data;
  let node = 0;
  for (;;) {
    const f = tree.feature[node]!;
    if (f < 0) return tree.value[node]!;
    const code = codes[f * rows + (f === swapFeature ? swapRow : row)]!;
    node = tree.mask[tree.maskOffset[node]! + code] ? tree.left[node]! : tree.right[node]!;
  }
}

export interface ForestImportance {
  /** Mean rise in out-of-bag squared error per feature when it is shuffled (target units²). */
  importance: Float64Array;
  /** Out-of-bag mean squared error and R² of the whole forest over the sample rows scored by some tree. */
  oobMse: number;
  oobR2: number;
  treesScored: number;
}

/**
 * Fits a forest on `sample` (rows of `data`, repeats allowed) and returns the permutation
 * importance of every feature. `y` is indexed by row; centring it first keeps sums accurate.
 */
export function forestPermutationImportance(data: BinnedFeatures, y: Float64Array, sample: Int32Array, settings: ForestSettings, prng: Prng): ForestImportance {
  const m = sample.length;
  const p = data.features;
  const grower = new TreeGrower(data, settings, m);
  const bag = new Int32Array(m);
  const inBag = new Int32Array(data.rows); // tree number + 1 when the row was drawn for that tree
  const oob = new Int32Array(m); // positions in `sample`
  const shuffled = new Int32Array(m);
  const used = new Uint8Array(p);
  const rise = new Float64Array(p);
  const predSum = new Float64Array(m);
  const predCount = new Int32Array(m);
  let treesScored = 0;

  for (let t = 0; t < settings.trees; t++) {
    for (let k = 0; k < m; k++) {
      const row = sample[prng.below(m)]!;
      bag[k] = row;
      inBag[row] = t + 1;
    }
    const tree = grower.grow(bag, y, prng, used);
    let nOob = 0;
    for (let k = 0; k < m; k++) if (inBag[sample[k]!] !== t + 1) oob[nOob++] = k;
    if (nOob === 0) continue;
    treesScored++;
    let err0 = 0;
    for (let j = 0; j < nOob; j++) {
      const pos = oob[j]!;
      const row = sample[pos]!;
      const pred = predictTree(tree, data, row);
      predSum[pos] = predSum[pos]! + pred;
      predCount[pos]!++;
      err0 += (y[row]! - pred) ** 2;
    }
    for (let f = 0; f < p; f++) {
      if (!used[f]) continue; // a feature the tree never splits on cannot change its predictions
      for (let j = 0; j < nOob; j++) shuffled[j] = sample[oob[j]!]!;
      for (let j = nOob - 1; j > 0; j--) {
        const r = prng.below(j + 1);
        const tmp = shuffled[j]!;
        shuffled[j] = shuffled[r]!;
        shuffled[r] = tmp;
      }
      let err = 0;
      for (let j = 0; j < nOob; j++) {
        const row = sample[oob[j]!]!;
        err += (y[row]! - predictTree(tree, data, row, f, shuffled[j]!)) ** 2;
      }
      rise[f] = rise[f]! + (err - err0) / nOob;
    }
  }

  let sse = 0;
  let scored = 0;
  let mean = 0;
  for (let k = 0; k < m; k++) {
    if (predCount[k] === 0) continue;
    mean += y[sample[k]!]!;
    scored++;
  }
  mean /= Math.max(scored, 1);
  let sst = 0;
  for (let k = 0; k < m; k++) {
    if (predCount[k] === 0) continue;
    const v = y[sample[k]!]!;
    sse += (v - predSum[k]! / predCount[k]!) ** 2;
    sst += (v - mean) ** 2;
  }
  return {
    importance: rise.map((r) => (treesScored > 0 ? r / treesScored : 0)),
    oobMse: scored > 0 ? sse / scored : NaN,
    oobR2: sst > 0 ? 1 - sse / sst : NaN,
    treesScored,
  };
}
