// The AUROC interval (Hanley & McNeil 1982) and the power summary over planted sets, against hand computations.
import { describe, expect, it } from 'vitest';
import { aurocWithInterval } from '../../lib/stats/aurocInterval.ts';
import { summarisePower } from '../../lib/synthetic/powerStudy.ts';

describe('aurocWithInterval', () => {
  it('matches the Hanley–McNeil standard error by hand', () => {
    // 2 positives, 5 negatives, 8 of 10 pairs ordered: A = 0.8, Q1 = 0.8/1.2, Q2 = 2·0.64/1.8,
    // SE² = (0.16 + 1·(Q1 − 0.64) + 4·(Q2 − 0.64))/10 = 0.0471111…, SE = 0.217051.
    const r = aurocWithInterval([1, 1, 0, 0, 0, 0, 0], [10, 3.5, 1, 2, 3, 4, 5]);
    expect(r.auroc).toBeCloseTo(0.8, 12);
    expect(r.ci![0]).toBeCloseTo(0.8 - 1.959964 * 0.217051, 5);
    expect(r.ci![1]).toBe(1); // clipped
    expect([r.positives, r.negatives]).toEqual([2, 5]);
  });

  it('has no AUROC with one class', () => {
    expect(aurocWithInterval([1, 1], [0.2, 0.3])).toEqual({ auroc: null, ci: null, positives: 2, negatives: 0 });
  });
});

describe('summarisePower', () => {
  it('averages each score over the sets with a t interval (df = sets − 1)', () => {
    const set = (a: number, b: number) => [
      { score: 'x', auroc: a, ci: null, related: 4, unrelated: 16, seconds: 10, scale: null },
      { score: 'y', auroc: b, ci: null, related: 4, unrelated: 16, seconds: null, scale: null },
    ];
    const [x, y] = summarisePower([set(0.9, 0.5), set(1, 0.5), set(0.8, 0.5)]);
    // mean 0.9, sd 0.1, t(0.975, 2) = 4.302653: half-width 4.302653·0.1/√3 = 0.248414.
    expect(x.mean).toBeCloseTo(0.9, 12);
    expect(x.ci![0]).toBeCloseTo(0.9 - 0.248414, 5);
    expect(x.ci![1]).toBe(1);
    expect(x.seconds).toBe(10);
    expect(y).toMatchObject({ sets: 3, mean: 0.5, seconds: null });
  });
});
