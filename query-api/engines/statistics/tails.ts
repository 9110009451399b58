// p-values from t and standard normal statistics. Upper tails are taken as the lower tail of the
// negated statistic: 1 − cdf(x) would round tiny p-values to 0.
import tcdf from '@stdlib/stats-base-dists-t-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import type { Alternative } from './types.ts';

const clip = (p: number) => Math.min(1, Math.max(0, p));

function fromCdf(stat: number, alternative: Alternative, cdf: (x: number) => number): number {
  if (alternative === 'greater') return clip(cdf(-stat));
  if (alternative === 'less') return clip(cdf(stat));
  return clip(2 * cdf(-Math.abs(stat)));
}

/** p-value of a t statistic; t may be ±Infinity (zero variance, nonzero difference). */
export function pFromT(t: number, df: number, alternative: Alternative): number {
  return fromCdf(t, alternative, (x) => (x === Infinity ? 1 : x === -Infinity ? 0 : tcdf(x, df)));
}

/** p-value of a statistic that is standard normal under the null. */
export function pFromZ(z: number, alternative: Alternative): number {
  return fromCdf(z, alternative, (x) => normalCdf(x, 0, 1));
}

export const standardNormalCdf = (x: number) => normalCdf(x, 0, 1);
