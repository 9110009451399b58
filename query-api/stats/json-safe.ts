// Makes numbers safe for JSON. JSON.stringify turns ±Infinity and NaN into null silently; here
// every such value becomes null *and* leaves a note naming the field and what it stood for, so
// a null in an answer is never a mystery. The statistics module never returns NaN, but a value
// computed here (a mean of values near 1e308) could overflow.

/** `value` when finite; otherwise null, with a note on `notes` saying what `field` held. */
export function safeNumber(value: number, field: string, notes: string[]): number | null {
  if (Number.isFinite(value)) return value;
  if (value === Infinity) notes.push(`${field} is +Infinity (unbounded), shown as null`);
  else if (value === -Infinity) notes.push(`${field} is -Infinity (unbounded), shown as null`);
  else notes.push(`${field} is undefined for these data (not a number), shown as null`);
  return null;
}

/**
 * A deep copy of a plain result object in which every non-finite number is null (each with a
 * note). Typed arrays become plain arrays; functions and undefined fields are dropped.
 */
export function jsonSafe(value: unknown, path: string, notes: string[]): unknown {
  if (typeof value === 'number') return safeNumber(value, path, notes);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (ArrayBuffer.isView(value)) return jsonSafe(Array.from(value as unknown as ArrayLike<number>), path, notes);
  if (Array.isArray(value)) return value.map((v, i) => jsonSafe(v, `${path}[${i}]`, notes));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function') continue;
      out[k] = jsonSafe(v, path ? `${path}.${k}` : k, notes);
    }
    return out;
  }
  return null;
}
