// POST /v1/export/points — every point of chosen metrics for a selection (a whole sweep), as
// NDJSON, CSV, Apache Arrow IPC or Parquet, streamed: the API holds one batch at a time
// whatever the size (formats.ts). Scope `read`; runs of the token's project only.
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { projectOf } from '../../common/http/auth.ts';
import { badRequest } from '../../common/http/errors.ts';
import { metricNames } from '../../storage/project-names.ts';
import { exportChunks } from '../../storage/point-export.ts';
import type { App, AppDeps } from '../deps.ts';
import { nearest } from '../filter/names.ts';
import { AuthErrors, ErrorBody } from '../http/schemas.ts';
import { runScope, SelectionSchema, selectionSql } from '../selection/selection.ts';
import { FORMATS, writePoints, type ExportFormat } from './formats.ts';

const EXTENSIONS: Record<ExportFormat, string> = { ndjson: 'ndjson', csv: 'csv', arrow: 'arrows', parquet: 'parquet' };

export async function exportRoutes(app: App, deps: AppDeps): Promise<void> {
  app.post('/v1/export/points', {
    config: {
      scope: 'read',
      docs: {
        produces: {
          description: 'Every point, streamed; columns run_id, key, segment (null for the unsegmented series), step, wall_time_ms, value, ordered by run, key, segment and step',
          content: Object.fromEntries(Object.entries(FORMATS).map(([format, type]) => [type.split(';')[0]!, { type: 'string', format: format === 'ndjson' || format === 'csv' ? undefined : 'binary', description: `format: "${format}"` }])),
        },
      },
    },
    schema: {
      summary: 'Every point of chosen metrics for a selection, as NDJSON, CSV, Arrow IPC or Parquet, streamed',
      body: Type.Object(
        {
          selection: Type.Optional(SelectionSchema),
          metrics: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Metric keys' }),
          segments: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('none')], { description: "Default 'all': every segment's series too; 'none': the unsegmented series only" })),
          format: Type.Optional(Type.Union([Type.Literal('ndjson'), Type.Literal('csv'), Type.Literal('arrow'), Type.Literal('parquet')], { description: "Default 'ndjson'" })),
        },
        { additionalProperties: false },
      ),
      response: { 400: ErrorBody, 404: ErrorBody, ...AuthErrors },
    },
  }, async (req, reply) => {
    const project = projectOf(req);
    const b = req.body;
    const known = await metricNames(deps.clickhouse, project);
    const unknown = b.metrics.filter((k) => !known.has(k));
    if (unknown.length > 0) {
      const hints = unknown.map((k) => `${k}${nearest(k, known.keys()).length > 0 ? ` (did you mean ${nearest(k, known.keys()).join(' or ')}?)` : ''}`);
      throw badRequest(`no run of this project logged ${hints.join(', ')}`);
    }
    const sourceSql = await selectionSql(deps.clickhouse, runScope(project, deps), b.selection ?? {});
    const format = b.format ?? 'ndjson';
    const chunks = exportChunks(deps.clickhouse, project, sourceSql, b.metrics, b.segments ?? 'all');
    return reply
      .header('content-type', FORMATS[format])
      .header('content-disposition', `attachment; filename="points.${EXTENSIONS[format]}"`)
      .send(Readable.from(writePoints(format, chunks), { objectMode: false }) as never);
  });
}
