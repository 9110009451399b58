// POST /v1/ingest/events — the HTTP way in for jobs that cannot use the Node SDK. Scope
// `ingest`. Every event of a request is decoded, validated and checked against the token's
// project before any is produced, so a 400 or 403 leaves nothing behind; 202 means Kafka
// acknowledged every event (acks=-1). A 503 (Kafka down) may leave part of a multi-event
// request produced, as Kafka has no cross-partition atomicity without transactions. Retrying
// the same request is safe when its events carry an identity (producerId + sequence, as the
// SDKs send): the processor stores each identified MetricBatch, ArtifactLogged or ParamsLogged
// once however often it arrives, and RunStarted/RunFinished collapse by run. A MetricBatch
// without an identity would count twice.
import type { FastifyInstance } from 'fastify';
import { projectOf } from '../../common/http/auth.ts';
import type { SchemaCatalogue } from '../../schemas/catalogue.ts';
import { EVENT_TYPES, type EventType } from '../../schemas/events.ts';
import { parseAvroBody, parseJsonRequest, MAX_EVENTS_PER_REQUEST } from './parse.ts';
import type { EventSink } from './sink.ts';

export interface GatewayOptions {
  sink: EventSink;
  catalogue: SchemaCatalogue;
}

const ErrorBody = { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] } as const;

/**
 * The request body as documented in OpenAPI (route config `docs`, never given to fastify's
 * validator): the handler checks bodies itself, naming the first bad event and why.
 */
const JsonEvent = {
  type: 'object',
  required: ['type', 'event'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: [...EVENT_TYPES] },
    event: { type: 'object', description: 'The event, with the field names of the Avro schema of its type (schemas/*.avsc)' },
  },
};
const BODY_DOCS = {
  description: `One event, or an array of 1 to ${MAX_EVENTS_PER_REQUEST}; or one Avro single-object encoded event`,
  content: {
    'application/json': { oneOf: [JsonEvent, { type: 'array', items: JsonEvent, minItems: 1, maxItems: MAX_EVENTS_PER_REQUEST }] },
    'application/avro': { type: 'string', format: 'binary', description: 'C3 01, the 8-byte schema fingerprint, then the Avro body: the bytes of a Kafka message' },
  },
};

export async function gatewayRoutes(app: FastifyInstance, opts: GatewayOptions): Promise<void> {
  // Scoped to this plugin: only the gateway reads raw Avro bodies, and it reads JSON as bytes
  // too (parse.ts checks UTF-8 and explains NaN literals; fastify's parser would decode invalid
  // bytes as U+FFFD and answer NaN with a generic message). The app's body limit still applies.
  app.addContentTypeParser('application/avro', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post(
    '/v1/ingest/events',
    {
      config: { scope: 'ingest', docs: { body: BODY_DOCS } },
      schema: {
        summary: 'Ingest events over HTTP (JSON or Avro single-object encoding)',
        description:
          `JSON: {"type": ${EVENT_TYPES.map((t) => `"${t}"`).join(' | ')}, "event": {...}} or an array of up to ${MAX_EVENTS_PER_REQUEST}; ` +
          'events use the field names of the Avro schemas in schemas/*.avsc. Content-Type application/avro: one event in Avro single-object encoding ' +
          '(C3 01, 8-byte schema fingerprint, body), as on the Kafka topic. Every event must belong to the token\'s project. ' +
          '202 only after Kafka acknowledged every event; 400 or 403 name the first bad event and nothing of the request is produced. ' +
          'A 503 may leave part of a request produced: retry it as it was. Give MetricBatch, ArtifactLogged and ParamsLogged events an identity ' +
          '(producerId: a new random id per client process, never reused; sequence: the event\'s number below 2^32; both fixed before the first send) ' +
          'and a retried event is stored once; never give two different events the same pair. ' +
          'Text must be valid UTF-8 and well-formed Unicode (no lone surrogates): names are stored exactly as sent or refused with the field named. ' +
          'NaN and Infinity (which JSON does not have) are refused with the point or field that holds them.',
        response: {
          202: {
            type: 'object',
            properties: {
              accepted: { type: 'integer' },
              byType: { type: 'object', additionalProperties: { type: 'integer' } },
              points: { type: 'integer' },
            },
          },
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          415: ErrorBody,
          503: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const project = projectOf(req);
      // fastify also parses text/plain; only JSON and Avro carry events.
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      let parsed;
      if (contentType === 'application/json' && Buffer.isBuffer(req.body)) parsed = parseJsonRequest(req.body, project, opts.catalogue);
      else if (contentType === 'application/avro' && Buffer.isBuffer(req.body)) parsed = parseAvroBody(req.body, project, opts.catalogue);
      else return reply.code(415).send({ error: 'send Content-Type application/json or application/avro' });
      if (!parsed.ok) return reply.code(parsed.status).send({ error: parsed.error });
      try {
        await opts.sink.send(parsed.events.map((e) => ({ key: e.runId, value: e.value })));
      } catch (err) {
        req.log.error({ err, events: parsed.events.length }, 'ingest gateway: Kafka did not acknowledge');
        return reply.code(503).header('retry-after', '5').send({ error: 'Kafka did not acknowledge the events; retry later (a multi-event request may have been partly written)' });
      }
      const byType: Partial<Record<EventType, number>> = {};
      for (const t of EVENT_TYPES) {
        const n = parsed.events.filter((e) => e.type === t).length;
        if (n > 0) byType[t] = n;
      }
      return reply.code(202).send({ accepted: parsed.events.length, byType, points: parsed.events.reduce((s, e) => s + e.points, 0) });
    },
  );
}
