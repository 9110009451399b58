// GET /v1/runs/:id/reproducibility and POST /v1/reproducibility — whether runs can be
// reproduced in principle from their lineage (verdict.ts), and which lineage fields differ
// within a selection. Scope `read`; runs of the token's project only.
import { Type } from '@sinclair/typebox';
import { projectOf } from '../../common/http/auth.ts';
import { getRuns } from '../../storage/runs.ts';
import type { App, AppDeps } from '../deps.ts';
import { AuthErrors, ErrorBody } from '../http/schemas.ts';
import { requireRuns, runScope, SelectionSchema, selectRuns } from '../selection/selection.ts';
import { differingLineage, verdictOf } from './verdict.ts';
import { Verdict } from './schemas.ts';

/** Most runs one request judges. */
export const MAX_REPRODUCIBILITY_RUNS = 10_000;

const Value = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export async function reproducibilityRoutes(app: App, deps: AppDeps): Promise<void> {
  app.get('/v1/runs/:id/reproducibility', {
    config: { scope: 'read' },
    schema: { summary: 'Whether a run can be reproduced in principle from its lineage, and why not', params: Type.Object({ id: Type.String({ minLength: 1 }) }), response: { 200: Verdict, 404: ErrorBody, ...AuthErrors } },
  }, async (req) => {
    const runs = await getRuns(deps.clickhouse, runScope(projectOf(req), deps), [req.params.id]);
    requireRuns([req.params.id], runs.map((r) => r.id), false);
    return verdictOf(runs[0]!);
  });

  app.post('/v1/reproducibility', {
    config: { scope: 'read' },
    schema: {
      summary: 'For a selection: a verdict per run, and the lineage fields that differ between its runs',
      body: Type.Object({ selection: SelectionSchema }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          summary: Type.String(),
          runs: Type.Array(Verdict),
          differing: Type.Array(Type.Object({ field: Type.String(), values: Type.Array(Type.Object({ value: Value, runs: Type.Integer() })) })),
        }),
        400: ErrorBody, 404: ErrorBody, ...AuthErrors,
      },
    },
  }, async (req) => {
    const { runs } = await selectRuns(deps.clickhouse, runScope(projectOf(req), deps), req.body.selection, MAX_REPRODUCIBILITY_RUNS);
    const verdicts = runs.map(verdictOf).sort((a, b) => (a.runId < b.runId ? -1 : 1));
    const differing = differingLineage(runs);
    const not = verdicts.filter((v) => !v.reproducible).length;
    const summary = `${verdicts.length - not} of ${verdicts.length} runs are reproducible in principle` + (differing.length > 0 ? `; they differ in ${differing.map((d) => d.field).join(', ')}` : '; their lineage agrees');
    return { summary, runs: verdicts, differing };
  });
}
