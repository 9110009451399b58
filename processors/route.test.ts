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

  it('keys an identified event by its identity, wherever it lands; an event without one by its Kafka position', () => {
    const identified = catalogue.encode('MetricBatch', { ...batch(['loss']), producerId: 'sdk-a', sequence: 7 });
    const other = catalogue.encode('MetricBatch', { ...batch(['loss']), producerId: 'sdk-b', sequence: 7 });
    const anonymous = catalogue.encode('MetricBatch', batch(['loss']));
    const at = (offset: string, value: Buffer, partition = 0) => routeBatch(catalogue, 'events', partition, [{ offset, key: Buffer.from('r'), value }]).rows.metric_chunks[0]!;
    const first = at('10', identified);
    const resent = at('99', identified, 2);
    expect([resent.src_partition, resent.src_offset]).toEqual([first.src_partition, first.src_offset]);
    expect(first.src_partition).toBeGreaterThanOrEqual(2 ** 31);
    expect(first.src_offset % 2 ** 32).toBe(7);
    expect(Number.isSafeInteger(first.src_offset)).toBe(true);
    expect([at('10', other).src_partition, at('10', other).src_offset]).not.toEqual([first.src_partition, first.src_offset]);
    expect([at('10', anonymous).src_partition, at('10', anonymous).src_offset]).toEqual([0, 10]);
  });

  it('refuses a half identity and sequences past 2^32 - 1', () => {
    const routed = routeBatch(catalogue, 'events', 0, [
      { offset: '1', key: null, value: catalogue.encode('MetricBatch', { ...batch(['loss']), producerId: 'sdk-a', sequence: null }) },
      { offset: '2', key: null, value: catalogue.encode('MetricBatch', { ...batch(['loss']), producerId: 'sdk-a', sequence: 2 ** 32 }) },
      { offset: '3', key: null, value: catalogue.encode('MetricBatch', { ...batch(['loss']), producerId: 'not an id', sequence: 1 }) },
    ]);
    expect(routed.rejections.map((r) => r.detail)).toEqual([
      'producerId and sequence must be given together (or neither)',
      'sequence 4294967296 is not an integer from 0 to 2^32 - 1 (start a new producerId before that)',
      expect.stringMatching(/^producerId "not an id" may hold only/),
    ]);
  });

  it('stores params set after start and signs of life; a heartbeat alone does not make a run appear', () => {
    const routed = routeBatch(catalogue, 'events', 0, [
      { offset: '1', key: null, value: catalogue.encode('ParamsLogged', { project: 'p', runId: 'r', params: { warmup: 500, sched: 'cos', ema: true }, loggedAt: 5, step: 3 }) },
      { offset: '2', key: null, value: catalogue.encode('RunHeartbeat', { project: 'p', runId: 'r', workerRank: 1, at: 9 }) },
      { offset: '3', key: null, value: catalogue.encode('RunHeartbeat', { project: 'p', runId: 'quiet', workerRank: null, at: 4 }) },
    ]);
    expect(routed.rows.run_param_updates).toEqual([{
      project: 'p', run_id: 'r', logged_at_ms: 5, step: 3, param_keys: ['ema', 'sched', 'warmup'], param_types: ['bool', 'string', 'number'],
      param_strings: ['true', 'cos', '500'], param_numbers: [1, 'nan', 500], src_partition: 0, src_offset: 1,
    }]);
    expect(routed.rows.run_liveness).toEqual([{ project: 'p', run_id: 'r', last_seen_ms: 9 }, { project: 'p', run_id: 'quiet', last_seen_ms: 4 }]);
    expect(routed.rows.run_sightings).toEqual([{ project: 'p', run_id: 'r', first_seen_ms: 5 }]);
  });
});
