// One data-lookahead probe: short continuations of the run with and without an added block of each source task.
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import type { Tf } from '../model/backend.ts';
import type { Batch, TaskData } from '../model/data.ts';
import type { MultiTaskNetwork } from '../model/network.ts';
import { createRng, shuffleInPlace } from '../stats/rng.ts';
import { taskLossesOn } from '../model/train.ts';

export interface LookaheadProbeInput {
  model: MultiTaskNetwork;
  data: TaskData;
  /** Rows the main run trains on (the base batches are drawn from them). */
  trainRows: Int32Array;
  /** Held-back block per source task (by task name). */
  blocks: Record<string, Int32Array>;
  /** Validation compounds on which the target losses are measured. */
  validation: Int32Array;
  /** L: steps of each continuation. */
  steps: number;
  batchSize: number;
  /** Seeds the base batches (the same for the control and every source). */
  seed: number;
}

/**
 * Data lookahead at one point of the run (our definition, docs/methods.md). From the current parameters and
 * optimizer state θ, for L steps on base batches B_1..B_L drawn from the training rows:
 *
 *   control:    θ_c = L Adam steps on B_s                       (the run's own training mask)
 *   source j:   θ_j = L Adam steps on B_s ∪ block_j             (block rows count only their task-j label)
 *
 *   D_{j→i} = (L_i(θ_c) − L_i(θ_j)) / L_i(θ_c)   for every target i ≠ j,
 *
 * L_i = mean cross-entropy of task i on the validation compounds labelled for it. Each continuation starts
 * from the same snapshot and uses the same base batches; dropout is off (control and source differ only by
 * the block, and the run's random stream is not drawn from). A step's loss is the sum over admitted pairs
 * divided by the base batch's count of admitted pairs, so the block adds samples at the same per-sample weight
 * and leaves the base terms' scale unchanged. The model is restored exactly afterwards.
 * Returns d[j][i] (task indexes), null where undefined (no block for j, no validation labels for i).
 */
export async function probeDataLookahead(tf: Tf, input: LookaheadProbeInput): Promise<(number | null)[][]> {
  const { model } = input;
  const tasks = model.tasks;
  const k = tasks.length;
  const d: (number | null)[][] = Array.from({ length: k }, () => new Array<number | null>(k).fill(null));
  const baseRows = baseBatches(input.trainRows, input.steps, input.batchSize, input.seed);
  const snapshot = model.snapshot();
  try {
    const control = continueAndMeasure(tf, input, baseRows, undefined);
    model.restore(snapshot);
    for (let j = 0; j < k; j++) {
      const block = input.blocks[tasks[j]];
      if (!block || block.length === 0) continue;
      const withSource = continueAndMeasure(tf, input, baseRows, { task: j, rows: block });
      model.restore(snapshot);
      for (let i = 0; i < k; i++) {
        const c = control[i];
        const w = withSource[i];
        if (i === j || c === null || w === null || c <= 0) continue;
        d[j][i] = (c - w) / c;
      }
    }
  } finally {
    model.restore(snapshot);
    model.disposeSnapshot(snapshot);
  }
  return d;
}

/** L batches of `batchSize` rows from a seeded shuffle of the training rows (cycled if the run has fewer). */
function baseBatches(trainRows: Int32Array, steps: number, batchSize: number, seed: number): Int32Array[] {
  const order = shuffleInPlace(Int32Array.from(trainRows), createRng(seed));
  const size = Math.min(batchSize, order.length);
  return Array.from({ length: steps }, (_, s) => Int32Array.from({ length: size }, (_, b) => order[(s * size + b) % order.length]));
}

/** Takes the L steps (base batches, plus the source block when given), then measures every task's validation loss. */
function continueAndMeasure(
  tf: Tf,
  input: LookaheadProbeInput,
  baseRows: Int32Array[],
  source: { task: number; rows: Int32Array } | undefined,
): (number | null)[] {
  const { model, data } = input;
  const k = model.tasks.length;
  for (const rows of baseRows) {
    let baseCount = 0;
    for (const r of rows) for (let t = 0; t < k; t++) baseCount += data.hostTrainMask[r * k + t];
    let batch: Batch;
    if (source) {
      // Base rows keep the run's training mask; block rows admit only their task-j label.
      const all = new Int32Array(rows.length + source.rows.length);
      all.set(rows);
      all.set(source.rows, rows.length);
      const mask = new Float32Array(all.length * k);
      rows.forEach((r, b) => mask.set(data.hostTrainMask.subarray(r * k, (r + 1) * k), b * k));
      for (let b = rows.length; b < all.length; b++) mask[b * k + source.task] = 1;
      batch = data.batch(all, mask);
    } else {
      batch = data.batch(rows, 'train');
    }
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => summedLoss(tf, model, batch, Math.max(1, baseCount)), model.variables);
      model.optimizer.applyGradients(grads as Record<string, Tensor>);
    });
    batch.dispose();
  }
  return taskLossesOn(tf, model, data, input.validation);
}

function summedLoss(tf: Tf, model: MultiTaskNetwork, batch: Batch, divisor: number): Scalar {
  return tf.div(tf.sum(model.maskedPairLoss(batch, { training: false })), divisor) as Scalar;
}
