import { defineConfig } from 'vitest/config';

// Unit tests sit beside their code and need no services; integration tests under test/
// run against real Kafka and ClickHouse, which test/helpers/global-setup.ts provides.

/**
 * runlens scaled out with faults (`npm run test:scale`, which sets RUNLENS_SCALE; minutes, run and
 * reported in the closing notes rather than in npm test): 3 Kafka brokers, the 2 × 2 cluster,
 * 2 processors and 2 APIs on loopback.
 */
const scale = {
  test: {
    name: 'scale',
    include: ['test/scale/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/cluster/global-setup.ts'],
    testTimeout: 1_200_000,
    hookTimeout: 600_000,
  },
};

export default defineConfig({
  test: {
    // Integration and fault files share real servers (and the fault tests restart them) on a
    // 2-core machine: one file at a time, in every project.
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{common,schemas,storage,ingest,processors,query-api,cli,dashboard}/**/*.test.ts', 'test/architecture/**/*.test.ts', 'test/helpers/**/*.test.ts'],
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
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/faults/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Replicated, sharded ClickHouse 18.16 (deploy/local/cluster.sh: ZooKeeper and 4 servers,
        // started by the setup): the clustered migrations and every query against one node's answers.
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          environment: 'node',
          // Kafka and a single server (the reference) as the integration tests have them, and the cluster.
          globalSetup: ['test/helpers/global-setup.ts', 'test/cluster/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
      {
        // The production deploy files (deploy/helm, deploy/compose, the Dockerfile) checked by
        // helm, kubeconform and compose-go, built from their Go modules: the first run builds
        // helm (minutes), later ones reuse .runlens/go-bin.
        test: {
          name: 'deploy',
          include: ['test/deploy/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 1_500_000,
        },
      },
      {
        // The product's SQL on current ClickHouse through chdb (in process, no server). The
        // first run creates .runlens/venv-compat and pip-installs chdb: minutes.
        test: {
          name: 'compat',
          include: ['test/compat/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 1_500_000,
        },
      },
      ...(process.env.RUNLENS_SCALE ? [scale] : []),
    ],
  },
});
