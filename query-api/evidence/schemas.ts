// Saved evidence as JSON (for /v1/evidence and the registry's trail): its id, the route it
// answers, the sentence, the runs, the content hash, who saved it and when.
import { Type } from '@sinclair/typebox';
import type { StoredEvidence } from '../../storage/evidence.ts';
import { routeOfKind } from './support.ts';

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

export const evidenceJson = (e: StoredEvidence) => ({
  id: e.id, route: routeOfKind(e.kind), summary: e.summary, runIds: e.runIds, contentHash: e.contentHash, note: e.note, createdAt: new Date(e.at).toISOString(), createdBy: e.actor,
});
