// The statistics endpoints on the real Kafka and ClickHouse: simulated sweeps go through the SDK,
// the processor and ClickHouse, then /v1/stats/compare must find a planted effect (config A
// better than B by 0.01 on each of 8 seeds, paired by seed) and must not find one where none
// was planted — over hundreds of simulated repetitions through the same decision code without
// I/O, and over 20 repetitions through the endpoint. The leaderboard is checked on a small case
// by hand, /v1/stats/test against the statistics module. Requests carry a read token of
// project "stats".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../ingest/simulate/random.ts';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { parseMetricRef } from '../../query-api/selection/selection.ts';
import { compareSides, type SideData } from '../../query-api/stats/compare-sides.ts';
import { fakeRun } from '../../query-api/stats/test-runs.ts';
import { hodgesLehmannPaired, mannWhitneyU, pairedTTest, welchTTest, wilcoxonSignedRank } from '../../query-api/engines/statistics/index.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';

let ns: Namespace;
let processor: Processor;
let app: App;
const tokens = {} as Record<'read' | 'ingest' | 'other', string>;

const SEEDS = 8;
const EFFECT = 0.01;
const NULL_REPEATS = 20;
const CLASSES = ['class=cat', 'class=dog', 'class=bird', 'class=car', 'class=ship', 'class=frog'];

/**
 * One simulated comparison: per seed a shared seed effect (sd 0.01: some seeds are luckier for
 * every config, which is why pairing by seed helps) plus run noise (sd 0.003) on top of 0.85;
 * config A gets `effect` on top.
 */
function simulate(rng: Rng, effect: number, seeds = SEEDS): { a: number[]; b: number[] } {
  const a: number[] = [];
  const b: number[] = [];
  for (let s = 0; s < seeds; s++) {
    const seedEffect = 0.01 * rng.normal();
    a.push(0.85 + seedEffect + effect + 0.003 * rng.normal());
    b.push(0.85 + seedEffect + 0.003 * rng.normal());
  }
  return { a, b };
}

// What was logged, so every expectation can be computed from the same numbers.
const effect = simulate(new Rng(4), EFFECT);
const confounded = simulate(new Rng(5), EFFECT).a; // config C: A's effect, but on data v2
const nullRuns = Array.from({ length: NULL_REPEATS }, (_, k) => simulate(new Rng(1000 + k), 0));
const leaderboardTable: Record<string, number[]> = { '0.01': [0.9, 0.91, 0.92, 0.93], '0.1': [0.88, 0.9, 0.89, 0.91], '0.001': [0.7, 0.72, 0.71, 0.73] };
const segmentValues = (shift: number) => CLASSES.map((_, i) => 0.7 + 0.03 * i + shift + 0.001 * (i % 3));

beforeAll(async () => {
  ns = await freshNamespace('stats');
  processor = await startProcessor(ns);
  app = await buildTestApp(ns);
  tokens.read = await createTestToken(ns, 'stats', ['read']);
  tokens.ingest = await createTestToken(ns, 'stats', ['ingest']);
  tokens.other = await createTestToken(ns, 'elsewhere', ['read']);

  const sdk = await connectSdk(ns);
  const env = { language: 'python', languageVersion: '3.12', libraries: { torch: '2.5.1' } };
  let runs = 0;
  let points = 0;
  /** A run whose val/acc climbs to `final` (its max) over `steps` evaluations. */
  const run = async (experiment: string, runId: string, params: Record<string, string | number>, final: number, lineage: { seed?: number; dataVersion?: string } = {}, steps = 4) => {
    const r = await sdk.startRun({ project: 'stats', experiment, sweepId: experiment, runId, params, lineage: { gitCommit: 'c0ffee', dataVersion: 'v1', environment: env, ...lineage } });
    for (let k = 1; k <= steps; k++) r.log({ 'val/acc': final * (k / steps) }, k);
    runs++;
    points += steps;
    return r;
  };
  const finishes: Promise<void>[] = [];
  for (let s = 0; s < SEEDS; s++) {
    finishes.push((await run('effect', `A-${s}`, { config: 'A', seed: s }, effect.a[s]!, { seed: s })).finish());
    finishes.push((await run('effect', `B-${s}`, { config: 'B', seed: s }, effect.b[s]!, { seed: s })).finish());
    finishes.push((await run('effect', `C-${s}`, { config: 'C', seed: s }, confounded[s]!, { seed: s, dataVersion: 'v2' })).finish());
    // D ran seeds 0-5 only: seeds 6 and 7 of the other side have no partner.
    if (s < 6) finishes.push((await run('effect', `D-${s}`, { config: 'D', seed: s }, effect.b[s]!, { seed: s })).finish());
  }
  nullRuns.forEach((sim, k) => {
    for (let s = 0; s < SEEDS; s++) {
      finishes.push(run(`null-${k}`, `null-${k}-A-${s}`, { config: 'A', seed: s }, sim.a[s]!, { seed: s }, 2).then((r) => r.finish()));
      finishes.push(run(`null-${k}`, `null-${k}-B-${s}`, { config: 'B', seed: s }, sim.b[s]!, { seed: s }, 2).then((r) => r.finish()));
    }
  });
  for (const [lr, vals] of Object.entries(leaderboardTable)) {
    vals.forEach((v, s) => finishes.push(run('lb', `lb-${lr}-${s}`, { lr: Number(lr), seed: s }, v, { seed: s }, 1).then((r) => r.finish())));
  }
  // Two single runs with per-class scores: r1 is better on every class by 0.02.
  for (const [id, shift] of [['seg-1', 0.02], ['seg-2', 0]] as const) {
    const r = await run('segments', id, { model: id }, 0.8);
    segmentValues(shift).forEach((v, i) => r.log({ 'val/acc': v }, 4, { segment: CLASSES[i] }));
    points += CLASSES.length;
    finishes.push(r.finish());
  }
  await Promise.all(finishes);
  await sdk.close();
  await eventually(
    async () => ((await count(ns, 'SELECT count() AS n FROM run_finishes FINAL')) === runs && (await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks FINAL')) === points ? true : undefined),
    90_000,
    'simulated sweeps stored',
  );
});

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

const post = (url: string, payload: unknown, token = tokens.read) => app.inject({ method: 'POST', url, headers: bearer(token), payload: payload as object });
const compare = (payload: object) => post('/v1/stats/compare', payload);
const side = (experiment: string, config: string, label?: string) => ({ experiment, group: { config }, ...(label ? { label } : {}) });

describe('POST /v1/stats/compare', () => {
  it('finds the planted effect, paired by seed, and says so in one sentence', async () => {
    const r = await compare({ a: side('effect', 'A', 'config A'), b: side('effect', 'B'), metric: 'val/acc.max', direction: 'maximize' });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    const ref = wilcoxonSignedRank(effect.a, effect.b);
    // A rank test reports the rank estimate: the Hodges–Lehmann shift and the interval that inverts the test.
    const hl = hodgesLehmannPaired(effect.a, effect.b, { alternative: 'two-sided', confidence: 0.95, method: 'exact' });
    expect(body.result).toMatchObject({ test: 'wilcoxon', method: 'exact', paired: true, significant: true, n: { pairs: 8 }, pValue: ref.pValue, estimateName: 'Hodges-Lehmann median difference' });
    expect(ref.pValue).toBe(2 / 256); // every seed favours A
    expect(body.result.estimate).toBeCloseTo(hl.estimate, 12);
    expect(Math.abs(body.result.estimate - EFFECT)).toBeLessThan(0.003);
    expect(body.result.confidenceInterval.lower).toBeCloseTo(hl.interval.lower, 12);
    expect(body.result.confidenceInterval.lower).toBeGreaterThan(0);
    expect(body.reason).toMatch(/^every seed of config A has a counterpart in config=B and vice versa, so the comparison is paired by seed \(8 pairs\); .*Wilcoxon signed-rank/);
    expect(body.summary).toMatch(/^config A beats config=B on val\/acc\.max by a Hodges-Lehmann median difference of 0\.0\d{3} \(95% CI 0\.0\d{3} to 0\.0\d{3}\), paired over 8 seeds, p = 0\.00781 \(Wilcoxon signed-rank, exact\)$/);
    expect(body.pairing).toMatchObject({ by: 'seed', matched: 8, onlyA: [], onlyB: [], noKeyA: [], noKeyB: [] });
    expect(body.pairing.pairs.map((p: { key: string }) => p.key)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(body.pairing.pairs[3]).toEqual({ key: '3', a: effect.a[3], b: effect.b[3], runIdsA: ['A-3'], runIdsB: ['B-3'] });
    expect(body.sides.a).toMatchObject({ label: 'config A', runs: 8, withValue: 8 });
    expect(body.warnings).toEqual([]);
    // Unpaired, the shared seed effect is noise: the same data give a weaker test.
    const unpaired = (await compare({ a: side('effect', 'A'), b: side('effect', 'B'), metric: 'val/acc.max', pairBy: 'none' })).json();
    expect(unpaired.result).toMatchObject({ test: 'mann-whitney', paired: false, pValue: mannWhitneyU(effect.a, effect.b).pValue });
    expect(unpaired.result.pValue).toBeGreaterThan(body.result.pValue);
  });

  it('warns about a lineage difference between the sides', async () => {
    const body = (await compare({ a: side('effect', 'C'), b: side('effect', 'B'), metric: 'val/acc.max' })).json();
    expect(body.confounds.map((c: { field: string }) => c.field)).toEqual(['lineage.data_version']);
    expect(body.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/differ in lineage\.data_version \(v2 vs v1\) besides params\.config/)]));
    // Naming the data version as studied silences that warning.
    const studied = (await compare({ a: side('effect', 'C'), b: side('effect', 'B'), metric: 'val/acc.max', variables: ['params.config', 'lineage.data_version'] })).json();
    expect(studied.confounds).toEqual([]);
  });

  it('pairs what matches and warns about pairing keys missing on one side', async () => {
    const body = (await compare({ a: side('effect', 'A'), b: side('effect', 'D'), metric: 'val/acc.max', test: 'paired-t' })).json();
    expect(body.result).toMatchObject({ test: 'paired-t', n: { pairs: 6 }, pValue: pairedTTest(effect.a.slice(0, 6), effect.b.slice(0, 6)).pValue });
    expect(body.pairing).toMatchObject({ matched: 6, onlyA: ['6', '7'], onlyB: [] });
    expect(body.warnings).toEqual([expect.stringMatching(/^pairing keys missing on one side: seed\(s\) 6, 7 of config=A have no counterpart in config=D/)]);
  });

  it('warns when n is too small to ever reach significance, and chooses the t-test under auto', async () => {
    const four = (config: string) => ({ runIds: [0, 1, 2, 3].map((s) => `${config}-${s}`) });
    const w = (await compare({ a: four('A'), b: four('B'), metric: 'val/acc.max', test: 'wilcoxon', direction: 'maximize' })).json();
    expect(w.result.pValue).toBe(0.125);
    expect(w.warnings).toEqual([expect.stringMatching(/with 4 pair\(s\) the Wilcoxon signed-rank test \(exact\) cannot give p below 0\.125: it can never reach significance at alpha = 0\.05/)]);
    expect(w.summary).toMatch(/^no significant difference between A and B on val\/acc\.max at alpha = 0\.05/);
    const auto = (await compare({ a: four('A'), b: four('B'), metric: 'val/acc.max' })).json();
    expect(auto.result.test).toBe('paired-t');
    expect(auto.reason).toMatch(/Wilcoxon signed-rank test cannot give p below 0\.125 \(alpha = 0\.05\), so the paired t-test is used/);
  });

  it('pairs by segment: two runs compared class by class', async () => {
    const body = (await compare({ a: { runIds: ['seg-1'] }, b: { runIds: ['seg-2'] }, metric: 'val/acc.max', pairBy: 'segment', direction: 'maximize' })).json();
    expect(body.result).toMatchObject({ paired: true, n: { pairs: 6 }, significant: true });
    expect(body.pairing.pairs.map((p: { key: string }) => p.key)).toEqual([...CLASSES].sort());
    expect(body.pairing.description).toMatch(/^each pair is one segment/);
    expect(body.summary).toMatch(/^A beats B on val\/acc\.max by (a Hodges-Lehmann median difference of )?0\.0200 .*, paired over 6 segments, p = /);
  });

  it('answers 400 for what cannot be compared, 404 for a run that does not exist, 401/403 without the right token', async () => {
    const bad: [object, RegExp][] = [
      [{ a: side('effect', 'A'), b: side('effect', 'Z'), metric: 'val/acc.max' }, /side b selects no runs in group config=Z/],
      [{ a: side('effect', 'A'), b: side('effect', 'B'), metric: 'nope.max' }, /has no runs with a value of nope\.max/],
      [{ a: side('effect', 'A'), b: side('effect', 'B'), metric: 'val/acc.median' }, /metric|aggregate|expected/i],
      [{ a: side('effect', 'A'), b: side('effect', 'B'), metric: 'val/acc[class=cat].max', pairBy: 'segment' }, /without a segment/],
      [{ a: side('effect', 'A'), b: side('effect', 'B'), metric: 'val/acc.max', pairBy: 'none', test: 'wilcoxon' }, /set pairBy/],
      [{ a: { runIds: ['A-0'] }, b: { runIds: ['B-0'] }, metric: 'val/acc.max', pairBy: 'none' }, /only 1 run with a value .* at least 2 per side/],
      [{ a: { filter: 'params.lr >' }, b: side('effect', 'B'), metric: 'val/acc.max' }, /\w/],
      [{ a: side('effect', 'A'), b: side('effect', 'B'), metric: 'val/acc.max', alpha: 0 }, /alpha/],
      [{ a: side('effect', 'A'), b: side('effect', 'B'), metric: 'val/acc.max', variables: ['params.configg'] }, /^variables: .*params\.configg.*did you mean params\.config/],
    ];
    for (const [payload, message] of bad) {
      const r = await compare(payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().error, JSON.stringify(payload)).toMatch(message);
    }
    // A run that does not exist is a 404, as on every route (issue 10: one rule).
    const unknown = await compare({ a: { runIds: ['A-0', 'missing'] }, b: side('effect', 'B'), metric: 'val/acc.max' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatch(/not found.*missing/);
    const ok = { a: side('effect', 'A'), b: side('effect', 'B'), metric: 'val/acc.max' };
    for (const url of ['/v1/stats/compare', '/v1/stats/leaderboard', '/v1/stats/test']) {
      expect((await app.inject({ method: 'POST', url, payload: ok })).statusCode, url).toBe(401);
      expect((await post(url, ok, tokens.ingest)).statusCode, url).toBe(403);
      expect((await post(url, { ...ok, project: 'elsewhere' })).statusCode, url).toBe(403);
    }
    // Another project's token sees none of these runs.
    expect((await post('/v1/stats/compare', ok, tokens.other)).statusCode).toBe(400);
  });
});

describe('false positives when nothing was planted', () => {
  const metric = parseMetricRef('val/acc.max');
  const sides = (sim: { a: number[]; b: number[] }): [SideData, SideData] =>
    (['A', 'B'] as const).map((config) => {
      const vals = config === 'A' ? sim.a : sim.b;
      const runs = vals.map((_, s) => fakeRun(`${config}-${s}`, { config, seed: s }, { seed: s }));
      return { label: config, runs, values: new Map(runs.map((r, s) => [r.id, vals[s]!])), groupParams: ['config'] };
    }) as [SideData, SideData];

  it('stays near alpha over 1,000 simulated sweeps (the compare logic without I/O)', () => {
    const rng = new Rng(20260101);
    const repeats = 1000;
    const hits = { auto: 0, pairedT: 0, unpaired: 0 };
    for (let i = 0; i < repeats; i++) {
      const [a, b] = sides(simulate(rng, 0));
      const base = { metric, pairBy: 'seed' as const, alternative: 'two-sided' as const, alpha: 0.05, confidence: 0.95 };
      if (compareSides(a, b, { ...base, test: 'auto' }).result.significant) hits.auto++;
      if (compareSides(a, b, { ...base, test: 'paired-t' }).result.significant) hits.pairedT++;
      if (compareSides(a, b, { ...base, pairBy: 'none', test: 'auto' }).result.significant) hits.unpaired++;
    }
    // Exact Wilcoxon with 8 pairs rejects at p ≤ 0.05 with probability 10/256 = 0.039 under the
    // null; the t-test at 0.05. Bounds are ±3 standard errors of a rate over 1,000 repetitions.
    expect(hits.auto / repeats).toBeGreaterThan(0.02);
    expect(hits.auto / repeats).toBeLessThan(0.058);
    expect(hits.pairedT / repeats).toBeGreaterThan(0.029);
    expect(hits.pairedT / repeats).toBeLessThan(0.071);
    expect(hits.unpaired / repeats).toBeLessThan(0.071);
    // And the planted effect is found nearly always (power), with the same noise.
    const rng2 = new Rng(77);
    let found = 0;
    for (let i = 0; i < 200; i++) {
      const [a, b] = sides(simulate(rng2, EFFECT));
      if (compareSides(a, b, { metric, pairBy: 'seed', test: 'auto', alternative: 'two-sided', alpha: 0.05, confidence: 0.95 }).result.significant) found++;
    }
    expect(found / 200).toBeGreaterThan(0.9);
  });

  it(`stays near alpha over ${NULL_REPEATS} sweeps through the endpoint, with p-values equal to the module's`, async () => {
    let significant = 0;
    for (let k = 0; k < NULL_REPEATS; k++) {
      const r = await compare({ a: side(`null-${k}`, 'A'), b: side(`null-${k}`, 'B'), metric: 'val/acc.max' });
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json();
      expect(body.result).toMatchObject({ test: 'wilcoxon', paired: true, pValue: wilcoxonSignedRank(nullRuns[k]!.a, nullRuns[k]!.b).pValue });
      if (body.result.significant) significant++;
    }
    // Expected 20 × 0.039 ≈ 0.8; 5 or more has probability ≈ 0.001.
    expect(significant).toBeLessThanOrEqual(4);
  });
});

describe('POST /v1/stats/leaderboard', () => {
  const lb = (extra: object = {}) => post('/v1/stats/leaderboard', { selection: { experiment: 'lb' }, groupBy: ['lr'], metric: 'val/acc.max', direction: 'maximize', ...extra });
  const p = (x: string, y: string) => welchTTest(leaderboardTable[x]!, leaderboardTable[y]!).pValue;

  it('ranks groups and adjusts p-values against the best (Holm by default), checked by hand', async () => {
    const r = await lb({ test: 'welch-t', pairBy: 'none' });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.groups.map((g: { rank: number; label: string; n: number }) => [g.rank, g.label, g.n])).toEqual([[1, 'lr=0.01', 4], [2, 'lr=0.1', 4], [3, 'lr=0.001', 4]]);
    expect(body.groups.map((g: { mean: number }) => g.mean)).toEqual([expect.closeTo(0.915, 12), expect.closeTo(0.895, 12), expect.closeTo(0.715, 12)]);
    // t(0.975, df 3) = 3.182446: 0.915 ± 3.182446 · sd / √4 with sd = √(0.0005 / 3).
    expect(body.groups[0].ci).toEqual({ lower: expect.closeTo(0.915 - 3.182446 * Math.sqrt(0.0005 / 3) / 2, 5), upper: expect.closeTo(0.915 + 3.182446 * Math.sqrt(0.0005 / 3) / 2, 5), confidence: 0.95 });
    // Holm over m = 2: min(1, 2·p_far), then max(that, p_near).
    const [near, far] = [p('0.01', '0.1'), p('0.01', '0.001')];
    expect(body.groups[1].vsBest.result.pValue).toBeCloseTo(near, 14);
    expect(body.groups[2].vsBest.adjustedPValue).toBeCloseTo(2 * far, 14);
    expect(body.groups[1].vsBest.adjustedPValue).toBeCloseTo(Math.max(near, 2 * far), 14);
    expect(body.indistinguishableFromBest).toEqual(['lr=0.01', 'lr=0.1']);
    expect(body.summary).toMatch(/^lr=0\.01 ranks first on val\/acc\.max \(highest mean 0\.915, n = 4\); 1 of 2 other group\(s\) cannot be told apart from it at alpha = 0\.05 after Holm correction: lr=0\.1 \(adjusted p = 0\.071\)$/);
    const bh = (await lb({ test: 'welch-t', pairBy: 'none', correction: 'bh' })).json();
    expect(bh.groups[1].vsBest.adjustedPValue).toBeCloseTo(near, 14);
    expect(bh.groups[2].vsBest.adjustedPValue).toBeCloseTo(Math.min(near, 2 * far), 14);
  });

  it('pairs by seed by default when the groups share seeds, and ranks the other way when minimizing', async () => {
    const body = (await lb()).json();
    expect(body.groups[1].vsBest.result).toMatchObject({ test: 'paired-t', paired: true, n: { pairs: 4 } });
    expect(body.groups[1].vsBest.result.pValue).toBeCloseTo(pairedTTest(leaderboardTable['0.01']!, leaderboardTable['0.1']!).pValue, 14);
    const min = (await lb({ direction: 'minimize', groupBy: 'all-but-seed' })).json();
    expect(min.groupBy).toEqual(['lr']);
    expect(min.groups.map((g: { label: string }) => g.label)).toEqual(['lr=0.001', 'lr=0.1', 'lr=0.01']);
  });

  it('answers 400 for bad requests', async () => {
    expect((await lb({ test: 'wilcoxon', pairBy: 'none' })).statusCode).toBe(400);
    expect((await lb({ direction: 'up' })).statusCode).toBe(400);
    expect((await post('/v1/stats/leaderboard', { selection: { experiment: 'none-such' }, groupBy: ['lr'], metric: 'val/acc.max', direction: 'maximize' })).json().error).toMatch(/no runs/);
  });
});

describe('POST /v1/stats/test', () => {
  it("matches the statistics module's results", async () => {
    const { a, b } = effect;
    for (const [test, ref] of [
      ['paired-t', pairedTTest(a, b)],
      ['welch-t', welchTTest(a, b)],
      ['wilcoxon', wilcoxonSignedRank(a, b)],
      ['mann-whitney', mannWhitneyU(a, b)],
    ] as const) {
      const body = (await post('/v1/stats/test', { test, a, b })).json();
      expect(body.statistic, test).toBe(ref.statistic);
      expect(body.pValue, test).toBe(ref.pValue);
      expect(body.effectSize, test).toEqual(ref.effectSize);
      expect(body.significant, test).toBe(ref.pValue <= 0.05);
      expect(body.summary, test).toMatch(ref.pValue <= 0.05 ? /^a is higher than b by / : /^no significant difference between a and b at alpha = 0\.05/);
    }
  });

  it('rejects bad input with 400', async () => {
    for (const payload of [{ a: [], b: [1, 2] }, { test: 'paired-t', a: [1, 2, 3], b: [1, 2] }, { test: 'welch-t', a: [1], b: [2, 3] }, { a: [1, '2'], b: [1, 2] }, '{"a":[1e999,1],"b":[1,2]}']) {
      const r = await app.inject({ method: 'POST', url: '/v1/stats/test', headers: { ...bearer(tokens.read), 'content-type': 'application/json' }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().error).toMatch(/\w/);
    }
  });
});
