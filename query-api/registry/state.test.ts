import { describe, expect, it } from 'vitest';
import type { RegistryChanged } from '../../schemas/events.ts';
import { replayRegistry } from './state.ts';

let n = 0;
const change = (action: RegistryChanged['action'], fields: Partial<RegistryChanged> = {}): RegistryChanged => ({
  project: 'p', eventId: `e${++n}`, action, model: 'resnet', actor: 'token:a', at: 1_000 + n, ...fields,
});

describe('the registry replay', () => {
  it('numbers versions in order and never reuses a number', () => {
    const s = replayRegistry([
      change('createModel', { description: 'image classifier', tags: { team: 'vision' } }),
      change('createVersion', { runId: 'r1', metrics: { 'val/acc.max': 0.91 } }),
      change('createVersion', { runId: 'r2' }),
      change('deleteVersion', { version: 2 }),
      change('createVersion', { runId: 'r3' }),
    ]);
    const m = s.models.get('resnet')!;
    expect(m.versions.map((v) => [v.version, v.runId])).toEqual([[1, 'r1'], [3, 'r3']]);
    expect(m.versions[0]!.metrics).toEqual({ 'val/acc.max': 0.91 });
    expect(m).toMatchObject({ description: 'image classifier', tags: { team: 'vision' }, createdBy: 'token:a' });
    expect([...s.outcomes.values()].map((o) => o.version)).toEqual([null, 1, 2, 2, 3]);
  });

  it('settles two moves of one alias that expected the same holder: the first in Kafka order wins, the second is a 409 naming the holder', () => {
    const first = change('setAlias', { alias: 'champion', version: 1, expectedVersion: 0 });
    const second = change('setAlias', { alias: 'champion', version: 2, expectedVersion: 0 });
    const s = replayRegistry([change('createModel'), change('createVersion', { runId: 'r1' }), change('createVersion', { runId: 'r2' }), first, second]);
    expect(s.outcomes.get(first.eventId)).toEqual({ accepted: true, status: 200, refusal: null, message: null, version: 1 });
    expect(s.outcomes.get(second.eventId)).toMatchObject({ accepted: false, status: 409, refusal: 'conflict', message: 'alias "champion" of "resnet" is held by version 1 (the request expected it unset); read it again' });
    expect(s.models.get('resnet')!.aliases).toEqual({ champion: 1 });
    expect(s.models.get('resnet')!.versions.map((v) => v.aliases)).toEqual([['champion'], []]);
    // The refused move is in the log all the same, with what held the alias then.
    expect(s.log.at(-1)).toMatchObject({ change: second, before: 1, outcome: { accepted: false } });
    // Without an expectation the move simply happens.
    const third = change('setAlias', { alias: 'champion', version: 2 });
    expect(replayRegistry([...s.log.map((l) => l.change), third]).models.get('resnet')!.aliases).toEqual({ champion: 2 });
  });

  it('decides a change once: a re-sent or replayed event id is skipped', () => {
    const create = change('createVersion', { runId: 'r1' });
    const s = replayRegistry([change('createModel'), create, create, { ...create }]);
    expect(s.models.get('resnet')!.versions).toHaveLength(1);
    expect(s.log).toHaveLength(2);
  });

  it('answers 404 for a model, version or alias that does not exist, and 409 for a name taken', () => {
    const s = replayRegistry([
      change('createModel'),
      change('createModel'),
      change('createVersion', { model: 'nope', runId: 'r1' }),
      change('setAlias', { alias: 'champion', version: 7 }),
      change('deleteAlias', { alias: 'champion' }),
    ]);
    expect([...s.outcomes.values()].map((o) => [o.status, o.refusal, o.message])).toEqual([
      [200, null, null],
      [409, 'exists', 'registered model "resnet" already exists'],
      [404, 'missing', 'no registered model "nope" in this project'],
      [404, 'missing', 'registered model "resnet" has no version 7'],
      [404, 'missing', 'registered model "resnet" has no alias "champion"'],
    ]);
  });

  it('renames a model (its versions follow; the old name is gone) and refuses a name taken', () => {
    const s = replayRegistry([
      change('createModel'),
      change('createVersion', { runId: 'r1' }),
      change('createModel', { model: 'vit' }),
      change('renameModel', { newName: 'vit' }),
      change('renameModel', { newName: 'resnet-50' }),
      change('createVersion', { runId: 'r2' }),
    ]);
    expect([...s.models.keys()].sort()).toEqual(['resnet-50', 'vit']);
    expect(s.models.get('resnet-50')!.versions.map((v) => [v.model, v.version])).toEqual([['resnet-50', 1]]);
    expect(s.log[3]!.outcome).toMatchObject({ status: 409, message: 'registered model "vit" already exists' });
    expect(s.log[5]!.outcome).toMatchObject({ status: 404 });
    // Every change of the renamed model is logged under one id.
    expect(new Set([s.log[0]!.modelId, s.log[1]!.modelId, s.log[4]!.modelId])).toEqual(new Set([s.log[0]!.change.eventId]));
  });

  it('frees a deleted model\'s name for a new model with a new identity; the log keeps both', () => {
    const s = replayRegistry([change('createModel'), change('createVersion', { runId: 'r1' }), change('deleteModel'), change('createModel')]);
    const m = s.models.get('resnet')!;
    expect(m.versions).toEqual([]);
    expect(m.id).toBe(s.log[3]!.change.eventId);
    expect(s.log[0]!.modelId).not.toBe(m.id);
  });

  it('moves a version between stages, archiving the others in that stage when asked', () => {
    const s = replayRegistry([
      change('createModel'),
      change('createVersion', { runId: 'r1' }),
      change('createVersion', { runId: 'r2' }),
      change('transitionStage', { version: 1, stage: 'Production' }),
      change('transitionStage', { version: 2, stage: 'Production', archiveExisting: true }),
    ]);
    expect(s.models.get('resnet')!.versions.map((v) => v.stage)).toEqual(['Archived', 'Production']);
    expect(s.log[4]!.before).toBe('None');
  });

  it('drops the aliases of a deleted version', () => {
    const s = replayRegistry([change('createModel'), change('createVersion', { runId: 'r1' }), change('setAlias', { alias: 'champion', version: 1 }), change('deleteVersion', { version: 1 })]);
    expect(s.models.get('resnet')!.aliases).toEqual({});
  });

  // A leaderboard where r1's group is best, r2's distinguishable from it, r3's not.
  const board = { best: 'a', groups: [{ label: 'a', rank: 1, runIds: ['r1', 'r4'] }, { label: 'b', rank: 2, runIds: ['r2'], vsBest: { significant: true } }, { label: 'c', rank: 3, runIds: ['r3'], vsBest: { significant: false } }] };
  const evidence = new Map([['ev-1', { kind: 'statsLeaderboard' as const, answer: board }]]);

  it('moves an alias that requires evidence only on evidence that the version beats the holder where the move lands in the log', () => {
    const s = replayRegistry([
      change('createModel', { aliases: ['champion'] }),
      change('createVersion', { runId: 'r2' }),
      change('createVersion', { runId: 'r1' }),
      change('createVersion', { runId: 'r4' }),
      change('setAlias', { alias: 'champion', version: 2 }),
      change('setAlias', { alias: 'challenger', version: 1 }),
      change('setAlias', { alias: 'champion', version: 1, evidence: ['ev-1'] }),
      change('setAlias', { alias: 'champion', version: 2, evidence: ['ev-1'] }),
      change('setAlias', { alias: 'champion', version: 3, evidence: ['ev-1', 'ev-gone'] }),
      // Pointing it at the version that holds it needs nothing.
      change('setAlias', { alias: 'champion', version: 2 }),
    ], evidence);
    expect(s.log.map((l) => l.outcome.status)).toEqual([200, 200, 200, 200, 409, 200, 409, 200, 409, 200]);
    expect(s.log[4]!.outcome.message).toBe('moving "champion" of "resnet" to version 2 needs evidence that its run r1 is significantly better than the other runs compared: none was cited (save a /v1/stats/compare or /v1/stats/leaderboard answer with POST /v1/evidence and cite its id)');
    expect(s.log[6]!.outcome.message).toBe('moving "champion" of "resnet" to version 1 needs evidence that its run r2 is significantly better than the other runs compared: ev-1: run r2 is not in the best group (a)');
    expect(s.log[8]!.outcome.message).toBe('moving "champion" of "resnet" to version 3 needs evidence that its run r4 is significantly better than the holder\'s run r1 (version 2): ev-1: runs r4 and r1 are in the same group (a); ev-gone: no such evidence in this project');
    expect(s.models.get('resnet')!.aliases).toEqual({ challenger: 1, champion: 2 });
  });

  it('judges stage moves against the version in that stage, stages named in any case', () => {
    const s = replayRegistry([
      change('createModel', { aliases: ['production'] }),
      change('createVersion', { runId: 'r2' }),
      change('createVersion', { runId: 'r1' }),
      change('transitionStage', { version: 1, stage: 'Production', evidence: ['ev-1'] }),
      change('transitionStage', { version: 2, stage: 'Production', evidence: ['ev-1'] }),
      change('transitionStage', { version: 1, stage: 'Production', evidence: ['ev-1'] }),
    ], evidence);
    expect(s.models.get('resnet')!.requireEvidence).toEqual(['Production']);
    // v1 (r2) is not in the best group; v2 (r1) beats nobody yet; back to v1 over v2's r1: refused.
    expect(s.log.slice(3).map((l) => l.outcome.status)).toEqual([409, 200, 409]);
    expect(s.log[5]!.outcome.message).toMatch(/than the holder's run r1 \(version 2\): ev-1: run r2 is not in the best group/);
  });

  it('lets removals and policy changes through without evidence: the log names who did them', () => {
    const s = replayRegistry([
      change('createModel', { aliases: ['champion'] }),
      change('createVersion', { runId: 'r1' }),
      change('setAlias', { alias: 'champion', version: 1, evidence: ['ev-1'] }),
      change('deleteAlias', { alias: 'champion' }),
      change('setAlias', { alias: 'champion', version: 1, evidence: ['ev-1'] }),
      change('deleteVersion', { version: 1 }),
      change('requireEvidence', { aliases: [] }),
    ], evidence);
    expect(s.log.map((l) => l.outcome.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(s.models.get('resnet')).toMatchObject({ aliases: {}, requireEvidence: [] });
  });

  it('refuses a change asked of a model that was deleted and registered again under its name meanwhile', () => {
    const first = change('createModel');
    const s = replayRegistry([first, change('createVersion', { runId: 'r1' }), change('deleteModel'), change('createModel'), change('createVersion', { runId: 'r2' }), change('setAlias', { alias: 'x', version: 1, modelId: first.eventId })]);
    expect(s.log.at(-1)!.outcome).toMatchObject({ status: 409, message: 'registered model "resnet" was deleted and registered again since this change was asked; read it again' });
    expect(s.models.get('resnet')!.aliases).toEqual({});
  });

  it('refuses to delete an alias held by another version than expected', () => {
    const s = replayRegistry([change('createModel'), change('createVersion', { runId: 'r1' }), change('setAlias', { alias: 'champion', version: 1 }), change('deleteAlias', { alias: 'champion', expectedVersion: 2 })]);
    expect(s.log[3]!.outcome).toMatchObject({ status: 409, message: 'alias "champion" of "resnet" is held by version 1 (the request expected version 2); read it again' });
  });
});
