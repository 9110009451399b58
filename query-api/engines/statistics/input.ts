// Input checks shared by every test. Values that would make a result NaN are refused here, with
// a message that names the argument and the offending index, so the API can answer 400.
import { StatsInputError } from './errors.ts';
import type { Alternative, Sample } from './types.ts';

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'greater', 'less'];

/** Copies a sample into a Float64Array after checking it is non-empty, finite and long enough. */
export function finiteSample(values: Sample, name: string, minLength = 1, why = ''): Float64Array {
  if (values == null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new StatsInputError(`sample ${name} must be an array of numbers`);
  }
  if (values.length === 0) throw new StatsInputError(`sample ${name} is empty; it needs at least ${Math.max(minLength, 1)} value(s)`);
  if (values.length < minLength) {
    throw new StatsInputError(`sample ${name} has ${values.length} value(s); at least ${minLength} are needed${why ? ` ${why}` : ''}`);
  }
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new StatsInputError(`sample ${name} has a non-finite value at index ${i} (${String(v)}); remove or replace it before testing`);
    }
    out[i] = v;
  }
  return out;
}

/** a − b element by element; both samples must be finite and of the same length. */
export function pairedDifferences(a: Sample, b: Sample, minLength = 1, why = ''): Float64Array {
  const x = finiteSample(a, 'a', minLength, why);
  const y = finiteSample(b, 'b', minLength, why);
  if (x.length !== y.length) {
    throw new StatsInputError(`paired samples must have the same length: a has ${x.length} values, b has ${y.length}; pair each value of a with one of b`);
  }
  const d = new Float64Array(x.length);
  for (let i = 0; i < d.length; i++) d[i] = checkFinite(x[i]! - y[i]!, `a[${i}] - b[${i}]`);
  return d;
}

export function checkAlternative(value: unknown = 'two-sided'): Alternative {
  if (!ALTERNATIVES.includes(value as Alternative)) {
    throw new StatsInputError(`alternative must be one of ${ALTERNATIVES.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as Alternative;
}

export function checkConfidence(value: unknown = 0.95): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new StatsInputError(`confidence must be a number strictly between 0 and 1 (e.g. 0.95); got ${String(value)}`);
  }
  return value;
}

export function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw new StatsInputError(`${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/**
 * Finite inputs can still overflow: sums and squares of values near 1e154 or beyond reach
 * Infinity and would turn results into NaN or nonsense. Refuse rather than answer that.
 */
export function checkFinite(value: number, what: string): number {
  if (!Number.isFinite(value)) {
    throw new StatsInputError(`the values are too large in magnitude to compute ${what} without overflow; rescale the samples (e.g. change units)`);
  }
  return value;
}
