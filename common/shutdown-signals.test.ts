import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { shutdownOnSignals, type ShutdownStep } from './shutdown.ts';

/** A stand-in for `process`: signals are emitted by hand, exit codes recorded. */
function fakeHost() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  let exited!: (code: number) => void;
  const firstExit = new Promise<number>((r) => (exited = r));
  return {
    host: {
      on: (signal: 'SIGINT' | 'SIGTERM', listener: (s: NodeJS.Signals) => void) => emitter.on(signal, listener),
      exit: (code: number) => {
        exits.push(code);
        exited(code);
      },
    },
    signal: (s: 'SIGINT' | 'SIGTERM') => emitter.emit(s, s),
    exits,
    firstExit,
  };
}

function recordingLogger() {
  const lines: string[] = [];
  // Called as (fields, msg), the way shutdown.ts logs.
  const log = (...args: unknown[]) => void lines.push(String(args[1]));
  return { lines, logger: { info: log, warn: log, error: log } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('shutdownOnSignals', () => {
  it('runs the steps in order on SIGTERM, then the final hook, then exits 0', async () => {
    const { host, signal, exits, firstExit } = fakeHost();
    const order: string[] = [];
    const step = (name: string, ms: number): ShutdownStep => ({ name, run: () => sleep(ms).then(() => void order.push(name)) });
    const s = shutdownOnSignals([step('app', 20), step('producer', 1), step('clickhouse', 5)], recordingLogger().logger, { host, stopped: (code) => order.push(`stopped ${code}`) });
    expect(s.requested).toBe(false);
    signal('SIGTERM');
    expect(s.requested).toBe(true);
    expect(await firstExit).toBe(0);
    expect(order).toEqual(['app', 'producer', 'clickhouse', 'stopped 0']);
    expect(exits).toEqual([0]);
  });

  it('exits 1 when a step failed (an unflushed batch is redelivered), after running the later steps', async () => {
    const { host, signal, firstExit } = fakeHost();
    const order: string[] = [];
    shutdownOnSignals(
      [
        {
          name: 'drain',
          run: async () => {
            order.push('drain');
            throw new Error('commit failed');
          },
        },
        { name: 'close', run: async () => void order.push('close') },
      ],
      recordingLogger().logger,
      { host },
    );
    signal('SIGINT');
    expect(await firstExit).toBe(1);
    expect(order).toEqual(['drain', 'close']);
  });

  it('does not start a second shutdown on a second signal', async () => {
    const { host, signal, exits, firstExit } = fakeHost();
    const { lines, logger } = recordingLogger();
    let runs = 0;
    shutdownOnSignals([{ name: 'drain', run: () => sleep(30).then(() => void runs++) }], logger, { host });
    signal('SIGINT');
    signal('SIGTERM');
    signal('SIGINT');
    expect(await firstExit).toBe(0);
    await sleep(50);
    expect(runs).toBe(1);
    expect(exits).toEqual([0]);
    expect(lines.filter((l) => l === 'shutting down')).toHaveLength(1);
    expect(lines.filter((l) => l.includes('signal ignored'))).toHaveLength(2);
  });

  it('waits for a start still in progress, failed or not, before the first step', async () => {
    const { host, signal, firstExit } = fakeHost();
    const order: string[] = [];
    let failStart!: (err: Error) => void;
    const start = new Promise<void>((_, reject) => (failStart = reject));
    shutdownOnSignals([{ name: 'stop', run: async () => void order.push('stop') }], recordingLogger().logger, { host, starting: () => start });
    signal('SIGTERM');
    await sleep(20);
    expect(order).toEqual([]);
    order.push('start failed');
    failStart(new Error('Kafka unreachable'));
    expect(await firstExit).toBe(0);
    expect(order).toEqual(['start failed', 'stop']);
  });

  it('is installed once per process', () => {
    const { host } = fakeHost();
    shutdownOnSignals([], recordingLogger().logger, { host });
    expect(() => shutdownOnSignals([], recordingLogger().logger, { host })).toThrow(/already installed/);
  });
});
