// GET /v1/bi/<view> over a fake ClickHouse client (unit): the fixed query it runs, the token in
// the URL accepted here and never written to the logs. Run for real in bi-users.test.ts.
import { Readable, Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { authPlugin } from '../../common/http/auth.ts';
import { verifier } from '../../common/http/test-principals.ts';
import type { AppDeps } from '../deps.ts';
import { biRoutes } from './route.ts';
import { redactToken, requestLogFields, withRedactedRequests } from '../http/request-log.ts';

describe('the BI feed', () => {
  it("runs the view's fixed query for the token's project, and logs no token", async () => {
    const logs: string[] = [];
    const queries: string[] = [];
    const app = Fastify({ loggerInstance: withRedactedRequests(pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => { logs.push(String(chunk)); done(); } }))) });
    await app.register(authPlugin, { verifier });
    const clickhouse = { exec: async ({ query }: { query: string }) => (queries.push(query), { stream: Readable.from(['a\tr-1\n']) }) };
    await app.register(biRoutes, { clickhouse } as unknown as AppDeps);
    expect((await app.inject({ url: '/v1/bi/bi_v1_runs?token=reader' })).statusCode).toBe(403); // a read token is not a bi token
    const r = await app.inject({ url: '/v1/bi/bi_v1_runs?token=feeder' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe('a\tr-1\n');
    expect(queries).toEqual(["SELECT * FROM bi_v1_runs WHERE project = 'a' FORMAT TabSeparated"]);
    expect((await app.inject({ url: '/v1/bi/api_tokens?token=feeder' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/nowhere?token=feeder' })).statusCode).toBe(401); // logged too, redacted
    expect(queries).toHaveLength(1);
    await app.close();
    expect(logs.join('')).toContain('/v1/bi/bi_v1_runs?token=[redacted]');
    expect(logs.join('')).not.toMatch(/token=(reader|feeder)/);
    expect(redactToken('/v1/bi/x?a=1&token=s3cret&b=2')).toBe('/v1/bi/x?a=1&token=[redacted]&b=2');
  });

  it("logs fastify's own request fields beside the redacted URL", () => {
    const req = { method: 'GET', url: '/v1/bi/bi_v1_runs?token=s3cret', headers: { 'accept-version': '1' }, host: 'api:8080', ip: '10.0.0.7', socket: { remotePort: 51234 } };
    expect(requestLogFields(req)).toEqual({ method: 'GET', url: '/v1/bi/bi_v1_runs?token=[redacted]', version: '1', host: 'api:8080', remoteAddress: '10.0.0.7', remotePort: 51234 });
  });
});
