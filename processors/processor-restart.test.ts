// The consumer restart loop against a fake kafkajs client (no broker here; the real thing is
// exercised by test/integration/consumer-restart.test.ts and the broker fault test). kafkajs
// reports a failed group join as a CRASH event emitted inside run(), after which run()
// resolves: the loop must not count that as a restart that worked.
import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { loadConfig, topicsFor } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { loadCatalogue } from '../schemas/catalogue.ts';
import { Processor } from './processor.ts';

const CRASH = 'consumer.crash';

class FakeConsumer extends EventEmitter {
  readonly events = { CRASH, GROUP_JOIN: 'consumer.group_join' };
  disconnects = 0;
  constructor(private readonly crashWhileJoining: boolean) {
    super();
  }
  async connect() {}
  async subscribe() {}
  async run() {
    if (this.crashWhileJoining) this.crash();
  }
  async disconnect() {
    this.disconnects++;
  }
  crash() {
    this.emit(CRASH, { payload: { error: new Error('The group is rebalancing'), groupId: 'g', restart: false } });
  }
}

function fakeKafka(topics: string[], plan: boolean[]) {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    admin: () => ({ connect: async () => {}, disconnect: async () => {}, listTopics: async () => topics, createTopics: async () => true }),
    producer: () => ({ connect: async () => {}, disconnect: async () => {} }),
    consumer: () => {
      const c = new FakeConsumer(plan[consumers.length] ?? false);
      consumers.push(c);
      return c;
    },
  };
  return { kafka: kafka as unknown as Kafka, consumers };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('consumer restart loop', () => {
  it('retries a restart whose consumer crashed while joining, and counts only the one that ran', async () => {
    const config = loadConfig({ RUNLENS_TOPIC_PREFIX: 'unit.' });
    const topics = topicsFor(config);
    // Consumer 1 starts fine and later crashes; consumer 2 crashes while joining; consumer 3 runs.
    const { kafka, consumers } = fakeKafka([topics.events, topics.deadLetter], [false, true, false]);
    const processor = new Processor({ config, catalogue: loadCatalogue(), logger: createLogger('test', 'silent'), kafka, maxRestartDelayMs: 5 });
    await processor.start();
    expect(consumers).toHaveLength(1);

    consumers[0]!.crash();
    await until(() => processor.stats.consumerRestarts > 0);
    expect(consumers).toHaveLength(3);
    expect(processor.stats.consumerRestarts).toBe(1);
    expect(consumers[1]!.disconnects).toBeGreaterThan(0); // the failed one was let go

    // A crash of a consumer that was already replaced starts nothing new.
    consumers[1]!.crash();
    await new Promise((r) => setTimeout(r, 50));
    expect(consumers).toHaveLength(3);
    await processor.stop();
    expect(consumers[2]!.disconnects).toBe(1);
  });
});
