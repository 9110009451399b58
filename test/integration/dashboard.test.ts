// The dashboard in a real browser (Debian's chromium through playwright-core) against the real
// API, processor, Kafka and ClickHouse, on a simulated 240-run sweep: what the page shows is
// what the API answers for the same question — the run count for a filter, the filter's error
// and its position, the runs a brush keeps (as a filter), the order of a sorted column — a
// link reproduces the view, and no view logs an error. Artifacts too (a small sweep of three
// classifiers, one planted to take dogs for cats, with PR curves, samples, console lines and
// checkpoints): the compare view shows what the API answers for the same request.
// Screenshots: .runlens/screenshots/.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../bin/build-dashboard.js';
import { plantedRun, uniform } from '../../query-api/engines/sweep-analytics/planted-sweep.ts';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { brushToFilter, decodeState } from '../../dashboard/src/url-state.ts';
import { launchBrowser, openPage, screenshot, type WatchedPage } from '../helpers/browser.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';

const PROJECT = 'dashboard';
const SWEEP = 'lr-sweep';
const N = 240;
const TARGET = 'val/acc.max';
const LOSS_RUNS = 5;
const LOSS_STEPS = 5_000;
/** The classifiers' sweep: cls-confused takes dogs for cats, has one bad sample (p17) and its console parts at line 7. */
const CLS = ['cls-a', 'cls-b', 'cls-confused'];
const LABELS = ['cat', 'dog', 'fox'];
const SAMPLES = 30;
const LINES = 12;

let ns: Namespace;
let processor: Processor;
let app: App;
let url: string;
let token: string;
let browser: Browser;
const pages: WatchedPage[] = [];

beforeAll(async () => {
  const [namespace, browserReady] = await Promise.all([freshNamespace('dashboard'), launchBrowser(), buildDashboard({ quiet: true })]);
  ns = namespace;
  browser = browserReady;
  processor = await startProcessor(ns);
  app = await buildTestApp(ns);
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  token = await createTestToken(ns, PROJECT, ['read']);
  const sdk = await connectSdk(ns);
  const u = uniform(7);
  const optimizers = ['adam', 'sgd', 'adamw'];
  await Promise.all(Array.from({ length: N }, async (_, i) => {
    const { params, acc } = plantedRun(u);
    const run = await sdk.startRun({
      project: PROJECT, experiment: 'cifar', sweepId: SWEEP, runId: `run-${String(i).padStart(3, '0')}`,
      // Every other run on another data version: the confound a comparison of two neighbours must name.
      params: { ...params, optimizer: optimizers[i % 3]! }, lineage: { dataVersion: i % 2 === 0 ? 'v1' : 'v2', environment: { language: 'python', languageVersion: '3.11', libraries: {} } },
    });
    [acc - 0.04, acc].forEach((v, step) => run.log({ 'val/acc': v }, step));
    // The first runs have a loss curve of LOSS_STEPS steps, with a spike, to zoom into.
    if (i < LOSS_RUNS) for (let step = 0; step < LOSS_STEPS; step++) run.log({ loss: step === 1234 ? 50 : Math.exp(-step / 400) + i * 0.01 }, step);
    // The first two runs' accuracy per class, for the compare view's per-segment table.
    if (i < 2) for (const [k, cls] of ['cat', 'dog'].entries()) run.log({ 'val/acc': acc - 0.1 * k + 0.01 * i }, 1, { segment: `class=${cls}` });
    if (i === 0) await run.logArtifact({ name: 'model.pt', uri: 's3://models/run-000/model.pt', digest: 'sha256:4f2a', sizeBytes: 52_428_800, step: 1 });
    await run.finish();
  }));
  // Two runs of one config that differ only in their seed (another sweep): one band over seeds.
  await Promise.all(['twin-a', 'twin-b'].map(async (runId, seed) => {
    const run = await sdk.startRun({ project: PROJECT, experiment: 'cifar', sweepId: 'twins', runId, params: { lr: 0.01, seed }, lineage: { environment: { language: 'python', languageVersion: '3.11', libraries: {} } } });
    for (let step = 0; step < 100; step++) run.log({ loss: 1 / (step + 1) + 0.1 * seed }, step);
    await run.finish();
  }));
  await Promise.all(CLS.map(async (runId, k) => {
    const run = await sdk.startRun({ project: PROJECT, experiment: 'cls', sweepId: 'cls', runId, params: { lr: 0.001 * (k + 1) }, lineage: { environment: { language: 'python', languageVersion: '3.11', libraries: {} } } });
    [0.85, 0.9].forEach((v, step) => run.log({ 'val/acc': v - 0.01 * k }, step));
    const dogAsCat = runId === 'cls-confused' ? 40 : 5 + k;
    await run.logConfusionMatrix('confusion/val', LABELS, LABELS.map((_, a) => LABELS.map((__, p) => (a === 1 ? (p === 1 ? 95 - dogAsCat : p === 0 ? dogAsCat : 5) : a === p ? 90 - 2 * k : 5 + k))), 2);
    await run.logPrCurve('pr/val', { thresholds: [0.9, 0.1], precision: [[1, 0.5], [0.8, 0.4], [0.6, 0.3]][k]!, recall: [0.5, 1] }, 2);
    await run.logSamples('gen', Array.from({ length: SAMPLES }, (_, i) => {
      const inputId = `p${String(i).padStart(2, '0')}`;
      const bad = runId === 'cls-confused' && inputId === 'p17';
      return { inputId, text: bad ? 'dog dog dog dog' : `a caption for ${inputId}`, scores: { quality: bad ? 0.05 : 0.9 - 0.02 * k } };
    }), 2);
    // cls-b's lines differ from cls-a's in their timings only; cls-confused's in what line 7 says.
    await run.logLines(Array.from({ length: LINES }, (_, i) => (runId === 'cls-confused' && i === 7 ? { text: 'step 7 loss is NaN', level: 'error' as const } : { text: `step ${i} loss ${(1 / (i + 1)).toFixed(3)} took ${(runId === 'cls-b' ? 20 : 10) + i} ms` })));
    if (runId !== 'cls-confused') await run.logArtifact({ name: 'init', kind: 'checkpoint', uri: 's3://ckpt/init.pt', digest: 'sha256:init0', sizeBytes: 1000, step: 0 });
    await run.logArtifact({ name: 'final', kind: 'checkpoint', uri: `s3://ckpt/${runId}.pt`, digest: `sha256:${runId}`, sizeBytes: 1000, step: 2 });
    await run.finish();
  }));
  await sdk.close();
  const stored = async () => (await count(ns, 'SELECT count() AS n FROM run_finishes FINAL')) === N + 2 + CLS.length && (await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks FINAL')) === 2 * N + LOSS_RUNS * LOSS_STEPS + 4 + 200 + 2 * CLS.length &&
    (await count(ns, 'SELECT count() AS n FROM artifact_tables')) === 2 * CLS.length && (await count(ns, 'SELECT count() AS n FROM samples')) === SAMPLES * CLS.length && (await count(ns, 'SELECT sum(length(seqs)) AS n FROM log_chunks')) === LINES * CLS.length;
  await eventually(async () => ((await stored()) ? true : undefined), 90_000, 'sweep stored');
}, 15 * 60_000);

afterAll(async () => {
  await browser?.close();
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

/** The ids of the sweep's runs the API returns for a filter. */
async function apiIds(filter?: string): Promise<string[]> {
  const q = new URLSearchParams({ sweep: SWEEP, limit: '1000', ...(filter ? { filter } : {}) });
  const r = await app.inject({ method: 'GET', url: `/v1/runs?${q}`, headers: bearer(token) });
  expect(r.statusCode, r.body).toBe(200);
  return r.json().runs.map((run: { id: string }) => run.id);
}

/** The API's answer to a POST (200 expected). */
async function apiPost(url: string, payload: object) {
  const r = await app.inject({ method: 'POST', url, headers: bearer(token), payload });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

const apiCount = async (filter?: string): Promise<number> => (await apiIds(filter)).length;

async function open(path: string): Promise<Page> {
  const watched = await openPage(browser);
  pages.push(watched);
  await watched.page.goto(`${url}${path}#token=${encodeURIComponent(token)}`);
  return watched.page;
}

/** The count the page shows: runs kept by the brushes, and runs loaded. */
/**
 * Where an element sits once the page has settled: panels that load after it (the runs table,
 * the parallel coordinates) push it down or narrow it, so a box read too early sends the mouse
 * elsewhere. Read until two reads 150 ms apart agree.
 */
async function settledBox(target: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = await target.boundingBox();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 150));
    await target.scrollIntoViewIfNeeded();
    const box = await target.boundingBox();
    if (box && last && box.x === last.x && box.y === last.y && box.width === last.width && box.height === last.height) return box;
    last = box;
  }
  throw new Error('the element kept moving for 6 s');
}

async function shownCount(page: Page): Promise<{ kept: number; total: number }> {
  const el = page.getByTestId('count');
  await el.waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=count]')?.textContent?.startsWith('loading'));
  return { kept: Number(await el.getAttribute('data-kept')), total: Number(await el.getAttribute('data-total')) };
}

describe('the dashboard', () => {
  it('is served without a token: the page never cached, its bundles cached for good and compressed', async () => {
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/ui/');
    const page = await app.inject({ method: 'GET', url: '/ui/runs?sweep=x' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const script = /src="(\/ui\/assets\/main-[^"]+\.js)"/.exec(page.body)![1]!;
    const asset = await app.inject({ method: 'GET', url: script, headers: { 'accept-encoding': 'gzip, br' } });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-encoding']).toBe('br');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/ui/assets/..%2F..%2Fpackage.json' })).statusCode).toBe(404);
    // The API itself still wants a token.
    expect((await app.inject({ method: 'GET', url: '/v1/runs' })).statusCode).toBe(401);
  });

  it('signs in from the link, shows every run of the sweep, and keeps the token out of the address bar', async () => {
    const page = await open(`/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}`);
    expect(await shownCount(page)).toEqual({ kept: N, total: await apiCount() });
    expect(page.url()).not.toContain('token');
    await page.getByTestId('drawn-ms').waitFor();
    await screenshot(page, 'sweep');
  });

  it('counts the runs of a typed filter as the API does, and points at a filter error where the API says', async () => {
    const page = await open(`/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}`);
    await shownCount(page);
    const box = page.locator('#filter');
    await box.fill("params.lr > 0.0001 and params.optimizer = 'adam'");
    await box.press('Enter');
    await page.waitForURL(/filter=/);
    const filtered = await apiCount("params.lr > 0.0001 and params.optimizer = 'adam'");
    expect(filtered).toBeGreaterThan(0);
    expect(filtered).toBeLessThan(N);
    await expect.poll(async () => (await shownCount(page)).kept).toBe(filtered);

    const bad = 'params.lr > 0.001 and metrics.val/acc.median > 1';
    await box.fill(bad);
    const error = page.getByTestId('filter-error');
    await error.waitFor();
    const api = await app.inject({ method: 'GET', url: `/v1/runs?sweep=${SWEEP}&filter=${encodeURIComponent(bad)}`, headers: bearer(token) });
    expect(api.statusCode).toBe(400);
    const { error: message, position } = api.json();
    expect(await error.textContent()).toContain(message);
    // The caret line puts ^ under the position the API named.
    const caret = (await error.locator('.caret').textContent())!.split('\n');
    expect(caret[1]!.indexOf('^')).toBe(position);
    await screenshot(page, 'filter-error');
    // Enter does not apply a filter the API refused: the link and the runs shown stay those of the last good one.
    await box.press('Enter');
    await page.waitForTimeout(500);
    expect(new URL(page.url()).searchParams.get('filter')).toBe("params.lr > 0.0001 and params.optimizer = 'adam'");
    expect((await shownCount(page)).kept).toBe(filtered);
  });

  it('keeps exactly the runs in a brushed range, as the same range as a filter does', async () => {
    const page = await open(`/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}`);
    await shownCount(page);
    await page.getByTestId('drawn-ms').waitFor();
    // Drag along the first axis (batch_size, categorical; axes are evenly spaced between the margins).
    const box = (await page.getByTestId('parallel').boundingBox())!;
    const x = box.x + 70;
    await page.mouse.move(x, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(x, box.y + 200, { steps: 8 });
    await page.mouse.up();
    await page.waitForURL(/brush=/);
    const state = decodeState(new URL(page.url()).search);
    expect(state.brushes).toHaveLength(1);
    const inRange = await apiIds(brushToFilter(state.brushes[0]!));
    expect(inRange.length).toBeGreaterThan(0);
    expect(inRange.length).toBeLessThan(N);
    await expect.poll(async () => (await shownCount(page)).kept).toBe(inRange.length);
    // Every row the table draws is one of those runs.
    const shown = await page.locator('[data-run]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')!));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.filter((id) => !inRange.includes(id))).toEqual([]);
    await screenshot(page, 'brushed');
  });

  it('reproduces a view from its link: filter, brush on a log axis and sort', async () => {
    const brush = 'params.lr:0.0001~0.001';
    const link = `/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}&filter=${encodeURIComponent('params.dropout < 0.4')}&brush=${encodeURIComponent(brush)}&sort=${encodeURIComponent(`metrics.${TARGET}:desc`)}`;
    const page = await open(link);
    const expected = await apiCount('params.dropout < 0.4 and params.lr >= 0.0001 and params.lr <= 0.001');
    expect(expected).toBeGreaterThan(0);
    await expect.poll(async () => (await shownCount(page)).kept).toBe(expected);
    // The first row is the best run of those, as the API sorts them.
    const q = new URLSearchParams({ sweep: SWEEP, filter: 'params.dropout < 0.4 and params.lr >= 0.0001 and params.lr <= 0.001', sort: `metrics.${TARGET}:desc`, limit: '1' });
    const best = (await app.inject({ method: 'GET', url: `/v1/runs?${q}`, headers: bearer(token) })).json().runs[0].id;
    await expect.poll(async () => page.locator('[data-run]').first().getAttribute('data-run')).toBe(best);
    expect(await page.locator('#filter').inputValue()).toBe('params.dropout < 0.4');
    await screenshot(page, 'deep-link');
  });

  it('compares ticked runs side by side, the confound the API finds shown in words', async () => {
    const page = await open(`/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}&sort=run:asc`);
    await shownCount(page);
    await page.getByLabel('tick run-000').check();
    await page.getByLabel('tick run-001').check();
    const panel = page.getByTestId('confounds');
    await panel.waitFor();
    const api = await app.inject({ method: 'POST', url: '/v1/compare', headers: bearer(token), payload: { runIds: ['run-000', 'run-001'] } });
    const warnings: string[] = api.json().warnings;
    expect(warnings.some((w) => w.includes('lineage.data_version'))).toBe(true);
    expect((await panel.locator('li').allTextContents()).map((t) => t.replace(/^⚠ /, ''))).toEqual(warnings);
    expect(new URL(page.url()).searchParams.get('sel')).toBe('run-000,run-001');
    // Per class side by side, and the latest artifacts by digest, as the API has them.
    const [table] = api.json().segmentTable;
    const rows = await page.getByTestId('segment-table').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')!.textContent));
    expect(rows).toEqual(table.rows.map((r: { segment: string }) => r.segment));
    expect(rows).toEqual(['class=cat', 'class=dog']);
    // Under a header naming the runs, as the tables above.
    expect(await page.getByTestId('compare-artifacts').locator('thead th').allTextContents()).toEqual(['latest artifacts (digest)', 'run-000', 'run-001']);
    const artifact = page.getByTestId('compare-artifacts').locator('tbody tr').first();
    expect(await artifact.locator('td').allTextContents()).toEqual(['model.pt (differs)', 'sha256:4f2a', '—']);
    await screenshot(page, 'compare');
  });

  it("draws the ticked runs' curves and names the run under the cursor", async () => {
    const ticked = ['run-002', 'run-005', 'run-009'];
    const page = await open(`/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}&sel=${ticked.join(',')}&logy=1`);
    const plot = page.getByTestId('curves').locator('.curve');
    await plot.locator('canvas').waitFor();
    await expect.poll(async () => Number(await plot.getAttribute('data-runs'))).toBe(ticked.length);
    // Sweep the cursor down the middle of the plot until a line is under it.
    const box = await settledBox(plot.locator('.u-over'));
    const hover = page.getByTestId('curve-hover');
    let named = '';
    for (let y = box.y + 2; y < box.y + box.height && !named.startsWith('run '); y += 3) {
      await page.mouse.move(box.x + box.width / 2, y);
      // The name is React state set by uPlot's cursor hook: read it after the next frame has
      // rendered, or a busy machine shows the previous position's (a flake seen in CI).
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      named = (await hover.textContent()) ?? '';
    }
    await screenshot(page, 'curves');
    expect(ticked.map((id) => `run ${id}`)).toContain(named);
  });

  it('zooms a curve by asking the API for the dragged range: finer buckets, the spike still there', async () => {
    const page = await open(`/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}&sel=run-000,run-001&curve=loss`);
    const plot = page.getByTestId('curves').locator('.curve');
    await expect.poll(async () => Number(await plot.getAttribute('data-runs'))).toBe(2);
    const box = await settledBox(plot.locator('.u-over'));
    // Drag across a fifth of the plot around the spike at step 1234 (x from 0 to 4,999).
    const at = (step: number) => box.x + (box.width * step) / (LOSS_STEPS - 1);
    await page.mouse.move(at(1000), box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(at(2000), box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    await page.waitForURL(/zoom=/);
    const [from, to] = new URL(page.url()).searchParams.get('zoom')!.split('~').map(Number);
    expect(from).toBeGreaterThan(800);
    expect(to).toBeLessThan(2200);
    const api = (await app.inject({ method: 'POST', url: '/v1/curves', headers: bearer(token), payload: { selection: { runIds: ['run-000', 'run-001'] }, metrics: ['loss'], maxPoints: 1000, x: 'step', range: { from, to } } })).json();
    const buckets = api.series[0].runs[0].x.length;
    expect(api.series[0].bucketWidth).toBeLessThanOrEqual(2); // the whole curve was 5 steps a bucket
    expect(Math.max(...api.series[0].runs[0].max)).toBe(50);
    // The page drew the API's zoomed answer: its bucket width, bucket count, and the spike's true height.
    await expect.poll(async () => Number(await plot.getAttribute('data-bucket-width'))).toBe(api.series[0].bucketWidth);
    expect(Number(await plot.getAttribute('data-buckets'))).toBe(buckets);
    expect(Number(await plot.getAttribute('data-max'))).toBe(50);
    await screenshot(page, 'curves-zoomed');
    await page.getByRole('button', { name: /zoom out/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('zoom')).toBe(null);
  });

  it('draws runs that differ only in their seed as one band, as wide as the API says', async () => {
    const page = await open(`/ui/?sweep=twins&sel=twin-a,twin-b&curve=loss`);
    // Only the seed varies and no target is named: one axis, so no parallel coordinates, said so.
    await page.getByText('Only params.seed varies here').waitFor();
    const plot = page.getByTestId('curves').locator('.curve');
    await expect.poll(async () => Number(await plot.getAttribute('data-runs'))).toBe(2);
    await page.getByLabel('bands over seeds').check();
    await page.waitForURL(/bands=1/);
    const grouped = (await app.inject({ method: 'POST', url: '/v1/curves', headers: bearer(token), payload: { selection: { runIds: ['twin-a', 'twin-b'] }, metrics: ['loss'], maxPoints: 1000, x: 'step', groupBy: 'all-but-seed' } })).json();
    expect(grouped.series[0].groups).toHaveLength(1);
    const width = Math.max(...grouped.series[0].groups[0].std);
    expect(width).toBeGreaterThan(0.05); // the seeds' curves are 0.1 apart
    await expect.poll(async () => Number(await plot.getAttribute('data-groups'))).toBe(1);
    expect(Number(await plot.getAttribute('data-band-width'))).toBeCloseTo(width, 12);
    await screenshot(page, 'curves-bands');
  });

  it('shows what drives the target: the params in the API\'s order of importance, and the best region in its words', async () => {
    const page = await open(`/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}&analytics=1`);
    const panel = page.getByTestId('analytics');
    await panel.waitFor({ timeout: 60_000 });
    const post = async (route: string) => (await app.inject({ method: 'POST', url: `/v1/sweeps/${route}`, headers: bearer(token), payload: { selection: { sweep: SWEEP }, target: TARGET } })).json();
    const [imp, best] = await Promise.all([post('importance'), post('best-region')]);
    expect(await panel.locator('[data-param]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-param')))).toEqual(imp.params.map((p: { param: string }) => p.param));
    expect(imp.params[0].param).toBe('lr');
    expect(await page.getByTestId('best-region').textContent()).toBe(best.sentence);
    // The slice of the most important param and the contour of the first two, drawn from the API's bins and cells.
    const [first, second] = imp.params.filter((p: { insensitive: boolean }) => !p.insensitive).map((p: { param: string }) => p.param);
    const sliced = (await app.inject({ method: 'POST', url: '/v1/sweeps/slice', headers: bearer(token), payload: { selection: { sweep: SWEEP }, param: first, target: TARGET } })).json();
    const grid = (await app.inject({ method: 'POST', url: '/v1/sweeps/contour', headers: bearer(token), payload: { selection: { sweep: SWEEP }, x: first, y: second, target: TARGET } })).json();
    await page.getByTestId('slice-chart').locator('canvas').first().waitFor();
    expect(Number(await page.getByTestId('slice').getAttribute('data-bins'))).toBe(sliced.bins.filter((b: { mean: number | null }) => b.mean !== null).length);
    await page.getByTestId('contour-chart').locator('canvas').first().waitFor();
    expect(Number(await page.getByTestId('contour').getAttribute('data-cells'))).toBe(grid.mean.flat().filter((m: number | null) => m !== null).length);
    // Every param's marginal, with the API's bins.
    const marg = (await app.inject({ method: 'POST', url: '/v1/sweeps/marginals', headers: bearer(token), payload: { selection: { sweep: SWEEP }, target: TARGET } })).json();
    const multiples = page.getByTestId('marginals').locator('[data-marginal]');
    await expect.poll(() => multiples.count()).toBe(marg.effects.length);
    expect(await multiples.evaluateAll((els) => els.map((e) => [e.getAttribute('data-marginal'), Number(e.getAttribute('data-bins'))]))).toEqual(
      marg.effects.map((e: { param: string; bins: { mean: number | null }[] }) => [e.param, e.bins.filter((b) => b.mean !== null).length]),
    );
    await page.getByTestId('contour-chart').scrollIntoViewIfNeeded();
    await screenshot(page, 'analytics');
  });

  it('scatters any two fields as the API does, the pair in the link', async () => {
    const page = await open(`/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}&scatter=${encodeURIComponent('params.lr\nparams.dropout')}`);
    const panel = page.getByTestId('scatter');
    const points = async (x: string, y: string) =>
      (await app.inject({ method: 'POST', url: '/v1/sweeps/scatter', headers: bearer(token), payload: { selection: { sweep: SWEEP }, x, y, colour: `metrics.${TARGET}` } })).json().points;
    await panel.getByTestId('scatter-chart').locator('canvas').first().waitFor();
    await expect.poll(async () => Number(await panel.getAttribute('data-points'))).toBe(await points('params.lr', 'params.dropout'));
    expect(await panel.getAttribute('data-y')).toBe('params.dropout');
    await panel.locator('select').nth(1).selectOption(`metrics.${TARGET}`);
    await page.waitForURL(/scatter=params.lr%0Ametrics/);
    // The panel asked again: its answer is the new pair's.
    await expect.poll(async () => panel.getAttribute('data-y')).toBe(`metrics.${TARGET}`);
    expect(Number(await panel.getAttribute('data-points'))).toBe(await points('params.lr', `metrics.${TARGET}`));
    await screenshot(page, 'scatter');
  });

  it("tests two sets of runs on the target, in the API's own sentence", async () => {
    const page = await open(`/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}`);
    await shownCount(page);
    const pick = async (filter: string, side: 'A' | 'B') => {
      await page.locator('#filter').fill(filter);
      await page.locator('#filter').press('Enter');
      await expect.poll(async () => (await shownCount(page)).kept).toBe(await apiCount(filter));
      await page.getByLabel('tick every run shown').check();
      await page.getByRole('button', { name: `use as ${side}` }).click();
    };
    await pick("params.optimizer = 'adamw' and params.lr > 0.001", 'A');
    await pick("params.optimizer = 'sgd' and params.lr > 0.001", 'B');
    const sentence = page.getByTestId('stats-sentence');
    await sentence.waitFor();
    const link = new URL(page.url()).searchParams;
    const [a, b] = [link.get('a')!.split(','), link.get('b')!.split(',')];
    expect(a.length).toBe(await apiCount("params.optimizer = 'adamw' and params.lr > 0.001"));
    const api = await app.inject({ method: 'POST', url: '/v1/stats/compare', headers: bearer(token), payload: { a: { runIds: a, label: 'A' }, b: { runIds: b, label: 'B' }, metric: TARGET } });
    expect(api.statusCode, api.body).toBe(200);
    expect(await sentence.textContent()).toBe(api.json().summary);
    await screenshot(page, 'statistics');
  });

  it('ranks groups as the leaderboard does, marks those indistinguishable from the best, and ticks a group on a click', async () => {
    const page = await open(`/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}&group=optimizer`);
    const summary = page.getByTestId('leaderboard-summary');
    await summary.waitFor();
    const api = (await app.inject({ method: 'POST', url: '/v1/stats/leaderboard', headers: bearer(token), payload: { selection: { sweep: SWEEP }, groupBy: ['optimizer'], metric: TARGET, direction: 'maximize' } })).json();
    expect(await summary.textContent()).toBe(api.summary);
    const groups = page.getByTestId('groups').locator('[data-group]');
    expect(await groups.evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-group'), r.classList.contains('near-best')]))).toEqual(
      api.groups.map((g: { label: string; indistinguishableFromBest: boolean }) => [g.label, g.indistinguishableFromBest]),
    );
    await groups.first().click();
    await expect.poll(async () => new URL(page.url()).searchParams.get('sel')?.split(',').length).toBe(api.groups[0].runIds.length);
    await screenshot(page, 'groups');
  });

  it('adds a metric summary and a lineage field as columns and axes from the project\'s fields, as the API names and fills them', async () => {
    const page = await open(`/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}&sort=run:asc`);
    await shownCount(page);
    await page.getByRole('button', { name: 'columns…' }).click();
    await page.getByLabel('metrics.val/acc.min').check();
    await page.waitForURL(/cols=/);
    const cols = new URL(page.url()).searchParams.get('cols')!.split('\n');
    expect(cols).toContain('metrics.val/acc.min');
    const api = (await app.inject({ method: 'POST', url: '/v1/sweeps/parallel', headers: bearer(token), payload: { selection: { sweep: SWEEP }, target: TARGET, axes: cols } })).json();
    await expect.poll(async () => page.getByTestId('runs-table').locator('th').allTextContents()).toEqual(['', 'run ▲', ...api.axes.map((a: { name: string }) => a.name)]);
    // run-000's cell in the new column is its val/acc min as the API has it.
    const k = api.axes.findIndex((a: { field: string }) => a.field === 'metrics.val/acc.min');
    const row = api.ids.indexOf('run-000');
    const cell = await page.locator('[data-run="run-000"] td').nth(k + 2).textContent();
    expect(Number(cell)).toBeCloseTo(api.values[k][row], 3);
    await screenshot(page, 'columns');
    // Moving a column moves its axis: the API is asked for the axes in the new order.
    await page.getByLabel('move metrics.val/acc.min left').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('cols')!.split('\n').indexOf('metrics.val/acc.min')).toBe(cols.indexOf('metrics.val/acc.min') - 1);
    const moved = new URL(page.url()).searchParams.get('cols')!.split('\n');
    const again = (await app.inject({ method: 'POST', url: '/v1/sweeps/parallel', headers: bearer(token), payload: { selection: { sweep: SWEEP }, target: TARGET, axes: moved } })).json();
    await expect.poll(async () => page.getByTestId('runs-table').locator('th').allTextContents()).toEqual(['', 'run ▲', ...again.axes.map((a: { name: string }) => a.name)]);
    // A lineage field as a column: each run's data version, as the API has it on the run.
    await page.getByLabel('lineage.data_version').check();
    await expect.poll(() => new URL(page.url()).searchParams.get('cols')!.split('\n')).toContain('lineage.data_version');
    await expect.poll(async () => page.getByTestId('runs-table').locator('th').allTextContents()).toContain('lineage.data_version');
    const versions = await page.getByTestId('runs-table').evaluate((el) => {
      const k = [...el.querySelectorAll('th')].findIndex((th) => th.textContent === 'lineage.data_version');
      return [...el.querySelectorAll('[data-run]')].slice(0, 4).map((tr) => [tr.getAttribute('data-run'), tr.querySelectorAll('td')[k]!.textContent]);
    });
    expect(versions).toHaveLength(4);
    for (const [id, version] of versions) {
      const run = (await app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: bearer(token) })).json();
      expect(version).toBe(run.lineage.dataVersion);
    }
  });

  it("opens a run's page from the table: its summaries and artifacts as the API has them", async () => {
    const page = await open(`/ui/?sweep=${SWEEP}&target=${encodeURIComponent(TARGET)}&sort=run:asc`);
    await shownCount(page);
    await page.getByRole('link', { name: 'run-000' }).click();
    await page.waitForURL(/\/ui\/runs\/run-000$/);
    const table = page.getByTestId('run-metrics');
    await table.waitFor();
    const api = (await app.inject({ method: 'GET', url: '/v1/runs/run-000', headers: bearer(token) })).json();
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(api.metrics.map((m: { key: string }) => m.key));
    expect(rows.map((r) => Number(r[2]))).toEqual(api.metrics.map((m: { last: number }) => Number(m.last.toPrecision(5))));
    await expect.poll(() => page.getByText('sha256:4f2a').count()).toBe(1);
    expect(await page.getByText('50.0 MiB').count()).toBe(1);
    await screenshot(page, 'run-page');
  });

  it("puts the ticked runs' artifacts side by side as the API answers them: confusions, PR curves, samples, console, checkpoints", async () => {
    const page = await open(`/ui/?sweep=cls&target=${encodeURIComponent(TARGET)}&sort=run:asc`);
    await shownCount(page);
    for (const id of CLS) await page.getByLabel(`tick ${id}`).check();
    await page.getByRole('button', { name: 'show artifacts' }).click();
    await page.waitForURL(/art=1/);

    // Confusion matrices: the API's sentence for the planted run, its classes marked where recall moved beyond noise.
    const cm = await apiPost('/v1/artifacts/confusion', { runIds: CLS, name: 'confusion/val' });
    const confused = cm.runs[2].vsBaseline;
    expect(confused.sentence).toMatch(/^cls-confused takes dog for cat 40\.0% of the time/);
    const sentence = page.locator('[data-testid=confusion-sentence][data-run=cls-confused]');
    await sentence.waitFor();
    expect(await sentence.textContent()).toBe(confused.sentence);
    expect(await page.locator('[data-testid=confusion-sentence][data-run=cls-b]').textContent()).toBe(cm.runs[1].vsBaseline.sentence);
    const classes = page.locator('[data-testid=confusion-classes][data-run=cls-confused] tr[data-class]');
    expect(await classes.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-class'), tr.getAttribute('data-beyond-noise') === '1']))).toEqual(
      confused.classes.map((c: { label: string; withinNoise: boolean | null }) => [c.label, c.withinNoise === false]),
    );
    expect(await classes.evaluateAll((trs) => trs.filter((tr) => tr.querySelector('.noise-mark')).map((tr) => tr.getAttribute('data-class')))).toContain('dog');
    // The dog row's recall delta as the API computes it.
    const dog = confused.classes.find((c: { label: string }) => c.label === 'dog');
    expect(await classes.filter({ has: page.locator('td', { hasText: /^dog$/ }) }).locator('td').nth(5).textContent()).toBe(`−${Math.abs(dog.recall).toFixed(3)} ●`);
    const drawn = (testId: string) => page.getByTestId(testId).filter({ has: page.locator('canvas') }).count();
    await expect.poll(() => drawn('confusion-heatmap')).toBe(3);
    await expect.poll(() => drawn('confusion-delta')).toBe(2);

    // PR curves: the sentence, and each run's average precision and delta in the legend (known: 0.75, 0.6, 0.45).
    const pr = await apiPost('/v1/artifacts/curves', { runIds: CLS, name: 'pr/val' });
    await page.getByTestId('pr-legend').waitFor();
    expect(await page.getByTestId('pr-sentence').textContent()).toBe(pr.sentence);
    const legend = await page.getByTestId('pr-legend').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-run'), Number(tr.getAttribute('data-area')), tr.querySelector('.area')!.textContent]));
    expect(legend).toEqual(pr.runs.map((r: { runId: string; area: number }) => [r.runId, r.area, r.area.toFixed(3)]));
    expect(legend.map((l) => l[2])).toEqual(['0.750', '0.600', '0.450']);
    expect(await page.getByTestId('pr-chart').locator('canvas').count()).toBeGreaterThan(0);

    // Samples: paged, then the planted bad answer found by the score filter, as the API finds it.
    const samples = page.getByTestId('samples');
    const pager = samples.getByTestId('samples-count');
    await expect.poll(() => pager.getAttribute('data-total')).toBe(String(SAMPLES));
    await samples.getByRole('button', { name: 'next' }).click();
    await page.waitForURL(/soff=20/);
    await expect.poll(() => samples.locator('tr[data-input]').first().getAttribute('data-input')).toBe('p20');
    await samples.getByLabel('differs by score at least').fill('0.5');
    await samples.getByLabel('differs by score at least').press('Enter');
    await page.waitForURL(/sdiff=0.5%3Aquality/);
    expect(new URL(page.url()).searchParams.get('soff')).toBe(null);
    const found = await apiPost('/v1/artifacts/samples', { runIds: CLS, name: 'gen', scoreDiff: { score: 'quality', min: 0.5 }, offset: 0, limit: 20, mode: 'common' });
    expect(found.rows.map((r: { inputId: string }) => r.inputId)).toEqual(['p17']);
    await expect.poll(() => samples.locator('tr[data-input]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-input')))).toEqual(['p17']);
    expect(await samples.locator('tr[data-input] .sample-text').allTextContents()).toEqual(found.rows[0].outputs.map((o: { text: string }) => o.text));
    expect(await samples.locator('td.sample.differs .sample-text').textContent()).toBe('dog dog dog dog');

    // The console: cls-a against cls-b differ only in numbers; against cls-confused they part at line 7.
    const diff = page.getByTestId('log-diff');
    const diffSentence = diff.getByTestId('log-diff-sentence');
    expect(await diffSentence.textContent()).toBe((await apiPost('/v1/logs/diff', { a: 'cls-a', b: 'cls-b' })).sentence);
    await diff.getByLabel('ignore numbers').check();
    await page.waitForURL(/nodigits=1/);
    const blind = await apiPost('/v1/logs/diff', { a: 'cls-a', b: 'cls-b', ignoreDigits: true });
    expect(blind.firstDivergence).toBe(null);
    await expect.poll(() => diffSentence.textContent()).toBe(blind.sentence);
    await diff.getByLabel('diff the console with').selectOption('cls-confused');
    await page.waitForURL(/logb=cls-confused/);
    const parted = await apiPost('/v1/logs/diff', { a: 'cls-a', b: 'cls-confused', ignoreDigits: true });
    expect(parted.firstDivergence).toMatchObject({ seq: 7, b: 'step 7 loss is NaN' });
    await expect.poll(() => diffSentence.textContent()).toBe(parted.sentence);
    const first = diff.getByTestId('first-divergence');
    expect(await first.locator('td').allTextContents()).toEqual([String(parted.firstDivergence.seq), parted.firstDivergence.a, parted.firstDivergence.b]);

    // Checkpoints: the digest cls-a and cls-b share.
    const ckpt = await apiPost('/v1/artifacts/checkpoints', { runIds: CLS });
    expect(ckpt.shared).toEqual([{ digest: 'sha256:init0', runIds: ['cls-a', 'cls-b'] }]);
    const shared = page.getByTestId('shared-checkpoints').locator('li');
    expect(await shared.evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-digest'), li.textContent]))).toEqual([['sha256:init0', 'sha256:init0 is the same in cls-a, cls-b']]);

    // The whole view is in the link.
    expect(decodeState(new URL(page.url()).search).artifacts).toEqual({ open: true, normalize: false, offset: 0, allInputs: false, scoreDiff: { score: 'quality', min: 0.5 }, logWith: 'cls-confused', ignoreDigits: true });
    await page.getByTestId('artifacts').scrollIntoViewIfNeeded();
    await screenshot(page, 'artifacts');
  });

  it("shows a run's last console lines on its page, by level and text as the API answers", async () => {
    const page = await open('/ui/runs/cls-confused?tail=20');
    const lines = page.getByTestId('log-lines').locator('tr');
    const texts = async (q: string) => (await (await app.inject({ method: 'GET', url: `/v1/runs/cls-confused/logs?${q}`, headers: bearer(token) })).json()).lines.map((l: { text: string }) => l.text);
    const all = await texts('tail=20');
    expect(all).toHaveLength(LINES);
    await expect.poll(() => lines.locator('.log-text').allTextContents()).toEqual(all);
    await page.getByTestId('run-logs').getByLabel('error').check();
    await page.waitForURL(/level=error/);
    await expect.poll(() => lines.locator('.log-text').allTextContents()).toEqual(await texts('tail=20&level=error'));
    expect(await lines.locator('.log-text').allTextContents()).toEqual(['step 7 loss is NaN']);
    await page.getByTestId('run-logs').getByLabel('error').uncheck();
    await expect.poll(() => page.url()).not.toMatch(/level=error/);
    await page.getByLabel('holding').fill('took 1');
    await page.getByLabel('holding').press('Enter');
    await page.waitForURL(/lsearch=took/);
    const held = await texts('tail=20&search=took+1');
    expect(held.length).toBeGreaterThan(0);
    await expect.poll(() => lines.locator('.log-text').allTextContents()).toEqual(held);
    await page.getByTestId('run-logs').scrollIntoViewIfNeeded();
    await screenshot(page, 'run-logs');
  });

  it("shows an artifact the runs lack in the API's words, and logs nothing but the browser's own 404", async () => {
    const watched = await openPage(browser);
    const page = watched.page;
    await page.goto(`${url}/ui/?sweep=cls&sel=cls-a,cls-b&art=1&cm=confusion%2Ftest#token=${encodeURIComponent(token)}`);
    const r = await app.inject({ method: 'POST', url: '/v1/artifacts/confusion', headers: bearer(token), payload: { runIds: ['cls-a', 'cls-b'], name: 'confusion/test' } });
    expect(r.statusCode).toBe(404);
    const error = page.getByTestId('confusion').getByTestId('artifact-error');
    await error.waitFor();
    expect(await error.textContent()).toBe(`confusion matrix "confusion/test": ${r.json().error}`);
    // The other parts answered.
    await page.getByTestId('pr-legend').waitFor();
    await page.close();
    expect(watched.problems).toHaveLength(1);
    expect(watched.problems[0]).toMatch(/status of 404 \(Not Found\)/);
  });

  it('logged no error in any view', () => {
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.flatMap((p) => p.problems)).toEqual([]);
  });
});
