// Points written out as they stream in (storage/point-export.ts), in four formats: NDJSON and
// CSV (a line per point), Apache Arrow IPC (a stream of record batches) and Parquet (a row group
// per batch, written by parquet-wasm). Each writer is an async generator of byte chunks pulled by
// the HTTP response, so a slow client slows the ClickHouse read instead of filling memory:
// at most one batch (BATCH_ROWS points) is held at a time. Columns: run_id, key, segment (null
// for the unsegmented series), step, wall_time_ms, value.
import { makeVector, Table, tableToIPC } from 'apache-arrow';
import { utf8Column } from '../http/arrow-columns.ts';
import type { PointChunk } from '../../storage/point-export.ts';

export const FORMATS = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
  arrow: 'application/vnd.apache.arrow.stream',
  parquet: 'application/vnd.apache.parquet',
} as const;
export type ExportFormat = keyof typeof FORMATS;

/** Points per Arrow record batch / Parquet row group. */
export const BATCH_ROWS = 131_072;

interface Batch {
  runIds: string[];
  keys: string[];
  segments: (string | null)[];
  steps: BigInt64Array;
  walls: BigInt64Array;
  values: Float64Array;
  length: number;
}

/** The points regrouped into batches of up to BATCH_ROWS (the last one shorter). */
async function* batches(chunks: AsyncIterable<PointChunk>, size: number): AsyncGenerator<Batch> {
  let b = empty(size);
  for await (const c of chunks) {
    for (let i = 0; i < c.steps.length; i++) {
      const n = b.length++;
      b.runIds.push(c.runId);
      b.keys.push(c.key);
      b.segments.push(c.segment === '' ? null : c.segment);
      b.steps[n] = BigInt(c.steps[i]!);
      b.walls[n] = BigInt(c.wallTimesMs[i]!);
      b.values[n] = c.values[i]!;
      if (b.length === size) {
        yield b;
        b = empty(size);
      }
    }
  }
  if (b.length > 0) yield b;
}

function empty(size: number): Batch {
  return { runIds: [], keys: [], segments: [], steps: new BigInt64Array(size), walls: new BigInt64Array(size), values: new Float64Array(size), length: 0 };
}

function arrowTable(b: Batch): Table {
  return new Table({
    run_id: utf8Column(b.runIds),
    key: utf8Column(b.keys),
    segment: utf8Column(b.segments),
    step: makeVector(b.steps.subarray(0, b.length)),
    wall_time_ms: makeVector(b.walls.subarray(0, b.length)),
    value: makeVector(b.values.subarray(0, b.length)),
  });
}

const csvText = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

async function* ndjson(chunks: AsyncIterable<PointChunk>): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    const head = `{"run_id":${JSON.stringify(c.runId)},"key":${JSON.stringify(c.key)},"segment":${c.segment === '' ? 'null' : JSON.stringify(c.segment)},"step":`;
    let out = '';
    for (let i = 0; i < c.steps.length; i++) out += `${head}${c.steps[i]},"wall_time_ms":${c.wallTimesMs[i]},"value":${c.values[i]}}\n`;
    yield Buffer.from(out);
  }
}

async function* csv(chunks: AsyncIterable<PointChunk>): AsyncGenerator<Buffer> {
  yield Buffer.from('run_id,key,segment,step,wall_time_ms,value\n');
  for await (const c of chunks) {
    const head = `${csvText(c.runId)},${csvText(c.key)},${csvText(c.segment)},`;
    let out = '';
    for (let i = 0; i < c.steps.length; i++) out += `${head}${c.steps[i]},${c.wallTimesMs[i]},${c.values[i]}\n`;
    yield Buffer.from(out);
  }
}

/** The end-of-stream marker of the Arrow IPC stream format. */
const ARROW_EOS = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * An Arrow IPC stream: the schema message once, then each batch's record batch message. Each
 * batch is serialised as a stream of its own (schema, batch, end) and the shared schema prefix
 * and end marker cut off — the columns have no dictionaries, so the messages stand alone.
 */
async function* arrow(chunks: AsyncIterable<PointChunk>, size: number): AsyncGenerator<Uint8Array> {
  let schema: Buffer | null = null;
  for await (const b of batches(chunks, size)) {
    const table = arrowTable(b);
    if (schema === null) {
      const schemaOnly = tableToIPC(new Table(table.schema), 'stream');
      schema = Buffer.from(schemaOnly.subarray(0, schemaOnly.length - ARROW_EOS.length));
      yield schema;
    }
    const bytes = tableToIPC(table, 'stream');
    // The trick holds only while every batch has the same schema message: checked, not assumed.
    if (!schema.equals(bytes.subarray(0, schema.length))) throw new Error('an Arrow batch has another schema than the first; the stream would be corrupt');
    yield bytes.subarray(schema.length, bytes.length - ARROW_EOS.length);
  }
  if (schema === null) yield tableToIPC(arrowTable(empty(0)), 'stream').subarray(0, -ARROW_EOS.length);
  yield ARROW_EOS;
}

/** Parquet through parquet-wasm: a row group per batch, written as the batches are pulled. */
async function* parquet(chunks: AsyncIterable<PointChunk>, size: number): AsyncGenerator<Uint8Array> {
  const wasm = await import('parquet-wasm');
  const source = batches(chunks, size);
  let any = false;
  const input = new ReadableStream({
    async pull(controller) {
      const next = await source.next();
      if (next.done && any) return controller.close();
      any = true;
      const table = wasm.Table.fromIPCStream(tableToIPC(arrowTable(next.done ? empty(0) : next.value), 'stream'));
      for (let i = 0; i < table.numBatches; i++) controller.enqueue(table.recordBatch(i));
      if (next.done) controller.close();
    },
    // The client went away: end the ClickHouse read too.
    async cancel() {
      await source.return(undefined);
    },
  });
  const props = new wasm.WriterPropertiesBuilder().setCompression(wasm.Compression.SNAPPY).build();
  const out = await wasm.transformParquetStream(input, props);
  for await (const bytes of out as unknown as AsyncIterable<Uint8Array>) yield bytes;
}

/** The points in `format`; `batchRows` is the Arrow batch and Parquet row group size. */
export function writePoints(format: ExportFormat, chunks: AsyncIterable<PointChunk>, batchRows = BATCH_ROWS): AsyncGenerator<Uint8Array> {
  switch (format) {
    case 'ndjson':
      return ndjson(chunks);
    case 'csv':
      return csv(chunks);
    case 'arrow':
      return arrow(chunks, batchRows);
    case 'parquet':
      return parquet(chunks, batchRows);
  }
}
