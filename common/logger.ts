// The one pino logger factory; every service logs JSON lines to stderr. Synchronously: pino's
// default destination writes asynchronously and, at process.exit, flushes what is buffered
// while an earlier write may still be in flight, so the last lines of a shutdown came out of
// order (seen in the group-churn fault test) or could be lost. Services log per batch or per
// request, not per point, so a synchronous write costs nothing that matters.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level = 'info'): Logger {
  return pino({ name, level, base: { service: name } }, pino.destination({ dest: 2, sync: true }));
}
