// The read-only ClickHouse user for BI tools (deploy/local/clickhouse/users.xml): it reads the
// BI views, cannot write, cannot lift its limits, and a query past a limit fails naming it.
// It exists in the ClickHouse that deploy/local/stack.sh configures; services from elsewhere
// (RUNLENS_* variables, testcontainers) have their own users, so there this file checks nothing
// and says so.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createClickHouse } from '../../common/clickhouse.ts';
import { loadConfig } from '../../common/config.ts';
import { migrate } from '../../storage/migrate.ts';

const services = inject('services');
const local = services.source === 'local-stack';
let bi: ClickHouseClient;

beforeAll(async () => {
  if (!local) {
    console.warn(`[bi-readonly] not checked: services come from ${services.source}, whose users are not runlens's users.xml`);
    return;
  }
  const config = loadConfig({ RUNLENS_KAFKA_BROKERS: services.kafkaBrokers, RUNLENS_CLICKHOUSE_URL: services.clickhouseUrl });
  const admin = createClickHouse(config, { database: 'default' });
  await migrate(admin, 'runlens'); // the BI user may read only the default database, runlens
  await admin.close();
  bi = createClient({ url: services.clickhouseUrl, username: 'runlens_bi', password: 'runlens_bi', database: 'runlens' });
});
afterAll(async () => bi?.close());

describe.runIf(local)('BI read-only user', () => {
  it('reads the BI views', async () => {
    for (const view of ['bi_runs', 'bi_params', 'metric_summaries']) {
      const rs = await bi.query({ query: `SELECT count() AS n FROM ${view}`, format: 'JSONEachRow' });
      expect((await rs.json<{ n: string }>()).length).toBe(1);
    }
  });

  it('cannot write or change its limits', async () => {
    await expect(bi.command({ query: "INSERT INTO runs (run_id) VALUES ('x')" })).rejects.toThrow(/readonly/i);
    await expect(bi.command({ query: 'DROP TABLE runs' })).rejects.toThrow(/readonly/i);
    await expect(bi.query({ query: 'SELECT 1', clickhouse_settings: { max_result_rows: '0' } })).rejects.toThrow(/readonly/i);
  });

  it('fails a query past the result limit with an error that names it', async () => {
    // Streamed results carry the error after the rows already sent; either way it names the limit.
    const rs = bi.query({ query: 'SELECT number FROM system.numbers LIMIT 3000000', format: 'JSONEachRow' });
    await expect(rs.then((r) => r.text())).resolves.toMatch(/Code: 396.*Limit for result exceeded, max rows: 1\.00 million/);
  });

  it('cannot read other databases', async () => {
    await expect(bi.query({ query: 'SELECT count() FROM default.nonexistent_or_forbidden' })).rejects.toThrow(/denied|Access|not allowed|doesn't exist/i);
  });
});
