import { describe, expect, it } from 'vitest';
import { jsonDifference } from './same-json.ts';

describe('jsonDifference', () => {
  it('forgives the last bits of a float sum, nothing else', () => {
    expect(jsonDifference({ m: [0.1 + 0.2, 1] }, { m: [0.3, 1] })).toBeNull();
    expect(jsonDifference({ m: [0.3001] }, { m: [0.3] })).toBe('$.m[0]: 0.3001 against 0.3');
    expect(jsonDifference({ a: 'x', b: [1, 2] }, { a: 'x', b: [1] })).toBe('$.b: 2 items against 1');
    expect(jsonDifference({ a: 'x' }, { a: 'y' })).toBe('$.a: "x" against "y"');
    expect(jsonDifference({ a: 1 }, { a: 1, b: null })).toBe('$.b: undefined against null');
  });
});
