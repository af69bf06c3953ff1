// The training loop: seeded shuffles of the training rows, minibatch Adam steps, optional early stopping on
// a validation slice, and the hooks TAG and the data lookahead use to look inside a run.
import type * as tfType from '@tensorflow/tfjs';
import type { Batch, TaskData } from './data.ts';
import type { Adam } from './adam.ts';
import type { MultiTaskNetwork, ModelSnapshot } from './network.ts';
import { shuffleInPlace, type Rng } from '../stats/rng.ts';

/** What a hook sees around each optimisation step (`beforeStep` just before its update, `onStep` just after). */
export interface StepContext {
  /** 1-based index of the step in this run: the first step is 1 in both `beforeStep` and `onStep`. In
   * `beforeStep` the step's update has not happened yet (step − 1 updates taken); in `onStep` it has. */
  step: number;
  /** 0-based epoch of the step. */
  epoch: number;
  /** The step's batch (still alive during the hook; disposed after `onStep`). */
  batch: Batch;
  model: MultiTaskNetwork;
  optimizer: Adam;
  /** The point's data, to make more batches (`data.batch(rows, mask)`). */
  data: TaskData;
}

export interface EpochContext {
  /** 0-based epoch that just ended. */
  epoch: number;
  /** Total epochs planned (early stopping may end sooner). */
  epochs: number;
  step: number;
  model: MultiTaskNetwork;
  optimizer: Adam;
  data: TaskData;
  /** Rows the run trains on (validation rows excluded), in this epoch's shuffled order; the next epoch
   * reshuffles this array in place, so copy it to keep it. */
  trainRows: Int32Array;
  /** Validation loss of this epoch, when early stopping is on. */
  validationLoss?: number;
}

/**
 * Callbacks into the training loop. Each may be async; the loop awaits it. A hook may take extra optimizer
 * steps on snapshots (model.snapshot() … model.restore(s)) as long as it leaves the model as it found it.
 */
export interface TrainingHooks {
  /**
   * Before every optimisation step, on the batch the step is about to train on: the model and optimizer are
   * those after step − 1 updates (TAG probes here, as Fifty et al. do: the lookahead from θ^t on X^t, before
   * the real update of step t). A hook that steps must restore model and optimizer exactly.
   */
  beforeStep?(ctx: StepContext): void | Promise<void>;
  /** After every optimisation step. */
  onStep?(ctx: StepContext): void | Promise<void>;
  /** After every epoch (after the early-stopping check). */
  onEpochEnd?(ctx: EpochContext): void | Promise<void>;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  rng: Rng;
  hooks?: TrainingHooks;
  /** Early stopping: rows of the validation slice and the patience in epochs. */
  validation?: { rows: Int32Array; patience: number };
}

export interface FitResult {
  epochsRun: number;
  steps: number;
  /** Validation loss per epoch (early stopping only). */
  validationLosses: number[];
}

/** Mean training-mask loss over rows, dropout off, in chunks (two scalar host reads per chunk). */
export function evaluateLoss(tf: typeof tfType, model: MultiTaskNetwork, data: TaskData, rows: Int32Array, chunk = 1024): number {
  let sum = 0;
  let count = 0;
  for (let start = 0; start < rows.length; start += chunk) {
    const batch = data.batch(rows.subarray(start, start + chunk), 'train');
    const [s, c] = tf.tidy(() => [tf.sum(model.maskedPairLoss(batch, { training: false })), tf.sum(batch.mask)]);
    sum += s.dataSync()[0];
    count += c.dataSync()[0];
    tf.dispose([s, c]);
    batch.dispose();
  }
  return count > 0 ? sum / count : 0;
}

/**
 * Trains `model` on `trainRows` for `epochs` epochs of shuffled minibatches. With `validation`, stops after
 * `patience` epochs without a lower validation loss and restores the best epoch's weights.
 */
export async function fit(
  tf: typeof tfType,
  model: MultiTaskNetwork,
  data: TaskData,
  trainRows: Int32Array,
  options: FitOptions,
): Promise<FitResult> {
  const order = Int32Array.from(trainRows);
  const hooks = options.hooks;
  let step = 0;
  let epochsRun = 0;
  const validationLosses: number[] = [];
  let best: { loss: number; snapshot: ModelSnapshot } | undefined;
  let sinceBest = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, options.rng);
    for (let start = 0; start < order.length; start += options.batchSize) {
      const batch = data.batch(order.subarray(start, start + options.batchSize), 'train');
      if (hooks?.beforeStep) await hooks.beforeStep({ step: step + 1, epoch, batch, model, optimizer: model.optimizer, data });
      model.trainStep(batch);
      step++;
      if (hooks?.onStep) await hooks.onStep({ step, epoch, batch, model, optimizer: model.optimizer, data });
      batch.dispose();
    }
    epochsRun = epoch + 1;
    let validationLoss: number | undefined;
    let stop = false;
    if (options.validation) {
      validationLoss = evaluateLoss(tf, model, data, options.validation.rows);
      validationLosses.push(validationLoss);
      if (!best || validationLoss < best.loss) {
        if (best) model.disposeSnapshot(best.snapshot);
        best = { loss: validationLoss, snapshot: model.snapshot() };
        sinceBest = 0;
      } else if (++sinceBest >= options.validation.patience) {
        stop = true;
      }
    }
    if (hooks?.onEpochEnd) {
      await hooks.onEpochEnd({ epoch, epochs: options.epochs, step, model, optimizer: model.optimizer, data, trainRows: order, validationLoss });
    }
    if (stop) break;
  }
  if (best) {
    model.restore(best.snapshot);
    model.disposeSnapshot(best.snapshot);
  }
  return { epochsRun, steps: step, validationLosses };
}
