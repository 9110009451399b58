// 405 with Allow for a method a known path does not have, over the real app's route table (fake
// ClickHouse and verifier); unknown paths stay 404, and strangers get the usual 401 first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { createLogger } from '../../common/logger.ts';
import { buildApp } from '../app.ts';
import { type App } from '../deps.ts';
import { DEFAULT_CRASH_AFTER_MS } from '../../storage/runs.ts';

const ch = { query: async () => ({ json: async () => [] }) } as unknown as ClickHouseClient;
const verifier = { verify: async (t: string) => (t === 'reader' ? { tokenId: 'r', project: 'p', scopes: ['read' as const] } : null) };
const reader = { authorization: 'Bearer reader' };

let app: App;
beforeAll(async () => {
  app = await buildApp({ clickhouse: ch, logger: createLogger('test', 'silent'), tokenCacheMs: 0, crashAfterMs: DEFAULT_CRASH_AFTER_MS, verifier });
});
afterAll(() => app.close());

describe('methods a path does not have', () => {
  it.each([
    ['DELETE', '/v1/runs', 'GET, HEAD'],
    ['POST', '/v1/runs?filter=x', 'GET, HEAD'],
    ['PUT', '/v1/runs/r-1', 'GET, HEAD'],
    ['PATCH', '/v1/runs/r-1/metrics/val/acc', 'GET, HEAD'],
    ['GET', '/v1/curves', 'POST'],
    ['OPTIONS', '/v1/stats/test', 'POST'],
    ['DELETE', '/healthz', 'GET, HEAD'],
  ] as const)('%s %s is a 405 with Allow: %s', async (method, url, allow) => {
    const r = await app.inject({ method, url, headers: reader });
    expect(r.statusCode).toBe(405);
    expect(r.headers.allow).toBe(allow);
    expect(r.json().error).toBe(`${method} is not allowed on ${url.split('?')[0]}; this path takes ${allow}`);
  });

  it('answers unknown paths with a 404 as before, and strangers with a 401', async () => {
    for (const [method, url] of [['GET', '/v1/nope'], ['DELETE', '/v1/runsx'], ['POST', '/v1/curves/x']] as const) {
      const r = await app.inject({ method, url, headers: reader });
      expect(r.statusCode, `${method} ${url}`).toBe(404);
      expect(r.headers.allow).toBeUndefined();
      expect(r.json()).toEqual({ message: `Route ${method}:${url} not found`, error: 'Not Found', statusCode: 404 });
    }
    expect((await app.inject({ method: 'DELETE', url: '/v1/runs' })).statusCode).toBe(401);
  });

  it('still serves the methods a path has', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'HEAD', url: '/healthz' })).statusCode).toBe(200);
  });
});
