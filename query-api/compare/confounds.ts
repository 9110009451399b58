// Confound warnings: when runs (or groups of runs) meant to differ only in the variables under
// study also differ in code, data, environment or other params, say so in plain words. Fields
// are named as in the filter language (params.lr, lineage.data_version,
// lineage.libraries.torch), so a warning's field can be passed back as a variable. Seeds are
// replicates, not treatments, so they never count as a confound.
import { lineageByName } from './compare.ts';
import { badRequest } from '../../common/http/errors.ts';
import { didYouMean, nearest } from '../filter/names.ts';
import { fieldLabel, LINEAGE_NAMES, parseField } from '../filter/fields.ts';
import type { RunRecord } from '../../storage/runs.ts';

export interface Confound {
  field: string;
  /** The distinct values per compared unit (a run or a group), in the caller's order. */
  values: string[][];
  message: string;
}

const SEED_FIELDS = new Set(['params.seed', 'lineage.seed']);
// Where a run happened to be scheduled says nothing about its code or data.
const IGNORED = new Set(['lineage.host', 'lineage.parent_run_id']);

/** What confounds compare of a run: its params and lineage. */
export type ConfoundFields = Pick<RunRecord, 'params' | 'lineage'>;

function fieldsOf(run: ConfoundFields): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(run.params)) out.set(`params.${k}`, JSON.stringify(v));
  for (const [k, v] of Object.entries(lineageByName(run))) out.set(`lineage.${k}`, JSON.stringify(v));
  return out;
}

const show = (v: string) => {
  const parsed = JSON.parse(v) as unknown;
  return typeof parsed === 'string' ? (parsed.length > 12 && /^[0-9a-f]+$/.test(parsed) ? parsed.slice(0, 12) : parsed) : String(parsed);
};

/** A variable as findConfounds compares it: params.<name> (a bare name is a param) or lineage.<name>. */
const asField = (v: string) => (v.startsWith('params.') || v.startsWith('lineage.') ? v : `params.${v}`);

/**
 * The variables a caller names, as field names (params.lr, lineage.data_version,
 * lineage.libraries.torch); a 400 with "did you mean" for one the compared runs cannot differ
 * in. `params` are the param names known (the project's names and the runs' own), and
 * `libraries` the libraries of the compared runs. Unlike filters there is no empty-project
 * exemption: the runs are in hand, so a name none of them can hold is a mistake.
 */
export function studiedFields(variables: readonly string[], known: { params: Iterable<string>; libraries: Iterable<string> }): string[] {
  const params = new Set(known.params);
  const libraries = new Set(known.libraries);
  const fields = variables.map((raw) => {
    const v = raw.trim();
    const field = asField(v);
    if (field.startsWith('lineage.')) {
      const f = parseField(field);
      if (typeof f === 'string') {
        const near = nearest(field.slice('lineage.'.length), LINEAGE_NAMES).map((n) => `lineage.${n}`);
        throw badRequest(`variables: unknown field "${v}"${near.length > 0 ? didYouMean(near) : `; expected ${f}`}`);
      }
      if (f.kind === 'library' && !libraries.has(f.name)) {
        throw badRequest(`variables: no compared run has ${fieldLabel(f)}${didYouMean(nearest(f.name, libraries).map((l) => `lineage.libraries.${l}`))}`);
      }
      return fieldLabel(f);
    }
    const name = field.slice('params.'.length);
    if (params.has(name)) return field;
    if (field === `params.${v}` && /^(metrics|tags)\./.test(v)) {
      throw badRequest(`variables: "${v}" is not something a run is set up with; name params (params.lr) or lineage fields (lineage.data_version)`);
    }
    // A bare name may have meant a lineage field (data_version) rather than a param.
    const near = [...nearest(name, params).map((k) => `params.${k}`), ...(v === name ? nearest(name, LINEAGE_NAMES).map((n) => `lineage.${n}`) : [])];
    throw badRequest(`variables: no run in this project has params.${name}${didYouMean(near.slice(0, 3))}`);
  });
  return [...new Set(fields)];
}

/**
 * `units` are the compared sides: one run each for a run comparison, or the runs of each group.
 * `variables` are the fields the caller means to vary (e.g. ["params.lr"] or
 * ["lineage.data_version"]); without them only lineage differences (code, data, environment)
 * are reported, as every param difference is listed beside them anyway.
 */
export function findConfounds(units: ConfoundFields[][], variables: string[]): Confound[] {
  if (units.length < 2) return [];
  const perUnit = units.map((runs) => {
    const m = new Map<string, Set<string>>();
    const holders = new Map<string, number>();
    for (const run of runs) {
      for (const [k, v] of fieldsOf(run)) {
        m.set(k, (m.get(k) ?? new Set()).add(v));
        holders.set(k, (holders.get(k) ?? 0) + 1);
      }
    }
    // A field missing from some runs of the unit counts as its own value.
    for (const [k, set] of m) if (holders.get(k)! < runs.length) set.add('null');
    return m;
  });
  return confoundsOf(perUnit, variables, units.every((u) => u.length === 1) ? 'runs' : 'groups');
}

/**
 * findConfounds over runs held as columns: `columns` maps each field, named as findConfounds
 * names it (params.lr, lineage.git_commit, lineage.libraries.torch), to a value per run (null
 * where a run lacks it); `units` lists each compared unit's run indexes. The same answer as
 * findConfounds on the same runs, without an object per run (groups over 100,000 runs).
 */
export function findConfoundsInColumns(units: readonly (readonly number[])[], columns: ReadonlyMap<string, readonly unknown[]>, variables: string[]): Confound[] {
  if (units.length < 2) return [];
  const perUnit = units.map(() => new Map<string, Set<string>>());
  for (const [field, column] of columns) {
    const texts = new Map<unknown, string>(); // each distinct value stringified once
    units.forEach((runs, u) => {
      const set = new Set<string>();
      for (const i of runs) {
        const v = column[i] ?? null;
        let text = texts.get(v);
        if (text === undefined) texts.set(v, (text = JSON.stringify(v)));
        set.add(text);
      }
      perUnit[u]!.set(field, set);
    });
  }
  return confoundsOf(perUnit, variables, units.every((u) => u.length === 1) ? 'runs' : 'groups');
}

/** The rule: per unit, each field's distinct values (as JSON text, 'null' for a run without it). */
function confoundsOf(perUnit: Map<string, Set<string>>[], variables: string[], what: 'runs' | 'groups'): Confound[] {
  const studied = new Set(variables.map(asField));
  const fields = new Set(perUnit.flatMap((m) => [...m.keys()]));
  const out: Confound[] = [];
  for (const field of [...fields].sort()) {
    if (studied.has(field) || SEED_FIELDS.has(field) || IGNORED.has(field)) continue;
    if (studied.size === 0 && field.startsWith('params.')) continue;
    const values = perUnit.map((m) => [...(m.get(field) ?? new Set(['null']))].sort());
    const signature = values.map((v) => v.join('|'));
    if (signature.every((s) => s === signature[0])) continue;
    const shown = values.map((v) => v.map(show).join('/'));
    const differ = `${what} differ in ${field} (${[...new Set(shown)].join(' vs ')})`;
    out.push({
      field,
      values: values.map((v) => v.map(show)),
      message:
        studied.size > 0
          ? `${differ} besides ${[...studied].join(', ')}: the effect of ${[...studied].map((s) => s.replace(/^params\./, '')).join(', ')} is not isolated`
          : `${differ}, which may account for part of any difference in their metrics; name the fields you meant to vary in variables to check everything else`,
    });
  }
  return out;
}
