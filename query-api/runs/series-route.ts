// GET /v1/runs/:id/metrics/<key> — one metric series, downsampled on the server. The key may
// contain slashes (val/acc), so it is the route's wildcard rather than a single segment.
// Scope `read`; the series is looked up in the token's project only.
import { Type } from '@sinclair/typebox';
import type { App, AppDeps } from '../deps.ts';
import { badRequest, notFound } from '../../common/http/errors.ts';
import { projectOf } from '../../common/http/auth.ts';
import { getSeries } from '../../storage/series.ts';
import { AuthErrors, ErrorBody, ProjectQuery } from '../http/schemas.ts';
import { plainJsonSerializer } from '../http/plain-json.ts';

export const MAX_SERIES_POINTS = 20_000;

export async function seriesRoutes(app: App, deps: AppDeps): Promise<void> {
  app.get(
    '/v1/runs/:id/metrics/*',
    {
      config: { scope: 'read', docs: { wildcard: { name: 'key', description: 'The metric key; it may hold slashes (val/acc), sent as they are or percent-encoded' } } },
      // Up to 20,000 points and 10,000 buckets: JSON.stringify, not the schema's compiled serializer.
      serializerCompiler: plainJsonSerializer,
      schema: {
        summary: 'A metric series downsampled to at most maxPoints; every bucket keeps its min and max point so spikes survive',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }), '*': Type.String({ maxLength: 256 }) }),
        querystring: Type.Object({
          project: ProjectQuery,
          maxPoints: Type.Integer({ minimum: 2, maximum: MAX_SERIES_POINTS, default: 1000 }),
          segment: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
        }),
        response: {
          200: Type.Object({
            runId: Type.String(),
            key: Type.String(),
            segment: Type.Union([Type.String(), Type.Null()]),
            totalPoints: Type.Integer(),
            bucketWidth: Type.Integer({ description: 'Steps per bucket; 1 means the series is returned in full' }),
            points: Type.Array(Type.Object({ step: Type.Number(), value: Type.Number() })),
            buckets: Type.Array(
              Type.Object({
                fromStep: Type.Number(), toStep: Type.Number(), count: Type.Integer(), mean: Type.Number(),
                min: Type.Number(), stepOfMin: Type.Number(), max: Type.Number(), stepOfMax: Type.Number(),
              }),
            ),
          }),
          400: ErrorBody,
          404: ErrorBody,
          ...AuthErrors,
        },
      },
    },
    async (req) => {
      const key = req.params['*'];
      if (!key) throw badRequest('metric key is missing: GET /v1/runs/:id/metrics/<key>');
      const { id } = req.params;
      const project = projectOf(req);
      const { maxPoints, segment } = req.query;
      const series = await getSeries(deps.clickhouse, project, id, key, segment ?? '', maxPoints);
      if (!series) throw notFound(`no points for metric "${key}"${segment ? ` segment "${segment}"` : ''} in run "${id}" of project "${project}"`);
      return { runId: id, key, segment: segment ?? null, ...series };
    },
  );
}
