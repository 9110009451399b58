// Liveness (the process answers) and readiness (ClickHouse answers and is migrated, token table
// included: without it every authenticated request would fail). Public: no token needed.
import { Type } from '@sinclair/typebox';
import { checkReadiness } from '../../storage/health.ts';
import type { App, AppDeps } from '../deps.ts';

export async function healthRoutes(app: App, deps: AppDeps): Promise<void> {
  const Status = Type.Object({ status: Type.String(), detail: Type.Optional(Type.String()) });
  app.get('/healthz', { config: { public: true }, schema: { response: { 200: Status } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { response: { 200: Status, 503: Status } } }, async (_req, reply) => {
    try {
      await checkReadiness(deps.clickhouse);
      return { status: 'ready' };
    } catch (err) {
      return reply.status(503).send({ status: 'not ready', detail: `ClickHouse: ${(err as Error).message.slice(0, 200)}` });
    }
  });
}
