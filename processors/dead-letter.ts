// Sends rejected messages to the dead-letter topic: the original key and bytes, with the
// reason and the source topic/partition/offset as headers. The send is awaited by the batch
// handler before offsets move, so a rejection is never lost.
import type { Producer } from 'kafkajs';

export const DLQ_HEADERS = {
  reason: 'runlens-reason',
  detail: 'runlens-detail',
  topic: 'runlens-source-topic',
  partition: 'runlens-source-partition',
  offset: 'runlens-source-offset',
} as const;

export interface Rejection {
  reason: string;
  detail: string;
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

/** One produce request becomes one record batch, which the broker caps (message.max.bytes). */
const MAX_SEND_BYTES = 4 * 1024 * 1024;

export async function sendDeadLetters(producer: Producer, deadLetterTopic: string, rejections: Rejection[]): Promise<void> {
  let start = 0;
  while (start < rejections.length) {
    let end = start;
    let bytes = 0;
    while (end < rejections.length && (end === start || bytes + (rejections[end]!.value?.length ?? 0) <= MAX_SEND_BYTES)) {
      bytes += (rejections[end]!.value?.length ?? 0) + 512;
      end++;
    }
    await sendChunk(producer, deadLetterTopic, rejections.slice(start, end));
    start = end;
  }
}

async function sendChunk(producer: Producer, deadLetterTopic: string, rejections: Rejection[]): Promise<void> {
  await producer.send({
    topic: deadLetterTopic,
    acks: -1,
    messages: rejections.map((r) => ({
      key: r.key,
      value: r.value,
      headers: {
        [DLQ_HEADERS.reason]: r.reason,
        [DLQ_HEADERS.detail]: r.detail.slice(0, 2000),
        [DLQ_HEADERS.topic]: r.topic,
        [DLQ_HEADERS.partition]: String(r.partition),
        [DLQ_HEADERS.offset]: r.offset,
      },
    })),
  });
}
