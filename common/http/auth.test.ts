// The auth plugin over a fake verifier, on a small app with one route per case (the whole API's
// route table is checked in cli/api-auth.test.ts). No services.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger } from '../logger.ts';
import { as, principals, verifier } from './test-principals.ts';
import { authPlugin, projectOf } from './auth.ts';

describe('auth plugin', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    await app.register(authPlugin, { verifier });
    app.get('/healthz', { config: { public: true } }, async () => ({ ok: true }));
    // Public by name only is not public: the route must declare it.
    app.get('/metrics', async () => ({ leaked: true }));
    app.get('/read', { config: { scope: 'read' } }, async (req) => ({ project: projectOf(req) }));
    app.post('/read', { config: { scope: 'read' } }, async (req) => ({ project: projectOf(req) }));
    app.get('/undeclared', async () => ({ leaked: true }));
    app.get('/feed', { config: { scope: 'read', tokenInQuery: true } }, async (req) => ({ project: projectOf(req) }));
    // Routes in a child plugin are covered too.
    await app.register(async (child) => {
      child.post('/ingest', { config: { scope: 'ingest' } }, async (req) => ({ project: projectOf(req) }));
    });
  });
  afterAll(() => app.close());

  it('serves the routes that declare themselves public without a token, and no other', async () => {
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
  });

  it('answers 401 with a Bearer challenge without a valid token', async () => {
    for (const authorization of [undefined, '', 'Bearer', 'Bearer ', 'Basic cmVhZGVyOg==', 'reader', 'Bearer reader extra', 'Bearer unknown', 'Token reader']) {
      const r = await app.inject({ url: '/read', headers: authorization === undefined ? {} : { authorization } });
      expect(r.statusCode, String(authorization)).toBe(401);
      expect(r.headers['www-authenticate'], String(authorization)).toMatch(/^Bearer/);
      expect(r.json().error).not.toContain('reader');
    }
    // Before the body is read: an unauthenticated POST never reaches the parser.
    expect((await app.inject({ method: 'POST', url: '/ingest', payload: '{not json', headers: { 'content-type': 'application/json' } })).statusCode).toBe(401);
    // Unknown paths, too, are a 401 for strangers and a 404 for token holders.
    expect((await app.inject({ url: '/nope' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/nope', headers: as('reader') })).statusCode).toBe(404);
  });

  it('takes the token from ?token= only on routes that declare it, the header first', async () => {
    expect((await app.inject({ url: '/read?token=reader' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/feed?token=reader' })).json()).toEqual({ project: 'a' });
    expect((await app.inject({ url: '/feed?token=unknown' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/feed?token=ingester' })).statusCode).toBe(403);
    expect((await app.inject({ url: '/feed?token=reader', headers: as('ingester') })).statusCode).toBe(403);
  });

  it('accepts the scheme case-insensitively and sets the principal', async () => {
    const r = await app.inject({ url: '/read', headers: { authorization: 'bearer reader' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ project: 'a' });
    // fastify's automatic HEAD route keeps the GET route's scope.
    expect((await app.inject({ method: 'HEAD', url: '/read', headers: as('reader') })).statusCode).toBe(200);
    expect((await app.inject({ method: 'HEAD', url: '/read', headers: as('ingester') })).statusCode).toBe(403);
  });

  it('answers 403 when the token lacks the route scope; scopes do not imply each other', async () => {
    expect((await app.inject({ url: '/read', headers: as('ingester') })).statusCode).toBe(403);
    expect((await app.inject({ url: '/read', headers: as('admin') })).statusCode).toBe(403);
    expect((await app.inject({ url: '/read', headers: as('nothing') })).statusCode).toBe(403);
    const r = await app.inject({ method: 'POST', url: '/ingest', headers: as('reader'), payload: {} });
    expect(r.statusCode).toBe(403);
    expect(r.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="ingest"');
    expect((await app.inject({ method: 'POST', url: '/ingest', headers: as('ingester'), payload: {} })).statusCode).toBe(200);
  });

  it('refuses a route that declares no scope to every token', async () => {
    for (const t of Object.keys(principals)) expect((await app.inject({ url: '/undeclared', headers: as(t) })).statusCode).toBe(403);
  });

  it("lets a request name its token's project and refuses any other", async () => {
    expect((await app.inject({ url: '/read?project=a', headers: as('reader') })).statusCode).toBe(200);
    for (const q of ['project=b', 'project=', 'project=a&project=a', "project=a'%20OR%201=1%20--", 'project=A']) {
      expect((await app.inject({ url: `/read?${q}`, headers: as('reader') })).statusCode, q).toBe(403);
    }
    expect((await app.inject({ method: 'POST', url: '/read', headers: as('reader'), payload: { project: 'a' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/read', headers: as('reader'), payload: { project: 'b' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/read', headers: as('reader'), payload: { project: null } })).statusCode).toBe(403);
  });

  it('answers 503, not 401, when tokens cannot be checked', async () => {
    const r = await app.inject({ url: '/read', headers: as('boom') });
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
  });
});
