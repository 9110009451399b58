// The API's request logs: a token given in the URL (the BI feed's `?token=`) never shows in them,
// whatever the route — a 404 or 405 too — as the redaction is the logger's own.
import type { Logger } from '../../common/logger.ts';

/** A URL with its token query parameter replaced (for logs). */
export const redactToken = (url: string) => url.replace(/([?&]token=)[^&]*/g, '$1[redacted]');

/** What fastify's request serializer reads of a request. */
interface LoggedRequest {
  method: string;
  url: string;
  headers?: Record<string, string | string[] | undefined>;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** fastify's own request fields (method, url, version, host, remote address and port), the URL's token redacted. */
export const requestLogFields = (req: LoggedRequest) => ({
  method: req.method,
  url: redactToken(req.url),
  version: req.headers?.['accept-version'],
  host: req.host,
  remoteAddress: req.ip,
  remotePort: req.socket?.remotePort,
});

/** The API's logger, whose request logs never show a token given in the URL. */
export const withRedactedRequests = (logger: Logger): Logger => logger.child({}, { serializers: { req: requestLogFields } });
