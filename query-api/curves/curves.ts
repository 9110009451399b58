// What the curves route computes over the loaded curves (storage/curves.ts): optional EMA
// smoothing of the bucket means, and per group a mean ± standard deviation band over the runs
// that have data in a bucket.
import type { RunCurve } from '../../storage/curves.ts';

/** Exponential moving average: s₀ = x₀, sᵢ = α·xᵢ + (1−α)·sᵢ₋₁ (α = 1 leaves the series as is). */
export function ema(values: number[], alpha: number): number[] {
  const out: number[] = [];
  let s = values[0] ?? 0;
  for (let i = 0; i < values.length; i++) {
    s = i === 0 ? values[0]! : alpha * values[i]! + (1 - alpha) * s;
    out.push(s);
  }
  return out;
}

export interface Band {
  x: number[];
  mean: number[];
  std: number[];
  n: number[];
}

/** Per bucket: mean and sample std of the runs' (smoothed) bucket means; std 0 with one run. */
export function band(curves: RunCurve[]): Band {
  const acc = new Map<number, number[]>();
  for (const c of curves) c.x.forEach((x, i) => (acc.get(x) ?? acc.set(x, []).get(x)!).push(c.mean[i]!));
  const xs = [...acc.keys()].sort((a, b) => a - b);
  const out: Band = { x: [], mean: [], std: [], n: [] };
  for (const x of xs) {
    const v = acc.get(x)!;
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
    out.x.push(x);
    out.mean.push(mean);
    out.std.push(std);
    out.n.push(v.length);
  }
  return out;
}
