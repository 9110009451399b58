// Run records for the unit tests of this folder: just enough of a RunRecord to pair, group and
// check lineage, with every field the store would fill.
import type { RunRecord } from '../../storage/runs.ts';

export function fakeRun(id: string, params: RunRecord['params'], lineage: Partial<RunRecord['lineage']> = {}): RunRecord {
  return {
    id,
    name: id,
    experiment: 'exp',
    sweepId: 'sw',
    user: 'u',
    status: 'finished',
    startedAt: '2026-01-01T00:00:00.000Z',
    deleted: false,
    endedAt: '2026-01-01T01:00:00.000Z',
    durationMs: 3_600_000,
    summary: {},
    params,
    paramsSetAfterStart: {},
    tags: {},
    lineage: {
      gitCommit: 'c1',
      gitDirty: false,
      dataVersion: 'v1',
      environment: { language: 'python', languageVersion: '3.12', libraries: {}, hardware: null },
      seed: null,
      host: null,
      parentRunId: null,
      ...lineage,
    },
  };
}
