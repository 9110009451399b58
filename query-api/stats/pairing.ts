// Pairs the observations of two sides by a key: the run's seed (pairBy 'seed') or the metric's
// segment (pairBy 'segment'). Keys found on one side only, observations without a key, and keys
// a side holds several times (averaged into one value) are all reported, so the caller can say
// exactly what was paired and what was left out.
import { SEED_PARAMS } from '../groups/grouping.ts';
import type { RunRecord } from '../../storage/runs.ts';

export type PairKind = 'seed' | 'segment';

/** One value of one side: a run's metric value (key = its seed), or one segment of a run. */
export interface Keyed {
  runId: string;
  key: string | null;
  value: number;
}

export interface Pair {
  key: string;
  a: number;
  b: number;
  runIdsA: string[];
  runIdsB: string[];
}

export interface Pairing {
  by: PairKind;
  pairs: Pair[];
  /** Keys on one side only: their observations are left out of a paired test. */
  onlyA: string[];
  onlyB: string[];
  /** Runs without a key (no seed anywhere). */
  noKeyA: string[];
  noKeyB: string[];
  /** Keys held by several observations of one side, averaged into one value. */
  averagedA: string[];
  averagedB: string[];
}

/**
 * The run's seed as a pairing key: params.seed, else params.random_seed or params.rng_seed (the
 * params grouping treats as seeds), else lineage.seed; null when the run has none.
 */
export function seedOf(run: RunRecord): string | null {
  for (const p of SEED_PARAMS) {
    const v = run.params[p];
    if (v !== undefined) return String(v);
  }
  return run.lineage.seed === null ? null : String(run.lineage.seed);
}

interface Bucket {
  sum: number;
  count: number;
  runIds: string[];
}

function bucket(side: Keyed[]): { byKey: Map<string, Bucket>; noKey: string[] } {
  const byKey = new Map<string, Bucket>();
  const noKey: string[] = [];
  for (const o of side) {
    if (o.key === null) {
      noKey.push(o.runId);
      continue;
    }
    const b = byKey.get(o.key) ?? { sum: 0, count: 0, runIds: [] };
    b.sum += o.value;
    b.count++;
    b.runIds.push(o.runId);
    byKey.set(o.key, b);
  }
  return { byKey, noKey };
}

/** Numeric keys (seeds) in numeric order, others after them in text order. */
export function compareKeys(x: string, y: string): number {
  const nx = Number(x);
  const ny = Number(y);
  const fx = x.trim() !== '' && Number.isFinite(nx);
  const fy = y.trim() !== '' && Number.isFinite(ny);
  if (fx && fy) return nx - ny || (x < y ? -1 : x > y ? 1 : 0);
  if (fx !== fy) return fx ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** One value per key and side (the mean when a side holds the key several times). */
export function averageByKey(side: Keyed[]): number[] {
  const { byKey } = bucket(side);
  return [...byKey.keys()].sort(compareKeys).map((k) => byKey.get(k)!.sum / byKey.get(k)!.count);
}

export function pairObservations(by: PairKind, a: Keyed[], b: Keyed[]): Pairing {
  const A = bucket(a);
  const B = bucket(b);
  const pairs: Pair[] = [];
  for (const key of [...A.byKey.keys()].sort(compareKeys)) {
    const x = A.byKey.get(key)!;
    const y = B.byKey.get(key);
    if (y) pairs.push({ key, a: x.sum / x.count, b: y.sum / y.count, runIdsA: x.runIds, runIdsB: y.runIds });
  }
  const only = (from: Map<string, Bucket>, other: Map<string, Bucket>) => [...from.keys()].filter((k) => !other.has(k)).sort(compareKeys);
  const averaged = (m: Map<string, Bucket>) => [...m.entries()].filter(([, v]) => v.count > 1).map(([k]) => k).sort(compareKeys);
  return {
    by,
    pairs,
    onlyA: only(A.byKey, B.byKey),
    onlyB: only(B.byKey, A.byKey),
    noKeyA: A.noKey,
    noKeyB: B.noKey,
    averagedA: averaged(A.byKey),
    averagedB: averaged(B.byKey),
  };
}

const list = (xs: string[], max = 10) => `${xs.slice(0, max).join(', ')}${xs.length > max ? ` and ${xs.length - max} more` : ''}`;

/** Plain-language warnings about what the pairing left out or merged. */
export function pairingWarnings(p: Pairing, labelA: string, labelB: string): string[] {
  const noun = p.by === 'seed' ? 'seed' : 'segment';
  const out: string[] = [];
  for (const [only, side, other] of [[p.onlyA, labelA, labelB], [p.onlyB, labelB, labelA]] as const) {
    if (only.length > 0) {
      out.push(`pairing keys missing on one side: ${noun}(s) ${list(only)} of ${side} have no counterpart in ${other}; a paired test leaves them out`);
    }
  }
  for (const [noKey, side] of [[p.noKeyA, labelA], [p.noKeyB, labelB]] as const) {
    if (noKey.length > 0) {
      out.push(`pairing keys missing: ${noKey.length} run(s) of ${side} have no seed (params.seed, params.random_seed, params.rng_seed or lineage.seed) and cannot be paired: ${list(noKey)}`);
    }
  }
  for (const [averaged, side] of [[p.averagedA, labelA], [p.averagedB, labelB]] as const) {
    if (averaged.length > 0) {
      out.push(`${side} has several ${p.by === 'seed' ? 'runs' : 'values'} for ${noun}(s) ${list(averaged)}; they are averaged into one value per ${noun} before pairing`);
    }
  }
  return out;
}

/** Exactly what one pair is, for the response. */
export function pairingDescription(by: PairKind, metric: { key: string; aggregate: string }): string {
  return by === 'seed'
    ? `each pair is one seed: the ${metric.key}.${metric.aggregate} value of side a's run with that seed and of side b's run with the same seed (the seed is params.seed, else params.random_seed or params.rng_seed, else lineage.seed); when a side has several runs with one seed their values are averaged; runs whose seed the other side lacks are left out`
    : `each pair is one segment: ${metric.key}[<segment>].${metric.aggregate} of side a and of side b for a segment both sides logged (e.g. class=cat), each averaged over the side's runs when a side has several; the unsegmented ${metric.key} series is not part of the pairs`;
}
