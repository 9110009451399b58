// Long-running services behind `runlens processor` and `runlens api`: start, then stop in
// order on SIGINT/SIGTERM (the processor finishes and commits its batch in flight first).
import type { Config } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { Processor } from '../../processors/processor.ts';
import { startServer } from '../../query-api/server.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';

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

export async function runProcessor(config: Config): Promise<void> {
  const logger = createLogger('processor', config.logLevel);
  const processor = new Processor({
    config,
    catalogue: loadCatalogue(),
    logger,
    onFatal: (err) => {
      logger.fatal({ err }, 'consumer stopped for good; exiting so a supervisor restarts it');
      void processor.stop().finally(() => process.exit(1));
    },
  });
  await processor.start();
  const statsTimer = setInterval(() => logger.info(processor.stats, 'processor stats'), 10_000);
  statsTimer.unref();
  onShutdown(async () => {
    await processor.stop();
    logger.info(processor.stats, 'processor stopped');
  }, (m) => logger.info(m));
}

export async function runApi(config: Config): Promise<string> {
  const logger = createLogger('query-api', config.logLevel);
  const server = await startServer(config, logger);
  onShutdown(server.close, (m) => logger.info(m));
  return server.url;
}
