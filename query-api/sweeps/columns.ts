// A request's fields as per-run columns of a loaded sweep, with the checks that make a typo a
// 400 rather than an empty chart: the selection must hold runs, a param must be set by at least
// one of them, a metric summary, tag or lineage field must have a value for at least one.
import type { ParamValue } from '../engines/sweep-analytics/index.ts';
import { badRequest } from '../../common/http/errors.ts';
import type { SweepField } from './fields.ts';
import type { LoadedSweep } from './load.ts';

const MAX_NAMES = 20;

function listNames(names: string[]): string {
  if (names.length === 0) return '(none)';
  return names.length > MAX_NAMES ? `${names.slice(0, MAX_NAMES).join(', ')}, … (${names.length} in all)` : names.join(', ');
}

/** A 400 when the selection matched no run. */
export function requireSomeRuns(loaded: LoadedSweep): void {
  if (loaded.runIds.length === 0) throw badRequest('the selection has no runs; widen the filter (experiment, sweep, filter, runIds) so that it matches some runs');
}

/** A 400 when no selected run sets the param. */
export function requireSelectedParam(loaded: LoadedSweep, name: string, what: string): void {
  if (!Object.prototype.hasOwnProperty.call(loaded.params, name)) {
    throw badRequest(`${what}: unknown param ${JSON.stringify(name)}; the selected runs have these params: ${listNames(Object.keys(loaded.params).sort())}`);
  }
}

/** A 400 when the field does not exist in the selection (see the header). */
export function requireField(loaded: LoadedSweep, field: SweepField, what: string): void {
  if (field.kind === 'param') return requireSelectedParam(loaded, field.name, what);
  if (field.kind === 'run') {
    if (!loaded.runFields[field.label]?.some((v) => v !== null)) throw badRequest(`${what}: none of the ${loaded.runIds.length} selected runs has ${field.label}`);
    return;
  }
  const column = loaded.metrics[field.ref.label];
  if (!column || !column.some((v) => v !== null)) {
    throw badRequest(`${what}: metric ${field.ref.label} has no value for any of the ${loaded.runIds.length} selected runs; choose a metric summary these runs logged`);
  }
}

/** The field's value per run (null = the run lacks it). */
export function runColumn(loaded: LoadedSweep, field: SweepField): readonly ParamValue[] {
  const column = field.kind === 'param' ? loaded.params[field.name] : field.kind === 'run' ? loaded.runFields[field.label] : loaded.metrics[field.ref.label];
  return column ?? new Array<ParamValue>(loaded.runIds.length).fill(null);
}
