// What the importance worker thread runs (loaded by importance-worker.js; the pool is
// importance-pool.ts): paramImportance on a structured clone of the request's data.
// Two things do not survive the trip between threads, so they are repaired here:
// - prototypes: a clone of an Object.create(null) record has Object.prototype again, and a
//   param named "constructor" would then find a function through it (axes.ts reads scale[param]);
// - error classes: a thrown AnalyticsInputError arrives as a plain Error, so it comes back as a
//   tagged outcome instead, and the pool throws it again on the main thread.
import { AnalyticsInputError, paramImportance, type ImportanceOptions, type ImportanceResult, type SweepData } from '../engines/sweep-analytics/index.ts';

export interface ImportanceTask {
  data: SweepData;
  options: ImportanceOptions;
}

export type ImportanceOutcome = { ok: true; result: ImportanceResult } | { ok: false; inputError: string };

/** The same record without a prototype (a key may be "__proto__"; the clone keeps it as an own key). */
function bare<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const [k, v] of Object.entries(record)) out[k] = v;
  return out;
}

export function runImportance({ data, options }: ImportanceTask): ImportanceOutcome {
  const scale = options.axes?.scale;
  const restored: ImportanceOptions = options.axes && scale ? { ...options, axes: { ...options.axes, scale: bare(scale) } } : options;
  try {
    return { ok: true, result: paramImportance({ ...data, params: bare(data.params) }, restored) };
  } catch (err) {
    if (err instanceof AnalyticsInputError) return { ok: false, inputError: err.message };
    throw err;
  }
}
