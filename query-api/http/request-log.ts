// The API's request logs: a token given in the URL (the BI feed's `?token=`) never shows in them,
// whatever the route — a 404 or 405 too — as the redaction is the logger's own.
import type { Logger } from '../../common/logger.ts';

/** A URL with its token query parameter replaced (for logs). */
export const redactToken = (url: string) => url.replace(/([?&]token=)[^&]*/g, '$1[redacted]');

/** The API's logger, whose request logs never show a token given in the URL. */
export const withRedactedRequests = (logger: Logger): Logger =>
  logger.child({}, { serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: redactToken(req.url) }) } });
