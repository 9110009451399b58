import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSafe } from './json-safe.ts';

describe('jsonSafe', () => {
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
        expect(text).not.toMatch(/NaN|Infinity/);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(input)));
      }),
    );
  });
});
