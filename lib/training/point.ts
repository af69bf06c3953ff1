// The point trainer: one PointSpec → one PointResult, for every consumer of a point (the pipeline's trainer
// step, `mtlc train`, the synthetic/power harness), so all of them train by the same protocol and rows.
import type { ModelConfig } from '../config.ts';
import { probedPointOptions, probeResultFields, trainProbedPoint } from '../lookahead/run.ts';
import { trainPoint, type LoadedBackend, type PointInput } from '../model/index.ts';
import { modelSeed, pointRows } from '../splits/index.ts';
import type { FeatureMatrix, FoldAssignment, LabelMatrix, PointResult, PointSpec } from '../types.ts';

/** What every point of a run is drawn from. */
export interface TrainingSource {
  features: FeatureMatrix;
  labels: LabelMatrix;
  /** The fold assignment of the spec's split kind. */
  assignment: FoldAssignment;
}

/**
 * Trains one point: its rows from the fold assignment (pointRows), the model seed of its replicate (modelSeed),
 * the training protocol of `model`. TAG probes ride on the point's own training (they leave it untouched); the
 * data lookahead holds samples back, so it runs as a training of its own, and its cost is that whole extra run.
 */
export async function trainSpec(source: TrainingSource, spec: PointSpec, model: ModelConfig, backend?: LoadedBackend): Promise<PointResult> {
  const rows = pointRows(source.labels, source.assignment, spec);
  const input: PointInput = {
    features: source.features,
    labels: source.labels,
    ...rows,
    model,
    seed: modelSeed(spec.split, spec.fold, spec.seed),
    backend,
  };
  const main = spec.probes?.tag ? await trainProbedPoint(input, { tag: { every: spec.probes.tag.every } }) : { point: await trainPoint(input) };
  const result: PointResult = { id: spec.id, spec, ...main.point, finishedAt: '', ...probeResultFields(main) };
  if (spec.probes?.lookahead) {
    // Its probes sit at fractions of the run, so it trains exactly as many steps as the point did (no early stop
    // of its own) and reads D on the point's inner validation set.
    const started = performance.now();
    const options = probedPointOptions({ lookahead: spec.probes.lookahead });
    const probed = await trainProbedPoint(
      { ...input, model: { ...model, maxSteps: Math.max(1, main.point.steps) }, validationRows: new Int32Array(0) },
      { lookahead: { ...options.lookahead!, validation: rows.validationRows } },
    );
    result.lookahead = { ...probeResultFields(probed).lookahead!, runSeconds: (performance.now() - started) / 1000 };
  }
  result.finishedAt = new Date().toISOString();
  return result;
}
