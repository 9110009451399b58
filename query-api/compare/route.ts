// POST /v1/compare — runs side by side, with a flag on every param, tag, lineage field and
// artifact that differs between them. Scope `read`; runs are looked up in the token's project
// only, so another project's run id is a 404 like any unknown id.
import { Type } from '@sinclair/typebox';
import type { App, AppDeps } from '../deps.ts';
import { namesFor } from '../selection/project-names.ts';
import { compareRuns } from './compare.ts';
import { findConfounds, studiedFields } from './confounds.ts';
import { badRequest } from '../../common/http/errors.ts';
import { unknownSeries } from '../filter/names.ts';
import { projectOf } from '../../common/http/auth.ts';
import { refuseLongIdList, requireRuns, runScope } from '../selection/selection.ts';
import { RUN_SOURCE_ID_COPIES, runSourceSql } from '../../storage/runs.ts';
import { getArtifacts } from '../../storage/artifacts.ts';
import { getRuns } from '../../storage/runs.ts';
import { getSummaries } from '../../storage/summaries.ts';
import { AuthErrors, ErrorBody, ParamValue, ProjectQuery } from '../http/schemas.ts';

export const MAX_COMPARE_RUNS = 2000;

const Cell = Type.Union([ParamValue, Type.Null()]);
const DiffRow = Type.Object({ key: Type.String(), values: Type.Array(Cell), differs: Type.Boolean() });
const SummaryCell = Type.Union([
  Type.Object({
    count: Type.Number(), mean: Type.Number(), min: Type.Number(), max: Type.Number(),
    stepOfMin: Type.Number(), stepOfMax: Type.Number(), last: Type.Number(), lastStep: Type.Number(),
  }),
  Type.Null(),
]);
const NumberCell = Type.Union([Type.Number(), Type.Null()]);
const DeltaCell = Type.Union([Type.Object({ last: Type.Number(), min: Type.Number(), max: Type.Number(), mean: Type.Number() }), Type.Null()]);
const ArtifactCell = Type.Union([
  Type.Object({ digest: Type.String(), uri: Type.String(), sizeBytes: Type.Number(), step: Type.Union([Type.Number(), Type.Null()]) }),
  Type.Null(),
]);

export async function compareRoutes(app: App, deps: AppDeps): Promise<void> {
  app.post(
    '/v1/compare',
    {
      config: { scope: 'read' },
      schema: {
        summary: `Compare up to ${MAX_COMPARE_RUNS} runs side by side`,
        body: Type.Object(
          {
            project: ProjectQuery,
            runIds: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: MAX_COMPARE_RUNS, uniqueItems: true }),
            metrics: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 200, description: 'Metric keys to include; all when omitted' })),
            baseline: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Run the deltas are taken against (default: the first run)' })),
            variables: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 100, description: 'The fields you meant to vary, as in the filter language (params.lr or lr, lineage.data_version, lineage.libraries.torch); differences anywhere else are reported as confounds' })),
            params: Type.Optional(Type.Union([Type.Literal('differing'), Type.Literal('all')], { default: 'differing', description: 'Which params to list' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            runs: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), status: Type.String(), experiment: Type.String(), sweepId: Type.Union([Type.String(), Type.Null()]), startedAt: Type.String() })),
            params: Type.Array(DiffRow),
            tags: Type.Array(DiffRow),
            lineage: Type.Array(DiffRow),
            baseline: Type.String(),
            metrics: Type.Array(Type.Object({ key: Type.String(), segment: Type.Union([Type.String(), Type.Null()]), values: Type.Array(SummaryCell), deltas: Type.Array(DeltaCell) })),
            segmentTable: Type.Array(
              Type.Object({ key: Type.String(), rows: Type.Array(Type.Object({ segment: Type.String(), last: Type.Array(NumberCell), deltaLast: Type.Array(NumberCell) })) }),
            ),
            confounds: Type.Array(Type.Object({ field: Type.String(), values: Type.Array(Type.Array(Type.String())), message: Type.String() })),
            warnings: Type.Array(Type.String()),
            artifacts: Type.Array(Type.Object({ key: Type.String(), values: Type.Array(ArtifactCell), differs: Type.Boolean() })),
          }),
          400: ErrorBody,
          404: ErrorBody,
          ...AuthErrors,
        },
      },
    },
    async (req) => {
      const project = projectOf(req);
      const { runIds, metrics, baseline, variables, params } = req.body;
      if (baseline !== undefined && !runIds.includes(baseline)) throw badRequest(`baseline "${baseline}" is not one of runIds`);
      // The run lookup spells the ids out most often of compare's queries.
      refuseLongIdList(runSourceSql({ project, runIds, orphans: false, crashAfterMs: deps.crashAfterMs }), runIds, RUN_SOURCE_ID_COPIES, 'compare fewer runs at once, or summarise many with POST /v1/groups over a filter');
      const variableParams = (variables ?? []).map((v) => v.trim()).filter((v) => !v.startsWith('lineage.')).map((v) => v.replace(/^params\./, ''));
      const known = await namesFor(deps.clickhouse, project, [
        ...(metrics ?? []).map((key) => ({ kind: 'metric' as const, key })),
        ...variableParams.map((name) => ({ kind: 'param' as const, name })),
      ]);
      for (const key of metrics ?? []) {
        const why = unknownSeries(key, known.metrics, false, 'compare returns every summary and segment of it');
        if (why) throw badRequest(`metrics: ${why}`);
      }
      // The three reads at once (they need only the ids): 26 ms against 43 (24 + 16 + 3) one after another for 100 runs.
      const [found, summaries, artifacts] = await Promise.all([
        getRuns(deps.clickhouse, runScope(project, deps), runIds),
        getSummaries(deps.clickhouse, project, runIds, metrics),
        getArtifacts(deps.clickhouse, project, runIds),
      ]);
      requireRuns(runIds, found.map((r) => r.id), false);
      const byId = new Map(found.map((r) => [r.id, r]));
      const runs = runIds.map((id) => byId.get(id)!);
      const comparison = compareRuns(runs, summaries, artifacts, { baseline, params });
      const studied = studiedFields(variables ?? [], {
        params: [...(known.params?.keys() ?? []), ...runs.flatMap((r) => Object.keys(r.params))],
        libraries: runs.flatMap((r) => Object.keys(r.lineage.environment.libraries)),
      });
      const confounds = findConfounds(runs.map((r) => [r]), studied);
      return { ...comparison, confounds, warnings: confounds.map((c) => c.message) };
    },
  );
}
