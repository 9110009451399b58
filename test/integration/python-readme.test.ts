// The README's "From Python" sweep, run as it is printed there: the code block after the marker
// <!-- python-readme-sweep --> is read from README.md and run with the package from source, the
// real Kafka, processor, ClickHouse and API. Then the API lists the sweep, compares two runs and
// tests which learning rate is better, paired by seed — what a user would do next.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { MINUTE, REPO, runCommand } from '../helpers/python.ts';
import { pythonSdkEnv, pythonSdkVirtualenv } from '../helpers/python-sdk.ts';

const MARKER = '<!-- python-readme-sweep -->';

/** The ```python block right after the marker in README.md. */
function readmeSweep(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md has no ${MARKER}`);
  const block = /^```python\n([\s\S]*?)^```$/m.exec(readme.slice(at + MARKER.length));
  if (!block) throw new Error(`no python code block after ${MARKER}`);
  return block[1]!;
}

let ns: Namespace;
let processor: Processor;
let app: App;
let read: Record<string, string>;

beforeAll(async () => {
  const [venv, namespace] = await Promise.all([pythonSdkVirtualenv(), freshNamespace('python_readme')]);
  ns = namespace;
  processor = await startProcessor(ns);
  app = await buildTestApp(ns);
  read = bearer(await createTestToken(ns, 'vision', ['read']));
  const r = await runCommand(venv.python, ['-c', readmeSweep()], 3 * MINUTE, { env: pythonSdkEnv(ns) });
  expect(r.code, `the README's sweep failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
}, 5 * MINUTE);

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

const get = async (url: string) => {
  const r = await app.inject({ method: 'GET', url, headers: read });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return r.json();
};
const post = async (url: string, payload: object) => {
  const r = await app.inject({ method: 'POST', url, headers: read, payload });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return r.json();
};

interface ListedRun { id: string; status: string; params: Record<string, unknown>; lineage: { seed: number | null } }

describe("the README's Python sweep", () => {
  it('is stored: ten finished runs with their config, params set after start and lineage', async () => {
    const runs = await eventually(async () => {
      const list = (await get('/v1/runs?sweep=lr-sweep&limit=100')).runs as ListedRun[];
      return list.length === 10 && list.every((r) => r.status === 'finished' && r.params.warmup === 20) ? list : undefined;
    }, 60_000, 'ten finished runs with warmup set after start');
    for (const r of runs) {
      expect(r.params).toMatchObject({ batch_size: 128, 'optimizer.name': 'adamw', warmup: 20 });
      expect([0.01, 0.03]).toContain(r.params.lr);
    }
    expect(runs.map((r) => r.lineage.seed).sort()).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    const one = await get(`/v1/runs/${runs[0]!.id}`);
    expect(one.lineage).toMatchObject({ dataVersion: 'imagenet-v2', environment: { language: 'python' } });
    expect(one.metrics.map((m: { key: string; segment: string | null }) => `${m.key}${m.segment ? `[${m.segment}]` : ''}`).sort()).toEqual(['train/acc', 'train/loss', 'val/acc', 'val/acc[class=cat]']);
    expect(one.metrics.find((m: { key: string }) => m.key === 'train/loss').count).toBe(200);
    expect(one.artifacts).toMatchObject([{ name: 'model.ckpt', kind: 'checkpoint', step: 199 }]);
  });

  it('is compared and tested: lr 0.03 beats 0.01 on val/acc, paired by seed', async () => {
    const body = await post('/v1/stats/compare', {
      a: { sweep: 'lr-sweep', filter: 'params.lr = 0.01', label: 'lr 0.01' },
      b: { sweep: 'lr-sweep', filter: 'params.lr = 0.03', label: 'lr 0.03' },
      metric: 'val/acc.last',
      direction: 'maximize',
      pairBy: 'seed',
    });
    console.log(`[readme sweep] ${body.summary}`);
    expect(body.pairing).toMatchObject({ by: 'seed', matched: 5 });
    expect(body.result).toMatchObject({ paired: true, significant: true });
    // Planted: 3 × (0.03 − 0.01) = 0.06 better, noise 0.005 per run.
    expect(body.result.estimate).toBeGreaterThan(-0.075);
    expect(body.result.estimate).toBeLessThan(-0.045);
    expect(body.summary).toMatch(/lr 0\.03 .*lr 0\.01 on val\/acc\.last|lr 0\.01 .*lr 0\.03 on val\/acc\.last/);
    const ids = ((await get(`/v1/runs?sweep=lr-sweep&filter=${encodeURIComponent('params.optimizer.name = "adamw"')}&sort=params.lr:desc&limit=2`)).runs as ListedRun[]).map((r) => r.id);
    const compared = await post('/v1/compare', { runIds: ids });
    expect(JSON.stringify(compared)).toContain('val/acc');
  });
});
