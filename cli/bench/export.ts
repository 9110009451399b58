// `npm run bench -- --only export` (issue 16): the bulk export of a whole 10,000-run sweep —
// 2 metrics × 2,000 steps each, 40M points, written straight into a scratch database — through
// the real API listening on a port, read by a streaming HTTP client that counts the bytes, in
// each format. Prints time, points/s, bytes and the API process's peak RSS; asserts nothing.
import { cpus, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import { createClickHouse } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { Rng } from '../../ingest/simulate/random.ts';
import { buildApp } from '../../query-api/app.ts';
import { createToken } from '../../storage/api-tokens.ts';
import { dropDatabase, migrate } from '../../storage/migrate.ts';
import { PROJECT, seedRuns } from './comparison-queries.ts';
import { recordFigure } from './report.ts';
import { peakRssMbOf } from './cpu.ts';

/** Peak RSS of this process since the last reset (Linux: VmHWM, reset through clear_refs). */
function peakRssMb(reset = false): number | null {
  try {
    if (reset) writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    return null;
  }
  return peakRssMbOf('self');
}

export async function benchExport(base: Config, o: { runs?: number } = {}): Promise<void> {
  const RUNS = o.runs ?? 10_000;
  const config: Config = { ...base, clickhouseDatabase: `runlens_xbench${Date.now()}` };
  const admin = createClickHouse(config, { database: 'default' });
  await migrate(admin, config.clickhouseDatabase);
  const ch = createClickHouse(config, { requestTimeoutMs: 600_000 });
  const app = await buildApp({ clickhouse: ch, logger: createLogger('bench-api', 'warn'), tokenCacheMs: 60_000, crashAfterMs: config.crashAfterMs });
  try {
    const t0 = performance.now();
    await seedRuns(ch, RUNS, new Rng(5));
    const points = RUNS * 2 * 2_000;
    console.log(`
Bulk export — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}; API, ClickHouse and the client on one machine
  ${RUNS.toLocaleString('en-US')} runs × 2 metrics × 2,000 steps = ${points.toLocaleString('en-US')} points, seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const token = (await createToken(ch, { project: PROJECT, scopes: ['read'], name: 'export bench' })).token;
    for (const format of ['parquet', 'arrow', 'csv', 'ndjson'] as const) {
      peakRssMb(true);
      const started = performance.now();
      const res = await fetch(`${url}/v1/export/points`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ selection: { sweep: 'sweep' }, metrics: ['val/acc', 'loss'], format }),
      });
      if (!res.ok || !res.body) throw new Error(`${format}: HTTP ${res.status} ${await res.text()}`);
      let bytes = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      const seconds = (performance.now() - started) / 1000;
      const rss = peakRssMb();
      recordFigure('export', `${format}, ${points} points`, seconds, 's');
      console.log(`  ${format.padEnd(8)} ${seconds.toFixed(1).padStart(6)} s   ${Math.round(points / seconds).toLocaleString('en-US').padStart(10)} points/s   ${(bytes / 2 ** 20).toFixed(0).padStart(6)} MiB   peak RSS of this process (API + client) ${rss === null ? 'n/a' : `${Math.round(rss)} MB`}   [target: the sweep in < 60 s]`);
    }
  } finally {
    await app.close();
    await ch.close();
    await dropDatabase(admin, config.clickhouseDatabase);
    await admin.close();
  }
}
