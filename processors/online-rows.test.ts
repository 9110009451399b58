// An OutcomeBatch's rows: sums per (metric, variant, 10-second bucket) with exposures apart, the
// covariate's sums and the histogram; per-unit rows for exposures and flagged metrics; every row keyed by
// the batch's identity, so a re-send lands on the same keys; an invalid batch is dead-lettered
// with its reason. No services.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../schemas/catalogue.ts';
import type { OutcomeBatch } from '../schemas/events.ts';
import { histogramBin } from '../storage/online-histogram.ts';
import { outcomeRows, unitRows } from './online-rows.ts';
import { routeBatch } from './route.ts';

const batch: OutcomeBatch = {
  project: 'shop', experimentId: 'ab', variants: ['a', 'b'], metrics: ['ctr', 'revenue'],
  unitIds: ['u1', 'u1', 'u1', 'u2', 'u2', 'u3'], variantIndex: [0, 0, 0, 1, 1, 0], metricIndex: [-1, 0, 0, 1, 0, 1],
  values: [0, 1, 0, 5.5, 1, 2], covariates: [0, 1, 1, 4, 2, 3], times: [1_000, 2_000, 12_000, 3_000, 4_000, 5_000], metricsPerUnit: [true, false],
};
const src = { partition: 1, offset: 42 };

describe('outcomeRows', () => {
  it('sums each (metric, variant, bucket), exposures with metric ""', () => {
    const rows = outcomeRows(batch, src);
    const row = (metric: string, variant: string, bucket: number) => rows.find((r) => r.metric === metric && r.variant === variant && r.bucket_ms === bucket);
    expect(rows).toHaveLength(6);
    expect(row('', 'a', 0)).toMatchObject({ n: 1, value_sum: 0, hist_bins: [] });
    expect(row('ctr', 'a', 0)).toMatchObject({ n: 1, value_sum: 1, value_sum_sq: 1, covariate_n: 1, covariate_sum: 1, cross_sum: 1, hist_bins: [histogramBin(1)], hist_counts: [1] });
    expect(row('ctr', 'a', 10_000)).toMatchObject({ n: 1, value_sum: 0, hist_bins: [0], hist_counts: [1] });
    expect(row('ctr', 'b', 0)).toMatchObject({ n: 1, value_sum: 1 });
    expect(row('revenue', 'b', 0)).toMatchObject({ n: 1, value_sum: 5.5, value_sum_sq: 30.25, covariate_sum: 4, covariate_sum_sq: 16, cross_sum: 22, value_min: 5.5, value_max: 5.5 });
    expect(row('revenue', 'a', 0)).toMatchObject({ n: 1, value_sum: 2 });
    expect(rows.every((r) => r.src_partition === 1 && r.src_offset === 42 && r.project === 'shop' && r.experiment_id === 'ab')).toBe(true);
  });
});

describe('unitRows', () => {
  const cells = (b: OutcomeBatch) => unitRows(b, src).map((r) => [r.metric, r.variant, r.unit_id, r.bucket_ms, r.n, r.value_sum]);
  it("keeps exposures and flagged metrics' records, per (metric, variant, unit, bucket)", () => {
    expect(cells(batch)).toEqual([
      ['', 'a', 'u1', 0, 1, 0], ['ctr', 'a', 'u1', 0, 1, 1], ['ctr', 'a', 'u1', 10_000, 1, 0], ['ctr', 'b', 'u2', 0, 1, 1],
    ]);
    expect(cells({ ...batch, metricsPerUnit: [] })).toEqual([['', 'a', 'u1', 0, 1, 0]]);
  });

  it('counts a unit exposed twice in a bucket once, with how often it was logged', () => {
    const exposures: OutcomeBatch = {
      project: 'shop', experimentId: 'ab', variants: ['a', 'b'], metrics: ['ctr'], unitIds: ['u1', 'u1', 'u2', 'u1'], variantIndex: [0, 0, 1, 0],
      metricIndex: [-1, -1, -1, -1], values: [0, 0, 0, 0], covariates: [], times: [1_000, 9_000, 2_000, 15_000],
    };
    expect(cells(exposures)).toEqual([['', 'a', 'u1', 0, 2, 0], ['', 'b', 'u2', 0, 1, 0], ['', 'a', 'u1', 10_000, 1, 0]]);
  });
});

describe('routeBatch with outcomes', () => {
  const catalogue = loadCatalogue();
  it('stores a re-sent identified batch on the same keys, and counts its records', () => {
    const value = catalogue.encode('OutcomeBatch', { ...batch, producerId: 'svc-1', sequence: 3 });
    const first = routeBatch(catalogue, 'events', 0, [{ offset: '5', key: null, value }]);
    const again = routeBatch(catalogue, 'events', 4, [{ offset: '900', key: null, value }]);
    expect(first.outcomes).toBe(6);
    expect(again.rows.online_outcome_sums).toEqual(first.rows.online_outcome_sums);
    expect(again.rows.online_unit_sums).toEqual(first.rows.online_unit_sums);
    expect(first.rows.online_unit_sums).toHaveLength(4);
  });

  it('dead-letters an invalid batch with its reason', () => {
    const value = catalogue.encode('OutcomeBatch', { ...batch, values: [0, 1, 0, 5.5, 1, Infinity] });
    const routed = routeBatch(catalogue, 'events', 0, [{ offset: '6', key: null, value }]);
    expect(routed.rejections.map((r) => [r.reason, r.detail])).toEqual([['invalid', 'record 5: value Infinity is not a finite number']]);
    expect(routed.rows.online_outcome_sums).toEqual([]);
    const unknown = catalogue.encode('OutcomeBatch', { ...batch, variantIndex: [0, 0, 0, 1, 1, 2] });
    expect(routeBatch(catalogue, 'events', 0, [{ offset: '7', key: null, value: unknown }]).rejections[0]!.detail).toBe('record 5: variantIndex 2 outside the 2 variants');
  });
});
