// Drivers: one all-task training with the data lookahead (and optionally TAG) recording.
import { loadBackend } from '../model/backend.ts';
import { trainPoint, type PointInput, type PointOutput } from '../model/point.ts';
import { combineHooks, createTagRecorder, type TagOptions, type TagResult } from '../tag/hooks.ts';
import { createLookaheadRecorder, validateLookaheadOptions, type LookaheadOptions, type LookaheadResult } from './hooks.ts';
import { chooseLookaheadRows, type LookaheadRowOptions, type LookaheadRows } from './rows.ts';

export interface ProbedPointOptions {
  tag?: TagOptions;
  lookahead?: LookaheadOptions & Pick<LookaheadRowOptions, 'reserve' | 'validation' | 'validationFraction'>;
}

export interface ProbedPointOutput {
  point: PointOutput;
  tag?: TagResult;
  lookahead?: LookaheadResult;
  /** The rows the lookahead held back (when it ran): the main run trained on `rows.trainRows`. */
  rows?: LookaheadRows;
}

/**
 * Trains one all-task point with the requested probes (`PointSpec.probes`). TAG alone leaves the point's
 * training untouched. The lookahead needs held-back rows: unless `reserve`/`validation` supply rows outside the
 * point's training set, they are carved out of it (chooseLookaheadRows), so the main run trains on fewer rows;
 * its training is otherwise exactly that of a run without probes on those rows.
 */
export async function trainProbedPoint(input: PointInput, options: ProbedPointOptions): Promise<ProbedPointOutput> {
  const backend = input.backend ?? (await loadBackend());
  const tf = backend.tf;
  const tag = options.tag ? createTagRecorder(tf, options.tag) : undefined;
  let rows: LookaheadRows | undefined;
  let lookahead: ReturnType<typeof createLookaheadRecorder> | undefined;
  if (options.lookahead) {
    validateLookaheadOptions(options.lookahead);
    rows = chooseLookaheadRows(input.trainRows, input.tasks, { ...options.lookahead, seed: input.seed });
    lookahead = createLookaheadRecorder(tf, {
      ...options.lookahead,
      blocks: rows.blocks,
      validation: rows.validation,
      batchSize: input.model.batchSize,
      seed: input.seed,
    });
  }
  const point = await trainPoint({
    ...input,
    backend,
    trainRows: rows?.trainRows ?? input.trainRows,
    hooks: combineHooks(input.hooks, tag?.hooks, lookahead?.hooks),
  });
  return {
    point,
    ...(tag ? { tag: tag.result() } : {}),
    ...(lookahead ? { lookahead: lookahead.result() } : {}),
    ...(rows ? { rows } : {}),
  };
}
