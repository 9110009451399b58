// Number formatting for the plain-language sentences: differences and their interval share one
// number of decimals (three significant digits of the largest, at least two of every other, so a
// small estimate beside a wide interval is not rounded away from its JSON value), p-values get
// three significant digits (so exact values like 0.125 read as they are), and confidence levels
// read as percentages.

/** Below this fraction of the largest magnitude a value is rounding noise: it may print as 0. */
const NEGLIGIBLE = 1e-6;

/** Decimals that show `x` with `digits` significant digits. */
const decimalsFor = (x: number, digits: number) => digits - 1 - Math.floor(Math.log10(x));

/**
 * Decimals that show the largest finite magnitude among `values` with 3 significant digits and
 * every other one with at least 2 (e.g. an estimate of -0.5 beside a bound of -125 prints as
 * -0.50, not -1). Values under a millionth of the largest count as 0, so floating-point noise
 * such as 1e-17 does not spread a dozen decimals over the sentence. At most 12.
 */
export function sharedDecimals(values: (number | null)[]): number {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v) && v !== 0).map(Math.abs);
  if (finite.length === 0) return 3;
  const largest = Math.max(...finite);
  let decimals = decimalsFor(largest, 3);
  for (const v of finite) if (v >= largest * NEGLIGIBLE) decimals = Math.max(decimals, decimalsFor(v, 2));
  return Math.min(12, Math.max(0, decimals));
}

/** Fixed decimals, without a "-0.000". */
export function fixed(x: number, decimals: number): string {
  const s = x.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** A number with `digits` significant digits, in plain notation for everyday magnitudes. */
export function significant(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e9) return String(Number(x.toPrecision(digits)));
  return x.toExponential(digits - 1);
}

/** "p = 0.00781", "p = 0.125", "p = 1", or "p < 0.0001". */
export function formatP(p: number): string {
  if (p < 1e-4) return 'p < 0.0001';
  return `p = ${String(Number(p.toPrecision(3)))}`;
}

/** 0.95 → "95%", 0.999 → "99.9%". */
export function percent(confidence: number): string {
  return `${String(Number((confidence * 100).toPrecision(6)))}%`;
}
