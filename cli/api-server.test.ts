// The OpenAPI document at /docs/json, from the real app (fake ClickHouse, verifier and event
// sink): valid OpenAPI 3.0.3 by @apidevtools/swagger-parser (the official 3.0 schema plus its
// own checks), with the answers fastify and Node give on every route documented, while the
// route schemas behind it keep validating requests as before. test/integration/openapi-fuzz
// runs schemathesis against the same document and the live API.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { createLogger } from '../common/logger.ts';
import type { EventSink } from '../ingest/gateway/sink.ts';
import { buildApp } from '../query-api/app.ts';
import { type App } from '../query-api/deps.ts';
import { ingestGateway } from './api-server.ts';
import { MAX_HEADER_BYTES, MAX_PARAM_LENGTH, toOpenApi30 } from '../query-api/http/openapi.ts';
import { DEFAULT_CRASH_AFTER_MS } from '../storage/runs.ts';

type Operation = { requestBody?: { content: Record<string, unknown> }; responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>; security?: unknown[]; parameters?: { in: string; name: string }[] };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

const ch = { query: async () => ({ json: async () => [] }) } as unknown as ClickHouseClient;
const sink = { send: async () => undefined } as unknown as EventSink;
const verifier = { verify: async (t: string) => (t === 'reader' ? { tokenId: 'r', project: 'p', scopes: ['read' as const] } : null) };

let app: App;
let doc: Document;
beforeAll(async () => {
  app = await buildApp({ clickhouse: ch, logger: createLogger('test', 'silent'), tokenCacheMs: 0, crashAfterMs: DEFAULT_CRASH_AFTER_MS, verifier, routes: [ingestGateway(sink)] });
  const r = await app.inject({ url: '/docs/json' });
  expect(r.statusCode).toBe(200);
  doc = r.json() as Document;
});
afterAll(() => app.close());

const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

/** Every `key` in the document with a number for a value (3.0 wants a boolean for the exclusive bounds). */
function numericKeywords(node: unknown, key: string, at = '#'): string[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => numericKeywords(v, key, `${at}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === key && typeof v === 'number' ? [`${at}/${k}`] : numericKeywords(v, key, `${at}/${k}`)));
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.0.3', async () => {
    expect(doc.openapi).toBe('3.0.3');
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    expect([...numericKeywords(doc, 'exclusiveMinimum'), ...numericKeywords(doc, 'exclusiveMaximum')]).toEqual([]);
  });

  it('documents every operation of the API, the ingest gateway included', () => {
    const ops = operations().map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(ops).toContain('POST /v1/ingest/events');
    expect(ops).toContain('GET /v1/runs/{id}/metrics/{key}');
    expect(ops.filter((o) => o.includes('/v1/stats/') || o.includes('/v1/sweeps/') || o.includes('/v1/curves'))).toHaveLength(11);
    expect(ops.some((o) => o.includes('/docs/json') || o.includes('/metrics '))).toBe(false);
  });

  it('documents the answers fastify and Node give besides the routes’ own', () => {
    for (const { path, method, op } of operations()) {
      const codes = Object.keys(op.responses);
      const where = `${method} ${path}`;
      expect(codes, where).toContain('431');
      if (op.requestBody) expect(codes, where).toEqual(expect.arrayContaining(['400', '413', '415']));
      if (op.parameters?.some((p) => p.in === 'path')) expect(codes, where).toContain('414');
      if (op.security === undefined) {
        expect(codes, where).toEqual(expect.arrayContaining(['401', '403', '503']));
        expect(op.responses['401']!.headers, where).toHaveProperty('www-authenticate');
      }
    }
  });

  it('documents the ingest body (JSON events or Avro bytes) and the CSV and NDJSON exports of GET /v1/runs', () => {
    const ingest = doc.paths['/v1/ingest/events']!.post!;
    expect(Object.keys(ingest.requestBody!.content).sort()).toEqual(['application/avro', 'application/json']);
    expect(ingest.responses['202']).toBeDefined();
    expect(Object.keys(doc.paths['/v1/runs']!.get!.responses['200']!.content!).sort()).toEqual(['application/json', 'application/x-ndjson', 'text/csv']);
  });

  it('leaves the route schemas to validate as before', async () => {
    const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object, headers: { authorization: 'Bearer reader' } });
    // exclusiveMinimum: 0 still refuses 0 (the document says minimum 0, exclusiveMinimum true).
    const r = await post('/v1/curves', { metrics: ['loss'], smoothing: { ema: 0 } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/must be > 0/);
    // The documented ingest body is not validated by fastify: the gateway names the bad event itself.
    const i = await app.inject({ method: 'POST', url: '/v1/ingest/events', payload: [{ type: 'Nope', event: {} }], headers: { authorization: 'Bearer reader' } });
    expect(i.statusCode).toBe(403); // a read token: the scope is checked first
  });
});

describe('the answers the document adds are the ones given', () => {
  const as = { authorization: 'Bearer reader' };

  it('413 for a body over 4 MiB, 415 for a media type the route does not take, 414 for a path parameter over the router limit', async () => {
    const big = await app.inject({ method: 'POST', url: '/v1/curves', headers: { ...as, 'content-type': 'application/json' }, payload: `{"metrics":["${'x'.repeat(4 * 1024 * 1024)}"]}` });
    expect([big.statusCode, big.json()]).toEqual([413, { error: expect.any(String) }]);
    const xml = await app.inject({ method: 'POST', url: '/v1/curves', headers: { ...as, 'content-type': 'application/xml' }, payload: '<metrics/>' });
    expect([xml.statusCode, xml.json()]).toEqual([415, { error: expect.any(String) }]);
    const long = await app.inject({ url: `/v1/runs/${'r'.repeat(MAX_PARAM_LENGTH + 1)}`, headers: as });
    expect([long.statusCode, long.json()]).toMatchObject([414, { error: expect.any(String) }]);
    // A run id may have 128 characters, percent-encoded up to 9 each: past fastify's default of 100.
    for (const id of ['r'.repeat(128), encodeURIComponent('€'.repeat(128))]) {
      const r = await app.inject({ url: `/v1/runs/${id}`, headers: as });
      expect(r.statusCode, id.slice(0, 10)).toBe(404);
    }
    expect((await app.inject({ url: `/v1/runs/${'r'.repeat(129)}`, headers: as })).statusCode).toBe(400);
  });

  it('431 only past 64 KiB of request line and headers: a GET /v1/runs with every parameter at its maximum fits', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const raw = (request: string) =>
      new Promise<string>((done, fail) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(request));
        let answer = '';
        socket.on('data', (d) => (answer += String(d)));
        socket.on('close', () => done(answer.split('\r\n')[0]!));
        socket.on('error', fail);
      });
    const q = (n: number) => encodeURIComponent('p'.repeat(n));
    const longest = `/v1/runs?filter=${q(10_000)}&sort=${q(2000)}&columns=${q(5000)}&cursor=${q(4000)}&experiment=${q(256)}&sweep=${q(128)}&limit=1000`;
    expect(await raw(`GET ${longest} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\nConnection: close\r\n\r\n`)).toBe('HTTP/1.1 401 Unauthorized');
    expect(await raw(`GET /v1/runs?filter=${q(MAX_HEADER_BYTES)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
  });
});

describe('toOpenApi30', () => {
  it('turns numeric exclusive bounds, tuples and const into their 3.0 forms', () => {
    const s = {
      a: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      b: { type: 'number', minimum: 2, exclusiveMinimum: 0 },
      c: { type: 'array', items: [{ type: 'number' }, { type: 'number' }], additionalItems: false, minItems: 2, maxItems: 2 },
      d: { type: 'string', const: 'x' },
      properties: { exclusiveMinimum: { type: 'number' }, additionalItems: { type: 'string' }, items: { type: 'object', properties: { const: { type: 'string', exclusiveMaximum: 2 } } } },
    };
    toOpenApi30(s);
    expect(s).toEqual({
      a: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true },
      b: { type: 'number', minimum: 2 },
      c: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
      d: { type: 'string', enum: ['x'] },
      properties: { exclusiveMinimum: { type: 'number' }, additionalItems: { type: 'string' }, items: { type: 'object', properties: { const: { type: 'string', maximum: 2, exclusiveMaximum: true } } } },
    });
  });
});
