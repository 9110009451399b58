// A real browser for the dashboard's tests (cli/browser.ts: Debian's chromium through
// playwright-core). Each page records its console errors and failed requests, which a test asserts are
// none; screenshots go to .runlens/screenshots/ for a person to look at.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { REPO } from './python.ts';

export { launchBrowser } from '../../cli/browser.ts';

export const SCREENSHOTS = join(REPO, '.runlens', 'screenshots');

export interface WatchedPage {
  page: Page;
  /** Console errors, page errors and failed or 5xx requests, as text. */
  problems: string[];
}

export async function openPage(browser: Browser, width = 1400, height = 1000): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width, height } });
  const problems: string[] = [];
  // A 400 is how the filter box learns the API's error (checked as one types): the browser logs
  // each as "Failed to load resource"; any other console error is a problem.
  page.on('console', (m) => m.type() === 'error' && !/status of 400 \(Bad Request\)/.test(m.text()) && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 500 && problems.push(`${r.status()} ${r.url()}`));
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
