// TypeBox shapes of the /v1/sweeps routes: request bodies (`selection` as in selection.ts, as
// /v1/groups and /v1/curves take it, beside each chart's own options) and responses, which feed
// the OpenAPI document and, for the non-streamed answers, fastify's serializer.
import { Type, type TSchema } from '@sinclair/typebox';
import { SelectionSchema } from '../selection/selection.ts';
import { ParamValue, ProjectQuery } from '../http/schemas.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const FieldRef = Type.String({ minLength: 1, maxLength: 512, description: 'A param (lr or params.lr), a metric summary (metrics.val/acc.max, metrics.loss[split=val].last), a tag (tags.team) or lineage (lineage.git_commit, lineage.libraries.torch)' });
export const TargetRef = Type.String({ minLength: 1, maxLength: 512, description: 'The metric summary analysed, e.g. val/acc.max or metrics.loss[split=val].min (bare keys mean .last)' });
const ParamList = Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 500, uniqueItems: true, description: 'Params to analyse (default: every param that varies in the selection)' });
const ScaleName = Type.Union([Type.Literal('linear'), Type.Literal('log'), Type.Literal('categorical')]);

/** The selection (runIds, or filter/experiment/sweep) and the optional project, shared by every body. */
const common = {
  project: ProjectQuery,
  selection: Type.Optional(SelectionSchema),
  scale: Type.Optional(Type.Record(Type.String({ maxLength: 512 }), ScaleName, { maxProperties: 500, description: 'Force an axis scale per param or field, e.g. {"batch_size": "categorical", "lr": "log"}' })),
  maxLevels: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Most distinct values a numeric param may have to get one bin per value (default 12, 0 = never)' })),
};

const body = <P extends Record<string, TSchema>>(props: P) => Type.Object({ ...common, ...props }, { additionalProperties: false });

export const ParallelBody = body({
  target: Type.Optional(TargetRef),
  axes: Type.Optional(Type.Array(FieldRef, { minItems: 1, maxItems: 200, description: 'Axes in order (default: every param that varies, then the target); the target is appended when not listed' })),
  groupBy: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 50, uniqueItems: true }), Type.Literal('all-but-seed')], { description: 'One row per group of these params (or every varying param except the seed); metrics are averaged per group' })),
});

export const ScatterBody = body({
  x: FieldRef,
  y: FieldRef,
  colour: Type.Optional(FieldRef),
  color: Type.Optional(FieldRef),
});

export const ContourBody = body({
  x: FieldRef,
  y: FieldRef,
  target: TargetRef,
  nx: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'Bins along x for a continuous param (default 20)' })),
  ny: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});

export const SliceBody = body({
  param: FieldRef,
  target: TargetRef,
  bins: Type.Optional(Type.Integer({ minimum: 2, maximum: 100, description: 'Quantile bins of a numeric param (default 10)' })),
  confidence: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
});

export const ImportanceBody = body({
  target: TargetRef,
  params: Type.Optional(ParamList),
  resamples: Type.Optional(Type.Integer({ minimum: 2, maximum: 200, description: 'Bootstrap rounds, each a freshly fitted forest (default 20)' })),
  trees: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Trees per forest (default 50)' })),
  maxRows: Type.Optional(Type.Integer({ minimum: 10, maximum: 50_000, description: 'Runs drawn per round (default 5,000)' })),
  minLeaf: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  maxDepth: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  maxFeatures: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  maxBins: Type.Optional(Type.Integer({ minimum: 2, maximum: 1024 })),
  minImportance: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'Share of the target variance below which a param is insensitive (default 0.01)' })),
  confidence: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
  seed: Type.Optional(Type.Integer({ minimum: -(2 ** 53 - 1), maximum: 2 ** 53 - 1 })),
  spearman: Type.Optional(Type.Object({
    interval: Type.Optional(Type.Union([Type.Literal('fisher'), Type.Literal('bootstrap')])),
    resamples: Type.Optional(Type.Integer({ minimum: 100, maximum: 100_000 })),
  }, { additionalProperties: false })),
});

export const MarginalsBody = body({
  target: TargetRef,
  params: Type.Optional(ParamList),
  bins: Type.Optional(Type.Integer({ minimum: 2, maximum: 100 })),
  confidence: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
});

export const BestRegionBody = body({
  target: TargetRef,
  direction: Type.Optional(Type.Union([Type.Literal('maximize'), Type.Literal('minimize')], { description: 'Default maximize' })),
  topPercent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'Share of runs called top, in percent (default 5)' })),
  central: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Numeric ranges over this central share of the top runs (default 1: min–max)' })),
  params: Type.Optional(ParamList),
  maxCoverage: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
  alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
});

// ---- responses ----

const Interval = Type.Object({ lower: Type.Number(), upper: Type.Number(), confidence: Type.Number() });

export const ChartAxis = Type.Object({
  field: Type.String({ description: 'params.<name>, metrics.<key>[<segment>].<aggregate>, tags.<name> or lineage.<name>' }),
  kind: Type.Union([Type.Literal('param'), Type.Literal('metric'), Type.Literal('tag'), Type.Literal('lineage')]),
  name: Type.String(),
  scale: ScaleName,
  present: Type.Integer(),
  missing: Type.Integer(),
  reason: Type.String({ description: 'Why this scale' }),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  distinct: Type.Optional(Type.Integer()),
  levels: Type.Optional(Nullable(Type.Array(Type.Number()))),
  categories: Type.Optional(Type.Array(ParamValue, { description: 'In the stable order; categorical values arrays hold indexes into this list' })),
  counts: Type.Optional(Type.Array(Type.Integer())),
});

const Cells = Type.Array(Nullable(Type.Number()), { description: 'One value per row; a categorical axis holds indexes into its categories; null = no value' });

export const ParallelResponse = Type.Object({
  rowKind: Type.Union([Type.Literal('run'), Type.Literal('group')]),
  runs: Type.Integer({ description: 'Runs selected' }),
  rows: Type.Integer(),
  target: Nullable(Type.String()),
  groupBy: Nullable(Type.Array(Type.String())),
  axes: Type.Array(ChartAxis),
  omitted: Type.Array(Type.Object({ field: Type.String(), reason: Type.String() })),
  ids: Type.Array(Type.String(), { description: 'Run ids, or group labels' }),
  sizes: Type.Optional(Type.Array(Type.Integer(), { description: 'Runs per group (grouped only)' })),
  values: Type.Array(Cells, { description: 'values[k][row]: axis k, column by column' }),
});

export const ScatterResponse = Type.Object({
  runs: Type.Integer(),
  points: Type.Integer({ description: 'Runs with both x and y' }),
  skipped: Type.Object({ missingX: Type.Integer(), missingY: Type.Integer() }),
  axes: Type.Object({ x: ChartAxis, y: ChartAxis, colour: Nullable(ChartAxis) }),
  ids: Type.Array(Type.String()),
  x: Cells,
  y: Cells,
  colour: Type.Optional(Cells),
});

const Bin = Type.Object({
  kind: Type.Union([Type.Literal('range'), Type.Literal('level'), Type.Literal('category')]),
  label: Type.String(),
  lo: Type.Optional(Type.Number()),
  hi: Type.Optional(Type.Number()),
  value: Type.Optional(Type.Number()),
  category: Type.Optional(ParamValue),
});

const MarginalBin = Type.Object({
  ...Bin.properties,
  n: Type.Integer(),
  mean: Nullable(Type.Number()),
  sd: Nullable(Type.Number()),
  ci: Nullable(Interval),
  note: Type.Optional(Type.String()),
});

const MarginalEffect = Type.Object({ param: Type.String(), scale: ScaleName, bins: Type.Array(MarginalBin), runsUsed: Type.Integer() });

export const SliceResponse = Type.Object({
  target: Type.String(),
  runs: Type.Integer(),
  points: Type.Integer({ description: 'Runs with the param and the target' }),
  axes: Type.Object({ x: ChartAxis, y: ChartAxis }),
  bins: Type.Array(MarginalBin, { description: 'The target per bin of the param: mean and interval, every other param free' }),
  ids: Type.Array(Type.String()),
  x: Cells,
  y: Cells,
});

const ContourAxis = Type.Object({ param: Type.String(), scale: ScaleName, bins: Type.Array(Bin) });

export const ContourResponse = Type.Object({
  target: Type.String(),
  runs: Type.Integer(),
  x: ContourAxis,
  y: ContourAxis,
  mean: Type.Array(Type.Array(Nullable(Type.Number())), { description: 'mean[iy][ix]; null = no run in the cell' }),
  count: Type.Array(Type.Array(Type.Integer()), { description: 'count[iy][ix]' }),
  runsUsed: Type.Integer(),
  skipped: Type.Object({ missingTarget: Type.Integer(), missingParam: Type.Integer() }),
});

const Spearman = Type.Object({
  rho: Nullable(Type.Number()),
  n: Type.Integer(),
  ci: Nullable(Interval),
  method: Type.String(),
  resamplesUsed: Type.Optional(Type.Integer()),
  note: Type.Optional(Type.String()),
});

export const ImportanceResponse = Type.Object({
  target: Type.String(),
  runs: Type.Integer(),
  params: Type.Array(Type.Object({
    param: Type.String(),
    scale: ScaleName,
    rank: Type.Integer(),
    missing: Type.Integer(),
    spearman: Spearman,
    forest: Type.Object({ importance: Type.Number(), ci: Interval }),
    insensitive: Type.Boolean(),
    reason: Type.String(),
  })),
  runsUsed: Type.Integer(),
  runsDropped: Type.Integer(),
  forest: Type.Object({
    trees: Type.Integer(), maxFeatures: Type.Integer(), minLeaf: Type.Integer(), maxDepth: Type.Integer(), maxBins: Type.Integer(),
    resamples: Type.Integer(), rowsPerFit: Type.Integer(),
    oobR2: Nullable(Type.Object({ mean: Type.Number(), ci: Interval })),
  }),
  minImportance: Type.Number(),
});

export const MarginalsResponse = Type.Object({
  target: Type.String(),
  runs: Type.Integer(),
  effects: Type.Array(MarginalEffect),
});

export const BestRegionResponse = Type.Object({
  target: Type.String(),
  runs: Type.Integer(),
  topPercent: Type.Number(),
  direction: Type.Union([Type.Literal('maximize'), Type.Literal('minimize')]),
  central: Type.Number(),
  n: Type.Integer(),
  runsUsed: Type.Integer(),
  threshold: Type.Number(),
  params: Type.Array(Type.Object({
    kind: Type.Union([Type.Literal('range'), Type.Literal('categories')]),
    param: Type.String(),
    scale: ScaleName,
    n: Type.Integer(),
    coverage: Type.Number(),
    pValue: Type.Number(),
    mentioned: Type.Boolean(),
    phrase: Nullable(Type.String()),
    lo: Type.Optional(Nullable(Type.Number())),
    hi: Type.Optional(Nullable(Type.Number())),
    sweepMin: Type.Optional(Nullable(Type.Number())),
    sweepMax: Type.Optional(Nullable(Type.Number())),
    categories: Type.Optional(Type.Array(ParamValue)),
    sweepCategories: Type.Optional(Type.Array(ParamValue)),
  })),
  sentence: Type.String(),
});
