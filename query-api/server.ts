// Starts the query API: the only module that listens. Shuts down on SIGINT/SIGTERM.
import { createClickHouse } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import type { Logger } from '../common/logger.ts';
import { buildApp, type App } from './app.ts';

export async function startServer(config: Config, logger: Logger): Promise<{ app: App; url: string; close: () => Promise<void> }> {
  const clickhouse = createClickHouse(config);
  const app = await buildApp({ clickhouse, logger });
  const url = await app.listen({ port: config.apiPort, host: config.apiHost });
  return {
    app,
    url,
    close: async () => {
      await app.close();
      await clickhouse.close();
    },
  };
}
