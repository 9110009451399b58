#!/usr/bin/env node
// `npm run demo` on a fresh clone: install dependencies if they are missing, then hand over
// to `runlens demo`. Plain JavaScript so it runs before node_modules exists.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await import('./ensure-deps.js');
const child = spawn(process.execPath, [join(root, 'bin', 'runlens.js'), 'demo', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
