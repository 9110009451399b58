// Unit test of runs/get's wait for a run (storage reads mocked): a run seen only through its
// points (orphaned, no experiment yet) is not answered while its RunStarted may still arrive.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../storage/runs.ts';

const reads: RunRecord[][] = [];
vi.mock('../../storage/runs.ts', async (actual) => ({
  ...(await actual<typeof import('../../storage/runs.ts')>()),
  getRuns: vi.fn(async () => reads.shift() ?? []),
}));
vi.mock('../../storage/summaries.ts', () => ({ getSummaries: vi.fn(async () => new Map()) }));

const { getRun, RunIds } = await import('./runs.ts');
const { experimentIdOf } = await import('../../storage/experiments.ts');

const ID = '0123456789abcdef0123456789abcdef';
const lineage: RunRecord['lineage'] = {
  gitCommit: null, gitDirty: false, dataVersion: null, environment: { language: '', languageVersion: '', libraries: {}, hardware: null }, seed: null, host: null, parentRunId: null,
};
const run = (over: Partial<RunRecord>): RunRecord => ({
  id: ID, name: 'r', experiment: 'vision', sweepId: null, user: '', status: 'running', startedAt: '2026-11-30T00:00:00.000Z', deleted: false,
  endedAt: null, durationMs: null, summary: {}, params: {}, paramsSetAfterStart: {}, tags: {}, lineage, ...over,
});
const orphan = run({ name: '', experiment: '', status: 'orphaned' });

function deps(createdHere: boolean) {
  const runIds = new RunIds();
  if (createdHere) runIds.noteCreated('p', ID);
  return { runIds, artifactRoot: '/artifacts', clickhouse: {}, writer: {}, catalogue: {}, names: {} } as unknown as Parameters<typeof getRun>[0];
}
const scope = { project: 'p', crashAfterMs: 300_000 };

beforeEach(() => {
  reads.length = 0;
});

describe('runs/get of a run whose points arrived before its start', () => {
  it('waits for the started run: its experiment and artifact_uri are those it was created with', async () => {
    reads.push([orphan], [orphan], [run({})]);
    const { run: got } = await getRun(deps(true), scope, { run_id: ID });
    expect(reads).toHaveLength(0);
    expect(got.info.experiment_id).toBe(experimentIdOf('vision'));
    expect(got.info.artifact_uri).toBe(`/artifacts/${experimentIdOf('vision')}/${ID}/artifacts`);
  });

  it('answers a started run at once, and a run no process started as orphaned once the wait is over', async () => {
    reads.push([run({})]);
    expect((await getRun(deps(true), scope, { run_id: ID })).run.info.status).toBe('RUNNING');
    // Not created here, MLflow-shaped: waits OTHER_PROCESS_WAIT_MS (1.5 s) for a start, then shows what there is.
    for (let i = 0; i < 40; i++) reads.push([orphan]);
    const started = Date.now();
    const { run: got } = await getRun(deps(false), scope, { run_id: ID });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(got.info.experiment_id).toBe('0');
  });

  it('does not wait again for a run it found orphaned after a whole wait', async () => {
    const d = deps(false);
    for (let i = 0; i < 40; i++) reads.push([orphan]);
    await getRun(d, scope, { run_id: ID });
    reads.length = 0;
    reads.push([orphan]);
    const started = Date.now();
    expect((await getRun(d, scope, { run_id: ID })).run.info.experiment_id).toBe('0');
    expect(Date.now() - started).toBeLessThan(500);
  });
});
