// Long-running services behind `runlens processor` and `runlens api`: start, then stop in
// order on SIGINT/SIGTERM through common/shutdown.ts (the processor finishes and commits its
// batch in flight first; the API closes its HTTP server, then the gateway's producer, then
// ClickHouse).
import type { Config } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { shutdownOnSignals } from '../common/shutdown.ts';
import { runProcessorService } from '../processors/service.ts';
import { startServer } from './api-server.ts';

export function runProcessor(config: Config): Promise<void> {
  return runProcessorService(config);
}

export async function runApi(config: Config): Promise<string> {
  const logger = createLogger('query-api', config.logLevel);
  const server = await startServer(config, logger);
  shutdownOnSignals(server.shutdownSteps, logger);
  return server.url;
}
