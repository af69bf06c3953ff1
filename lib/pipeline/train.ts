// The trainer step (one Batch job, or a local worker's job): train a batch of points, each into points/<id>.json
// as soon as it is done, so a job that dies keeps what it finished (docs/aws.md, "Jobs").
import { ComputationError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import { putJson } from '../storage/port.ts';
import { trainSpec } from '../training/point.ts';
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

/** Trains one point of the run into points/<id>.json (a point already stored whole is skipped). */
export async function trainStep(ctx: StepContext & { pointId: string }): Promise<TrainOutput> {
  const key = runLayout(ctx.runId).point(ctx.pointId);
  if (await pointIsDone(ctx, ctx.pointId)) return { pointId: ctx.pointId, seconds: 0, skipped: true };
  const run = await loadPreparedRun(ctx);
  const spec = run.plan.points.find((p) => p.id === ctx.pointId);
  if (!spec) throw new ComputationError(`point '${ctx.pointId}' is not in the plan of run '${ctx.runId}'`);
  const assignment = run.splits.get(spec.split);
  if (!assignment) throw new ComputationError(`point ${spec.id}: the run has no '${spec.split}' split`);
  const result = await trainSpec({ features: run.dataset.features, labels: run.dataset.labels, assignment }, spec, run.plan.config.model);
  await putJson(ctx.store, key, result);
  return { pointId: spec.id, seconds: result.seconds, skipped: false };
}

/**
 * Trains a job's points one after another. A point that fails does not stop the others: the job trains the rest,
 * then fails naming every failed point (Batch marks it FAILED and the Map counts it; a re-run trains only what is
 * missing). `onPoint` hears each point as it ends (progress lines, the local progress bar).
 */
export async function trainPointsStep(ctx: StepContext & { pointIds: readonly string[]; onPoint?(outcome: PointOutcome): void }): Promise<TrainPointsOutput> {
  const started = performance.now();
  const points: TrainOutput[] = [];
  const failed: { pointId: string; error: Error }[] = [];
  for (const pointId of ctx.pointIds) {
    try {
      const out = await trainStep({ ...ctx, pointId });
      points.push(out);
      ctx.onPoint?.({ ok: true, ...out });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      failed.push({ pointId, error });
      ctx.onPoint?.({ ok: false, pointId, error: { name: error.name, message: error.message } });
    }
  }
  if (failed.length) {
    const first = failed[0];
    const error = new Error(`${failed.length} of ${ctx.pointIds.length} point(s) failed; ${first.pointId}: ${first.error.message}${failed.length > 1 ? ` (also: ${failed.slice(1, 6).map((f) => f.pointId).join(', ')}${failed.length > 6 ? ', …' : ''})` : ''}`);
    error.name = first.error.name;
    throw error;
  }
  return { points, seconds: (performance.now() - started) / 1000 };
}
