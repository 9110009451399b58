// Arrow columns built straight into their buffers, for the answers sent as Arrow IPC (the export
// of points, curves): building a column value by value (vectorFromArray) took most of the
// export's time.
import { Field, Float64, List, makeData, makeVector, Utf8, type Vector } from 'apache-arrow';

const encoder = new TextEncoder();

/**
 * A string column built straight into Arrow's buffers (offsets, bytes, validity), each distinct
 * string encoded once: a run id or a key repeats thousands of times in a batch, and building
 * the column value by value (vectorFromArray) took most of the export's time. Always nullable,
 * so every batch has the same schema.
 */
export function utf8Column(values: readonly (string | null)[]): Vector<Utf8> {
  const seen = new Map<string, Uint8Array>();
  const encoded = values.map((v) => {
    if (v === null) return null;
    let bytes = seen.get(v);
    if (!bytes) seen.set(v, (bytes = encoder.encode(v)));
    return bytes;
  });
  const offsets = new Int32Array(values.length + 1);
  for (let i = 0; i < encoded.length; i++) offsets[i + 1] = offsets[i]! + (encoded[i]?.length ?? 0);
  const data = new Uint8Array(offsets[values.length]!);
  const validity = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  for (let i = 0; i < encoded.length; i++) {
    const bytes = encoded[i];
    if (bytes === null || bytes === undefined) nullCount++;
    else {
      data.set(bytes, offsets[i]!);
      validity[i >> 3]! |= 1 << (i & 7);
    }
  }
  return makeVector(makeData({ type: new Utf8(), length: values.length, nullCount, nullBitmap: validity, valueOffsets: offsets, data }));
}

/** A List<Float64> column: row i holds lists[i], all values copied once into one Float64Array. */
export function float64ListColumn(lists: readonly (readonly number[])[]): Vector<List<Float64>> {
  const offsets = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) offsets[i + 1] = offsets[i]! + lists[i]!.length;
  const values = new Float64Array(offsets[lists.length]!);
  for (let i = 0; i < lists.length; i++) values.set(lists[i]!, offsets[i]!);
  const child = makeData({ type: new Float64(), length: values.length, data: values });
  return makeVector(makeData({ type: new List(new Field('item', new Float64(), false)), length: lists.length, nullCount: 0, valueOffsets: offsets, child }));
}
