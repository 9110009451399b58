// TypeBox shapes of the statistics endpoints: request bodies (validated strictly, unknown fields
// refused) and responses (typed for the OpenAPI document). Numbers computed from data are
// nullable: a value that would be ±Infinity (one-sided intervals, t with zero variance) is sent
// as null with a note saying so; JSON never carries NaN or Infinity.
import { Type, type TLiteral, type TUnion } from '@sinclair/typebox';
import { ParamValue, ProjectQuery } from '../http/schemas.ts';
import { SelectionSchema } from '../selection/selection.ts';
import { ESTIMATE_NAMES, TESTS } from './types.ts';

const Str = Type.String();
const Num = Type.Number();
const NumOrNull = Type.Union([Type.Number(), Type.Null()]);
const StrOrNull = Type.Union([Type.String(), Type.Null()]);
const Strings = Type.Array(Type.String());
type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };
const lit = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description }) as unknown as TUnion<Literals<T>>;

const Alternative = Type.Optional(lit(['two-sided', 'greater', 'less'] as const, "Default 'two-sided'. 'greater': a (side a, the best group) is larger; for paired data a − b > 0"));
const Alpha = Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Significance level, default 0.05; significant means p ≤ alpha' }));
const Confidence = Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Level of the confidence interval, default 1 − alpha' }));
const RankMethod = Type.Optional(lit(['auto', 'exact', 'approximate'] as const, "Rank tests: 'auto' (default) is exact without ties for small samples (Mann-Whitney: fewer than 50 values in each, as R; Wilcoxon: at most 50 nonzero differences), else the normal approximation with tie and continuity correction"));
const TestName = Type.Optional(lit(['auto', ...TESTS] as const, "Default 'auto': Wilcoxon signed-rank (paired) or Mann-Whitney U (independent) when the rank test can reach alpha at these sample sizes, else the paired or Welch t-test; the answer says why"));
const Direction = lit(['maximize', 'minimize'] as const, 'Which way is better: maximize (higher is better) or minimize');
const Sample = Type.Array(Type.Number(), { maxItems: 100_000, description: 'Finite numbers; JSON cannot carry NaN or Infinity, and values that overflow (1e400) are refused' });
const Metric = Type.String({ minLength: 1, maxLength: 600, description: 'A metric summary: <key>[<segment>].<last|min|max|mean|count>, e.g. val/acc.max (aggregate last when left out)' });

// ---- requests ----

export const RawTestBody = Type.Object(
  {
    project: ProjectQuery,
    test: TestName,
    a: Sample,
    b: Sample,
    paired: Type.Optional(Type.Boolean({ description: 'Whether a[i] and b[i] belong together. Implied by paired-t and wilcoxon (true) and by welch-t and mann-whitney (false); default false for auto and bootstrap' })),
    alternative: Alternative,
    alpha: Alpha,
    confidence: Confidence,
    method: RankMethod,
    seed: Type.Optional(Type.Integer({ description: 'Bootstrap: seed of the resampling, default 0 (same seed, same interval)' })),
    resamples: Type.Optional(Type.Integer({ description: 'Bootstrap: number of resamples, 100 to 1,000,000, default 10,000' })),
  },
  { additionalProperties: false },
);

const GroupKey = Type.Record(Type.String({ minLength: 1, maxLength: 256 }), Type.Union([ParamValue, Type.Null()]), {
  maxProperties: 50,
  description: 'Keep only runs whose params equal these values (null: the param is absent), e.g. {"lr": 0.001, "optimizer": "adam"}',
});

export const Side = Type.Object(
  {
    ...SelectionSchema.properties,
    group: Type.Optional(GroupKey),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Name of the side in the sentence; default the group key, else "A" / "B"' })),
  },
  { additionalProperties: false, description: 'Runs by id, or by filter/experiment/sweep (all runs of the project when empty), optionally narrowed to one group key' },
);

export const CompareBody = Type.Object(
  {
    project: ProjectQuery,
    a: Side,
    b: Side,
    metric: Metric,
    pairBy: Type.Optional(lit(['seed', 'segment', 'none'] as const, "Default 'seed': pair runs of a and b with the same seed; 'segment': pair the metric's per-segment values of the two sides; 'none': independent samples")),
    test: TestName,
    alternative: Alternative,
    alpha: Alpha,
    confidence: Confidence,
    direction: Type.Optional(Direction),
    method: RankMethod,
    variables: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 100, description: 'Params the sides are meant to differ in; other differing params are then reported as confounds (lineage differences always are)' })),
    seed: Type.Optional(Type.Integer({ description: 'Bootstrap seed, default 0' })),
    resamples: Type.Optional(Type.Integer({ description: 'Bootstrap resamples, default 10,000' })),
  },
  { additionalProperties: false },
);

export const LeaderboardBody = Type.Object(
  {
    project: ProjectQuery,
    selection: Type.Optional(SelectionSchema),
    groupBy: Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 50 }), Type.Literal('all-but-seed')], {
      description: 'Params to group by, or "all-but-seed": every param except seed, random_seed and rng_seed',
    }),
    metric: Metric,
    direction: Direction,
    test: Type.Optional(lit(['auto', 'welch-t', 'mann-whitney', 'paired-t', 'wilcoxon'] as const, "Default 'auto' (per comparison: paired when the groups share seeds, rank test when it can reach alpha)")),
    pairBy: Type.Optional(lit(['seed', 'none'] as const, "Default 'seed': pair the best group's runs with another group's by seed when they share at least 2 seeds")),
    correction: Type.Optional(lit(['holm', 'bh'] as const, "Default 'holm' (family-wise error); 'bh' is Benjamini-Hochberg (false discovery rate)")),
    alpha: Alpha,
    confidence: Confidence,
    method: RankMethod,
  },
  { additionalProperties: false },
);

// ---- responses ----

const Interval = Type.Object({ lower: NumOrNull, upper: NumOrNull, confidence: Num, method: Str });

const TestStatsProps = {
  test: Str,
  testName: Str,
  method: Str,
  paired: Type.Boolean(),
  alternative: Str,
  alpha: Num,
  statistic: NumOrNull,
  statisticName: Str,
  df: NumOrNull,
  z: NumOrNull,
  pValue: Type.Union([Type.Number(), Type.Null()], { description: 'null for the bootstrap (an interval, no p-value)' }),
  significant: Type.Boolean({ description: 'p ≤ alpha; for the bootstrap: the interval excludes 0' }),
  estimate: Type.Union([Type.Number(), Type.Null()], { description: 't-tests and bootstrap: mean of a − b (paired) or mean(a) − mean(b); rank tests: the Hodges-Lehmann estimate named by estimateName' }),
  estimateName: lit(ESTIMATE_NAMES, "What estimate is: 'mean difference'; 'Hodges-Lehmann median difference' (Wilcoxon: median of the Walsh averages (d_i + d_j)/2 of d = a − b); 'Hodges-Lehmann shift' (Mann-Whitney: median of all a_i − b_j)"),
  confidenceInterval: Type.Union([Interval, Type.Null()], { description: 'Interval of estimate; method says how it was computed. confidence may be below the requested level when too few values allow no more (a note says so)' }),
  effectSize: Type.Union([Type.Object({ measure: Str, value: NumOrNull }), Type.Null()]),
  n: Type.Object({ a: Num, b: Num, pairs: NumOrNull }),
  minAchievableP: Type.Union([Type.Number(), Type.Null()], { description: 'Rank tests: the smallest p-value possible at these sample sizes' }),
  details: Type.Record(Type.String(), Type.Unknown(), { description: "The statistics module's own result (same null rule)" }),
};
export const TestStats = Type.Object(TestStatsProps);

const Explained = {
  summary: Type.String({ description: 'The result in one plain sentence' }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why this test (and pairing) was chosen' }),
  warnings: Strings,
  notes: Strings,
};

export const RawTestResponse = Type.Object({ ...Explained, ...TestStatsProps });

const SideSummary = Type.Object({
  label: Str, runs: Num, withValue: Num, runIds: Strings, runIdsTruncated: Type.Boolean(),
  mean: NumOrNull, std: NumOrNull, min: NumOrNull, max: NumOrNull,
});
const Confound = Type.Object({ field: Str, values: Type.Array(Strings), message: Str });

export const CompareResponse = Type.Object({
  ...Explained,
  metric: Str,
  direction: StrOrNull,
  pairBy: Str,
  sides: Type.Object({ a: SideSummary, b: SideSummary }),
  pairing: Type.Union([
    Type.Object({
      by: Str,
      description: Str,
      matched: Num,
      pairs: Type.Array(Type.Object({ key: Str, a: NumOrNull, b: NumOrNull, runIdsA: Strings, runIdsB: Strings })),
      pairsTruncated: Type.Boolean(),
      onlyA: Strings, onlyB: Strings, noKeyA: Strings, noKeyB: Strings,
    }),
    Type.Null(),
  ]),
  confounds: Type.Array(Confound),
  result: TestStats,
});

const VsBest = Type.Object({
  result: Type.Union([TestStats, Type.Null()]),
  adjustedPValue: NumOrNull,
  significant: Type.Boolean({ description: 'adjusted p ≤ alpha: distinguishable from the best' }),
  untestable: StrOrNull,
  reason: StrOrNull,
  warnings: Strings,
  notes: Strings,
});

export const LeaderboardResponse = Type.Object({
  summary: Str,
  metric: Str,
  direction: Str,
  groupBy: Strings,
  correction: Str,
  alpha: Num,
  confidence: Num,
  best: StrOrNull,
  indistinguishableFromBest: Strings,
  groups: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      label: Str,
      key: Type.Record(Type.String(), Type.Union([ParamValue, Type.Null()])),
      runs: Num,
      runIds: Strings,
      n: Num,
      mean: NumOrNull,
      std: NumOrNull,
      min: NumOrNull,
      max: NumOrNull,
      ci: Type.Union([Type.Object({ lower: NumOrNull, upper: NumOrNull, confidence: Num }), Type.Null()]),
      vsBest: Type.Union([VsBest, Type.Null()]),
      indistinguishableFromBest: Type.Boolean(),
    }),
  ),
  warnings: Strings,
  notes: Strings,
  confounds: Type.Array(Confound),
});
