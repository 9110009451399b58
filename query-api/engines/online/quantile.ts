// A quantile of a metric from its histogram (value, count pairs; storage/online-histogram.ts
// keeps values within 0.5%), with the large-sample variance of a sample quantile,
// p(1 − p) / (n f(q)²), the density's inverse estimated from the quantiles at p ± h with Hall
// and Sheather's bandwidth h. For guardrails such as latency p95: a fixed-horizon answer.
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import normalPdf from '@stdlib/stats-base-dists-normal-pdf';

export interface Histogram {
  /** Ascending. */
  values: number[];
  counts: number[];
  /** How far a value may be from the one it stands for, relative (storage's bins: 0.5%); 0 for exact values. */
  relativeError?: number;
}

export function histogramTotal(h: Histogram): number {
  return h.counts.reduce((a, b) => a + b, 0);
}

/** The value at rank ceil(p·n) (the lower empirical quantile); NaN for an empty histogram. */
export function histogramQuantile(h: Histogram, p: number): number {
  const n = histogramTotal(h);
  if (n === 0) return NaN;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (let i = 0; i < h.values.length; i++) {
    seen += h.counts[i]!;
    if (seen >= rank) return h.values[i]!;
  }
  return h.values[h.values.length - 1]!;
}

/** The p-quantile and the variance of its estimate (NaN with fewer than 2 values). */
export function quantileEstimate(h: Histogram, p: number, alpha: number): { n: number; value: number; variance: number } {
  const n = histogramTotal(h);
  const value = histogramQuantile(h, p);
  if (n < 2) return { n, value, variance: NaN };
  const z = normalQuantile(1 - alpha / 2, 0, 1);
  const x = normalQuantile(p, 0, 1);
  const phi = normalPdf(x, 0, 1);
  const bandwidth = Math.min(p, 1 - p, n ** (-1 / 3) * z ** (2 / 3) * ((1.5 * phi * phi) / (2 * x * x + 1)) ** (1 / 3));
  // Quantiles in one bin say only that the density is high: the spread is at least a bin's width,
  // which keeps a histogram's resolution from passing for certainty.
  const spread = histogramQuantile(h, Math.min(1, p + bandwidth)) - histogramQuantile(h, Math.max(0, p - bandwidth));
  const sparsity = Math.max(spread, 2 * (h.relativeError ?? 0) * Math.abs(value)) / (2 * bandwidth);
  return { n, value, variance: (p * (1 - p) * sparsity * sparsity) / n };
}
