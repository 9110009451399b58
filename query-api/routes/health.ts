// Liveness (the process answers) and readiness (ClickHouse answers and is migrated).
import { Type } from '@sinclair/typebox';
import type { App, AppDeps } from '../app.ts';

export async function healthRoutes(app: App, deps: AppDeps): Promise<void> {
  const Status = Type.Object({ status: Type.String(), detail: Type.Optional(Type.String()) });
  app.get('/healthz', { schema: { response: { 200: Status } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { response: { 200: Status, 503: Status } } }, async (_req, reply) => {
    try {
      await deps.clickhouse.query({ query: 'SELECT count() FROM runs LIMIT 1', format: 'JSONEachRow' }).then((r) => r.json());
      return { status: 'ready' };
    } catch (err) {
      return reply.status(503).send({ status: 'not ready', detail: `ClickHouse: ${(err as Error).message.slice(0, 200)}` });
    }
  });
}
