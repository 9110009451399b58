// An OutcomeBatch → online_outcome_sums rows: its records summed per (metric, variant, 10-second
// bucket), with the covariate's sums (CUPED) and a log-scale histogram (quantiles); and
// online_unit_sums rows: its exposures and ratio metrics' records per unit. Every row of
// the message carries the message's origin, so a replayed or re-sent batch writes the same rows
// and collapses. Pure; one pass over the records, no per-record allocation but the histogram's.
import type { OnlineExperimentDeclared, OutcomeBatch } from '../schemas/events.ts';
import { histogramBin } from '../storage/online-histogram.ts';
import { ONLINE_BUCKET_MS, type OnlineExperimentsRow, type OnlineOutcomeSumsRow, type OnlineUnitSumsRow, type Source } from '../storage/tables.ts';

/** An OnlineExperimentDeclared as online_experiments holds it: the event itself as JSON beside the columns readers filter on. */
export function onlineExperimentRow(e: OnlineExperimentDeclared, src: Source): OnlineExperimentsRow {
  return { project: e.project, experiment_id: e.experimentId, model: e.model, status: e.status, declared_at_ms: e.declaredAt, definition: JSON.stringify(e), src_partition: src.partition, src_offset: src.offset };
}

interface Sums {
  metric: number;
  variant: number;
  bucket: number;
  n: number;
  sum: number;
  sumSq: number;
  covN: number;
  covSum: number;
  covSumSq: number;
  cross: number;
  min: number;
  max: number;
  hist: Map<number, number>;
}

/**
 * The per-unit rows of one OutcomeBatch, summed per (metric, variant, unit, bucket): its
 * exposures (metric '': which units were exposed, counted once each however often they were
 * logged — the sample-ratio check's units) and its records of the metrics flagged in
 * metricsPerUnit (ratio metrics).
 */
export function unitRows(e: OutcomeBatch, src: Source): OnlineUnitSumsRow[] {
  const flags = e.metricsPerUnit ?? [];
  const groups = new Map<string, OnlineUnitSumsRow>();
  for (let i = 0; i < e.unitIds.length; i++) {
    const metric = e.metricIndex[i]!;
    if (metric >= 0 && !flags[metric]) continue;
    const variant = e.variantIndex[i]!;
    const bucket = Math.floor(e.times[i]! / ONLINE_BUCKET_MS) * ONLINE_BUCKET_MS;
    const unit = e.unitIds[i]!;
    const key = `${metric} ${variant} ${bucket} ${unit}`;
    let g = groups.get(key);
    if (!g) {
      g = { project: e.project, experiment_id: e.experimentId, metric: metric < 0 ? '' : e.metrics[metric]!, variant: e.variants[variant]!, unit_id: unit, bucket_ms: bucket, src_partition: src.partition, src_offset: src.offset, n: 0, value_sum: 0 };
      groups.set(key, g);
    }
    g.n++;
    if (metric >= 0) g.value_sum += e.values[i]!;
  }
  return [...groups.values()];
}

/** The rows of one OutcomeBatch (validated: columns of one length, indexes in range). */
export function outcomeRows(e: OutcomeBatch, src: Source): OnlineOutcomeSumsRow[] {
  const groups = new Map<string, Sums>();
  const hasCovariates = e.covariates.length > 0;
  for (let i = 0; i < e.unitIds.length; i++) {
    const metric = e.metricIndex[i]!;
    const variant = e.variantIndex[i]!;
    const bucket = Math.floor(e.times[i]! / ONLINE_BUCKET_MS) * ONLINE_BUCKET_MS;
    const key = `${metric} ${variant} ${bucket}`;
    let g = groups.get(key);
    if (!g) {
      g = { metric, variant, bucket, n: 0, sum: 0, sumSq: 0, covN: 0, covSum: 0, covSumSq: 0, cross: 0, min: Infinity, max: -Infinity, hist: new Map() };
      groups.set(key, g);
    }
    g.n++;
    if (metric < 0) continue; // an exposure: counted, no value
    const y = e.values[i]!;
    g.sum += y;
    g.sumSq += y * y;
    if (y < g.min) g.min = y;
    if (y > g.max) g.max = y;
    const bin = histogramBin(y);
    g.hist.set(bin, (g.hist.get(bin) ?? 0) + 1);
    if (hasCovariates) {
      const x = e.covariates[i]!;
      g.covN++;
      g.covSum += x;
      g.covSumSq += x * x;
      g.cross += x * y;
    }
  }
  const rows: OnlineOutcomeSumsRow[] = [];
  for (const g of groups.values()) {
    const bins = [...g.hist.keys()].sort((a, b) => a - b);
    rows.push({
      project: e.project, experiment_id: e.experimentId, metric: g.metric < 0 ? '' : e.metrics[g.metric]!, variant: e.variants[g.variant]!, bucket_ms: g.bucket,
      src_partition: src.partition, src_offset: src.offset, n: g.n, value_sum: g.sum, value_sum_sq: g.sumSq, covariate_n: g.covN, covariate_sum: g.covSum,
      covariate_sum_sq: g.covSumSq, cross_sum: g.cross, value_min: g.n > 0 && g.metric >= 0 ? g.min : 0, value_max: g.n > 0 && g.metric >= 0 ? g.max : 0,
      hist_bins: bins, hist_counts: bins.map((b) => g.hist.get(b)!),
    });
  }
  return rows;
}
