// The trainer step (the Batch container's job, or a local worker's): train one point and write points/<id>.json.
import { trainPoint } from '../model/index.ts';
import { trainProbedPoint } from '../lookahead/index.ts';
import { ComputationError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import { testRows, trainingOrder } from '../splits/index.ts';
import { putJson } from '../storage/port.ts';
import type { PointResult, PointSpec } from '../types.ts';
import type { StepContext } from './context.ts';
import { loadPreparedRun, type LoadedRun } from './prepared.ts';

export interface TrainOutput {
  pointId: string;
  seconds: number;
  skipped: boolean;
}

/** Per-task training rows of a point: the first n rows of each task's nested order for (fold, seed). */
function pointRows(run: LoadedRun, spec: PointSpec) {
  const assignment = run.splits.get(spec.split);
  if (!assignment) throw new ComputationError(`point ${spec.id}: the run has no '${spec.split}' split`);
  const tasks = Object.keys(spec.sizes).filter((t) => spec.sizes[t] > 0);
  const trainRows: Record<string, Int32Array> = {};
  for (const task of tasks) {
    const order = trainingOrder(run.dataset.labels, assignment, spec.fold, spec.seed, task);
    if (spec.sizes[task] > order.length) throw new ComputationError(`point ${spec.id}: task '${task}' has ${order.length} training compounds, the point asks for ${spec.sizes[task]}`);
    trainRows[task] = order.subarray(0, spec.sizes[task]);
  }
  return { tasks, trainRows, testRows: testRows(assignment, spec.fold) };
}

export async function trainStep(ctx: StepContext & { pointId: string }): Promise<TrainOutput> {
  const key = runLayout(ctx.runId).point(ctx.pointId);
  if (await ctx.store.exists(key)) return { pointId: ctx.pointId, seconds: 0, skipped: true };
  const run = await loadPreparedRun(ctx);
  const spec = run.plan.points.find((p) => p.id === ctx.pointId);
  if (!spec) throw new ComputationError(`point '${ctx.pointId}' is not in the plan of run '${ctx.runId}'`);
  const config = run.plan.config;
  const { tasks, trainRows, testRows: test } = pointRows(run, spec);
  const input = { features: run.dataset.features, labels: run.dataset.labels, tasks, trainRows, testRows: test, model: config.model, seed: spec.seed };

  // TAG probes leave the training untouched, so they ride on the point itself.
  const main = spec.probes?.tag ? await trainProbedPoint(input, { tag: { every: spec.probes.tag.every } }) : { point: await trainPoint(input) };
  const result: PointResult = {
    id: spec.id,
    spec,
    metrics: main.point.metrics,
    seconds: main.point.seconds,
    backend: main.point.backend,
    device: main.point.device,
    epochsRun: main.point.epochsRun,
    finishedAt: '',
  };
  if ('tag' in main && main.tag) result.tag = { z: main.tag.z, seconds: main.tag.seconds };
  // The data lookahead holds samples back from training, so it runs as its own training: the point's
  // metrics stay those of the full training set, and its cost is the whole extra run (what a user would pay).
  if (spec.probes?.lookahead) {
    const started = performance.now();
    const { probes, steps, delta } = spec.probes.lookahead;
    const probed = await trainProbedPoint(input, { lookahead: { probes, steps, delta } });
    result.lookahead = { d: probed.lookahead!.d, seconds: probed.lookahead!.seconds, runSeconds: (performance.now() - started) / 1000 };
  }
  result.finishedAt = new Date().toISOString();
  await putJson(ctx.store, key, result);
  return { pointId: spec.id, seconds: result.seconds, skipped: false };
}
