// Serves the dashboard (built from dashboard/ into dist/dashboard/ by bin/build-dashboard.js):
// `/` and `/ui` lead to `/ui/`; every `/ui/…` page is index.html (the page reads its view from
// the address), never cached; `/ui/assets/<file>` are the hashed bundles, cached for good and
// sent brotli- or gzip-compressed when the browser takes it. Public routes: the page holds no
// data, and signs in with a token the person pastes or follows a link with. Not in the OpenAPI
// document. Without a build, a 503 says how to make one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const DASHBOARD_DIR = join(import.meta.dirname, '..', '..', 'dist', 'dashboard');

const ASSET = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9]+)+$/;
const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', map: 'application/json', txt: 'text/plain; charset=utf-8' };
/** The page's own script and styles only; ECharts and uPlot set inline styles, and draw images from data: and blob: URLs. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

export async function dashboardRoutes(app: FastifyInstance, opts: { dir?: string }): Promise<void> {
  const dir = opts.dir ?? DASHBOARD_DIR;
  // Public: the page and its bundles hold no data; the page signs in itself.
  const hidden = { config: { public: true }, schema: { hide: true } };
  const page = async (_req: FastifyRequest, reply: FastifyReply) => {
    const index = join(dir, 'index.html');
    if (!existsSync(index)) return reply.status(503).send({ error: 'the dashboard is not built: run `npm run build:dashboard` (npm test and npm run demo build it)' });
    return reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .type('text/html; charset=utf-8')
      .send(readFileSync(index));
  };
  app.get('/', hidden, async (_req, reply) => reply.redirect('/ui/'));
  app.get('/ui', hidden, async (req, reply) => {
    const query = req.url.indexOf('?');
    return reply.redirect(`/ui/${query >= 0 ? req.url.slice(query) : ''}`);
  });
  app.get('/ui/', hidden, page);
  app.get('/ui/*', hidden, page);
  app.get<{ Params: { file: string } }>('/ui/assets/:file', hidden, async (req, reply) => {
    const { file } = req.params;
    const type = TYPES[file.slice(file.lastIndexOf('.') + 1)];
    const path = join(dir, 'assets', file);
    if (!ASSET.test(file) || !type || !existsSync(path)) return reply.status(404).send({ error: `no dashboard asset ${file}` });
    const accepts = String(req.headers['accept-encoding'] ?? '');
    const encoding = /\bbr\b/.test(accepts) && existsSync(`${path}.br`) ? 'br' : /\bgzip\b/.test(accepts) && existsSync(`${path}.gz`) ? 'gzip' : null;
    reply.header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').header('vary', 'accept-encoding').type(type);
    if (encoding) reply.header('content-encoding', encoding);
    return reply.send(readFileSync(encoding === 'br' ? `${path}.br` : encoding === 'gzip' ? `${path}.gz` : path));
  });
}
