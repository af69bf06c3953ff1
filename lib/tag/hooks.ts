// TAG as training hooks: probes the running all-task training every `every` steps, before the step's update,
// and averages the affinities.
import type { Tf } from '../model/backend.ts';
import type { TrainingHooks } from '../model/train.ts';
import { ConfigError } from '../errors.ts';
import { PairwiseMean, type AffinityMatrix } from './affinity.ts';
import { networkTagModel } from './network.ts';
import { probeAffinity } from './probe.ts';

export interface TagOptions {
  /** Probe at every `every`-th optimisation step (steps every, 2·every, …), before its update. */
  every: number;
}

export interface TagResult {
  /** Mean affinity Z[source][target] over the probes where the pair was defined. */
  z: AffinityMatrix;
  /** Compute seconds spent in the probes (the training itself excluded). */
  seconds: number;
  /** Number of probes taken. */
  steps: number;
}

export interface TagRecorder {
  hooks: TrainingHooks;
  result(): TagResult;
}

/**
 * Hooks that run TAG's lookahead (see probeAffinity) at every `every`-th step of the training loop (steps
 * every, 2·every, … in the loop's 1-based count), *before* that step's update, as Fifty et al. (2021) do:
 * at step t, from the current trunk θ_s^t and heads θ^t, on the step's batch X^t (not yet trained on),
 *
 *   θ_{s|i}^{t+1} = θ_s^t − Δ_opt^t(∇_{θ_s} L_i(X^t, θ_s^t, θ_i^t))
 *   Z^t_{i→j}     = 1 − L_j(X^t, θ_{s|i}^{t+1}, θ_j^t) / L_j(X^t, θ_s^t, θ_j^t)
 *
 * where Δ_opt^t is the loop's own optimizer taking step t from its state after step t − 1 (Adam: the
 * moments and iteration count of step t − 1, advanced by one step exactly as the real update would). The
 * probe then restores trunk and optimizer, and the real update of step t follows. Averaged over the run:
 *   Z̄_{i→j} = mean over probes t where i and j are both labelled in batch t of Z^t_{i→j}.
 */
export function createTagRecorder(tf: Tf, options: TagOptions): TagRecorder {
  if (!Number.isInteger(options.every) || options.every < 1) {
    throw new ConfigError([{ field: 'study.tag.every', message: `expected a positive integer, got ${options.every}` }]);
  }
  let mean: PairwiseMean | undefined;
  let seconds = 0;
  return {
    hooks: {
      async beforeStep(ctx) {
        if (ctx.step % options.every !== 0) return;
        const started = performance.now();
        mean ??= new PairwiseMean(ctx.model.tasks);
        mean.add(await probeAffinity(tf, networkTagModel(ctx.model), ctx.optimizer, ctx.batch));
        seconds += (performance.now() - started) / 1000;
      },
    },
    result: () => ({ z: mean?.mean() ?? {}, seconds, steps: mean?.steps ?? 0 }),
  };
}

/** Runs several sets of hooks in the given order at each callback. */
export function combineHooks(...all: (TrainingHooks | undefined)[]): TrainingHooks {
  const hooks = all.filter((h): h is TrainingHooks => h !== undefined);
  return {
    async beforeStep(ctx) {
      for (const h of hooks) if (h.beforeStep) await h.beforeStep(ctx);
    },
    async onStep(ctx) {
      for (const h of hooks) if (h.onStep) await h.onStep(ctx);
    },
    async onEpochEnd(ctx) {
      for (const h of hooks) if (h.onEpochEnd) await h.onEpochEnd(ctx);
    },
  };
}
