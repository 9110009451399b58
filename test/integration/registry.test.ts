// The model registry (/v1/models) on the real Kafka, processor, ClickHouse and API: a change is
// an event through Kafka, answered once ClickHouse holds it; versions record their run's
// summaries and model files; concurrent alias moves are settled by Kafka's order (one 409
// naming the holder); the audit log keeps every change asked, refused ones too, and nothing
// can change it — not the registry's routes, not the ingest gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';

const PROJECT = 'reg';
let ns: Namespace;
let processor: Processor;
let app: App;
let writer: Record<string, string>;
let reader: Record<string, string>;
let ingestOnly: string;

beforeAll(async () => {
  ns = await freshNamespace('registry');
  processor = await startProcessor(ns);
  app = await buildTestApp(ns, { gateway: true });
  writer = bearer(await createTestToken(ns, PROJECT, ['read', 'registry']));
  reader = bearer(await createTestToken(ns, PROJECT, ['read']));
  ingestOnly = await createTestToken(ns, PROJECT, ['ingest']);
  const sdk = await connectSdk(ns);
  const env = { language: 'python', languageVersion: '3.11', libraries: { torch: '2.5.1' } };
  const a = await sdk.startRun({ project: PROJECT, experiment: 'cls', runId: 'run-a', params: { lr: 0.1 }, lineage: { gitCommit: 'c1', dataVersion: 'v1', seed: 1, environment: env } });
  const b = await sdk.startRun({ project: PROJECT, experiment: 'cls', runId: 'run-b', params: { lr: 0.01 }, lineage: { gitCommit: 'c1', dataVersion: 'v1', seed: 1, environment: env } });
  const other = await sdk.startRun({ project: 'elsewhere', experiment: 'cls', runId: 'run-x', params: { lr: 1 }, lineage: { environment: env } });
  [0.5, 0.7, 0.6].forEach((v, i) => a.log({ 'val/acc': v }, i + 1));
  [0.6, 0.8].forEach((v, i) => b.log({ 'val/acc': v }, i + 1));
  await a.logArtifact({ name: 'model', kind: 'checkpoint', uri: 's3://models/a/1', digest: 'sha256:a1', sizeBytes: 10, step: 1 });
  await a.logArtifact({ name: 'model', kind: 'checkpoint', uri: 's3://models/a/3', digest: 'sha256:a3', sizeBytes: 10, step: 3 });
  await Promise.all([a.finish(), b.finish(), other.finish()]);
  // A sweep for the decision trail: lr=0.01 clearly best over 5 seeds, lr=0.1 clearly worse.
  const full = { language: 'python', languageVersion: '3.11', libraries: { torch: '2.5.1' }, hardware: 'a100' };
  const planted: Record<string, number> = { '0.01': 0.9, '0.1': 0.8, '0.001': 0.85 };
  for (const [lr, acc] of Object.entries(planted)) {
    for (let seed = 0; seed < 5; seed++) {
      const run = await sdk.startRun({ project: PROJECT, experiment: 'cls', sweepId: 'trail', runId: `t-${lr}-${seed}`, params: { lr: Number(lr), seed }, lineage: { gitCommit: 'c2', gitDirty: false, dataVersion: 'v2', seed, environment: full } });
      run.log({ 'val/acc': acc + 0.002 * ((seed * 7) % 5) }, 1);
      await run.finish();
    }
  }
  // Runs each lacking one piece of lineage (or holding a different one) for the reproducibility verdicts.
  const lineages: Record<string, object> = {
    'p-dirty': { gitCommit: 'c2', gitDirty: true, dataVersion: 'v2', seed: 1, environment: full },
    'p-nodata': { gitCommit: 'c2', dataVersion: null, seed: 1, environment: full },
    'p-noseed': { gitCommit: 'c2', dataVersion: 'v2', seed: null, environment: full },
    'p-nolibs': { gitCommit: 'c2', dataVersion: 'v2', seed: 1, environment: { ...full, libraries: {} } },
    'p-nohw': { gitCommit: 'c2', dataVersion: 'v3', seed: 1, environment: { ...full, hardware: null, libraries: { torch: '2.4.0' } } },
  };
  for (const [runId, lineage] of Object.entries(lineages)) await (await sdk.startRun({ project: PROJECT, experiment: 'repro', runId, params: { lr: 0.1 }, lineage: lineage as never })).finish();
  await sdk.close();
  await eventually(async () => ((await count(ns, 'SELECT count() AS n FROM run_finishes')) === 23 && (await count(ns, 'SELECT count() AS n FROM artifacts')) === 2 ? true : undefined), 60_000, 'runs stored');
}, 120_000);

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object, headers = writer) => app.inject({ method, url, payload, headers });

describe('registered models', () => {
  it('registers a model, refuses a second of the same name (409) and a bad name (400), and lists by a filter', async () => {
    const r = await call('POST', '/v1/models', { name: 'classifier', description: 'cats and dogs', tags: { team: 'vision' } });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ name: 'classifier', description: 'cats and dogs', tags: { team: 'vision' }, versions: [], aliases: {}, latestVersion: null, createdBy: expect.stringMatching(/^token:[0-9a-f]{16}$/) });
    const again = await call('POST', '/v1/models', { name: 'classifier' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('registered model "classifier" already exists');
    const bad = await call('POST', '/v1/models', { name: 'has space' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe(`model name "has space" may hold only letters, digits, '.', '_' and '-', and must start with a letter or digit`);
    expect((await call('POST', '/v1/models', { name: 'detector', tags: { team: 'robotics' } })).statusCode).toBe(201);
    const listed = await call('GET', `/v1/models?filter=${encodeURIComponent("tags.team = 'vision' or name like 'det%'")}`, undefined, reader);
    expect(listed.json().models.map((m: { name: string }) => m.name)).toEqual(['classifier', 'detector']);
    const wrong = await call('GET', `/v1/models?filter=${encodeURIComponent('params.lr > 1')}`, undefined, reader);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ position: 0, error: expect.stringMatching(/^models are filtered by name and tags/) });
  });

  it("registers runs as versions with the run's summaries and model files; another project's run is a 404", async () => {
    const v1 = await call('POST', '/v1/models/classifier/versions', { runId: 'run-a', artifact: 'model', description: 'first' });
    expect(v1.statusCode, v1.body).toBe(201);
    const run = (await call('GET', '/v1/runs/run-a', undefined, reader)).json();
    const acc = run.metrics.find((m: { key: string }) => m.key === 'val/acc');
    expect(v1.json()).toMatchObject({
      model: 'classifier', version: 1, runId: 'run-a', stage: 'None', description: 'first',
      // The latest artifact of that name.
      artifactUri: 's3://models/a/3', artifactDigest: 'sha256:a3',
      metrics: { 'val/acc.last': acc.last, 'val/acc.min': acc.min, 'val/acc.max': acc.max },
    });
    const v2 = await call('POST', '/v1/models/classifier/versions', { runId: 'run-b', metrics: ['val/acc.max'] });
    expect(v2.json()).toMatchObject({ version: 2, metrics: { 'val/acc.max': 0.8 }, artifactUri: null });
    for (const [body, status, error] of [
      [{ runId: 'run-x' }, 404, 'run(s) not found in this project: run-x'],
      [{ runId: 'run-a', artifact: 'weights' }, 404, 'run run-a logged no artifact named "weights"'],
      [{ runId: 'run-a', metrics: ['loss.min'] }, 400, /^run run-a has no metric summary loss\.min/],
    ] as const) {
      const r = await call('POST', '/v1/models/classifier/versions', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(status);
      expect(r.json().error).toMatch(error);
    }
    expect((await call('POST', '/v1/models/nope/versions', { runId: 'run-a' })).statusCode).toBe(404);
    expect((await call('GET', '/v1/models/classifier/versions/9', undefined, reader)).json()).toEqual({ error: 'registered model "classifier" has no version 9' });
  });

  it('settles two concurrent moves of an alias that expected it unset: one wins, the other is a 409 naming the holder', async () => {
    const [x, y] = await Promise.all([
      call('PUT', '/v1/models/classifier/aliases/champion', { version: 1, expectedVersion: 0, reason: 'best val/acc' }),
      call('PUT', '/v1/models/classifier/aliases/champion', { version: 2, expectedVersion: 0, reason: 'newer' }),
    ]);
    const statuses = [x.statusCode, y.statusCode].sort();
    expect(statuses).toEqual([200, 409]);
    const winner = (x.statusCode === 200 ? x : y).json().version;
    const loser = x.statusCode === 409 ? x : y;
    expect(loser.json().error).toBe(`alias "champion" of "classifier" is held by version ${winner} (the request expected it unset); read it again`);
    const held = await call('GET', '/v1/models/classifier/aliases/champion', undefined, reader);
    expect(held.json()).toMatchObject({ version: winner, aliases: ['champion'] });
    // Moving it on with the right expectation works.
    const other = winner === 1 ? 2 : 1;
    expect((await call('PUT', '/v1/models/classifier/aliases/champion', { version: other, expectedVersion: winner })).statusCode).toBe(200);
    expect((await call('GET', '/v1/models/classifier', undefined, reader)).json().aliases).toEqual({ champion: other });
    expect((await call('PUT', '/v1/models/classifier/aliases/latest', { version: 1 })).json().error).toMatch(/"latest" is reserved/);
  });

  it("moves versions through MLflow's stages, archiving the previous Production version when asked", async () => {
    expect((await call('POST', '/v1/models/classifier/versions/1/stage', { stage: 'Production' })).json().stage).toBe('Production');
    expect((await call('POST', '/v1/models/classifier/versions/2/stage', { stage: 'Production', archiveExisting: true, reason: 'beats v1' })).json().stage).toBe('Production');
    const versions = (await call('GET', '/v1/models/classifier/versions', undefined, reader)).json().versions;
    expect(versions.map((v: { stage: string }) => v.stage)).toEqual(['Archived', 'Production']);
    expect((await call('POST', '/v1/models/classifier/versions/1/stage', { stage: 'Live' })).statusCode).toBe(400);
  });

  it('refuses changes to a token without scope registry', async () => {
    const r = await call('PUT', '/v1/models/classifier/aliases/champion', { version: 1 }, reader);
    expect(r.statusCode).toBe(403);
    expect(r.json().error).toMatch(/scope "registry"/);
  });
});

describe('the audit log', () => {
  it('lists every change asked of a model, in order, with who, why and what held the alias before; refused ones say why', async () => {
    const entries = (await call('GET', '/v1/models/classifier/audit', undefined, reader)).json().entries as { action: string; accepted: boolean; refusal: string | null; before: unknown; reason: string | null; actor: string; alias: string | null }[];
    expect(entries.map((e) => e.action)).toEqual([
      'createModel', 'createModel', 'createVersion', 'createVersion', 'setAlias', 'setAlias', 'setAlias', 'transitionStage', 'transitionStage',
    ]);
    // Bad input (an unknown run, the alias "latest", stage "Live") is a 400 or 404 before anything is sent: not in the log.
    expect(entries.map((e) => e.accepted)).toEqual([true, false, true, true, true, false, true, true, true]);
    expect(entries[1]!.refusal).toBe('registered model "classifier" already exists');
    const moves = entries.filter((e) => e.action === 'setAlias' && e.alias === 'champion' && e.accepted);
    expect(moves.map((e) => e.before)).toEqual([0, expect.any(Number)]);
    expect(entries.find((e) => e.reason === 'beats v1')).toMatchObject({ action: 'transitionStage', before: 'None' });
  });

  it('cannot be changed: no route writes it, the ingest gateway refuses registry events, and deleting a model keeps its history', async () => {
    const before = await count(ns, `SELECT count() AS n FROM registry_events WHERE project = '${PROJECT}'`);
    for (const [method, url] of [['DELETE', '/v1/models/classifier/audit'], ['PUT', '/v1/models/classifier/audit'], ['POST', '/v1/models/classifier/audit']] as const) {
      const r = await call(method, url, {});
      expect(r.statusCode, `${method} ${url}`).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
    const forged = await app.inject({
      method: 'POST', url: '/v1/ingest/events', headers: bearer(ingestOnly),
      payload: { type: 'RegistryChanged', event: { project: PROJECT, eventId: 'forged-1', action: 'setAlias', model: 'classifier', version: 1, alias: 'champion', actor: 'token:someone-else', at: Date.now() } },
    });
    expect(forged.statusCode).toBe(403);
    expect((await call('DELETE', '/v1/models/detector')).statusCode).toBe(200);
    expect((await call('GET', '/v1/models/detector', undefined, reader)).statusCode).toBe(404);
    // The delete is one more row; nothing before it went.
    expect(await count(ns, `SELECT count() AS n FROM registry_events WHERE project = '${PROJECT}'`)).toBe(before + 1);
    expect(await count(ns, `SELECT count() AS n FROM registry_events WHERE event_id = 'forged-1'`)).toBe(0);
    // A new model of the old name starts a history of its own.
    expect((await call('POST', '/v1/models', { name: 'detector' })).statusCode).toBe(201);
    expect((await call('GET', '/v1/models/detector/audit', undefined, reader)).json().entries.map((e: { action: string }) => e.action)).toEqual(['createModel']);
  });
});

describe('the decision trail', () => {
  const leaderboard = { selection: { sweep: 'trail' }, groupBy: ['lr'], metric: 'val/acc.max', direction: 'maximize' };
  let evidence: { id: string; summary: string; runIds: string[]; contentHash: string };

  it('saves an answer as evidence: the server runs the request and keeps its answer, runs and hash', async () => {
    const r = await call('POST', '/v1/evidence', { route: '/v1/stats/leaderboard', request: leaderboard, note: 'the lr sweep' });
    expect(r.statusCode, r.body).toBe(201);
    evidence = r.json();
    const direct = (await call('POST', '/v1/stats/leaderboard', leaderboard, reader)).json();
    expect(direct.best).toBe('lr=0.01');
    expect(evidence).toMatchObject({ id: expect.stringMatching(/^ev-[0-9a-f]{16}$/), route: '/v1/stats/leaderboard', summary: direct.summary, note: 'the lr sweep', contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(evidence.runIds).toHaveLength(15);
    const back = (await call('GET', `/v1/evidence/${evidence.id}`, undefined, reader)).json();
    expect(back.answer).toEqual(direct);
    expect(back.request).toEqual(leaderboard);
    // A request the route refuses is not saved; the route's answer says why.
    const bad = await call('POST', '/v1/evidence', { route: '/v1/stats/leaderboard', request: { ...leaderboard, direction: 'sideways' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/^\/v1\/stats\/leaderboard answered 400: /);
    expect((await call('GET', '/v1/evidence/ev-0000000000000000', undefined, reader)).statusCode).toBe(404);
  });

  it('promotes the best run to champion on that evidence, and refuses promotions the evidence does not support, saying why', async () => {
    expect((await call('POST', '/v1/models', { name: 'trail-model', requireEvidence: ['champion'] })).statusCode).toBe(201);
    const register = async (runId: string) => (await call('POST', '/v1/models/trail-model/versions', { runId, metrics: ['val/acc.max'] })).json().version as number;
    const best = await register('t-0.01-0');
    const worse = await register('t-0.1-0');
    const sameGroup = await register('t-0.01-1');
    const toWorse = await call('PUT', '/v1/models/trail-model/aliases/champion', { version: worse, evidence: [evidence.id], reason: 'cheaper' });
    expect(toWorse.statusCode).toBe(409);
    expect(toWorse.json().error).toBe(`moving "champion" of "trail-model" to version ${worse} needs evidence that its run t-0.1-0 is significantly better than the other runs compared: ${evidence.id}: run t-0.1-0 is not in the best group (lr=0.01)`);
    const ok = await call('PUT', '/v1/models/trail-model/aliases/champion', { version: best, evidence: [evidence.id], reason: 'best lr on the sweep' });
    expect(ok.statusCode, ok.body).toBe(200);
    // A second promotion: the same group is no significant improvement over the holder.
    const second = await call('PUT', '/v1/models/trail-model/aliases/champion', { version: sameGroup, evidence: [evidence.id] });
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toBe(`moving "champion" of "trail-model" to version ${sameGroup} needs evidence that its run t-0.01-1 is significantly better than the holder's run t-0.01-0 (version ${best}): ${evidence.id}: runs t-0.01-1 and t-0.01-0 are in the same group (lr=0.01)`);
    const none = await call('PUT', '/v1/models/trail-model/aliases/champion', { version: sameGroup });
    expect(none.statusCode).toBe(409);
    expect(none.json().error).toMatch(/none was cited/);
    expect((await call('PUT', '/v1/models/trail-model/aliases/champion', { version: sameGroup, evidence: ['ev-nope'] })).json().error).toBe('no evidence ev-nope in this project');
    expect((await call('GET', '/v1/models/trail-model', undefined, reader)).json().aliases).toEqual({ champion: best });
    // The refused moves are in the log, and in the trail of the version they tried to promote.
    const refused = (await call('GET', `/v1/models/trail-model/versions/${worse}/trail`, undefined, reader)).json().moves;
    expect(refused).toEqual([expect.objectContaining({ action: 'createVersion', accepted: true }), expect.objectContaining({ action: 'setAlias', accepted: false, reason: 'cheaper', refusal: toWorse.json().error })]);
  });

  it("keeps projects apart: another project's models and evidence do not exist for this one", async () => {
    const other = bearer(await createTestToken(ns, 'other-team', ['read', 'registry']));
    expect((await call('POST', '/v1/models', { name: 'their-model' }, other)).statusCode).toBe(201);
    const theirs = await call('POST', '/v1/evidence', { route: '/v1/stats/test', request: { a: [1, 2, 3], b: [4, 5, 6] } }, other);
    expect(theirs.statusCode, theirs.body).toBe(400); // not a route evidence is kept for
    const saved = (await call('POST', '/v1/evidence', { route: '/v1/compare', request: { runIds: ['zz'] } }, other));
    // The route's own answer, as it came: another project's runs do not exist either.
    expect(saved.statusCode).toBe(404);
    expect(saved.json().error).toMatch(/^\/v1\/compare answered 404: run\(s\) not found in this project: zz/);
    expect((await call('GET', '/v1/models/their-model', undefined, reader)).statusCode).toBe(404);
    expect((await call('GET', '/v1/models', undefined, reader)).json().models.map((m: { name: string }) => m.name)).not.toContain('their-model');
    expect((await call('GET', '/v1/models/classifier', undefined, other)).statusCode).toBe(404);
    // This project's evidence cannot be read or cited from the other.
    expect((await call('GET', `/v1/evidence/${evidence.id}`, undefined, other)).statusCode).toBe(404);
    expect((await call('PUT', '/v1/models/their-model/aliases/champion', { version: 1, evidence: [evidence.id] }, other)).json().error).toBe(`no evidence ${evidence.id} in this project`);
  });

  it("lists the version's run and lineage, the evidence with its sentence, and every move in order — as JSON and as markdown", async () => {
    const trail = (await call('GET', '/v1/models/trail-model/versions/1/trail', undefined, reader)).json();
    expect(trail.version).toMatchObject({ version: 1, runId: 't-0.01-0', aliases: ['champion'], flags: [] });
    expect(trail.run).toMatchObject({ id: 't-0.01-0', params: { lr: 0.01, seed: 0 }, lineage: { gitCommit: 'c2', dataVersion: 'v2', seed: 0 } });
    expect(trail.reproducibility).toMatchObject({ reproducible: true, reasons: [] });
    expect(trail.evidence).toEqual([expect.objectContaining({ id: evidence.id, summary: evidence.summary, route: '/v1/stats/leaderboard' })]);
    expect(trail.moves.map((m: { action: string; accepted: boolean }) => [m.action, m.accepted])).toEqual([['createVersion', true], ['setAlias', true]]);
    expect(trail.moves[1]).toMatchObject({ alias: 'champion', before: 0, reason: 'best lr on the sweep', evidence: [evidence.id] });
    const md = await app.inject({ method: 'GET', url: '/v1/models/trail-model/versions/1/trail', headers: { ...reader, accept: 'text/markdown' } });
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.body).toContain('# trail-model version 1');
    expect(md.body).toContain(`**${evidence.id}** (/v1/stats/leaderboard`);
    expect(md.body).toContain(evidence.summary);
    expect(md.body).toContain('| alias champion → v1 | best lr on the sweep |');
    expect(md.body).toContain('Reproducible in principle.');
  });
});

describe('reproducibility', () => {
  it('gives each run a verdict from its lineage, naming what is missing', async () => {
    const verdict = async (id: string) => (await call('GET', `/v1/runs/${id}/reproducibility`, undefined, reader)).json();
    expect(await verdict('t-0.01-0')).toEqual({ runId: 't-0.01-0', reproducible: true, reasons: [], missing: [], caveats: [] });
    expect(await verdict('p-dirty')).toMatchObject({ reproducible: false, reasons: ['git tree was dirty (uncommitted changes are not in the commit)'], missing: [] });
    expect(await verdict('p-nodata')).toMatchObject({ reproducible: false, reasons: ['no data version'], missing: ['lineage.data_version'] });
    expect(await verdict('p-noseed')).toMatchObject({ reproducible: false, reasons: ['no seed'], missing: ['lineage.seed'] });
    expect(await verdict('p-nolibs')).toMatchObject({ reproducible: false, reasons: ['no library versions'], missing: ['lineage.libraries'] });
    // Hardware missing is a caveat, not a failure.
    expect(await verdict('p-nohw')).toMatchObject({ reproducible: true, missing: ['lineage.hardware'], caveats: [expect.stringMatching(/^no hardware recorded/)] });
    expect((await call('GET', '/v1/runs/run-x/reproducibility', undefined, reader)).statusCode).toBe(404);
  });

  it('lists what differs within a selection, and flags a version registered from a run that is not reproducible', async () => {
    const r = (await call('POST', '/v1/reproducibility', { selection: { runIds: ['p-nohw', 'p-dirty', 't-0.1-2'] } }, reader)).json();
    expect(r.runs.map((v: { runId: string; reproducible: boolean }) => [v.runId, v.reproducible])).toEqual([['p-dirty', false], ['p-nohw', true], ['t-0.1-2', true]]);
    expect(r.differing.map((d: { field: string }) => d.field)).toEqual(['lineage.git_dirty', 'lineage.data_version', 'lineage.hardware', 'lineage.seed', 'lineage.libraries.torch']);
    expect(r.summary).toBe('2 of 3 runs are reproducible in principle; they differ in lineage.git_dirty, lineage.data_version, lineage.hardware, lineage.seed, lineage.libraries.torch');
    const v = await call('POST', '/v1/models/classifier/versions', { runId: 'p-dirty' });
    expect(v.statusCode).toBe(201);
    expect(v.json().flags).toEqual(['run p-dirty is not reproducible in principle: git tree was dirty (uncommitted changes are not in the commit)']);
    const md = await app.inject({ method: 'GET', url: `/v1/models/classifier/versions/${v.json().version}/trail`, headers: { ...reader, accept: 'text/markdown' } });
    expect(md.body).toContain('> **Flag:** run p-dirty is not reproducible in principle');
  });
});
