// Two proportions compared: the z-test with the pooled proportion (large-sample; the caller
// checks there are enough counts), e.g. a class's recall in two runs' confusion matrices.
import { pFromZ } from './tails.ts';
import type { Alternative } from './types.ts';

export interface TwoProportionResult {
  /** p1 − p2. */
  difference: number;
  z: number | null;
  pValue: number | null;
}

/** x1 of n1 against x2 of n2; null statistics when a side is empty or nothing varies (all or none in both). */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number, alternative: Alternative = 'two-sided'): TwoProportionResult {
  if (n1 <= 0 || n2 <= 0) return { difference: NaN, z: null, pValue: null };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { difference: p1 - p2, z: null, pValue: p1 === p2 ? 1 : null };
  const z = (p1 - p2) / se;
  return { difference: p1 - p2, z, pValue: pFromZ(z, alternative) };
}
