// Gateway body parsing: both formats, defaults, and the first bad event named by index. No services.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import type { EventMap } from '../../schemas/events.ts';
import { MAX_EVENTS_PER_REQUEST, parseAvroBody, parseJsonBody } from './parse.ts';

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
  });
});
