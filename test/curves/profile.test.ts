// The profile (F-inversion) interval of a transfer rate and the constrained fit behind it, against known answers:
// tabulated F quantiles, the interval's defining equation at its ends, agreement with the F-test's verdict on many
// synthetic curves, near-nominal coverage on a known law, unbounded ends where the data cannot bound the rate.
import { describe, expect, it } from 'vitest';
import { bootstrapFit } from '../../lib/curves/bootstrap.ts';
import type { CurveData } from '../../lib/curves/data.ts';
import { fitCurve, fitWithFixedRate } from '../../lib/curves/fit.ts';
import { predict } from '../../lib/curves/models.ts';
import { fCriticalValue, profileInterval } from '../../lib/curves/profile.ts';
import { transferTest } from '../../lib/curves/transfer-test.ts';
import { ComputationError } from '../../lib/errors.ts';
import { createRng, type Rng } from '../../lib/stats/rng.ts';

const anchors = [16, 32, 64, 128, 256, 512, 1024];
const others = [0, 500, 1500, 4000];

/** One replicate of anchors × others with N(0, σ²) noise on an EXP3.2 law. */
function surface(rng: Rng, truth: Record<string, number>, sigma: number, nOther = others): CurveData {
  const data: CurveData = { n: [], nOther: [], y: [] };
  for (const other of nOther) {
    for (const n of anchors) {
      data.n.push(n);
      data.nOther!.push(other);
      data.y.push(predict('exp3.2', truth, { n, nOther: other }) + sigma * rng.normal());
    }
  }
  return data;
}

function jointData(rng: Rng, truth: Record<string, number>, sigma: number, points = 60): CurveData {
  const data: CurveData = { n: [], nSources: [], y: [] };
  for (let p = 0; p < points; p++) {
    const n = 16 + rng.int(1000);
    const sources = [rng.int(2000), rng.int(2000)];
    data.n.push(n);
    data.nSources!.push(sources);
    data.y.push(predict('joint', truth, { n, nSources: sources }) + sigma * rng.normal());
  }
  return data;
}

describe('fCriticalValue', () => {
  it('matches tabulated F quantiles (F(1, ν) = t²(ν))', () => {
    // t_{0.975}(10) = 2.228139, t_{0.975}(24) = 2.063899, t_{0.995}(5) = 4.032143
    expect(fCriticalValue(0.05, 1, 10)).toBeCloseTo(2.228139 ** 2, 4);
    expect(fCriticalValue(0.05, 1, 24)).toBeCloseTo(2.063899 ** 2, 4);
    expect(fCriticalValue(0.01, 1, 5)).toBeCloseTo(4.032143 ** 2, 3);
    expect(() => fCriticalValue(1.5, 1, 5)).toThrow(ComputationError);
  });
});

describe('fitWithFixedRate: the model with one rate held fixed', () => {
  const rng = createRng(31);
  const data = surface(rng, { a: 0.004, s: 2e-4, b: -1.9, c: 0.9 }, 0.01);

  it('is the nested model of the F-test at 0 and the full optimum at the estimate', () => {
    const atZero = fitWithFixedRate('exp3.2', data, 's', 0);
    const exp3 = fitCurve('exp3', { n: data.n, y: data.y });
    expect(atZero.sse).toBeCloseTo(exp3.sse, 12);
    expect(atZero.nParams).toBe(3);
    expect(atZero.params.s).toBe(0);
    const full = fitCurve('exp3.2', data);
    const atEstimate = fitWithFixedRate('exp3.2', data, 's', full.params.s);
    expect(Math.abs(atEstimate.sse - full.sse) / full.sse).toBeLessThan(1e-8);
    expect(atEstimate.params.a).toBeCloseTo(full.params.a, 6);
  });

  it('recovers the other parameters of a noiseless law with the rate fixed at its true value', () => {
    const truth = { a: 0.004, s: -1e-4, b: -1.9, c: 0.9 };
    const fixed = fitWithFixedRate('pairwise', surface(createRng(1), truth, 0), 's', truth.s);
    for (const [name, value] of Object.entries(truth)) expect(Math.abs(fixed.params[name] - value) / Math.abs(value), name).toBeLessThan(1e-6);
    // Its predictions carry the fixed offset s·n_j.
    expect(fixed.predictAt({ n: 100, nOther: 3000 })).toBeCloseTo(predict('pairwise', truth, { n: 100, nOther: 3000 }), 9);
  });

  it('fixes one source of the joint model and leaves the others free', () => {
    const truth = { a: 0.003, s_1: 3e-4, s_2: -2e-4, b: -1.5, c: 0.9 };
    const joint = jointData(createRng(2), truth, 0);
    const fixed = fitWithFixedRate('joint', joint, 's_2', truth.s_2);
    for (const [name, value] of Object.entries(truth)) expect(Math.abs(fixed.params[name] - value) / Math.abs(value), name).toBeLessThan(1e-6);
    expect(fixed.sse).toBeLessThan(1e-20);
    expect(() => fitWithFixedRate('joint', joint, 'a', 0)).toThrow(/not a transfer rate/);
    expect(() => fitWithFixedRate('joint', joint, 's_1', Infinity)).toThrow(/must be finite/);
  });
});

describe('transferTest with the full fit given', () => {
  it('gives the same test without refitting, and refuses a fit of other data', () => {
    const data = jointData(createRng(3), { a: 0.003, s_1: 3e-4, s_2: 0, b: -1.5, c: 0.9 }, 0.005);
    const full = fitCurve('joint', data);
    expect(transferTest('joint', data, 's_1', { full })).toEqual(transferTest('joint', data, 's_1'));
    const other = fitCurve('exp3.2', surface(createRng(4), { a: 0.004, s: 0, b: -1.9, c: 0.9 }, 0.01));
    expect(() => transferTest('joint', data, 's_1', { full: other })).toThrow(/not the joint fit of these 60 points/);
  });
});

describe('profileInterval', () => {
  it('puts its ends where the F statistic of the constrained fit reaches the critical value', () => {
    const data = surface(createRng(5), { a: 0.004, s: 2e-4, b: -1.9, c: 0.9 }, 0.02);
    const ci = profileInterval('exp3.2', data, 's', { level: 0.9 });
    expect(ci.df2).toBe(28 - 4);
    expect(ci.fCritical).toBeCloseTo(fCriticalValue(0.1, 1, 24), 12);
    expect(ci.sseThreshold).toBeCloseTo(ci.sseMin * (1 + ci.fCritical / 24), 14);
    expect(ci.lo).toBeLessThan(ci.estimate);
    expect(ci.hi).toBeGreaterThan(ci.estimate);
    const F = (r0: number) => (fitWithFixedRate('exp3.2', data, 's', r0).sse - ci.sseMin) / (ci.sseMin / ci.df2);
    for (const end of [ci.lo, ci.hi]) {
      expect(F(end)).toBeLessThanOrEqual(ci.fCritical);
      expect(F(end)).toBeGreaterThan(ci.fCritical * 0.999);
      // Just beyond the end the rate is rejected.
      expect(F(end + 1e-3 * (end - ci.estimate))).toBeGreaterThan(ci.fCritical);
    }
  });

  it('contains 0 exactly when the F-test does not reject (p ≥ alpha), on many curves of every transfer model', () => {
    const rng = createRng(6);
    const outcomes = { inside: 0, outside: 0 };
    const check = (model: 'exp3.2' | 'pairwise' | 'joint', data: CurveData, rate: string) => {
      const full = fitCurve(model, data);
      const test = transferTest(model, data, rate, { full, alpha: 0.05 });
      const ci = profileInterval(model, data, rate, { full, test, level: 0.95 });
      const zeroInside = ci.lo <= 0 && 0 <= ci.hi;
      expect(zeroInside, `${model} ${rate}: p = ${test.p}, CI [${ci.lo}, ${ci.hi}]`).toBe(test.p >= 0.05);
      // The same holds when the interval decides 0 by its own constrained fit.
      const alone = profileInterval(model, data, rate, { full, level: 0.95 });
      expect(alone.lo <= 0 && 0 <= alone.hi).toBe(zeroInside);
      outcomes[zeroInside ? 'inside' : 'outside']++;
    };
    // Rates from clearly negative through 0 to clearly positive, so that p falls on both sides of alpha.
    for (const s of [-2e-4, -4e-5, -1.5e-5, 0, 1e-5, 2e-5, 4e-5, 3e-4]) {
      check('exp3.2', surface(rng, { a: 0.004, s, b: -1.9, c: 0.9 }, 0.02), 's');
      check('pairwise', surface(rng, { a: 0.006, s: 2 * s, b: -1.2, c: 0.85 }, 0.02), 's');
    }
    for (const s2 of [-1e-4, 0, 3e-5]) {
      const data = jointData(rng, { a: 0.003, s_1: 3e-4, s_2: s2, b: -1.5, c: 0.9 }, 0.01);
      check('joint', data, 's_1');
      check('joint', data, 's_2');
    }
    expect(outcomes.inside).toBeGreaterThanOrEqual(4);
    expect(outcomes.outside).toBeGreaterThanOrEqual(4);
  });

  it('covers the true rate near the nominal level over repeated experiments', () => {
    const rng = createRng(7);
    const truth = { a: 0.005, s: 1.5e-4, b: -1.5, c: 0.9 };
    let covered = 0;
    const experiments = 100;
    for (let e = 0; e < experiments; e++) {
      const ci = profileInterval('pairwise', surface(rng, truth, 0.02, [0, 1000, 3000]), 's', { level: 0.9 });
      if (ci.lo <= truth.s && truth.s <= ci.hi) covered++;
    }
    // Binomial(100, 0.9): P(X ≤ 81) ≈ 0.004 and P(X ≥ 98) ≈ 0.002.
    expect(covered).toBeGreaterThanOrEqual(82);
    expect(covered).toBeLessThanOrEqual(97);
  });

  it('is a point at the truth for noiseless data', () => {
    const truth = { a: 0.004, s: -1e-4, b: -1.9, c: 0.9 };
    const ci = profileInterval('exp3.2', surface(createRng(8), truth, 0), 's');
    expect(Math.abs(ci.lo - truth.s) / Math.abs(truth.s)).toBeLessThan(1e-4);
    expect(Math.abs(ci.hi - truth.s) / Math.abs(truth.s)).toBeLessThan(1e-4);
  });

  it('reports an unbounded end when every larger rate fits as well (the source saturates the curve)', () => {
    // With n_j ∈ {0, 4000} and s·4000 ≫ 1, the n_j = 4000 points sit on the plateau for any larger s.
    const truth = { a: 0.004, s: 5e-3, b: -1.9, c: 0.9 };
    const data = surface(createRng(9), truth, 0.01, [0, 4000]);
    const ci = profileInterval('pairwise', data, 's');
    expect(ci.hi).toBe(Infinity);
    expect(ci.lo).toBeGreaterThan(0);
    expect(ci.lo).toBeLessThan(truth.s);
  });

  it('is unbounded on both sides when the curve does not depend on the rate at all (flat data)', () => {
    const rng = createRng(11);
    const data: CurveData = { n: [], nOther: [], y: [] };
    for (const other of [0, 500, 2000]) for (const n of [16, 64, 256, 1024]) (data.n.push(n), data.nOther!.push(other), data.y.push(0.7 + 0.005 * rng.normal()));
    const test = transferTest('exp3.2', data, 's');
    expect(test.p).toBeGreaterThan(0.05);
    const ci = profileInterval('exp3.2', data, 's', { test });
    expect([ci.lo, ci.hi]).toEqual([-Infinity, Infinity]);
  });

  it('refuses a parameter that is not a transfer rate and a test at another level', () => {
    const data = surface(createRng(10), { a: 0.004, s: 0, b: -1.9, c: 0.9 }, 0.01);
    expect(() => profileInterval('exp3.2', data, 'a')).toThrow(/not a transfer rate/);
    const test = transferTest('exp3.2', data, 's', { alpha: 0.1 });
    expect(() => profileInterval('exp3.2', data, 's', { level: 0.95, test })).toThrow(/alpha 0.1/);
  });
});

describe('bootstrap band of the fitted curve', () => {
  it('is zero-width at the true curve for noiseless replicates, and brackets the full fit with noise', () => {
    const truth = { a: 0.01, b: -1.5, c: 0.9 };
    const make = (sigma: number, rng: Rng): CurveData => {
      const data: CurveData = { n: [], y: [], group: [] };
      for (let seed = 0; seed < 5; seed++) for (const n of anchors) (data.n.push(n), data.group!.push(seed), data.y.push(predict('exp3', truth, { n }) + sigma * rng.normal()));
      return data;
    };
    const bandAt = [{ n: 16 }, { n: 40 }, { n: 300 }, { n: 1024 }];
    const exact = bootstrapFit('exp3', make(0, createRng(1)), { resamples: 10, bandAt });
    expect(exact.band!.map((b) => b.point.n)).toEqual([16, 40, 300, 1024]);
    for (const b of exact.band!) {
      expect(b.lo).toBeCloseTo(predict('exp3', truth, b.point), 9);
      expect(b.hi).toBeCloseTo(predict('exp3', truth, b.point), 9);
    }
    const noisy = bootstrapFit('exp3', make(0.01, createRng(2)), { resamples: 60, bandAt, level: 0.9 });
    for (const b of noisy.band!) {
      expect(b.lo).toBeLessThan(b.hi);
      expect(b.lo).toBeLessThanOrEqual(noisy.fit.predictAt(b.point));
      expect(b.hi).toBeGreaterThanOrEqual(noisy.fit.predictAt(b.point));
    }
    expect(bootstrapFit('exp3', make(0.01, createRng(2)), { resamples: 5 }).band).toBeUndefined();
  });
});
