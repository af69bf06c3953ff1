// Trains a plan on an in-memory data set with the point trainer (lib/training): the harness of the power tests.
// (The pipeline's trainer reads prepared data from the bucket; this harness holds a synthetic set in memory.)
import type { ModelConfig } from '../config.ts';
import type { LoadedBackend } from '../model/index.ts';
import { ComputationError } from '../errors.ts';
import { trainSpecs, type TrainingSource } from '../training/point.ts';
import type { PointResult, PointSpec } from '../types.ts';

export interface TrainPlanInput {
  source: TrainingSource;
  points: PointSpec[];
  model: ModelConfig;
  backend?: LoadedBackend;
}

/** Trains every point as the pipeline's trainer does (trainSpecs: batched by network shape), and returns their
 * PointResults in plan order; a point that fails fails the harness. */
export async function trainPlan(input: TrainPlanInput): Promise<PointResult[]> {
  const byId = new Map<string, PointResult>();
  await trainSpecs(() => input.source, input.points, input.model, {
    ...(input.backend ? { backend: input.backend } : {}),
    onPoint: (result) => void byId.set(result.id, result),
    onError: (spec, error) => {
      throw new ComputationError(`point ${spec.id}: ${error.message}`);
    },
  });
  return input.points.map((spec) => byId.get(spec.id)!);
}
