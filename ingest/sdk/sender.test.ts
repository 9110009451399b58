import type { Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { Sender } from './sender.ts';

type Sent = { key: string; value: string }[];

/** A producer that records each send's messages and fails the sends whose first key is in `failing`. */
function fakeProducer(failing: Set<string> = new Set()) {
  const sends: Sent[] = [];
  const producer = {
    send: async ({ messages }: { messages: { key: string; value: Buffer }[] }) => {
      const sent = messages.map((m) => ({ key: m.key, value: m.value.toString() }));
      sends.push(sent);
      await new Promise((r) => setTimeout(r, 1));
      if (failing.has(sent[0]!.key)) throw new Error('NOT_LEADER_FOR_PARTITION');
      return [];
    },
  } as unknown as Producer;
  return { producer, sends };
}

describe('Sender', () => {
  it('sends each key (a run: one partition) in a send of its own, in the order queued', async () => {
    const { producer, sends } = fakeProducer();
    const sender = new Sender(producer, 't', { maxRequestBytes: 1 << 20, maxQueuedBytes: 1 << 20 });
    await Promise.all(['a1', 'b1', 'a2', 'c1', 'b2', 'a3'].map((v) => sender.send(v[0]!, Buffer.from(v))));
    // The first message leaves alone; the five queued behind it leave together, split by key.
    expect(sends.every((s) => new Set(s.map((m) => m.key)).size === 1)).toBe(true);
    const byKey = (key: string) => sends.flat().filter((m) => m.key === key).map((m) => m.value);
    expect(byKey('a')).toEqual(['a1', 'a2', 'a3']);
    expect(byKey('b')).toEqual(['b1', 'b2']);
    expect(byKey('c')).toEqual(['c1']);
  });

  it('rejects the messages of a failed send only, and frees their room in the queue either way', async () => {
    const { producer } = fakeProducer(new Set(['b']));
    const sender = new Sender(producer, 't', { maxRequestBytes: 1 << 20, maxQueuedBytes: 10 });
    const outcomes = await Promise.allSettled(['a1', 'b1', 'a2', 'b2'].map((v) => sender.send(v[0]!, Buffer.from(v.padEnd(4)))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toMatch(/^Kafka did not accept 2 message\(s\): NOT_LEADER_FOR_PARTITION/); // b1 and b2, sent together
    // 16 bytes were queued against room for 10: all of it is free again once settled.
    await sender.drain();
    await expect(Promise.race([sender.waitForCapacity().then(() => 'room'), new Promise((r) => setTimeout(() => r('full'), 50))])).resolves.toBe('room');
  });
});
