// POST /v1/groups — the runs a selection picks, grouped by params (or by every param except the
// seed, so replicates fall together), with n, mean, std, min, max and a 95% CI of any metric
// summary per group, sorted by any of those, and confound warnings between groups.
import { Type } from '@sinclair/typebox';
import type { App, AppDeps } from '../deps.ts';
import { namesFor, requireMetric } from '../selection/project-names.ts';
import { findConfounds } from '../compare/confounds.ts';
import { badRequest } from '../../common/http/errors.ts';
import { checkGroupingParams, groupingParams, groupStats, type GroupStats } from './groups.ts';
import { groupRuns } from './grouping.ts';
import { projectOf } from '../../common/http/auth.ts';
import { metricValues } from '../../storage/summaries.ts';
import { parseMetricRef, selectRuns, SelectionSchema, runScope } from '../selection/selection.ts';
import { AuthErrors, ErrorBody, ParamValue } from '../http/schemas.ts';

export const MAX_GROUP_RUNS = 50_000;
const STATS = ['n', 'mean', 'std', 'min', 'max', 'ciLow', 'ciHigh'] as const;

const NumberOrNull = Type.Union([Type.Number(), Type.Null()]);
const Stats = Type.Object({ n: Type.Integer(), mean: NumberOrNull, std: NumberOrNull, min: NumberOrNull, max: NumberOrNull, ci95: Type.Union([Type.Tuple([Type.Number(), Type.Number()]), Type.Null()]) });

function statValue(s: GroupStats, stat: (typeof STATS)[number]): number | null {
  if (stat === 'ciLow') return s.ci95?.[0] ?? null;
  if (stat === 'ciHigh') return s.ci95?.[1] ?? null;
  return s[stat];
}

export async function groupRoutes(app: App, deps: AppDeps): Promise<void> {
  app.post(
    '/v1/groups',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Group runs by params (or every param except the seed) with per-group statistics of metric summaries',
        body: Type.Object(
          {
            project: Type.Optional(Type.String()),
            selection: Type.Optional(SelectionSchema),
            by: Type.Union([Type.Literal('all-but-seed'), Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 20 })], { default: 'all-but-seed' }),
            metrics: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 20, description: 'Metric summaries, e.g. val/acc.max or val/acc[class=cat].last' }),
            sort: Type.Optional(
              Type.Object({ metric: Type.String(), stat: Type.Union(STATS.map((s) => Type.Literal(s))), direction: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' }) }, { additionalProperties: false }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            by: Type.Array(Type.String()),
            runsUsed: Type.Integer(),
            totalGroups: Type.Integer(),
            groups: Type.Array(
              Type.Object({
                key: Type.Record(Type.String(), Type.Union([ParamValue, Type.Null()])),
                label: Type.String(),
                n: Type.Integer(),
                runIds: Type.Array(Type.String()),
                metrics: Type.Record(Type.String(), Stats),
              }),
            ),
            confounds: Type.Array(Type.Object({ field: Type.String(), values: Type.Array(Type.Array(Type.String())), message: Type.String() })),
            warnings: Type.Array(Type.String()),
          }),
          400: ErrorBody,
          ...AuthErrors,
        },
      },
    },
    async (req) => {
      const project = projectOf(req);
      const body = req.body;
      const refs = body.metrics.map(parseMetricRef);
      const sortRef = body.sort ? parseMetricRef(body.sort.metric) : refs[0]!;
      const byNames = body.by === 'all-but-seed' ? [] : groupingParams([], body.by);
      const known = await namesFor(deps.clickhouse, project, [
        ...[...refs, sortRef].map((r) => ({ kind: 'metric' as const, key: r.key, segment: r.segment })),
        ...byNames.map((name) => ({ kind: 'param' as const, name })),
      ]);
      for (const r of refs) requireMetric(r, known.metrics, { prefix: '', aggregates: true }, 'metrics');
      requireMetric(sortRef, known.metrics, { prefix: '', aggregates: true }, 'sort.metric');
      if (!refs.some((r) => r.label === sortRef.label)) refs.push(sortRef);
      const selection = body.selection ?? {};
      const { runs, sourceSql: source } = await selectRuns(deps.clickhouse, runScope(project, deps), selection, MAX_GROUP_RUNS);
      const values = await Promise.all(refs.map((r) => metricValues(deps.clickhouse, project, source, r)));
      refs.forEach((r, i) => {
        if (values[i]!.size === 0 && runs.length > 0) {
          throw badRequest(`no selected run has metric ${r.key}${r.segment ? ` with segment ${r.segment}` : ''} (asked for ${r.label}); a key with dots needs its aggregate spelled out, e.g. ${r.key}.last`);
        }
      });
      const params = groupingParams(runs, body.by);
      if (body.by !== 'all-but-seed') checkGroupingParams(params, runs, known.params, 'by');
      const stat = body.sort?.stat ?? 'mean';
      const dir = body.sort?.direction === 'asc' ? 1 : -1;
      const groups = groupRuns(runs, params).map((g) => {
        const metrics: Record<string, GroupStats> = {};
        refs.forEach((r, i) => {
          metrics[r.label] = groupStats(g.runs.flatMap((run) => (values[i]!.has(run.id) ? [values[i]!.get(run.id)!] : [])));
        });
        return { key: g.key, label: g.label, n: g.runs.length, runIds: g.runs.map((r) => r.id), metrics, runs: g.runs };
      });
      groups.sort((a, b) => {
        const x = statValue(a.metrics[sortRef.label]!, stat);
        const y = statValue(b.metrics[sortRef.label]!, stat);
        if (x === null || y === null) return x === null ? (y === null ? a.label.localeCompare(b.label) : 1) : -1;
        return x === y ? a.label.localeCompare(b.label) : dir * (x - y);
      });
      const shown = groups.slice(0, body.limit);
      const confounds = shown.length >= 2 ? findConfounds(shown.map((g) => g.runs), params.map((p) => `params.${p}`)) : [];
      const warnings = confounds.map((c) => c.message);
      if (shown.some((g) => g.n < 2)) warnings.push('some groups have a single run: their std and confidence interval are null');
      return {
        by: params,
        runsUsed: runs.length,
        totalGroups: groups.length,
        groups: shown.map(({ runs: _runs, ...g }) => g),
        confounds,
        warnings,
      };
    },
  );
}
