import { describe, expect, it } from 'vitest';
import { emptyTableRows, type TableRows } from '../storage/tables.ts';
import { InsertCoalescer, mergeTableRows } from './insert-coalescer.ts';

const rowsOf = (runs: string[], sightings = 0): TableRows => ({
  ...emptyTableRows(),
  runs: runs.map((run_id) => ({ run_id }) as unknown as TableRows['runs'][number]),
  run_sightings: Array.from({ length: sightings }, (_, i) => ({ project: 'p', run_id: `s${i}`, first_seen_ms: i })),
});
const ids = (rows: TableRows) => rows.runs.map((r) => r.run_id);

describe('InsertCoalescer', () => {
  it('sends the rows handed in during one turn as one insert, each caller answered with its own counts', async () => {
    const calls: TableRows[] = [];
    const c = new InsertCoalescer(async (rows) => (calls.push(rows), { rows: 0, tables: 0 }));
    const [a, b, d] = await Promise.all([c.insert(rowsOf(['a1', 'a2'], 1)), c.insert(rowsOf(['b1'])), c.insert(rowsOf([]))]);
    expect(calls).toHaveLength(1);
    expect(ids(calls[0]!)).toEqual(['a1', 'a2', 'b1']);
    expect(calls[0]!.run_sightings).toHaveLength(1);
    expect([a, b, d]).toEqual([{ rows: 3, tables: 2 }, { rows: 1, tables: 1 }, { rows: 0, tables: 0 }]);
    await c.insert(rowsOf(['later']));
    expect(calls.map(ids)).toEqual([['a1', 'a2', 'b1'], ['later']]);
  });

  it('tries a failed shared insert again for each caller alone: only the caller whose rows fail gets the error', async () => {
    const calls: string[][] = [];
    const c = new InsertCoalescer(async (rows) => {
      calls.push(ids(rows));
      if (ids(rows).includes('bad')) throw new Error('refused: bad');
      return { rows: rows.runs.length, tables: 1 };
    });
    const results = await Promise.allSettled([c.insert(rowsOf(['ok1'])), c.insert(rowsOf(['bad'])), c.insert(rowsOf(['ok2']))]);
    expect(calls).toEqual([['ok1', 'bad', 'ok2'], ['ok1'], ['bad'], ['ok2']]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('refused: bad'));
  });

  it('merges without touching the batches it was given', () => {
    const a = rowsOf(['a']);
    const b = rowsOf(['b']);
    expect(ids(mergeTableRows([a, b]))).toEqual(['a', 'b']);
    expect(ids(a)).toEqual(['a']);
    expect(ids(b)).toEqual(['b']);
  });
});
