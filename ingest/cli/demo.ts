// `runlens demo` (what `npm run demo` runs): stack up, migrate, start the processor and the API
// as child processes, simulate a sweep, wait until every point is queryable, print the best
// runs side by side, and keep serving until Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { createClickHouse } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import { migrate } from '../../processors/clickhouse/migrate.ts';
import { simulate } from './simulate.ts';
import { REPO_ROOT, stack } from './stack.ts';
import { waitForSweep } from './wait.ts';

export interface DemoOptions {
  configs: number;
  seeds: number;
  steps: number;
  project: string;
}

const say = (msg: string) => console.log(`[demo] ${msg}`);

function startChild(name: string, args: string[], logDir: string, env: NodeJS.ProcessEnv): ChildProcess {
  const log = openSync(join(logDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'runlens.js'), ...args], { env, stdio: ['ignore', log, log] });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) say(`${name} exited with code ${code}; see ${join(logDir, `${name}.log`)}`);
  });
  return child;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

interface ApiRun {
  id: string;
  name: string;
  params: Record<string, unknown>;
  lineage: { dataVersion: string | null; gitCommit: string | null };
  sortValue: number | null;
}

export async function demo(config: Config, opts: DemoOptions): Promise<void> {
  const t0 = performance.now();
  const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
  await stack('up', config);
  const admin = createClickHouse(config, { database: 'default' });
  const m = await migrate(admin, config.clickhouseDatabase);
  await admin.close();
  say(`migrations: ${m.applied.length} applied, ${m.skipped.length} already there`);

  const logDir = join(REPO_ROOT, '.runlens', 'logs');
  mkdirSync(logDir, { recursive: true });
  const env = { ...process.env, RUNLENS_API_PORT: String(config.apiPort) };
  const children = [startChild('processor', ['processor'], logDir, env), startChild('api', ['api'], logDir, env)];
  const stopChildren = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
  process.on('exit', stopChildren);
  const apiUrl = `http://${config.apiHost}:${config.apiPort}`;
  await waitForHttp(`${apiUrl}/readyz`, 60_000);
  say(`processor and API started (logs in ${logDir})`);

  const sweepId = `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  say(`simulating sweep ${sweepId}: ${opts.configs} configs × ${opts.seeds} seeds × ${opts.steps} steps`);
  const result = await simulate(config, { project: opts.project, experiment: 'demo', sweepId, configs: opts.configs, seeds: opts.seeds, steps: opts.steps });
  say(`sent ${result.points.toLocaleString('en-US')} points in ${result.seconds.toFixed(1)}s (${Math.round(result.pointsPerSecond).toLocaleString('en-US')} points/s)`);

  const sent = performance.now();
  const ch = createClickHouse(config);
  const runs = result.runIds.length;
  await waitForSweep(ch, opts.project, sweepId, { runs, finished: runs, points: result.points });
  await ch.close();
  say(`everything queryable ${((performance.now() - sent) / 1000).toFixed(1)}s after the last send; set-up took ${elapsed()}`);

  const q = new URLSearchParams({ project: opts.project, sweep: sweepId, sort: 'metrics.val/acc.max:desc', limit: '5' });
  const top = (await (await fetch(`${apiUrl}/v1/runs?${q}`)).json()) as { runs: ApiRun[] };
  console.log('\nBest runs by val/acc (max):');
  console.log(['run', 'val/acc max', 'lr', 'batch', 'optimizer', 'dropout', 'data'].map((h, i) => h.padEnd(i === 0 ? 18 : 12)).join(''));
  for (const r of top.runs) {
    const p = r.params;
    console.log(
      [r.name, (r.sortValue ?? NaN).toFixed(4), String(p.lr), String(p.batch_size), String(p.optimizer), String(p.dropout), r.lineage.dataVersion ?? '-']
        .map((c, i) => c.padEnd(i === 0 ? 18 : 12))
        .join(''),
    );
  }
  const cmp = (await (
    await fetch(`${apiUrl}/v1/compare`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ project: opts.project, runIds: top.runs.slice(0, 3).map((r) => r.id), metrics: ['val/acc', 'val/loss'] }),
    })
  ).json()) as { params: { key: string; differs: boolean }[]; lineage: { key: string; values: unknown[]; differs: boolean }[] };
  const differing = cmp.params.filter((p) => p.differs).map((p) => p.key);
  const lineage = cmp.lineage.filter((l) => l.differs && l.key !== 'seed' && l.key !== 'host');
  console.log(`\nTop 3 differ in params: ${differing.join(', ') || 'none'}`);
  if (lineage.length > 0) {
    console.log(`…and in lineage: ${lineage.map((l) => `${l.key} (${l.values.map(String).join(' vs ')})`).join('; ')} — part of the difference may come from there.`);
  }
  console.log(`
API:      ${apiUrl}
  ${apiUrl}/v1/runs?project=${opts.project}&sweep=${sweepId}&sort=metrics.val/acc.max:desc&limit=10
  ${apiUrl}/v1/runs/${top.runs[0]?.id ?? '<id>'}?project=${opts.project}
  ${apiUrl}/v1/runs/${top.runs[0]?.id ?? '<id>'}/metrics/val/acc?project=${opts.project}&maxPoints=200
  POST ${apiUrl}/v1/compare  {"project":"${opts.project}","runIds":[…]}
OpenAPI:  ${apiUrl}/docs/json
Serving until Ctrl-C (Kafka and ClickHouse keep running; stop them with npm run stack:down).`);
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
  });
  say('stopping processor and API');
  stopChildren();
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
}
