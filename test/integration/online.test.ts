// Online experiments end to end on the real Kafka, processor, ClickHouse and API: two registered
// versions, an experiment declared against them, simulated traffic sent by the SDK's outcome
// logger (and a batch through the HTTP gateway), then the analysis — its fixed-horizon answers
// equal SciPy's on the raw values sent, its p95 numpy's within the histogram's 1%, the
// sequential interval's path has a point per look, and the answer saved as evidence lets the
// champion alias move to the challenger where the model requires evidence.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { logSimulatedUnit, simulateTraffic, type SimulatedUnit } from '../../ingest/simulate/online.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { ensureVirtualenv, MINUTE, runCommand } from '../helpers/python.ts';
import { pythonSdkEnv, pythonSdkVirtualenv } from '../helpers/python-sdk.ts';

const PROJECT = 'shop';
const UNITS = 12_000;
let ns: Namespace;
let processor: Processor;
let app: App;
let writer: Record<string, string>;
let reader: Record<string, string>;
let ingest: Record<string, string>;
let python: Promise<string>;
const sent: SimulatedUnit[] = [];
const start = Date.now() - 15 * 60_000;

const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object, headers = writer) => app.inject({ method, url, payload, headers });

beforeAll(async () => {
  python = ensureVirtualenv('online-reference', ['scipy==1.17.1', 'numpy==2.3.5']).then((v) => v.python);
  ns = await freshNamespace('online');
  processor = await startProcessor(ns);
  app = await buildTestApp(ns, { gateway: true });
  writer = bearer(await createTestToken(ns, PROJECT, ['read', 'registry']));
  reader = bearer(await createTestToken(ns, PROJECT, ['read']));
  ingest = bearer(await createTestToken(ns, PROJECT, ['ingest']));
  const sdk = await connectSdk(ns);
  for (const runId of ['ranker-a', 'ranker-b']) await (await sdk.startRun({ project: PROJECT, experiment: 'ranker', runId, params: { lr: 0.1 } })).finish();
  await sdk.close();
  await eventually(async () => ((await count(ns, 'SELECT count() AS n FROM run_finishes')) === 2 ? true : undefined), 60_000, 'runs stored');
  expect((await call('POST', '/v1/models', { name: 'ranker' })).statusCode).toBe(201);
  expect((await call('POST', '/v1/models/ranker/versions', { runId: 'ranker-a' })).statusCode).toBe(201);
  expect((await call('POST', '/v1/models/ranker/versions', { runId: 'ranker-b' })).statusCode).toBe(201);
  expect((await call('PUT', '/v1/models/ranker/aliases/champion', { version: 1 })).statusCode).toBe(200);
  // From now on the champion moves only with evidence.
  expect((await call('PATCH', '/v1/models/ranker', { requireEvidence: ['champion'] })).statusCode).toBe(200);
}, 180_000);

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

const declaration = {
  id: 'ranker-v2-vs-v1', name: 'ranker v2 against the champion', model: 'ranker',
  variants: [{ name: 'champion', alias: 'champion' }, { name: 'challenger', version: 2 }], control: 'champion',
  metrics: [
    { name: 'conversion', kind: 'binary', role: 'primary', better: 'higher' },
    { name: 'revenue', kind: 'continuous', role: 'secondary', better: 'higher' },
    { name: 'latency_ms', kind: 'continuous', role: 'guardrail', better: 'lower', statistic: 'p95', margin: 15 },
  ],
  plannedSampleSize: UNITS,
};

describe('declaring an online experiment', () => {
  it('resolves aliases against the registry and refuses what it cannot resolve or change', async () => {
    const r = await call('POST', '/v1/online/experiments', declaration);
    expect(r.statusCode, r.body).toBe(201);
    const e = r.json();
    expect(e.variants).toEqual([
      { name: 'champion', alias: 'champion', version: 1, runId: 'ranker-a', weight: 0.5 },
      { name: 'challenger', alias: null, version: 2, runId: 'ranker-b', weight: 0.5 },
    ]);
    expect(e).toMatchObject({ alpha: 0.05, status: 'running', plannedSampleSize: UNITS });
    expect((await call('GET', '/v1/online/experiments', undefined, reader)).json().experiments.map((x: { id: string }) => x.id)).toEqual(['ranker-v2-vs-v1']);
    expect((await call('POST', '/v1/online/experiments', { ...declaration, id: 'x', variants: [{ name: 'a', alias: 'nope' }, { name: 'b', version: 2 }], control: 'a' })).json())
      .toEqual({ error: 'registered model "ranker" has no alias "nope"' });
    expect((await call('POST', '/v1/online/experiments', { ...declaration, id: 'x', variants: [{ name: 'a', version: 1 }, { name: 'b', version: 9 }], control: 'a' })).statusCode).toBe(404);
    expect((await call('POST', '/v1/online/experiments', { ...declaration, id: 'x', control: 'nobody' })).json().error).toMatch(/control "nobody" is none of the variants/);
    expect((await call('POST', '/v1/online/experiments', { ...declaration, id: 'x', metrics: [{ name: 'm', kind: 'continuous', role: 'guardrail', better: 'lower' }] })).json().error).toMatch(/needs a non-negative margin/);
    expect((await call('POST', '/v1/online/experiments', { ...declaration, variants: [{ name: 'champion', version: 1, weight: 0.9 }, { name: 'challenger', version: 2, weight: 0.1 }] })).statusCode).toBe(409);
    expect((await call('POST', '/v1/online/experiments', declaration, reader)).statusCode).toBe(403);
    // Declarations come through this route only, never as ingested events.
    const event = { project: PROJECT, experimentId: 'forged', name: 'f', description: '', model: 'ranker', variants: e.variants, control: 'champion', metrics: e.metrics, alpha: 0.05, plannedSampleSize: 10, status: 'running', actor: 'me', declaredAt: 1 };
    const forged = await app.inject({ method: 'POST', url: '/v1/ingest/events', headers: ingest, payload: { type: 'OnlineExperimentDeclared', event } });
    expect(forged.json().error).toMatch(/declared through POST \/v1\/online\/experiments/);
    expect(forged.statusCode).toBe(403);
  });
});

describe('an experiment fed by the SDK and the gateway', () => {
  it('stores every outcome once, and answers as SciPy does on the raw values', async () => {
    const sdk = await connectSdk(ns);
    const log = sdk.outcomeLogger(PROJECT, declaration.id);
    simulateTraffic({
      variants: [{ name: 'champion', weight: 0.5, conversion: 0.1, revenue: 20, latencyMs: 80 }, { name: 'challenger', weight: 0.5, conversion: 0.13, revenue: 20.5, latencyMs: 80 }],
      units: UNITS, seed: 11, startAt: start, durationMs: 10 * 60_000,
    }, (u) => {
      sent.push(u);
      if (sent.length > UNITS - 10) return; // the last ten go through the gateway
      logSimulatedUnit(log, u);
    });
    expect(() => log.record('u', 'champion', 'revenue', NaN)).toThrow(/not a finite number/);
    await sdk.close();
    const tail = sent.slice(UNITS - 10);
    const variants = ['champion', 'challenger'];
    const metrics = ['conversion', 'latency_ms'];
    const rows = tail.flatMap((u) => [[u, -1, 0], [u, 0, u.conversion], [u, 1, u.latencyMs]] as const);
    const viaGateway = { type: 'OutcomeBatch', event: { project: PROJECT, experimentId: declaration.id, variants, metrics, unitIds: rows.map(([u]) => u.unit), variantIndex: rows.map(([u]) => variants.indexOf(u.variant)),
        metricIndex: rows.map(([, m]) => m), values: rows.map(([, , v]) => v), times: rows.map(([u]) => u.at), producerId: 'gateway-test', sequence: 0 } };
    const gateway = await app.inject({ method: 'POST', url: '/v1/ingest/events', headers: ingest, payload: viaGateway });
    expect(gateway.statusCode, gateway.body).toBe(202);
    // A retried gateway request (the same identity) is stored once; it goes before the revenue batch
    // on the same key, so once the revenue is counted the retry was processed too.
    expect((await app.inject({ method: 'POST', url: '/v1/ingest/events', headers: ingest, payload: viaGateway })).statusCode).toBe(202);
    // The tail's revenue with its covariate, in a batch of its own.
    const revenue = await app.inject({
      method: 'POST', url: '/v1/ingest/events', headers: ingest,
      payload: { type: 'OutcomeBatch', event: { project: PROJECT, experimentId: declaration.id, variants, metrics: ['revenue'], unitIds: tail.map((u) => u.unit), variantIndex: tail.map((u) => variants.indexOf(u.variant)),
        metricIndex: tail.map(() => 0), values: tail.map((u) => u.revenue), covariates: tail.map((u) => u.preRevenue), times: tail.map((u) => u.at), producerId: 'gateway-test', sequence: 1 } },
    });
    expect(revenue.statusCode, revenue.body).toBe(202);

    const answer = await eventually(async () => {
      const r = await call('POST', '/v1/online/analysis', { experiment: declaration.id, basis: 'fixedHorizon', cuped: false }, reader);
      const a = r.json();
      return Object.values(a.exposures as Record<string, number>).reduce((x, y) => x + y, 0) === UNITS && a.unitsTotal === UNITS && a.metrics[1].comparisons[0].sides.control.n + a.metrics[1].comparisons[0].sides.variant.n === UNITS ? a : undefined;
    }, 60_000, 'every outcome analysed');

    const byVariant = (v: string) => sent.filter((u) => u.variant === v);
    const data = {
      alpha: 0.05, kinds: { conversion: 'binary', revenue: 'continuous', latency_ms: 'continuous' }, weights: [0.5, 0.5],
      exposures: variants.map((v) => byVariant(v).length),
      metrics: Object.fromEntries((['conversion', 'revenue', 'latencyMs'] as const).map((m) => [m === 'latencyMs' ? 'latency_ms' : m, { variant: byVariant('challenger').map((u) => u[m]), control: byVariant('champion').map((u) => u[m]) }])),
    };
    const file = join(mkdtempSync(join(tmpdir(), 'online-')), 'sent.json');
    writeFileSync(file, JSON.stringify(data));
    const ran = await runCommand(await python, ['test/integration/python/online_scipy.py', file], 5 * MINUTE);
    expect(ran.code, ran.stderr).toBe(0);
    const scipy = JSON.parse(ran.stdout);
    const close = (a: number, b: number, rel: number) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.max(1e-12, Math.abs(b)));
    expect(answer.exposures).toEqual({ champion: data.exposures[1 - 1], challenger: data.exposures[1] });
    expect(answer.units).toEqual(answer.exposures); // each unit exposed once
    close(answer.srm.pValue, scipy.srm.pValue, 1e-9);
    const [conversion, revenueAnswer, latency] = answer.metrics.map((m: { comparisons: unknown[] }) => m.comparisons[0]);
    close(conversion.fixedHorizon.estimate, scipy.conversion.estimate, 1e-9);
    close(conversion.fixedHorizon.pValue, scipy.conversion.pValue, 1e-6);
    close(revenueAnswer.fixedHorizon.estimate, scipy.revenue.estimate, 1e-9);
    close(revenueAnswer.fixedHorizon.pValue, scipy.revenue.pValue, 1e-6);
    close(revenueAnswer.fixedHorizon.interval.lower, scipy.revenue.lower, 1e-6);
    close(revenueAnswer.fixedHorizon.interval.upper, scipy.revenue.upper, 1e-6);
    close(latency.sides.variant.value, scipy.latency_ms.p95Variant, 0.02);
    close(latency.sides.control.value, scipy.latency_ms.p95Control, 0.02);
    expect(conversion.verdict).toBe('better');
    expect(latency.guardrail).toMatchObject({ status: 'passed', basis: 'fixedHorizon' });
  });

  it('gives the always-valid interval a point per look, CUPED where the covariate was logged, and a sentence', async () => {
    const a = (await call('POST', '/v1/online/analysis', { experiment: declaration.id }, reader)).json();
    console.log(a.summary);
    const conversion = a.metrics[0].comparisons[0];
    expect(a.window.lookMs).toBe(10_000);
    expect(conversion.path.length).toBeGreaterThan(40); // 10 minutes of 10-second looks, once both sides have 100
    const last = conversion.path.at(-1);
    expect(conversion.sequential.interval).toMatchObject({ lower: last.validLower, upper: last.validUpper });
    // The always-valid interval is wider than the fixed-horizon one at the same data, and holds the last look's estimate.
    expect(last.lower).toBeLessThanOrEqual(last.estimate);
    expect(last.upper).toBeGreaterThanOrEqual(last.estimate);
    expect(conversion.sequential.interval.upper - conversion.sequential.interval.lower).toBeGreaterThan(conversion.fixedHorizon.interval.upper - conversion.fixedHorizon.interval.lower);
    for (let i = 1; i < conversion.path.length; i++) {
      expect(conversion.path[i].validLower).toBeGreaterThanOrEqual(conversion.path[i - 1].validLower);
      expect(conversion.path[i].validUpper).toBeLessThanOrEqual(conversion.path[i - 1].validUpper);
    }
    const revenue = a.metrics[1].comparisons[0];
    expect(revenue.cuped.applied).toBe(true);
    expect(revenue.cuped.varianceReduction).toBeGreaterThan(0.2);
    expect(a.summary).toMatch(/^challenger \(v2\) raises conversion by [\d.]+ pp against champion \(v1\) \(95% always-valid CI [\d.]+ to [\d.]+ pp\) after 12,000 observations; guardrail latency_ms p95 passed for challenger \(v2\): .*; SRM check passed \(p = [\d.]+\)$/);
    // A window of about the first 5 minutes answers on that traffic alone (windows are whole 10-second buckets).
    const until = start + 5 * 60_000;
    const early = (await call('POST', '/v1/online/analysis', { experiment: declaration.id, until }, reader)).json();
    const cut = Math.floor(until / 10_000) * 10_000;
    expect(early.window.until).toBe(cut);
    expect(Object.values(early.exposures as Record<string, number>).reduce((x, y) => x + y, 0)).toBe(sent.filter((u) => u.at < cut).length);
    expect((await call('POST', '/v1/online/analysis', { experiment: 'nope' }, reader)).statusCode).toBe(404);
  });

  it('saved as evidence, lets the champion alias move to the challenger', async () => {
    const saved = await call('POST', '/v1/evidence', { route: '/v1/online/analysis', request: { experiment: declaration.id }, note: 'two weeks of traffic' });
    expect(saved.statusCode, saved.body).toBe(201);
    const evidence = saved.json();
    expect(evidence).toMatchObject({ route: '/v1/online/analysis', runIds: ['ranker-a', 'ranker-b'] });
    expect(evidence.summary).toMatch(/^challenger \(v2\) raises conversion/);
    expect((await call('PUT', '/v1/models/ranker/aliases/champion', { version: 2 })).statusCode).toBe(409);
    const moved = await call('PUT', '/v1/models/ranker/aliases/champion', { version: 2, evidence: [evidence.id], reason: 'wins online' });
    expect(moved.statusCode, moved.body).toBe(200);
    const trail = (await call('GET', '/v1/models/ranker/versions/2/trail', undefined, reader)).json();
    expect(JSON.stringify(trail)).toContain('raises conversion');
    // Stopped afterwards: the champion alias now names version 2, but the experiment keeps the version it resolved when declared.
    const stopped = await call('POST', '/v1/online/experiments', { ...declaration, status: 'stopped' });
    expect(stopped.statusCode, stopped.body).toBe(200);
    expect(stopped.json()).toMatchObject({ status: 'stopped', variants: [{ name: 'champion', alias: 'champion', version: 1 }, { name: 'challenger', version: 2 }] });
    // The design is fixed once declared.
    expect((await call('POST', '/v1/online/experiments', { ...declaration, alpha: 0.1 })).json().error).toMatch(/has alpha 0.05/);
    expect((await call('POST', '/v1/online/experiments', { ...declaration, metrics: [...declaration.metrics, { name: 'ctr', kind: 'binary', role: 'primary', better: 'higher' }] })).json().error).toMatch(/new metrics as secondary only/);
    // A secondary metric may be added; left out, the status stays what it was, and the variants may come in any order.
    const added = await call('POST', '/v1/online/experiments', { ...declaration, variants: [...declaration.variants].reverse(), metrics: [...declaration.metrics, { name: 'ctr', kind: 'binary', role: 'secondary', better: 'higher' }] });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toMatchObject({ status: 'stopped', metrics: [{ name: 'conversion' }, { name: 'revenue' }, { name: 'latency_ms' }, { name: 'ctr', role: 'secondary' }] });
  });
});

describe('a ratio metric (clicks per impression, the unit a user)', () => {
  it('compares Σ clicks / Σ impressions by the delta method over users', async () => {
    const id = 'ctr-ab';
    const r = await call('POST', '/v1/online/experiments', { ...declaration, id, metrics: [{ name: 'ctr', kind: 'ratio', role: 'primary', better: 'higher' }] });
    expect(r.statusCode, r.body).toBe(201);
    const sdk = await connectSdk(ns);
    const log = sdk.outcomeLogger(PROJECT, id, { perUnit: ['ctr'] });
    const users = new Map<string, { variant: string; clicks: number; impressions: number }>();
    let seed = 1;
    const uniform = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let u = 0; u < 2_000; u++) {
      const variant = u % 2 === 0 ? 'champion' : 'challenger';
      const rate = (uniform() < 0.2 ? 0.4 : 0.05) + (variant === 'challenger' ? 0.02 : 0);
      const impressions = 1 + Math.floor(uniform() * 8);
      const user = { variant, clicks: 0, impressions };
      log.expose(`c${u}`, variant, start + u * 100);
      for (let i = 0; i < impressions; i++) {
        const click = uniform() < rate ? 1 : 0;
        user.clicks += click;
        log.record(`c${u}`, variant, 'ctr', click, { at: start + u * 100 + i });
      }
      users.set(`c${u}`, user);
    }
    await sdk.close();
    const a = await eventually(async () => {
      const x = (await call('POST', '/v1/online/analysis', { experiment: id }, reader)).json();
      return x.metrics[0].comparisons[0].sides.control.n + x.metrics[0].comparisons[0].sides.variant.n === 2_000 ? x : undefined;
    }, 60_000, 'the ratio metric stored');
    const c = a.metrics[0].comparisons[0];
    // The reference, computed here from each user's totals: R = Σ clicks / Σ impressions, Var(R) = s²(clicks − R·impressions) / (k · mean impressions²).
    const side = (variant: string) => {
      const us = [...users.values()].filter((x) => x.variant === variant);
      const R = us.reduce((t, x) => t + x.clicks, 0) / us.reduce((t, x) => t + x.impressions, 0);
      const meanN = us.reduce((t, x) => t + x.impressions, 0) / us.length;
      const s2 = us.reduce((t, x) => t + (x.clicks - R * x.impressions) ** 2, 0) / (us.length - 1);
      return { R, variance: s2 / (us.length * meanN * meanN), units: us.length };
    };
    const v = side('challenger');
    const k = side('champion');
    expect(c.sides.variant).toMatchObject({ n: v.units });
    expect(c.sides.variant.value).toBeCloseTo(v.R, 12);
    expect(c.sides.control.value).toBeCloseTo(k.R, 12);
    expect(c.fixedHorizon.standardError).toBeCloseTo(Math.sqrt(v.variance + k.variance), 12);
    expect(c.path.length).toBeGreaterThan(1);
    expect(c.sequential.looks).toBe(c.path.length);
    expect(c.sentence).toMatch(/after 2,000 units/);
  });
});

describe('the sample-ratio check', () => {
  it('counts the distinct units exposed, however often each was logged, and names units seen in both variants', async () => {
    const id = 'returning-users';
    expect((await call('POST', '/v1/online/experiments', { ...declaration, id })).statusCode).toBe(201);
    const sdk = await connectSdk(ns);
    const log = sdk.outcomeLogger(PROJECT, id);
    // 2,000 users a side; the challenger's come back: exposed 1 to 3 times, minutes apart (other
    // buckets, other messages). Five more users see both variants.
    let exposures = 0;
    for (let u = 0; u < 4_000; u++) {
      const variant = u % 2 === 0 ? 'champion' : 'challenger';
      const visits = variant === 'champion' ? 1 : 1 + (u % 3);
      for (let k = 0; k < visits; k++, exposures++) log.expose(`r${u}`, variant, start + k * 120_000 + u);
    }
    for (let u = 0; u < 5; u++, exposures += 2) {
      log.expose(`both${u}`, 'champion', start + u);
      log.expose(`both${u}`, 'challenger', start + 60_000 + u);
    }
    await sdk.close();
    const a = await eventually(async () => {
      const x = (await call('POST', '/v1/online/analysis', { experiment: id }, reader)).json();
      return x.exposures.champion + x.exposures.challenger === exposures && x.unitsTotal === 4_005 ? x : undefined;
    }, 60_000, 'every exposure stored');
    expect(a.exposures.challenger).toBeGreaterThan(a.exposures.champion * 1.9);
    expect(a.units).toEqual({ champion: 2_005, challenger: 2_005 });
    expect(a.unitsTotal).toBe(4_005);
    expect(a.srm).toMatchObject({ mismatch: false, chiSquare: 0, pValue: 1, counts: { champion: 2_005, challenger: 2_005 } });
    expect(a.warnings).toEqual(['5 units were exposed to more than one variant (is the assignment sticky? do unit ids collide?): each counts in every variant it saw']);
    // A window counts the units exposed within it: the first visits (all within 4 s of the start)
    // and the both-variant users' champion visits come before 30 s, their challenger visits after.
    const first = (await call('POST', '/v1/online/analysis', { experiment: id, until: start + 30_000 }, reader)).json();
    expect(first.units).toEqual({ champion: 2_005, challenger: 2_000 });
    expect(first.warnings).toEqual([]);
    const later = (await call('POST', '/v1/online/analysis', { experiment: id, from: start + 120_000 }, reader)).json();
    expect(later.units.champion).toBe(0);
    expect(later.units.challenger).toBe([...Array(4_000).keys()].filter((u) => u % 2 === 1 && u % 3 > 0).length);
  });
});

describe('the Python package', () => {
  it('logs exposures and outcomes that the analysis counts', async () => {
    const id = 'py-ab';
    expect((await call('POST', '/v1/online/experiments', { ...declaration, id, metrics: declaration.metrics.slice(0, 2) })).statusCode).toBe(201);
    const venv = await pythonSdkVirtualenv();
    const ran = await runCommand(venv.python, ['test/integration/python/online_run.py', PROJECT, id, '3000'], 5 * MINUTE, { env: pythonSdkEnv(ns) });
    expect(ran.code, ran.stderr).toBe(0);
    const sent = JSON.parse(ran.stdout) as Record<string, { units: number; conversions: number; revenue: number }>;
    const a = await eventually(async () => {
      const r = (await call('POST', '/v1/online/analysis', { experiment: id }, reader)).json();
      return r.exposures.champion + r.exposures.challenger === 3000 ? r : undefined;
    }, 60_000, 'the Python outcomes stored');
    expect(a.exposures).toEqual({ champion: sent.champion!.units, challenger: sent.challenger!.units });
    const conversion = a.metrics[0].comparisons[0];
    expect(conversion.sides.control.value).toBeCloseTo(sent.champion!.conversions / sent.champion!.units, 12);
    const revenue = a.metrics[1].comparisons[0];
    expect(revenue.sides.variant.value).toBeCloseTo(sent.challenger!.revenue / sent.challenger!.units, 9);
    expect(revenue.cuped.applied).toBe(true);
  });
});
