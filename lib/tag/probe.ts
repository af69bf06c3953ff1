// One TAG lookahead probe (Fifty et al. 2021, eq. 3) on one batch.
import type { NamedTensor, Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../model/backend.ts';
import {
  disposeOptimizerSnapshot,
  disposeVariablesSnapshot,
  restoreOptimizer,
  restoreVariables,
  snapshotOptimizer,
  snapshotVariables,
} from './snapshot.ts';

/** What TAG needs from a multi-task model: its variables and the per-task losses on a batch. */
export interface TagModel<Batch> {
  readonly tasks: readonly string[];
  /** Every trainable variable, in the order the training step hands gradients to the optimizer
   * (tfjs's Adam pairs its moment slots with variables by position in that list). */
  readonly variables: readonly Variable[];
  /** The shared trunk's variables (a subset of `variables`). */
  readonly trunk: readonly Variable[];
  /** Each task's term of the training loss on the batch, computed without dropout; null where the task
   * has no label in the batch. Called inside tf.tidy / tf.variableGrads. */
  taskLosses(batch: Batch): (Scalar | null)[];
}

/**
 * Inter-task affinity on one batch. For each task i with labels in the batch:
 *
 *   θ_s' = θ_s − Δ_opt(∇_{θ_s} L_i)              the optimizer's own step (its momentum/Adam state included)
 *                                                 on the shared trunk θ_s only; heads and data fixed
 *   Z_{i→j} = 1 − L_j(θ_s', θ_j) / L_j(θ_s, θ_j)   for every j ≠ i labelled in the batch
 *
 * then the trunk and the optimizer state are restored exactly. Losses are evaluated without dropout (the
 * probe measures, it does not train, and must not draw from the run's random stream).
 * Returns z[i][j], null where undefined (i or j unlabelled in the batch, or L_j = 0).
 */
export async function probeAffinity<Batch>(tf: Tf, model: TagModel<Batch>, optimizer: Optimizer, batch: Batch): Promise<(number | null)[][]> {
  const k = model.tasks.length;
  const before = lossValues(tf, model, batch);
  const z: (number | null)[][] = Array.from({ length: k }, () => new Array<number | null>(k).fill(null));
  if (before.filter((l) => l !== null).length < 2) return z;

  const trunkNames = new Set(model.trunk.map((v) => v.name));
  const trunkSnapshot = snapshotVariables(model.trunk);
  const optimizerSnapshot = await snapshotOptimizer(optimizer);
  try {
    for (let i = 0; i < k; i++) {
      if (before[i] === null) continue;
      try {
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => model.taskLosses(batch)[i] as Scalar, [...model.trunk]);
          // Heads get no gradient (null): the optimizer skips them, leaving their values and slots untouched.
          const ordered: NamedTensor[] = model.variables.map((v) => ({
            name: v.name,
            tensor: (trunkNames.has(v.name) ? grads[v.name] : null) as Tensor,
          }));
          optimizer.applyGradients(ordered);
        });
        const after = lossValues(tf, model, batch);
        for (let j = 0; j < k; j++) {
          const b = before[j];
          const a = after[j];
          if (j === i || b === null || a === null || b <= 0) continue;
          z[i][j] = 1 - a / b;
        }
      } finally {
        restoreVariables(trunkSnapshot);
        await restoreOptimizer(optimizer, optimizerSnapshot);
      }
    }
  } finally {
    disposeVariablesSnapshot(trunkSnapshot);
    disposeOptimizerSnapshot(optimizerSnapshot);
  }
  return z;
}

function lossValues<Batch>(tf: Tf, model: TagModel<Batch>, batch: Batch): (number | null)[] {
  return tf.tidy(() => model.taskLosses(batch).map((l) => (l === null ? null : (l.dataSync()[0] as number))));
}
