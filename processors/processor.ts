// The consumer-group service: Kafka batch → decode/validate → ClickHouse insert and dead
// letters → commit. Durable before committed: offsets move only after every insert and every
// dead-letter send of the batch is acknowledged; any failure rethrows so Kafka redelivers, and
// the tables' source-offset keys make that replay harmless.
import { Partitioners, type Consumer, type EachBatchPayload, type Producer } from 'kafkajs';
import { createClickHouse, StorageRejectedError, type ClickHouseClient } from '../common/clickhouse.ts';
import { topicsFor, type Config } from '../common/config.ts';
import { createKafka, ensureTopics } from '../common/kafka.ts';
import type { Logger } from '../common/logger.ts';
import type { SchemaCatalogue } from '../schemas/catalogue.ts';
import { sendDeadLetters } from './dead-letter.ts';
import { routeBatch } from './route.ts';
import { insertRows } from './sink.ts';

export interface ProcessorStats {
  batches: number;
  events: number;
  points: number;
  rowsInserted: number;
  deadLettered: number;
}

export interface ProcessorOptions {
  config: Config;
  catalogue: SchemaCatalogue;
  logger: Logger;
  groupId?: string;
  /** Called when the consumer stops for good (kafkajs gave up); the service should exit non-zero. */
  onFatal?: (err: Error) => void;
  insertRetries?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Processor {
  readonly stats: ProcessorStats = { batches: 0, events: 0, points: 0, rowsInserted: 0, deadLettered: 0 };
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly clickhouse: ClickHouseClient;
  private readonly topics;

  constructor(private readonly opts: ProcessorOptions) {
    this.clickhouse = createClickHouse(opts.config);
    this.topics = topicsFor(opts.config);
  }

  async start(): Promise<void> {
    const { config, logger } = this.opts;
    const kafka = createKafka(config.kafkaBrokers, 'runlens-processor', logger);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, this.topics);
    } finally {
      await admin.disconnect();
    }
    this.producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.consumer = kafka.consumer({
      groupId: this.opts.groupId ?? `${config.topicPrefix}processors`,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 16 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      maxWaitTimeInMs: 250,
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart) this.opts.onFatal?.(payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.events, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    logger.info({ topic: this.topics.events, group: this.opts.groupId ?? `${config.topicPrefix}processors` }, 'processor consuming');
  }

  private async handleBatch({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const { logger } = this.opts;
    const started = performance.now();
    const routed = routeBatch(this.opts.catalogue, batch.topic, batch.partition, batch.messages);
    const inserted = await this.insertWithRetry(routed.rows, heartbeat, batch.partition);
    await sendDeadLetters(this.producer!, this.topics.deadLetter, routed.rejections);
    for (const r of routed.rejections) {
      logger.warn({ partition: r.partition, offset: r.offset, reason: r.reason, detail: r.detail }, 'message dead-lettered');
    }
    const last = batch.messages[batch.messages.length - 1]!.offset;
    await this.consumer!.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) }]);
    resolveOffset(last);
    await heartbeat();
    this.stats.batches++;
    this.stats.events += routed.events;
    this.stats.points += routed.points;
    this.stats.rowsInserted += inserted;
    this.stats.deadLettered += routed.rejections.length;
    logger.debug(
      { partition: batch.partition, firstOffset: batch.firstOffset(), lastOffset: last, events: routed.events, points: routed.points, rows: inserted, ms: Math.round(performance.now() - started) },
      'batch stored',
    );
  }

  private async insertWithRetry(rows: Parameters<typeof insertRows>[1], heartbeat: () => Promise<void>, partition: number): Promise<number> {
    const attempts = this.opts.insertRetries ?? 8;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await insertRows(this.clickhouse, rows)).rows;
      } catch (err) {
        // A rejected insert (bad SQL/schema) will not heal by waiting; a redelivery after a
        // fix will. Unavailability is retried with backoff while keeping the group membership.
        if (err instanceof StorageRejectedError || attempt >= attempts) throw err;
        const delay = Math.min(10_000, 250 * 2 ** attempt);
        this.opts.logger.warn({ err, attempt, partition, delayMs: delay }, 'insert failed; retrying');
        await sleep(delay);
        await heartbeat();
      }
    }
  }

  /** Stops consuming after the batch in flight is stored and committed, then closes clients. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    await this.clickhouse.close();
  }
}
