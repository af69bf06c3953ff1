// The trainer step (the Batch container's job, or a local worker's): train one point and write points/<id>.json.
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
