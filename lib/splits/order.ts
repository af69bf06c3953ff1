// Nested training subsets: one seeded order of a task's training compounds per (seed, fold, task).
import { ComputationError, ConfigError } from '../errors.ts';
import type { FoldAssignment, LabelMatrix } from '../types.ts';
import { rngFromKey, shuffleInPlace } from '../stats/rng.ts';
import { validationRows } from './heldOut.ts';

/**
 * All rows labelled for `task` outside test fold `fold` and its validation set, in a random order fixed by
 * (seed, fold, task) alone. The training set at size n is the first n rows, so the sets are nested
 * (n = 32 ⊂ n = 64) and a test or validation compound never enters training at any size.
 */
export function trainingOrder(labels: LabelMatrix, a: FoldAssignment, fold: number, seed: number, task: string): Int32Array {
  const t = labels.tasks.indexOf(task);
  if (t < 0) throw new ConfigError([{ field: 'tasks', message: `task '${task}' is not one of the selected tasks (${labels.tasks.join(', ')})` }]);
  if (a.fold.length !== labels.compoundIds.length) throw new ComputationError(`trainingOrder: fold assignment has ${a.fold.length} rows, labels ${labels.compoundIds.length}`);
  const T = labels.tasks.length;
  const validation = new Set(validationRows(a, fold));
  const rows: number[] = [];
  for (let r = 0; r < labels.compoundIds.length; r++) {
    if (a.fold[r] !== fold && !validation.has(r) && labels.labels[r * T + t] >= 0) rows.push(r);
  }
  return shuffleInPlace(Int32Array.from(rows), rngFromKey(`training-order|${seed}|${fold}|${task}`));
}
