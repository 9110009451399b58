// Param importance off the event loop: at 10k–100k runs a forest takes seconds of CPU, which on
// the API's own thread would stall every other request (health checks included). One worker
// thread per app, started on first use and kept warm (loading tsx and the analytics there takes
// a few hundred ms); further requests wait in piscina's queue. One thread, because the machine
// has two cores: the other stays with the event loop and ClickHouse.
import { Piscina } from 'piscina';
import type { Logger } from '../../common/logger.ts';
import { serviceUnavailable } from '../../common/http/errors.ts';
import { AnalyticsInputError, type ImportanceOptions, type ImportanceResult, type SweepData } from '../engines/sweep-analytics/index.ts';
import type { ImportanceOutcome, ImportanceTask } from './importance-task.ts';

const WORKER = new URL('./importance-worker.js', import.meta.url).href;
/** Importance requests that may wait behind the one running; more get a 503. */
export const MAX_QUEUED = 4;

export class ImportancePool {
  private pool: Piscina<ImportanceTask, ImportanceOutcome> | null = null;
  private closed = false;

  constructor(private readonly logger?: Logger) {}

  /** paramImportance(data, options) in the worker thread; bad input throws AnalyticsInputError, as it does on this thread. */
  async run(data: SweepData, options: ImportanceOptions = {}): Promise<ImportanceResult> {
    const outcome = await this.started()
      .run({ data, options })
      .catch((err: unknown) => {
        // Each queued task holds a copy of its selection behind fits of seconds: past a few,
        // say "busy, come back" rather than let memory and waiting times grow without bound.
        if (err instanceof Error && err.message === 'Task queue is at limit') {
          throw serviceUnavailable(`${MAX_QUEUED} importance analyses are already waiting; retry in a few seconds`);
        }
        throw err;
      });
    if (!outcome.ok) throw new AnalyticsInputError(outcome.inputError);
    return outcome.result;
  }

  /** Drops queued tasks, lets a running one finish, stops the thread. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    await pool?.close({ force: true });
  }

  private started(): Piscina<ImportanceTask, ImportanceOutcome> {
    if (this.closed) throw new Error('the importance worker pool is closed');
    if (!this.pool) {
      this.pool = new Piscina<ImportanceTask, ImportanceOutcome>({ filename: WORKER, minThreads: 1, maxThreads: 1, maxQueue: MAX_QUEUED });
      // A thread that dies between tasks is reported here (and replaced); unheard, the event would crash the API.
      this.pool.on('error', (err: unknown) => this.logger?.error({ err }, 'importance worker failed'));
    }
    return this.pool;
  }
}
