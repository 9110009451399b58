#!/usr/bin/env node
// Builds the dashboard (dashboard/) into dist/dashboard/ with esbuild: one ES module bundle and
// its CSS, named by content hash (cached for good), and index.html naming them (never cached);
// gzip and brotli copies beside each for the API to send as they are. No CDN, no network.
// Skips the build when dashboard/ and the lock file are unchanged since the last one. Plain
// JavaScript: bin/ensure-deps.js runs it right after installing the dependencies.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'dashboard');
const out = join(root, 'dist', 'dashboard');
const stamp = join(out, '.source-hash');

function sourceHash() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(path.slice(root.length)).update(readFileSync(path));
    }
  };
  walk(source);
  // This script's own options shape the output too.
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(readFileSync(join(root, 'package-lock.json')));
  return hash.digest('hex');
}

export async function buildDashboard({ force = false, quiet = false } = {}) {
  const hash = sourceHash();
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return { built: false, dir: out };
  const started = performance.now();
  const { build } = await import('esbuild');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: { main: join(source, 'src', 'main.tsx') },
    bundle: true, minify: true, sourcemap: 'linked', format: 'esm', target: ['chrome115', 'firefox115', 'safari16'],
    jsx: 'automatic', jsxImportSource: 'preact', entryNames: '[name]-[hash]', outdir: join(out, 'assets'),
    metafile: true, logLevel: 'warning', legalComments: 'linked', absWorkingDir: root,
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => join(root, f));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  const html = readFileSync(join(source, 'index.html'), 'utf8')
    .replace('/ui/assets/main.css', `/ui/assets/${basename(css)}`)
    .replace('/ui/assets/main.js', `/ui/assets/${basename(js)}`);
  writeFileSync(join(out, 'index.html'), html);
  for (const file of [js, css]) {
    const bytes = readFileSync(file);
    writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
    writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
  writeFileSync(stamp, hash);
  if (!quiet) console.log(`[runlens] dashboard built in ${Math.round(performance.now() - started)} ms (${Math.round(readFileSync(js).length / 1024)} KiB of script) into dist/dashboard`);
  return { built: true, dir: out };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildDashboard({ force: process.argv.includes('--force') });
}
