// The browser the dashboard's tests and benchmark drive: Debian's chromium (installed by
// deploy/local/browser.sh when missing) through playwright-core, which downloads no browser of
// its own.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT } from './stack.ts';

/** The path of Debian's chromium, installing it first when it is missing (minutes, once). */
export function chromiumPath(): string {
  return execFileSync('bash', [join(REPO_ROOT, 'deploy', 'local', 'browser.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 }).trim();
}

export function launchBrowser(): Promise<Browser> {
  // Without chromium's sandbox: it cannot start as root (CI and this machine run as root), and the
  // pages are our own, from loopback.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });
}
