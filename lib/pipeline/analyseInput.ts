// What the Fit and Transfer steps analyse: the stored plan of a run and its trained points.
import { ComputationError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import { getJson } from '../storage/port.ts';
import type { AnalyseInput } from '../transfer/index.ts';
import type { StepContext } from './context.ts';
import type { StoredPlan } from './prepared.ts';
import { readPointResults } from './points.ts';

/** The plan and the trained points of a run: the input of every Fit step and of Transfer. */
export async function analyseInput(ctx: StepContext): Promise<AnalyseInput> {
  const key = runLayout(ctx.runId).plan;
  const plan = await getJson<StoredPlan>(ctx.store, key);
  if (!plan) throw new ComputationError(`run '${ctx.runId}' has no plan (${ctx.store.describe(key)}): the Plan step has not run`);
  const results = await readPointResults(ctx);
  return { runId: ctx.runId, config: plan.config, points: plan.points, results, caps: plan.caps };
}
