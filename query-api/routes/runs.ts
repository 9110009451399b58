// GET /v1/runs (filter, sort, page) and GET /v1/runs/:id (everything about one run). Scope
// `read`; every query is scoped to the token's project (projectOf), never to client input.
import { Type } from '@sinclair/typebox';
import type { App, AppDeps } from '../app.ts';
import { badRequest, notFound } from '../errors.ts';
import { projectOf } from '../plugins/auth.ts';
import { parseSort } from '../sql/sort.ts';
import { getArtifacts, getRuns, getSummaries, listRuns } from '../store.ts';
import { Artifact, AuthErrors, ErrorBody, MetricSummary, ParamValue, ProjectQuery, Run } from './schemas.ts';

export const MAX_PAGE = 1000;

/** Cursors are opaque to clients; today they carry the offset of the next page. */
function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}
function decodeCursor(cursor: string): number {
  try {
    const o = (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isSafeInteger(o) && o >= 0) return o;
  } catch {
    /* fall through */
  }
  throw badRequest('cursor is not one this API issued; pass back nextCursor from the previous page unchanged');
}

export async function runRoutes(app: App, deps: AppDeps): Promise<void> {
  app.get(
    '/v1/runs',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'List runs of a project, filtered by experiment and sweep, sorted by a param or a metric summary',
        querystring: Type.Object({
          project: ProjectQuery,
          experiment: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
          sweep: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          sort: Type.String({ default: 'started_at:desc', maxLength: 600, description: 'params.<name>, metrics.<name>[[segment]][.last|.min|.max|.mean|.count], started_at, name or run_id; then :asc or :desc' }),
          limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50 }),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          200: Type.Object({
            runs: Type.Array(Type.Intersect([Run, Type.Object({ sortValue: Type.Union([ParamValue, Type.Null()]) })])),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorBody,
          ...AuthErrors,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const offset = q.cursor ? decodeCursor(q.cursor) : 0;
      const { runs, hasMore } = await listRuns(deps.clickhouse, {
        project: projectOf(req),
        experiment: q.experiment,
        sweepId: q.sweep,
        sort: parseSort(q.sort),
        limit: q.limit,
        offset,
      });
      return { runs, nextCursor: hasMore ? encodeCursor(offset + runs.length) : null };
    },
  );

  app.get(
    '/v1/runs/:id',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'One run: params, tags, lineage, metric summaries (per segment too) and artifacts',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }),
        querystring: Type.Object({ project: ProjectQuery }),
        response: {
          200: Type.Intersect([Run, Type.Object({ metrics: Type.Array(MetricSummary), artifacts: Type.Array(Artifact) })]),
          404: ErrorBody,
          ...AuthErrors,
        },
      },
    },
    async (req) => {
      const { id } = req.params;
      const project = projectOf(req);
      const [run] = await getRuns(deps.clickhouse, project, [id]);
      if (!run) throw notFound(`run "${id}" not found in project "${project}"`);
      const [summaries, artifacts] = await Promise.all([getSummaries(deps.clickhouse, project, [id]), getArtifacts(deps.clickhouse, project, [id])]);
      return { ...run, metrics: summaries.get(id) ?? [], artifacts: artifacts.get(id) ?? [] };
    },
  );
}
