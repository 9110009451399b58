// Ordered shutdown: each step runs after the previous one finished, every step runs even if
// an earlier one failed (resources still get closed), and any failure makes the exit code
// non-zero. For the processor the first step stops consuming only after the batch in flight
// is stored and committed; if that fails, offsets stay where they were and Kafka redelivers.
import type { Logger } from './logger.ts';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
}

export async function runShutdown(steps: ShutdownStep[], logger: Pick<Logger, 'info' | 'error'>): Promise<number> {
  let code = 0;
  for (const step of steps) {
    try {
      await step.run();
      logger.info({ step: step.name }, 'shutdown step done');
    } catch (err) {
      code = 1;
      logger.error({ err, step: step.name }, 'shutdown step failed');
    }
  }
  return code;
}
