// POST /v1/stats/test over the real app with a fake token verifier (the raw-sample endpoint
// needs no ClickHouse): auth, agreement with the statistics module, and bad input as 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../../common/clickhouse.ts';
import { loadConfig } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import type { Principal } from '../../common/tokens/verifier.ts';
import { buildApp } from '../app.ts';
import { type App } from '../deps.ts';
import { hodgesLehmannPaired, mannWhitneyU, pairedTTest, wilcoxonSignedRank } from '../engines/statistics/index.ts';
import { DEFAULT_CRASH_AFTER_MS } from '../../storage/runs.ts';

const principals: Record<string, Principal> = {
  reader: { tokenId: 'r', project: 'p', scopes: ['read'] },
  ingester: { tokenId: 'i', project: 'p', scopes: ['ingest'] },
};
const verifier = { verify: async (t: string) => principals[t] ?? null };
let app: App;

beforeAll(async () => {
  app = await buildApp({ clickhouse: createClickHouse(loadConfig({})), logger: createLogger('test', 'silent'), tokenCacheMs: 0, crashAfterMs: DEFAULT_CRASH_AFTER_MS, verifier });
});
afterAll(() => app.close());

const post = (payload: unknown, token = 'reader', url = '/v1/stats/test') =>
  app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

// R's ?t.test sleep data: t.test(extra ~ group, paired = TRUE) gives t = -4.0621, df = 9,
// p-value = 0.002833, 95% CI -2.4598858 to -0.7001142, mean difference -1.58.
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('POST /v1/stats/test', () => {
  it('needs a token with scope read, for every stats route', async () => {
    for (const url of ['/v1/stats/test', '/v1/stats/compare', '/v1/stats/leaderboard']) {
      expect((await app.inject({ method: 'POST', url, payload: {} })).statusCode, url).toBe(401);
      expect((await post({}, 'nope', url)).statusCode, url).toBe(401);
      expect((await post({}, 'ingester', url)).statusCode, url).toBe(403);
      expect((await post({ project: 'other', a: [1, 2], b: [3, 4] }, 'reader', url)).statusCode, url).toBe(403);
    }
    const doc = app.swagger() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/stats/test', '/v1/stats/compare', '/v1/stats/leaderboard']));
  });

  it('answers what the statistics module computes, with a sentence', async () => {
    const r = await post({ test: 'paired-t', a: drug1, b: drug2 });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    const ref = pairedTTest(drug1, drug2);
    expect(body).toMatchObject({ test: 'paired-t', paired: true, statistic: ref.statistic, df: 9, pValue: ref.pValue, estimate: ref.estimate, n: { a: 10, b: 10, pairs: 10 } });
    expect(body.statistic).toBeCloseTo(-4.0621, 4);
    expect(body.pValue).toBeCloseTo(0.002833, 6);
    expect(body.summary).toBe('a is lower than b by 1.58 (95% CI 0.70 to 2.46), paired over 10 pairs, p = 0.00283 (paired t-test)');
    const auto = (await post({ a: drug1, b: drug2, paired: true })).json();
    expect(auto).toMatchObject({ test: 'wilcoxon', pValue: wilcoxonSignedRank(drug1, drug2).pValue, reason: expect.stringMatching(/Wilcoxon signed-rank/) });
    // The response schema carries what the estimate is; a rank test's is Hodges-Lehmann, not a mean.
    expect(body.estimateName).toBe('mean difference');
    expect(auto).toMatchObject({ estimateName: 'Hodges-Lehmann median difference', estimate: hodgesLehmannPaired(drug1, drug2, { method: 'approximate' }).estimate });
    expect(auto.summary).toMatch(/^a is lower than b by a Hodges-Lehmann median difference of 1\.40 \(95% CI 1\.05 to 2\.95\), paired over 10 pairs, p = 0\.00909 \(Wilcoxon signed-rank, normal approximation\)$/);
    const mw = (await post({ a: drug1, b: drug2, alternative: 'less' })).json();
    expect(mw).toMatchObject({ test: 'mann-whitney', pValue: mannWhitneyU(drug1, drug2, { alternative: 'less' }).pValue, confidenceInterval: { lower: null } });
    expect(mw.notes).toContain('confidenceInterval.lower is -Infinity (unbounded), shown as null');
  });

  it('documents degenerate data instead of failing: all-identical samples give p = 1 with a note', async () => {
    const same = (await post({ test: 'wilcoxon', a: [2, 2, 2], b: [2, 2, 2] })).json();
    expect(same).toMatchObject({ pValue: 1, significant: false });
    expect(same.notes[0]).toMatch(/every difference a - b is 0/);
    const flat = await post({ test: 'welch-t', a: [1, 1, 1], b: [2, 2, 2] });
    expect(flat.statusCode).toBe(200);
    expect(flat.json()).toMatchObject({ statistic: null, pValue: 0 });
    expect(flat.body).not.toMatch(/NaN|:Infinity|:-Infinity/);
  });

  it('takes any confidence in (0, 1), one-sided too: ranks stay within the data (found by schemathesis)', async () => {
    // 1 − 1e-20 rounds to 1, so the normal quantile is −∞; the interval bound is the extreme order statistic.
    for (const [test, paired] of [['mann-whitney', false], ['wilcoxon', true]] as const) {
      for (const alternative of ['greater', 'less'] as const) {
        const r = await post({ test, paired, a: [1, 2, 3, 4, 5, 6], b: [2, 3, 4, 5, 6, 7.5], alternative, confidence: 1e-20, method: 'approximate' });
        expect(r.statusCode, `${test} ${alternative}: ${r.body}`).toBe(200);
        expect(r.json().confidenceInterval[alternative === 'greater' ? 'lower' : 'upper']).toEqual(expect.any(Number));
      }
    }
  });

  it('takes any alpha in (0, 1): the default confidence 1 − alpha stays below 1 (found by schemathesis)', async () => {
    for (const test of ['welch-t', 'mann-whitney', 'bootstrap'] as const) {
      const r = await post({ test, a: drug1, b: drug2, alpha: 5e-324 });
      expect(r.statusCode, `${test}: ${r.body}`).toBe(200);
      expect(r.json().confidenceInterval.confidence, test).toBeLessThan(1);
    }
  });

  it('answers 400, saying what to fix, for bad input', async () => {
    const cases: [unknown, RegExp][] = [
      [{ a: [], b: [1, 2] }, /sample a is empty/],
      [{ test: 'welch-t', a: [1], b: [1, 2] }, /sample a has 1 value/],
      [{ test: 'paired-t', a: [1, 2, 3], b: [1, 2] }, /same length/],
      ['{"a":[1,2,1e400],"b":[1,2,3]}', /non-finite value at index 2/],
      ['{"a":[1,NaN],"b":[1,2]}', /not valid JSON/],
      [{ a: [1, 'NaN'], b: [1, 2] }, /a\/1 must be number/],
      [{ a: [1, null], b: [1, 2] }, /a\/1 must be number/],
      [{ test: 'welch-t', paired: true, a: [1, 2], b: [1, 2] }, /compares independent samples/],
      [{ a: [1, 2], b: [1, 2], alpha: 1.5 }, /alpha/],
      [{ a: [1, 2], b: [1, 2], extra: 1 }, /additional properties/],
      [{ test: 'bootstrap', a: [1, 2, 3], b: [1, 2, 4], resamples: 5 }, /resamples must be an integer from 100/],
      [{ test: 'ttest', a: [1, 2], b: [1, 2] }, /test/],
      [{ test: 'wilcoxon', method: 'exact', a: [1, 2, 3], b: [0, 0, 1] }, /distinct/],
      [{ test: 'paired-t', a: [1e308, -1e308], b: [-1e308, 1e308] }, /too large|non-finite|overflow/],
    ];
    for (const [payload, message] of cases) {
      const r = await post(payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().error, JSON.stringify(payload)).toMatch(message);
    }
  });
});
