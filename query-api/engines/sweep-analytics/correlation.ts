// Spearman's rank correlation with a confidence interval. ρ is Pearson's correlation of the
// average ranks (ties share the mean of their positions), as in SciPy's spearmanr. Intervals:
// - 'fisher' (default): z = atanh(ρ) ± z(1 − α/2)·SE with the Bonett–Wright (2000) standard
//   error SE = √((1 + ρ²/2) / (n − 3)), which corrects the too-narrow 1/√(n − 3) of Pearson's
//   case for ranks; mapped back with tanh. Needs n ≥ 4.
// - 'bootstrap': the percentile interval of ρ over resamples of the pairs, from a seeded
//   generator. Resamples whose x or y is constant have no ρ and are left out (counted).
// Spearman sees monotone effects only: a param with an optimum in the middle of its range can
// have ρ ≈ 0 and still matter a great deal.
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { quantileSorted } from '../statistics/descriptive.ts';
import { createPrng } from '../statistics/prng.ts';
import { AnalyticsInputError } from './errors.ts';
import { checkChoice, checkConfidence, checkInteger, checkSeed } from './input.ts';
import type { Interval } from './types.ts';

export type SpearmanInterval = 'fisher' | 'bootstrap';

export interface SpearmanOptions {
  /** Default 'fisher'. */
  interval?: SpearmanInterval;
  confidence?: number;
  /** Bootstrap only: default 1000, 100–100,000. */
  resamples?: number;
  /** Bootstrap only: any safe integer, default 0. */
  seed?: number;
}

export interface SpearmanResult {
  /** null when x or y is constant over the pairs (or fewer than 2 pairs). */
  rho: number | null;
  /** Pairs where both values are present. */
  n: number;
  ci: Interval | null;
  method: string;
  /** Bootstrap only: resamples that gave a ρ. */
  resamplesUsed?: number;
  note?: string;
}

export const DEFAULT_SPEARMAN_RESAMPLES = 1000;
/** resamples × pairs; keeps a bootstrap interval to a few seconds. */
export const MAX_SPEARMAN_DRAWS = 5e7;

const FISHER = 'Fisher z with the Bonett–Wright standard error';
const BOOTSTRAP = 'bootstrap percentile interval';

/** Tie group of each value in ascending order (equal values share a group) and the group count. */
function tieGroups(v: Float64Array): { group: Int32Array; groups: number } {
  const m = v.length;
  const order = new Uint32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  order.sort((a, b) => v[a]! - v[b]!);
  const group = new Int32Array(m);
  let g = -1;
  for (let k = 0; k < m; k++) {
    if (k === 0 || v[order[k]!] !== v[order[k - 1]!]) g++;
    group[order[k]!] = g;
  }
  return { group, groups: g + 1 };
}

/**
 * ρ of the pairs drawn (indexes into the pairs, repeats allowed), ranking through tie groups so
 * a resample costs O(n) rather than a sort: a group's average rank is the count of drawn values
 * in lower groups plus (its own count + 1) / 2.
 */
function rhoOfDraws(gx: Int32Array, cx: Float64Array, gy: Int32Array, cy: Float64Array, draws: Uint32Array): number | null {
  const m = draws.length;
  cx.fill(0);
  cy.fill(0);
  for (let k = 0; k < m; k++) {
    cx[gx[draws[k]!]!]!++;
    cy[gy[draws[k]!]!]!++;
  }
  for (const c of [cx, cy]) {
    let below = 0;
    for (let g = 0; g < c.length; g++) {
      const count = c[g]!;
      c[g] = below + (count + 1) / 2;
      below += count;
    }
  }
  // Average ranks of m values always have mean (m + 1) / 2, so the centring is exact.
  const centre = (m + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < m; k++) {
    const a = cx[gx[draws[k]!]!]! - centre;
    const b = cy[gy[draws[k]!]!]! - centre;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** @internal ρ of the pairs (x[d], y[d]) for d in draws, through the tie-group ranking; for tests. */
export function rhoOfResample(x: Float64Array, y: Float64Array, draws: Uint32Array): number | null {
  const { group: gx, groups: nx } = tieGroups(x);
  const { group: gy, groups: ny } = tieGroups(y);
  return rhoOfDraws(gx, new Float64Array(nx), gy, new Float64Array(ny), draws);
}

function readPairs(x: ArrayLike<number | null>, y: ArrayLike<number | null>): [Float64Array, Float64Array] {
  if (x == null || y == null || typeof x.length !== 'number' || typeof y.length !== 'number') {
    throw new AnalyticsInputError('x and y must be arrays of numbers (null where missing)');
  }
  if (x.length !== y.length) throw new AnalyticsInputError(`x has ${x.length} values and y ${y.length}; give one pair per run`);
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) {
    for (const [name, v] of [['x', x[i]], ['y', y[i]]] as const) {
      if (v !== null && typeof v !== 'number') throw new AnalyticsInputError(`${name}[${i}] is not a number; use null where missing`);
      if (typeof v === 'number' && !Number.isFinite(v) && !Number.isNaN(v)) throw new AnalyticsInputError(`${name}[${i}] is ${v}; values must be finite (null or NaN where missing)`);
    }
    const a = x[i];
    const b = y[i];
    if (a !== null && b !== null && !Number.isNaN(a) && !Number.isNaN(b)) keep.push(i);
  }
  return [Float64Array.from(keep, (i) => x[i]!), Float64Array.from(keep, (i) => y[i]!)];
}

/** Spearman's ρ of the pairs where both x and y are present (null or NaN = missing). */
export function spearman(x: ArrayLike<number | null>, y: ArrayLike<number | null>, options: SpearmanOptions = {}): SpearmanResult {
  const interval = checkChoice('interval', options.interval, ['fisher', 'bootstrap'] as const, 'fisher');
  const confidence = checkConfidence(options.confidence);
  const resamples = checkInteger('resamples', options.resamples, 100, 100_000, DEFAULT_SPEARMAN_RESAMPLES);
  const seed = checkSeed(options.seed);
  const [a, b] = readPairs(x, y);
  const n = a.length;
  const method = interval === 'fisher' ? FISHER : BOOTSTRAP;
  if (n < 2) return { rho: null, n, ci: null, method, note: `${n} pair(s) with both values: a correlation needs at least 2` };

  const { group: gx, groups: nx } = tieGroups(a);
  const { group: gy, groups: ny } = tieGroups(b);
  const cx = new Float64Array(nx);
  const cy = new Float64Array(ny);
  const identity = new Uint32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  const rho = rhoOfDraws(gx, cx, gy, cy, identity);
  if (rho === null) return { rho: null, n, ci: null, method, note: `${nx === 1 ? 'x' : 'y'} is constant over the ${n} pairs, so ρ is undefined` };

  const alpha = 1 - confidence;
  if (interval === 'fisher') {
    if (n < 4) return { rho, n, ci: null, method, note: 'the Fisher interval needs at least 4 pairs' };
    if (Math.abs(rho) === 1) return { rho, n, ci: { lower: rho, upper: rho, confidence }, method, note: 'perfect rank agreement: the Fisher interval collapses to ρ' };
    const z = Math.atanh(rho);
    const half = normalQuantile(1 - alpha / 2, 0, 1) * Math.sqrt((1 + (rho * rho) / 2) / (n - 3));
    return { rho, n, ci: { lower: Math.tanh(z - half), upper: Math.tanh(z + half), confidence }, method };
  }

  if (resamples * n > MAX_SPEARMAN_DRAWS) {
    throw new AnalyticsInputError(`resamples × pairs is ${resamples * n}, above the limit of ${MAX_SPEARMAN_DRAWS}; use fewer resamples or the fisher interval`);
  }
  const prng = createPrng(seed);
  const draws = new Uint32Array(n);
  const replicates = new Float64Array(resamples);
  let used = 0;
  for (let r = 0; r < resamples; r++) {
    for (let k = 0; k < n; k++) draws[k] = prng.below(n);
    const value = rhoOfDraws(gx, cx, gy, cy, draws);
    if (value !== null) replicates[used++] = value;
  }
  if (used < resamples / 2) {
    return { rho, n, ci: null, method, resamplesUsed: used, note: `only ${used} of ${resamples} resamples had a non-constant x and y; too few for an interval` };
  }
  const sorted = replicates.subarray(0, used).sort();
  const result: SpearmanResult = {
    rho,
    n,
    ci: { lower: quantileSorted(sorted, alpha / 2), upper: quantileSorted(sorted, 1 - alpha / 2), confidence },
    method,
    resamplesUsed: used,
  };
  if (used < resamples) result.note = `${resamples - used} resamples had a constant x or y and were left out`;
  return result;
}
