// Long-running services behind `runlens processor` and `runlens api`: start, then stop in
// order on SIGINT/SIGTERM (the processor finishes and commits its batch in flight first).
import type { Config } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { runProcessorService } from '../processors/service.ts';
import { startServer } from './api-server.ts';

function onShutdown(stop: () => Promise<void>, log: (msg: string) => void): void {
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      log(`${sig}: shutting down`);
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

export function runProcessor(config: Config): Promise<void> {
  return runProcessorService(config);
}

export async function runApi(config: Config): Promise<string> {
  const logger = createLogger('query-api', config.logLevel);
  const server = await startServer(config, logger);
  onShutdown(server.close, (m) => logger.info(m));
  return server.url;
}
