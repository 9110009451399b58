// POST /v1/compare — runs side by side, with a flag on every param, tag, lineage field and
// artifact that differs between them. Scope `read`; runs are looked up in the token's project
// only, so another project's run id is a 404 like any unknown id.
import { Type } from '@sinclair/typebox';
import type { App, AppDeps } from '../app.ts';
import { compareRuns } from '../compare.ts';
import { notFound } from '../errors.ts';
import { projectOf } from '../plugins/auth.ts';
import { getArtifacts, getRuns, getSummaries } from '../store.ts';
import { AuthErrors, ErrorBody, ParamValue, ProjectQuery } from './schemas.ts';

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
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            runs: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), status: Type.String(), experiment: Type.String(), sweepId: Type.Union([Type.String(), Type.Null()]), startedAt: Type.String() })),
            params: Type.Array(DiffRow),
            tags: Type.Array(DiffRow),
            lineage: Type.Array(DiffRow),
            metrics: Type.Array(Type.Object({ key: Type.String(), segment: Type.Union([Type.String(), Type.Null()]), values: Type.Array(SummaryCell) })),
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
      const { runIds, metrics } = req.body;
      const found = await getRuns(deps.clickhouse, project, runIds);
      const byId = new Map(found.map((r) => [r.id, r]));
      const missing = runIds.filter((id) => !byId.has(id));
      if (missing.length > 0) {
        throw notFound(`run(s) not found in project "${project}": ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ` and ${missing.length - 20} more` : ''}`);
      }
      const runs = runIds.map((id) => byId.get(id)!);
      const [summaries, artifacts] = await Promise.all([
        getSummaries(deps.clickhouse, project, runIds, metrics),
        getArtifacts(deps.clickhouse, project, runIds),
      ]);
      return compareRuns(runs, summaries, artifacts);
    },
  );
}
