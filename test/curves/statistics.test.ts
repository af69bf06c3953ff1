// Planted structure for the curve statistics: bootstrap intervals, the transfer F-test, LCDB model comparison.
import { describe, expect, it } from 'vitest';
import { bootstrapFit } from '../../lib/curves/bootstrap.ts';
import { compareModels, summarizeComparison } from '../../lib/curves/compare.ts';
import type { CurveData } from '../../lib/curves/data.ts';
import { predict } from '../../lib/curves/models.ts';
import { transferTest } from '../../lib/curves/transfer-test.ts';
import type { CurveModelName } from '../../lib/results.ts';
import { ComputationError } from '../../lib/errors.ts';
import { createRng, type Rng } from '../../lib/stats/rng.ts';
import { fitCurve } from '../../lib/curves/fit.ts';
import { percentileInterval } from '../../lib/stats/quantile.ts';

const anchors = [16, 32, 64, 128, 256, 512, 1024];
const others = [0, 500, 1500, 4000];

/** A contextual design: `seeds` replicates of anchors × others, with N(0, σ²) noise. */
function contextual(rng: Rng, truth: Record<string, number>, sigma: number, seeds: number): CurveData {
  const data: CurveData = { n: [], nOther: [], y: [], group: [] };
  for (let seed = 0; seed < seeds; seed++) {
    for (const other of others) {
      for (const n of anchors) {
        data.n.push(n);
        data.nOther!.push(other);
        data.group!.push(`seed${seed}`);
        data.y.push(predict('exp3.2', truth, { n, nOther: other }) + sigma * rng.normal());
      }
    }
  }
  return data;
}

describe('bootstrapFit', () => {
  it('gives zero-width intervals at the truth on noiseless replicates', () => {
    const truth = { a: 0.004, s: 2e-4, b: -1.9, c: 0.91 };
    const result = bootstrapFit('exp3.2', contextual(createRng(1), truth, 0, 3), { resamples: 20, seed: 1 });
    for (const [name, value] of Object.entries(truth)) {
      expect(Math.abs(result.ci[name][0] - value) / Math.abs(value)).toBeLessThan(1e-6);
      expect(Math.abs(result.ci[name][1] - value) / Math.abs(value)).toBeLessThan(1e-6);
    }
    expect(result.derived.exchangeRate).toBeCloseTo(0.05, 8);
    expect(result.ci.exchangeRate[0]).toBeCloseTo(0.05, 6);
  });

  it('covers the planted parameters and the exchange rate with noise, deterministically per seed', () => {
    const truth = { a: 0.004, s: 2e-4, b: -1.9, c: 0.9 };
    const data = contextual(createRng(2), truth, 0.01, 5);
    const result = bootstrapFit('exp3.2', data, { resamples: 60, seed: 7, level: 0.95 });
    expect(result.groups).toBe(5);
    expect(result.resamples + result.failed).toBe(60);
    for (const [name, value] of Object.entries(truth)) {
      const [lo, hi] = result.ci[name];
      expect(lo, name).toBeLessThanOrEqual(value);
      expect(hi, name).toBeGreaterThanOrEqual(value);
      expect(lo).toBeLessThanOrEqual(result.fit.params[name]);
      expect(hi).toBeGreaterThanOrEqual(result.fit.params[name]);
    }
    // The ratio's interval comes from the per-resample ratios: it brackets the full-data s/a.
    const [lo, hi] = result.ci.exchangeRate;
    expect(lo).toBeLessThan(result.derived.exchangeRate);
    expect(hi).toBeGreaterThan(result.derived.exchangeRate);
    expect(lo).toBeGreaterThan(0);
    expect(bootstrapFit('exp3.2', data, { resamples: 60, seed: 7 }).ci).toEqual(result.ci);
    expect(bootstrapFit('exp3.2', data, { resamples: 60, seed: 8 }).ci).not.toEqual(result.ci);
  });

  it('is the plain percentile bootstrap: every resample refitted from scratch gives the same intervals', () => {
    // bootstrapFit fits each distinct multiset of groups once; here every resample is fitted on its own.
    const data = contextual(createRng(3), { a: 0.004, s: 2e-4, b: -1.9, c: 0.9 }, 0.01, 3);
    const result = bootstrapFit('exp3.2', data, { resamples: 40, seed: 5, level: 0.9 });
    const groups = ['seed0', 'seed1', 'seed2'].map((g) => data.group!.flatMap((x, p) => (x === g ? [p] : [])));
    const rng = createRng(5);
    const s: number[] = [];
    for (let b = 0; b < 40; b++) {
      const drawn = Array.from({ length: 3 }, () => rng.int(3)).sort((i, j) => i - j);
      const points = drawn.flatMap((g) => groups[g]);
      s.push(fitCurve('exp3.2', { n: points.map((p) => data.n[p]), nOther: points.map((p) => data.nOther![p]), y: points.map((p) => data.y[p]) }).params.s);
    }
    expect(result.ci.s).toEqual(percentileInterval(s, 0.9));
  });

  it('has roughly nominal coverage over repeated experiments (EXP3, 6 replicate groups)', () => {
    const rng = createRng(4);
    const truth = { a: 0.01, b: -1.5, c: 0.9 };
    let covered = 0;
    const experiments = 20;
    for (let e = 0; e < experiments; e++) {
      const data: CurveData = { n: [], y: [], group: [] };
      for (let seed = 0; seed < 6; seed++) {
        for (const n of anchors) {
          data.n.push(n);
          data.group!.push(seed);
          data.y.push(predict('exp3', truth, { n }) + 0.01 * rng.normal());
        }
      }
      const [lo, hi] = bootstrapFit('exp3', data, { resamples: 100, seed: e, level: 0.9 }).ci.c;
      if (lo <= truth.c && truth.c <= hi) covered++;
    }
    // Percentile intervals from few groups under-cover somewhat; Binomial(20, 0.8): P(X < 12) ≈ 0.01.
    expect(covered).toBeGreaterThanOrEqual(12);
  });

  it('resamples groups: one replicate group is refused', () => {
    const data = contextual(createRng(3), { a: 0.004, s: 0, b: -1.9, c: 0.9 }, 0.01, 1);
    expect(() => bootstrapFit('exp3.2', data, { resamples: 5 })).toThrow(ComputationError);
    expect(() => bootstrapFit('exp3.2', data, { resamples: 5 })).toThrow(/at least 2 replicate groups/);
  });
});

describe('transferTest', () => {
  it('finds planted positive and negative transfer, and its p-value matches the F formula', () => {
    const rng = createRng(11);
    const positive = transferTest('exp3.2', contextual(rng, { a: 0.004, s: 2e-4, b: -1.9, c: 0.9 }, 0.01, 1), 's');
    expect(positive.verdict).toBe('positive');
    expect(positive.p).toBeLessThan(1e-6);
    expect(positive.F).toBeCloseTo((positive.sseReduced - positive.sseFull) / (positive.sseFull / (28 - 4)), 8);
    expect([positive.df1, positive.df2]).toEqual([1, 24]);
    const negative = transferTest('pairwise', contextual(rng, { a: 0.004, s: -1e-4, b: -1.9, c: 0.9 }, 0.01, 1), 's');
    expect(negative.verdict).toBe('negative');
  });

  it('keeps the false-positive rate near alpha when there is no transfer', () => {
    const rng = createRng(12);
    let rejections = 0;
    const trials = 40;
    for (let t = 0; t < trials; t++) {
      if (transferTest('exp3.2', contextual(rng, { a: 0.004, s: 0, b: -1.9, c: 0.9 }, 0.01, 1), 's', { alpha: 0.1 }).verdict !== 'none') rejections++;
    }
    // Binomial(40, 0.1): P(X ≥ 11) < 0.002.
    expect(rejections).toBeLessThanOrEqual(10);
  });

  it('tests each source of the joint model against the joint model without it', () => {
    const rng = createRng(13);
    const truth = { a: 0.003, s_1: 3e-4, s_2: 0, b: -1.5, c: 0.9 };
    const data: CurveData = { n: [], nSources: [], y: [] };
    for (let p = 0; p < 60; p++) {
      const n = 16 + rng.int(1000);
      const sources = [rng.int(2000), rng.int(2000)];
      data.n.push(n);
      data.nSources!.push(sources);
      data.y.push(predict('joint', truth, { n, nSources: sources }) + 0.005 * rng.normal());
    }
    expect(transferTest('joint', data, 's_1').verdict).toBe('positive');
    expect(transferTest('joint', data, 's_2').p).toBeGreaterThan(0.01);
    expect(() => transferTest('joint', data, 's_3')).toThrow(/not a transfer rate/);
  });
});

describe('compareModels (LCDB style)', () => {
  function curveOf(model: CurveModelName, params: Record<string, number>, rng: Rng, sigma: number): CurveData {
    const n = [16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512, 724, 1024];
    return { n, y: n.map((v) => predict(model, params, { n: v }) + sigma * rng.normal()) };
  }

  it('prefers the law that generated the curves', () => {
    const rng = createRng(21);
    const expCurves = Array.from({ length: 4 }, (_, i) => ({ curve: `exp${i}`, data: curveOf('exp3', { a: 0.006 + 0.002 * i, b: -1.2, c: 0.9 }, rng, 0.002) }));
    const powCurves = Array.from({ length: 4 }, (_, i) => ({ curve: `pow${i}`, data: curveOf('pow3', { a: 0.95, b: 0.8 + 0.1 * i, c: 0.35 }, rng, 0.002) }));
    const expSummary = summarizeComparison(compareModels(expCurves, ['exp3', 'pow3', 'last1']));
    const powSummary = summarizeComparison(compareModels(powCurves, ['exp3', 'pow3', 'last1']));
    const mse = (rows: typeof expSummary, m: string) => rows.find((r) => r.model === m)!.meanHeldOutMse!;
    expect(mse(expSummary, 'exp3')).toBeLessThan(mse(expSummary, 'pow3'));
    expect(mse(powSummary, 'pow3')).toBeLessThan(mse(powSummary, 'exp3'));
    expect(powSummary.find((r) => r.model === 'pow3')!.wins).toBeGreaterThanOrEqual(3);
  });

  it('scores last1 by hand and reports unfittable models with their reason', () => {
    const data = { n: [10, 20, 40, 80], y: [0.5, 0.6, 0.7, 0.9] };
    const rows = compareModels([{ curve: 'c', data }], ['last1', 'pow4'], { anchorSplit: 20 });
    const last1 = rows.find((r) => r.model === 'last1')!;
    // Trained on n ≤ 20 (last value 0.6); held out 0.7 and 0.9.
    expect(last1.heldOutMse).toBeCloseTo(((0.7 - 0.6) ** 2 + (0.9 - 0.6) ** 2) / 2, 14);
    expect(last1.lastAnchorError).toBeCloseTo(0.3, 14);
    const pow4 = rows.find((r) => r.model === 'pow4')!;
    expect(pow4.heldOutMse).toBeNull();
    expect(pow4.error).toMatch(/4 parameters but the curve has only 2 points/);
  });
});
