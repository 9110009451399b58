import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { curvesArrow } from './arrow.ts';

describe('curvesArrow', () => {
  it('writes a row per metric and run, in order, with the x axis in the metadata', () => {
    const run = (runId: string, n: number) => ({ runId, x: Array.from({ length: n }, (_, i) => i * 10), mean: Array(n).fill(0.5), min: Array(n).fill(0), max: Array(n).fill(1), count: Array(n).fill(10) });
    const t = tableFromIPC(curvesArrow('relative_time', [{ metric: 'loss', bucketWidth: 10, runs: [run('a', 3), run('b', 0)] }, { metric: 'acc', bucketWidth: 20, runs: [run('a', 1)] }]));
    expect(t.schema.metadata.get('runlens.x')).toBe('relative_time');
    expect(t.getChild('metric')!.toArray()).toEqual(['loss', 'loss', 'acc']);
    expect(t.getChild('run_id')!.toArray()).toEqual(['a', 'b', 'a']);
    expect(Array.from(t.getChild('bucket_width')!.toArray())).toEqual([10, 10, 20]);
    expect(Array.from(t.getChild('x')!.get(0)!)).toEqual([0, 10, 20]);
    expect(t.getChild('count')!.get(1)!.length).toBe(0);
    expect(Array.from(t.getChild('mean')!.get(2)!)).toEqual([0.5]);
  });

  it('writes a valid empty stream when no run has points', () => {
    const t = tableFromIPC(curvesArrow('step', [{ metric: 'loss', bucketWidth: 1, runs: [] }]));
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['metric', 'bucket_width', 'run_id', 'x', 'mean', 'min', 'max', 'count']);
  });
});
