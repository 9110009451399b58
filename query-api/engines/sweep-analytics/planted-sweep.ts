// Simulated sweeps with planted structure for the analytics tests (and the timing figure), also
// seeded by the sweeps integration test and the query bench. The truth is known, so the tests
// can say what each method must find:
//   acc = 0.9 − 0.08 · z² + 0.03 · z · log2(batch_size / 64) − 0.45 · dropout + N(0, 0.01²),
//   z = log10 lr + 3
// with lr log-uniform on [1e-5, 1e-1] (z uniform on [−2, 2]), batch_size ∈ {16, 32, 64, 128, 256},
// dropout uniform on [0, 0.5], and seed ∈ {0…4} and warmup ∈ [0, 2000] drawn but unused.
// Shares of the target's variance (0.0158): lr alone 58%, dropout 27%, the lr × batch_size term
// 15%, noise 0.6%. So, in the order:
// - lr strongly and non-monotonically: an optimum inside the range, at 1e-3 on average and
//   symmetric in log space, so ρ ≈ 0;
// - dropout weakly and monotonically (ρ < 0);
// - batch_size only through the product term, whose mean is 0 over lr and over batch_size: it
//   moves lr's optimum (z* = 0.19 · log2(batch_size / 64): bigger batches want bigger steps) but
//   has no main effect, so its marginal is flat and ρ ≈ 0. Weaker than dropout by its share, and
//   a forest credits an interaction only in part (0.08–0.10 of its 0.15 at 2,500 runs, 0.025–0.04
//   at 360), which widens the gap;
// - seed and warmup not at all.
import type { ParamValue, SweepData } from './types.ts';

/** mulberry32: a tiny seeded uniform generator, enough for simulated data. */
export function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BATCH_SIZES = [16, 32, 64, 128, 256] as const;

/** The planted truth (see the header): a run's acc from its params and a standard normal draw. */
function plantedAcc(lr: number, batchSize: number, dropout: number, noise: number): number {
  const z = Math.log10(lr) + 3;
  return 0.9 - 0.08 * z ** 2 + 0.03 * z * Math.log2(batchSize / 64) - 0.45 * dropout + 0.01 * noise;
}

export interface PlantedRun {
  params: { lr: number; batch_size: number; dropout: number; seed: number; warmup: number };
  acc: number;
}

/** One run of the planted sweep, drawn from `u` (a uniform source on [0, 1)). */
export function plantedRun(u: () => number): PlantedRun {
  const lr = 10 ** (-5 + 4 * u());
  const batchSize = BATCH_SIZES[Math.floor(u() * BATCH_SIZES.length)]!;
  const dropout = 0.5 * u();
  const noise = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const acc = plantedAcc(lr, batchSize, dropout, noise);
  return { params: { lr, batch_size: batchSize, dropout, seed: Math.floor(u() * 5), warmup: Math.round(2000 * u()) }, acc };
}

export interface PlantedOptions {
  seed?: number;
  /** Share of runs without the target (crashed before the first eval), default 0. */
  missingTarget?: number;
  /** Share of runs without a warmup value (an older config), default 0. */
  missingWarmup?: number;
}

export function plantedSweep(n: number, options: PlantedOptions = {}): SweepData {
  const u = uniform(options.seed ?? 1);
  const runIds: string[] = [];
  const lr: ParamValue[] = [];
  const batch: ParamValue[] = [];
  const dropout: ParamValue[] = [];
  const seed: ParamValue[] = [];
  const warmup: ParamValue[] = [];
  const target: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const { params: p, acc } = plantedRun(u);
    runIds.push(`run-${String(i).padStart(6, '0')}`);
    lr.push(p.lr);
    batch.push(p.batch_size);
    dropout.push(p.dropout);
    seed.push(p.seed);
    warmup.push(u() < (options.missingWarmup ?? 0) ? null : p.warmup);
    target.push(u() < (options.missingTarget ?? 0) ? null : acc);
  }
  return { runIds, params: { lr, batch_size: batch, dropout, seed, warmup }, target };
}
