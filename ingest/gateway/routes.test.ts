// POST /v1/ingest/events over a fake sink and a fake token verifier, on a fastify app with the
// auth plugin and the body limit of the API that hosts the gateway (cli/api-server.ts): what is
// produced, when, and what is not. The round trip through Kafka is in test/integration/auth.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { authPlugin } from '../../common/http/auth.ts';
import { BODY_LIMIT_BYTES } from '../../common/http/limits.ts';
import type { Principal } from '../../common/tokens/verifier.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import type { EventMap } from '../../schemas/events.ts';
import { gatewayRoutes } from './routes.ts';
import type { OutgoingMessage } from './sink.ts';

const catalogue = loadCatalogue();
const principals: Record<string, Principal> = {
  ingest: { tokenId: 'i', project: 'p', scopes: ['ingest'] },
  read: { tokenId: 'r', project: 'p', scopes: ['read'] },
};
const sent: OutgoingMessage[][] = [];
let failSends = false;
const sink = {
  send: async (messages: OutgoingMessage[]) => {
    if (failSends) throw new Error('broker down');
    sent.push(messages);
  },
};

const runFinished = (project = 'p', runId = 'r1'): EventMap['RunFinished'] => ({ project, runId, status: 'finished', endedAt: 2, durationMs: 1, summary: { acc: 0.9 } });
const post = (payload: unknown, token = 'ingest', contentType = 'application/json') =>
  app.inject({
    method: 'POST',
    url: '/v1/ingest/events',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    payload: Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
  });

let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify({ bodyLimit: BODY_LIMIT_BYTES });
  await app.register(authPlugin, { verifier: { verify: async (t: string) => principals[t] ?? null } });
  await app.register(gatewayRoutes, { sink, catalogue });
});
afterAll(() => app.close());
beforeEach(() => {
  sent.length = 0;
  failSends = false;
});

describe('POST /v1/ingest/events', () => {
  it('produces JSON events keyed by run id and answers 202 with counts', async () => {
    const r = await post([
      { type: 'RunFinished', event: runFinished('p', 'r1') },
      { type: 'MetricBatch', event: { project: 'p', runId: 'r2', workerRank: null, keys: ['a'], segments: [], keyIndex: [0], segmentIndex: [-1], steps: [3], values: [1], wallTimes: [1] } },
    ]);
    expect(r.statusCode).toBe(202);
    expect(r.json()).toEqual({ accepted: 2, byType: { RunFinished: 1, MetricBatch: 1 }, points: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.map((m) => m.key)).toEqual(['r1', 'r2']);
    const d = catalogue.decode(sent[0]![0]!.value);
    expect(d.ok && d.event).toEqual({ type: 'RunFinished', value: expect.objectContaining(runFinished('p', 'r1')) });
  });

  it('produces an Avro single-object body as it came', async () => {
    const bytes = catalogue.encode('RunFinished', runFinished());
    const r = await post(bytes, 'ingest', 'application/avro');
    expect(r.statusCode).toBe(202);
    expect(sent[0]![0]!.value.equals(bytes)).toBe(true);
  });

  it('produces nothing of a request with one bad or foreign event', async () => {
    const ok = { type: 'RunFinished', event: runFinished() };
    const invalid = await post([ok, ok, { type: 'RunFinished', event: { ...runFinished(), status: 'exploded' } }]);
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toMatch(/^event 2 \(RunFinished\): field "status"/);
    const foreign = await post([ok, { type: 'RunFinished', event: runFinished('q') }]);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error).toMatch(/^event 1 /);
    expect((await post(catalogue.encode('RunFinished', runFinished('q')), 'ingest', 'application/avro')).statusCode).toBe(403);
    expect((await post(Buffer.from('garbage'), 'ingest', 'application/avro')).statusCode).toBe(400);
    expect((await post(Buffer.from('{"type":'), 'ingest')).statusCode).toBe(400); // malformed JSON
    expect((await post('a JSON string', 'ingest')).statusCode).toBe(400);
    expect((await post(Buffer.from('x'), 'ingest', 'text/plain')).statusCode).toBe(415);
    expect(sent).toEqual([]);
  });

  it('reads JSON as bytes: invalid UTF-8 and lone surrogates are a 400 naming the field, never stored as U+FFFD', async () => {
    const text = JSON.stringify({ type: 'RunStarted', event: {
      project: 'p', runId: 'r1', experiment: 'exp-@@', name: 'n', user: 'u', startedAt: 1, params: {}, tags: {},
      lineage: { environment: { language: 'py', languageVersion: '3', libraries: {} } },
    } });
    const [a, b] = text.split('@@');
    const invalid = await post(Buffer.concat([Buffer.from(a!), Buffer.from([0xff, 0xfe]), Buffer.from(b!)]));
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toBe('event 0 (RunStarted): experiment: not valid UTF-8 (byte FF at byte 4)');
    const lone = await post(Buffer.from('{"type":"MetricBatch","event":{"project":"p","runId":"r1","keys":["\\ud800"],"segments":[],"keyIndex":[0],"segmentIndex":[-1],"steps":[1],"values":[1],"wallTimes":[1]}}'));
    expect(lone.statusCode).toBe(400);
    expect(lone.json().error).toBe('event 0 (MetricBatch): keys[0]: not valid Unicode (lone surrogate U+D800 at index 0)');
    expect(sent).toEqual([]);
    const ok = await post(Buffer.from(a! + 'ok 😀 \uFFFD' + b!), 'ingest', 'application/json; charset=utf-8');
    expect(ok.statusCode).toBe(202);
    expect(sent[0]![0]!.value.includes(Buffer.from('exp-ok 😀 \uFFFD'))).toBe(true);
  });

  it('answers a bare NaN literal with the event and point, not a generic JSON error', async () => {
    const r = await post(Buffer.from('[{"type":"MetricBatch","event":{"project":"p","runId":"r1","keys":["loss"],"segments":[],"keyIndex":[0,0],"segmentIndex":[-1,-1],"steps":[1,2],"values":[0.5,NaN],"wallTimes":[1,1]}}]'));
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/^event 0 \(MetricBatch\): point 1: metric "loss" at step 2: value NaN is not a finite number \(JSON has no NaN/);
    expect(sent).toEqual([]);
  });

  it('keeps the 4 MiB body limit for JSON and Avro', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
    expect((await post(big)).statusCode).toBe(413);
    expect((await post(big, 'ingest', 'application/avro')).statusCode).toBe(413);
    expect(sent).toEqual([]);
  });

  it('needs the ingest scope', async () => {
    expect((await post({ type: 'RunFinished', event: runFinished() }, 'read')).statusCode).toBe(403);
    expect((await post({ type: 'RunFinished', event: runFinished() }, 'nobody')).statusCode).toBe(401);
    expect(sent).toEqual([]);
  });

  it('answers 503 when Kafka does not acknowledge', async () => {
    failSends = true;
    const r = await post({ type: 'RunFinished', event: runFinished() });
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
  });
});
