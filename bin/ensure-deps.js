#!/usr/bin/env node
// Installs node_modules from the lock file when they are missing or lack a dependency that
// package.json declares (a pull that added one), then builds the dashboard if its sources
// changed, so `npm test` and `npm run demo` work on a fresh clone and after an update. Plain
// JavaScript: it runs before any dependency exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
const missing = existsSync(join(root, 'node_modules', '.package-lock.json'))
  ? declared.filter((name) => !existsSync(join(root, 'node_modules', name, 'package.json')))
  : ['everything'];
if (missing.length > 0) {
  console.log(`[runlens] installing dependencies (npm ci; missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})…`);
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The dashboard the API serves, rebuilt when its sources or the dependencies changed.
const { buildDashboard } = await import('./build-dashboard.js');
await buildDashboard();
