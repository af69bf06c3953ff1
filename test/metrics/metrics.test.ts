import { describe, expect, it } from 'vitest';
import { auroc, averagePrecision, logLoss, taskMetrics, macroAuroc } from '../../lib/metrics/index.ts';

describe('auroc', () => {
  it('counts the fraction of correctly ordered positive–negative pairs', () => {
    // positives 0.9, 0.4; negatives 0.1, 0.6: pairs (0.9>0.1) (0.9>0.6) (0.4>0.1) (0.4<0.6) → 3/4
    expect(auroc([1, 0, 1, 0], [0.9, 0.1, 0.4, 0.6])).toBeCloseTo(0.75, 12);
  });
  it('counts a tie between a positive and a negative as one half (average ranks)', () => {
    // positive 0.5 ties negative 0.5 (½), beats 0.2 (1); positive 0.8 beats both (2) → 3.5/4
    expect(auroc([1, 0, 1, 0], [0.5, 0.5, 0.8, 0.2])).toBeCloseTo(0.875, 12);
    expect(auroc([1, 0, 1, 0], [0.3, 0.3, 0.3, 0.3])).toBeCloseTo(0.5, 12);
  });
  it('handles a tie group spanning several positives and negatives', () => {
    // scores: neg .1, {pos .5, pos .5, neg .5}, pos .9 → pos .5 vs neg .1 win (×2), vs neg .5 half (×2); pos .9 wins 2
    // = (2 + 1 + 2) / (3·2) = 5/6
    expect(auroc([0, 1, 1, 0, 1], [0.1, 0.5, 0.5, 0.5, 0.9])).toBeCloseTo(5 / 6, 12);
  });
  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(auroc([0, 0, 1, 1], [1, 2, 3, 4])).toBe(1);
    expect(auroc([1, 1, 0, 0], [1, 2, 3, 4])).toBe(0);
  });
  it('is undefined (null), not 0.5, when the test set has one class', () => {
    expect(auroc([1, 1, 1], [0.2, 0.5, 0.9])).toBeNull();
    expect(auroc([0, 0], [0.2, 0.5])).toBeNull();
    expect(auroc([], [])).toBeNull();
  });
  it('rejects mismatched lengths and non-binary labels', () => {
    expect(() => auroc([1, 0], [0.5])).toThrow(/differ in length/);
    expect(() => auroc([1, 2], [0.5, 0.2])).toThrow(/expected 0 or 1/);
  });
});

describe('averagePrecision', () => {
  it('sums precision at each recall step (no interpolation)', () => {
    // ranked: .9 (pos: P=1, R=½), .6 (neg), .4 (pos: P=2/3, R=1), .1 → ½·1 + ½·⅔ = 5/6
    expect(averagePrecision([1, 0, 1, 0], [0.9, 0.1, 0.4, 0.6])).toBeCloseTo(5 / 6, 12);
  });
  it('lets a tied group cross the threshold together', () => {
    // .8 (pos: P=1, R=½); {.5 pos, .5 neg} together: tp=2 of 3 seen, R=1 → ½·1 + ½·⅔ = 5/6
    expect(averagePrecision([1, 0, 1, 0], [0.5, 0.5, 0.8, 0.2])).toBeCloseTo(5 / 6, 12);
    // everything tied: one step to recall 1 at precision = prevalence
    expect(averagePrecision([1, 0, 0, 0], [0.3, 0.3, 0.3, 0.3])).toBeCloseTo(0.25, 12);
  });
  it('is 1 for a perfect ranking', () => {
    expect(averagePrecision([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8])).toBe(1);
  });
  it('is null for a one-class test set', () => {
    expect(averagePrecision([1, 1], [0.1, 0.9])).toBeNull();
    expect(averagePrecision([0, 0], [0.1, 0.9])).toBeNull();
  });
});

describe('logLoss', () => {
  it('is the mean binary cross-entropy', () => {
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
  });
  it('clips probabilities to [1e-7, 1 − 1e-7] so a confident mistake stays finite', () => {
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(1e-7), 6);
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-7), 6);
  });
  it('is null for an empty set', () => {
    expect(logLoss([], [])).toBeNull();
  });
});

describe('taskMetrics', () => {
  it('combines the metrics with the counts', () => {
    const m = taskMetrics([1, 0, 1, 0], [0.9, 0.1, 0.4, 0.6], 17);
    expect(m).toEqual({
      auroc: 0.75,
      auprc: expect.closeTo(5 / 6, 12),
      logloss: expect.closeTo(-(Math.log(0.9) + Math.log(0.9) + Math.log(0.4) + Math.log(0.4)) / 4, 12),
      nTrain: 17,
      nTest: 4,
      nTestPositive: 2,
    });
  });
  it('macro AUROC averages the defined AUROCs only', () => {
    const a = taskMetrics([1, 0], [0.9, 0.1], 1);
    const b = taskMetrics([1, 0, 1, 0], [0.9, 0.1, 0.4, 0.6], 1);
    const undef = taskMetrics([1, 1], [0.9, 0.1], 1);
    expect(macroAuroc({ a, b, undef })).toBeCloseTo((1 + 0.75) / 2, 12);
    expect(macroAuroc({ undef })).toBeNull();
  });
});
