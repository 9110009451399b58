// `runlens simulate`: a realistic sweep through the SDK, with a progress bar and a rate.
import { SingleBar, Presets } from 'cli-progress';
import type { Config } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { RunlensClient } from '../ingest/sdk/client.ts';
import { simulateSweep, type SweepResult, type SweepSpec } from '../ingest/simulate/sweep.ts';

export async function simulate(config: Config, spec: SweepSpec, opts: { progress?: boolean } = {}): Promise<SweepResult> {
  const client = await RunlensClient.connect({
    brokers: config.kafkaBrokers,
    topicPrefix: config.topicPrefix,
    clientId: 'runlens-simulate',
    logger: createLogger('simulate', 'error'),
  });
  const total = spec.configs * spec.seeds;
  const bar = opts.progress === false ? null : new SingleBar({ format: 'simulate |{bar}| {value}/{total} runs | {points} points | {rate} points/s', hideCursor: true }, Presets.shades_classic);
  const started = performance.now();
  bar?.start(total, 0, { points: 0, rate: 0 });
  try {
    const result = await simulateSweep(client, spec, (runs, points) => {
      const rate = Math.round(points / ((performance.now() - started) / 1000));
      bar?.update(runs, { points: points.toLocaleString('en-US'), rate: rate.toLocaleString('en-US') });
    });
    return result;
  } finally {
    bar?.stop();
    await client.close();
  }
}
