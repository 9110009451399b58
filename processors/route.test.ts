// routeBatch: each message gets rows or a reasoned dead letter; text that is not valid UTF-8 is
// dead-lettered with the field, never stored as U+FFFD. No services.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../schemas/catalogue.ts';
import type { EventMap } from '../schemas/events.ts';
import { routeBatch } from './route.ts';

const catalogue = loadCatalogue();
const batch = (keys: string[]): EventMap['MetricBatch'] => ({
  project: 'p', runId: 'r', workerRank: null, keys, segments: ['class=🐱'], keyIndex: [0], segmentIndex: [0], steps: [1], values: [0.5], wallTimes: [1],
});

describe('routeBatch', () => {
  it('dead-letters a message whose strings are not valid UTF-8, naming the field, and stores the real U+FFFD and emoji of the next', () => {
    const bad = catalogue.encode('MetricBatch', batch(['loss@']));
    bad[bad.indexOf(Buffer.from('loss@')) + 4] = 0xff;
    const good = catalogue.encode('MetricBatch', batch(['loss/😀\uFFFD']));
    const routed = routeBatch(catalogue, 'events', 0, [
      { offset: '7', key: Buffer.from('r'), value: bad },
      { offset: '8', key: Buffer.from('r'), value: good },
    ]);
    expect(routed.rejections).toEqual([
      { reason: 'invalid_utf8', detail: 'MetricBatch v2: keys[0]: not valid UTF-8 (byte FF at byte 4)', topic: 'events', partition: 0, offset: '7', key: Buffer.from('r'), value: bad },
    ]);
    expect(routed.events).toBe(1);
    expect(routed.rows.metric_chunks.map((r) => [r.key, r.segment])).toEqual([['loss/😀\uFFFD', 'class=🐱']]);
  });
});
