// Confound warnings: when runs (or groups of runs) meant to differ only in the variables under
// study also differ in code, data, environment or other params, say so in plain words. Seeds
// are replicates, not treatments, so they never count as a confound.
import { lineageFields } from './compare.ts';
import type { RunRecord } from './store.ts';

export interface Confound {
  field: string;
  /** The distinct values per compared unit (a run or a group), in the caller's order. */
  values: string[][];
  message: string;
}

const SEED_FIELDS = new Set(['params.seed', 'lineage.seed']);
// Where a run happened to be scheduled says nothing about its code or data.
const IGNORED = new Set(['lineage.host', 'lineage.parentRunId']);

function fieldsOf(run: RunRecord): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(run.params)) out.set(`params.${k}`, JSON.stringify(v));
  for (const [k, v] of Object.entries(lineageFields(run))) out.set(`lineage.${k}`, JSON.stringify(v));
  return out;
}

const show = (v: string) => {
  const parsed = JSON.parse(v) as unknown;
  return typeof parsed === 'string' ? (parsed.length > 12 && /^[0-9a-f]+$/.test(parsed) ? parsed.slice(0, 12) : parsed) : String(parsed);
};

/**
 * `units` are the compared sides: one run each for a run comparison, or the runs of each group.
 * `variables` are the fields the caller means to vary (e.g. ["params.lr"]); without them only
 * lineage differences (code, data, environment) are reported.
 */
export function findConfounds(units: RunRecord[][], variables: string[]): Confound[] {
  if (units.length < 2) return [];
  const studied = new Set(variables.map((v) => (v.startsWith('params.') || v.startsWith('lineage.') ? v : `params.${v}`)));
  const perUnit = units.map((runs) => {
    const m = new Map<string, Set<string>>();
    for (const run of runs) {
      const f = fieldsOf(run);
      for (const [k, v] of f) m.set(k, (m.get(k) ?? new Set()).add(v));
    }
    // A field missing from some runs of the unit counts as its own value.
    for (const [k, set] of m) if (runs.some((r) => !fieldsOf(r).has(k))) set.add('null');
    return m;
  });
  const fields = new Set(perUnit.flatMap((m) => [...m.keys()]));
  const out: Confound[] = [];
  const studiedText = [...studied].join(', ') || 'the variables under study';
  for (const field of [...fields].sort()) {
    if (studied.has(field) || SEED_FIELDS.has(field) || IGNORED.has(field)) continue;
    // Without named variables every param difference is listed anyway; report lineage only.
    if (studied.size === 0 && field.startsWith('params.')) continue;
    const values = perUnit.map((m) => [...(m.get(field) ?? new Set(['null']))].sort());
    const signature = values.map((v) => v.join('|'));
    if (signature.every((s) => s === signature[0])) continue;
    const shown = values.map((v) => v.map(show).join('/'));
    const distinct = [...new Set(shown)];
    out.push({
      field,
      values: values.map((v) => v.map(show)),
      message: `${units.every((u) => u.length === 1) ? 'runs' : 'groups'} differ in ${field} (${distinct.join(' vs ')}) besides ${studiedText}: the effect of ${[...studied].map((s) => s.replace(/^params\./, '')).join(', ') || 'the change'} is not isolated`,
    });
  }
  return out;
}
