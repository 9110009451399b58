import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { PointChunk } from '../../storage/point-export.ts';
import { writePoints } from './formats.ts';

/** 3 runs × 2 metrics × 250 points, the second metric segmented in one run. */
async function* chunks(): AsyncGenerator<PointChunk> {
  for (const runId of ['a', 'b', 'c']) {
    for (const key of ['acc', 'loss']) {
      const steps = Array.from({ length: 250 }, (_, i) => i + 1);
      yield { runId, key, segment: runId === 'b' && key === 'loss' ? 'split=val' : '', steps, values: steps.map((s) => s / 1000), wallTimesMs: steps.map((s) => 1_700_000_000_000 + s) };
    }
  }
}

async function bytesOf(format: 'arrow' | 'parquet' | 'csv' | 'ndjson', batchRows: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const p of writePoints(format, chunks(), batchRows)) parts.push(p);
  return Buffer.concat(parts);
}

describe('export formats', () => {
  it('writes a valid Arrow IPC stream across many batches', async () => {
    const table = tableFromIPC(await bytesOf('arrow', 97));
    expect(table.numRows).toBe(1500);
    expect(table.batches.length).toBe(Math.ceil(1500 / 97));
    const rows = table.toArray().map((r) => r.toJSON());
    expect(rows[0]).toEqual({ run_id: 'a', key: 'acc', segment: null, step: 1n, wall_time_ms: 1_700_000_000_001n, value: 0.001 });
    expect(rows.filter((r) => r.segment === 'split=val')).toHaveLength(250);
  });

  it('writes Parquet a row group per batch that reads back whole', async () => {
    const wasm = await import('parquet-wasm');
    const read = wasm.readParquet(await bytesOf('parquet', 200));
    const table = tableFromIPC(read.intoIPCStream());
    expect(table.numRows).toBe(1500);
    expect(table.getChild('value')!.toArray().reduce((s: number, x: number) => s + x, 0)).toBeCloseTo(6 * (250 * 251) / 2 / 1000, 9);
  });

  it('writes an empty selection as a valid empty file', async () => {
    async function* none(): AsyncGenerator<PointChunk> {}
    const parts: Uint8Array[] = [];
    for await (const p of writePoints('arrow', none(), 10)) parts.push(p);
    expect(tableFromIPC(Buffer.concat(parts)).numRows).toBe(0);
  });
});
