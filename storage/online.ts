// Online experiments as stored: their declarations (online_experiments, 0057) and their
// outcomes' rollups (online_outcome_sums, 0056; per unit: online_unit_sums, 0058). Written only by
// the processor; readers here take each experiment's latest declaration, sum the rollups (each
// message's rows once: FINAL) per metric, variant and look — a time step of whole buckets — or
// per metric and variant for the histograms, and count the distinct units exposed.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import type { OnlineExperimentDeclared } from '../schemas/events.ts';
import { histogramValue } from './online-histogram.ts';
import { rows } from './read.ts';
import { quoteString, quoteStringList } from './sql-quote.ts';
import { ONLINE_BUCKET_MS } from './tables.ts';

export function onlineExperimentsSql(project: string, ids?: readonly string[]): string {
  const only = ids ? ` AND experiment_id IN (${quoteStringList([...ids])})` : '';
  return `
SELECT experiment_id, definition, min_declared FROM (
  SELECT experiment_id, definition, declared_at_ms, src_partition, src_offset
  FROM online_experiments FINAL
  WHERE project = ${quoteString(project)}${only}
  ORDER BY experiment_id, declared_at_ms DESC, src_partition DESC, src_offset DESC
  LIMIT 1 BY experiment_id
) AS latest ALL INNER JOIN (
  SELECT experiment_id, min(declared_at_ms) AS min_declared FROM online_experiments WHERE project = ${quoteString(project)}${only} GROUP BY experiment_id
) AS first USING experiment_id
ORDER BY experiment_id`;
}

export interface StoredOnlineExperiment {
  definition: OnlineExperimentDeclared;
  /** When it was first declared. */
  createdAt: number;
}

/** The project's online experiments (those named, or all), each as last declared. */
export async function getOnlineExperiments(ch: ClickHouseClient, project: string, ids?: readonly string[]): Promise<StoredOnlineExperiment[]> {
  if (ids && ids.length === 0) return [];
  return (await rows<{ definition: string; min_declared: string }>(ch, onlineExperimentsSql(project, ids))).map((r) => ({
    definition: JSON.parse(r.definition) as OnlineExperimentDeclared, createdAt: Number(r.min_declared),
  }));
}

export interface OutcomeWindow {
  /** Only buckets starting at or after (epoch ms). */
  from?: number;
  /** Only buckets starting before (epoch ms). */
  until?: number;
}

const windowSql = (project: string, experimentId: string, w: OutcomeWindow) =>
  `project = ${quoteString(project)} AND experiment_id = ${quoteString(experimentId)}` +
  (w.from !== undefined ? ` AND bucket_ms >= ${Math.floor(w.from)}` : '') + (w.until !== undefined ? ` AND bucket_ms < ${Math.floor(w.until)}` : '');

export function outcomeSpanSql(project: string, experimentId: string, w: OutcomeWindow): string {
  return `SELECT count() AS n, min(bucket_ms) AS first, max(bucket_ms) AS last FROM online_outcome_sums WHERE ${windowSql(project, experimentId, w)}`;
}

/** The first and last bucket holding outcomes (null: none yet). */
export async function outcomeSpan(ch: ClickHouseClient, project: string, experimentId: string, w: OutcomeWindow = {}): Promise<{ first: number; last: number } | null> {
  const [r] = await rows<{ n: string; first: string; last: string }>(ch, outcomeSpanSql(project, experimentId, w));
  return r && Number(r.n) > 0 ? { first: Number(r.first), last: Number(r.last) } : null;
}

/** A look's width for at most `maxLooks` looks over the span: whole buckets. */
export function lookStepMs(span: { first: number; last: number }, maxLooks: number): number {
  const buckets = (span.last - span.first) / ONLINE_BUCKET_MS + 1;
  return Math.max(1, Math.ceil(buckets / maxLooks)) * ONLINE_BUCKET_MS;
}

export function outcomeSumsSql(project: string, experimentId: string, stepMs: number, w: OutcomeWindow): string {
  return `
SELECT metric, variant, (intDiv(bucket_ms, ${stepMs}) + 1) * ${stepMs} AS end_ms,
  sum(n) AS n, sum(value_sum) AS value_sum, sum(value_sum_sq) AS value_sum_sq, sum(covariate_n) AS covariate_n,
  sum(covariate_sum) AS covariate_sum, sum(covariate_sum_sq) AS covariate_sum_sq, sum(cross_sum) AS cross_sum,
  min(value_min) AS value_min, max(value_max) AS value_max
FROM online_outcome_sums FINAL
WHERE ${windowSql(project, experimentId, w)}
GROUP BY metric, variant, end_ms
ORDER BY end_ms, metric, variant`;
}

/** One (metric, variant, look)'s sums, named as engines/online's Moments (count, Σy, Σy², and the covariate's count, Σx, Σx², Σxy). */
export interface OutcomeSums {
  metric: string;
  variant: string;
  /** End of the look (epoch ms). */
  end: number;
  n: number;
  sum: number;
  sumSq: number;
  covN: number;
  covSum: number;
  covSumSq: number;
  cross: number;
  /** The smallest and largest value (exposures: 0). */
  min: number;
  max: number;
}

/** Sums per metric ('' for exposures), variant and look of `stepMs`. */
export async function outcomeSums(ch: ClickHouseClient, project: string, experimentId: string, stepMs: number, w: OutcomeWindow = {}): Promise<OutcomeSums[]> {
  return (await rows<Record<string, string | number>>(ch, outcomeSumsSql(project, experimentId, stepMs, w))).map((r) => ({
    metric: String(r.metric), variant: String(r.variant), end: Number(r.end_ms), n: Number(r.n), sum: Number(r.value_sum), sumSq: Number(r.value_sum_sq),
    covN: Number(r.covariate_n), covSum: Number(r.covariate_sum), covSumSq: Number(r.covariate_sum_sq), cross: Number(r.cross_sum), min: Number(r.value_min), max: Number(r.value_max),
  }));
}

export function outcomeHistogramsSql(project: string, experimentId: string, metrics: readonly string[], w: OutcomeWindow): string {
  return `
SELECT metric, variant, sumMap(hist_bins, hist_counts) AS histogram
FROM online_outcome_sums FINAL
WHERE ${windowSql(project, experimentId, w)} AND metric IN (${quoteStringList([...metrics])})
GROUP BY metric, variant`;
}

/** Per metric and variant, the values' histogram over the window: ascending values (within 0.5%) and their counts. */
export async function outcomeHistograms(ch: ClickHouseClient, project: string, experimentId: string, metrics: readonly string[], w: OutcomeWindow = {}): Promise<{ metric: string; variant: string; values: number[]; counts: number[] }[]> {
  if (metrics.length === 0) return [];
  return (await rows<{ metric: string; variant: string; histogram: [(string | number)[], (string | number)[]] }>(ch, outcomeHistogramsSql(project, experimentId, metrics, w))).map((r) => {
    const pairs = r.histogram[0].map((bin, i) => [histogramValue(Number(bin)), Number(r.histogram[1][i])] as const).sort((a, b) => a[0] - b[0]);
    return { metric: r.metric, variant: r.variant, values: pairs.map((p) => p[0]), counts: pairs.map((p) => p[1]) };
  });
}

export function unitLooksSql(project: string, experimentId: string, metric: string, ends: readonly number[], w: OutcomeWindow): string {
  return `
SELECT end_ms, variant, count() AS units, sum(y) AS sum_y, sum(y * y) AS sum_yy, sum(c) AS sum_n, sum(c * c) AS sum_nn, sum(y * c) AS sum_yn
FROM (
  SELECT end_ms, variant, unit_id, sum(value_sum) AS y, sum(n) AS c
  FROM (SELECT variant, unit_id, bucket_ms, value_sum, n FROM online_unit_sums FINAL WHERE ${windowSql(project, experimentId, w)} AND metric = ${quoteString(metric)})
  ARRAY JOIN [${ends.map((e) => Math.floor(e)).join(', ')}] AS end_ms
  WHERE bucket_ms < end_ms
  GROUP BY end_ms, variant, unit_id
)
GROUP BY end_ms, variant
ORDER BY end_ms, variant`;
}

/** A ratio metric's per-unit totals summed over units, per look and variant: what the delta method needs. */
export interface UnitLook {
  end: number;
  variant: string;
  units: number;
  /** Σ over units of the unit's total value, of its square, of its record count, of that squared, and of their product. */
  sumY: number;
  sumYY: number;
  sumN: number;
  sumNN: number;
  sumYN: number;
}

/** Per look (the data before each end) and variant, a ratio metric's per-unit sums (online_unit_sums). */
export async function unitLooks(ch: ClickHouseClient, project: string, experimentId: string, metric: string, ends: readonly number[], w: OutcomeWindow = {}): Promise<UnitLook[]> {
  if (ends.length === 0) return [];
  return (await rows<Record<string, string | number>>(ch, unitLooksSql(project, experimentId, metric, ends, w))).map((r) => ({
    end: Number(r.end_ms), variant: String(r.variant), units: Number(r.units), sumY: Number(r.sum_y), sumYY: Number(r.sum_yy), sumN: Number(r.sum_n), sumNN: Number(r.sum_nn), sumYN: Number(r.sum_yn),
  }));
}

export function exposedUnitsSql(project: string, experimentId: string, variants: readonly string[], w: OutcomeWindow): string {
  // One pass: the distinct units of each variant and of all of them together. Units are counted
  // by their 64-bit hash (a set of integers, several times faster than one of strings; two of 100
  // million ids share a hash with probability 3e-4, and then count as one). Aggregated straight
  // from the table, so that on a cluster each shard counts its own units and sends only its sets.
  return `
SELECT uniqExact(cityHash64(unit_id)) AS units, [${variants.map((v) => `uniqExactIf(cityHash64(unit_id), variant = ${quoteString(v)})`).join(', ')}] AS per_variant
FROM online_unit_sums
WHERE ${windowSql(project, experimentId, w)} AND metric = '' AND variant IN (${quoteStringList([...variants])})`;
}

/**
 * The distinct units exposed to each of the variants over the window, and to any of them
 * (however often each was logged; a replayed message adds no unit, so no FINAL).
 */
export async function exposedUnits(ch: ClickHouseClient, project: string, experimentId: string, variants: readonly string[], w: OutcomeWindow = {}): Promise<{ perVariant: Record<string, number>; total: number }> {
  if (variants.length === 0) return { perVariant: {}, total: 0 };
  const [r] = await rows<{ units: string | number; per_variant: (string | number)[] }>(ch, exposedUnitsSql(project, experimentId, variants, w));
  const per = (r?.per_variant ?? []).map(Number);
  return { perVariant: Object.fromEntries(variants.map((v, i) => [v, per[i] ?? 0])), total: Number(r?.units ?? 0) };
}
