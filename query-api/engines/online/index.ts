// Online A/B analysis (champion vs challenger on live traffic) from rollups: fixed-horizon tests,
// always-valid confidence sequences, CUPED, the sample-ratio check, quantile guardrails and the
// sentences. Pure, like engines/statistics: no HTTP, no SQL.
export { analyseExperiment } from './analyse.ts';
export type { Analysis, AnalysisOptions, BucketSums, Comparison, DecisionBasis, ExperimentSpec, MetricAnswer, MetricSpec, OutcomeData, VariantSpec } from './analyse.ts';
export { emptyMoments, type Moments } from './moments.ts';
export type { Histogram } from './quantile.ts';
export { MIN_LOOK_N } from './sequential.ts';
export { SRM_ALPHA } from './srm.ts';
