// The training loop of every point (docs/methods.md, "Training protocol"): minibatch Adam steps over seeded
// shuffles of the training rows, up to a step budget that does not depend on how many rows there are, with
// periodic validation checks and patience; plus the hooks TAG uses.
import type * as tfType from '@tensorflow/tfjs';
import type { Batch, TaskData } from './data.ts';
import type { Adam } from './adam.ts';
import type { MultiTaskNetwork } from './network.ts';
import { shuffleInPlace, type Rng } from '../stats/rng.ts';

/** What a hook sees around each optimisation step (`beforeStep` just before its update, `onStep` just after). */
export interface StepContext {
  /** 1-based index of the step in this run: the first step is 1 in both `beforeStep` and `onStep`. In
   * `beforeStep` the step's update has not happened yet (step − 1 updates taken); in `onStep` it has. */
  step: number;
  /** 0-based pass over the training rows the step belongs to. */
  epoch: number;
  /** The step's batch (still alive during the hook; disposed after `onStep`). */
  batch: Batch;
  model: MultiTaskNetwork;
  optimizer: Adam;
  /** The point's data, to make more batches (`data.batch(rows, mask)`). */
  data: TaskData;
}

export interface EpochContext {
  /** 0-based pass over the training rows that just ended. */
  epoch: number;
  /** Passes the step budget allows (early stopping may end sooner). */
  epochs: number;
  step: number;
  model: MultiTaskNetwork;
  optimizer: Adam;
  data: TaskData;
  /** Rows the run trains on, in this pass's shuffled order; the next pass reshuffles this array in place,
   * so copy it to keep it. */
  trainRows: Int32Array;
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
  /** After every completed pass over the training rows. */
  onEpochEnd?(ctx: EpochContext): void | Promise<void>;
}

/** When a point's training ends (config `model.maxSteps`, `model.evalEvery`, `model.patience`). */
export interface StoppingRule {
  /** Step budget: the same for every point, whatever its number of rows. */
  maxSteps: number;
  /** Steps between two validation checks. */
  evalEvery: number;
  /** Stop after this many checks in a row that improved nothing (`check` returned false). */
  patience: number;
}

export interface FitOptions {
  batchSize: number;
  rng: Rng;
  stopping: StoppingRule;
  hooks?: TrainingHooks;
  /**
   * A validation check, run every `evalEvery` steps and after the last step: returns whether it improved
   * anything (e.g. some task's validation score). Without it the whole budget is trained.
   */
  check?(step: number): boolean;
}

export interface FitResult {
  steps: number;
  /** Whether the run stopped early (patience) rather than at the budget. */
  stoppedEarly: boolean;
}

/** Mean cross-entropy per task over the rows labelled for it (dropout off); null where none. */
export function taskLossesOn(tf: typeof tfType, model: MultiTaskNetwork, data: TaskData, rows: Int32Array, chunk = 1024): (number | null)[] {
  const k = model.tasks.length;
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  for (let start = 0; start < rows.length; start += chunk) {
    const batch = data.batch(rows.subarray(start, start + chunk), 'observed');
    const [s, c] = tf.tidy(() => [tf.sum(model.maskedPairLoss(batch, { training: false }), 0), tf.sum(batch.mask, 0)]);
    const sv = s.dataSync();
    const cv = c.dataSync();
    for (let t = 0; t < k; t++) {
      sums[t] += sv[t];
      counts[t] += cv[t];
    }
    tf.dispose([s, c]);
    batch.dispose();
  }
  return Array.from(sums, (s, t) => (counts[t] > 0 ? s / counts[t] : null));
}

/**
 * Trains `model` on `trainRows` in minibatches of min(batchSize, rows) over seeded shuffles, for at most
 * `stopping.maxSteps` steps; every `evalEvery` steps (and after the last) runs `check`, and stops once
 * `patience` checks in a row improved nothing. The model is left at the last step: `check` is where a caller
 * keeps what it needs of the best step (per-task early stopping, lib/model/point.ts).
 */
export async function fit(
  tf: typeof tfType,
  model: MultiTaskNetwork,
  data: TaskData,
  trainRows: Int32Array,
  options: FitOptions,
): Promise<FitResult> {
  const { maxSteps, evalEvery, patience } = options.stopping;
  const hooks = options.hooks;
  const order = Int32Array.from(trainRows);
  const batchSize = Math.max(1, Math.min(options.batchSize, order.length));
  const epochs = Math.ceil(maxSteps / Math.max(Math.ceil(order.length / batchSize), 1));
  let step = 0;
  let sinceBest = 0;
  let stoppedEarly = false;
  const check = (): boolean => {
    if (!options.check) return false;
    if (options.check(step)) sinceBest = 0;
    else sinceBest++;
    return sinceBest >= patience;
  };

  if (order.length > 0) {
    outer: for (let epoch = 0; step < maxSteps; epoch++) {
      shuffleInPlace(order, options.rng);
      for (let start = 0; start < order.length && step < maxSteps; start += batchSize) {
        const batch = data.batch(order.subarray(start, start + batchSize), 'train');
        if (hooks?.beforeStep) await hooks.beforeStep({ step: step + 1, epoch, batch, model, optimizer: model.optimizer, data });
        model.trainStep(batch);
        step++;
        if (hooks?.onStep) await hooks.onStep({ step, epoch, batch, model, optimizer: model.optimizer, data });
        batch.dispose();
        if (step % evalEvery === 0 && check()) {
          stoppedEarly = step < maxSteps;
          break outer;
        }
      }
      if (hooks?.onEpochEnd) await hooks.onEpochEnd({ epoch, epochs, step, model, optimizer: model.optimizer, data, trainRows: order });
    }
  }
  // The last step is a candidate too when it did not fall on a check.
  if (step % evalEvery !== 0 || step === 0) check();
  return { steps: step, stoppedEarly };
}
