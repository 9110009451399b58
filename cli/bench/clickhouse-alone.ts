// The pipeline bench's ceiling: ClickHouse alone inserting the rows the processor wrote for one
// sweep (metric_chunks and metric_chunk_stats, the bulk of every insert), read back and written
// again into empty copies of those tables in RowBinary, as storage/write.ts sends them — the two
// tables in parallel, inserts of about the processor's batch size one after another. No Kafka,
// no decoding, no row building: what the machine's ClickHouse can take, for the end-to-end
// figure to be set against.
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { rows } from '../../storage/read.ts';
import { columnList, encodeRowBinary, type BinaryColumns } from '../../storage/row-binary.ts';
import { quoteString } from '../../storage/sql-quote.ts';
import { METRIC_CHUNK_STATS_COLUMNS, METRIC_CHUNKS_COLUMNS, type MetricChunksRow, type MetricChunkStatsRow } from '../../storage/tables.ts';
import { sendRowBinary } from '../../storage/write.ts';
import { CpuTally, cpuSnapshot } from './cpu.ts';

export interface AloneFigures {
  points: number;
  inserts: number;
  seconds: number;
  /** ClickHouse's CPU seconds during the inserts alone (null without /proc). */
  clickhouseCpu: number | null;
}

const numbers = (xs: unknown): number[] => (xs as (string | number)[]).map(Number);

/** Re-inserts the sweep's chunk rows `pointsPerInsert` points at a time; the time and ClickHouse CPU (of `clickhousePid`) of the inserts alone. */
export async function clickhouseAlone(ch: ClickHouseClient, project: string, sweepId: string, pointsPerInsert: number, clickhousePid: number | undefined): Promise<AloneFigures> {
  const ofSweep = `project = ${quoteString(project)} AND run_id IN (SELECT run_id FROM runs WHERE project = ${quoteString(project)} AND sweep_id = ${quoteString(sweepId)})`;
  const chunks = (await rows<Record<string, unknown>>(ch, `SELECT ${columnList(METRIC_CHUNKS_COLUMNS)} FROM metric_chunks WHERE ${ofSweep} ORDER BY src_partition, src_offset`)).map(
    (r): MetricChunksRow => {
      const row = { ...r } as Record<string, unknown>;
      for (const [name, type] of METRIC_CHUNKS_COLUMNS) row[name] = type.startsWith('Array') ? numbers(r[name]) : type === 'String' ? r[name] : Number(r[name]);
      return row as unknown as MetricChunksRow;
    },
  );
  // Bodies encoded before the clock starts: the processor's encoding is its own cost, measured end to end.
  const bodies: { chunks: Buffer; stats: Buffer }[] = [];
  let points = 0;
  for (let from = 0, n = 0; from < chunks.length; ) {
    let to = from;
    for (n = 0; to < chunks.length && n < pointsPerInsert; to++) n += chunks[to]!.point_count;
    bodies.push({ chunks: encodeRowBinary(METRIC_CHUNKS_COLUMNS, chunks.slice(from, to)), stats: encodeRowBinary(METRIC_CHUNK_STATS_COLUMNS, chunks.slice(from, to)) });
    points += n;
    from = to;
  }
  await ch.command({ query: 'DROP TABLE IF EXISTS alone_metric_chunks' });
  await ch.command({ query: 'DROP TABLE IF EXISTS alone_metric_chunk_stats' });
  await ch.command({ query: 'CREATE TABLE alone_metric_chunks AS metric_chunks' });
  await ch.command({ query: 'CREATE TABLE alone_metric_chunk_stats AS metric_chunk_stats' });
  try {
    const cpu = new CpuTally(['ClickHouse']);
    const c0 = cpuSnapshot({ ClickHouse: clickhousePid });
    const started = performance.now();
    for (const b of bodies) {
      await Promise.all([
        sendRowBinary(ch, 'alone_metric_chunks', METRIC_CHUNKS_COLUMNS as BinaryColumns<MetricChunksRow>, b.chunks),
        sendRowBinary(ch, 'alone_metric_chunk_stats', METRIC_CHUNK_STATS_COLUMNS as BinaryColumns<MetricChunkStatsRow>, b.stats),
      ]);
    }
    const seconds = (performance.now() - started) / 1000;
    cpu.add(c0, cpuSnapshot({ ClickHouse: clickhousePid }));
    return { points, inserts: bodies.length, seconds, clickhouseCpu: cpu.seconds.ClickHouse ?? null };
  } finally {
    await ch.command({ query: 'DROP TABLE IF EXISTS alone_metric_chunks' });
    await ch.command({ query: 'DROP TABLE IF EXISTS alone_metric_chunk_stats' });
  }
}

