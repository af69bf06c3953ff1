// TAG as training hooks: probes the running all-task training every `every` steps, before the step's update,
// and averages the affinities.
import type { Tf } from '../model/backend.ts';
import type { TrainingHooks } from '../model/train.ts';
import { ConfigError } from '../errors.ts';
import { PairwiseMean, type AffinityMatrix } from './affinity.ts';
import { networkTagModel } from './network.ts';
import { probeAffinities } from './probe.ts';
import { createRng } from '../stats/rng.ts';
import type { Batch } from '../model/data.ts';

export interface TagOptions {
  /** Probe at every `every`-th optimisation step (steps every, 2·every, …), before its update. */
  every: number;
  /** The held-out variant: L_j also read on a batch of these rows (the point's inner validation rows), drawn
   * afresh at each probe from a stream seeded by `seed`. */
  heldOut?: { rows: Int32Array; batchSize: number; seed: number };
}

/** Mean Z over the probes of epochs from..to. */
export interface PhaseAffinity {
  from: number;
  to: number;
  z: AffinityMatrix;
}

export interface TagResult {
  /** Mean affinity Z[source][target] over the probes where the pair was defined. */
  z: AffinityMatrix;
  /** The same mean by training phase (phaseOfEpoch), phases without a probe left out. */
  phases: PhaseAffinity[];
  /** The held-out variant, when asked for. */
  heldOut?: { z: AffinityMatrix; phases: PhaseAffinity[] };
  /** Compute seconds spent in the probes (the training itself excluded). */
  seconds: number;
  /** Number of probes taken. */
  steps: number;
}

/**
 * Training phases, doubling in length: phase p holds epochs 2^p − 1 … 2^(p+1) − 2 (0-based), i.e. {0}, {1, 2},
 * {3–6}, {7–14}, … The first phase is where TAG's signal is strongest (docs/methods.md, "TAG by phase").
 */
export function phaseOfEpoch(epoch: number): { phase: number; from: number; to: number } {
  const phase = Math.floor(Math.log2(epoch + 1));
  return { phase, from: 2 ** phase - 1, to: 2 ** (phase + 1) - 2 };
}

/** A running mean over the whole run and one per phase. */
class PhasedMean {
  readonly whole: PairwiseMean;
  private readonly byPhase = new Map<number, PairwiseMean>();
  constructor(private readonly tasks: readonly string[]) {
    this.whole = new PairwiseMean(tasks);
  }
  add(epoch: number, z: (number | null)[][]): void {
    this.whole.add(z);
    const { phase } = phaseOfEpoch(epoch);
    let mean = this.byPhase.get(phase);
    if (!mean) this.byPhase.set(phase, (mean = new PairwiseMean(this.tasks)));
    mean.add(z);
  }
  phases(): PhaseAffinity[] {
    return [...this.byPhase.entries()]
      .sort(([a], [b]) => a - b)
      .map(([phase, mean]) => ({ from: 2 ** phase - 1, to: 2 ** (phase + 1) - 2, z: mean.mean() }));
  }
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
 *   Z̄_{i→j} = mean over probes t where i and j are both labelled in batch t of Z^t_{i→j},
 * and the same mean within each phase (phaseOfEpoch). With `heldOut`, the same step's L_j is also read on a batch
 * of held-out rows (Z^held-out), which the step did not train on.
 */
export function createTagRecorder(tf: Tf, options: TagOptions): TagRecorder {
  if (!Number.isInteger(options.every) || options.every < 1) {
    throw new ConfigError([{ field: 'study.tag.every', message: `expected a positive integer, got ${options.every}` }]);
  }
  const heldOut = options.heldOut && options.heldOut.rows.length > 0 ? options.heldOut : undefined;
  const heldOutRng = heldOut ? createRng(heldOut.seed) : undefined;
  let mean: PhasedMean | undefined;
  let heldOutMean: PhasedMean | undefined;
  let seconds = 0;
  return {
    hooks: {
      async beforeStep(ctx) {
        if (ctx.step % options.every !== 0) return;
        const started = performance.now();
        mean ??= new PhasedMean(ctx.model.tasks);
        const measures: Batch[] = [ctx.batch];
        if (heldOut && heldOutRng) {
          const size = Math.min(heldOut.batchSize, heldOut.rows.length);
          const rows = Int32Array.from({ length: size }, () => heldOut.rows[heldOutRng.int(heldOut.rows.length)]);
          measures.push(ctx.data.batch(rows, 'observed'));
        }
        try {
          const [z, zHeldOut] = await probeAffinities(tf, networkTagModel(ctx.model), ctx.optimizer, ctx.batch, measures);
          mean.add(ctx.epoch, z);
          if (zHeldOut) (heldOutMean ??= new PhasedMean(ctx.model.tasks)).add(ctx.epoch, zHeldOut);
        } finally {
          for (const m of measures.slice(1)) m.dispose();
        }
        seconds += (performance.now() - started) / 1000;
      },
    },
    result: () => ({
      z: mean?.whole.mean() ?? {},
      phases: mean?.phases() ?? [],
      ...(heldOutMean ? { heldOut: { z: heldOutMean.whole.mean(), phases: heldOutMean.phases() } } : {}),
      seconds,
      steps: mean?.whole.steps ?? 0,
    }),
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
