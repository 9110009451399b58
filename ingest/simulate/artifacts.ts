// What a simulated run logs to look at besides its metrics: a confusion matrix over the sweep's
// classes (runs with sgd planted to take dogs for cats), a PR curve whose quality follows the
// run's accuracy, generated captions with a quality score (one planted bad answer for sgd runs),
// and its console lines (a NaN warning planted in the confounded runs). Deterministic per run.
import { Rng } from './random.ts';

export const ARTIFACT_CLASSES = ['cat', 'dog', 'bird', 'car', 'ship'] as const;
const PER_CLASS = 200;

/** counts[actual][predicted]: each class right about `accuracy` of the time, errors spread; with `confuse`, 40% of dogs taken for cats. */
export function confusionCounts(accuracy: number, rng: Rng, confuse: boolean): number[][] {
  const n = ARTIFACT_CLASSES.length;
  return ARTIFACT_CLASSES.map((_, a) => {
    const right = confuse && a === 1 ? Math.round(PER_CLASS * (accuracy - 0.4)) : Math.round(PER_CLASS * Math.min(1, accuracy + 0.01 * rng.normal()));
    const row = new Array<number>(n).fill(0);
    row[a] = Math.max(0, right);
    let left = PER_CLASS - row[a]!;
    if (confuse && a === 1) {
      row[0] = Math.round(PER_CLASS * 0.4);
      left -= row[0];
    }
    for (let p = 0; left > 0; p = (p + 1) % n) {
      if (p === a || (confuse && a === 1 && p === 0)) continue;
      row[p]!++;
      left--;
    }
    return row;
  });
}

/** A PR curve at 11 thresholds whose precision falls as recall rises, higher for a better run. */
export function prCurve(accuracy: number): { thresholds: number[]; precision: number[]; recall: number[] } {
  const thresholds = Array.from({ length: 11 }, (_, i) => 1 - i / 10);
  const recall = thresholds.map((_, i) => i / 10);
  const precision = recall.map((r) => Math.max(0, Math.min(1, 1 - (1 - accuracy) * 2 * r ** 2)));
  return { thresholds, precision, recall };
}

const SUBJECTS = ['a cat on a sofa', 'two dogs in the snow', 'a bird on a wire', 'a red car at night', 'a ship in the harbour', 'a dog chasing a ball'];

/** Captions for six images, scored; with `planted`, the second image gets a wrong, low-scored caption. */
export function captions(accuracy: number, rng: Rng, planted: boolean): { inputId: string; text: string; scores: Record<string, number> }[] {
  return SUBJECTS.map((subject, i) => {
    const wrong = planted && i === 1;
    return { inputId: `img-${i + 1}`, text: wrong ? 'a cat, a cat, a cat' : `${subject}`, scores: { quality: wrong ? 0.1 : Math.min(1, accuracy + 0.02 * rng.normal()) } };
  });
}

/** The console lines of a run of `steps` steps: one per tenth, and a NaN warning in a confounded run. */
export function consoleLines(steps: number, finalLoss: number, confounded: boolean): { text: string; level?: 'info' | 'warning' | 'error' }[] {
  const lines: { text: string; level?: 'info' | 'warning' | 'error' }[] = [{ text: 'loading data (version v2)' }, { text: 'model: resnet, 11.2M parameters' }];
  for (let k = 1; k <= 10; k++) {
    const step = Math.round((steps * k) / 10);
    lines.push({ text: `step ${step}: train/loss ${(finalLoss * (1 + (10 - k) * 0.3)).toFixed(4)}` });
    if (confounded && k === 6) lines.push({ text: `step ${step}: grad_norm is NaN, skipping the update`, level: 'warning' });
  }
  lines.push({ text: 'saved model.ckpt' });
  return lines;
}
