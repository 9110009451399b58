// Ordered shutdown: each step runs after the previous one finished, every step runs even if
// an earlier one failed (resources still get closed), and any failure makes the exit code
// non-zero. For the processor the first step stops consuming only after the batch in flight
// is stored and committed; if that fails, offsets stay where they were and Kafka redelivers.
//
// shutdownOnSignals is the one place a long-running service (`runlens processor`, `runlens
// api`) handles SIGINT/SIGTERM: the first signal runs the steps and exits with their code; a
// second signal does not start a second shutdown (it is logged and ignored, so a supervisor
// that sends SIGTERM after a terminal's SIGINT does not cut the first one short; SIGKILL is
// the way to stop without waiting).
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

/** What shutdownOnSignals needs of the process; tests pass a fake. */
export interface SignalHost {
  on(signal: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

export interface SignalShutdownOptions {
  /**
   * The service's start, if a signal may arrive while it is still running (a consumer still
   * joining its group): the steps wait until it settled, succeeded or failed, instead of the
   * process dying mid-start.
   */
  starting?: () => Promise<unknown>;
  /** Runs after the last step, before the exit (e.g. a final stats line). */
  stopped?: (code: number) => void;
  host?: SignalHost;
}

export interface SignalShutdown {
  /** True once a signal arrived: a service still starting should start nothing more. */
  readonly requested: boolean;
}

const installed = new WeakSet<SignalHost>();

/**
 * Installs the SIGINT/SIGTERM handling of a long-running service, once per process: the first
 * signal runs `steps` in order (runShutdown) and exits with its code, 0 only if every step
 * succeeded. A second signal is logged and ignored.
 */
export function shutdownOnSignals(steps: ShutdownStep[], logger: Pick<Logger, 'info' | 'warn' | 'error'>, opts: SignalShutdownOptions = {}): SignalShutdown {
  const host = opts.host ?? process;
  if (installed.has(host)) throw new Error('shutdownOnSignals: signal handling is already installed in this process');
  installed.add(host);
  let requested = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (requested) {
      logger.warn({ signal }, 'already shutting down; signal ignored');
      return;
    }
    requested = true;
    logger.info({ signal }, 'shutting down');
    void (async () => {
      await opts.starting?.().catch(() => undefined);
      const code = await runShutdown(steps, logger);
      try {
        opts.stopped?.(code);
      } catch (err) {
        logger.error({ err }, 'shutdown: the final hook failed');
      }
      host.exit(code);
    })();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) host.on(sig, onSignal);
  return {
    get requested() {
      return requested;
    },
  };
}
