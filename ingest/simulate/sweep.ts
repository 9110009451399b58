// Generates a realistic hyperparameter sweep through the SDK: N configs × S seeds, learning
// curves with noise whose plateau depends on the params (an optimum in lr, a mild effect of
// dropout and batch size), per-class validation accuracy as segments, and a few runs with a
// lineage confound (newer data version and another commit, which also lifts their scores).
import type { RunlensClient } from '../sdk/client.ts';
import { Rng } from './random.ts';
import { ARTIFACT_CLASSES, captions, confusionCounts, consoleLines, prCurve } from './artifacts.ts';

export interface SweepSpec {
  project: string;
  experiment: string;
  sweepId: string;
  configs: number;
  seeds: number;
  steps: number;
  /** Every how many steps validation metrics (and per-class scores) are logged. */
  evalEvery?: number;
  classEvery?: number;
  /** Fraction of configs whose first seed runs on the confounded lineage (default 1/12). */
  confoundFraction?: number;
  randomSeed?: number;
  /** Also log what runs are looked at by: a confusion matrix, a PR curve, captions and console lines (artifacts.ts). */
  artifacts?: boolean;
}

export interface SweepResult {
  runIds: string[];
  points: number;
  seconds: number;
  pointsPerSecond: number;
}

export const CLASSES = ['class=cat', 'class=dog', 'class=bird', 'class=car', 'class=ship'] as const;
const BASE_COMMIT = '3f9c2a1e8b7d6c5f4a3b2c1d0e9f8a7b6c5d4e3f';
const CONFOUND_COMMIT = '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b';

export interface SimConfig {
  lr: number;
  batch_size: number;
  optimizer: string;
  dropout: number;
  warmup: number;
}

export function sweepConfigs(n: number, rng: Rng): SimConfig[] {
  const out: SimConfig[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      lr: Number(rng.logUniform(1e-4, 1e-1).toPrecision(3)),
      batch_size: rng.pick([32, 64, 128, 256]),
      optimizer: rng.pick(['adam', 'sgd', 'adamw']),
      dropout: Number((rng.next() * 0.5).toFixed(2)),
      warmup: rng.pick([0, 100, 500]),
    });
  }
  return out;
}

/** The plateau accuracy a config tends to; the optimum sits near lr = 3e-3. */
export function plateau(c: SimConfig): number {
  const lrTerm = -0.06 * (Math.log10(c.lr) - Math.log10(3e-3)) ** 2;
  const dropoutTerm = -0.04 * Math.abs(c.dropout - 0.15);
  const batchTerm = -0.01 * Math.abs(Math.log2(c.batch_size / 64));
  const optTerm = c.optimizer === 'sgd' ? -0.015 : 0;
  return Math.max(0.3, 0.93 + lrTerm + dropoutTerm + batchTerm + optTerm);
}

export async function simulateSweep(
  client: RunlensClient,
  spec: SweepSpec,
  onProgress?: (runsDone: number, pointsSent: number) => void,
): Promise<SweepResult> {
  const rng = new Rng(spec.randomSeed ?? 42);
  const configs = sweepConfigs(spec.configs, rng);
  const evalEvery = spec.evalEvery ?? 10;
  const classEvery = spec.classEvery ?? 100;
  const confoundEvery = Math.max(1, Math.round(1 / (spec.confoundFraction ?? 1 / 12)));
  const started = performance.now();
  const runIds: string[] = [];
  let points = 0;
  const t0 = Date.now() - spec.steps * 100;
  const finishes: Promise<void>[] = [];

  for (let ci = 0; ci < configs.length; ci++) {
    const config = configs[ci]!;
    for (let seed = 0; seed < spec.seeds; seed++) {
      const confounded = ci % confoundEvery === confoundEvery - 1 && seed === 0;
      const run = await client.startRun({
        project: spec.project,
        experiment: spec.experiment,
        sweepId: spec.sweepId,
        runId: `${spec.sweepId}-c${String(ci).padStart(3, '0')}-s${seed}`,
        name: `c${ci}-s${seed}`,
        user: 'simulator',
        startedAt: t0,
        params: { ...config, seed },
        tags: { team: ci % 2 === 0 ? 'vision' : 'platform', stage: 'sweep' },
        lineage: {
          gitCommit: confounded ? CONFOUND_COMMIT : BASE_COMMIT,
          gitDirty: false,
          dataVersion: confounded ? 'v3' : 'v2',
          environment: { language: 'python', languageVersion: '3.11.7', libraries: { torch: '2.5.1', numpy: '2.1.3' }, hardware: 'A100-80GB' },
          seed,
          host: `gpu-node-${(ci + seed) % 8}`,
        },
      });
      runIds.push(run.id);
      const noise = new Rng((spec.randomSeed ?? 42) * 1000 + ci * 17 + seed);
      const target = plateau(config) + (confounded ? 0.02 : 0) + 0.004 * noise.normal();
      const tau = spec.steps / (4 + 20 * Math.min(config.lr, 0.05));
      for (let step = 1; step <= spec.steps; step++) {
        const progress = 1 - Math.exp(-step / tau);
        const wallTime = t0 + step * 100;
        const lrNow = config.lr * Math.min(1, step / Math.max(1, config.warmup)) * 0.5 * (1 + Math.cos((Math.PI * step) / spec.steps));
        const trainLoss = 2.3 * (1 - progress) + (1 - target) * 1.2 + 0.05 * Math.abs(noise.normal());
        run.log(
          {
            'train/loss': trainLoss,
            'train/acc': Math.min(1, target * progress + 0.02 + 0.01 * noise.normal()),
            lr: lrNow,
            grad_norm: Math.abs(1.5 * (1 - progress) + 0.2 + 0.3 * noise.normal()),
          },
          step,
          { wallTime },
        );
        points += 4;
        if (step % evalEvery === 0) {
          run.log({ 'val/loss': trainLoss * 1.1 + 0.02 * noise.normal(), 'val/acc': Math.min(1, target * progress + 0.006 * noise.normal()) }, step, { wallTime });
          points += 2;
        }
        if (step % classEvery === 0) {
          for (let k = 0; k < CLASSES.length; k++) {
            const classAcc = Math.min(1, (target + (k - 2) * 0.015) * progress + 0.008 * noise.normal());
            run.log({ 'val/acc': classAcc }, step, { segment: CLASSES[k]!, wallTime });
          }
          points += CLASSES.length;
        }
        if (step % 200 === 0) await client.waitForCapacity();
      }
      if (spec.artifacts) {
        const finalLoss = (1 - target) * 1.2;
        await run.logLines(consoleLines(spec.steps, finalLoss, confounded));
        await run.logConfusionMatrix('confusion/val', [...ARTIFACT_CLASSES], confusionCounts(target, noise, config.optimizer === 'sgd'), spec.steps);
        await run.logPrCurve('pr/val', prCurve(target), spec.steps);
        await run.logSamples('captions/val', captions(target, noise, config.optimizer === 'sgd'), spec.steps);
      }
      await run.logArtifact({
        name: 'model.ckpt',
        kind: 'checkpoint',
        uri: `s3://runlens-demo/${spec.sweepId}/${run.id}/model.ckpt`,
        digest: `sha256:${(ci * 7919 + seed * 104729).toString(16).padStart(64, '0')}`,
        sizeBytes: 104_857_600 + ci * 1024,
        step: spec.steps,
      });
      // finish() is not awaited per run so the next run's sends overlap with it.
      const finished = run.finish({ status: 'finished', endedAt: t0 + spec.steps * 100 + 1000 });
      finished.catch(() => undefined); // observed below by Promise.all; avoids an unhandled rejection meanwhile
      finishes.push(finished);
      onProgress?.(runIds.length, points);
    }
  }
  await Promise.all(finishes);
  await client.flush();
  const seconds = (performance.now() - started) / 1000;
  return { runIds, points, seconds, pointsPerSecond: points / seconds };
}
