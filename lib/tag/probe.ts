// One TAG lookahead probe (Fifty et al. 2021, eq. 3) on one batch.
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../model/backend.ts';
import type { StepOptimizer } from './optimizer.ts';
import { disposeVariablesSnapshot, restoreVariables, snapshotVariables } from './snapshot.ts';

/** What TAG needs from a multi-task model. Losses are each task's term of the training loss, dropout off. */
export interface TagModel<Batch> {
  readonly tasks: readonly string[];
  /** The shared trunk's variables θ_s. */
  readonly trunk: readonly Variable[];
  /** Whether each task has at least one label counted in the batch's loss. */
  labelledTasks(batch: Batch): boolean[];
  /** Every task's loss on the batch (one forward pass). */
  taskLosses(batch: Batch): Scalar[];
  /** Task i's loss on the batch, differentiable with respect to the trunk. */
  taskLoss(batch: Batch, task: number): Scalar;
}

/**
 * Inter-task affinity on one batch. For each task i with labels in the batch:
 *
 *   θ_s' = θ_s − Δ_opt(∇_{θ_s} L_i)              the optimizer's own step (its momentum/Adam state included)
 *                                                 on the shared trunk θ_s only; heads and batch fixed
 *   Z_{i→j} = 1 − L_j(θ_s', θ_j) / L_j(θ_s, θ_j)   for every j ≠ i labelled in the batch
 *
 * then the trunk and the optimizer state are restored exactly. Within a training run the recorder (hooks.ts)
 * calls this before the loop's update of the batch, so θ_s and the optimizer state are those of the
 * previous step and the batch has not been trained on yet (Fifty et al.). Losses and gradients are computed with
 * dropout off: the probe measures, it does not train, and must not draw from the run's random stream.
 * Returns z[i][j], null where undefined (i or j unlabelled in the batch, or L_j = 0).
 */
export async function probeAffinity<Batch, State>(
  tf: Tf,
  model: TagModel<Batch>,
  optimizer: StepOptimizer<State>,
  batch: Batch,
): Promise<(number | null)[][]> {
  return (await probeAffinities(tf, model, optimizer, batch, [batch]))[0];
}

/**
 * probeAffinity with the losses L_j read on each of `measures` (Z^m[i][j]); the lookahead step is always taken on
 * `batch`. With measures = [batch] it is Fifty et al.'s affinity; with a batch of rows the step did not train on
 * (e.g. inner-validation rows) it is the held-out variant (docs/methods.md, "TAG").
 */
export async function probeAffinities<Batch, State>(
  tf: Tf,
  model: TagModel<Batch>,
  optimizer: StepOptimizer<State>,
  batch: Batch,
  measures: Batch[],
): Promise<(number | null)[][][]> {
  const k = model.tasks.length;
  const labelled = model.labelledTasks(batch);
  const measured = measures.map((m) => model.labelledTasks(m));
  const z: (number | null)[][][] = measures.map(() => Array.from({ length: k }, () => new Array<number | null>(k).fill(null)));
  // A pair needs a stepped task i and another task j labelled where L_j is read.
  const stepped = labelled.filter(Boolean).length;
  if (stepped === 0 || (measures.length === 1 && measures[0] === batch && stepped < 2)) return z;
  const before = measures.map((m) => lossValues(tf, model, m));

  const trunkSnapshot = snapshotVariables(model.trunk);
  const optimizerState = await optimizer.getState();
  try {
    for (let i = 0; i < k; i++) {
      if (!labelled[i]) continue;
      try {
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => model.taskLoss(batch, i), [...model.trunk]);
          optimizer.applyGradients(grads as Record<string, Tensor>);
        });
        measures.forEach((m, at) => {
          const after = lossValues(tf, model, m);
          for (let j = 0; j < k; j++) {
            if (j === i || !measured[at][j] || before[at][j] <= 0) continue;
            z[at][i][j] = 1 - after[j] / before[at][j];
          }
        });
      } finally {
        restoreVariables(trunkSnapshot);
        await optimizer.setState(optimizerState);
      }
    }
  } finally {
    disposeVariablesSnapshot(trunkSnapshot);
    optimizer.disposeState(optimizerState);
  }
  return z;
}

function lossValues<Batch>(tf: Tf, model: TagModel<Batch>, batch: Batch): number[] {
  const stacked = tf.tidy(() => tf.stack(model.taskLosses(batch)));
  const values = Array.from(stacked.dataSync());
  stacked.dispose();
  return values;
}
