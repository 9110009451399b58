// Checks the columnar input once and puts it in canonical order (runs sorted by id), so no
// result depends on the order the caller's query returned runs in: bootstrap draws, sums and
// tie-breaks all see the same sequence. Options are checked here too, each with a message that
// says what to send instead.
import { AnalyticsInputError } from './errors.ts';
import type { ParamValue, SweepData } from './types.ts';

/** The input after checks: columns in canonical order, the target as a Float64Array (NaN = missing). */
export interface Prepared {
  n: number;
  /** Run ids in canonical order (ascending by UTF-16 code units, locale-independent). */
  runIds: string[];
  target: Float64Array;
  /** Runs with a target value. */
  targetPresent: number;
  paramNames: string[];
  /** A param's values in canonical order, checked on first use; throws for an unknown param. */
  column(param: string): readonly ParamValue[];
}

const MAX_NAMES_IN_MESSAGE = 20;

function fail(message: string): never {
  throw new AnalyticsInputError(message);
}

function listNames(names: readonly string[]): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, MAX_NAMES_IN_MESSAGE).join(', ');
  return names.length > MAX_NAMES_IN_MESSAGE ? `${shown}, … (${names.length} in all)` : shown;
}

function checkValue(param: string, value: unknown, index: number): ParamValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    fail(`params.${param}[${index}] is ${String(value)}; params must be finite numbers, strings, booleans, or null for a run without the param`);
  }
  fail(`params.${param}[${index}] is ${value === undefined ? 'undefined' : typeof value}; use a number, string or boolean, or null for a run without the param`);
}

/**
 * Checks the shape of `data` (one value per run in every column, unique run ids, finite
 * numbers) and returns it in canonical order. With `requireTarget`, a target missing for every
 * run is an error, since nothing can then be analysed.
 */
export function prepare(data: SweepData, options: { requireTarget?: boolean } = {}): Prepared {
  if (data == null || typeof data !== 'object') fail('data must be an object { runIds, params, target }');
  const { runIds, params, target } = data;
  if (!Array.isArray(runIds)) fail('data.runIds must be an array of run id strings');
  if (params == null || typeof params !== 'object' || Array.isArray(params)) {
    fail('data.params must be an object mapping each param name to an array of values, one per run');
  }
  if (!Array.isArray(target)) fail('data.target must be an array with one number (or null) per run');
  const n = runIds.length;
  if (n === 0) fail('the selection has no runs; widen the filter (experiment, sweep, status) so that it matches some runs');
  if (target.length !== n) fail(`data.target has ${target.length} values but there are ${n} runs; give one value per run, null where the run has none`);
  for (let i = 0; i < n; i++) {
    if (typeof runIds[i] !== 'string') fail(`data.runIds[${i}] is not a string; run ids must be strings`);
  }

  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (runIds[a]! < runIds[b]! ? -1 : runIds[a]! > runIds[b]! ? 1 : 0));
  for (let k = 1; k < n; k++) {
    if (runIds[order[k]!] === runIds[order[k - 1]!]) {
      fail(`run id ${JSON.stringify(runIds[order[k]!])} appears more than once; give each run once`);
    }
  }

  const canonicalTarget = new Float64Array(n);
  let targetPresent = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const v = target[i];
    if (v === null) {
      canonicalTarget[k] = NaN;
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      canonicalTarget[k] = v;
      targetPresent++;
    } else {
      fail(`data.target[${i}] (run ${JSON.stringify(runIds[i])}) is ${String(v)}; the target must be a finite number, or null for a run without the metric (e.g. a diverged run)`);
    }
  }
  if (options.requireTarget && targetPresent === 0) {
    fail(`the target has no value for any of the ${n} runs; choose a metric summary these runs logged`);
  }

  const paramNames = Object.keys(params);
  const cache = new Map<string, ParamValue[]>();
  const column = (param: string): readonly ParamValue[] => {
    const cached = cache.get(param);
    if (cached) return cached;
    if (typeof param !== 'string' || !Object.prototype.hasOwnProperty.call(params, param)) {
      fail(`unknown param ${JSON.stringify(param)}; the selection has these params: ${listNames(paramNames)}`);
    }
    const values = params[param];
    if (!Array.isArray(values)) fail(`data.params.${param} must be an array with one value per run`);
    if (values.length !== n) fail(`data.params.${param} has ${values.length} values but there are ${n} runs; give one value per run, null where the run has none`);
    const out = new Array<ParamValue>(n);
    for (let k = 0; k < n; k++) out[k] = checkValue(param, values[order[k]!], order[k]!);
    cache.set(param, out);
    return out;
  };
  return { n, runIds: Array.from(order, (i) => runIds[i]!), target: canonicalTarget, targetPresent, paramNames, column };
}

/** The params an analysis covers: the ones asked for (each must exist, no repeats), else `fallback`. */
export function checkParamList(prepared: Prepared, params: unknown, fallback: () => string[]): string[] {
  if (params === undefined) return fallback();
  if (!Array.isArray(params) || params.some((p) => typeof p !== 'string')) fail('params must be an array of param names');
  const seen = new Set<string>();
  for (const p of params as string[]) {
    if (seen.has(p)) fail(`param ${JSON.stringify(p)} is listed twice in params; list each once`);
    seen.add(p);
    prepared.column(p); // throws for an unknown param
  }
  return params as string[];
}

export function checkInteger(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer from ${min} to ${max}; got ${String(value)}`);
  }
  return value;
}

export function checkNumber(name: string, value: unknown, fallback: number, ok: (v: number) => boolean, range: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) fail(`${name} must be ${range}; got ${String(value)}`);
  return value;
}

export function checkConfidence(value: unknown): number {
  return checkNumber('confidence', value, 0.95, (v) => v > 0 && v < 1, 'a number strictly between 0 and 1 (e.g. 0.95)');
}

export function checkSeed(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(`seed must be an integer; got ${String(value)}`);
  return value;
}

export function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) fail(`${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(value)}`);
  return value as T;
}
