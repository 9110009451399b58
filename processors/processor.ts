// The consumer-group service: Kafka batch → decode/validate → ClickHouse insert and dead
// letters → commit. Durable before committed: offsets move only after every insert and every
// dead-letter send of the batch is acknowledged; a failure rethrows so Kafka redelivers. The
// partitions of one fetch are handled concurrently and share one insert per table
// (insert-coalescer.ts); each then marks and commits its own partition.
//
// Effectively-once into ClickHouse (see docs/effectively-once.md): every stored row carries
// its source partition and offset in its table's sort key, so a range processed twice
// collapses; and on assignment the processor reads the stored high-water mark per partition
// and skips what is marked stored, so a crash between insert and commit re-inserts at most
// about a second of messages per partition (marks are throttled; see handleBatch).
import type { Kafka, Consumer, EachBatchPayload, Producer } from 'kafkajs';
import { classifyStorageError, createClickHouse, StorageRejectedError, type ClickHouseClient } from '../common/clickhouse.ts';
import { topicsFor, type Config } from '../common/config.ts';
import { createIdempotentProducer, createKafka, ensureTopics } from '../common/kafka.ts';
import type { Logger } from '../common/logger.ts';
import type { SchemaCatalogue } from '../schemas/catalogue.ts';
import { sendDeadLetters } from './dead-letter.ts';
import { markProcessed, storedHighWater } from '../storage/processed-batches.ts';
import { createProcessorMetrics, type ProcessorMetrics } from './metrics.ts';
import { routeBatch, type InputMessage } from './route.ts';
import { insertRows } from '../storage/write.ts';
import { Coalescer, concatRows, mergeTableRows } from './insert-coalescer.ts';
import type { ProcessedBatchesRow, TableRows } from '../storage/tables.ts';

export interface ProcessorStats {
  batches: number;
  events: number;
  points: number;
  /** Online experiments' outcome records stored (exposures and values). */
  outcomes: number;
  rowsInserted: number;
  deadLettered: number;
  skippedStored: number;
  insertRetries: number;
  consumerRestarts: number;
}

export interface ProcessorOptions {
  config: Config;
  catalogue: SchemaCatalogue;
  logger: Logger;
  groupId?: string;
  /** Longest wait between attempts to restart a consumer that kafkajs gave up on (default 30 s). */
  maxRestartDelayMs?: number;
  /** Longest wait between insert attempts while ClickHouse is unavailable (default 10 s). */
  maxRetryDelayMs?: number;
  /** Skip messages already stored when a partition is assigned (default true; tests turn it off to force replays). */
  skipStored?: boolean;
  /** The Kafka client to use (default: one for config.kafkaBrokers); unit tests pass a fake. */
  kafka?: Kafka;
}

/** Partitions handled at once (more than the events topic has here: each batch waits for none). */
const PARTITIONS_AT_ONCE = 32;

/** Longest time between two processed_batches marks of a partition that is behind. */
const MARK_INTERVAL_MS = 1_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Processor {
  readonly stats: ProcessorStats = { batches: 0, events: 0, points: 0, outcomes: 0, rowsInserted: 0, deadLettered: 0, skippedStored: 0, insertRetries: 0, consumerRestarts: 0 };
  readonly metrics: ProcessorMetrics = createProcessorMetrics();
  private kafka?: Kafka;
  private consumer?: Consumer;
  private producer?: Producer;
  private restarting = false;
  /** The consumer kafkajs last stopped for good; a restart that yields this one failed. */
  private crashed?: Consumer;
  private stopping = false;
  private readonly clickhouse: ClickHouseClient;
  private readonly topics;
  /** Per partition: when this process last wrote a processed_batches mark for it. */
  private readonly markedAt = new Map<number, number>();
  /** Per assigned partition: the highest offset already in ClickHouse when it was assigned. */
  private readonly storedUpTo = new Map<number, Promise<number | undefined>>();
  /** The partitions of one fetch, handled concurrently, share one insert per table, and one of their marks. */
  private readonly inserts: Coalescer<TableRows>;
  private readonly marks: Coalescer<ProcessedBatchesRow[]>;

  constructor(private readonly opts: ProcessorOptions) {
    this.clickhouse = createClickHouse(opts.config);
    this.topics = topicsFor(opts.config);
    // Refused rows may be one partition's own; an unavailable ClickHouse is everyone's.
    const mayBeOnesOwn = (err: unknown) => classifyStorageError(err) instanceof StorageRejectedError;
    this.inserts = new Coalescer({ write: (rows) => insertRows(this.clickhouse, rows), merge: mergeTableRows(), mayBeOnesOwn });
    this.marks = new Coalescer({ write: (markers) => markProcessed(this.clickhouse, markers), merge: concatRows, mayBeOnesOwn });
  }

  get groupId(): string {
    return this.opts.groupId ?? this.opts.config.processorGroup;
  }

  /** Creates the topics, connects the dead-letter producer and starts consuming; throws if Kafka is unreachable. */
  async start(): Promise<void> {
    const { config } = this.opts;
    this.kafka = this.opts.kafka ?? createKafka(config.kafkaBrokers, 'runlens-processor', this.opts.logger);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, this.topics);
    } finally {
      await admin.disconnect();
    }
    this.producer = createIdempotentProducer(this.kafka);
    await this.producer.connect();
    await this.startConsumer();
  }

  private async startConsumer(): Promise<void> {
    const { config, logger } = this.opts;
    const consumer = this.kafka!.consumer({
      groupId: this.groupId,
      sessionTimeout: config.processorSessionTimeoutMs,
      heartbeatInterval: this.heartbeatIntervalMs,
      maxBytesPerPartition: 16 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      maxWaitTimeInMs: 250,
      // Every restart goes through restartConsumer (capped backoff, logged, counted): kafkajs'
      // own restart retries at a fixed interval and gives up on errors it deems fatal.
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      logger.error({ err: payload.error }, 'consumer crashed');
      // A broker gone for longer than the retry budget, or storage rejecting a batch: the
      // service must neither sit idle nor exit; it starts a fresh consumer once things heal.
      this.crashed = consumer;
      this.metrics.consumerRunning.set(0);
      this.metrics.crashesSinceLastCommit.inc();
      if (consumer === this.consumer) void this.restartConsumer();
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions = payload.memberAssignment[this.topics.events] ?? [];
      logger.info({ partitions }, 'partitions assigned');
      // Lag of partitions this process no longer holds would stay behind (and keep an autoscaler up).
      this.metrics.lag.reset();
      if (this.opts.skipStored ?? true) this.readHighWater(partitions);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topics.events, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every partition of a fetch at once: their rows share one insert per table (InsertCoalescer).
      partitionsConsumedConcurrently: PARTITIONS_AT_ONCE,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    if (this.crashed === consumer) return; // crashed while joining: the restart loop takes over
    this.metrics.consumerRunning.set(1);
    logger.info({ topic: this.topics.events, group: this.groupId }, 'processor consuming');
  }

  /**
   * Replaces a consumer that kafkajs stopped for good, retrying with capped exponential backoff
   * until one runs or stop() is called. Nothing is lost meanwhile: offsets were committed only
   * after the rows were stored, and the new consumer resumes from the stored high-water mark.
   */
  private async restartConsumer(): Promise<void> {
    if (this.restarting || this.stopping) return;
    this.restarting = true;
    const maxDelay = this.opts.maxRestartDelayMs ?? 30_000;
    try {
      for (let attempt = 1; !this.stopping; attempt++) {
        await this.consumer?.disconnect().catch(() => undefined);
        const delay = Math.min(maxDelay, 500 * 2 ** Math.min(attempt, 10));
        this.opts.logger.warn({ attempt, delayMs: delay }, 'restarting consumer');
        await sleep(delay);
        if (this.stopping) return;
        try {
          await this.startConsumer();
          // kafkajs reports a failed join as a crash during run(), which then resolves anyway.
          if (this.crashed === this.consumer) throw new Error('the new consumer crashed while joining the group');
          if (this.stopping) {
            await this.consumer?.disconnect(); // stop() ran while we connected
            return;
          }
          this.stats.consumerRestarts++;
          this.metrics.consumerRestarts.inc();
          this.opts.logger.info({ attempt }, 'consumer restarted');
          return;
        } catch (err) {
          this.opts.logger.warn({ err: (err as Error).message, attempt }, 'consumer restart failed; retrying');
        }
      }
    } finally {
      this.restarting = false;
    }
  }

  private readHighWater(partitions: number[]): void {
    this.storedUpTo.clear();
    const all = storedHighWater(this.clickhouse, this.topics.events, partitions).catch((err: unknown) => {
      // Not fatal: the source-offset keys still make the replay collapse.
      this.opts.logger.warn({ err }, 'could not read stored high-water marks; replays will be collapsed instead of skipped');
      return new Map<number, number>();
    });
    for (const p of partitions) this.storedUpTo.set(p, all.then((m) => m.get(p)));
  }

  private async handleBatch({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const { logger } = this.opts;
    const partition = batch.partition;
    const stored = await this.storedUpTo.get(partition);
    let messages: InputMessage[] = batch.messages;
    if (stored !== undefined && Number(messages[0]!.offset) <= stored) {
      messages = messages.filter((m) => Number(m.offset) > stored);
      const skipped = batch.messages.length - messages.length;
      this.stats.skippedStored += skipped;
      this.metrics.skippedStored.inc(skipped);
      logger.info({ partition, skipped, storedUpTo: stored }, 'skipped messages already stored');
    }
    const routed = routeBatch(this.opts.catalogue, batch.topic, partition, messages);
    const retrying = { heartbeat, isRunning, isStale, partition };
    const timer = this.metrics.insertSeconds.startTimer();
    await this.untilStored(() => this.inserts.submit(routed.rows), retrying);
    const inserted = Object.values(routed.rows).reduce((n, rows: unknown[]) => n + rows.length, 0);
    timer();
    await sendDeadLetters(this.producer!, this.topics.deadLetter, routed.rejections);
    for (const r of routed.rejections) {
      // Producers key every event by run id: the key names the run even when the body is unreadable.
      const runId = r.key ? r.key.toString('utf8', 0, Math.min(r.key.length, 200)) : undefined;
      logger.warn({ runId, partition: r.partition, offset: r.offset, reason: r.reason, detail: r.detail }, 'message dead-lettered');
      this.metrics.deadLettered.inc({ reason: r.reason });
    }
    // Everything up to this batch is stored: mark it, so a consumer that resumes here (after a
    // crash before the commit, or with Kafka's offsets gone) skips it. Under load at most once a
    // second per partition — a mark costs a round trip per batch, and an unmarked range is only
    // replayed, which the source-offset keys collapse — and always once the partition is caught up.
    const last = batch.messages[batch.messages.length - 1]!.offset;
    const caughtUp = Number(batch.highWatermark) - Number(last) - 1 <= 0;
    if (caughtUp || Date.now() - (this.markedAt.get(partition) ?? 0) >= MARK_INTERVAL_MS) {
      const marker = { topic: batch.topic, src_partition: partition, first_offset: Number(batch.messages[0]!.offset), last_offset: Number(last) };
      await this.untilStored(() => this.marks.submit([marker]), retrying);
      this.markedAt.set(partition, Date.now());
    }
    // A consumer that lost the partition meanwhile must not commit over its new owner.
    if (isStale()) return;
    await this.consumer!.commitOffsets([{ topic: batch.topic, partition, offset: String(Number(last) + 1) }]);
    resolveOffset(last);
    this.metrics.crashesSinceLastCommit.set(0);
    await heartbeat();

    this.stats.batches++;
    this.stats.events += routed.events;
    this.stats.points += routed.points;
    this.stats.outcomes += routed.outcomes;
    this.stats.rowsInserted += inserted;
    this.stats.deadLettered += routed.rejections.length;
    for (const [type, n] of Object.entries(routed.eventsByType)) this.metrics.eventsConsumed.inc({ type }, n);
    for (const [table, rows] of Object.entries(routed.rows) as [string, unknown[]][]) if (rows.length > 0) this.metrics.rowsInserted.inc({ table }, rows.length);
    this.metrics.pointsStored.inc(routed.points);
    this.metrics.outcomesStored.inc(routed.outcomes);
    this.metrics.batchMessages.observe(batch.messages.length);
    this.metrics.lag.set({ partition: String(partition) }, Math.max(0, Number(batch.highWatermark) - Number(last) - 1));
    logger.debug({ partition, firstOffset: batch.firstOffset(), lastOffset: last, events: routed.events, points: routed.points, rows: inserted }, 'batch stored');
  }

  /**
   * Runs an insert, retrying with capped backoff for as long as ClickHouse is unavailable.
   * Meanwhile no further batch is fetched (memory stays bounded by one fetch, all of whose
   * partitions are handled at once) and heartbeats keep the group membership, so an outage
   * causes neither a crash loop nor a rebalance storm.
   * A rejected insert (bad SQL or schema) will not heal by waiting and is rethrown: kafkajs
   * retries the batch, then the consumer crashes and restartConsumer takes over, while
   * runlens_consumer_crashes_since_last_commit keeps rising for someone to see.
   */
  private async untilStored<T>(
    write: () => Promise<T>,
    { heartbeat, isRunning, isStale, partition }: { heartbeat: () => Promise<void>; isRunning: () => boolean; isStale: () => boolean; partition: number },
  ): Promise<T> {
    const maxDelay = this.opts.maxRetryDelayMs ?? 10_000;
    // Heartbeats keep flowing while an insert is slow or while we wait to retry: a gap longer
    // than the session timeout would make the group evict us and rebalance.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), this.heartbeatIntervalMs);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await write();
        } catch (caught) {
          const err = classifyStorageError(caught);
          if (err instanceof StorageRejectedError || !isRunning() || isStale()) throw err;
          const delay = Math.min(maxDelay, 200 * 2 ** Math.min(attempt, 10));
          this.stats.insertRetries++;
          this.metrics.insertRetries.inc();
          this.opts.logger.warn({ err: err.message, attempt, partition, delayMs: delay }, 'ClickHouse unavailable; retrying insert');
          await sleep(delay);
        }
      }
    } finally {
      clearInterval(beat);
    }
  }

  private get heartbeatIntervalMs(): number {
    return Math.max(500, Math.floor(this.opts.config.processorSessionTimeoutMs / 10));
  }

  /** Stops consuming after the batch in flight is stored and committed, then closes clients. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    await this.clickhouse.close();
  }
}
