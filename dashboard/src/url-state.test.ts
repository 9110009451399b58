import { describe, expect, it } from 'vitest';
import { brushToFilter, curveMetricOf, decodeState, encodeState, type ViewState } from './url-state.ts';

describe('the view as a link', () => {
  it('reads back what it wrote, names with separators in them too', () => {
    const state: ViewState = {
      sweep: 'sw-1', filter: "params.optimizer = 'adam' and metrics.val/acc.max > 0.9", target: 'val/acc.max',
      brushes: [{ field: 'params.lr', range: [0.0001, 0.01] }, { field: 'params.opt;im:izer', categories: ['adam|w', 'sgd~1', 'a:b'] }],
      sort: { field: 'metrics.val/acc.max', desc: true }, selected: ['r-1', 'r-2'], sideA: ['r-1'], sideB: ['r-3', 'r-4'],
      curve: { metric: 'loss[split=val]', x: 'relative_time', ema: 0.3, logY: true, zoom: [-1500, 250000], bands: true }, analytics: true, scatter: { x: 'params.lr', y: 'metrics.loss[split=val].min' }, group: 'lr,batch_size', minimize: true,
      columns: ['params.lr', 'metrics.loss[split=val,fold=2].min'],
      artifacts: {
        open: true, confusion: 'confusion/val&test', normalize: true, curve: 'roc/val', samples: 'gen:v2', search: 'a cat, "dog"', scoreDiff: { score: 'bleu:4', min: 0.25 },
        offset: 40, allInputs: true, logWith: 'r-2', ignoreDigits: true,
      },
      logs: { tail: 500, levels: ['warning', 'error'], search: 'loss is NaN' },
    };
    expect(decodeState(`?${encodeState(state)}`)).toEqual(state);
    expect(decodeState('')).toEqual({ brushes: [], selected: [], sideA: [], sideB: [], curve: { x: 'step', logY: false }, analytics: false, scatter: null, minimize: false, columns: [],
      artifacts: { open: false, normalize: false, offset: 0, allInputs: false, ignoreDigits: false }, logs: { tail: 100, levels: [] } });
  });

  it('drops artifact and console settings it cannot read', () => {
    const s = decodeState('?sdiff=lots:quality&soff=-3&tail=0&level=&art=yes');
    expect(s.artifacts).toEqual({ open: false, normalize: false, offset: 0, allInputs: false, ignoreDigits: false });
    expect(s.logs).toEqual({ tail: 100, levels: [] });
    // The defaults are not written into the link.
    expect(encodeState(decodeState(''))).toBe('');
  });

  it("takes a curve's metric from a target summary", () => {
    expect(curveMetricOf('val/acc.max')).toBe('val/acc');
    expect(curveMetricOf('metrics.loss[split=val].min')).toBe('loss[split=val]');
    expect(curveMetricOf('val/acc')).toBe('val/acc');
  });

  it('says a brush in the filter language', () => {
    expect(brushToFilter({ field: 'params.lr', range: [0.001, 0.01] })).toBe('params.lr >= 0.001 and params.lr <= 0.01');
    expect(brushToFilter({ field: 'params.optimizer', categories: ['adam', "o'neil"] }, ['adam', "o'neil", 'sgd'])).toBe("(params.optimizer = 'adam' or params.optimizer = 'o\\'neil')");
    // Categories keep their type: numbers and booleans bare, text that looks like a number quoted.
    expect(brushToFilter({ field: 'params.batch_size', categories: ['32', '64'] }, [32, 64, 128])).toBe('(params.batch_size = 32 or params.batch_size = 64)');
    expect(brushToFilter({ field: 'params.amp', categories: ['true'] }, [true, false])).toBe('(params.amp = true)');
    expect(brushToFilter({ field: 'params.tag', categories: ['007'] }, ['007', 'x'])).toBe("(params.tag = '007')");
  });
});
