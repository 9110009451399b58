// Where the ingest gateway puts accepted events: the events topic, through an idempotent
// producer with acks=-1, keyed by run id. send() resolves only once Kafka acknowledged every
// message. The producer connects in the background at start-up so the query API never waits
// for Kafka; until it is connected, sends try to connect and fail with SinkUnavailableError.
import type { Producer } from 'kafkajs';
import { topicsFor, type Config } from '../../common/config.ts';
import { createIdempotentProducer, createKafka, ensureTopics } from '../../common/kafka.ts';
import type { Logger } from '../../common/logger.ts';
import { Sender } from '../sdk/sender.ts';

export interface OutgoingMessage {
  key: string;
  value: Buffer;
}

export interface EventSink {
  /** Resolves when Kafka acknowledged every message (acks=-1); rejects otherwise. */
  send(messages: OutgoingMessage[]): Promise<void>;
}

export class SinkUnavailableError extends Error {
  override name = 'SinkUnavailableError';
}

export class KafkaEventSink implements EventSink {
  private readonly producer: Producer;
  // The SDK's sender: concurrent requests share multi-message produce requests.
  private readonly sender: Sender;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    const kafka = createKafka(config.kafkaBrokers, 'runlens-ingest-gateway', logger);
    this.producer = createIdempotentProducer(kafka);
    this.sender = new Sender(this.producer, topicsFor(config).events, { maxRequestBytes: 4 * 1024 * 1024, maxQueuedBytes: 64 * 1024 * 1024 });
  }

  /** Creates the topics if missing and connects the producer; concurrent callers share one attempt. */
  connect(): Promise<void> {
    this.connecting ??= (async () => {
      const admin = createKafka(this.config.kafkaBrokers, 'runlens-ingest-gateway-admin', this.logger).admin();
      await admin.connect();
      try {
        await ensureTopics(admin, topicsFor(this.config));
      } finally {
        await admin.disconnect();
      }
      await this.producer.connect();
    })().catch((err: unknown) => {
      this.connecting = null; // the next send tries again
      throw err;
    });
    return this.connecting;
  }

  async send(messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new SinkUnavailableError('the ingest gateway is shutting down');
    try {
      await this.connect();
    } catch (err) {
      throw new SinkUnavailableError(`Kafka is not reachable: ${(err as Error).message}`);
    }
    await this.sender.waitForCapacity();
    await Promise.all(messages.map((m) => this.sender.send(m.key, m.value)));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.sender.drain();
    await this.producer.disconnect();
  }
}
