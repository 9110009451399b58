import { describe, expect, it } from 'vitest';
import { identifier, quoteInteger, quoteNumber, quoteString, quoteStringList, SqlInputError } from './sql-quote.ts';

describe('quoteString', () => {
  it('escapes backslash before quote, and control characters', () => {
    expect(quoteString("it's")).toBe("'it\\'s'");
    expect(quoteString('a\\b')).toBe("'a\\\\b'");
    expect(quoteString("\\'")).toBe("'\\\\\\''");
    expect(quoteString('x\u0000y\nz\t')).toBe("'x\\0y\\nz\\t'");
  });
  it('leaves Unicode as it is', () => {
    expect(quoteString('δ 日本 🎉')).toBe("'δ 日本 🎉'");
  });
});

describe('numbers and lists', () => {
  it('refuses non-finite numbers and unsafe integers', () => {
    expect(quoteNumber(1e-7)).toBe('1e-7');
    expect(() => quoteNumber(NaN)).toThrow(SqlInputError);
    expect(() => quoteNumber(Infinity)).toThrow(SqlInputError);
    expect(quoteInteger(42)).toBe('42');
    expect(() => quoteInteger(1.5)).toThrow(SqlInputError);
    expect(() => quoteInteger(2 ** 60)).toThrow(SqlInputError);
  });
  it('quotes every list element and refuses empty lists', () => {
    expect(quoteStringList(['a', "b'"])).toBe("'a', 'b\\''");
    expect(() => quoteStringList([])).toThrow(SqlInputError);
  });
});

describe('identifier', () => {
  const allow = { started_at: 'started_at_ms', name: 'name' } as const;
  it('maps allowlisted names to columns', () => {
    expect(identifier('started_at', allow)).toBe('started_at_ms');
  });
  it('rejects everything else, including prototype keys and injection attempts', () => {
    for (const bad of ['toString', '__proto__', 'name; DROP TABLE runs', 'started_at_ms']) {
      expect(() => identifier(bad, allow)).toThrow(/unknown field/);
    }
  });
});
