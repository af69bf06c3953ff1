// Data lookahead as training hooks: probes at given epochs of the running all-task training and averages D.
import type { Tf } from '../model/backend.ts';
import type { TrainingHooks } from '../model/train.ts';
import { ConfigError } from '../errors.ts';
import { PairwiseMean, type AffinityMatrix } from '../tag/affinity.ts';
import { probeDataLookahead } from './probe.ts';
import { probeEpochs } from './schedule.ts';

export interface LookaheadOptions {
  /** Probe epochs, as fractions of the run (each in (0, 1)). */
  probes: number[];
  /** L: steps of each continuation. */
  steps: number;
  /** Δ: block size per source task (used to choose the rows; see chooseLookaheadRows). */
  delta: number;
}

export interface LookaheadResult {
  /** Mean D[source][target] over the probes. */
  d: AffinityMatrix;
  /** Compute seconds spent in the probes (the training itself excluded). */
  seconds: number;
  /** Number of probes taken (early stopping can end a run before its later probe epochs). */
  probes: number;
}

export interface LookaheadRecorder {
  hooks: TrainingHooks;
  result(): LookaheadResult;
}

export interface LookaheadRecorderInput extends LookaheadOptions {
  blocks: Record<string, Int32Array>;
  validation: Int32Array;
  batchSize: number;
  /** Seeds each probe's base batches (probe p uses seed + p). */
  seed: number;
}

/** Checks the lookahead settings, naming the config fields. */
export function validateLookaheadOptions(options: LookaheadOptions): void {
  const issues: { field: string; message: string }[] = [];
  if (options.probes.length === 0) issues.push({ field: 'study.lookahead.probes', message: 'expected at least one probe fraction' });
  options.probes.forEach((f, i) => {
    if (!(f > 0 && f < 1)) issues.push({ field: `study.lookahead.probes.${i}`, message: `expected a fraction in (0, 1), got ${f}` });
  });
  if (!Number.isInteger(options.steps) || options.steps < 1) issues.push({ field: 'study.lookahead.steps', message: `expected a positive integer, got ${options.steps}` });
  if (!Number.isInteger(options.delta) || options.delta < 1) issues.push({ field: 'study.lookahead.delta', message: `expected a positive integer, got ${options.delta}` });
  if (issues.length) throw new ConfigError(issues);
}

/**
 * Hooks that run probeDataLookahead at the end of each probe epoch and average over probes:
 *   D̄_{j→i} = mean over probes p where defined of D^p_{j→i}.
 */
export function createLookaheadRecorder(tf: Tf, input: LookaheadRecorderInput): LookaheadRecorder {
  validateLookaheadOptions(input);
  let mean: PairwiseMean | undefined;
  let seconds = 0;
  return {
    hooks: {
      async onEpochEnd(ctx) {
        const epochs = probeEpochs(input.probes, ctx.epochs);
        const p = epochs.indexOf(ctx.epoch);
        if (p < 0) return;
        const started = performance.now();
        mean ??= new PairwiseMean(ctx.model.tasks);
        const d = await probeDataLookahead(tf, {
          model: ctx.model,
          data: ctx.data,
          trainRows: ctx.trainRows,
          blocks: input.blocks,
          validation: input.validation,
          steps: input.steps,
          batchSize: input.batchSize,
          seed: input.seed + p,
        });
        mean.add(d);
        seconds += (performance.now() - started) / 1000;
      },
    },
    result: () => ({ d: mean?.mean() ?? {}, seconds, probes: mean?.steps ?? 0 }),
  };
}
