// The rows of one training point, from its specification and the run's fold assignment: the one place every
// trainer (pipeline, `mtlc train`, the synthetic harness) gets a point's data and its model seed from.
import { ComputationError } from '../errors.ts';
import { rngFromKey } from '../stats/rng.ts';
import type { FoldAssignment, LabelMatrix, PointSpec } from '../types.ts';
import { testRows, validationRows } from './heldOut.ts';
import { trainingOrder } from './order.ts';

export interface PointRows {
  /** Tasks with a positive size, in the order of the spec's sizes. */
  tasks: string[];
  /** Per task, the first n_t rows of its nested training order. */
  trainRows: Record<string, Int32Array>;
  testRows: Int32Array;
  validationRows: Int32Array;
}

/** Per-task training rows (the first n of each task's nested order for (fold, seed)), test and validation rows. */
export function pointRows(labels: LabelMatrix, assignment: FoldAssignment, spec: Pick<PointSpec, 'id' | 'fold' | 'seed' | 'sizes'>): PointRows {
  const tasks = Object.keys(spec.sizes).filter((t) => spec.sizes[t] > 0);
  const trainRows: Record<string, Int32Array> = {};
  for (const task of tasks) {
    const order = trainingOrder(labels, assignment, spec.fold, spec.seed, task);
    if (spec.sizes[task] > order.length) throw new ComputationError(`point ${spec.id}: task '${task}' has ${order.length} training compounds, the point asks for ${spec.sizes[task]}`);
    trainRows[task] = order.subarray(0, spec.sizes[task]);
  }
  return { tasks, trainRows, testRows: testRows(assignment, spec.fold), validationRows: validationRows(assignment, spec.fold) };
}

/** Training compounds each task has per (split kind, test fold): what the designs size their grids by. */
export function availableCounts(
  labels: LabelMatrix,
  assignments: Iterable<FoldAssignment>,
  folds: readonly number[],
): { split: FoldAssignment['kind']; fold: number; task: string; nTrain: number }[] {
  const out: { split: FoldAssignment['kind']; fold: number; task: string; nTrain: number }[] = [];
  for (const a of assignments) {
    // Any seed gives the same count: the order differs, the set does not.
    for (const fold of folds) for (const task of labels.tasks) out.push({ split: a.kind, fold, task, nTrain: trainingOrder(labels, a, fold, 0, task).length });
  }
  return out;
}

/**
 * The model seed (initialisation, batch order, dropout) of a replicate: derived from the split kind, the fold
 * and the seed index together, so two replicates never share an initialisation.
 */
export function modelSeed(split: string, fold: number, seed: number): number {
  return rngFromKey(`model|${split}|${fold}|${seed}`).int();
}
