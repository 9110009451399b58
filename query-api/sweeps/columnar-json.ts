// Writes a large columnar response as JSON text, a chunk at a time: the small part (axes, counts,
// labels) as one object, then each long array (run ids, one column per axis) value by value in
// chunks of a few thousand. Handed to fastify as a Readable, it is pulled only as fast as the
// client reads, so a 100k-run answer never exists as one string or as an object per run beside
// the columns it is written from. Numbers that are not finite are written as null.
import { Readable } from 'node:stream';
import { jsonSafe } from '../http/json-safe.ts';

export type Cell = number | string | boolean | null | undefined;

/** A long array, or an array of long arrays (one per axis). */
export type LongValue = { array: ArrayLike<Cell> } | { arrays: readonly ArrayLike<Cell>[] };

export const CHUNK_VALUES = 4096;

export function cellJson(v: Cell): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return 'null';
}

function* arrayChunks(values: ArrayLike<Cell>, chunk: number): Generator<string> {
  let buf = '[';
  let inBuf = 0;
  for (let i = 0; i < values.length; i++) {
    buf += (i > 0 ? ',' : '') + cellJson(values[i]);
    if (++inBuf >= chunk) {
      yield buf;
      buf = '';
      inBuf = 0;
    }
  }
  yield `${buf}]`;
}

/** The JSON text of { ...head, ...long } in chunks; head keys come first. */
export function* columnarJsonChunks(head: Record<string, unknown>, long: Record<string, LongValue>, chunk = CHUNK_VALUES): Generator<string> {
  const headText = JSON.stringify(jsonSafe(head));
  let open = headText.slice(0, -1); // "{...", without the closing brace
  let first = headText === '{}';
  for (const [name, value] of Object.entries(long)) {
    yield `${open}${first ? '' : ','}${JSON.stringify(name)}:`;
    open = '';
    first = false;
    if ('array' in value) {
      yield* arrayChunks(value.array, chunk);
    } else {
      yield '[';
      for (let k = 0; k < value.arrays.length; k++) {
        if (k > 0) yield ',';
        yield* arrayChunks(value.arrays[k]!, chunk);
      }
      yield ']';
    }
  }
  yield `${open}}`;
}

export function columnarJsonStream(head: Record<string, unknown>, long: Record<string, LongValue>): Readable {
  return Readable.from(columnarJsonChunks(head, long), { objectMode: false });
}
