// Known answers for the curve fits: noiseless curves give back their parameters; edge cases of the
// family (flat data, straight lines) land on the documented limits; bad input gets a clear error.
import { describe, expect, it } from 'vitest';
import type { CurveData } from '../../lib/curves/data.ts';
import { fitCurve } from '../../lib/curves/fit.ts';
import { CURVE_MODELS, exchangeRates, paramNames, predict } from '../../lib/curves/models.ts';
import { ComputationError, InputError } from '../../lib/errors.ts';
import type { CurveModelName } from '../../lib/results.ts';
import { createRng } from '../../lib/stats/rng.ts';

const anchors = [16, 32, 64, 128, 256, 512, 1024, 2048];

function noiseless(model: CurveModelName, truth: Record<string, number>, data: Omit<CurveData, 'y'>): CurveData {
  const names = data.nSources ? (data.sourceNames ?? data.nSources[0].map((_, j) => String(j + 1))) : undefined;
  const y = data.n.map((n, p) => predict(model, truth, { n, nOther: data.nOther?.[p], nSources: data.nSources?.[p] }, names));
  return { ...data, y };
}

function expectRecovered(model: CurveModelName, truth: Record<string, number>, data: Omit<CurveData, 'y'>): void {
  const fit = fitCurve(model, noiseless(model, truth, data));
  expect(fit.limit).toBeUndefined();
  for (const [name, value] of Object.entries(truth)) {
    expect(Math.abs(fit.params[name] - value) / Math.abs(value), `${model} ${name}`).toBeLessThan(1e-6);
  }
  expect(fit.sse).toBeLessThan(1e-20);
}

// The contextual design: the target's anchors crossed with several sizes of the other tasks.
const grid = { n: [] as number[], nOther: [] as number[] };
for (const other of [0, 500, 1500, 4000]) for (const n of anchors.slice(0, 7)) (grid.n.push(n), grid.nOther.push(other));

describe('noiseless curves give back their parameters (1e-6 relative)', () => {
  it('exp3, fast and slow rates', () => {
    expectRecovered('exp3', { a: 0.01, b: -1.5, c: 0.9 }, { n: anchors });
    expectRecovered('exp3', { a: 0.0003, b: -0.5, c: 0.95 }, { n: anchors });
    expectRecovered('exp3', { a: 0.2, b: 1.0, c: 0.8 }, { n: [1, 2, 4, 8, 16, 32] });
  });
  it('exp3.2 with positive and negative transfer', () => {
    expectRecovered('exp3.2', { a: 0.004, s: 2e-4, b: -1.9, c: 0.91 }, grid);
    expectRecovered('exp3.2', { a: 0.004, s: -1e-4, b: -1.9, c: 0.91 }, grid);
  });
  it('pairwise (n_other = n_j of one source)', () => {
    expectRecovered('pairwise', { a: 0.002, s: 0.003, b: -1.2, c: 0.88 }, { n: grid.n, nOther: grid.nOther.map((v) => v / 4) });
  });
  it('joint over three sources of a random design', () => {
    const rng = createRng(7);
    const n: number[] = [];
    const nSources: number[][] = [];
    for (let p = 0; p < 40; p++) {
      n.push(16 + rng.int(1000));
      nSources.push([rng.int(2000), rng.int(2000), rng.int(2000)]);
    }
    expectRecovered('joint', { a: 0.003, s_x: 4e-4, s_y: -2e-4, s_z: 1e-4, b: -1.5, c: 0.9 }, { n, nSources, sourceNames: ['x', 'y', 'z'] });
  });
  it('pow3, pow4, mmf4', () => {
    expectRecovered('pow3', { a: 0.95, b: 0.6, c: 0.45 }, { n: anchors });
    expectRecovered('pow4', { a: 0.95, b: 1.5, c: 0.6, d: 40 }, { n: anchors });
    expectRecovered('mmf4', { a: 0.5, b: 300, c: 0.92, d: 1.3 }, { n: anchors });
  });
});

describe('the joint search matches the global pairwise fit', () => {
  it('with one source the joint model is the pairwise model: same optimum on noisy random designs', () => {
    const rng = createRng(3);
    for (let i = 0; i < 12; i++) {
      const truth = { a: Math.exp(-8 + 5 * rng.next()), s: (rng.next() - 0.5) * 1e-3, b: -3 + 2.5 * rng.next(), c: 0.6 + 0.35 * rng.next() };
      const sigma = [0.002, 0.01, 0.03, 0.08][i % 4];
      const data: CurveData = { n: [], nOther: [], y: [] };
      for (let p = 0; p < 30; p++) {
        const n = 16 + rng.int(1000);
        const other = rng.int(3000);
        data.n.push(n);
        data.nOther!.push(other);
        data.y.push(predict('exp3.2', truth, { n, nOther: other }) + sigma * rng.normal());
      }
      const pairwise = fitCurve('pairwise', data);
      const joint = fitCurve('joint', { n: data.n, nSources: data.nOther!.map((o) => [o]), y: data.y });
      expect(joint.sse).toBeLessThanOrEqual(pairwise.sse * (1 + 1e-6) + 1e-12);
      expect(pairwise.sse).toBeLessThanOrEqual(joint.sse * (1 + 1e-6) + 1e-12);
    }
  });
});

describe('the fit is exact where the answer is known in closed form', () => {
  it('last1 is the mean at the largest n', () => {
    const fit = fitCurve('last1', { n: [10, 20, 20], y: [0.5, 0.7, 0.8] });
    expect(fit.params.y).toBeCloseTo(0.75, 15);
    expect(fit.sse).toBeCloseTo(0.25 ** 2 + 0.05 ** 2 + 0.05 ** 2, 15);
  });
  it('falling data give the flat fit (e^b = 0): c = mean, SSE = total sum of squares', () => {
    const y = [0.9, 0.85, 0.8, 0.7];
    const fit = fitCurve('exp3', { n: [10, 20, 40, 80], y });
    expect(fit.limit).toBe('constant');
    expect(fit.params.c).toBeCloseTo(0.8125, 14);
    expect(fit.params.b).toBe(-Infinity);
    expect(fit.sse).toBeCloseTo(y.reduce((s, v) => s + (v - 0.8125) ** 2, 0), 14);
  });
  it('data on a rising straight line give the a → 0 limit with the line SSE (0)', () => {
    const n = [10, 20, 40, 80, 160];
    const fit = fitCurve('exp3', { n, y: n.map((v) => 0.5 + 0.001 * v) });
    expect(fit.limit).toBe('linear');
    expect(fit.sse).toBeLessThan(1e-12);
    // The reported finite parameters reproduce the line.
    for (const v of n) expect(predict('exp3', fit.params, { n: v })).toBeCloseTo(0.5 + 0.001 * v, 7);
  });
  it('is deterministic', () => {
    const data = { n: anchors, y: [0.61, 0.66, 0.7, 0.76, 0.79, 0.8, 0.82, 0.81] };
    expect(fitCurve('exp3', data).params).toEqual(fitCurve('exp3', data).params);
  });
  it('predictAt extrapolates the fitted curve', () => {
    const data = noiseless('exp3', { a: 0.01, b: -1.5, c: 0.9 }, { n: anchors.slice(0, 5) });
    const fit = fitCurve('exp3', data);
    expect(fit.predictAt({ n: 5000 })).toBeCloseTo(0.9 - Math.exp(-1.5 - 50), 12);
  });
});

describe('the formula table', () => {
  it('names the parameters of every model', () => {
    expect(paramNames('exp3')).toEqual(['a', 'b', 'c']);
    expect(paramNames('exp3.2')).toEqual(['a', 's', 'b', 'c']);
    expect(paramNames('joint', { n: [1], y: [1], nSources: [[1, 2]], sourceNames: ['p', 'q'] })).toEqual(['a', 's_p', 's_q', 'b', 'c']);
    for (const spec of Object.values(CURVE_MODELS)) expect(spec.formula.length).toBeGreaterThan(0);
  });
  it('gives the exchange rate s/a', () => {
    expect(exchangeRates('exp3.2', { a: 0.004, s: 0.001, b: 0, c: 1 })).toEqual({ exchangeRate: 0.25 });
    expect(exchangeRates('joint', { a: 0.002, s_x: -0.001, b: 0, c: 1 })).toEqual({ exchangeRate_x: -0.5 });
  });
});

describe('bad input gets a clear error', () => {
  it('fewer points than parameters', () => {
    expect(() => fitCurve('exp3', { n: [1, 2], y: [0.5, 0.6] })).toThrow(ComputationError);
    expect(() => fitCurve('exp3', { n: [1, 2], y: [0.5, 0.6] })).toThrow(/3 parameters but the curve has only 2 points/);
  });
  it('non-finite values name the row and column', () => {
    expect(() => fitCurve('exp3', { n: [1, 2, 3, 4], y: [0.5, NaN, 0.6, 0.7] })).toThrow(InputError);
    expect(() => fitCurve('exp3', { n: [1, 2, 3, 4], y: [0.5, NaN, 0.6, 0.7] })).toThrow(/row 2, column 'y'/);
    expect(() => fitCurve('exp3.2', { n: [1, 2, 3, 4], nOther: [0, 1, Infinity, 2], y: [0.5, 0.6, 0.6, 0.7] })).toThrow(/row 3, column 'nOther'/);
  });
  it('a single distinct n', () => {
    expect(() => fitCurve('exp3', { n: [8, 8, 8, 8], y: [0.5, 0.6, 0.6, 0.7] })).toThrow(/same n \(8\)/);
    expect(() => fitCurve('exp3.2', { n: [1, 2, 3, 4], nOther: [5, 5, 5, 5], y: [0.5, 0.6, 0.6, 0.7] })).toThrow(/same nOther/);
  });
  it('log-based models need n > 0; exp3.2 needs nOther', () => {
    expect(() => fitCurve('pow3', { n: [0, 2, 3, 4], y: [0.5, 0.6, 0.6, 0.7] })).toThrow(/row 1, column 'n'/);
    expect(() => fitCurve('exp3.2', { n: [1, 2, 3, 4], y: [0.5, 0.6, 0.6, 0.7] })).toThrow(/column 'nOther'/);
  });
});
