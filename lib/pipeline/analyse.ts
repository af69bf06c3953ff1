// The Fit and Transfer steps: Fit writes results/curves.json (every fit, fitted once); Transfer reads it back and
// writes results/transfer.json (transfer effects, TAG, lookahead, agreement, cost) without fitting any curve.
import { ComputationError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import type { CurvesFile } from '../results.ts';
import { getJson, putJson } from '../storage/port.ts';
import { deriveTransfer, fitRun, type AnalyseInput } from '../transfer/index.ts';
import type { StepContext } from './context.ts';
import type { StoredPlan } from './prepared.ts';
import { readPointResults } from './points.ts';
import { markStatus } from './status.ts';

/** The plan and the trained points of a run: the input of both steps. */
async function analyseInput(ctx: StepContext): Promise<AnalyseInput> {
  const key = runLayout(ctx.runId).plan;
  const plan = await getJson<StoredPlan>(ctx.store, key);
  if (!plan) throw new ComputationError(`run '${ctx.runId}' has no plan (${ctx.store.describe(key)}): the Plan step has not run`);
  const results = await readPointResults(ctx);
  return { runId: ctx.runId, config: plan.config, points: plan.points, results, caps: plan.caps };
}

export async function fitStep(ctx: StepContext): Promise<{ fits: number; failed: number }> {
  const input = await analyseInput(ctx);
  // The Map has ended: record how many points it left behind (the report lists which).
  const done = new Set(input.results.map((r) => r.id));
  const pointsDone = input.points.filter((p) => done.has(p.id)).length;
  await markStatus(ctx, { state: 'RUNNING', step: 'Fit', progress: { pointsDone, pointsTotal: input.points.length, pointsFailed: input.points.length - pointsDone } });
  const curves = fitRun(input);
  await putJson(ctx.store, runLayout(ctx.runId).curves, curves);
  return { fits: curves.fits.length, failed: curves.fits.filter((f) => f.status === 'failed').length };
}

export async function transferStep(ctx: StepContext): Promise<{ pairs: number }> {
  const key = runLayout(ctx.runId).curves;
  const curves = await getJson<CurvesFile>(ctx.store, key);
  if (!curves) throw new ComputationError(`run '${ctx.runId}' has no ${ctx.store.describe(key)}: the Fit step has not run`);
  const transfer = deriveTransfer(curves, await analyseInput(ctx));
  await putJson(ctx.store, runLayout(ctx.runId).transfer, transfer);
  return { pairs: transfer.pairwise.length };
}
