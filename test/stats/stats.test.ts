// Known answers for the shared statistics helpers.
import { describe, expect, it } from 'vitest';
import { nestedFTest, transferVerdict } from '../../lib/stats/ftest.ts';
import { percentileInterval, quantile } from '../../lib/stats/quantile.ts';
import { createRng } from '../../lib/stats/rng.ts';
import { averageRanks, spearman } from '../../lib/stats/spearman.ts';

describe('createRng', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });
  it('draws uniform integers without bias (chi-square over 6 cells)', () => {
    const rng = createRng(1);
    const counts = Array(6).fill(0);
    const draws = 60000;
    for (let i = 0; i < draws; i++) counts[rng.int(6)]++;
    const expected = draws / 6;
    const chi2 = counts.reduce((s, k) => s + (k - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(20.5); // 99.9% point of chi-square with 5 df
  });
  it('next() lies in [0, 1) with mean 1/2; normal() has mean 0 and variance 1', () => {
    const rng = createRng(3);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 20000; i++) {
      const u = rng.next();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01);
    const z = Array.from({ length: 20000 }, () => rng.normal());
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / (z.length - 1);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
  });
  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = createRng(5).shuffle(items.slice());
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((p, q) => p - q)).toEqual(items);
  });
});

describe('quantiles', () => {
  it('interpolates between order statistics (type 7)', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0.25)).toBe(1.75);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.1)).toBe(2);
    const [lo, hi] = percentileInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.8);
    expect(lo).toBeCloseTo(2, 12);
    expect(hi).toBeCloseTo(10, 12);
  });
  it('keeps infinite values (an exchange rate with a = 0)', () => {
    expect(quantile([1, Infinity, Infinity], 0.9)).toBe(Infinity);
  });
});

describe('spearman', () => {
  it('is ±1 for monotone relations', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 35, 100])).toBe(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, -8])).toBe(-1);
  });
  it('uses average ranks for ties (hand-computed: 4.5/√22.5)', () => {
    expect(averageRanks([1, 2, 2, 3])).toEqual([1, 2.5, 2.5, 4]);
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 14);
  });
  it('is null when undefined', () => {
    expect(spearman([1], [2])).toBeNull();
    expect(spearman([1, 2], [2, 1])).toBeNull(); // two pairs always give ±1: no information
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });
  it('rejects ragged or non-finite input', () => {
    expect(() => spearman([1, 2], [1])).toThrow(/2 values but y has 1/);
    expect(() => spearman([1, NaN], [1, 2])).toThrow(/row 2, column 'x'/);
  });
});

describe('nested F-test', () => {
  it('computes F and its upper-tail p-value', () => {
    // F = ((10 − 4)/1) / (4/10) = 15 on (1, 10) df.
    const r = nestedFTest({ sseReduced: 10, sseFull: 4, paramsReduced: 3, paramsFull: 4, nPoints: 14 });
    expect(r.F).toBeCloseTo(15, 12);
    expect(r.df1).toBe(1);
    expect(r.df2).toBe(10);
    // F(1,10) = t(10)²: the two-sided t p-value at √15 (SciPy: stats.f.sf(15, 1, 10) = 0.0030940866862109).
    expect(r.p).toBeCloseTo(0.0030940866862109, 10);
  });
  it('gives p = 0.05 at the tabulated critical value F(0.95; 1, 10) = 4.9646027', () => {
    const r = nestedFTest({ sseReduced: 1 + 4.964602743730711 / 10, sseFull: 1, paramsReduced: 3, paramsFull: 4, nPoints: 14 });
    expect(r.p).toBeCloseTo(0.05, 10);
  });
  it('handles no gain and perfect fits, and refuses zero residual degrees of freedom', () => {
    expect(nestedFTest({ sseReduced: 1, sseFull: 1, paramsReduced: 3, paramsFull: 4, nPoints: 10 }).p).toBe(1);
    expect(nestedFTest({ sseReduced: 1, sseFull: 0, paramsReduced: 3, paramsFull: 4, nPoints: 10 }).p).toBe(0);
    expect(() => nestedFTest({ sseReduced: 1, sseFull: 0.5, paramsReduced: 3, paramsFull: 4, nPoints: 4 })).toThrow(/no residual degrees of freedom/);
  });
  it('gives the verdict by sign when significant', () => {
    expect(transferVerdict(0.002, 0.01, 0.05)).toBe('positive');
    expect(transferVerdict(-0.002, 0.01, 0.05)).toBe('negative');
    expect(transferVerdict(0.002, 0.2, 0.05)).toBe('none');
  });
});
