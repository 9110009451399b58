// The run-level comparison without I/O: two sides' runs and metric values in, the test result,
// what was paired, lineage confounds, side summaries and the sentence out. The route loads the
// sides (load-sides.ts) and hands them here, so the whole decision logic runs in unit tests and
// in the false-positive simulation without ClickHouse.
import { findConfounds, type Confound } from '../compare/confounds.ts';
import { groupStats } from '../groups/groups.ts';
import type { MetricRef } from '../selection/selection.ts';
import type { RunRecord } from '../../storage/runs.ts';
import { pairAndTest } from './pair-and-test.ts';
import { pairingDescription, seedOf, type Keyed, type Pair } from './pairing.ts';
import { summarize, type Direction } from './sentence.ts';
import type { TestChoice, TestOutcome, TestSettings } from './types.ts';

/** At most this many pairs and run ids are listed in an answer (counts are always complete). */
export const MAX_LISTED = 1000;

export interface SideData {
  label: string;
  /** Every run the side selected. */
  runs: RunRecord[];
  /** Run id → the metric's value, for runs that have it. */
  values: Map<string, number>;
  /** pairBy 'segment': run id → segment → value. */
  segments?: Map<string, Map<string, number>>;
  /** Params the side was narrowed by (its group key), studied rather than confounded. */
  groupParams: string[];
}

export interface CompareOptions extends TestSettings {
  metric: MetricRef;
  pairBy: 'seed' | 'segment' | 'none';
  test: TestChoice;
  direction?: Direction;
  /** Params the caller means to vary; other differing params are then reported as confounds too. */
  variables?: string[];
}

export interface SideSummary {
  label: string;
  runs: number;
  withValue: number;
  runIds: string[];
  runIdsTruncated: boolean;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
}

export interface CompareOutput {
  summary: string;
  reason: string | null;
  warnings: string[];
  notes: string[];
  metric: string;
  direction: Direction | null;
  pairBy: 'seed' | 'segment' | 'none';
  sides: { a: SideSummary; b: SideSummary };
  pairing: {
    by: 'seed' | 'segment';
    description: string;
    matched: number;
    pairs: Pair[];
    pairsTruncated: boolean;
    onlyA: string[];
    onlyB: string[];
    noKeyA: string[];
    noKeyB: string[];
  } | null;
  confounds: Confound[];
  result: Omit<TestOutcome, 'reason' | 'warnings' | 'notes' | 'label'>;
}

function observations(side: SideData, pairBy: CompareOptions['pairBy']): Keyed[] {
  if (pairBy === 'segment') {
    const out: Keyed[] = [];
    for (const run of side.runs) {
      for (const [segment, value] of side.segments?.get(run.id) ?? []) out.push({ runId: run.id, key: segment, value });
    }
    return out;
  }
  return side.runs.filter((r) => side.values.has(r.id)).map((r) => ({ runId: r.id, key: pairBy === 'seed' ? seedOf(r) : null, value: side.values.get(r.id)! }));
}

function summary(side: SideData, used: Keyed[]): SideSummary {
  const ids = side.runs.map((r) => r.id);
  const contributing = new Set(used.map((o) => o.runId));
  const stats = groupStats(used.map((o) => o.value));
  return {
    label: side.label,
    runs: side.runs.length,
    withValue: contributing.size,
    runIds: ids.slice(0, MAX_LISTED),
    runIdsTruncated: ids.length > MAX_LISTED,
    mean: stats.mean,
    std: stats.std,
    min: stats.min,
    max: stats.max,
  };
}

export function compareSides(a: SideData, b: SideData, o: CompareOptions): CompareOutput {
  const by = o.pairBy === 'none' ? null : o.pairBy;
  const obsA = observations(a, o.pairBy);
  const obsB = observations(b, o.pairBy);
  const metricLabel = o.metric.label;

  const missing: string[] = [];
  for (const [side, obs] of [[a, obsA], [b, obsB]] as const) {
    const have = new Set(obs.map((x) => x.runId));
    const without = side.runs.filter((r) => !have.has(r.id)).map((r) => r.id);
    if (without.length > 0 && obs.length > 0) {
      const what = o.pairBy === 'segment' ? `no segment of ${o.metric.key}` : `no ${metricLabel}`;
      missing.push(`${without.length} of ${side.runs.length} run(s) of ${side.label} have ${what} and are left out: ${without.slice(0, 10).join(', ')}${without.length > 10 ? ' …' : ''}`);
    }
  }

  const { outcome, pairing } = pairAndTest(obsA, obsB, {
    by, test: o.test, labelA: a.label, labelB: b.label, metric: metricLabel,
    alternative: o.alternative, alpha: o.alpha, confidence: o.confidence, method: o.method, seed: o.seed, resamples: o.resamples,
  });

  // Lineage differences always matter; param differences only once we know which params are studied.
  const studied = o.variables ?? [...new Set([...a.groupParams, ...b.groupParams])];
  const paramsKnown = o.variables !== undefined || studied.length > 0;
  const used = (side: SideData, obs: Keyed[]) => {
    const ids = new Set(obs.map((x) => x.runId));
    return side.runs.filter((r) => ids.has(r.id));
  };
  const confounds = findConfounds([used(a, obsA), used(b, obsB)], studied)
    .filter((c) => c.field.startsWith('lineage.') || paramsKnown);

  const warnings = [...missing, ...outcome.warnings, ...confounds.map((c) => c.message)];
  const sentence = summarize(outcome, {
    labelA: a.label, labelB: b.label, metric: metricLabel, direction: o.direction,
    pairedOver: o.pairBy === 'segment' ? 'segments' : 'seeds', unit: o.pairBy === 'segment' ? 'segments' : 'runs',
  });
  const { reason, notes, label: _label, warnings: _w, ...result } = outcome;
  return {
    summary: sentence,
    reason,
    warnings,
    notes,
    metric: metricLabel,
    direction: o.direction ?? null,
    pairBy: o.pairBy,
    sides: { a: summary(a, obsA), b: summary(b, obsB) },
    pairing: pairing && {
      by: pairing.by,
      description: pairingDescription(pairing.by, o.metric),
      matched: pairing.pairs.length,
      pairs: pairing.pairs.slice(0, MAX_LISTED),
      pairsTruncated: pairing.pairs.length > MAX_LISTED,
      onlyA: pairing.onlyA,
      onlyB: pairing.onlyB,
      noKeyA: pairing.noKeyA,
      noKeyB: pairing.noKeyB,
    },
    confounds,
    result,
  };
}
