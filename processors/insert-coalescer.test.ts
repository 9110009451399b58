import { describe, expect, it } from 'vitest';
import { emptyTableRows, type TableRows } from '../storage/tables.ts';
import { Coalescer, concatRows, mergeTableRows } from './insert-coalescer.ts';

const rowsOf = (runs: string[], sightings = 0): TableRows => ({
  ...emptyTableRows(),
  runs: runs.map((run_id) => ({ run_id }) as unknown as TableRows['runs'][number]),
  run_sightings: Array.from({ length: sightings }, (_, i) => ({ project: 'p', run_id: `s${i}`, first_seen_ms: i })),
});
const ids = (rows: TableRows) => rows.runs.map((r) => r.run_id);
const refused = (err: unknown) => String(err).includes('refused');

describe('Coalescer of table rows', () => {
  it('writes the rows handed in during one turn as one insert, and later ones apart', async () => {
    const calls: TableRows[] = [];
    const c = new Coalescer<TableRows>({ write: async (rows) => calls.push(rows), merge: mergeTableRows(), mayBeOnesOwn: refused });
    await Promise.all([c.submit(rowsOf(['a1', 'a2'], 1)), c.submit(rowsOf(['b1'])), c.submit(rowsOf([]))]);
    expect(calls.map(ids)).toEqual([['a1', 'a2', 'b1']]);
    expect(calls[0]!.run_sightings).toHaveLength(1);
    await c.submit(rowsOf(['later']));
    expect(calls.map(ids)).toEqual([['a1', 'a2', 'b1'], ['later']]);
  });

  it('keeps every table of a shared insert within the row limit (a batch over it alone)', () => {
    const groups = mergeTableRows(3)([rowsOf(['a', 'b']), rowsOf(['c']), rowsOf(['d']), rowsOf(['e', 'f', 'g', 'h']), rowsOf(['i'])]);
    expect(groups.map((g) => ids(g.payload))).toEqual([['a', 'b', 'c'], ['d'], ['e', 'f', 'g', 'h'], ['i']]);
    expect(groups.map((g) => g.callers)).toEqual([[0, 1], [2], [3], [4]]);
  });

  it('tries a refused shared insert again for each caller alone: only the caller whose rows fail gets the error', async () => {
    const calls: string[][] = [];
    const c = new Coalescer<TableRows>({
      write: async (rows) => {
        calls.push(ids(rows));
        if (ids(rows).includes('bad')) throw new Error('refused: bad');
      },
      merge: mergeTableRows(),
      mayBeOnesOwn: refused,
    });
    const results = await Promise.allSettled([c.submit(rowsOf(['ok1'])), c.submit(rowsOf(['bad'])), c.submit(rowsOf(['ok2']))]);
    expect(calls).toEqual([['ok1', 'bad', 'ok2'], ['ok1'], ['bad'], ['ok2']]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('refused: bad'));
  });

  it('fails every caller at once when ClickHouse is unavailable, without trying each alone', async () => {
    let calls = 0;
    const c = new Coalescer<TableRows>({ write: async () => { calls++; throw new Error('ECONNREFUSED'); }, merge: mergeTableRows(), mayBeOnesOwn: refused });
    const results = await Promise.allSettled([c.submit(rowsOf(['a'])), c.submit(rowsOf(['b']))]);
    expect(calls).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('merges without touching the batches it was given', () => {
    const a = rowsOf(['a']);
    const b = rowsOf(['b']);
    expect(ids(mergeTableRows()([a, b])[0]!.payload)).toEqual(['a', 'b']);
    expect(ids(a)).toEqual(['a']);
    expect(ids(b)).toEqual(['b']);
  });
});

describe('Coalescer of marks', () => {
  it('writes the marks of one turn as one list', async () => {
    const calls: number[][] = [];
    const c = new Coalescer<number[]>({ write: async (marks) => calls.push(marks), merge: concatRows, mayBeOnesOwn: refused });
    await Promise.all([c.submit([1]), c.submit([2]), c.submit([3])]);
    expect(calls).toEqual([[1, 2, 3]]);
  });
});
