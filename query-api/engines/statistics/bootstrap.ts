// Bootstrap confidence intervals of a mean difference, percentile and BCa, from a seeded
// generator so the same request always returns the same interval.
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { mean, quantileSorted } from './descriptive.ts';
import { StatsInputError } from './errors.ts';
import { checkAlternative, checkConfidence, checkFinite, finiteSample, pairedDifferences } from './input.ts';
import { createPrng } from './prng.ts';
import { standardNormalCdf } from './tails.ts';
import type { Alternative, Interval, Sample } from './types.ts';

export const DEFAULT_RESAMPLES = 10_000;
export const DEFAULT_SEED = 0;
/** resamples × values drawn per resample; keeps one request to a few seconds at most. */
export const MAX_BOOTSTRAP_DRAWS = 2e8;

export interface BootstrapOptions {
  /** true: resample pairs, statistic mean(a − b). false: resample a and b independently, mean(a) − mean(b). */
  paired: boolean;
  /** Default 10,000; at least 100. */
  resamples?: number;
  /** Default 0.95. */
  confidence?: number;
  /** Any safe integer, default 0. Same seed, data and options → same result. */
  seed?: number;
  /** One-sided alternatives give one-sided intervals, as in the t-tests. */
  alternative?: Alternative;
}

export interface BootstrapResult {
  statistic: 'mean difference';
  paired: boolean;
  alternative: Alternative;
  /** The observed mean difference. */
  estimate: number;
  percentile: Interval;
  /** Bias-corrected and accelerated (Efron & Tibshirani 1993, §14.3), as SciPy's bootstrap. */
  bca: Interval;
  /** BCa's ẑ₀ = Φ⁻¹(share of resamples below the estimate, ties counting ½). */
  biasCorrection: number;
  /** BCa's â from the jackknife. */
  acceleration: number;
  resamples: number;
  seed: number;
  nA: number;
  nB: number;
  note?: string;
}

/** Σ(u²) and Σ(u³) of the deviations u = (x − x̄) / scale, for the jackknife acceleration. */
function centralSums(x: Float64Array, scale: number): [number, number] {
  const m = mean(x);
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < x.length; i++) {
    const u = (x[i]! - m) / scale;
    s2 += u * u;
    s3 += u * u * u;
  }
  return [s2, s3];
}

const maxDeviation = (x: Float64Array) => {
  const m = mean(x);
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - m));
  return max;
};

function checkResamples(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 100 || value > 1_000_000) {
    throw new StatsInputError(`resamples must be an integer from 100 to 1,000,000 (got ${String(value)})`);
  }
  return value;
}

/** Adds sign × (mean of one resample of x) to every entry of `out`. */
function addResampledMeans(out: Float64Array, x: Float64Array, sign: number, below: (n: number) => number): void {
  const n = x.length;
  for (let r = 0; r < out.length; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[below(n)]!;
    out[r] = out[r]! + (sign * s) / n;
  }
}

/**
 * Bootstrap CI of the mean difference. Each sample (each of the pairs, when paired) needs at
 * least 2 values. Both intervals come from the same resamples; BCa falls back to the percentile
 * interval, with a note, when its corrections are undefined (estimate outside every resample).
 */
export function bootstrapMeanDifference(a: Sample, b: Sample, options: BootstrapOptions): BootstrapResult {
  if (options == null || typeof options.paired !== 'boolean') {
    throw new StatsInputError('options.paired must be true (resample pairs) or false (resample a and b independently)');
  }
  const { paired } = options;
  const alternative = checkAlternative(options.alternative);
  const confidence = checkConfidence(options.confidence);
  const resamples = checkResamples(options.resamples ?? DEFAULT_RESAMPLES);
  const seed = options.seed ?? DEFAULT_SEED;
  const prng = createPrng(seed);
  const why = 'to resample';

  // Paired data reduce to one sample of differences; unpaired keep two, b entering with sign −1.
  const samples: [Float64Array, number][] = paired
    ? [[pairedDifferences(a, b, 2, why), 1]]
    : [[finiteSample(a, 'a', 2, why), 1], [finiteSample(b, 'b', 2, why), -1]];
  const nA = samples[0]![0].length;
  const nB = paired ? nA : samples[1]![0].length;
  const draws = resamples * (paired ? nA : nA + nB);
  if (draws > MAX_BOOTSTRAP_DRAWS) {
    throw new StatsInputError(`resamples × sample size is ${draws}, above the limit of ${MAX_BOOTSTRAP_DRAWS}; use fewer resamples`);
  }

  let estimate = 0;
  for (const [x, sign] of samples) estimate += sign * checkFinite(mean(x), 'the means');
  checkFinite(estimate, 'the mean difference');
  const replicates = new Float64Array(resamples);
  for (const [x, sign] of samples) addResampledMeans(replicates, x, sign, prng.below);
  replicates.sort(); // numeric for typed arrays; NaN (from overflow) would sort last
  checkFinite(replicates[0]! + replicates[resamples - 1]!, 'the resampled means');

  // ẑ₀ from the share of replicates below the estimate, ties counting half (SciPy's rule).
  let below = 0;
  let atOrBelow = 0;
  for (let r = 0; r < resamples; r++) {
    if (replicates[r]! < estimate) below++;
    if (replicates[r]! <= estimate) atOrBelow++;
  }
  const share = (below + atOrBelow) / (2 * resamples);
  const z0 = normalQuantile(share, 0, 1);

  // Jackknife acceleration (Efron & Tibshirani eq. 14.15, summed over samples as in SciPy). For
  // a mean the leave-one-out influence of x_i is (x_i − x̄), so the sums have a closed form.
  // â does not change when every deviation is divided by one scale, which keeps cubes finite.
  const scale = Math.max(...samples.map(([x]) => maxDeviation(x))) || 1;
  let num = 0;
  let den = 0;
  for (const [x, sign] of samples) {
    const [s2, s3] = centralSums(x, scale);
    const n = x.length;
    num += (sign * s3) / n ** 3;
    den += s2 / n ** 2;
  }
  const acceleration = den > 0 ? num / (6 * den ** 1.5) : 0;

  // Quantile levels of each bound; null marks the unbounded side of a one-sided interval.
  const alpha = 1 - confidence;
  const lowLevel = alternative === 'two-sided' ? alpha / 2 : alternative === 'greater' ? alpha : null;
  const highLevel = alternative === 'two-sided' ? 1 - alpha / 2 : alternative === 'less' ? 1 - alpha : null;
  const interval = (adjust: (q: number) => number): Interval => ({
    lower: lowLevel === null ? -Infinity : quantileSorted(replicates, adjust(lowLevel)),
    upper: highLevel === null ? Infinity : quantileSorted(replicates, adjust(highLevel)),
    confidence,
  });

  // BCa moves each level q to Φ(ẑ₀ + (ẑ₀ + z_q) / (1 − â(ẑ₀ + z_q))); undefined when ẑ₀ is
  // infinite (estimate outside every resample) or the denominator is not positive.
  const shifted = (q: number) => z0 + normalQuantile(q, 0, 1);
  const bcaDefined = Number.isFinite(z0) && [lowLevel, highLevel].every((q) => q === null || 1 - acceleration * shifted(q) > 0);
  const bcaLevel = (q: number) => standardNormalCdf(z0 + shifted(q) / (1 - acceleration * shifted(q)));

  const result: BootstrapResult = {
    statistic: 'mean difference',
    paired,
    alternative,
    estimate,
    percentile: interval((q) => q),
    bca: bcaDefined ? interval(bcaLevel) : interval((q) => q),
    biasCorrection: bcaDefined ? z0 : 0,
    acceleration,
    resamples,
    seed,
    nA,
    nB,
  };
  if (replicates[0] === replicates[resamples - 1]) {
    result.note = 'every resample gives the same mean difference (no variation in the data): the intervals collapse to the estimate';
  } else if (!bcaDefined) {
    result.note = 'the BCa corrections are undefined for these resamples (the estimate lies outside all of them); bca repeats the percentile interval';
  }
  return result;
}
