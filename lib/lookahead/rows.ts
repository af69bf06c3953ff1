// Which rows the data lookahead holds back: a block of Δ samples per source task and a validation slice.
import { ComputationError } from '../errors.ts';
import { unionRows } from '../model/point.ts';
import { createRng, shuffleInPlace } from '../stats/rng.ts';

export interface LookaheadRowOptions {
  /** Block size Δ per source task. */
  delta: number;
  /** Fraction of the training compounds held out as the validation slice (default 0.1). */
  validationFraction?: number;
  seed: number;
  /** Per task, labelled training-fold rows outside the point's training set, in nested order (e.g. the rows a
   * larger n would add). When a task has ≥ Δ of them, its block is their first Δ and nothing is taken away. */
  reserve?: Record<string, Int32Array>;
  /** A validation slice chosen by the caller (training-fold rows outside every task's training set). */
  validation?: Int32Array;
}

export interface LookaheadRows {
  /** What the main run trains on: the given rows minus the validation slice and the carved blocks. */
  trainRows: Record<string, Int32Array>;
  /** Per source task j, the Δ_j held-back rows whose task-j labels the lookahead adds. */
  blocks: Record<string, Int32Array>;
  /** Training-fold compounds on which D is measured (never the test fold, never trained on). */
  validation: Int32Array;
}

/**
 * Our choice of held-back rows (never the test fold):
 * - validation slice: the caller's, else a seeded `validationFraction` of the union of the training rows
 *   (at least one row), removed from every task's training rows;
 * - block of task j: the first Δ rows of `reserve[j]` when it has Δ rows; otherwise the last
 *   Δ_j = min(Δ, ⌊n_j/2⌋) rows of task j's remaining training rows (its nested order: the rows a smaller n
 *   would not have), which then train no task-j label in the main run (they may still train other tasks).
 * The main run therefore trains on fewer rows than the point asked for unless reserve/validation are given.
 */
export function chooseLookaheadRows(trainRows: Record<string, Int32Array>, tasks: readonly string[], options: LookaheadRowOptions): LookaheadRows {
  if (!Number.isInteger(options.delta) || options.delta < 1) {
    throw new ComputationError(`data lookahead: delta must be a positive integer, got ${options.delta}`);
  }
  const fraction = options.validationFraction ?? 0.1;
  if (!(fraction > 0 && fraction < 1)) throw new ComputationError(`data lookahead: validationFraction must be in (0, 1), got ${fraction}`);

  const union = unionRows(tasks, trainRows);
  let validation: Int32Array;
  if (options.validation) {
    validation = Int32Array.from(options.validation);
  } else {
    const shuffled = shuffleInPlace(union.slice(), createRng(options.seed));
    validation = shuffled.slice(0, Math.max(1, Math.round(fraction * union.length))).sort();
  }
  const validationSet = new Set(validation);

  const mainRows: Record<string, Int32Array> = {};
  const blocks: Record<string, Int32Array> = {};
  for (const task of tasks) {
    const own = (trainRows[task] ?? new Int32Array(0)).filter((r) => !validationSet.has(r));
    const reserve = (options.reserve?.[task] ?? new Int32Array(0)).filter((r) => !validationSet.has(r));
    if (reserve.length >= options.delta) {
      blocks[task] = reserve.slice(0, options.delta);
      mainRows[task] = own;
    } else {
      const size = Math.min(options.delta, Math.floor(own.length / 2));
      blocks[task] = own.slice(own.length - size);
      mainRows[task] = own.slice(0, own.length - size);
    }
  }
  return { trainRows: mainRows, blocks, validation };
}
