// Where the best runs live: for the top k% of runs by the target, the range of each numeric param
// (min–max of the top runs, or their central share) or the set of categories they use, and one
// sentence naming only the params whose top region is clearly narrower than the whole sweep's:
//   "top 5% of runs (n=50) all have lr in [0.000302, 0.00098] and warmup ≥ 500".
//
// "Clearly narrower" is measured in runs, not in units, so it is the same on linear and log
// axes: the coverage c of a region is the share of the sweep's runs (those with the target and
// the param) whose value falls inside it. A param is mentioned when
//   1. c ≤ maxCoverage (default 0.8): a fifth of the sweep or more lies outside the region, so
//      the region says something practical (with thousands of top runs, a region holding 97% of
//      the sweep can pass the chance test below and still not be worth a word), and
//   2. the region is unlikely to be that narrow by chance, Bonferroni-adjusted over the params
//      examined (p × params < alpha, default 0.05). For a numeric range spanning the j-th to k-th
//      smallest of m top values, the population share between two order statistics of m random
//      draws is Beta(k − j, m − k + j + 1)-distributed, so p = P(Binomial(m, c) ≥ k − j)
//      (for the min–max range, m·c^(m−1) − (m−1)·c^m). For categories, p = 2^K · c^m bounds the
//      chance that m random runs fall into any set of categories holding a share c of the sweep
//      (K = categories in the sweep). Tied values make c larger, so both tests err on the side of
//      mentioning less.
// With one top run nothing can be established, and nothing is mentioned.
//
// Top runs: n = ⌈k% × runs with the target⌉ (at least 1), sorted by the target in the chosen
// direction, ties broken by run id. A numeric region is phrased one-sided when it plausibly
// reaches the edge of the sweep: "warmup ≥ 500" when the sweep's runs above its top end number
// at most 3 × (runs in the region / top runs). If the top runs did extend to the edge, the runs
// beyond the last of them would be about one such gap, exponentially distributed, so three
// gaps or fewer happens 95% of the time. "≤ hi" likewise at the bottom. Either way the bound
// kept is true of the runs described; only an uninformative one is dropped.
import { axisOf, varies, type AxisOptions, type AxisScale, type CategoryValue } from './axes.ts';
import { encodeColumn } from './binning.ts';
import { checkChoice, checkNumber, checkParamList, prepare } from './input.ts';
import { formatNumber } from './format.ts';
import type { Direction, SweepData } from './types.ts';

export interface BestRegionOptions {
  /** Share of runs called "top", in percent: (0, 100], default 5. */
  topPercent?: number;
  /** Default 'maximize'. */
  direction?: Direction;
  /** Numeric ranges over this central share of the top runs' values, (0, 1]; default 1 (min–max). */
  central?: number;
  /** Default: every param that varies in the selection. */
  params?: string[];
  /** Most share of the sweep's runs a region may hold and still be mentioned, default 0.8. */
  maxCoverage?: number;
  /** Level of the chance test, default 0.05. */
  alpha?: number;
  /** The target's name, for the sentence (e.g. "val/acc max"). */
  targetName?: string;
  axes?: AxisOptions;
}

interface RegionCommon {
  param: string;
  scale: AxisScale;
  /** Top runs that set the param. */
  n: number;
  /** Share of the sweep's runs (with the target and the param) inside the region. */
  coverage: number;
  /** Chance of a region this narrow from random runs, Bonferroni-adjusted over the params. */
  pValue: number;
  mentioned: boolean;
  /** The param's part of the sentence, e.g. "lr in [0.0003, 0.001]"; null when the top runs lack the param. */
  phrase: string | null;
}

export type RegionParam =
  /** lo and hi are null when no top run sets the param; sweepMin/Max null when no run does. */
  | (RegionCommon & { kind: 'range'; lo: number | null; hi: number | null; sweepMin: number | null; sweepMax: number | null })
  | (RegionCommon & { kind: 'categories'; categories: CategoryValue[]; sweepCategories: CategoryValue[] });

export interface BestRegion {
  topPercent: number;
  direction: Direction;
  central: number;
  /** Top runs. */
  n: number;
  /** Runs with the target, the pool the top is taken from. */
  runsUsed: number;
  /** Target of the last run that made the top. */
  threshold: number;
  /** Mentioned params first (narrowest coverage first), then the rest in the order examined. */
  params: RegionParam[];
  sentence: string;
}

/** P(X ≥ a) for X ~ Binomial(m, c), summed in log space so large m does not overflow. */
export function binomialUpperTail(m: number, c: number, a: number): number {
  if (a <= 0 || c >= 1) return 1;
  if (a > m || c <= 0) return 0;
  let logChoose = 0; // ln C(m, a)
  for (let t = 1; t <= a; t++) logChoose += Math.log((m - a + t) / t);
  const lc = Math.log(c);
  const l1c = Math.log1p(-c);
  let total = 0;
  for (let i = a; i <= m; i++) {
    total += Math.exp(logChoose + i * lc + (m - i) * l1c);
    logChoose += Math.log((m - i) / (i + 1));
  }
  return Math.min(1, total);
}

const joinWords = (parts: string[]) => (parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`);

export function bestRegion(data: SweepData, options: BestRegionOptions = {}): BestRegion {
  const prepared = prepare(data, { requireTarget: true });
  const params = checkParamList(prepared, options.params, () => prepared.paramNames.filter((p) => varies(prepared, p)));
  const topPercent = checkNumber('topPercent', options.topPercent, 5, (v) => v > 0 && v <= 100, 'a percentage in (0, 100], e.g. 5 for the top 5% of runs');
  const direction = checkChoice('direction', options.direction, ['maximize', 'minimize'] as const, 'maximize');
  const central = checkNumber('central', options.central, 1, (v) => v > 0 && v <= 1, 'a share in (0, 1], e.g. 0.9 for the central 90% of the top runs');
  const maxCoverage = checkNumber('maxCoverage', options.maxCoverage, 0.8, (v) => v > 0 && v < 1, 'a share strictly between 0 and 1');
  const alpha = checkNumber('alpha', options.alpha, 0.05, (v) => v > 0 && v < 1, 'a level strictly between 0 and 1');

  const { target, n: runs } = prepared;
  const rows: number[] = [];
  for (let i = 0; i < runs; i++) if (!Number.isNaN(target[i]!)) rows.push(i);
  const sign = direction === 'maximize' ? -1 : 1;
  rows.sort((a, b) => sign * (target[a]! - target[b]!) || a - b); // canonical index = run id order
  const m = rows.length;
  const nTop = Math.max(1, Math.ceil((topPercent / 100) * m));
  const isTop = new Uint8Array(runs);
  for (let k = 0; k < nTop; k++) isTop[rows[k]!] = 1;

  const regions: RegionParam[] = params.map((param) => {
    const axis = axisOf(prepared, param, options.axes);
    const x = encodeColumn(axis, prepared.column(param));
    const top: number[] = [];
    const pool: number[] = [];
    for (const i of rows) {
      if (Number.isNaN(x[i]!)) continue;
      pool.push(x[i]!);
      if (isTop[i]) top.push(x[i]!);
    }
    const mTop = top.length;
    const adjust = (p: number) => Math.min(1, p * params.length);
    const setBy = mTop < nTop ? ` (${mTop} of ${nTop} set ${param})` : '';

    if (axis.scale === 'categorical') {
      const inTop = new Set(top);
      const used = new Set(pool);
      const categories = axis.categories.filter((_, c) => inTop.has(c));
      const coverage = pool.length ? pool.filter((v) => inTop.has(v)).length / pool.length : 1;
      const p = mTop < 2 || coverage >= 1 ? 1 : adjust(Math.min(1, Math.exp(used.size * Math.LN2 + mTop * Math.log(coverage))));
      const phrase = mTop === 0 ? null : categories.length === 1 ? `${param} = ${String(categories[0])}${setBy}` : `${param} in {${categories.map(String).join(', ')}}${setBy}`;
      return {
        kind: 'categories', param, scale: axis.scale, n: mTop, coverage, pValue: p,
        mentioned: phrase !== null && coverage <= maxCoverage && p < alpha, phrase,
        categories, sweepCategories: axis.categories.filter((_, c) => used.has(c)),
      };
    }

    top.sort((a, b) => a - b);
    let sweepMin = Infinity;
    let sweepMax = -Infinity;
    for (const v of pool) {
      if (v < sweepMin) sweepMin = v;
      if (v > sweepMax) sweepMax = v;
    }
    if (mTop === 0) {
      return { kind: 'range', param, scale: axis.scale, n: 0, coverage: 1, pValue: 1, mentioned: false, phrase: null, lo: null, hi: null, sweepMin: pool.length ? sweepMin : null, sweepMax: pool.length ? sweepMax : null };
    }
    // Order statistics j..k (1-based) of the top values: the central share, or min–max.
    const j = Math.max(1, Math.ceil(((1 - central) / 2) * mTop));
    const k = Math.max(j, mTop - j + 1);
    const lo = top[j - 1]!;
    const hi = top[k - 1]!;
    let below = 0;
    let above = 0;
    for (const v of pool) {
      if (v < lo) below++;
      else if (v > hi) above++;
    }
    const coverage = (pool.length - below - above) / pool.length;
    const p = adjust(binomialUpperTail(mTop, coverage, k - j));
    const [flo, fhi] = [formatNumber(lo), formatNumber(hi)];
    const edge = (3 * (coverage * pool.length)) / mTop; // three typical gaps between neighbouring top runs
    const bounds = lo === hi ? `${param} = ${flo}` : below <= edge ? `${param} ≤ ${fhi}` : above <= edge ? `${param} ≥ ${flo}` : `${param} in [${flo}, ${fhi}]`;
    const phrase = `${bounds}${setBy}`;
    return { kind: 'range', param, scale: axis.scale, n: mTop, coverage, pValue: p, mentioned: coverage <= maxCoverage && p < alpha, phrase, lo, hi, sweepMin, sweepMax };
  });

  const mentioned = regions.filter((r) => r.mentioned).sort((a, b) => a.coverage - b.coverage);
  const ordered = [...mentioned, ...regions.filter((r) => !r.mentioned)];
  const by = options.targetName ? ` by ${direction === 'minimize' ? 'lowest ' : ''}${options.targetName}` : direction === 'minimize' ? ' by lowest target' : '';
  const head = `top ${formatNumber(topPercent)}% of runs${by} (n=${nTop})`;
  const sentence = mentioned.length === 0
    ? `${head}: no param's range is clearly narrower than across the whole sweep`
    : `${head} ${central < 1 ? 'mostly have' : 'all have'} ${joinWords(mentioned.map((r) => r.phrase!))}${central < 1 && mentioned.some((r) => r.kind === 'range') ? ` (numeric ranges: central ${formatNumber(100 * central)}% of the top runs)` : ''}`;
  return { topPercent, direction, central, n: nTop, runsUsed: m, threshold: target[rows[nTop - 1]!]!, params: ordered, sentence };
}
