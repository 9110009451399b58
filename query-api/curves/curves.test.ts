import { describe, expect, it } from 'vitest';
import { band } from './curves.ts';

describe('band', () => {
  it('has std 0 where runs agree and counts the runs with data per bucket', () => {
    const c = (runId: string, x: number[], mean: number[]) => ({ runId, x, mean, min: mean, max: mean, count: x.map(() => 1) });
    expect(band([c('a', [0, 10], [1, 2]), c('b', [0, 10, 20], [1, 2, 5])])).toEqual({ x: [0, 10, 20], mean: [1, 2, 5], std: [0, 0, 0], n: [2, 2, 1] });
  });
});
