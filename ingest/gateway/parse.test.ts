// Gateway body parsing: both formats, defaults, and the first bad event named by index. No services.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import type { EventMap } from '../../schemas/events.ts';
import { MAX_EVENTS_PER_REQUEST, parseAvroBody, parseJsonBody, parseJsonRequest } from './parse.ts';

const catalogue = loadCatalogue();

const started = (project = 'p', runId = 'r1') => ({
  type: 'RunStarted',
  event: {
    project, runId, experiment: 'e', name: 'n', user: 'u', startedAt: 1_700_000_000_000,
    params: { lr: 0.1, opt: 'adam', amp: true }, tags: {},
    lineage: { environment: { language: 'python', languageVersion: '3.12', libraries: {} } },
  },
});
const batch = (project = 'p', runId = 'r1') => ({
  type: 'MetricBatch',
  event: { project, runId, workerRank: null, keys: ['loss'], segments: [], keyIndex: [0, 0], segmentIndex: [-1, -1], steps: [1, 2], values: [0.5, 0.4], wallTimes: [1, 2] },
});

describe('parseJsonBody', () => {
  it('encodes a single event and an array, filling schema defaults, keyed by run id', () => {
    const one = parseJsonBody(started(), 'p', catalogue);
    expect(one.ok).toBe(true);
    if (!one.ok) return;
    expect(one.events).toHaveLength(1);
    const d = catalogue.decode(one.events[0]!.value);
    expect(d.ok && d.event.type).toBe('RunStarted');
    const v = (d.ok ? d.event.value : null) as EventMap['RunStarted'];
    expect(v).toMatchObject({ project: 'p', runId: 'r1', sweepId: null, params: { lr: 0.1, opt: 'adam', amp: true } });
    expect(v.lineage).toMatchObject({ gitCommit: null, gitDirty: false, seed: null });

    const many = parseJsonBody([started(), batch(), { type: 'RunFinished', event: { project: 'p', runId: 'r1', status: 'finished', endedAt: 2, durationMs: null, summary: {} } }], 'p', catalogue);
    expect(many.ok && many.events.map((e) => [e.type, e.runId, e.points])).toEqual([['RunStarted', 'r1', 0], ['MetricBatch', 'r1', 2], ['RunFinished', 'r1', 0]]);
  });

  it('names the first bad event by index and says why', () => {
    const cases: [unknown, RegExp][] = [
      [[], /no events/],
      [[started(), { type: 'RunDeleted', event: {} }], /^event 1: expected \{"type"/],
      [[started(), 'RunStarted'], /^event 1: expected/],
      [[{ ...started(), extra: 1 }], /^event 0: unknown field\(s\) "extra"/],
      [[{ type: 'RunStarted', event: { ...started().event, startedAt: 'yesterday' } }], /^event 0 \(RunStarted\): field "startedAt": expected "long", got "yesterday"/],
      [[{ type: 'RunStarted', event: { ...started().event, runID: 'x' } }], /^event 0 \(RunStarted\): the event has unknown field\(s\) "runID"/],
      [[started(), { type: 'RunStarted', event: { ...started().event, experiment: undefined } }], /^event 1 \(RunStarted\): field "experiment": expected "string", got nothing/],
      [[batch(), { type: 'MetricBatch', event: { ...batch().event, steps: [1, -2] } }], /^event 1 \(MetricBatch\): point 1: .*not a non-negative integer/],
      [[{ type: 'RunStarted', event: { ...started().event, runId: "r' OR 1=1 --" } }], /^event 0 \(RunStarted\): runId .* may hold only/],
      [Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, () => batch()), /limit is 1000/],
    ];
    for (const [body, reason] of cases) {
      const r = parseJsonBody(body, 'p', catalogue);
      expect(r.ok, String(reason)).toBe(false);
      if (!r.ok) {
        expect(r.status, String(reason)).toBe(400);
        expect(r.error).toMatch(reason);
      }
    }
  });

  it("answers 403 for an event of another project than the token's", () => {
    const r = parseJsonBody([started('p'), batch('q')], 'p', catalogue);
    expect(r).toEqual({ ok: false, status: 403, error: 'event 1 (MetricBatch): project "q" is not the token\'s project' });
  });

  it('answers 403 for a registry change: only the registry routes write the audit log (it names who asked)', () => {
    const change = { project: 'p', eventId: 'e1', action: 'setAlias', model: 'm', version: 1, alias: 'champion', actor: 'token:forged', at: 1 };
    const r = parseJsonBody([started('p'), { type: 'RegistryChanged', event: change }], 'p', catalogue);
    expect(r).toEqual({ ok: false, status: 403, error: 'event 1 (RegistryChanged): registry changes are made through /v1/models with a token of scope "registry", not ingested' });
  });
});

describe('parseJsonRequest (the bytes of a JSON body)', () => {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  /** `text` with each `@@` replaced by the next raw bytes. */
  const raw = (text: string, ...bytes: number[][]) => {
    const parts = text.split('@@');
    expect(parts.length).toBe(bytes.length + 1);
    return Buffer.concat(parts.flatMap((p, i) => (i < bytes.length ? [Buffer.from(p), Buffer.from(bytes[i]!)] : [Buffer.from(p)])));
  };
  const refused = (body: Buffer) => {
    const r = parseJsonRequest(body, 'p', catalogue);
    expect(r.ok).toBe(false);
    return r.ok ? '' : (expect(r.status).toBe(400), r.error);
  };

  it('accepts what parseJsonBody accepts, and stores names exactly: emoji, CJK and a real U+FFFD', () => {
    const names = { ...started().event, experiment: 'ablation 😀 \uFFFD', params: { '学习率': 0.1, 'opt🐱': 'adam\uFFFD' } };
    const r = parseJsonRequest(json([{ type: 'RunStarted', event: names }, batch()]), 'p', catalogue);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const d = catalogue.decode(r.events[0]!.value);
    expect(d.ok && d.event.value).toMatchObject({ experiment: 'ablation 😀 \uFFFD', params: { '学习率': 0.1, 'opt🐱': 'adam\uFFFD' } });
    // The experiment's bytes are the UTF-8 that was sent.
    expect(r.events[0]!.value.includes(Buffer.from('ablation 😀 \uFFFD'))).toBe(true);
  });

  it('refuses invalid UTF-8 naming the event and each field that holds it, never replacing it', () => {
    const body = JSON.stringify([batch(), started()]).replace('"experiment":"e"', '"experiment":"e@@"');
    expect(refused(raw(body, [0xff]))).toBe('event 1 (RunStarted): experiment: not valid UTF-8 (byte FF at byte 1)');
    const keys = JSON.stringify(batch()).replace('"keys":["loss"]', '"keys":["lo@@ss"]').replace('"segments":[]', '"segments":["@@"]');
    expect(refused(raw(keys, [0xed, 0xa0, 0x80], [0xc0, 0xaf]))).toBe(
      'event 0 (MetricBatch): keys[0]: not valid UTF-8 (bytes ED A0 80 at byte 2); event 0 (MetricBatch): segments[0]: not valid UTF-8 (byte C0 at byte 0)',
    );
    const paramKey = JSON.stringify(started()).replace('"opt":"adam"', '"o@@pt":"adam"');
    expect(refused(raw(paramKey, [0x80]))).toBe('event 0 (RunStarted): params key "o\uFFFDpt": not valid UTF-8 (byte 80 at byte 1)');
  });

  it('refuses a lone surrogate (a JSON \\ud800 escape) naming the field, before anything is encoded', () => {
    const b = batch();
    expect(refused(json([{ ...b, event: { ...b.event, keys: ['\ud800'] } }]))).toBe('event 0 (MetricBatch): keys[0]: not valid Unicode (lone surrogate U+D800 at index 0)');
    const s = started();
    expect(refused(json({ ...s, event: { ...s.event, tags: { ['t\udc00']: 'x' } } }))).toBe('event 0 (RunStarted): tags key "t\\udc00": not valid Unicode (lone surrogate U+DC00 at index 1)');
  });

  it('names the point or field of a bare NaN or Infinity, with a hint', () => {
    const body = JSON.stringify([started(), batch()]).replace('"values":[0.5,0.4]', '"values":[0.5,NaN]');
    expect(refused(Buffer.from(body))).toMatch(/^event 1 \(MetricBatch\): point 1: metric "loss" at step 2: value NaN is not a finite number \(JSON has no NaN or Infinity.*allow_nan=False/);
    const finished = '{"type":"RunFinished","event":{"project":"p","runId":"r1","status":"finished","endedAt":1,"durationMs":-Infinity,"summary":{"acc":Infinity}}}';
    expect(refused(Buffer.from(finished))).toMatch(/^event 0 \(RunFinished\): field "durationMs": expected .*, got -Infinity \(JSON has no NaN/);
    expect(refused(Buffer.from(finished.replace('-Infinity', '1')))).toMatch(/^event 0 \(RunFinished\): summary "acc" is not a finite number \(JSON has no NaN/);
    const param = JSON.stringify(started()).replace('"lr":0.1', '"lr":NaN');
    expect(refused(Buffer.from(param))).toMatch(/^event 0 \(RunStarted\): param "lr" is not a finite number/);
  });

  it('refuses bodies that are not JSON with the parser message', () => {
    expect(refused(Buffer.from('{"type":'))).toMatch(/^body is not valid JSON: /);
    expect(refused(Buffer.alloc(0))).toMatch(/empty/);
    expect(refused(Buffer.from('{"type":"RunStarted","event":{"__proto__":{}}}'))).toMatch(/__proto__/);
  });
});

describe('parseAvroBody', () => {
  const encoded = (project: string) => catalogue.encode('MetricBatch', batch(project).event as EventMap['MetricBatch']);

  it('forwards a valid single-object message byte for byte', () => {
    const bytes = encoded('p');
    const r = parseAvroBody(bytes, 'p', catalogue);
    expect(r.ok && r.events.map((e) => [e.type, e.runId, e.points, e.value.equals(bytes)])).toEqual([['MetricBatch', 'r1', 2, true]]);
  });

  it('refuses bytes that are not a known event, invalid events and other projects', () => {
    expect(parseAvroBody(Buffer.from('{"type":"RunStarted"}'), 'p', catalogue)).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/^event 0: bad_magic/) });
    const unknown = Buffer.from(encoded('p'));
    unknown.writeUInt32LE(0xdeadbeef, 2);
    expect(parseAvroBody(unknown, 'p', catalogue)).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/unknown_schema/) });
    const truncated = encoded('p').subarray(0, 20);
    expect(parseAvroBody(truncated, 'p', catalogue)).toMatchObject({ ok: false, status: 400 });
    const nan = catalogue.encode('MetricBatch', { ...(batch().event as EventMap['MetricBatch']), values: [NaN, 1] });
    expect(parseAvroBody(nan, 'p', catalogue)).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/not a finite number/) });
    expect(parseAvroBody(encoded('q'), 'p', catalogue)).toMatchObject({ ok: false, status: 403 });
    // Registry changes and evidence: only their routes write them, whatever the body's format.
    const change = catalogue.encode('RegistryChanged', { project: 'p', eventId: 'e1', action: 'setAlias', model: 'm', version: 1, alias: 'champion', actor: 'token:forged', at: 1 });
    expect(parseAvroBody(change, 'p', catalogue)).toMatchObject({ ok: false, status: 403, error: expect.stringMatching(/^event 0 \(RegistryChanged\): registry changes are made through \/v1\/models/) });
    const evidence = catalogue.encode('EvidenceSaved', { project: 'p', evidenceId: 'ev-1', kind: 'statsCompare', request: '{}', answer: '{}', contentHash: 'a'.repeat(64), actor: 'token:forged', at: 1 });
    expect(parseAvroBody(evidence, 'p', catalogue)).toMatchObject({ ok: false, status: 403, error: expect.stringMatching(/^event 0 \(EvidenceSaved\): evidence is saved through POST \/v1\/evidence/) });
    expect(parseJsonBody({ type: 'EvidenceSaved', event: { project: 'p', evidenceId: 'ev-1', kind: 'statsCompare', request: '{}', answer: '{}', contentHash: 'a'.repeat(64), actor: 'x', at: 1 } }, 'p', catalogue)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses strings that are not valid UTF-8, naming the field, and forwards real U+FFFD and emoji', () => {
    const good = catalogue.encode('MetricBatch', { ...(batch().event as EventMap['MetricBatch']), keys: ['loss/😀\uFFFD'] });
    expect(parseAvroBody(good, 'p', catalogue)).toMatchObject({ ok: true });
    const bad = Buffer.from(good);
    bad[bad.indexOf(Buffer.from('😀'))] = 0xff;
    expect(parseAvroBody(bad, 'p', catalogue)).toEqual({ ok: false, status: 400, error: 'event 0: invalid_utf8: MetricBatch v2: keys[0]: not valid UTF-8 (byte FF at byte 5)' });
  });
});
