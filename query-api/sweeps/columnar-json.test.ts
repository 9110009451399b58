import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellJson, columnarJsonChunks, columnarJsonStream } from './columnar-json.ts';

const text = (chunks: Iterable<string>) => [...chunks].join('');

describe('columnarJsonChunks', () => {
  it('writes the head, then each long array, as one JSON object', () => {
    const out = text(columnarJsonChunks({ rows: 3, axes: [{ name: 'lr', min: NaN }] }, { ids: { array: ['a', 'b"', 'c'] }, values: { arrays: [[1, null, Infinity], [true, false, 0.5]] } }, 2));
    expect(JSON.parse(out)).toEqual({ rows: 3, axes: [{ name: 'lr', min: null }], ids: ['a', 'b"', 'c'], values: [[1, null, null], [true, false, 0.5]] });
  });

  it('handles an empty head, empty arrays and no long part', () => {
    expect(JSON.parse(text(columnarJsonChunks({}, { ids: { array: [] }, values: { arrays: [] } })))).toEqual({ ids: [], values: [] });
    expect(JSON.parse(text(columnarJsonChunks({ a: 1 }, {})))).toEqual({ a: 1 });
    expect(JSON.parse(text(columnarJsonChunks({}, {})))).toEqual({});
  });

  it('emits bounded chunks for long arrays', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i / 7);
    const chunks = [...columnarJsonChunks({ n: 1 }, { x: { array: values } }, 1000)];
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(30_000);
    expect(JSON.parse(chunks.join('')).x).toEqual(values);
  });

  it('round-trips any cells through JSON.parse, numbers exactly, non-finite as null', () => {
    const cell = fc.oneof(fc.double(), fc.string(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.array(cell), fc.array(fc.array(cell), { maxLength: 4 }), fc.integer({ min: 1, max: 5 }), (ids, arrays, chunk) => {
        const parsed = JSON.parse(text(columnarJsonChunks({ k: 'v' }, { ids: { array: ids }, values: { arrays } }, chunk)));
        const norm = (v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : Object.is(v, -0) ? 0 : v);
        expect(parsed).toEqual({ k: 'v', ids: ids.map(norm), values: arrays.map((a) => a.map(norm)) });
      }),
    );
  });

  it('cellJson writes numbers as JavaScript does and everything else as JSON', () => {
    expect(cellJson(3e-4)).toBe('0.0003');
    expect(cellJson(NaN)).toBe('null');
    expect(cellJson(undefined)).toBe('null');
    expect(cellJson('a\nb')).toBe('"a\\nb"');
  });
});

describe('columnarJsonStream', () => {
  it('is a byte stream of the same text', async () => {
    const stream = columnarJsonStream({ a: 1 }, { ids: { array: ['x', 'y'] } });
    let out = '';
    for await (const chunk of stream) out += String(chunk);
    expect(JSON.parse(out)).toEqual({ a: 1, ids: ['x', 'y'] });
  });
});
