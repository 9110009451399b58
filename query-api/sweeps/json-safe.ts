// JSON has no NaN or Infinity: JSON.stringify writes them as null silently, and a response
// schema may write them as something worse. Results pass through here before they are sent, so a
// non-finite number anywhere becomes an explicit null (analytics promises none; this makes sure).
export function jsonSafe<T>(value: T): T {
  return clean(value) as T;
}

function clean(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clean);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, (v) => clean(v));
  const out = Object.create(null) as Record<string, unknown>; // a key may be "__proto__"
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
  return out;
}
