// POST /v1/evidence — save an answer as evidence: the server runs the request itself (through
// the route it names, with the caller's token, so the same checks and the same project apply),
// and stores request, answer, who, when, the runs involved and a content hash, as an
// EvidenceSaved event through Kafka; answered once ClickHouse holds it. GET /v1/evidence/:id
// reads it back. Evidence is immutable: no route changes or deletes it. Saving needs scope
// `registry` (it is for promotions) and `read` (the request is a read); reading, `read`.
import { createHash, randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { actorOf, projectOf } from '../../common/http/auth.ts';
import { badRequest, HttpError, notFound } from '../../common/http/errors.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import type { EvidenceSaved } from '../../schemas/events.ts';
import { getEvidence } from '../../storage/evidence.ts';
import type { App, AppDeps } from '../deps.ts';
import { sendAndWait, type EventWriter } from '../writes.ts';
import { EvidenceJson, evidenceJson } from './schemas.ts';
import { AuthErrors, ErrorBody } from '../http/schemas.ts';
import { EVIDENCE_ROUTES, runsInvolved } from './support.ts';

/** The largest answer saved (a Kafka message carries it): narrow the request beyond that. */
export const MAX_EVIDENCE_BYTES = 1024 * 1024;

const EvidenceWithAnswer = Type.Intersect([EvidenceJson, Type.Object({ request: Type.Unknown(), answer: Type.Unknown() })]);

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
      const saved = await sendAndWait(writer, catalogue, 'EvidenceSaved', event, async () => (await getEvidence(deps.clickhouse, project, [event.evidenceId])).get(event.evidenceId), 'evidence');
      return reply.status(201).send(evidenceJson(saved));
    });

    app.get('/v1/evidence/:id', {
      config: { scope: 'read' },
      schema: { summary: 'Saved evidence with its request and answer', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }), response: { 200: EvidenceWithAnswer, 404: ErrorBody, ...AuthErrors } },
    }, async (req) => {
      const e = (await getEvidence(deps.clickhouse, projectOf(req), [req.params.id])).get(req.params.id);
      if (!e) throw notFound(`no evidence ${req.params.id} in this project`);
      return { ...evidenceJson(e), request: e.request, answer: e.answer };
    });
  };
}
