// Assertion helper for the statistics tests: relative closeness, as references are quoted to
// full double precision but computed along different paths.
import { expect } from 'vitest';

export function expectRel(actual: number, expected: number, rel = 1e-6): void {
  if (!Number.isFinite(expected)) {
    expect(actual).toBe(expected);
    return;
  }
  const tolerance = rel * Math.max(Math.abs(expected), Number.MIN_VALUE);
  if (!(Math.abs(actual - expected) <= tolerance)) {
    expect.fail(`expected ${actual} to be within ${rel} (relative) of ${expected}`);
  }
}
