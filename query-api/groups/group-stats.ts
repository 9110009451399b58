// Mean, sample standard deviation and a t-based confidence interval of the mean.
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export function meanCI(values: number[], confidence: number): { mean: number; std: number | null; ci: [number, number] | null } {
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v / n;
  if (n < 2) return { mean, std: null, ci: null };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * (std / Math.sqrt(n));
  return { mean, std, ci: [mean - half, mean + half] };
}
