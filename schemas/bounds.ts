// A cheap structural pass over an Avro body before avsc decodes it. avsc trusts declared
// lengths: a block count of 2^31 in a 20-byte message makes it loop and allocate billions of
// items. Every item of every array and map in our schemas takes at least one byte, so a count
// larger than the bytes left is impossible in a genuine message; the same holds for string and
// bytes lengths. This pass reads only varints and lengths, allocates nothing, and returns a
// reason for the dead-letter topic, or null when the body is plausible.
import type avro from 'avsc';

const MAX_DEPTH = 32;

class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  get left(): number {
    return this.buf.length - this.pos;
  }
  /** A zig-zag varint (Avro int/long); throws on overruns and on more than 10 bytes. */
  long(): number {
    let n = 0;
    let shift = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new BoundsError('truncated varint');
      const b = this.buf[this.pos++]!;
      n += (b & 0x7f) * shift;
      if ((b & 0x80) === 0) return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
      shift *= 128;
    }
    throw new BoundsError('varint longer than 10 bytes');
  }
  skip(bytes: number, what: string): void {
    if (bytes < 0 || bytes > this.left) throw new BoundsError(`${what} declares ${bytes} bytes but only ${this.left} are left`);
    this.pos += bytes;
  }
}

class BoundsError extends Error {}

function walk(type: avro.Type, c: Cursor, depth: number): void {
  if (depth > MAX_DEPTH) throw new BoundsError('nesting deeper than the schema allows');
  const t = type as avro.Type & {
    typeName: string;
    fields?: { type: avro.Type }[];
    itemsType?: avro.Type;
    valuesType?: avro.Type;
    types?: avro.Type[];
    size?: number;
    symbols?: string[];
  };
  switch (t.typeName) {
    case 'null':
      return;
    case 'boolean':
      return c.skip(1, 'boolean');
    case 'int':
    case 'long':
      c.long();
      return;
    case 'float':
      return c.skip(4, 'float');
    case 'double':
      return c.skip(8, 'double');
    case 'string':
    case 'bytes':
      return c.skip(c.long(), t.typeName);
    case 'fixed':
      return c.skip(t.size!, 'fixed');
    case 'enum': {
      const i = c.long();
      if (i < 0 || i >= t.symbols!.length) throw new BoundsError(`enum index ${i} outside ${t.symbols!.length} symbols`);
      return;
    }
    case 'record':
    case 'error':
      for (const f of t.fields!) walk(f.type, c, depth + 1);
      return;
    case 'union:unwrapped':
    case 'union:wrapped': {
      const i = c.long();
      if (i < 0 || i >= t.types!.length) throw new BoundsError(`union branch ${i} outside ${t.types!.length} branches`);
      return walk(t.types![i]!, c, depth + 1);
    }
    case 'array':
    case 'map': {
      const item = t.typeName === 'array' ? t.itemsType! : t.valuesType!;
      for (;;) {
        let n = c.long();
        if (n === 0) return;
        if (n < 0) {
          // A block with its byte size: avsc still decodes item by item, so bound the count too.
          n = -n;
          const size = c.long();
          if (n > size) throw new BoundsError(`${t.typeName} block declares ${n} items in ${size} bytes`);
          c.skip(size, `${t.typeName} block`);
          continue;
        }
        // At least one byte per item (a map entry also has its key's length byte).
        if (n > c.left) throw new BoundsError(`${t.typeName} block declares ${n} items but only ${c.left} bytes are left`);
        const itemName = (item as avro.Type & { typeName: string }).typeName;
        if (t.typeName === 'array' && itemName === 'double') {
          c.skip(8 * n, 'array of doubles'); // the common case of metric values: no per-item work
          continue;
        }
        if (t.typeName === 'array' && (itemName === 'long' || itemName === 'int')) {
          for (let i = 0; i < n; i++) c.long();
          continue;
        }
        for (let i = 0; i < n; i++) {
          if (t.typeName === 'map') c.skip(c.long(), 'map key');
          walk(item, c, depth + 1);
        }
      }
    }
    default:
      throw new BoundsError(`unsupported Avro type ${t.typeName}`);
  }
}

/** Returns why `body` cannot be a genuine encoding of `type`, or null if its lengths are sane. */
export function checkAvroBounds(type: avro.Type, body: Buffer): string | null {
  const c = new Cursor(body);
  try {
    walk(type, c, 0);
  } catch (err) {
    if (err instanceof BoundsError) return err.message;
    throw err;
  }
  if (c.left !== 0) return `${c.left} trailing bytes after the record`;
  return null;
}
