// Samples and console lines of runs put side by side. Samples: one row per input id with each
// run's output (only the ids every run has, or all with the gaps marked), filtered by text or by
// how far a score differs between the runs, paged. Lines: two runs' streams aligned by line
// number, how many lines differ, and the first place they part — optionally blind to digits, so
// timings and losses do not count as differences. Pure.
import type { StoredLine, StoredSample } from '../../storage/run-artifacts.ts';

export interface SampleRow {
  inputId: string;
  /** One per run, in the runs' order; null where the run has no sample for this input. */
  outputs: ({ text: string | null; uri: string | null; digest: string | null; scores: Record<string, number> } | null)[];
  /** max − min of the filtering score across the runs that have it. */
  scoreSpread?: number;
}

export interface SampleFilter {
  /** Keep all input ids (gaps as null) or only those every run has. */
  mode: 'common' | 'all';
  /** Keep the rows where some run's text holds this (case-insensitive). */
  search?: string;
  /** Keep the rows where this score differs across runs by at least min. */
  scoreDiff?: { score: string; min: number };
  offset: number;
  limit: number;
}

export function sampleRows(samples: readonly StoredSample[], runIds: readonly string[], f: SampleFilter): { total: number; rows: SampleRow[]; runsWithout: string[] } {
  const at = new Map(runIds.map((id, i) => [id, i]));
  const byInput = new Map<string, SampleRow>();
  for (const s of samples) {
    const i = at.get(s.runId);
    if (i === undefined) continue;
    const row = byInput.get(s.inputId) ?? { inputId: s.inputId, outputs: runIds.map(() => null) };
    row.outputs[i] = { text: s.text, uri: s.uri, digest: s.digest, scores: s.scores };
    byInput.set(s.inputId, row);
  }
  const needle = f.search?.toLowerCase();
  let rows = [...byInput.values()].sort((a, b) => (a.inputId < b.inputId ? -1 : a.inputId > b.inputId ? 1 : 0));
  if (f.mode === 'common') rows = rows.filter((r) => r.outputs.every((o) => o !== null));
  if (needle) rows = rows.filter((r) => r.outputs.some((o) => o?.text?.toLowerCase().includes(needle)));
  if (f.scoreDiff) {
    const { score, min } = f.scoreDiff;
    rows = rows.flatMap((r) => {
      const values = r.outputs.flatMap((o) => (o && Number.isFinite(o.scores[score]) ? [o.scores[score]!] : []));
      if (values.length < 2) return [];
      const spread = Math.max(...values) - Math.min(...values);
      return spread >= min ? [{ ...r, scoreSpread: spread }] : [];
    });
    rows.sort((a, b) => b.scoreSpread! - a.scoreSpread!);
  }
  const seen = new Set(samples.map((s) => s.runId));
  return { total: rows.length, rows: rows.slice(f.offset, f.offset + f.limit), runsWithout: runIds.filter((id) => !seen.has(id)) };
}

export interface AlignedLine {
  /** The worker the line came from (null for a single process): each worker's stream is numbered on its own. */
  workerRank: number | null;
  seq: number;
  a: string | null;
  b: string | null;
  same: boolean;
}

const blind = (text: string) => text.replace(/\d+(\.\d+)?([eE][-+]?\d+)?/g, '#');

/**
 * Two runs' lines of one stream aligned by number: counts, the first divergence, and the rows
 * around it (`before` lines of agreement, then up to `after` lines).
 */
export function diffLines(a: readonly StoredLine[], b: readonly StoredLine[], opts: { ignoreDigits?: boolean; before?: number; after?: number } = {}) {
  const norm = opts.ignoreDigits ? blind : (t: string) => t;
  // Aligned by (worker, number): each worker's stream is numbered from 0 on its own.
  const key = (l: { workerRank: number | null; seq: number }) => `${l.workerRank ?? -1}:${l.seq}`;
  const byA = new Map(a.map((l) => [key(l), l]));
  const byB = new Map(b.map((l) => [key(l), l]));
  const places = [...new Map([...a, ...b].map((l) => [key(l), { workerRank: l.workerRank, seq: l.seq }])).values()]
    .sort((x, y) => (x.workerRank ?? -1) - (y.workerRank ?? -1) || x.seq - y.seq);
  const rows: AlignedLine[] = places.map((p) => {
    const x = byA.get(key(p))?.text ?? null;
    const y = byB.get(key(p))?.text ?? null;
    return { workerRank: p.workerRank, seq: p.seq, a: x, b: y, same: x !== null && y !== null && norm(x) === norm(y) };
  });
  const first = rows.findIndex((r) => !r.same);
  const from = first < 0 ? 0 : Math.max(0, first - (opts.before ?? 5));
  return {
    lines: { a: a.length, b: b.length },
    differing: rows.filter((r) => !r.same).length,
    firstDivergence: first < 0 ? null : rows[first]!,
    rows: first < 0 ? [] : rows.slice(from, first + (opts.after ?? 20)),
  };
}
