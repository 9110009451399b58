// GET /v1/runs (filter, sort, page) and GET /v1/runs/:id (everything about one run). Scope
// `read`; every query is scoped to the token's project (projectOf), never to client input.
import { Type } from '@sinclair/typebox';
import type { App, AppDeps } from '../deps.ts';
import { notFound } from '../../common/http/errors.ts';
import { projectOf } from '../../common/http/auth.ts';
import { namesFor } from '../selection/project-names.ts';
import { checkColumns, columnValues, parseColumns } from './columns.ts';
import { CONTENT_TYPES, exportRuns } from './export.ts';
import { compileFilterFor, runScope } from '../selection/selection.ts';
import { checkSorts, parseSorts, sortNames } from './sort.ts';
import { decodeCursor, encodeCursor, signature } from './cursor.ts';
import { getArtifacts } from '../../storage/artifacts.ts';
import { getRuns } from '../../storage/runs.ts';
import { getSummaries } from '../../storage/summaries.ts';
import { listRuns } from '../../storage/run-list.ts';
import { paramNames } from '../../storage/project-names.ts';
import { Artifact, AuthErrors, ErrorBody, MetricSummary, ParamValue, ProjectQuery, Run } from '../http/schemas.ts';

export const MAX_PAGE = 1000;
export const DEFAULT_SORT = 'started_at:desc';

/** The sort a request asks for: an empty `sort=` (or only commas and blanks) is the default order. */
const sortOf = (sort: string): string => (sort.replace(/[\s,]/g, '') === '' ? DEFAULT_SORT : sort);

/** What GET /v1/runs streams instead of the paged JSON (format=csv|ndjson or Accept); documentation only. */
const EXPORTS = {
  'text/csv': {
    type: 'string',
    description: 'format=csv or Accept: text/csv: every matching run (no paging), one row each: run_id, name, experiment, sweep, status, started_at, ended_at, duration_ms, a params.<name> column per param of the project, then the requested columns',
  },
  'application/x-ndjson': {
    type: 'string',
    description: 'format=ndjson or Accept: application/x-ndjson: every matching run (no paging), one JSON object per line, shaped like runs[] of the JSON answer without sortValue(s)',
  },
};

function acceptedFormat(accept: string | undefined): 'csv' | 'ndjson' | 'json' {
  if (!accept) return 'json';
  if (/\btext\/csv\b/.test(accept)) return 'csv';
  if (/\bapplication\/(x-)?ndjson\b/.test(accept)) return 'ndjson';
  return 'json';
}

export async function runRoutes(app: App, deps: AppDeps): Promise<void> {
  app.get(
    '/v1/runs',
    {
      config: { scope: 'read', docs: { alsoProduces: EXPORTS } },
      schema: {
        summary: 'Search runs with the filter language, sort by several params or metric summaries, page with a cursor',
        querystring: Type.Object({
          project: ProjectQuery,
          filter: Type.Optional(Type.String({ maxLength: 10_000, description: "e.g. params.lr > 0.001 and (params.optimizer in ('adam', 'sgd') or tags.team = 'vision') and metrics.val/acc.max >= 0.9" })),
          experiment: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
          sweep: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          sort: Type.String({
            default: DEFAULT_SORT,
            maxLength: 2000,
            description: `Comma-separated keys: params.<name>, metrics.<key>[<segment>][.last|.min|.max|.mean|.count], started_at, name or run_id, each optionally :asc or :desc. Empty: the default order (${DEFAULT_SORT})`,
          }),
          columns: Type.Optional(Type.String({ maxLength: 5000, description: 'Comma-separated fields to return per run, named as in the filter language' })),
          limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50 }),
          cursor: Type.Optional(Type.String({ maxLength: 4000 })),
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('ndjson')], { description: 'csv and ndjson stream every matching run (no paging); also chosen by Accept: text/csv or application/x-ndjson' })),
        }),
        response: {
          200: Type.Object({
            runs: Type.Array(
              Type.Intersect([
                Run,
                Type.Object({
                  sortValue: Type.Union([ParamValue, Type.Null()], { description: 'The first sort key\'s value' }),
                  sortValues: Type.Array(Type.Union([ParamValue, Type.Null()])),
                  columns: Type.Optional(Type.Record(Type.String(), Type.Union([ParamValue, Type.Null()]))),
                }),
              ]),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorBody,
          ...AuthErrors,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const project = projectOf(req);
      const sort = sortOf(q.sort);
      const sorts = parseSorts(sort);
      const columns = q.columns ? parseColumns(q.columns) : [];
      const filterSql = q.filter !== undefined && q.filter.trim() !== '' ? await compileFilterFor(deps.clickhouse, project, q.filter) : undefined;
      const known = await namesFor(deps.clickhouse, project, [...sortNames(sorts), ...columns.map((c) => c.field)]);
      checkSorts(sorts, known.params, known.metrics);
      checkColumns(columns, known.params, known.metrics);
      const format = q.format ?? acceptedFormat(req.headers.accept);
      if (format === 'csv' || format === 'ndjson') {
        const params = [...(await paramNames(deps.clickhouse, project)).keys()].sort();
        const stream = exportRuns(deps.clickhouse, { query: { project, experiment: q.experiment, sweepId: q.sweep, filterSql, sorts, crashAfterMs: deps.crashAfterMs }, format, params, columns });
        stream.on('error', (err) => req.log.error({ err }, 'export failed mid-stream'));
        // A stream bypasses the JSON response schema, which describes the paged form only.
        return reply.type(CONTENT_TYPES[format]).send(stream as never);
      }
      const sig = signature([q.filter, q.experiment, q.sweep, sort]);
      const after = q.cursor ? decodeCursor(q.cursor, sig) : undefined;
      const { runs, last, hasMore } = await listRuns(deps.clickhouse, { project, experiment: q.experiment, sweepId: q.sweep, filterSql, sorts, limit: q.limit, after, crashAfterMs: deps.crashAfterMs });
      const values = columns.length > 0 ? await columnValues(deps.clickhouse, project, runs, columns) : null;
      return {
        runs: runs.map((r) => ({ ...r, sortValue: r.sortValues[0] ?? null, ...(values ? { columns: values.get(r.id) } : {}) })),
        nextCursor: hasMore && last ? encodeCursor(last, sig) : null,
      };
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
      const [run] = await getRuns(deps.clickhouse, runScope(project, deps), [id]);
      if (!run) throw notFound(`run "${id}" not found in project "${project}"`);
      const [summaries, artifacts] = await Promise.all([getSummaries(deps.clickhouse, project, [id]), getArtifacts(deps.clickhouse, project, [id])]);
      return { ...run, metrics: summaries.get(id) ?? [], artifacts: artifacts.get(id) ?? [] };
    },
  );
}
