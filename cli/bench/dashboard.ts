// `npm run bench` (part "dashboard"): the dashboard in Debian's chromium against the real API
// over sweeps of 10,000 and 100,000 runs seeded straight into a scratch ClickHouse database
// (queries.ts's seedSweep). Measured per sweep: the parallel coordinates' first draw (page
// navigation start → last line drawn, by the page's clock, and the part from the answer's arrival), a brush on an axis
// → the table showing the runs kept, and the table scrolled to its last row. Prints figures;
// asserts nothing about time.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createClickHouse } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { buildApp } from '../../query-api/app.ts';
import { createToken } from '../../storage/api-tokens.ts';
import { dropDatabase, migrate } from '../../storage/migrate.ts';
import { launchBrowser } from '../browser.ts';
import { median } from './median.ts';
import { recordFigure } from './report.ts';
import { REPO_ROOT, stack } from '../stack.ts';
import { insertChunks, noChunks, series } from './comparison-queries.ts';
import { Rng } from '../../ingest/simulate/random.ts';
import { seedSweep } from './queries.ts';

const TARGET = 'val/acc.max';
/** The curves measured: this many runs of the first sweep, each with this many steps of one metric. */
const CURVE_RUNS = 100;
const CURVE_STEPS = 100_000;
const CURVE_KEY = 'train/loss';
const REPEATS = 3;
const ms = (x: number) => `${Math.round(x).toLocaleString('en-US')} ms`;

/**
 * Curves of CURVE_RUNS runs × CURVE_STEPS steps ticked in the table: from the panel asking the API
 * (its mark) to uPlot's draw of the answer (its mark), on the page's clock.
 */
async function benchCurves(ch: ReturnType<typeof createClickHouse>, browser: Awaited<ReturnType<typeof launchBrowser>>, view: string, token: string, sweepId: string): Promise<void> {
  const t0 = performance.now();
  const ids = Array.from({ length: CURVE_RUNS }, (_, i) => `${sweepId}-${String(i).padStart(6, '0')}`);
  const rng = new Rng(7);
  let chunks = noChunks();
  for (const [i, id] of ids.entries()) {
    // Offsets past the sweep's own: each chunk row is a distinct Kafka message to ClickHouse.
    series(id, CURVE_KEY, CURVE_STEPS, 1_000, 1e9 + i * 1_000, rng, chunks);
    if (chunks.metric_chunks.length >= 2_000) {
      await insertChunks(ch, chunks);
      chunks = noChunks();
    }
  }
  await insertChunks(ch, chunks);
  console.log(`  ${CURVE_RUNS} runs × ${CURVE_STEPS.toLocaleString('en-US')} steps of ${CURVE_KEY} seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const drawn: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${view}&sel=${ids.join(',')}&curve=${encodeURIComponent(CURVE_KEY)}#token=${token}`);
    await page.waitForFunction(() => performance.getEntriesByName('runlens:curves-drawn').length > 0, undefined, { timeout: 120_000 });
    drawn.push(await page.evaluate(() => {
      // The marks of dashboard/src/views/curves-panel.tsx: the last request, and the draw after it.
      const asked = performance.getEntriesByName('runlens:curves-requested').at(-1)!.startTime;
      return performance.getEntriesByName('runlens:curves-drawn').find((m) => m.startTime >= asked)!.startTime - asked;
    }));
    await page.close();
  }
  console.log(`    curves of ${CURVE_RUNS} runs × ${CURVE_STEPS.toLocaleString('en-US')} steps, asked → drawn: ${ms(median(drawn))}   [target < 1 s]`);
}

export async function benchDashboard(base: Config, sizes = [10_000, 100_000]): Promise<void> {
  // The build script is bin/'s (it runs before any TypeScript tooling): a process of its own.
  execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'build-dashboard.js')], { stdio: 'inherit' });
  await stack('up', base);
  const config: Config = { ...base, clickhouseDatabase: `runlens_dashbench${Date.now()}` };
  const admin = createClickHouse(config, { database: 'default', requestTimeoutMs: 300_000 });
  await migrate(admin, config.clickhouseDatabase);
  const ch = createClickHouse(config, { requestTimeoutMs: 600_000 });
  const app = await buildApp({ clickhouse: ch, logger: createLogger('bench-api', 'warn'), tokenCacheMs: 60_000, crashAfterMs: config.crashAfterMs });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchBrowser();
  console.log(`
Dashboard in Chromium ${browser.version()} — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; API and ClickHouse on the same machine
  each figure: median of ${REPEATS} page loads`);
  try {
    const token = (await createToken(ch, { project: 'bench', scopes: ['read'], name: 'dashboard bench' })).token;
    for (const [k, runs] of sizes.entries()) {
      const sweepId = `sweep${runs}`;
      const t0 = performance.now();
      await seedSweep(ch, sweepId, runs, 31 + k);
      console.log(`  ${runs.toLocaleString('en-US')} runs seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const figures = { open: [] as number[], draw: [] as number[], brush: [] as number[], scroll: [] as number[], kept: 0 };
      for (let r = 0; r < REPEATS; r++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.goto(`${url}/ui/?sweep=${sweepId}&target=${encodeURIComponent(TARGET)}#token=${token}`);
        const drawn = page.getByTestId('drawn-ms');
        await drawn.waitFor({ timeout: 120_000 });
        // The page's own clock: the chart's mark (views/parallel-chart.tsx DRAWN_MARK) since navigation
        // started. Timing it from here would add playwright's polling (up to 500 ms a look).
        figures.open.push(await page.evaluate(() => performance.getEntriesByName('runlens:parallel-drawn')[0]!.startTime));
        figures.draw.push(Number(await drawn.getAttribute('data-ms')));
        // Brush the middle of the first axis; time until the count shows the runs kept.
        const box = (await page.getByTestId('parallel').boundingBox())!;
        await page.mouse.move(box.x + 70, box.y + 120);
        await page.mouse.down();
        await page.mouse.move(box.x + 70, box.y + 260, { steps: 4 });
        const brushed = performance.now();
        await page.mouse.up();
        await page.waitForFunction((n) => Number(document.querySelector('[data-testid=count]')?.getAttribute('data-kept')) !== n, runs, { timeout: 60_000 });
        figures.brush.push(performance.now() - brushed);
        figures.kept = Number(await page.getByTestId('count').getAttribute('data-kept'));
        // Scroll the table to its end: time until its last row is in the DOM.
        await page.getByRole('button', { name: 'clear brushes' }).click();
        await page.waitForFunction((n) => Number(document.querySelector('[data-testid=count]')?.getAttribute('data-kept')) === n, runs, { timeout: 60_000 });
        const scrolled = performance.now();
        await page.getByTestId('runs-table').evaluate((el) => el.scrollTo(0, el.scrollHeight));
        await page.waitForFunction(() => {
          const rows = document.querySelectorAll('[data-run]');
          return rows.length > 0 && (rows[rows.length - 1] as HTMLElement).getBoundingClientRect().bottom <= (document.querySelector('[data-testid=runs-table]') as HTMLElement).getBoundingClientRect().bottom + 1;
        }, undefined, { timeout: 60_000 });
        figures.scroll.push(performance.now() - scrolled);
        await page.close();
      }
      if (k === 0) await benchCurves(ch, browser, `${url}/ui/?sweep=${sweepId}&target=${encodeURIComponent(TARGET)}`, token, sweepId);
      const figure = (name: string, values: number[]) => recordFigure('dashboard', `${name}, ${runs} runs`, median(values), 'ms (median)');
      figure('parallel coordinates, link → drawn', figures.open);
      figure('parallel coordinates, drawing', figures.draw);
      figure('brush → table', figures.brush);
      figure('table scrolled to the last row', figures.scroll);
      console.log(`    parallel coordinates, first draw: ${ms(median(figures.open))} from opening the link (page loaded, answer fetched, parsed and drawn), ${ms(median(figures.draw))} of it drawing   [target < 2 s at 100k]`);
      console.log(`    brush an axis → table of the ${figures.kept.toLocaleString('en-US')} runs kept: ${ms(median(figures.brush))}   [target < 150 ms at 10k]`);
      console.log(`    table scrolled from the first to the last of ${runs.toLocaleString('en-US')} rows: ${ms(median(figures.scroll))}`);
    }
  } finally {
    await browser.close();
    await app.close();
    await ch.close();
    await dropDatabase(admin, config.clickhouseDatabase);
    await admin.close();
  }
}
