// Text is stored as sent or refused: lone surrogates, invalid UTF-8 in Avro strings, and the
// paths that name them. No services.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from './catalogue.ts';
import type { EventMap } from './events.ts';
import { findStrings, formatPath, invalidUtf8InAvro, unicodeProblem, utf8Problem } from './text.ts';

const catalogue = loadCatalogue();

const run = (over: Partial<EventMap['RunStarted']> = {}): EventMap['RunStarted'] => ({
  project: 'p', runId: 'r', experiment: 'e', sweepId: null, name: 'n', user: 'u', startedAt: 1, params: { lr: 0.1 }, tags: {},
  lineage: { gitCommit: null, gitDirty: false, dataVersion: null, environment: { language: 'py', languageVersion: '3', libraries: {}, hardware: null }, seed: null, host: null, parentRunId: null },
  ...over,
});
const batch = (over: Partial<EventMap['MetricBatch']> = {}): EventMap['MetricBatch'] => ({
  project: 'p', runId: 'r', workerRank: null, keys: ['loss', 'acc'], segments: ['class=cat'], keyIndex: [0, 1], segmentIndex: [-1, 0], steps: [1, 1], values: [0.5, 0.9], wallTimes: [1, 1],
  ...over,
});

/** Encodes `value` with `placeholder` in one string, then swaps the placeholder's bytes for `bytes` (same length). */
function withBytes<K extends 'RunStarted' | 'MetricBatch'>(type: K, value: EventMap[K], placeholder: string, bytes: number[]): Buffer {
  const buf = catalogue.encode(type, value);
  const at = buf.indexOf(Buffer.from(placeholder));
  expect(at).toBeGreaterThan(0);
  expect(bytes.length).toBe(Buffer.byteLength(placeholder));
  Buffer.from(bytes).copy(buf, at);
  return buf;
}

describe('unicodeProblem', () => {
  it('passes well-formed text, emoji and a real U+FFFD', () => {
    for (const s of ['', 'loss', 'ñandú', '学习率', 'class=🐱', 'a\uFFFDb', '\u{10FFFF}']) expect(unicodeProblem(s)).toBeNull();
  });

  it('names the first lone surrogate and where it is', () => {
    expect(unicodeProblem('\ud800')).toBe('lone surrogate U+D800 at index 0');
    expect(unicodeProblem('ok😀\udc00x')).toBe('lone surrogate U+DC00 at index 4');
    expect(unicodeProblem('ab\udbff')).toBe('lone surrogate U+DBFF at index 2');
    expect(unicodeProblem('\udc00\ud800')).toBe('lone surrogate U+DC00 at index 0'); // reversed pair
  });
});

describe('utf8Problem', () => {
  it('passes valid UTF-8, including the encoding of U+FFFD', () => {
    expect(utf8Problem(Buffer.from('ñ 😀 \uFFFD'))).toBeNull();
  });

  it('names the first ill-formed sequence', () => {
    expect(utf8Problem(Buffer.from([0x61, 0x62, 0xff]))).toBe('byte FF at byte 2');
    expect(utf8Problem(Buffer.from([0xed, 0xa0, 0x80]))).toBe('bytes ED A0 80 at byte 0'); // an encoded surrogate (CESU-8)
    expect(utf8Problem(Buffer.from([0xc0, 0xaf]))).toBe('byte C0 at byte 0'); // overlong '/'
    expect(utf8Problem(Buffer.from([0x41, 0xe2, 0x82]))).toBe('bytes E2 82 at byte 1'); // truncated €
    expect(utf8Problem(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe('bytes F4 90 80 80 at byte 0'); // above U+10FFFF
    expect(utf8Problem(Buffer.from([0xc3, 0x28]))).toBe('bytes C3 28 at byte 0');
  });
});

describe('findStrings and formatPath', () => {
  it('names fields, array items, map keys and map values', () => {
    const v = { a: 'x', lineage: { environment: { libraries: { 'torch-cuda': 'BAD' } } }, keys: ['ok', 'BAD'], params: { BAD: 1 }, values: [1, 2, 3] };
    expect(findStrings(v, (s) => s === 'BAD', 10).map((f) => f.path)).toEqual(['lineage.environment.libraries["torch-cuda"]', 'keys[1]', 'params key "BAD"']);
    expect(findStrings(v, (s) => s === 'BAD', 1)).toHaveLength(1);
    expect(formatPath(['summary', 'train/loss'])).toBe('summary["train/loss"]');
    expect(formatPath(['params', { key: '\ud800' }])).toBe('params key "\\ud800"');
  });
});

describe('catalogue.decode refuses strings that are not valid UTF-8', () => {
  it('names the field of a RunStarted and of a MetricBatch key', () => {
    const bad = withBytes('RunStarted', run({ experiment: 'exp-@@' }), '@@', [0xff, 0xfe]);
    expect(catalogue.decode(bad)).toEqual({ ok: false, reason: 'invalid_utf8', detail: 'RunStarted v1: experiment: not valid UTF-8 (byte FF at byte 4)' });
    const key = withBytes('MetricBatch', batch({ keys: ['loss', 'acc@@@'] }), '@@@', [0xed, 0xa0, 0x80]);
    expect(catalogue.decode(key)).toMatchObject({ ok: false, reason: 'invalid_utf8', detail: 'MetricBatch v2: keys[1]: not valid UTF-8 (bytes ED A0 80 at byte 3)' });
  });

  it('names map keys and map values', () => {
    const k = withBytes('RunStarted', run({ params: { 'lr@': 0.1 } }), 'lr@', [0x6c, 0x72, 0xc3]);
    expect(catalogue.decode(k)).toMatchObject({ ok: false, reason: 'invalid_utf8', detail: expect.stringMatching(/^RunStarted v1: params key "lr\uFFFD": not valid UTF-8 \(byte C3 at byte 2\)$/) });
    const v = withBytes('RunStarted', run({ tags: { team: 'vi@ion' } }), 'vi@ion', [0x76, 0x69, 0x80, 0x69, 0x6f, 0x6e]);
    expect(catalogue.decode(v)).toMatchObject({ ok: false, detail: 'RunStarted v1: tags.team: not valid UTF-8 (byte 80 at byte 2)' });
  });

  it('catches what avsc itself writes for a short string with a lone surrogate', () => {
    // avsc encodes strings of up to 64 bytes by hand and writes U+D800 as ED A0 80 (CESU-8);
    // decoding gives three U+FFFD. The SDK and the gateway validate before encoding; this is
    // what another client's message would look like.
    const bytes = catalogue.encode('MetricBatch', batch({ keys: ['\ud800'] }));
    expect(catalogue.decode(bytes)).toMatchObject({ ok: false, reason: 'invalid_utf8', detail: expect.stringContaining('keys[0]: not valid UTF-8 (bytes ED A0 80 at byte 0)') });
  });

  it('decodes a real U+FFFD and non-BMP characters exactly', () => {
    const names = run({ experiment: 'a\uFFFDb 😀', params: { '学习率': 'ñ', '\uFFFD': 1 }, tags: { emoji: '🐱\uFFFD' } });
    const d = catalogue.decode(catalogue.encode('RunStarted', names));
    expect(d.ok && d.event.value).toEqual(names);
    const keys = batch({ keys: ['loss/😀', '\uFFFD'], segments: ['class=🐱'] });
    const k = catalogue.decode(catalogue.encode('MetricBatch', keys));
    expect(k.ok && k.event.value).toEqual({ ...keys, producerId: null, sequence: null });
  });

  it('invalidUtf8InAvro reads every string of the body with the writer schema', () => {
    const writer = catalogue.reader('RunStarted');
    const body = withBytes('RunStarted', run({ experiment: 'e@', name: 'n@' }), 'e@', [0x65, 0xff]).subarray(10);
    body[body.indexOf(Buffer.from('n@'))! + 1] = 0xfe;
    expect(invalidUtf8InAvro(writer.type, body)).toEqual(['experiment: not valid UTF-8 (byte FF at byte 1)', 'name: not valid UTF-8 (byte FE at byte 1)']);
    expect(invalidUtf8InAvro(writer.type, catalogue.encode('RunStarted', run()).subarray(10))).toEqual([]);
  });
});
