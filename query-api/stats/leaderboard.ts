// The leaderboard without I/O: groups of runs ranked by the mean of a metric, the best group
// tested against every other one (paired by seed when both groups share seeds, else as
// independent samples), p-values adjusted for the number of comparisons (Holm by default,
// Benjamini-Hochberg on request), and which groups cannot be told apart from the best.
import { findConfounds, type Confound } from '../compare/confounds.ts';
import { meanCI } from '../groups/group-stats.ts';
import type { Group } from '../groups/grouping.ts';
import type { MetricRef } from '../selection/selection.ts';
import { benjaminiHochbergAdjust, holmAdjust, StatsInputError, type RankMethod } from '../engines/statistics/index.ts';
import { significant } from './format.ts';
import { pairAndTest } from './pair-and-test.ts';
import { seedOf, type Keyed } from './pairing.ts';
import type { Direction } from './sentence.ts';
import { PAIRED_TESTS, type TestOutcome } from './types.ts';

export type LeaderboardTest = 'auto' | 'welch-t' | 'mann-whitney' | 'paired-t' | 'wilcoxon';

export interface LeaderboardOptions {
  metric: MetricRef;
  direction: Direction;
  test: LeaderboardTest;
  pairBy: 'seed' | 'none';
  correction: 'holm' | 'bh';
  alpha: number;
  confidence: number;
  method?: RankMethod;
  groupParams: string[];
}

export type TestStats = Omit<TestOutcome, 'reason' | 'warnings' | 'notes' | 'label'>;

export interface VsBest {
  /** null when no test could run (e.g. a group of one run); `untestable` says why. */
  result: TestStats | null;
  /** The p-value after the correction, over all comparisons that ran. */
  adjustedPValue: number | null;
  /** adjustedPValue ≤ alpha: the group is distinguishable from the best. */
  significant: boolean;
  untestable: string | null;
  reason: string | null;
  warnings: string[];
  notes: string[];
}

export interface LeaderboardRow {
  rank: number;
  label: string;
  key: Group['key'];
  runs: number;
  runIds: string[];
  n: number;
  mean: number;
  std: number | null;
  min: number;
  max: number;
  ci: { lower: number; upper: number; confidence: number } | null;
  /** null for the best group itself. */
  vsBest: VsBest | null;
  indistinguishableFromBest: boolean;
}

export interface Leaderboard {
  summary: string;
  metric: string;
  direction: Direction;
  groupBy: string[];
  correction: 'holm' | 'bh';
  alpha: number;
  confidence: number;
  best: string | null;
  indistinguishableFromBest: string[];
  groups: LeaderboardRow[];
  warnings: string[];
  /** Explanations of nulls (values that were not finite). */
  notes: string[];
  confounds: Confound[];
}

const CORRECTION_NAME = { holm: 'Holm', bh: 'Benjamini-Hochberg' } as const;

export function leaderboard(groups: Group[], values: Map<string, number>, o: LeaderboardOptions): Leaderboard {
  if (o.pairBy === 'none' && PAIRED_TESTS.has(o.test as never)) {
    throw new StatsInputError(`test '${o.test}' compares paired values: set pairBy to 'seed', or use 'welch-t' or 'mann-whitney'`);
  }
  const warnings: string[] = [];
  const withValues = groups.map((g) => ({ g, obs: g.runs.filter((r) => values.has(r.id)).map((r): Keyed => ({ runId: r.id, key: o.pairBy === 'seed' ? seedOf(r) : null, value: values.get(r.id)! })) }));
  const empty = withValues.filter((x) => x.obs.length === 0);
  if (empty.length > 0) warnings.push(`${empty.length} group(s) have no run with ${o.metric.label} and are not ranked: ${empty.slice(0, 10).map((x) => x.g.label).join('; ')}${empty.length > 10 ? ' …' : ''}`);
  const ranked = withValues
    .filter((x) => x.obs.length > 0)
    .map((x) => ({ ...x, stats: meanCI(x.obs.map((v) => v.value), o.confidence) }))
    .sort((x, y) => (o.direction === 'maximize' ? y.stats.mean - x.stats.mean : x.stats.mean - y.stats.mean) || (x.g.label < y.g.label ? -1 : x.g.label > y.g.label ? 1 : 0));

  const best = ranked[0];
  const comparisons: (VsBest | null)[] = ranked.map((x, i) => {
    if (i === 0) return null;
    try {
      const { outcome } = pairAndTest(best!.obs, x.obs, {
        by: o.pairBy === 'seed' ? 'seed' : null, test: o.test, labelA: best!.g.label, labelB: x.g.label, metric: o.metric.label,
        alternative: 'two-sided', alpha: o.alpha, confidence: o.confidence, method: o.method,
      });
      const { reason, warnings: w, notes, label: _label, ...result } = outcome;
      return { result, adjustedPValue: null, significant: false, untestable: null, reason, warnings: w, notes };
    } catch (err) {
      if (!(err instanceof StatsInputError)) throw err;
      return { result: null, adjustedPValue: null, significant: false, untestable: err.message, reason: null, warnings: [], notes: [] };
    }
  });

  const tested = comparisons.filter((c): c is VsBest => c !== null && c.result?.pValue != null);
  const adjusted = (o.correction === 'holm' ? holmAdjust : benjaminiHochbergAdjust)(tested.map((c) => c.result!.pValue!));
  tested.forEach((c, i) => {
    c.adjustedPValue = adjusted[i]!;
    c.significant = adjusted[i]! <= o.alpha;
  });

  const rows: LeaderboardRow[] = ranked.map((x, i) => {
    const vs = comparisons[i]!;
    const vals = x.obs.map((v) => v.value);
    return {
      rank: i + 1,
      label: x.g.label,
      key: x.g.key,
      runs: x.g.runs.length,
      runIds: x.g.runs.map((r) => r.id),
      n: vals.length,
      mean: x.stats.mean,
      std: x.stats.std,
      min: Math.min(...vals),
      max: Math.max(...vals),
      ci: x.stats.ci && { lower: x.stats.ci[0], upper: x.stats.ci[1], confidence: o.confidence },
      vsBest: vs,
      indistinguishableFromBest: vs === null || !vs.significant,
    };
  });

  const confounds = findConfounds(ranked.map((x) => x.g.runs.filter((r) => values.has(r.id))), o.groupParams).filter((c) => c.field.startsWith('lineage.'));
  warnings.push(...confounds.map((c) => c.message));
  const untestable = rows.filter((r) => r.vsBest?.untestable);
  if (untestable.length > 0) warnings.push(`${untestable.length} group(s) could not be tested against the best and count as indistinguishable from it: ${untestable.slice(0, 5).map((r) => `${r.label} (${r.vsBest!.untestable})`).join('; ')}`);

  return {
    summary: sentence(rows, o),
    metric: o.metric.label,
    direction: o.direction,
    groupBy: o.groupParams,
    correction: o.correction,
    alpha: o.alpha,
    confidence: o.confidence,
    best: rows[0]?.label ?? null,
    indistinguishableFromBest: rows.filter((r) => r.indistinguishableFromBest).map((r) => r.label),
    groups: rows,
    warnings,
    notes: [],
    confounds,
  };
}

function sentence(rows: LeaderboardRow[], o: LeaderboardOptions): string {
  const best = rows[0];
  if (!best) return `no group has a value of ${o.metric.label}`;
  const head = `${best.label} ranks first on ${o.metric.label} (${o.direction === 'maximize' ? 'highest' : 'lowest'} mean ${significant(best.mean, 4)}, n = ${best.n})`;
  const others = rows.slice(1);
  if (others.length === 0) return `${head}; it is the only group with values`;
  const corr = CORRECTION_NAME[o.correction];
  const tied = others.filter((r) => r.indistinguishableFromBest);
  if (tied.length === 0) {
    const worst = Math.max(...others.map((r) => r.vsBest!.adjustedPValue!));
    return `${head}; it is significantly better than all ${others.length} other group(s) at alpha = ${o.alpha} (${corr}-adjusted p ≤ ${significant(worst, 2)})`;
  }
  const shown = tied.slice(0, 10).map((r) => (r.vsBest?.adjustedPValue != null ? `${r.label} (adjusted p = ${significant(r.vsBest.adjustedPValue, 2)})` : `${r.label} (not testable)`));
  return `${head}; ${tied.length} of ${others.length} other group(s) cannot be told apart from it at alpha = ${o.alpha} after ${corr} correction: ${shown.join(', ')}${tied.length > 10 ? ', …' : ''}`;
}
