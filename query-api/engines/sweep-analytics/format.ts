// Numbers as people read them in labels and sentences: integers as they are, others with three
// significant digits and no trailing zeros, exponent form outside [0.001, 1e6) — "3e-4",
// "0.00316", "0.5", "2000", "1.5e+6" (JavaScript's exponent form, sign included).
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e6) return String(Number(x.toPrecision(3)));
  const [mantissa, exponent] = x.toExponential(2).split('e');
  return `${String(Number(mantissa))}e${exponent}`;
}
