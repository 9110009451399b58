// `runlens demo` (what `npm run demo` runs): stack up, migrate, create a read, an ingest and a
// registry token for the demo project, start the processor and the API as child processes,
// simulate a sweep (with confusion matrices, PR curves, captions and console lines), wait until
// every point is queryable, print the best runs side by side and two runs' confusion matrices,
// rank the configurations, save that ranking as evidence and register the best run as the
// model's champion on it (its trail printed), then curl examples with the tokens, and keep
// serving until Ctrl-C. The tokens are printed because this is a local demo; they are revoked
// when it stops. With --online, the online A/B demo instead (demo-online.ts).
import { createClickHouse } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import { createToken, revokeToken } from '../storage/api-tokens.ts';
import { migrate, MIGRATION_TIMEOUT_MS } from '../storage/migrate.ts';
import { simulate } from './simulate.ts';
import { stack } from './stack.ts';
import { say, startServices, untilStopped, type DemoTokens } from './demo-services.ts';
import { waitForSweep } from './wait.ts';

export interface DemoOptions {
  configs: number;
  seeds: number;
  steps: number;
  project: string;
  /** Instead of the sweep: an online A/B test between two registered versions (cli/demo-online.ts). */
  online?: boolean;
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
  const admin = createClickHouse(config, { database: 'default', requestTimeoutMs: MIGRATION_TIMEOUT_MS });
  const m = await migrate(admin, config.clickhouseDatabase, undefined, { cluster: config.clickhouseCluster });
  await admin.close();
  say(`migrations: ${m.applied.length} applied, ${m.skipped.length} already there`);
  const tokenStore = createClickHouse(config);
  const readToken = await createToken(tokenStore, { project: opts.project, scopes: ['read'], name: 'demo (read)' });
  const ingestToken = await createToken(tokenStore, { project: opts.project, scopes: ['ingest'], name: 'demo (ingest)' });
  const registryToken = await createToken(tokenStore, { project: opts.project, scopes: ['read', 'registry'], name: 'demo (registry)' });
  say(`created a read, an ingest and a registry token for project "${opts.project}" (revoked when the demo stops)`);
  try {
    const tokens = { read: readToken.token, ingest: ingestToken.token, registry: registryToken.token };
    if (opts.online) await (await import('./demo-online.ts')).serveOnline(config, opts.project, tokens);
    else await serve(config, opts, tokens, elapsed);
  } finally {
    // The tokens were printed to a terminal: they must not outlive the demo, even a failed one.
    await Promise.all([readToken, ingestToken, registryToken].map((t) => revokeToken(tokenStore, t.record.id)));
    await tokenStore.close();
  }
}

/** Everything after set-up: children, sweep, comparison, examples; returns on SIGINT/SIGTERM. */
/**
 * From comparison to registry: the configurations ranked (a leaderboard over seeds), that
 * ranking saved as evidence, the best configuration's best run registered as version 1 of a
 * model that requires evidence for its champion, and made champion on that evidence. Prints the
 * evidence's sentence and the trail's address.
 */
async function register(apiUrl: string, token: string, sweepId: string): Promise<{ model: string; version: number; evidence: string }> {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${apiUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  const leaderboard = { selection: { sweep: sweepId }, groupBy: 'all-but-seed', metric: 'val/acc.max', direction: 'maximize' };
  const evidence = await call<{ id: string; summary: string }>('POST', '/v1/evidence', { route: '/v1/stats/leaderboard', request: leaderboard, note: 'demo sweep, ranked over seeds' });
  const answer = await call<{ answer: { best: string; groups: { label: string; runIds: string[] }[] } }>('GET', `/v1/evidence/${evidence.id}`);
  const bestGroup = answer.answer.groups.find((g) => g.label === answer.answer.best)!;
  // The best group's best run, as the runs list sorts them.
  const q = new URLSearchParams({ filter: `run_id in (${bestGroup.runIds.map((id) => `'${id}'`).join(', ')})`, sort: 'metrics.val/acc.max:desc', limit: '1' });
  const [run] = (await call<{ runs: { id: string }[] }>('GET', `/v1/runs?${q}`)).runs;
  const model = `${sweepId}-classifier`;
  await call('POST', '/v1/models', { name: model, description: `the demo sweep ${sweepId}`, requireEvidence: ['champion'] });
  const { version } = await call<{ version: number }>('POST', `/v1/models/${model}/versions`, { runId: run!.id, metrics: ['val/acc.max', 'val/loss.min'] });
  await call('PUT', `/v1/models/${model}/aliases/champion`, { version, evidence: [evidence.id], reason: 'best configuration over seeds' });
  // The leaderboard's sentence goes on to list the groups as good as the best: its first clause here, all of it in the trail.
  console.log(`\nRegistered ${model} version ${version} (run ${run!.id}) as champion, on evidence ${evidence.id}:\n  ${evidence.summary.split('; ')[0]}`);
  return { model, version, evidence: evidence.id };
}

async function serve(config: Config, opts: DemoOptions, tokens: DemoTokens, elapsed: () => string): Promise<void> {
  const auth = { authorization: `Bearer ${tokens.read}` };
  const { apiUrl, stop } = await startServices(config);

  const sweepId = `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  say(`simulating sweep ${sweepId}: ${opts.configs} configs × ${opts.seeds} seeds × ${opts.steps} steps`);
  const result = await simulate(config, { project: opts.project, experiment: 'demo', sweepId, configs: opts.configs, seeds: opts.seeds, steps: opts.steps, artifacts: true });
  say(`sent ${result.points.toLocaleString('en-US')} points in ${result.seconds.toFixed(1)}s (${Math.round(result.pointsPerSecond).toLocaleString('en-US')} points/s)`);

  const sent = performance.now();
  const ch = createClickHouse(config);
  const runs = result.runIds.length;
  await waitForSweep(ch, opts.project, sweepId, { runs, finished: runs, points: result.points });
  await ch.close();
  say(`everything queryable ${((performance.now() - sent) / 1000).toFixed(1)}s after the last send; set-up took ${elapsed()}`);

  const q = new URLSearchParams({ sweep: sweepId, sort: 'metrics.val/acc.max:desc', limit: '5' });
  const top = (await (await fetch(`${apiUrl}/v1/runs?${q}`, { headers: auth })).json()) as { runs: ApiRun[] };
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
  const api = async <T>(path: string, body: unknown): Promise<T> =>
    (await (await fetch(`${apiUrl}${path}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as T;
  const cmp = await api<{ params: { key: string }[]; warnings: string[] }>('/v1/compare', {
    runIds: top.runs.slice(0, 3).map((r) => r.id),
    metrics: ['val/acc', 'val/loss'],
    variables: ['params.lr', 'params.batch_size', 'params.optimizer', 'params.dropout', 'params.warmup'],
  });
  console.log(`\nTop 3 differ in params: ${cmp.params.map((p) => p.key).join(', ') || 'none'}`);
  for (const w of cmp.warnings) console.log(`  ⚠ ${w}`);

  // Seeds are replicates: the configurations ranked by their mean over seeds, with a 95% CI.
  const groups = await api<{ groups: { label: string; n: number; metrics: Record<string, { mean: number; ci95: [number, number] | null }> }[] }>('/v1/groups', {
    selection: { sweep: sweepId },
    by: 'all-but-seed',
    metrics: ['val/acc.max'],
    limit: 3,
  });
  console.log('\nBest configurations over seeds (val/acc max, mean and 95% CI):');
  for (const g of groups.groups) {
    const s = g.metrics['val/acc.max']!;
    const ci = s.ci95 ? `[${s.ci95[0].toFixed(4)}, ${s.ci95[1].toFixed(4)}]` : '(one run)';
    console.log(`  ${s.mean.toFixed(4)} ${ci}  n=${g.n}  ${g.label}`);
  }
  // What the runs logged to look at: the best run's confusion matrix against the best sgd run's
  // (the simulator plants sgd runs to take dogs for cats), and the captions that differ most.
  const [sgd] = (await (await fetch(`${apiUrl}/v1/runs?${new URLSearchParams({ sweep: sweepId, filter: "params.optimizer = 'sgd'", sort: 'metrics.val/acc.max:desc', limit: '1' })}`, { headers: auth })).json() as { runs: ApiRun[] }).runs;
  if (sgd && top.runs[0]) {
    const pair = [top.runs[0].id, sgd.id];
    const cm = await api<{ runs: { vsBaseline: { sentence: string } | null }[] }>('/v1/artifacts/confusion', { runIds: pair, name: 'confusion/val' });
    const caps = await api<{ rows: { inputId: string; outputs: ({ text: string } | null)[] }[] }>('/v1/artifacts/samples', { runIds: pair, name: 'captions/val', scoreDiff: { score: 'quality', min: 0.3 } });
    console.log(`\nConfusion matrices, ${pair[0]} against ${pair[1]}:\n  ${cm.runs[1]?.vsBaseline?.sentence ?? '(none)'}`);
    for (const r of caps.rows.slice(0, 2)) console.log(`  caption of ${r.inputId}: "${r.outputs[0]?.text}" against "${r.outputs[1]?.text}"`);
  }
  const chosen = await register(apiUrl, tokens.registry, sweepId);
  const best = top.runs[0]?.id ?? '<id>';
  const pair = JSON.stringify({ runIds: top.runs.slice(0, 2).map((r) => r.id) });
  const artifact = JSON.stringify({
    type: 'ArtifactLogged',
    event: { project: opts.project, runId: best, name: 'eval-report.html', kind: 'other', uri: `s3://reports/${best}.html`, digest: 'sha256:0', sizeBytes: 2048, loggedAt: Date.now(), metadata: {} },
  });
  const dashboard = `${apiUrl}/ui/?${new URLSearchParams({ sweep: sweepId, target: 'val/acc.max', sort: 'metrics.val/acc.max:desc' })}#token=${tokens.read}`;
  console.log(`
Dashboard: ${dashboard}
           (opens the sweep signed in with the read token; the token stays in that browser tab)
API:      ${apiUrl}   (every /v1 route needs a token of project "${opts.project}")
OpenAPI:  ${apiUrl}/docs/json

  export READ_TOKEN=${tokens.read}
  export INGEST_TOKEN=${tokens.ingest}
  export REGISTRY_TOKEN=${tokens.registry}

  curl -H "Authorization: Bearer $READ_TOKEN" -H 'Accept: text/markdown' '${apiUrl}/v1/models/${chosen.model}/versions/${chosen.version}/trail'
  curl -H "Authorization: Bearer $READ_TOKEN" '${apiUrl}/v1/runs?sweep=${sweepId}&sort=metrics.val/acc.max:desc&limit=10'
  curl -H "Authorization: Bearer $READ_TOKEN" '${apiUrl}/v1/runs/${best}'
  curl -H "Authorization: Bearer $READ_TOKEN" '${apiUrl}/v1/runs/${best}/metrics/val/acc?maxPoints=200'
  curl -H "Authorization: Bearer $READ_TOKEN" -H 'content-type: application/json' -d '${pair}' ${apiUrl}/v1/compare
  curl -H "Authorization: Bearer $INGEST_TOKEN" -H 'content-type: application/json' -d '${artifact}' ${apiUrl}/v1/ingest/events

More tokens: npm run runlens -- token create --project ${opts.project} --scopes read
Serving until Ctrl-C (Kafka and ClickHouse keep running; stop them with npm run stack:down).`);
  await untilStopped();
  say('stopping processor and API, revoking the demo tokens');
  await stop();
}
