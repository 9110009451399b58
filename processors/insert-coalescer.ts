// One write for the partitions of one Kafka fetch. kafkajs hands the processor each partition's
// batch on its own; when each inserted its own rows, a fetch of 6 partitions made 6 inserts per
// table — each a new part of every table, files on disk and merges later, which is where most of
// ClickHouse's CPU went on this machine. The batches of one fetch are handled concurrently and
// routed one after another in the same turn of the event loop, so what they hand in before the
// next turn goes out together: their rows as one insert per table (split where a table would
// pass MAX_ROWS_PER_INSERT, so each insert stays one atomic block), and their processed_batches
// marks as one insert. Each caller still marks and commits its own partition. A shared write
// that ClickHouse refuses is tried again for each caller alone (one after another, so memory
// stays that of one fetch), so refused rows fail only the partition they came from, as before; a
// write that failed because ClickHouse is unavailable fails every caller at once, and each
// retries on its own schedule (they meet again in a later turn).
import type { TableRows } from '../storage/tables.ts';

/**
 * Rows of one table per shared insert at most: half of ClickHouse's max_insert_block_size
 * (1,048,576), below which an INSERT is written as one block — stored whole or not at all.
 */
export const MAX_ROWS_PER_INSERT = 500_000;

/** What shared writes put together: the payloads to write, each with the callers whose payloads it holds. */
export type Merge<T> = (payloads: readonly T[]) => { payload: T; callers: number[] }[];

interface Waiting<T> {
  payload: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class Coalescer<T> {
  private waiting: Waiting<T>[] = [];

  constructor(
    private readonly opts: {
      write: (payload: T) => Promise<unknown>;
      merge: Merge<T>;
      /** Whether a shared write's error may be one caller's own (then each is tried alone). */
      mayBeOnesOwn: (err: unknown) => boolean;
    },
  ) {}

  /** Resolves once `payload` is written; rejects with the error of the write that held it (its own, alone, when ClickHouse refused a shared one). */
  submit(payload: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ payload, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = [];
    for (const { payload, callers } of this.opts.merge(waiting.map((w) => w.payload))) {
      const group = callers.map((i) => waiting[i]!);
      try {
        await this.opts.write(payload);
        for (const w of group) w.resolve();
        continue;
      } catch (err) {
        if (group.length === 1 || !this.opts.mayBeOnesOwn(err)) {
          for (const w of group) w.reject(err);
          continue;
        }
      }
      for (const w of group) {
        try {
          await this.opts.write(w.payload);
          w.resolve();
        } catch (err) {
          w.reject(err);
        }
      }
    }
  }
}

/** Batches' rows merged table by table, in the order given, into as few groups as keep every table within `maxRows` (a batch over it stays alone). */
export const mergeTableRows =
  (maxRows = MAX_ROWS_PER_INSERT): Merge<TableRows> =>
  (all) => {
    const groups: { payload: TableRows; callers: number[] }[] = [];
    let current: { payload: TableRows; callers: number[]; counts: Map<keyof TableRows, number> } | undefined;
    all.forEach((rows, i) => {
      const tables = Object.keys(rows) as (keyof TableRows)[];
      const fits = current && tables.every((t) => (current!.counts.get(t) ?? 0) + rows[t].length <= maxRows);
      if (!current || !fits) {
        current = { payload: { ...rows }, callers: [i], counts: new Map(tables.map((t) => [t, rows[t].length])) };
        groups.push(current);
        return;
      }
      for (const t of tables) {
        if (rows[t].length === 0) continue;
        (current.payload[t] as unknown[]) = (current.payload[t] as unknown[]).concat(rows[t]);
        current.counts.set(t, current.counts.get(t)! + rows[t].length);
      }
      current.callers.push(i);
    });
    return groups.map(({ payload, callers }) => ({ payload, callers }));
  };

/** Lists of rows of one table (processed_batches marks) as one list. */
export const concatRows = <R>(all: readonly R[][]): { payload: R[]; callers: number[] }[] => [{ payload: all.flat(), callers: all.map((_, i) => i) }];
