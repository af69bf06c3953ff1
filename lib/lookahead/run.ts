// Drivers: one all-task training with the data lookahead (and optionally TAG) recording.
import { loadBackend } from '../model/backend.ts';
import { createRng } from '../stats/rng.ts';
import type { PointResult, PointSpec } from '../types.ts';
import { trainPoint, type PointInput, type PointOutput } from '../model/point.ts';
import { combineHooks, createTagRecorder, type TagOptions, type TagResult } from '../tag/hooks.ts';
import { createLookaheadRecorder, validateLookaheadOptions, type LookaheadOptions, type LookaheadResult } from './hooks.ts';
import { chooseLookaheadRows, type LookaheadRowOptions, type LookaheadRows } from './rows.ts';

/** The probe settings of a point spec (PointSpec.probes) as driver options. */
export function probedPointOptions(probes: PointSpec['probes']): ProbedPointOptions {
  return {
    ...(probes?.tag ? { tag: { every: probes.tag.every } } : {}),
    ...(probes?.lookahead ? { lookahead: { ...probes.lookahead } } : {}),
  };
}

/** The probe fields of a PointResult (`tag: {z, seconds}`, `lookahead: {d, seconds}`). */
export function probeResultFields(out: ProbedPointOutput): Pick<PointResult, 'tag' | 'lookahead'> {
  return {
    ...(out.tag ? { tag: { z: out.tag.z, seconds: out.tag.seconds } } : {}),
    ...(out.lookahead ? { lookahead: { d: out.lookahead.d, seconds: out.lookahead.seconds } } : {}),
  };
}

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
    // The point's inner validation set (outside every training set) is where D is read, when it has one.
    const validation = options.lookahead.validation ?? (input.validationRows.length > 0 ? input.validationRows : undefined);
    rows = chooseLookaheadRows(input.trainRows, input.tasks, { ...options.lookahead, validation, seed: input.seed });
    lookahead = createLookaheadRecorder(tf, {
      ...options.lookahead,
      blocks: rows.blocks,
      validation: rows.validation,
      batchSize: input.model.batchSize,
      // Base batches get their own stream, apart from the one that chose the validation slice.
      seed: createRng(input.seed).int(),
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
