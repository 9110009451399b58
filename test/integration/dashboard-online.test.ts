// The dashboard's online experiment pages in a real browser (Debian's chromium) against the real
// API, processor, Kafka and ClickHouse: the list links each experiment; an experiment's page
// shows the API's sentence, each row as the page model renders the API's answer, the always-valid
// interval's path with as many looks as the API gives, the other basis on a click, and a
// sample-ratio mismatch loudly. No view logs an error. Screenshot: .runlens/screenshots/online.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../bin/build-dashboard.js';
import { onlineRows } from '../../dashboard/src/online-model.ts';
import type { OnlineAnswer } from '../../dashboard/src/api.ts';
import type { OnlineExperimentDeclared } from '../../schemas/events.ts';
import { simulateTraffic } from '../../ingest/simulate/online.ts';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { launchBrowser, openPage, screenshot, type WatchedPage } from '../helpers/browser.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, createTestToken, startProcessor } from '../helpers/pipeline.ts';

const PROJECT = 'shop';
const UNITS = 6_000;
let ns: Namespace;
let processor: Processor;
let app: App;
let url: string;
let token: string;
let browser: Browser;
const pages: WatchedPage[] = [];

const declared = (experimentId: string): OnlineExperimentDeclared => ({
  project: PROJECT, experimentId, name: `ranker ${experimentId}`, description: '', model: 'ranker', control: 'champion', alpha: 0.05, plannedSampleSize: UNITS, status: 'running', actor: 'test', declaredAt: Date.now(),
  variants: [{ name: 'champion', alias: 'champion', version: 1, runId: 'r1', weight: 0.5 }, { name: 'challenger', alias: null, version: 2, runId: 'r2', weight: 0.5 }],
  metrics: [
    { name: 'conversion', kind: 'binary', role: 'primary', better: 'higher', statistic: 'mean', margin: null },
    { name: 'latency_ms', kind: 'continuous', role: 'guardrail', better: 'lower', statistic: 'p95', margin: 10 },
  ],
});

const analysis = async (experiment: string, basis = 'sequential'): Promise<OnlineAnswer> =>
  (await app.inject({ method: 'POST', url: '/v1/online/analysis', headers: bearer(token), payload: { experiment, basis } })).json();

beforeAll(async () => {
  const [namespace, browserReady] = await Promise.all([freshNamespace('dashonline'), launchBrowser(), buildDashboard({ quiet: true })]);
  ns = namespace;
  browser = browserReady;
  processor = await startProcessor(ns);
  app = await buildTestApp(ns, { gateway: true });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  token = await createTestToken(ns, PROJECT, ['read']);
  const sdk = await connectSdk(ns);
  for (const id of ['web-ab', 'srm-ab']) await sdk.emit('OnlineExperimentDeclared', declared(id));
  const start = Date.now() - 10 * 60_000;
  for (const [id, share] of [['web-ab', 0.5], ['srm-ab', 0.56]] as const) {
    const log = sdk.outcomeLogger(PROJECT, id);
    simulateTraffic({
      variants: [{ name: 'champion', weight: share, conversion: 0.1, revenue: 20, latencyMs: 80 }, { name: 'challenger', weight: 1 - share, conversion: 0.14, revenue: 20, latencyMs: 80 }],
      units: UNITS, seed: 3, startAt: start, durationMs: 5 * 60_000, unitPrefix: `${id}-`,
    }, (u) => {
      log.expose(u.unit, u.variant, u.at);
      log.record(u.unit, u.variant, 'conversion', u.conversion, { at: u.at });
      log.record(u.unit, u.variant, 'latency_ms', u.latencyMs, { at: u.at });
    });
  }
  await sdk.close();
  for (const id of ['web-ab', 'srm-ab']) {
    await eventually(async () => {
      const a = await analysis(id).catch(() => undefined);
      return a && Object.values(a.exposures).reduce((x, y) => x + y, 0) === UNITS && a.unitsTotal === UNITS && a.metrics[0]!.comparisons[0]!.sides.variant.n + a.metrics[0]!.comparisons[0]!.sides.control.n === UNITS ? true : undefined;
    }, 60_000, `${id} stored`);
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

async function open(path: string): Promise<Page> {
  const watched = await openPage(browser);
  pages.push(watched);
  await watched.page.goto(`${url}${path}#token=${encodeURIComponent(token)}`);
  return watched.page;
}

describe('the online experiment pages', () => {
  it('list every experiment with a link to its page', async () => {
    const page = await open('/ui/online/');
    await page.getByTestId('online-list').waitFor();
    const links = page.getByTestId('online-list').locator('a');
    expect(await links.allTextContents()).toEqual(['ranker srm-ab', 'ranker web-ab']);
    expect(await links.nth(1).getAttribute('href')).toBe('/ui/online/web-ab');
  });

  it("show the API's sentence, its rows and the always-valid interval's path", async () => {
    const page = await open('/ui/online/web-ab');
    const summary = page.getByTestId('online-summary');
    await summary.waitFor();
    const api = await analysis('web-ab');
    expect(await summary.textContent()).toBe(api.summary);
    expect(api.summary).toMatch(/^challenger \(v2\) raises conversion by/);
    expect(await page.getByTestId('online-page').locator('p.muted').first().textContent()).toContain(`${UNITS.toLocaleString('en-US')} units (${UNITS.toLocaleString('en-US')} exposures)`);
    const rows = await page.getByTestId('online-table').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual(onlineRows(api).map((r) => [r.metric, r.role, r.controlValue, r.challenger, r.challengerValue, r.difference, r.fixedHorizon, r.sequential, r.decision]));
    const path = page.getByTestId('online-path');
    expect(await path.count()).toBe(1);
    expect(Number(await path.getAttribute('data-looks'))).toBe(api.metrics[0]!.comparisons[0]!.path.length);
    expect(api.metrics[0]!.comparisons[0]!.path.length).toBeGreaterThan(5);
    await path.locator('canvas').first().waitFor();
    expect(await page.getByTestId('srm').getAttribute('role')).toBeNull();
    await screenshot(page, 'online');
    // The other basis on a click: the API's fixed-horizon sentence.
    await page.getByLabel(/fixed-horizon \(read once/).check();
    const fixed = await analysis('web-ab', 'fixedHorizon');
    await page.waitForFunction((text) => document.querySelector('[data-testid=online-summary]')?.textContent === text, fixed.summary);
    expect(fixed.summary).toContain('fixed-horizon CI');
  });

  it('shows a sample-ratio mismatch as an alert, before the sentence', async () => {
    const page = await open('/ui/online/srm-ab');
    const srm = page.getByTestId('srm');
    await srm.waitFor();
    expect(await srm.getAttribute('role')).toBe('alert');
    expect(await srm.textContent()).toMatch(/^SAMPLE RATIO MISMATCH: units exposed champion \(v1\) [\d,]+, challenger \(v2\) [\d,]+ against the expected/);
    expect(await page.getByTestId('online-summary').textContent()).toMatch(/^SAMPLE RATIO MISMATCH/);
  });

  it('logged no error in any view', () => {
    expect(pages.length).toBe(3);
    expect(pages.flatMap((p) => p.problems)).toEqual([]);
  });
});
