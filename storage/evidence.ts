// Saved evidence as stored (evidence, 0024): answers of the query API with their request, who
// saved them and when. Written only by the processor; nothing here updates or deletes.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import type { EvidenceKind } from '../schemas/events.ts';
import { rows } from './read.ts';
import { quoteString, quoteStringList } from './sql-quote.ts';

export interface StoredEvidence {
  id: string;
  kind: EvidenceKind;
  request: unknown;
  answer: unknown;
  summary: string | null;
  runIds: string[];
  contentHash: string;
  note: string | null;
  actor: string;
  at: number;
}

export function evidenceSql(project: string, ids: readonly string[]): string {
  return `
SELECT evidence_id, kind, request, answer, summary, run_ids, content_hash, note, actor, at_ms
FROM evidence FINAL
WHERE project = ${quoteString(project)} AND evidence_id IN (${quoteStringList([...ids])})`;
}

/** The project's evidence of these ids (another project's are not there). */
export async function getEvidence(ch: ClickHouseClient, project: string, ids: readonly string[]): Promise<Map<string, StoredEvidence>> {
  const out = new Map<string, StoredEvidence>();
  if (ids.length === 0) return out;
  for (const r of await rows<Record<string, unknown>>(ch, evidenceSql(project, ids))) {
    const id = String(r.evidence_id);
    out.set(id, {
      id, kind: r.kind as EvidenceKind, request: JSON.parse(String(r.request)), answer: JSON.parse(String(r.answer)), summary: r.summary ? String(r.summary) : null,
      runIds: (r.run_ids as string[]).map(String), contentHash: String(r.content_hash), note: r.note ? String(r.note) : null, actor: String(r.actor), at: Number(r.at_ms),
    });
  }
  return out;
}
