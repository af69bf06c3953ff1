// What the Fit and Transfer steps analyse: the stored plan of a run and its trained points.
import { ComputationError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import { StoredPlan } from '../documents.ts';
import { readChecked } from '../storage/checked.ts';
import { analysedResult } from '../transfer/observations.ts';
import type { AnalyseInput } from '../transfer/index.ts';
import type { StepContext } from './context.ts';
import { readPointResults } from './points.ts';

/** The plan and the trained points of a run, each with the metrics the analysis reads: the input of the Fit and Transfer steps. */
export async function analyseInput(ctx: StepContext): Promise<AnalyseInput> {
  const key = runLayout(ctx.runId).plan;
  const plan = await readChecked(ctx.store, key, StoredPlan);
  if (!plan) throw new ComputationError(`run '${ctx.runId}' has no plan (${ctx.store.describe(key)}): the Plan step has not run`);
  const results = await readPointResults(ctx, analysedResult);
  return { runId: ctx.runId, config: plan.config, points: plan.points, results, caps: plan.caps };
}
