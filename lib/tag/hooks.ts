// TAG as training hooks: probes the running all-task training every `every` steps and averages the affinities.
import type { Tf } from '../model/backend.ts';
import type { TrainingHooks } from '../model/train.ts';
import { ConfigError } from '../errors.ts';
import { PairwiseMean, type AffinityMatrix } from './affinity.ts';
import { networkTagModel } from './network.ts';
import { probeAffinity } from './probe.ts';

export interface TagOptions {
  /** Probe after every `every`-th optimisation step (steps every, 2·every, …). */
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
 * Hooks that run TAG's lookahead (see probeAffinity) on the batch of every `every`-th step, right after the
 * training loop's update on it, with the loop's own optimizer, and average Z over the run:
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
      async onStep(ctx) {
        if (ctx.step % options.every !== 0) return;
        const started = performance.now();
        mean ??= new PairwiseMean(ctx.model.tasks);
        mean.add(await probeAffinity(tf, networkTagModel(tf, ctx.model), ctx.optimizer, ctx.batch));
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
    async onStep(ctx) {
      for (const h of hooks) if (h.onStep) await h.onStep(ctx);
    },
    async onEpochEnd(ctx) {
      for (const h of hooks) if (h.onEpochEnd) await h.onEpochEnd(ctx);
    },
  };
}
