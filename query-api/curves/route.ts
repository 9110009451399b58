// POST /v1/curves — one or more metrics for many runs (a selection), downsampled on a shared
// grid with each bucket's mean, min and max; optional EMA smoothing; optional groups with a
// mean ± std band.
import { Type } from '@sinclair/typebox';
import type { App, AppDeps } from '../deps.ts';
import { namesFor } from '../selection/project-names.ts';
import { band, ema } from './curves.ts';
import { loadCurves } from '../../storage/curves.ts';
import { badRequest } from '../../common/http/errors.ts';
import { parseSeries, unknownSeries } from '../filter/names.ts';
import { checkGroupingParams, groupingParams, heldParams } from '../groups/groups.ts';
import { groupRuns } from '../groups/grouping.ts';
import { projectOf } from '../../common/http/auth.ts';
import { selectRunIds, selectRuns, SelectionSchema, runScope } from '../selection/selection.ts';
import { AuthErrors, ErrorBody, ParamValue } from '../http/schemas.ts';
import { plainJsonSerializer } from '../http/plain-json.ts';
import { ARROW_STREAM, curvesArrow } from './arrow.ts';

export const MAX_CURVE_RUNS = 1000;
const Num = Type.Array(Type.Number());

export async function curveRoutes(app: App, deps: AppDeps): Promise<void> {
  app.post(
    '/v1/curves',
    {
      config: {
        scope: 'read',
        docs: {
          alsoProduces: {
            [ARROW_STREAM]: {
              type: 'string',
              format: 'binary',
              description:
                'format "arrow": an Arrow IPC stream, one row per (metric, run): metric, bucket_width, run_id, and the lists x, mean, min, max, count (Float64) of the JSON answer; the x axis in the schema metadata "runlens.x"',
            },
          },
        },
      },
      // Hundreds of thousands of numbers: JSON.stringify, not the schema's compiled serializer.
      serializerCompiler: plainJsonSerializer,
      schema: {
        summary: `Curves of up to ${MAX_CURVE_RUNS} runs, downsampled on the server on a grid shared by all runs`,
        body: Type.Object(
          {
            project: Type.Optional(Type.String()),
            selection: Type.Optional(SelectionSchema),
            metrics: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 10, description: 'Metric keys, optionally with a segment: val/acc, val/acc[class=cat]' }),
            maxPoints: Type.Integer({ minimum: 2, maximum: 5000, default: 500, description: 'Buckets per run' }),
            x: Type.Union([Type.Literal('step'), Type.Literal('wall_time'), Type.Literal('relative_time')], {
              default: 'step',
              description:
                "The x axis: step; wall_time, epoch milliseconds; relative_time, milliseconds since each run's own start (its RunStarted startedAt, or the first point of the metric when startedAt is 0), so runs started at different times line up and group bands average runs at the same elapsed time. x and bucketWidth are in these units",
            }),
            range: Type.Optional(
              Type.Object(
                {
                  from: Type.Number({ minimum: -(2 ** 53 - 1), maximum: 2 ** 53 - 1 }),
                  to: Type.Number({ minimum: -(2 ** 53 - 1), maximum: 2 ** 53 - 1 }),
                },
                { additionalProperties: false, description: "Only x in [from, to], in the x axis's units (a zoom): the maxPoints buckets cover that range alone, so spikes inside it stay visible. On steps over 64 per bucket, the 64-step blocks at its ends are read whole" },
              ),
            ),
            smoothing: Type.Optional(Type.Object({ ema: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'α of s = α·x + (1−α)·s_prev over the bucket means' }) }, { additionalProperties: false })),
            groupBy: Type.Optional(Type.Union([Type.Literal('all-but-seed'), Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 20 })])),
            format: Type.Optional(
              Type.Union([Type.Literal('json'), Type.Literal('arrow')], {
                description: `Default 'json'. 'arrow': the runs' curves as an Arrow IPC stream (${ARROW_STREAM}), 8 bytes a number and nothing to parse; group bands are in the JSON answer only`,
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            x: Type.String(),
            series: Type.Array(
              Type.Object({
                metric: Type.String(),
                bucketWidth: Type.Number(),
                runs: Type.Array(Type.Object({ runId: Type.String(), x: Num, mean: Num, min: Num, max: Num, count: Num })),
                groups: Type.Optional(Type.Array(Type.Object({ key: Type.Record(Type.String(), Type.Union([ParamValue, Type.Null()])), label: Type.String(), runIds: Type.Array(Type.String()), x: Num, mean: Num, std: Num, n: Num }))),
              }),
            ),
          }),
          400: ErrorBody,
          ...AuthErrors,
        },
      },
    },
    async (req, reply) => {
      const project = projectOf(req);
      const body = req.body;
      if (body.range && body.range.from > body.range.to) throw badRequest(`range: from (${body.range.from}) is after to (${body.range.to})`);
      const arrow = body.format === 'arrow';
      if (arrow && body.groupBy) throw badRequest('groupBy: the Arrow answer holds the runs\' curves only; ask for format "json" to get group bands');
      const wanted = body.metrics.map((metric) => {
        const m = parseSeries(metric, true);
        if (!m) throw badRequest(`metrics: "${metric}": expected <key> or <key>[<segment>], e.g. val/acc[class=cat]`);
        return { metric, ...m };
      });
      const byNames = body.groupBy && body.groupBy !== 'all-but-seed' ? groupingParams([], body.groupBy) : [];
      const known = await namesFor(deps.clickhouse, project, [
        ...wanted.map((w) => ({ kind: 'metric' as const, key: w.key, segment: w.segment })),
        ...byNames.map((name) => ({ kind: 'param' as const, name })),
      ]);
      for (const w of wanted) {
        const why = unknownSeries(w.metric, known.metrics, true, 'every bucket has its mean, min and max');
        if (why) throw badRequest(`metrics: ${why}`);
      }
      const selection = body.selection ?? {};
      const scope = runScope(project, deps);
      // Groups need each run's params; plain curves only the ids (read without any join).
      let runIds: string[];
      let sourceSql: string;
      let groups = null;
      if (body.groupBy) {
        const selected = await selectRuns(deps.clickhouse, scope, selection, MAX_CURVE_RUNS);
        const { runs } = selected;
        runIds = runs.map((r) => r.id);
        sourceSql = selected.sourceSql;
        const params = groupingParams(runs, body.groupBy);
        if (body.groupBy !== 'all-but-seed') checkGroupingParams(params, heldParams(runs), known.params, 'groupBy');
        groups = groupRuns(runs, params);
      } else {
        const selected = await selectRunIds(deps.clickhouse, scope, selection, MAX_CURVE_RUNS);
        runIds = selected.runIds;
        sourceSql = selected.source('');
      }
      const series = [];
      for (const { metric, key, segment } of wanted) {
        const { bucketWidth, curves } = await loadCurves(deps.clickhouse, { project, runIds, sourceSql, key, segment, x: body.x, maxPoints: body.maxPoints, range: body.range });
        if (body.smoothing) for (const c of curves) c.mean = ema(c.mean, body.smoothing.ema);
        const byRun = new Map(curves.map((c) => [c.runId, c]));
        series.push({
          metric,
          bucketWidth,
          runs: curves,
          ...(groups
            ? {
                groups: groups.map((g) => ({
                  key: g.key,
                  label: g.label,
                  runIds: g.runs.map((r) => r.id),
                  ...band(g.runs.flatMap((r) => (byRun.has(r.id) ? [byRun.get(r.id)!] : []))),
                })),
              }
            : {}),
        });
      }
      if (arrow) return reply.header('content-type', ARROW_STREAM).send(Buffer.from(curvesArrow(body.x, series)) as never);
      return { x: body.x, series };
    },
  );
}
