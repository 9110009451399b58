// `npm run demo:online` (runlens demo --online): champion against challenger on live traffic.
// Two runs become versions 1 and 2 of a registered model (version 1 the champion, whose moves
// need evidence from then on); an online experiment is declared between the champion alias and
// version 2; simulated traffic streams in for about 90 seconds (the challenger converts 0.8 pp
// better) while the always-valid interval is printed as it narrows; then the answer is saved as
// evidence and the champion alias moves to version 2 on it, and the API keeps serving (with the
// experiment's dashboard page, /ui/online/<id>).
import type { Config } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { RunlensClient } from '../ingest/sdk/client.ts';
import { logSimulatedUnit, simulateTraffic, type SimulatedUnit } from '../ingest/simulate/online.ts';
import { say, startServices, untilStopped, type DemoTokens } from './demo-services.ts';

const STREAM_SECONDS = 90;
const UNITS = 270_000;

interface Answer {
  summary: string;
  unitsTotal: number;
  metrics: { name: string; comparisons: { estimate: number | null; fixedHorizon: { pValue: number; interval: { lower: number; upper: number } } | null; sequential: { pValue: number; interval: { lower: number | null; upper: number | null } } | null }[] }[];
}

export async function serveOnline(config: Config, project: string, tokens: DemoTokens): Promise<void> {
  const { apiUrl, stop } = await startServices(config);
  const call = async <T>(method: string, path: string, body?: unknown, token = tokens.registry): Promise<T> => {
    const r = await fetch(`${apiUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const model = `ranker-${stamp}`;
  const sdk = await RunlensClient.connect({ brokers: config.kafkaBrokers, topicPrefix: config.topicPrefix, flushOnExit: false, logger: createLogger('demo-sdk', 'silent') });
  try {
    // Two training runs: the model in production and the one that wants its place.
    for (const [runId, lr] of [[`${model}-a`, 0.1], [`${model}-b`, 0.03]] as const) {
      const run = await sdk.startRun({ project: project, experiment: 'ranker', runId, params: { lr } });
      run.log({ 'val/ndcg': lr === 0.1 ? 0.71 : 0.73 }, 1);
      await run.finish();
    }
    await sdk.flush();
    for (let i = 0; ; i++) {
      const r = await fetch(`${apiUrl}/v1/runs/${model}-b`, { headers: { authorization: `Bearer ${tokens.read}` } });
      if (r.ok) break;
      if (i > 200) throw new Error('the two runs were not stored within 20 s');
      await new Promise((res) => setTimeout(res, 100));
    }
    await call('POST', '/v1/models', { name: model, description: 'the demo ranker' });
    await call('POST', `/v1/models/${model}/versions`, { runId: `${model}-a` });
    await call('POST', `/v1/models/${model}/versions`, { runId: `${model}-b` });
    await call('PUT', `/v1/models/${model}/aliases/champion`, { version: 1, reason: 'in production before the demo' });
    await call('PATCH', `/v1/models/${model}`, { requireEvidence: ['champion'] });
    say(`registered ${model} versions 1 (champion) and 2; the champion now moves only on evidence`);

    const experiment = `${model}-ab`;
    await call('POST', '/v1/online/experiments', {
      id: experiment, name: 'ranker v2 against the champion', model, control: 'champion', plannedSampleSize: UNITS,
      variants: [{ name: 'champion', alias: 'champion' }, { name: 'challenger', version: 2 }],
      metrics: [
        { name: 'conversion', kind: 'binary', role: 'primary', better: 'higher' },
        { name: 'revenue', kind: 'continuous', role: 'secondary', better: 'higher' },
        { name: 'latency_ms', kind: 'continuous', role: 'guardrail', better: 'lower', statistic: 'p95', margin: 10 },
      ],
    });
    say(`declared online experiment ${experiment}: champion (v1) against challenger (v2), conversion primary, latency p95 a guardrail (at most 10 ms worse)`);
    say(`streaming ${UNITS.toLocaleString('en-US')} users over ${STREAM_SECONDS} s (the challenger truly converts 10.8% against 10.0%); the always-valid interval every 10 s:`);

    const units: SimulatedUnit[] = [];
    simulateTraffic({
      variants: [{ name: 'champion', weight: 0.5, conversion: 0.1, revenue: 20, latencyMs: 80 }, { name: 'challenger', weight: 0.5, conversion: 0.108, revenue: 20.3, latencyMs: 81 }],
      units: UNITS, seed: 42, startAt: 0, durationMs: STREAM_SECONDS * 1000, unitPrefix: `${stamp}-u`,
    }, (u) => units.push(u));
    const log = sdk.outcomeLogger(project, experiment);
    const started = Date.now();
    let next = 0;
    let nextReport = started + 10_000;
    const report = async () => {
      const a = await call<Answer>('POST', '/v1/online/analysis', { experiment }, tokens.read);
      const c = a.metrics[0]!.comparisons[0]!;
      const n = a.unitsTotal;
      const pp = (x: number | null) => (x === null ? '   ∞' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}`);
      const seq = c.sequential ? `always-valid CI ${pp(c.sequential.interval.lower)} to ${pp(c.sequential.interval.upper)} pp, p ${c.sequential.pValue.toPrecision(2)}` : 'always-valid: not enough data yet';
      const fixed = c.fixedHorizon ? `fixed-horizon p ${c.fixedHorizon.pValue.toPrecision(2)}` : '';
      console.log(`  ${String(Math.round((Date.now() - started) / 1000)).padStart(3)} s  ${n.toLocaleString('en-US').padStart(8)} users  conversion ${c.estimate === null ? '–' : pp(c.estimate)} pp  (${seq}; ${fixed})`);
    };
    // Real time: each user arrives when the simulation says, stamped with the clock.
    while (next < units.length) {
      const due = started + (units[next]!.at);
      const now = Date.now();
      if (due > now) await new Promise((r) => setTimeout(r, Math.min(50, due - now)));
      const at = Date.now();
      while (next < units.length && started + units[next]!.at <= at) {
        const u = units[next++]!;
        logSimulatedUnit(log, u, at);
      }
      if (at >= nextReport) {
        nextReport += 10_000;
        await report();
      }
    }
    await log.flush();
    await new Promise((r) => setTimeout(r, 2_000)); // the processor's last batch
    await report();
    const final = await call<Answer>('POST', '/v1/online/analysis', { experiment }, tokens.read);
    console.log(`\n${final.summary}\n`);
    const evidence = await call<{ id: string }>('POST', '/v1/evidence', { route: '/v1/online/analysis', request: { experiment }, note: 'the demo A/B test' });
    try {
      await call('PUT', `/v1/models/${model}/aliases/champion`, { version: 2, evidence: [evidence.id], reason: 'wins the online A/B test' });
      say(`champion moved to version 2 on evidence ${evidence.id}`);
    } catch (err) {
      say(`the champion stays at version 1: ${(err as Error).message}`);
    }
    console.log(`
Dashboard: ${apiUrl}/ui/online/${encodeURIComponent(experiment)}#token=${tokens.read}
           (the experiment's page: the sentence, both intervals per metric, the always-valid interval over time)
API:      ${apiUrl}
  export READ_TOKEN=${tokens.read}
  export INGEST_TOKEN=${tokens.ingest}
  export REGISTRY_TOKEN=${tokens.registry}

  curl -H "Authorization: Bearer $READ_TOKEN" -H 'content-type: application/json' -d '{"experiment": "${experiment}"}' ${apiUrl}/v1/online/analysis
  curl -H "Authorization: Bearer $READ_TOKEN" -H 'content-type: application/json' -d '{"experiment": "${experiment}", "basis": "fixedHorizon"}' ${apiUrl}/v1/online/analysis
  curl -H "Authorization: Bearer $READ_TOKEN" -H 'Accept: text/markdown' '${apiUrl}/v1/models/${model}/versions/2/trail'

Serving until Ctrl-C (Kafka and ClickHouse keep running; stop them with npm run stack:down).`);
  } finally {
    await sdk.close();
  }
  await untilStopped();
  say('stopping processor and API, revoking the demo tokens');
  await stop();
}
