// The shapes of an online analysis: what it is asked (the experiment's variants and metrics,
// the rollups) and what it answers. Shared by analyse.ts and sentences.ts.
import type { FixedHorizonResult, Interval } from './fixed-horizon.ts';
import type { Moments } from './moments.ts';
import type { Histogram } from './quantile.ts';
import type { SequentialPoint } from './sequential.ts';
import type { SrmResult } from './srm.ts';
import type { UnitSums } from './ratio.ts';

export interface VariantSpec {
  name: string;
  weight: number;
  /** How sentences name it, e.g. "v7" or "challenger (v7)". */
  label: string;
}

export interface MetricSpec {
  name: string;
  /** ratio: a mean per record where the unit is a user and the records its requests (delta method over units). */
  kind: 'binary' | 'continuous' | 'ratio';
  role: 'primary' | 'secondary' | 'guardrail';
  better: 'higher' | 'lower';
  statistic: 'mean' | 'p95';
  margin: number | null;
}

export interface ExperimentSpec {
  variants: VariantSpec[];
  control: string;
  metrics: MetricSpec[];
  alpha: number;
  plannedSampleSize: number;
}

/** Sums of one (metric, variant) over one time bucket; metric '' for exposures. */
export interface BucketSums {
  metric: string;
  variant: string;
  /** End of the bucket (epoch ms): a look at the data up to here. */
  end: number;
  moments: Moments;
  /** The smallest and largest value (when known): a binary metric's must lie in [0, 1]. */
  range?: { min: number; max: number };
}

export interface OutcomeData {
  buckets: BucketSums[];
  /** Ratio metrics: per look (the data before `end`) and variant, the per-unit sums. */
  unitLooks?: { metric: string; variant: string; end: number; sums: UnitSums }[];
  /** Per metric and variant, the whole window's histogram (for quantiles). */
  histograms: { metric: string; variant: string; histogram: Histogram }[];
  /**
   * The distinct units exposed to each variant and to any of them (each once, however often
   * logged): what the sample-ratio check counts. Without it, the check counts exposures, as if
   * each unit were logged once.
   */
  exposedUnits?: { perVariant: Record<string, number>; total: number };
}

export type DecisionBasis = 'sequential' | 'fixedHorizon';

export interface AnalysisOptions {
  /** Which answer the verdicts and sentences rest on (default sequential: valid however often it is read). */
  basis?: DecisionBasis;
  /** Apply CUPED where every record carries a covariate (default true). */
  cuped?: boolean;
}

export interface SideSummary {
  variant: string;
  /** Observations: records, or units for ratio metrics. */
  n: number;
  /** The mean (the proportion for binary metrics; the quantile for p95), unadjusted. */
  value: number;
}

export interface SequentialAnswer {
  method: 'normal-mixture confidence sequence (asymptotic, always valid)';
  estimate: number;
  interval: Interval;
  pValue: number;
  significant: boolean;
  looks: number;
}

export interface Comparison {
  variant: string;
  control: string;
  sides: { variant: SideSummary; control: SideSummary };
  /** variant − control (for p95: of the quantiles), CUPED-adjusted when cuped.applied. */
  estimate: number;
  /** estimate / control value, when the control's is not 0. */
  relative: number | null;
  fixedHorizon: FixedHorizonResult | null;
  sequential: SequentialAnswer | null;
  cuped: { applied: boolean; theta: number | null; varianceReduction: number | null; why: string | null };
  /** Which way the difference is, on the basis chosen (from its interval); 'invalid data': withheld, notes say why. */
  verdict: 'better' | 'worse' | 'inconclusive' | 'not enough data' | 'invalid data';
  guardrail: { margin: number; status: 'passed' | 'failed' | 'inconclusive'; basis: DecisionBasis } | null;
  /** The interval over time (sequential, per look); empty for p95. */
  path: SequentialPoint[];
  /** Why the answer is withheld or must be read with care. */
  notes: string[];
  sentence: string;
}

export interface MetricAnswer extends MetricSpec {
  comparisons: Comparison[];
}

export interface Analysis {
  basis: DecisionBasis;
  alpha: number;
  srm: (SrmResult & { counts: Record<string, number>; threshold: number; message: string }) | { mismatch: false; message: string; threshold: number };
  /** Exposures logged per variant (a unit logged twice counts twice). */
  exposures: Record<string, number>;
  /** Distinct units exposed per variant: the sample-ratio check's counts. */
  units: Record<string, number>;
  /** Distinct units exposed to any variant (a unit in several counts once). */
  unitsTotal: number;
  metrics: MetricAnswer[];
  /** Outcomes the declaration does not cover (variants or metrics it does not name: a typo?), units exposed to several variants. */
  warnings: string[];
  summary: string;
}

