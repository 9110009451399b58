// GET /v1/fields — the names a project's runs have logged: each param with the value types it
// holds, each metric key with the segments it is logged with, the aggregates a metric summary
// takes, the tags set on its runs, and the lineage fields (the fixed ones and a field per library
// its runs recorded). For column pickers and editors (the dashboard).
import { Type } from '@sinclair/typebox';
import { projectOf } from '../../common/http/auth.ts';
import { metricNames, paramNames, runFieldNames } from '../../storage/project-names.ts';
import type { App, AppDeps } from '../deps.ts';
import { AuthErrors, ProjectQuery } from '../http/schemas.ts';
import { AGGREGATE_NAMES, LINEAGE_NAMES } from '../filter/fields.ts';

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function fieldRoutes(app: App, deps: AppDeps): Promise<void> {
  app.get(
    '/v1/fields',
    {
      config: { scope: 'read' },
      schema: {
        summary: "The project's params (with their value types) and metric keys (with their segments), as filters, sorts, columns and charts name them",
        querystring: Type.Object({ project: ProjectQuery }),
        response: {
          200: Type.Object({
            params: Type.Array(Type.Object({ name: Type.String(), field: Type.String({ description: 'params.<name>' }), types: Type.Array(Type.Union([Type.Literal('number'), Type.Literal('string'), Type.Literal('bool')])) })),
            metrics: Type.Array(Type.Object({
              key: Type.String(),
              segments: Type.Array(Type.String(), { description: "Segments it is logged with; '' is the unsegmented series" }),
            })),
            aggregates: Type.Array(Type.String(), { description: 'Every metric summary takes one: metrics.<key>[<segment>].<aggregate>' }),
            tags: Type.Array(Type.Object({ name: Type.String(), field: Type.String({ description: 'tags.<name>' }) }), { description: 'Every tag name set on a run of the project (at start or later)' }),
            lineage: Type.Array(Type.Object({ name: Type.String(), field: Type.String({ description: 'lineage.<name> or lineage.libraries.<name>' }) }), { description: 'The lineage fields, then one per library the runs recorded' }),
          }),
          ...AuthErrors,
        },
      },
    },
    async (req) => {
      const project = projectOf(req);
      // Fresh: a person opening a picker expects what was just logged.
      const [params, metrics, run] = await Promise.all([paramNames(deps.clickhouse, project, true), metricNames(deps.clickhouse, project, true), runFieldNames(deps.clickhouse, project)]);
      return {
        params: [...params.keys()].sort(byName).map((name) => ({ name, field: `params.${name}`, types: [...params.get(name)!].sort(byName) })),
        metrics: [...metrics.keys()].sort(byName).map((key) => ({ key, segments: [...metrics.get(key)!].sort(byName) })),
        aggregates: [...AGGREGATE_NAMES],
        tags: run.tags.map((name) => ({ name, field: `tags.${name}` })),
        lineage: [
          ...LINEAGE_NAMES.map((name) => ({ name, field: `lineage.${name}` })),
          ...run.libraries.map((name) => ({ name: `libraries.${name}`, field: `lineage.libraries.${name}` })),
        ],
      };
    },
  );
}
