// Multiple-comparison adjustments of p-values: Holm–Bonferroni (family-wise error) and
// Benjamini–Hochberg (false discovery rate). Same results as R's p.adjust(p, "holm" / "BH").
import { StatsInputError } from './errors.ts';

function checkPValues(pValues: ArrayLike<number>): number[] {
  if (pValues == null || typeof pValues !== 'object' || typeof pValues.length !== 'number') {
    throw new StatsInputError('p-values must be an array of numbers');
  }
  const out: number[] = [];
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i];
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new StatsInputError(`p-value at index ${i} must be a number from 0 to 1 (got ${String(p)})`);
    }
    out.push(p);
  }
  return out;
}

/** Indices that sort p ascending; stable, so equal p-values keep their input order. */
const ascending = (p: number[]) => p.map((_, i) => i).sort((i, j) => p[i]! - p[j]!);

/**
 * Holm's step-down adjustment: the k-th smallest of m p-values becomes
 * max over j ≤ k of min(1, (m − j + 1)·p₍ⱼ₎). Returned in the input order; an empty input gives [].
 */
export function holmAdjust(pValues: ArrayLike<number>): number[] {
  const p = checkPValues(pValues);
  const m = p.length;
  const out = new Array<number>(m);
  let running = 0;
  ascending(p).forEach((idx, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p[idx]!));
    out[idx] = running;
  });
  return out;
}

/**
 * Benjamini–Hochberg step-up adjustment: the k-th smallest of m p-values becomes
 * min over j ≥ k of min(1, m·p₍ⱼ₎ / j). Returned in the input order; an empty input gives [].
 */
export function benjaminiHochbergAdjust(pValues: ArrayLike<number>): number[] {
  const p = checkPValues(pValues);
  const m = p.length;
  const out = new Array<number>(m);
  const order = ascending(p);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const idx = order[k]!;
    // (m / j)·p as R writes it: the factor rounds to ≥ 1, so the result never drops below p.
    running = Math.min(running, (m / (k + 1)) * p[idx]!);
    out[idx] = running;
  }
  return out;
}
