// Request and response schemas of /v1/online (OpenAPI through fastify's swagger).
import { Type, type Static } from '@sinclair/typebox';
import { ONLINE_METRIC_KINDS, ONLINE_METRIC_ROLES, ONLINE_STATISTICS } from '../../schemas/events.ts';

const literals = <T extends string>(xs: readonly T[]) => Type.Union(xs.map((x) => Type.Literal(x)));
const Num = Type.Union([Type.Number(), Type.Null()]);

export const MetricBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 256, description: 'As the outcomes name it' }),
  kind: literals(ONLINE_METRIC_KINDS),
  role: literals(ONLINE_METRIC_ROLES),
  better: Type.Union([Type.Literal('higher'), Type.Literal('lower')], { description: 'Which way is an improvement' }),
  statistic: Type.Optional(Type.Union(ONLINE_STATISTICS.map((s) => Type.Literal(s)), { description: 'mean (default), or p95 for a guardrail' })),
  margin: Type.Optional(Type.Number({ minimum: 0, description: 'Guardrails only: how much worse the challenger may be, in the metric\'s unit (binary: a proportion, 0.01 = 1 pp)' })),
}, { additionalProperties: false });

/** Optional, as on every route: the token decides the project; any other value is a 403. */
const ProjectField = { project: Type.Optional(Type.String({ description: "The token's project (optional: the token decides it)" })) };

export const DeclareBody = Type.Object({
  ...ProjectField,
  id: Type.String({ minLength: 1, maxLength: 128, description: 'The experiment id the outcomes carry' }),
  name: Type.Optional(Type.String({ maxLength: 500 })),
  description: Type.Optional(Type.String({ maxLength: 8000 })),
  model: Type.String({ minLength: 1, maxLength: 500, description: 'The registered model whose versions are compared' }),
  variants: Type.Array(Type.Object({
    name: Type.String({ minLength: 1, maxLength: 256 }),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    alias: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Resolved to the version it names now' })),
    weight: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Share of units; equal shares when no variant gives one' })),
  }, { additionalProperties: false }), { minItems: 2, maxItems: 20 }),
  control: Type.String({ minLength: 1, description: 'The champion: the variant the others are compared with' }),
  metrics: Type.Array(MetricBody, { minItems: 1, maxItems: 100 }),
  alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 0.5, description: 'Default 0.05' })),
  plannedSampleSize: Type.Optional(Type.Integer({ minimum: 1, description: 'Observations per metric over every variant you expect (default 100,000): the sequential interval is narrowest there' })),
  status: Type.Optional(Type.Union([Type.Literal('running'), Type.Literal('stopped')], { description: 'Informational (lists show it): outcomes of a stopped experiment are still stored and analysed' })),
}, { additionalProperties: false });
export type DeclareBody = Static<typeof DeclareBody>;

export const ExperimentJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  model: Type.String(),
  variants: Type.Array(Type.Object({ name: Type.String(), alias: Type.Union([Type.String(), Type.Null()]), version: Type.Integer(), runId: Type.String(), weight: Type.Number() })),
  control: Type.String(),
  metrics: Type.Array(Type.Object({ name: Type.String(), kind: Type.String(), role: Type.String(), better: Type.String(), statistic: Type.String(), margin: Num })),
  alpha: Type.Number(),
  plannedSampleSize: Type.Integer(),
  status: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  updatedBy: Type.String(),
});

export const AnalysisBody = Type.Object({
  ...ProjectField,
  experiment: Type.String({ minLength: 1, maxLength: 128 }),
  basis: Type.Optional(Type.Union([Type.Literal('sequential'), Type.Literal('fixedHorizon')], { description: 'What verdicts and sentences rest on. sequential (default): valid however often you look. fixedHorizon: read once, at the planned sample size' })),
  cuped: Type.Optional(Type.Boolean({ description: 'Adjust with the logged pre-period covariate where every record has one (default true)' })),
  from: Type.Optional(Type.Integer({ minimum: 0, description: "Only outcomes from this time (epoch ms, rounded down to a 10-second bucket)" })),
  until: Type.Optional(Type.Integer({ minimum: 0, description: "Only outcomes before this time (epoch ms, rounded down to a 10-second bucket): an answer that new traffic does not change" })),
  maxLooks: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, description: 'About the most points of the interval\'s path (default 500; looks are whole 10-second buckets, aligned to multiples of their width)' })),
}, { additionalProperties: false });
export type AnalysisBody = Static<typeof AnalysisBody>;

const Interval = Type.Object({ lower: Num, upper: Num, confidence: Type.Number() });
const Side = Type.Object({ variant: Type.String(), n: Type.Integer(), value: Num });
const Comparison = Type.Object({
  variant: Type.String(),
  control: Type.String(),
  sides: Type.Object({ variant: Side, control: Side }),
  estimate: Num,
  relative: Num,
  fixedHorizon: Type.Union([Type.Object({ test: Type.String(), estimate: Num, standardError: Num, statistic: Num, df: Num, pValue: Num, interval: Interval, significant: Type.Boolean() }), Type.Null()]),
  sequential: Type.Union([Type.Object({ method: Type.String(), estimate: Num, interval: Interval, pValue: Num, significant: Type.Boolean(), looks: Type.Integer() }), Type.Null()]),
  cuped: Type.Object({ applied: Type.Boolean(), theta: Num, varianceReduction: Num, why: Type.Union([Type.String(), Type.Null()]) }),
  verdict: Type.String(),
  guardrail: Type.Union([Type.Object({ margin: Type.Number(), status: Type.String(), basis: Type.String() }), Type.Null()]),
  path: Type.Array(Type.Object({ at: Type.Integer(), n: Type.Integer(), estimate: Num, lower: Num, upper: Num, validLower: Num, validUpper: Num, pValue: Num })),
  notes: Type.Array(Type.String(), { description: 'Why the answer is withheld or must be read with care' }),
  sentence: Type.String(),
});

export const AnalysisJson = Type.Object({
  experiment: ExperimentJson,
  runIds: Type.Array(Type.String(), { description: "The variants' runs" }),
  window: Type.Object({ from: Num, until: Num, lookMs: Num, asOf: Type.String({ format: 'date-time' }) }),
  basis: Type.String(),
  alpha: Type.Number(),
  exposures: Type.Record(Type.String(), Type.Integer(), { description: 'Exposures logged per variant (a unit logged twice counts twice)' }),
  units: Type.Record(Type.String(), Type.Integer(), { description: 'Distinct units exposed per variant: what the sample-ratio check counts' }),
  unitsTotal: Type.Integer({ description: 'Distinct units exposed to any variant (a unit in several counts once)' }),
  srm: Type.Object({ mismatch: Type.Boolean(), message: Type.String(), threshold: Type.Number(), chiSquare: Type.Optional(Num), df: Type.Optional(Type.Integer()), pValue: Type.Optional(Num), counts: Type.Optional(Type.Record(Type.String(), Type.Integer())) }),
  metrics: Type.Array(Type.Object({ name: Type.String(), kind: Type.String(), role: Type.String(), better: Type.String(), statistic: Type.String(), margin: Num, comparisons: Type.Array(Comparison) })),
  warnings: Type.Array(Type.String(), { description: 'Outcomes the declaration does not cover (variants or metrics it does not name), units exposed to more than one variant' }),
  summary: Type.String(),
});
