// Simulated live traffic of an online experiment (the demo, the benchmark, the tests): units
// assigned to variants by their weights, each exposed once, then one outcome record per metric —
// conversion (0/1), revenue (with the unit's pre-period revenue as covariate, correlated with it)
// and latency in ms (log-normal). Deterministic for a seed; the truth of each variant is given,
// so a test knows what the answer should find; logSimulatedUnit logs a unit as a service would.
import type { OutcomeLogger } from '../sdk/outcome-logger.ts';
import { Rng } from './random.ts';

export interface SimulatedVariant {
  name: string;
  weight: number;
  conversion: number;
  /** Mean revenue of a unit. */
  revenue: number;
  /** Median latency (ms). */
  latencyMs: number;
}

export interface TrafficSpec {
  variants: SimulatedVariant[];
  units: number;
  seed: number;
  /** Epoch ms of the first unit; units arrive evenly over durationMs. */
  startAt: number;
  durationMs: number;
  /** Correlation of revenue with the pre-period covariate (default 0.6). */
  covariateCorrelation?: number;
  unitPrefix?: string;
}

export interface SimulatedUnit {
  unit: string;
  variant: string;
  at: number;
  conversion: number;
  revenue: number;
  preRevenue: number;
  latencyMs: number;
}

/** Calls `visit` for each unit in arrival order. */
export function simulateTraffic(spec: TrafficSpec, visit: (u: SimulatedUnit) => void): void {
  const rng = new Rng(spec.seed);
  const rho = spec.covariateCorrelation ?? 0.6;
  const cumulative: number[] = [];
  let acc = 0;
  for (const v of spec.variants) cumulative.push((acc += v.weight));
  for (let i = 0; i < spec.units; i++) {
    const r = rng.next() * acc;
    let k = 0;
    while (k < cumulative.length - 1 && r >= cumulative[k]!) k++;
    const v = spec.variants[k]!;
    const pre = rng.normal();
    const preRevenue = Math.max(0, 10 + 4 * pre);
    const revenue = Math.max(0, v.revenue + 4 * (rho * pre + Math.sqrt(1 - rho * rho) * rng.normal()));
    visit({
      unit: `${spec.unitPrefix ?? 'u'}${i}`, variant: v.name, at: spec.startAt + Math.floor((i * spec.durationMs) / spec.units),
      conversion: rng.next() < v.conversion ? 1 : 0, revenue, preRevenue, latencyMs: v.latencyMs * Math.exp(0.3 * rng.normal()),
    });
  }
}

/** Logs a simulated unit as a service would: its exposure, then conversion, revenue (with the pre-period covariate) and latency, all at `at`. */
export function logSimulatedUnit(log: Pick<OutcomeLogger, 'expose' | 'record'>, u: SimulatedUnit, at: number = u.at): void {
  log.expose(u.unit, u.variant, at);
  log.record(u.unit, u.variant, 'conversion', u.conversion, { at });
  log.record(u.unit, u.variant, 'revenue', u.revenue, { at, covariate: u.preRevenue });
  log.record(u.unit, u.variant, 'latency_ms', u.latencyMs, { at });
}
