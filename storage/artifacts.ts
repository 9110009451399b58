// Artifacts of runs (every ArtifactLogged, in logging order per name).
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { iso, rows, zip } from './read.ts';
import { quoteString, quoteStringList } from './sql-quote.ts';

export interface Artifact {
  name: string;
  kind: string;
  uri: string;
  digest: string;
  sizeBytes: number;
  step: number | null;
  loggedAt: string;
  metadata: Record<string, string>;
}

export function artifactsSql(project: string, runIds: string[]): string {
  return `
SELECT run_id, name, kind, uri, digest, size_bytes, step, logged_at_ms, meta_keys, meta_values
FROM artifacts FINAL
WHERE project = ${quoteString(project)} AND run_id IN (${quoteStringList(runIds)})
ORDER BY run_id, name, logged_at_ms, src_offset`;
}

export async function getArtifacts(ch: ClickHouseClient, project: string, runIds: string[]): Promise<Map<string, Artifact[]>> {
  const out = new Map<string, Artifact[]>();
  if (runIds.length === 0) return out;
  for (const r of await rows(ch, artifactsSql(project, runIds))) {
    const id = String(r.run_id);
    const list = out.get(id) ?? [];
    list.push({
      name: String(r.name),
      kind: String(r.kind),
      uri: String(r.uri),
      digest: String(r.digest),
      sizeBytes: Number(r.size_bytes),
      step: r.step === null ? null : Number(r.step),
      loggedAt: iso(r.logged_at_ms),
      metadata: zip<string>(r.meta_keys, r.meta_values),
    });
    out.set(id, list);
  }
  return out;
}
