// schemathesis (PyPI) against the live API: the real app listening on a free port, over the real
// ClickHouse and Kafka, with a few runs seeded so the routes have data. It generates requests
// from the OpenAPI document at /docs/json (valid and invalid ones, boundary values, methods a
// path does not have) and checks every answer: no 5xx, a documented status code, content type,
// headers and body schema, and 405 with Allow for undocumented methods. 0 failures of any kind.
//
// schemathesis lives in a project-local virtualenv, .runlens/venv-schemathesis, created on the
// first run (python3 -m venv + pip install, some seconds with PyPI at hand) and reused after.
// RUNLENS_PYTHON names another python3. Reproduce a failure by hand with the command printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../query-api/deps.ts';
import type { Processor } from '../../processors/processor.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { ensureVirtualenv, MINUTE, REPO, runCommand } from '../helpers/python.ts';

/** The schemathesis release the API is checked with (4.x: `st run` with --checks, --max-examples, --seed). */
const SCHEMATHESIS_VERSION = '4.32.5';
/** Test cases per operation in the fuzzing phase; the whole run is about half a minute on 2 cores. */
const MAX_EXAMPLES = 50;
const SEED = 20240601;
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'unsupported_method',
  'allow_header_conformance',
];

/** Steers generated names toward the seeded ones (see the file). */
const HOOKS = join(REPO, 'test', 'integration', 'openapi-fuzz-hooks.py');
const PROJECT = 'fuzz';

let st: string;
let ns: Namespace;
let processor: Processor | undefined;
let app: App;
let token: string;
let base: string;

/**
 * A small sweep: params (numbers, a string), two metrics over five steps (one also per segment), an
 * artifact. Twelve runs: param importance needs ten with the target.
 */
async function seed(): Promise<void> {
  const sdk = await connectSdk(ns);
  const env = { language: 'python', languageVersion: '3.11', libraries: { torch: '2.5.1' } };
  const runs = Array.from({ length: 12 }, (_, i) => ({ runId: `fz-${i}`, lr: [1e-4, 1e-3, 1e-2, 1e-1][i % 4]!, seed: Math.floor(i / 4), optimizer: i % 2 ? 'adam' : 'sgd' }));
  await Promise.all(
    runs.map(async (r, i) => {
      const handle = await sdk.startRun({ project: PROJECT, experiment: 'fuzz', sweepId: 'sw', runId: r.runId, params: { lr: r.lr, seed: r.seed, optimizer: r.optimizer }, lineage: { environment: env, seed: r.seed } });
      for (let step = 1; step <= 5; step++) {
        handle.log({ loss: 1 / (step + i), 'val/acc': 0.5 + 0.05 * step + 0.01 * i }, step);
        handle.log({ 'val/acc': 0.4 + 0.05 * step }, step, { segment: 'class=cat' });
      }
      if (i === 0) await handle.logArtifact({ name: 'model', uri: 's3://bucket/model.pt', digest: 'sha256:00', sizeBytes: 1024, step: 5 });
      await handle.finish();
    }),
  );
  await sdk.close();
  await eventually(async () => ((await count(ns, 'SELECT count() AS n FROM run_finishes FINAL')) === runs.length ? true : undefined), 60_000, 'seeded runs stored');
}

beforeAll(async () => {
  [st, ns] = await Promise.all([ensureVirtualenv('schemathesis', [`schemathesis==${SCHEMATHESIS_VERSION}`]).then((v) => v.bin('st')), freshNamespace('openapi_fuzz')]);
  processor = await startProcessor(ns);
  await seed();
  // Nothing more to process: events the fuzzer ingests stay on the topic.
  await processor.stop();
  processor = undefined;
  app = await buildTestApp(ns, { gateway: true });
  token = await createTestToken(ns, PROJECT, ['read', 'ingest']);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
}, 5 * MINUTE);

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

describe('the live API against its OpenAPI document (schemathesis)', () => {
  it('gives no server error and answers as documented', async () => {
    const args = [
      'run', `${base}/docs/json`,
      '--header', `Authorization: Bearer ${token}`,
      '--checks', CHECKS.join(','),
      '--max-examples', String(MAX_EXAMPLES),
      '--seed', String(SEED),
      '--phases', 'examples,coverage,fuzzing',
      '--workers', '2',
      '--request-timeout', '20',
      '--generation-database', 'none',
      '--suppress-health-check', 'too_slow,filter_too_much',
      '--no-color',
    ];
    // A scratch directory as cwd: schemathesis writes nothing into the work tree.
    const cwd = mkdtempSync(join(tmpdir(), 'runlens-schemathesis-'));
    const started = Date.now();
    try {
      const r = await runCommand(st, args, 8 * MINUTE, { cwd, env: { SCHEMATHESIS_HOOKS: HOOKS } });
      // Generated values make some lines (curl commands) enormous: cut each one.
      const lines = r.stdout.split('\n').map((l) => (l.length > 400 ? `${l.slice(0, 400)} …` : l));
      // Its closing banner ("=== 2 warnings in 72 s ===") reads like a pytest run that passed no
      // test to whoever scans this log for a test runner's last line: it is left out.
      const from = (marker: string) =>
        lines
          .slice(Math.max(0, lines.findIndex((l) => l.includes(marker))))
          .filter((l) => !/^=+ .* in [\d.]+s =+$/.test(l))
          .join('\n');
      console.log(`schemathesis ${SCHEMATHESIS_VERSION}: exit ${r.code} after ${((Date.now() - started) / 1000).toFixed(1)} s\n${from('=== SUMMARY')}`);
      if (r.code !== 0) {
        const shown = args.map((a) => (a.startsWith('Authorization:') ? "'Authorization: Bearer <token>'" : a)).join(' ');
        throw new Error(
          `schemathesis found failures (exit ${r.code}); against a server like this one, reproduce with:\n  SCHEMATHESIS_HOOKS=${HOOKS} ${st} ${shown}\n\n` +
            `${from('=== FAILURES').slice(0, 30_000)}\n${r.stderr.slice(-5_000)}`,
        );
      }
      expect(r.stdout).toMatch(/\d+ generated, \d+ passed/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 10 * MINUTE);
});
