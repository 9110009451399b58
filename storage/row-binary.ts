// ClickHouse's RowBinary format: written straight into one Buffer, the insert format of the
// tables that carry points (metric_chunks, metric_chunk_stats) — JSONEachRow made the processor
// spend a fifth of its time writing text that ClickHouse then parsed again (docs/performance.md);
// and read back from the answers that are mostly numbers (curves), which as JSON cost ClickHouse
// time to print 17 digits a value and the API time to parse them. RowBinary is a value's bytes as
// ClickHouse holds them, unchanged since long before 18.16. Only the types those tables and
// answers use are known; a column list in the INSERT leaves the rest to their defaults.

/** The ClickHouse types this writer knows, and arrays of them. */
export type BinaryType = 'String' | 'UInt8' | 'Int32' | 'UInt32' | 'UInt64' | 'Float64' | `Array(${'UInt32' | 'UInt64' | 'Int64' | 'Float64'})`;

/** The columns an insert writes, in order: name and ClickHouse type, as in the table's migration. */
export type BinaryColumns<Row> = readonly (readonly [keyof Row & string, BinaryType])[];

const TWO_32 = 2 ** 32;

/** An unsigned integer below 2^53 (JavaScript's exact range) as 8 little-endian bytes. */
function setUint64(view: DataView, at: number, n: number): void {
  const low = n % TWO_32;
  view.setUint32(at, low, true);
  view.setUint32(at + 4, (n - low) / TWO_32, true);
}

/** A signed integer within ±2^53 as 8 little-endian bytes (two's complement). */
function setInt64(view: DataView, at: number, n: number): void {
  view.setBigInt64(at, BigInt(n), true);
}

/** A growing buffer of little-endian values. */
class Writer {
  private buf: Buffer;
  private view: DataView;
  private at = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  varUInt(n: number): void {
    this.room(10);
    while (n >= 0x80) {
      this.buf[this.at++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.at++] = n;
  }

  string(s: string): void {
    const bytes = Buffer.byteLength(s);
    this.varUInt(bytes);
    this.room(bytes);
    this.at += this.buf.write(s, this.at, bytes, 'utf8');
  }

  uint8(n: number): void {
    this.room(1);
    this.buf[this.at++] = n;
  }

  int32(n: number): void {
    this.room(4);
    this.view.setInt32(this.at, n, true);
    this.at += 4;
  }

  uint32(n: number): void {
    this.room(4);
    this.view.setUint32(this.at, n, true);
    this.at += 4;
  }

  uint64(n: number): void {
    this.room(8);
    setUint64(this.view, this.at, n);
    this.at += 8;
  }

  float64(x: number): void {
    this.room(8);
    this.view.setFloat64(this.at, x, true);
    this.at += 8;
  }

  /** An array: its length, then its elements; the room for all of them made once. */
  array(xs: readonly number[], element: 'UInt32' | 'UInt64' | 'Int64' | 'Float64'): void {
    this.varUInt(xs.length);
    const width = element === 'UInt32' ? 4 : 8;
    this.room(xs.length * width);
    const view = this.view;
    let at = this.at;
    if (element === 'Float64') {
      for (let i = 0; i < xs.length; i++, at += 8) view.setFloat64(at, xs[i]!, true);
    } else if (element === 'UInt32') {
      for (let i = 0; i < xs.length; i++, at += 4) view.setUint32(at, xs[i]!, true);
    } else if (element === 'Int64') {
      for (let i = 0; i < xs.length; i++, at += 8) setInt64(view, at, xs[i]!);
    } else {
      for (let i = 0; i < xs.length; i++, at += 8) setUint64(view, at, xs[i]!);
    }
    this.at = at;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/** The rows as one RowBinary body for `INSERT INTO t (columns) FORMAT RowBinary`. */
export function encodeRowBinary<Row>(columns: BinaryColumns<Row>, rows: readonly Row[]): Buffer {
  const w = new Writer(4096 + rows.length * columns.length * 16);
  for (const row of rows) {
    for (const [name, type] of columns) {
      const v = row[name] as unknown;
      switch (type) {
        case 'String': w.string(v as string); break;
        case 'UInt8': w.uint8(v as number); break;
        case 'Int32': w.int32(v as number); break;
        case 'UInt32': w.uint32(v as number); break;
        case 'UInt64': w.uint64(v as number); break;
        case 'Float64': w.float64(v as number); break;
        case 'Array(UInt32)': w.array(v as number[], 'UInt32'); break;
        case 'Array(UInt64)': w.array(v as number[], 'UInt64'); break;
        case 'Array(Int64)': w.array(v as number[], 'Int64'); break;
        case 'Array(Float64)': w.array(v as number[], 'Float64'); break;
      }
    }
  }
  return w.done();
}

/** The column list of such an INSERT. */
export function columnList<Row>(columns: BinaryColumns<Row>): string {
  return columns.map(([name]) => name).join(', ');
}

/** The types the reader knows: those of the answers read in RowBinary. */
export type ReadType = 'String' | `Array(${'UInt64' | 'Int64' | 'Float64'})`;

/** What a column of each ReadType reads as; 64-bit integers as numbers, exact below 2^53 (steps, milliseconds, counts). */
type ReadValue<T extends ReadType> = T extends 'String' ? string : number[];

/**
 * The rows of `... FORMAT RowBinary` whose columns have these types, in order: each row a tuple
 * of its values. Throws on an answer that ends inside a row (a cut connection, a wrong type list).
 */
export function decodeRowBinary<const Types extends readonly ReadType[]>(buf: Buffer, types: Types): { [K in keyof Types]: ReadValue<Types[K]> }[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: unknown[][] = [];
  let at = 0;
  const need = (bytes: number) => {
    if (at + bytes > buf.length) throw new Error(`RowBinary answer cut short: ${bytes} bytes wanted at byte ${at} of ${buf.length}`);
  };
  const varUInt = () => {
    let n = 0;
    let scale = 1;
    for (;;) {
      need(1);
      const byte = buf[at++]!;
      n += (byte & 0x7f) * scale;
      if (byte < 0x80) return n;
      scale *= 128;
    }
  };
  while (at < buf.length) {
    const row: unknown[] = [];
    for (const type of types) {
      if (type === 'String') {
        const bytes = varUInt();
        need(bytes);
        row.push(buf.toString('utf8', at, at + bytes));
        at += bytes;
        continue;
      }
      const n = varUInt();
      need(n * 8);
      const xs = new Array<number>(n);
      if (type === 'Array(Float64)') for (let i = 0; i < n; i++, at += 8) xs[i] = view.getFloat64(at, true);
      else if (type === 'Array(Int64)') for (let i = 0; i < n; i++, at += 8) xs[i] = view.getInt32(at + 4, true) * TWO_32 + view.getUint32(at, true);
      else for (let i = 0; i < n; i++, at += 8) xs[i] = view.getUint32(at + 4, true) * TWO_32 + view.getUint32(at, true);
      row.push(xs);
    }
    out.push(row);
  }
  return out as { [K in keyof Types]: ReadValue<Types[K]> }[];
}
