// Trains a plan on an in-memory data set with the point trainer (lib/training): the harness of the power tests.
// (The pipeline's trainer reads prepared data from the bucket; this harness holds a synthetic set in memory.)
import type { ModelConfig } from '../config.ts';
import type { LoadedBackend } from '../model/index.ts';
import { trainSpec, type TrainingSource } from '../training/point.ts';
import type { PointResult, PointSpec } from '../types.ts';

export interface TrainPlanInput {
  source: TrainingSource;
  points: PointSpec[];
  model: ModelConfig;
  backend?: LoadedBackend;
}

/** Trains every point (sequentially) as the pipeline's trainer would, and returns its PointResults. */
export async function trainPlan(input: TrainPlanInput): Promise<PointResult[]> {
  const out: PointResult[] = [];
  for (const spec of input.points) out.push(await trainSpec(input.source, spec, input.model, input.backend));
  return out;
}
