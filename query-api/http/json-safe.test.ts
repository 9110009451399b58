import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSafe, safeNumber } from './json-safe.ts';

describe('safeNumber', () => {
  it('passes finite numbers and turns the rest into null with a note', () => {
    const notes: string[] = [];
    expect(safeNumber(1.5, 'x', notes)).toBe(1.5);
    expect(safeNumber(Infinity, 'ci.upper', notes)).toBeNull();
    expect(safeNumber(-Infinity, 'ci.lower', notes)).toBeNull();
    expect(safeNumber(NaN, 'd', notes)).toBeNull();
    expect(notes).toEqual([
      'ci.upper is +Infinity (unbounded), shown as null',
      'ci.lower is -Infinity (unbounded), shown as null',
      'd is undefined for these data (not a number), shown as null',
    ]);
  });
});

describe('jsonSafe', () => {
  it('copies nested results, nulling non-finite numbers and naming their path', () => {
    const notes: string[] = [];
    const out = jsonSafe({ a: 1, b: { c: [1, Infinity], d: new Float64Array([2, NaN]) }, e: undefined, f: 'x', g: null, h: true }, notes, 'r');
    expect(out).toEqual({ a: 1, b: { c: [1, null], d: [2, null] }, f: 'x', g: null, h: true });
    expect(notes).toEqual(['r.b.c[1] is +Infinity (unbounded), shown as null', 'r.b.d[1] is undefined for these data (not a number), shown as null']);
    expect(JSON.stringify(out)).not.toMatch(/NaN|Infinity/);
  });
});

describe('jsonSafe without notes', () => {
  it('turns non-finite numbers into null anywhere, keeping everything else', () => {
    const input = { a: NaN, b: [1, Infinity, { c: -Infinity, d: 'x' }], e: null, f: true, g: undefined, h: new Float64Array([1, NaN]) };
    expect(jsonSafe(input)).toEqual({ a: null, b: [1, null, { c: null, d: 'x' }], e: null, f: true, h: [1, null] });
  });

  it('keeps "__proto__" as an ordinary key', () => {
    const input = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as Record<string, unknown>;
    const out = jsonSafe(input);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"x":1},"y":2}');
  });

  it('always produces text that JSON.parse reads back to the same value with nulls for non-finite numbers', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.double()), (value, doubles) => {
        const input = { value, doubles };
        const text = JSON.stringify(jsonSafe(input));
        // No NaN or Infinity outside strings (a generated key or text may well be "NaN").
        expect(text.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toMatch(/NaN|Infinity/);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(input)));
      }),
    );
  });
});
