import { describe, expect, it } from 'vitest';
import { loadMigrations } from './migrate.ts';
import { columnList, decodeRowBinary, encodeRowBinary } from './row-binary.ts';
import { BINARY_TABLES } from './tables.ts';

describe('encodeRowBinary', () => {
  it('writes each type as ClickHouse reads it: little-endian, varint lengths, UTF-8 strings', () => {
    const columns = [['s', 'String'], ['b', 'UInt8'], ['i', 'Int32'], ['u', 'UInt32'], ['l', 'UInt64'], ['f', 'Float64'], ['a', 'Array(UInt64)'], ['v', 'Array(Float64)'], ['c', 'Array(UInt32)']] as const;
    const row = { s: 'é'.repeat(100), b: 1, i: -2, u: 3, l: 2 ** 53 - 1, f: 0.5, a: [2 ** 32 + 5], v: [], c: [7, 8] };
    const out = encodeRowBinary(columns, [row]);
    const expected = Buffer.concat([
      Buffer.from([200, 1]), Buffer.from('é'.repeat(100), 'utf8'), // 200 bytes: varint 0xC8 0x01
      Buffer.from([1]),
      Buffer.from([0xfe, 0xff, 0xff, 0xff]),
      Buffer.from([3, 0, 0, 0]),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0]),
      Buffer.from([0, 0, 0, 0, 0, 0, 0xe0, 0x3f]),
      Buffer.from([1, 5, 0, 0, 0, 1, 0, 0, 0]),
      Buffer.from([0]),
      Buffer.from([2, 7, 0, 0, 0, 8, 0, 0, 0]),
    ]);
    expect(out.toString('hex')).toBe(expected.toString('hex'));
  });

  it('grows past its first guess without losing bytes', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i / 3);
    const out = encodeRowBinary([['v', 'Array(Float64)']] as const, [{ v: values }, { v: values }]);
    expect(out.length).toBe(2 * (2 + 80_000)); // 10,000 < 2^14: a two-byte varint
    expect(out.readDoubleLE(2 + 8 * 9_999)).toBe(9_999 / 3);
    expect(out.readDoubleLE(80_002 + 2 + 8 * 5)).toBe(5 / 3);
  });

  it('names the columns of the INSERT in order', () => {
    expect(columnList([['a', 'String'], ['b', 'UInt8']] as const)).toBe('a, b');
  });
});

describe('decodeRowBinary', () => {
  it('reads back what the writer wrote: strings, 64-bit integers either sign up to 2^53, doubles, empty arrays', () => {
    const columns = [['s', 'String'], ['i', 'Array(Int64)'], ['u', 'Array(UInt64)'], ['f', 'Array(Float64)']] as const;
    const rows = [
      { s: 'é😀', i: [-(2 ** 53) + 1, -1, 0, 1, 2 ** 32, 2 ** 53 - 1], u: [0, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1], f: [0.1, -0, Infinity, -1e308] },
      { s: '', i: [], u: [], f: [] },
    ];
    const decoded = decodeRowBinary(encodeRowBinary(columns, rows), ['String', 'Array(Int64)', 'Array(UInt64)', 'Array(Float64)']);
    expect(decoded).toEqual(rows.map((r) => [r.s, r.i, r.u, r.f]));
    expect(Object.is(decoded[0]![3][1], -0)).toBe(true);
  });

  it('refuses an answer cut inside a row instead of returning part of it', () => {
    const whole = encodeRowBinary([['s', 'String'], ['f', 'Array(Float64)']] as const, [{ s: 'run', f: [1, 2, 3] }]);
    expect(decodeRowBinary(whole, ['String', 'Array(Float64)'])).toEqual([['run', [1, 2, 3]]]);
    for (const cut of [1, 4, 5, whole.length - 1]) expect(() => decodeRowBinary(whole.subarray(0, cut), ['String', 'Array(Float64)']), `${cut} bytes`).toThrow(/cut short/);
    expect(decodeRowBinary(Buffer.alloc(0), ['String'])).toEqual([]);
  });
});

describe('BINARY_TABLES', () => {
  it('types every column as the migrations create it', () => {
    const sql = loadMigrations().map((m) => m.sql).join('\n');
    for (const [table, columns] of Object.entries(BINARY_TABLES)) {
      // A table rebuilt later (0036) is created AS the old one: its columns stay those of the first definition.
      const ddl = new RegExp(`CREATE TABLE IF NOT EXISTS \\{database\\}\\.${table}\\s*\\(([^;]*?)\\n\\)`, 's').exec(sql)?.[1];
      expect(ddl, table).toBeDefined();
      const declared = new Map([...ddl!.matchAll(/^\s+(\w+) ([A-Za-z0-9()]+)/gm)].map((m) => [m[1], m[2]]));
      for (const [name, type] of columns!) expect(`${table}.${name} ${declared.get(name)}`).toBe(`${table}.${name} ${type}`);
      const unwritten = [...declared.keys()].filter((name) => !columns!.some(([c]) => c === name));
      expect(unwritten, `${table}: columns left to their defaults`).toEqual(['metric_chunks', 'online_outcome_sums'].includes(table) ? ['ingested_at'] : []);
    }
  });
});
