// The shared validation refuses every string that is not well-formed Unicode, naming the field.
import { describe, expect, it } from 'vitest';
import type { AnyEvent, EventMap } from './events.ts';
import { checkKey, validateEvent } from './validate.ts';

const run = (): EventMap['RunStarted'] => ({
  project: 'p', runId: 'r', experiment: 'e', sweepId: null, name: 'n', user: 'u', startedAt: 1, params: { lr: 0.1, opt: 'adam' }, tags: { team: 'v' },
  lineage: { gitCommit: 'abc', gitDirty: false, dataVersion: 'd1', environment: { language: 'py', languageVersion: '3', libraries: { torch: '2.5' }, hardware: null }, seed: null, host: 'h', parentRunId: null },
});
const batch = (): EventMap['MetricBatch'] => ({
  project: 'p', runId: 'r', workerRank: null, keys: ['loss', 'acc'], segments: ['class=cat'], keyIndex: [0, 1], segmentIndex: [-1, 0], steps: [1, 1], values: [0.5, 0.9], wallTimes: [1, 1],
});
const artifact = (): EventMap['ArtifactLogged'] => ({
  project: 'p', runId: 'r', name: 'model.ckpt', kind: 'checkpoint', uri: 's3://b/k', digest: 'sha256:0', sizeBytes: 1, step: null, loggedAt: 1, metadata: { epoch: '3' },
});
const finished = (): EventMap['RunFinished'] => ({ project: 'p', runId: 'r', status: 'finished', endedAt: 2, durationMs: 1, summary: { acc: 0.9 } });

const LONE = '\ud800';

describe('validateEvent: well-formed Unicode', () => {
  it('accepts emoji, CJK and a real U+FFFD everywhere', () => {
    const r = run();
    r.experiment = 'ablation 😀 \uFFFD';
    r.params = { '学习率': 0.1, 'opt😀': 'adam\uFFFD' };
    r.tags = { '🐱': 'ñ' };
    expect(validateEvent({ type: 'RunStarted', value: r })).toBeNull();
    const b = batch();
    b.keys = ['loss/😀', '\uFFFD'];
    b.segments = ['class=🐱'];
    expect(validateEvent({ type: 'MetricBatch', value: b })).toBeNull();
  });

  it('names the field, entry or key holding a lone surrogate, in every event type', () => {
    const cases: [AnyEvent, string][] = [];
    const add = <K extends keyof EventMap>(type: K, make: () => EventMap[K], edit: (v: EventMap[K]) => void, reason: string) => {
      const value = make();
      edit(value);
      cases.push([{ type, value } as AnyEvent, reason]);
    };
    const at0 = `not valid Unicode (lone surrogate U+D800 at index 0)`;
    add('RunStarted', run, (v) => (v.experiment = LONE), `experiment: ${at0}`);
    add('RunStarted', run, (v) => (v.name = `ok${LONE}`), 'name: not valid Unicode (lone surrogate U+D800 at index 2)');
    add('RunStarted', run, (v) => (v.user = LONE), `user: ${at0}`);
    add('RunStarted', run, (v) => (v.sweepId = LONE), `sweepId: ${at0}`);
    add('RunStarted', run, (v) => (v.project = LONE), `project: ${at0}`);
    add('RunStarted', run, (v) => (v.runId = LONE), `runId: ${at0}`);
    add('RunStarted', run, (v) => (v.params = { [LONE]: 1 }), `params key "\\ud800": ${at0}`);
    add('RunStarted', run, (v) => (v.params = { opt: LONE }), `params.opt: ${at0}`);
    add('RunStarted', run, (v) => (v.tags = { 'my tag': LONE }), `tags["my tag"]: ${at0}`);
    add('RunStarted', run, (v) => (v.lineage.gitCommit = LONE), `lineage.gitCommit: ${at0}`);
    add('RunStarted', run, (v) => (v.lineage.dataVersion = LONE), `lineage.dataVersion: ${at0}`);
    add('RunStarted', run, (v) => (v.lineage.host = LONE), `lineage.host: ${at0}`);
    add('RunStarted', run, (v) => (v.lineage.parentRunId = LONE), `lineage.parentRunId: ${at0}`);
    add('RunStarted', run, (v) => (v.lineage.environment.hardware = LONE), `lineage.environment.hardware: ${at0}`);
    add('RunStarted', run, (v) => (v.lineage.environment.languageVersion = LONE), `lineage.environment.languageVersion: ${at0}`);
    add('RunStarted', run, (v) => (v.lineage.environment.libraries = { torch: LONE }), `lineage.environment.libraries.torch: ${at0}`);
    add('MetricBatch', batch, (v) => (v.keys[1] = LONE), `keys[1]: ${at0}`);
    add('MetricBatch', batch, (v) => (v.segments[0] = `class=${LONE}`), 'segments[0]: not valid Unicode (lone surrogate U+D800 at index 6)');
    add('ArtifactLogged', artifact, (v) => (v.name = LONE), `name: ${at0}`);
    add('ArtifactLogged', artifact, (v) => (v.uri = LONE), `uri: ${at0}`);
    add('ArtifactLogged', artifact, (v) => (v.digest = LONE), `digest: ${at0}`);
    add('ArtifactLogged', artifact, (v) => (v.metadata = { [LONE]: 'x' }), `metadata key "\\ud800": ${at0}`);
    add('RunFinished', finished, (v) => (v.summary = { [`acc${LONE}`]: 1 }), 'summary key "acc\\ud800": not valid Unicode (lone surrogate U+D800 at index 3)');
    for (const [event, reason] of cases) expect(validateEvent(event), reason).toBe(reason);
  });

  it('checkKey (the SDK calls it at log()) names the key, escaped', () => {
    expect(checkKey('metric key', `train/${LONE}`)).toBe('metric key "train/\\ud800": not valid Unicode (lone surrogate U+D800 at index 6)');
    expect(checkKey('segment', '\udfff')).toBe('segment "\\udfff": not valid Unicode (lone surrogate U+DFFF at index 0)');
    expect(checkKey('metric key', 'loss/😀')).toBeNull();
  });
});
