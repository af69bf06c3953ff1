import { describe, expect, it } from 'vitest';
import { randomFolds } from '../../lib/splits/folds.ts';
import { trainingOrder } from '../../lib/splits/order.ts';
import { validationRows } from '../../lib/splits/heldOut.ts';
import type { LabelMatrix } from '../../lib/types.ts';

// 300 compounds × 3 tasks; task T0 labelled everywhere, T1 on even rows, T2 on rows divisible by 3.
const n = 300;
const tasks = ['T0', 'T1', 'T2'];
const labels: LabelMatrix = {
  compoundIds: Array.from({ length: n }, (_, i) => `c${i}`),
  tasks,
  labels: Int8Array.from({ length: n * 3 }, (_, k) => {
    const r = Math.floor(k / 3);
    const t = k % 3;
    const labelled = t === 0 || (t === 1 && r % 2 === 0) || (t === 2 && r % 3 === 0);
    return labelled ? r % 5 === 0 ? 1 : 0 : -1;
  }),
};
const folds = randomFolds(n, 5, 11);

describe('nested training order', () => {
  it('holds exactly the labelled compounds outside the test fold and its validation set, each once', () => {
    const validation = new Set(validationRows(folds, 2));
    for (const [t, task] of tasks.entries()) {
      const order = trainingOrder(labels, folds, 2, 0, task);
      const expected = labels.compoundIds.map((_, r) => r).filter((r) => folds.fold[r] !== 2 && !validation.has(r) && labels.labels[r * 3 + t] >= 0);
      expect(Array.from(order).sort((a, b) => a - b)).toEqual(expected);
      for (const r of order) expect(folds.fold[r]).not.toBe(2);
    }
  });

  it('is nested: the first 32 rows are inside the first 64, for every fold', () => {
    for (let f = 0; f < 5; f++) {
      const order = trainingOrder(labels, folds, f, 3, 'T1');
      const small = new Set(order.subarray(0, 32));
      const large = new Set(order.subarray(0, 64));
      for (const r of small) expect(large.has(r)).toBe(true);
    }
  });

  it('depends on (seed, fold, task) only: same inputs, same order; any change, another order', () => {
    const base = trainingOrder(labels, folds, 1, 5, 'T0');
    expect(trainingOrder(labels, folds, 1, 5, 'T0')).toEqual(base);
    expect(trainingOrder(labels, folds, 1, 6, 'T0')).not.toEqual(base);
    const otherTask: LabelMatrix = { ...labels, tasks: ['T0', 'X', 'T2'] };
    // A task with identical labels but another name gets its own order.
    expect(trainingOrder(otherTask, folds, 1, 5, 'X')).not.toEqual(trainingOrder(labels, folds, 1, 5, 'T1'));
  });

  it('is a shuffle, not the row order', () => {
    const order = Array.from(trainingOrder(labels, folds, 0, 0, 'T0'));
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
  });

  it('names an unknown task', () => {
    expect(() => trainingOrder(labels, folds, 0, 0, 'nope')).toThrow(/task 'nope' is not one of the selected tasks/);
  });
});
