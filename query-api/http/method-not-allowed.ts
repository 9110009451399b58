// A method a known path does not have is a 405 with an `Allow` header naming the methods it
// has (RFC 9110 §15.5.6); an unknown path stays fastify's 404. Fastify's router treats both as
// not found, so this plugin keeps a second router of the same kind (find-my-way, with the app's
// router options) holding every route pattern with the methods it serves, and asks it for each
// request no route matched. Like any unmatched request, a 405 needs a valid token first: register
// this plugin after the auth plugin (hooks run in that order) and before the routes (it learns
// them from onRoute).
import type { FastifyInstance } from 'fastify';
import FindMyWay from 'find-my-way';

export interface MethodNotAllowedOptions {
  /** The router options the app was built with (maxParamLength, …), so both routers match alike. */
  routerOptions?: Omit<FindMyWay.Config<FindMyWay.HTTPVersion.V1>, 'defaultRoute' | 'onBadUrl'>;
}

async function methodNotAllowed(app: FastifyInstance, opts: MethodNotAllowedOptions): Promise<void> {
  const methodsByPattern = new Map<string, Set<string>>();
  let router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1> | null = null;

  app.addHook('onRoute', (route) => {
    const set = methodsByPattern.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) set.add(m.toUpperCase());
    // exposeHeadRoutes: a GET route serves HEAD too (fastify adds it after this hook may run).
    if (set.has('GET')) set.add('HEAD');
    methodsByPattern.set(route.url, set);
    router = null;
  });

  /** The methods served at `url` (a request URL, query string allowed), sorted; [] for an unknown path. */
  function allowedMethods(url: string): string[] {
    if (!router) {
      router = FindMyWay({ ...opts.routerOptions });
      // One entry per pattern, under one method: only the pattern's own method set matters here.
      for (const [pattern, methods] of methodsByPattern) router.on('GET', pattern, () => undefined, { methods });
    }
    const found = router.find('GET', url);
    return found ? [...(found.store as { methods: Set<string> }).methods].sort() : [];
  }

  // onRequest, before any body is read: fastify refuses a body method without Content-Type (a 400)
  // before the not-found handler would run. Registered after the auth plugin, so strangers get
  // its 401 first; a matched route has routeOptions.url, an unmatched request has none.
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.url !== undefined) return;
    const allowed = allowedMethods(req.url);
    if (allowed.length === 0) return; // fastify's 404
    return reply
      .code(405)
      .header('allow', allowed.join(', '))
      .send({ error: `${req.method} is not allowed on ${req.url.split('?')[0]}; this path takes ${allowed.join(', ')}` });
  });
}

// Like fastify-plugin: the hooks belong to the whole app, not just to this plugin.
(methodNotAllowed as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(methodNotAllowed as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = 'runlens-method-not-allowed';

export const methodNotAllowedPlugin = methodNotAllowed;
