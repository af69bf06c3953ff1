// Plan step Lambda: featurise and split once into prepared/, list the points, and hand the Distributed Map
// only what it needs: the ids of the points still missing and the run's concurrency settings.
import { ConfigError } from '../../lib/errors.ts';
import { runLayout } from '../../lib/layout.ts';
import { planStep, validateConfigText, type StepContext } from '../../lib/pipeline/steps.ts';
import { awsDeps, type DepsProvider } from '../shared/deps.ts';
import { createStepHandler } from '../shared/step-handler.ts';

export interface PlanOutput {
  runId: string;
  pointsTotal: number;
  pointsDone: number;
  /** Point ids only: the Map's ItemSelector adds the runId, so each item costs a few dozen bytes. */
  pending: string[];
  maxConcurrency: number;
  toleratedFailurePercentage: number;
}

async function plan(ctx: StepContext): Promise<PlanOutput> {
  const key = runLayout(ctx.runId).config;
  const bytes = await ctx.store.get(key);
  if (bytes === undefined) throw new ConfigError([{ field: '(root)', message: `no config at ${ctx.store.describe(key)}` }]);
  const checked = validateConfigText(Buffer.from(bytes).toString('utf8'));
  if (!checked.ok) throw new ConfigError(checked.errors);
  const result = await planStep(ctx);
  return {
    runId: result.runId,
    pointsTotal: result.pointsTotal,
    pointsDone: result.pointsDone,
    pending: result.pending.map((p) => p.pointId),
    maxConcurrency: checked.config.execution.maxConcurrency,
    toleratedFailurePercentage: checked.config.execution.toleratedFailurePercentage,
  };
}

export const createPlanHandler = (deps: DepsProvider) => createStepHandler('plan', 'Plan', deps, plan);
export const handler = createPlanHandler(awsDeps);
