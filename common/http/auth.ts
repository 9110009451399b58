// Authentication and tenant scoping for every route but those declared public (config.public). Owns: the
// Bearer header, the route's required scope, and the rule that a request's project is its
// token's project. Must never: log or echo a presented token, let a client choose a project
// other than its token's, or let a route without a declared scope through.
//
//   401  no Authorization header, not "Bearer <token>", unknown or revoked token
//   403  the token lacks the route's scope (config.scope), or the request names a project
//        (query `project` or body `project`) other than the token's
//   503  the token store (ClickHouse) cannot be reached — the token may well be fine
//
// Routes read the project from request.principal (projectOf), never from their input; the
// optional `project` parameter survives only so that old clients keep working when it agrees.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Scope } from '../tokens/format.ts';
import type { Principal, TokenVerifier } from '../tokens/verifier.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin on every authenticated request; null on public routes. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The scope a token needs for this route. A protected route without one is refused to everyone. */
    scope?: Scope;
    /**
     * Served without a token: probes, the OpenAPI document, Prometheus metrics, and the dashboard's
     * page and bundles — nothing that holds a project's data. Declared by the route itself; the
     * OpenAPI document marks such operations `security: []`.
     */
    public?: boolean;
    /**
     * Also takes the token as `?token=` (the header wins): for clients that cannot send a header,
     * i.e. ClickHouse 18.16's URL tables of per-project BI users (query-api/bi/). The token is then
     * in the URL: only for the `bi` feed, whose tokens open nothing else (scope `bi`).
     */
    tokenInQuery?: boolean;
  }
}

export interface AuthOptions {
  verifier: Pick<TokenVerifier, 'verify'>;
}

const BEARER = /^Bearer +([^\s]+) *$/i;

function deny(reply: FastifyReply, status: 401 | 403 | 503, error: string, challenge?: string): FastifyReply {
  if (challenge) reply.header('www-authenticate', challenge);
  return reply.code(status).send({ error });
}

/** The project a request names itself, if any (query `project`, or `project` in a JSON object body). */
function claimedProject(req: FastifyRequest): unknown {
  const query = req.query as Record<string, unknown> | undefined;
  if (query && Object.prototype.hasOwnProperty.call(query, 'project')) return query.project;
  const body = req.body;
  if (body && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body) && Object.prototype.hasOwnProperty.call(body, 'project')) {
    return (body as Record<string, unknown>).project;
  }
  return undefined;
}

async function auth(app: FastifyInstance, opts: AuthOptions): Promise<void> {
  app.decorateRequest('principal', null);

  // onRequest: before the body is read, so an unauthenticated client cannot make us parse 4 MiB.
  app.addHook('onRequest', async (req, reply) => {
    const route = req.routeOptions.url;
    if (route !== undefined && req.routeOptions.config.public === true) return;
    const inQuery = req.routeOptions.config.tokenInQuery === true ? (req.query as Record<string, unknown> | undefined)?.token : undefined;
    const match = BEARER.exec(req.headers.authorization ?? (typeof inQuery === 'string' ? `Bearer ${inQuery}` : ''));
    if (!match) return deny(reply, 401, 'missing API token: send "Authorization: Bearer <token>" (create one with `runlens token create`)', 'Bearer');
    let principal: Principal | null;
    try {
      principal = await opts.verifier.verify(match[1]!);
    } catch (err) {
      req.log.error({ err }, 'token lookup failed');
      reply.header('retry-after', '5');
      return deny(reply, 503, 'cannot verify the API token right now; retry shortly');
    }
    if (!principal) return deny(reply, 401, 'invalid or revoked API token', 'Bearer error="invalid_token"');
    // No matched route: authenticated clients get the usual 404, everyone else a 401 above.
    if (route !== undefined) {
      const needed = req.routeOptions.config.scope;
      if (!needed || !principal.scopes.includes(needed)) {
        return deny(
          reply,
          403,
          needed ? `this route needs a token with scope "${needed}"; this token has: ${principal.scopes.join(', ') || 'none'}` : 'this route is not open to API tokens',
          needed ? `Bearer error="insufficient_scope", scope="${needed}"` : undefined,
        );
      }
    }
    req.principal = principal;
  });

  // preValidation: the body is parsed by now. A project named by the client must be the token's.
  app.addHook('preValidation', async (req, reply) => {
    if (!req.principal) return;
    const claimed = claimedProject(req);
    if (claimed === undefined || claimed === req.principal.project) return;
    return deny(reply, 403, `this token belongs to another project than the one requested; omit "project" (the token decides it) or use a token of that project`);
  });
}

// Like fastify-plugin: the hooks apply to the whole app, not just to this plugin's own scope.
(auth as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(auth as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = 'runlens-auth';

export const authPlugin = auth;

/** Who asks, as audit logs name it: the API token (one per person or service). */
export function actorOf(req: FastifyRequest): string {
  if (!req.principal) throw new Error(`route ${req.routeOptions.url} ran without a principal; is it registered after the auth plugin?`);
  return `token:${req.principal.tokenId}`;
}

/** The project every query of this request is scoped to; routes must take it from here only. */
export function projectOf(req: FastifyRequest): string {
  if (!req.principal) throw new Error(`route ${req.routeOptions.url} ran without a principal; is it registered after the auth plugin?`);
  return req.principal.project;
}
