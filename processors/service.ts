// The processor as a long-running service (`runlens processor`): the consumer, a /metrics
// endpoint for Prometheus, and an ordered shutdown on SIGINT/SIGTERM.
import { createServer, type Server } from 'node:http';
import type { Config } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { shutdownOnSignals } from '../common/shutdown.ts';
import { loadCatalogue } from '../schemas/catalogue.ts';
import { Processor } from './processor.ts';

function serveMetrics(processor: Processor, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    processor.metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': processor.metrics.registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export async function runProcessorService(config: Config): Promise<void> {
  const logger = createLogger('processor', config.logLevel);
  const processor = new Processor({ config, catalogue: loadCatalogue(), logger });
  let metricsServer: Server | undefined;

  // Installed before start: a SIGTERM while the consumer is still joining waits for the start
  // to finish (or fail) and then stops in order, instead of killing the process outright.
  let started: Promise<unknown> = Promise.resolve();
  const shutdown = shutdownOnSignals(
    [
      { name: 'stop consuming after the batch in flight is stored and committed', run: () => processor.stop() },
      { name: 'close metrics endpoint', run: () => new Promise<void>((r) => (metricsServer ? metricsServer.close(() => r()) : r())) },
    ],
    logger,
    { starting: () => started, stopped: () => logger.info(processor.stats, 'processor stopped') },
  );

  started = processor.start();
  await started;
  if (shutdown.requested) return;
  try {
    metricsServer = await serveMetrics(processor, config.processorMetricsPort, config.processorMetricsHost);
    const address = metricsServer.address();
    logger.info({ port: typeof address === 'object' && address ? address.port : config.processorMetricsPort }, 'metrics at /metrics');
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'metrics endpoint not started');
  }
  const statsTimer = setInterval(() => logger.info(processor.stats, 'processor stats'), 10_000);
  statsTimer.unref();
}
