// The shared validation refuses every string that is not well-formed Unicode, naming the field.
import { describe, expect, it } from 'vitest';
import type { AnyEvent, EventMap } from './events.ts';
import { checkKey, LIMITS, validateEvent } from './validate.ts';

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

describe('validateEvent: artifacts', () => {
  const table = (over: Record<string, unknown>) => validateEvent({ type: 'TableLogged', value: { project: 'p', runId: 'r', name: 'cm', kind: 'confusionMatrix', step: 1, loggedAt: 1, ...over } as never });
  it('takes a square confusion matrix over its labels and refuses every other shape', () => {
    expect(table({ labels: ['a', 'b'], values: [1, 2, 3, 4] })).toBeNull();
    expect(table({ labels: ['a', 'b'], values: [1, 2, 3] })).toBe('a confusion matrix of 2 classes holds 4 counts, not 3');
    expect(table({ labels: ['a', 'a'], values: [1, 2, 3, 4] })).toBe('label "a" appears twice: each row is one class');
    expect(table({ labels: ['a', 'b'], columns: ['b', 'a'], values: [1, 2, 3, 4] })).toMatch(/columns must be empty or equal the labels/);
    expect(table({ labels: ['a', 'b'], values: [1, -2, 3, 4] })).toBe('count 1 (-2) is negative');
    expect(table({ labels: ['a', 'b'], values: [1, NaN, 3, 4] })).toBe('value 1 (NaN) is not a finite number');
    expect(table({ labels: [], values: [] })).toBe('a confusion matrix names its classes in labels');
  });

  it('checks curves, per-class metrics and generic tables', () => {
    expect(table({ kind: 'prCurve', columns: ['threshold', 'precision', 'recall'], values: [0.5, 1, 0.5] })).toBeNull();
    expect(table({ kind: 'prCurve', columns: ['threshold', 'recall', 'precision'], values: [0.5, 1, 0.5] })).toBe('a prCurve has the columns threshold, precision, recall');
    expect(table({ kind: 'rocCurve', columns: ['threshold', 'fpr', 'tpr'], values: [0.5, 1.2, 0.5] })).toBe('row 0: fpr and tpr lie in [0, 1]');
    expect(table({ kind: 'perClass', labels: ['a', 'b'], columns: ['f1'], values: [0.5] })).toBe('ragged rows: 1 values do not fill 2 classes × 1 columns');
    expect(table({ kind: 'table', columns: ['x', 'y'], cells: ['1', '"a"', 'null', 'true'] })).toBeNull();
    expect(table({ kind: 'table', columns: ['x', 'y'], cells: ['1', '"a"', 'null'] })).toBe('ragged rows: 3 cells do not fill rows of 2 columns');
    expect(table({ kind: 'table', columns: ['x'], cells: ['[1]'] })).toBe('cell 0 is not a number, a string, a boolean or null');
    expect(table({ kind: 'table', columns: ['x'], cells: ['{nope'] })).toBe('cell 0 is not JSON');
    expect(table({ labels: ['a'], values: new Array(LIMITS.tableCells + 1).fill(0) })).toMatch(/more than 100,000/);
  });

  it('checks samples and console lines', () => {
    const samples = (s: unknown[]) => validateEvent({ type: 'SamplesLogged', value: { project: 'p', runId: 'r', name: 'gen', step: null, loggedAt: 1, samples: s } as never });
    expect(samples([{ inputId: 'x', text: '' }, { inputId: 'y', uri: 's3://a', digest: 'sha256:1', scores: { q: 1 } }])).toBeNull();
    expect(samples([])).toBe('no samples');
    expect(samples([{ inputId: 'x', scores: { q: Infinity }, text: 't' }])).toBe('sample 0 score "q" is not a finite number');
    const lines = (l: unknown[]) => validateEvent({ type: 'LogLines', value: { project: 'p', runId: 'r', workerRank: null, stream: 'stdout', lines: l } as never });
    expect(lines([{ seq: 0, at: 1, level: 'info', text: 'a' }, { seq: 1, at: 2, level: 'error', text: 'b' }])).toBeNull();
    expect(lines([{ seq: 1, at: 1, level: 'info', text: 'a' }, { seq: 1, at: 2, level: 'info', text: 'b' }])).toBe('line 1: seq 1 does not follow 1 (lines are numbered in order)');
    expect(lines([{ seq: 0, at: 1, level: 'info', text: 'x'.repeat(LIMITS.lineLength + 1) }])).toBe('line 0 is longer than 16,384 characters');
  });
});
