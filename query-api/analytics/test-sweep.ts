// Simulated sweeps with planted structure for the analytics tests (and the timing figure). The
// truth is known, so the tests can say what each method must find:
//   acc = 0.9 − 0.08 · (log10 lr − opt(batch_size))² − 0.2 · dropout + N(0, 0.01²),
//   opt(batch_size) = −3 + 0.5 · log2(batch_size / 64)
// with lr log-uniform on [1e-5, 1e-1], batch_size ∈ {16, 32, 64, 128, 256}, dropout uniform on
// [0, 0.5], and seed ∈ {0…4} and warmup ∈ [0, 2000] drawn but unused. So lr matters most and
// non-monotonically (optimum inside the range, at 1e-3 on average, symmetric in log space: ρ ≈ 0);
// batch_size acts through its interaction with lr (moving the optimum), also non-monotonically;
// dropout weakly and monotonically (ρ < 0); seed and warmup not at all.
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

export interface PlantedOptions {
  seed?: number;
  /** Share of runs without the target (crashed before the first eval), default 0. */
  missingTarget?: number;
  /** Share of runs without a warmup value (an older config), default 0. */
  missingWarmup?: number;
}

export function plantedSweep(n: number, options: PlantedOptions = {}): SweepData {
  const u = uniform(options.seed ?? 1);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const runIds: string[] = [];
  const lr: ParamValue[] = [];
  const batch: ParamValue[] = [];
  const dropout: ParamValue[] = [];
  const seed: ParamValue[] = [];
  const warmup: ParamValue[] = [];
  const target: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const logLr = -5 + 4 * u();
    const bs = BATCH_SIZES[Math.floor(u() * BATCH_SIZES.length)]!;
    const d = 0.5 * u();
    const opt = -3 + 0.5 * Math.log2(bs / 64);
    const acc = 0.9 - 0.08 * (logLr - opt) ** 2 - 0.2 * d + 0.01 * normal();
    runIds.push(`run-${String(i).padStart(6, '0')}`);
    lr.push(10 ** logLr);
    batch.push(bs);
    dropout.push(d);
    seed.push(Math.floor(u() * 5));
    const w = Math.round(2000 * u());
    warmup.push(u() < (options.missingWarmup ?? 0) ? null : w);
    target.push(u() < (options.missingTarget ?? 0) ? null : acc);
  }
  return { runIds, params: { lr, batch_size: batch, dropout, seed, warmup }, target };
}
