// One INSERT per table for the partitions of one Kafka fetch. kafkajs hands the processor each
// partition's batch on its own; when each inserted its own rows, a fetch of 6 partitions made 6
// inserts per table — each a new part of every table, files on disk and merges later, which is
// where most of ClickHouse's CPU went on this machine. The batches of one fetch are handled
// concurrently and routed one after another in the same turn of the event loop, so rows handed
// in before the next turn go out together. Each caller still marks and commits its own
// partition after the shared insert. A shared insert that fails is tried again for each caller
// alone, so rows ClickHouse refuses fail only the partition they came from, as before.
import type { TableRows } from '../storage/tables.ts';
import type { InsertStats } from '../storage/write.ts';

interface Waiting {
  rows: TableRows;
  resolve: (stats: InsertStats) => void;
  reject: (err: unknown) => void;
}

/** The rows of several batches as one, table by table, in the order given. */
export function mergeTableRows(all: readonly TableRows[]): TableRows {
  const out = { ...all[0]! };
  for (const rows of all.slice(1)) {
    for (const table of Object.keys(rows) as (keyof TableRows)[]) {
      if (rows[table].length > 0) (out[table] as unknown[]) = (out[table] as unknown[]).concat(rows[table]);
    }
  }
  return out;
}

const statsOf = (rows: TableRows): InsertStats => {
  const tables = Object.values(rows).filter((r: unknown[]) => r.length > 0);
  return { rows: tables.reduce((n, r: unknown[]) => n + r.length, 0), tables: tables.length };
};

export class InsertCoalescer {
  private waiting: Waiting[] = [];

  constructor(private readonly insertRows: (rows: TableRows) => Promise<InsertStats>) {}

  /** Resolves once `rows` are stored, with their own counts; rejects with the error of their own insert. */
  insert(rows: TableRows): Promise<InsertStats> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ rows, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const group = this.waiting;
    this.waiting = [];
    if (group.length > 1) {
      try {
        await this.insertRows(mergeTableRows(group.map((w) => w.rows)));
        for (const w of group) w.resolve(statsOf(w.rows));
        return;
      } catch {
        // Each alone below: its own answer, its own error.
      }
    }
    await Promise.all(
      group.map(async (w) => {
        try {
          w.resolve(await this.insertRows(w.rows));
        } catch (err) {
          w.reject(err);
        }
      }),
    );
  }
}
