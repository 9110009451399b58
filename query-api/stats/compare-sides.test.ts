import { describe, expect, it } from 'vitest';
import { parseMetricRef } from '../selection/selection.ts';
import { compareSides, type CompareOptions, type SideData } from './compare-sides.ts';
import { fakeRun } from './test-runs.ts';

const metric = parseMetricRef('val/acc.max');
const opts: CompareOptions = { metric, pairBy: 'seed', test: 'auto', alternative: 'two-sided', alpha: 0.05, confidence: 0.95, direction: 'maximize' };

// Config A is better than B by 0.01 on every seed, plus a little noise per run.
const noise = [0.0012, -0.0008, 0.0005, -0.0011, 0.0009, -0.0003, 0.0007, -0.0006];
function side(label: string, config: string, shift: number, seeds = 8, lineage: { dataVersion?: string } = {}): SideData {
  const runs = Array.from({ length: seeds }, (_, s) => fakeRun(`${config}-${s}`, { config, seed: s }, { seed: s, ...lineage }));
  const values = new Map(runs.map((r, s) => [r.id, 0.9 + 0.005 * s + shift + (config === 'A' ? noise[s]! : 0)]));
  return { label, runs, values, groupParams: ['config'] };
}

describe('compareSides', () => {
  it('finds a planted paired effect and says so in one sentence', () => {
    const out = compareSides(side('config A', 'A', 0.01), side('B', 'B', 0), opts);
    expect(out.result).toMatchObject({ test: 'wilcoxon', paired: true, method: 'exact', significant: true, pValue: 0.0078125 });
    expect(out.summary).toMatch(/^config A beats B on val\/acc\.max by a Hodges-Lehmann median difference of 0\.0101 \(95% CI 0\.0092 to 0\.0109\), paired over 8 seeds, p = 0\.00781 \(Wilcoxon signed-rank, exact\)$/);
    expect(out.result).toMatchObject({ estimateName: 'Hodges-Lehmann median difference', confidenceInterval: { confidence: 0.95 } });
    expect(out.pairing).toMatchObject({ by: 'seed', matched: 8, onlyA: [], onlyB: [] });
    expect(out.pairing?.description).toMatch(/^each pair is one seed/);
    expect(out.pairing?.pairs[0]).toMatchObject({ key: '0', runIdsA: ['A-0'], runIdsB: ['B-0'] });
    expect(out.sides.a).toMatchObject({ label: 'config A', runs: 8, withValue: 8 });
    expect(out.warnings).toEqual([]);
    expect(out.confounds).toEqual([]);
  });

  it('warns about lineage differences, missing pairing keys and runs without the metric', () => {
    const b = side('B', 'B', 0, 6, { dataVersion: 'v2' });
    b.values.delete('B-5');
    const out = compareSides(side('A', 'A', 0.01), b, opts);
    expect(out.result.n.pairs).toBe(5);
    expect(out.warnings).toEqual(expect.arrayContaining([
      '1 of 6 run(s) of B have no val/acc.max and are left out: B-5',
      expect.stringMatching(/^pairing keys missing on one side: seed\(s\) 5, 6, 7 of A have no counterpart in B/),
      expect.stringMatching(/differ in lineage\.data_version \(v1 vs v2\) besides params\.config/),
    ]));
    expect(out.confounds.map((c) => c.field)).toEqual(['lineage.data_version']);
  });

  it('says when n is too small for the rank test, and reports no effect as such', () => {
    const out = compareSides(side('A', 'A', 0.01, 4), side('B', 'B', 0, 4), { ...opts, test: 'wilcoxon' });
    expect(out.result.pValue).toBe(0.125);
    expect(out.warnings).toEqual([expect.stringMatching(/with 4 pair\(s\) the Wilcoxon signed-rank test \(exact\) cannot give p below 0\.125/)]);
    // Four pairs allow no 95% interval: the widest one, over the extreme Walsh averages, is 87.5%.
    expect(out.summary).toMatch(/^no significant difference between A and B on val\/acc\.max at alpha = 0\.05: Hodges-Lehmann median difference A - B = 0\.0099 \(87\.5% CI 0\.0089 to 0\.0112\)/);
  });

  it('pairs by segment: per-segment values of two single runs', () => {
    const seg = (id: string, shift: number): SideData => {
      const run = fakeRun(id, { config: id });
      const classes = ['class=cat', 'class=dog', 'class=bird', 'class=car', 'class=ship', 'class=frog'];
      return { label: id, runs: [run], values: new Map(), segments: new Map([[id, new Map(classes.map((c, i) => [c, 0.7 + 0.03 * i + shift + 0.001 * (i % 3)]))]]), groupParams: [] };
    };
    const out = compareSides(seg('r1', 0.02), seg('r2', 0), { ...opts, metric: parseMetricRef('val/acc.max'), pairBy: 'segment' });
    expect(out.result).toMatchObject({ paired: true, n: { pairs: 6 } });
    expect(out.pairing?.pairs.map((p) => p.key)).toEqual(['class=bird', 'class=car', 'class=cat', 'class=dog', 'class=frog', 'class=ship']);
    expect(out.pairing?.description).toMatch(/^each pair is one segment: val\/acc\[<segment>\]\.max/);
    expect(out.summary).toMatch(/^r1 beats r2 on val\/acc\.max by a Hodges-Lehmann median difference of 0\.0200 .*paired over 6 segments/);
  });
});
