import { defineConfig } from 'vitest/config';

// Unit tests sit beside their code and need no services; integration tests under test/
// run against real Kafka and ClickHouse, which test/helpers/global-setup.ts provides.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{common,schemas,ingest,processors,query-api}/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Files share two real servers on a 2-core machine; run them one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
