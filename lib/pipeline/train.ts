// The trainer step (one Batch job, or a local worker's job): train a batch of points, each into points/<id>.json
// as soon as it is done, so a job that dies keeps what it finished (docs/aws.md, "Jobs").
import { ComputationError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import { putJson } from '../storage/port.ts';
import { trainSpecs, type TrainingSource } from '../training/point.ts';
import type { PointSpec } from '../types.ts';
import type { StepContext } from './context.ts';
import { loadPreparedRun } from './prepared.ts';
import { pointIsDone } from './points.ts';

export interface TrainOutput {
  pointId: string;
  seconds: number;
  skipped: boolean;
}

/** One point of a job as it ends: trained (or found done), or failed with the reason. */
export type PointOutcome = ({ ok: true } & TrainOutput) | { ok: false; pointId: string; error: { name: string; message: string } };

export interface TrainPointsOutput {
  points: TrainOutput[];
  seconds: number;
}

/**
 * Trains a job's points: the run is read once, points already stored are skipped, and the rest train by
 * `trainSpecs` (points of one network shape as one batched program), each stored as soon as it finishes. A point
 * that fails does not stop the others: the job trains the rest, then fails naming every failed point (Batch marks
 * it FAILED and the Map counts it; a re-run trains only what is missing). `onPoint` hears each point as it ends
 * (progress lines, the local progress bar).
 */
export async function trainPointsStep(ctx: StepContext & { pointIds: readonly string[]; onPoint?(outcome: PointOutcome): void }): Promise<TrainPointsOutput> {
  const started = performance.now();
  const points: TrainOutput[] = [];
  const failed: { pointId: string; error: Error }[] = [];
  const fail = (pointId: string, error: Error) => {
    failed.push({ pointId, error });
    ctx.onPoint?.({ ok: false, pointId, error: { name: error.name, message: error.message } });
  };
  const todo: string[] = [];
  for (const pointId of ctx.pointIds) {
    if (!(await pointIsDone(ctx, pointId))) {
      todo.push(pointId);
      continue;
    }
    const out = { pointId, seconds: 0, skipped: true };
    points.push(out);
    ctx.onPoint?.({ ok: true, ...out });
  }
  if (todo.length) {
    const run = await loadPreparedRun(ctx);
    const specs: PointSpec[] = [];
    for (const pointId of todo) {
      const spec = run.plan.points.find((p) => p.id === pointId);
      if (spec) specs.push(spec);
      else fail(pointId, new ComputationError(`point '${pointId}' is not in the plan of run '${ctx.runId}'`));
    }
    const sourceOf = (spec: PointSpec): TrainingSource => {
      const assignment = run.splits.get(spec.split);
      if (!assignment) throw new ComputationError(`point ${spec.id}: the run has no '${spec.split}' split`);
      return { features: run.dataset.features, labels: run.dataset.labels, assignment };
    };
    await trainSpecs(sourceOf, specs, run.plan.config.model, {
      pointsAtOnce: run.plan.config.execution.pointsAtOnce,
      onPoint: async (result) => {
        await putJson(ctx.store, runLayout(ctx.runId).point(result.id), result);
        const out = { pointId: result.id, seconds: result.seconds, skipped: false };
        points.push(out);
        ctx.onPoint?.({ ok: true, ...out });
      },
      onError: (spec, error) => fail(spec.id, error),
    });
  }
  if (failed.length) {
    const first = failed[0];
    const error = new Error(`${failed.length} of ${ctx.pointIds.length} point(s) failed; ${first.pointId}: ${first.error.message}${failed.length > 1 ? ` (also: ${failed.slice(1, 6).map((f) => f.pointId).join(', ')}${failed.length > 6 ? ', …' : ''})` : ''}`);
    error.name = first.error.name;
    throw error;
  }
  return { points, seconds: (performance.now() - started) / 1000 };
}
