import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../schemas/validate.ts';
import { ARTIFACT_CLASSES, captions, confusionCounts, consoleLines, prCurve } from './artifacts.ts';
import { Rng } from './random.ts';

describe('simulated artifacts', () => {
  it('makes confusion matrices of 200 per class, with dogs taken for cats 40% of the time when planted', () => {
    for (const confuse of [false, true]) {
      const m = confusionCounts(0.9, new Rng(1), confuse);
      expect(m.map((row) => row.reduce((s, x) => s + x, 0))).toEqual(ARTIFACT_CLASSES.map(() => 200));
      expect(m.flat().every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      if (confuse) expect(m[1]![0]).toBe(80);
    }
    expect(confusionCounts(0.9, new Rng(1), false)[1]![0]).toBeLessThan(10);
  });

  it('makes events the validator takes', () => {
    const base = { project: 'p', runId: 'r', step: 10, loggedAt: 1 };
    expect(validateEvent({ type: 'TableLogged', value: { ...base, name: 'cm', kind: 'confusionMatrix', labels: [...ARTIFACT_CLASSES], values: confusionCounts(0.8, new Rng(2), true).flat() } })).toBeNull();
    const pr = prCurve(0.8);
    expect(validateEvent({ type: 'TableLogged', value: { ...base, name: 'pr', kind: 'prCurve', columns: ['threshold', 'precision', 'recall'], values: pr.thresholds.flatMap((t, i) => [t, pr.precision[i]!, pr.recall[i]!]) } })).toBeNull();
    expect(validateEvent({ type: 'SamplesLogged', value: { ...base, name: 'captions', samples: captions(0.8, new Rng(3), true) } })).toBeNull();
    expect(captions(0.8, new Rng(3), true)[1]).toMatchObject({ inputId: 'img-2', text: 'a cat, a cat, a cat', scores: { quality: 0.1 } });
    expect(consoleLines(1000, 0.2, true).filter((l) => l.level === 'warning')).toEqual([{ text: 'step 600: grad_norm is NaN, skipping the update', level: 'warning' }]);
  });
});
