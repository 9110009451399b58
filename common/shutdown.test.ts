import { describe, expect, it } from 'vitest';
import { runShutdown } from './shutdown.ts';

const quiet = { info: () => undefined, error: () => undefined };

describe('runShutdown', () => {
  it('runs the steps in order, one after the other', async () => {
    const order: string[] = [];
    const step = (name: string, ms: number) => ({ name, run: () => new Promise<void>((r) => setTimeout(() => (order.push(name), r()), ms)) });
    const code = await runShutdown([step('drain', 30), step('producer', 1), step('clickhouse', 10)], quiet);
    expect(order).toEqual(['drain', 'producer', 'clickhouse']);
    expect(code).toBe(0);
  });

  it('refuses a clean exit when a step fails, and still closes what comes after it', async () => {
    const order: string[] = [];
    const code = await runShutdown(
      [
        { name: 'drain', run: async () => { order.push('drain'); throw new Error('commit failed'); } },
        { name: 'close', run: async () => { order.push('close'); } },
      ],
      quiet,
    );
    expect(code).toBe(1);
    expect(order).toEqual(['drain', 'close']);
  });
});
