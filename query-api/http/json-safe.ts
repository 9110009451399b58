// Makes a result safe for JSON before it is sent. JSON has no NaN or Infinity: JSON.stringify
// writes them as null silently, and a response schema may write something worse. Here every
// non-finite number becomes an explicit null — and, when the caller keeps notes (the statistics
// routes do), a note naming the field and what it stood for, so a null is never a mystery.

/** `value` when finite; otherwise null, with a note on `notes` saying what `field` held. */
export function safeNumber(value: number, field: string, notes: string[]): number | null {
  if (Number.isFinite(value)) return value;
  if (value === Infinity) notes.push(`${field} is +Infinity (unbounded), shown as null`);
  else if (value === -Infinity) notes.push(`${field} is -Infinity (unbounded), shown as null`);
  else notes.push(`${field} is undefined for these data (not a number), shown as null`);
  return null;
}

/**
 * A deep copy of a plain result in which every non-finite number is null (with a note on
 * `notes` when given, naming its path under `path`). Typed arrays become plain arrays;
 * undefined fields and functions are dropped; a key may be "__proto__".
 */
export function jsonSafe<T>(value: T, notes?: string[], path = ''): T {
  return clean(value, notes, path) as T;
}

function clean(value: unknown, notes: string[] | undefined, path: string): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : notes ? safeNumber(value, path, notes) : null;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (ArrayBuffer.isView(value)) return clean(Array.from(value as unknown as ArrayLike<number>), notes, path);
  if (Array.isArray(value)) return value.map((v, i) => clean(v, notes, `${path}[${i}]`));
  if (typeof value === 'object') {
    const out = Object.create(null) as Record<string, unknown>; // a key may be "__proto__"
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function') continue;
      out[k] = clean(v, notes, path ? `${path}.${k}` : k);
    }
    return out;
  }
  return null;
}
