// The auth plugin over the whole API as the CLI composes it (ingest gateway included): every
// route of the OpenAPI document is protected, so a route added without a scope is caught here.
// A fake verifier; no services.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { loadConfig } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { as, verifier } from '../common/http/test-principals.ts';
import { buildApp } from '../query-api/app.ts';
import { type App } from '../query-api/deps.ts';
import { ingestGateway } from './api-server.ts';
import { authPlugin, projectOf } from '../common/http/auth.ts';
import { isPublicOperation as isPublic } from '../query-api/http/openapi.ts';
import { DEFAULT_CRASH_AFTER_MS } from '../storage/runs.ts';


describe('the real app', () => {
  let app: App;
  beforeAll(async () => {
    // Nothing listens on port 9: a request that got past auth would fail, not pass.
    const clickhouse = createClickHouse(loadConfig({ RUNLENS_CLICKHOUSE_URL: 'http://127.0.0.1:9' }));
    const sink = { send: async () => undefined };
    app = await buildApp({ clickhouse, logger: createLogger('test', 'silent'), tokenCacheMs: 0, crashAfterMs: DEFAULT_CRASH_AFTER_MS, verifier, routes: [ingestGateway(sink)] });
    await app.ready();
  });
  afterAll(() => app.close());

  it('protects every route of the OpenAPI document except the public ones', async () => {
    const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const protectedRoutes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).filter((m) => !isPublic(methods[m])).map((m) => ({ method: m.toUpperCase() as 'GET' | 'POST', url: path.replace(/\{[^}]+\}/g, 'x') })),
    );
    // Every route the document lists is walked below; these must be among them.
    expect(protectedRoutes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /v1/runs', 'GET /v1/runs/x', 'GET /v1/runs/x/metrics/x', 'POST /v1/compare', 'POST /v1/groups', 'POST /v1/curves', 'POST /v1/ingest/events']),
    );
    for (const r of protectedRoutes) {
      expect((await app.inject({ ...r })).statusCode, `${r.method} ${r.url}`).toBe(401);
      expect((await app.inject({ ...r, headers: as('nothing') })).statusCode, `${r.method} ${r.url}`).toBe(403);
      const right = r.url.startsWith('/v1/ingest') ? 'reader' : 'ingester'; // the other scope
      expect((await app.inject({ ...r, headers: as(right) })).statusCode, `${r.method} ${r.url}`).toBe(403);
      // A token of scope bi opens the BI feed only (not in the document).
      expect((await app.inject({ ...r, headers: as('feeder') })).statusCode, `${r.method} ${r.url}`).toBe(403);
    }
  });

  it('serves the public routes without a token', async () => {
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/docs/json' })).statusCode).toBe(200);
  });
});
