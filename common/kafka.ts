// kafkajs client factory, the one producer set-up and the topic set-up shared by the SDK, the
// ingest gateway, the processors and tools.
import { Kafka, logLevel, Partitioners, type Admin, type LogEntry, type Producer } from 'kafkajs';
import type { Logger } from './logger.ts';
import type { Topics } from './config.ts';

export function createKafka(brokers: string[], clientId: string, logger?: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!logger) return;
      const { message, ...rest } = entry.log;
      const fields = { kafkajs: entry.namespace, ...rest };
      if (entry.level === logLevel.ERROR) logger.error(fields, message);
      else if (entry.level === logLevel.WARN) logger.warn(fields, message);
    },
  });
}

/**
 * The producer every runlens component writes with (the SDK, the ingest gateway, the
 * processor's dead letters), so they cannot drift apart:
 * - idempotent: a send kafkajs retries after a lost response is not written twice; the broker
 *   drops the copy by producer id and sequence number. kafkajs refuses an idempotent send
 *   without acks=-1 (all in-sync replicas), so every send() passes `acks: -1` explicitly (see
 *   ingest/sdk/sender.ts and processors/dead-letter.ts); acks is a per-send setting in kafkajs,
 *   not a producer one.
 * - maxInFlightRequests 1: one unacknowledged request per broker connection, the setting the
 *   idempotent producer is documented with (KIP-98, kafkajs' docs): sequence numbers advance
 *   per request on the client, and a retried request must not overtake a later one. kafkajs
 *   2.x does not enforce it (it also serialises idempotent produce requests per broker itself).
 * - the default (murmur2, Java-compatible) partitioner: every event is keyed by its run id, so
 *   a run's events land in one partition and are consumed in the order they were sent. Naming
 *   it also silences kafkajs' warning about the v2 default partitioner change.
 * - no automatic topic creation: the topics are created by ensureTopics with their partition
 *   count and size limits; a missing topic is an error, not one created with broker defaults.
 * Retries are createKafka's (8, capped backoff), not the unlimited ones kafkajs defaults to for
 * an idempotent producer: a send that cannot get through fails and is reported to its caller.
 * kafkajs warns about that once per producer ("Limiting retries ... may invalidate EoS").
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}

export const DEFAULT_EVENT_PARTITIONS = 6;

/** Creates the events and dead-letter topics if missing; waits for their leaders. */
export async function ensureTopics(admin: Admin, topics: Topics, partitions = DEFAULT_EVENT_PARTITIONS): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const wanted = [
    { topic: topics.events, numPartitions: partitions, configEntries: [{ name: 'max.message.bytes', value: '8388608' }] },
    // Room for a rejected message of the largest size the events topic accepts, plus headers.
    { topic: topics.deadLetter, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '16777216' }] },
  ].filter((t) => !existing.has(t.topic));
  if (wanted.length === 0) return;
  try {
    await admin.createTopics({ topics: wanted, waitForLeaders: false });
  } catch (err) {
    // Another process may have created them between listTopics and createTopics.
    if ((err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw err;
  }
  // Our own wait rather than kafkajs': right after a broker starts, its wait fails on metadata
  // the broker does not have yet ("This server does not host this topic-partition").
  await waitForLeaders(admin, wanted.map((t) => t.topic));
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
