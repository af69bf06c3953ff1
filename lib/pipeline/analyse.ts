// The Fit and Transfer steps: curves.json (every fit) and transfer.json (transfer effects, TAG, lookahead, agreement, cost).
import { runLayout } from '../layout.ts';
import { getJson, putJson } from '../storage/port.ts';
import { analyseRun } from '../transfer/index.ts';
import { ComputationError } from '../errors.ts';
import type { StepContext } from './context.ts';
import type { StoredPlan } from './prepared.ts';
import { readPointResults } from './points.ts';

async function analyse(ctx: StepContext) {
  const plan = await getJson<StoredPlan>(ctx.store, runLayout(ctx.runId).plan);
  if (!plan) throw new ComputationError(`run '${ctx.runId}' has no plan: the Plan step has not run`);
  const results = await readPointResults(ctx);
  return analyseRun({ runId: ctx.runId, config: plan.config, points: plan.points, results, caps: plan.caps });
}

export async function fitStep(ctx: StepContext): Promise<{ fits: number; failed: number }> {
  const { curves } = await analyse(ctx);
  await putJson(ctx.store, runLayout(ctx.runId).curves, curves);
  return { fits: curves.fits.length, failed: curves.fits.filter((f) => f.status === 'failed').length };
}

export async function transferStep(ctx: StepContext): Promise<{ pairs: number }> {
  const { transfer } = await analyse(ctx);
  await putJson(ctx.store, runLayout(ctx.runId).transfer, transfer);
  return { pairs: transfer.pairwise.length };
}
