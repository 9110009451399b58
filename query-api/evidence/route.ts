// POST /v1/evidence — save an answer as evidence: the server runs the request itself (through
// the route it names, with the caller's token, so the same checks and the same project apply),
// and stores request, answer, who, when, the runs involved and a content hash, as an
// EvidenceSaved event through Kafka; answered once ClickHouse holds it. GET /v1/evidence/:id
// reads it back. Evidence is immutable: no route changes or deletes it. Saving needs scope
// `registry` (it is for promotions) and `read` (the request is a read); reading, `read`.
import { createHash, randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { actorOf, projectOf } from '../../common/http/auth.ts';
import { badRequest, HttpError, notFound, serviceUnavailable } from '../../common/http/errors.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import { eventKey, type EvidenceSaved } from '../../schemas/events.ts';
import { validateEvent } from '../../schemas/validate.ts';
import { getEvidence, type StoredEvidence } from '../../storage/evidence.ts';
import { rows } from '../../storage/read.ts';
import { quoteString } from '../../storage/sql-quote.ts';
import type { App, AppDeps } from '../deps.ts';
import type { EventWriter } from '../mlflow/events.ts';
import { AuthErrors, ErrorBody } from '../http/schemas.ts';
import { CHANGE_VISIBLE_MS } from '../registry/service.ts';
import { EVIDENCE_ROUTES, routeOfKind, runsInvolved } from './support.ts';

/** The largest answer saved (a Kafka message carries it): narrow the request beyond that. */
export const MAX_EVIDENCE_BYTES = 1024 * 1024;

export const EvidenceJson = Type.Object({
  id: Type.String(),
  route: Type.String({ description: 'The query route whose answer this is' }),
  summary: Type.Union([Type.String(), Type.Null()], { description: "The answer's sentence, when it has one" }),
  runIds: Type.Array(Type.String(), { description: 'The runs the request and the answer name' }),
  contentHash: Type.String({ description: 'sha256 of the route, the request and the answer (hex)' }),
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
});
const EvidenceWithAnswer = Type.Intersect([EvidenceJson, Type.Object({ request: Type.Unknown(), answer: Type.Unknown() })]);

export const evidenceJson = (e: StoredEvidence) => ({
  id: e.id, route: routeOfKind(e.kind), summary: e.summary, runIds: e.runIds, contentHash: e.contentHash, note: e.note, createdAt: new Date(e.at).toISOString(), createdBy: e.actor,
});

/** The project's evidence of these ids; a 404 naming those it does not have. */
export async function requireEvidence(deps: Pick<AppDeps, 'clickhouse'>, project: string, ids: readonly string[]): Promise<StoredEvidence[]> {
  const found = await getEvidence(deps.clickhouse, project, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw notFound(`no evidence ${missing.join(', ')} in this project`);
  return ids.map((id) => found.get(id)!);
}

export function evidenceRoutes(writer: EventWriter) {
  return async (app: App, deps: AppDeps): Promise<void> => {
    const catalogue = loadCatalogue();

    app.post('/v1/evidence', {
      config: { scope: 'registry' },
      schema: {
        summary: 'Save an answer as evidence: the server runs the request and keeps request, answer, who, when and a content hash',
        body: Type.Object(
          {
            route: Type.Union(Object.keys(EVIDENCE_ROUTES).map((r) => Type.Literal(r)) as never, { description: `One of ${Object.keys(EVIDENCE_ROUTES).join(', ')}` }),
            request: Type.Record(Type.String(), Type.Unknown(), { description: "That route's request body" }),
            note: Type.Optional(Type.String({ maxLength: 8000, description: 'Why it is saved' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: EvidenceJson, 400: ErrorBody, 404: ErrorBody, 422: ErrorBody, ...AuthErrors },
      },
    }, async (req, reply) => {
      const project = projectOf(req);
      const { route, request, note } = req.body as { route: string; request: Record<string, unknown>; note?: string };
      // The caller's own token: the same scope check, the same project, the same validation.
      const ran = await app.inject({ method: 'POST', url: route, payload: request, headers: { authorization: req.headers.authorization ?? '', 'content-type': 'application/json' } });
      if (ran.statusCode !== 200) {
        let error = ran.body;
        try {
          error = (JSON.parse(ran.body) as { error?: string }).error ?? ran.body;
        } catch {
          /* not JSON: as it came */
        }
        throw new HttpError(ran.statusCode, `${route} answered ${ran.statusCode}: ${error}`);
      }
      if (ran.rawPayload.length > MAX_EVIDENCE_BYTES) throw badRequest(`the answer is ${ran.rawPayload.length.toLocaleString('en-US')} bytes, more than the ${MAX_EVIDENCE_BYTES.toLocaleString('en-US')} evidence keeps: narrow the request`);
      const answer = JSON.parse(ran.body) as Record<string, unknown>;
      const requestText = JSON.stringify(request);
      const event: EvidenceSaved = {
        project, evidenceId: `ev-${randomBytes(8).toString('hex')}`, kind: EVIDENCE_ROUTES[route]!, request: requestText, answer: ran.body,
        summary: typeof answer.summary === 'string' ? answer.summary : null, runIds: runsInvolved(request, answer),
        contentHash: createHash('sha256').update(route).update('\n').update(requestText).update('\n').update(ran.body).digest('hex'),
        note: note ?? null, actor: actorOf(req), at: Date.now(),
      };
      const invalid = validateEvent({ type: 'EvidenceSaved', value: event });
      if (invalid) throw badRequest(invalid);
      try {
        await writer.send([{ key: eventKey(event), value: catalogue.encode('EvidenceSaved', event) }]);
      } catch (err) {
        throw serviceUnavailable(`Kafka did not take the evidence: ${(err as Error).message}; nothing was saved, retry`);
      }
      const deadline = Date.now() + CHANGE_VISIBLE_MS;
      const seen = `SELECT count() AS n FROM evidence WHERE project = ${quoteString(project)} AND evidence_id = ${quoteString(event.evidenceId)}`;
      while (Number((await rows<{ n: number }>(deps.clickhouse, seen))[0]?.n ?? 0) === 0) {
        if (Date.now() > deadline) throw serviceUnavailable(`evidence ${event.evidenceId} was sent but is not stored yet (is the processor running?)`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const [saved] = await requireEvidence(deps, project, [event.evidenceId]);
      return reply.status(201).send(evidenceJson(saved!));
    });

    app.get('/v1/evidence/:id', {
      config: { scope: 'read' },
      schema: { summary: 'Saved evidence with its request and answer', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }), response: { 200: EvidenceWithAnswer, 404: ErrorBody, ...AuthErrors } },
    }, async (req) => {
      const [e] = await requireEvidence(deps, projectOf(req), [req.params.id]);
      return { ...evidenceJson(e!), request: e!.request, answer: e!.answer };
    });
  };
}
