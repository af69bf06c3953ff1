// Small planted-signal multi-task data for the model tests: sparse binary features, each task's label set by
// a few planted bits, so a working learner must reach a high held-out AUROC.
import { createRng } from '../../lib/stats/rng.ts';
import type { FeatureMatrix, LabelMatrix } from '../../lib/types.ts';

export interface SyntheticData {
  features: Extract<FeatureMatrix, { kind: 'sparse' }>;
  labels: LabelMatrix;
  tasks: string[];
}

/**
 * n compounds with `dim` bits (each set with probability `density`); task k is positive when at least 2 of its
 * 4 planted bits are set; a fraction `missing` of the labels is unobserved (-1).
 */
export function plantedData(opts: { n: number; dim: number; tasks: number; density?: number; missing?: number; seed?: number }): SyntheticData {
  const rng = createRng(opts.seed ?? 7);
  const density = opts.density ?? 0.15;
  const offsets = new Int32Array(opts.n + 1);
  const indices: number[] = [];
  const bits: Uint8Array[] = [];
  for (let r = 0; r < opts.n; r++) {
    const row = new Uint8Array(opts.dim);
    for (let b = 0; b < opts.dim; b++) {
      if (rng.next() < density) {
        row[b] = 1;
        indices.push(b);
      }
    }
    bits.push(row);
    offsets[r + 1] = indices.length;
  }
  const tasks = Array.from({ length: opts.tasks }, (_, k) => `T${k}`);
  const labels = new Int8Array(opts.n * opts.tasks);
  for (let r = 0; r < opts.n; r++) {
    for (let k = 0; k < opts.tasks; k++) {
      let hits = 0;
      for (let j = 0; j < 4; j++) hits += bits[r][(4 * k + j) % opts.dim];
      labels[r * opts.tasks + k] = rng.next() < (opts.missing ?? 0) ? -1 : hits >= 2 ? 1 : 0;
    }
  }
  return {
    features: { kind: 'sparse', dim: opts.dim, offsets, indices: Int32Array.from(indices) },
    labels: { compoundIds: Array.from({ length: opts.n }, (_, r) => `C${r}`), tasks, labels },
    tasks,
  };
}

/**
 * Rows < nTrain − nValidation train every task they are labelled for; the next nValidation rows are the inner
 * validation set; the rest are test rows.
 */
export function simpleSplit(
  data: SyntheticData,
  nTrain: number,
  nValidation = 0,
): { trainRows: Record<string, Int32Array>; testRows: Int32Array; validationRows: Int32Array } {
  const K = data.tasks.length;
  const n = data.labels.compoundIds.length;
  const trainEnd = nTrain - nValidation;
  const trainRows: Record<string, Int32Array> = {};
  data.tasks.forEach((t, k) => {
    const rows: number[] = [];
    for (let r = 0; r < trainEnd; r++) if (data.labels.labels[r * K + k] >= 0) rows.push(r);
    trainRows[t] = Int32Array.from(rows);
  });
  return {
    trainRows,
    testRows: Int32Array.from({ length: n - nTrain }, (_, i) => nTrain + i),
    validationRows: Int32Array.from({ length: nValidation }, (_, i) => trainEnd + i),
  };
}
