// Plan step Lambda: featurise and split once into prepared/, list the points, and hand the Distributed Map
// only what it needs: the ids of the points still missing and the run's concurrency settings.
import { planStep, type PlanOutput } from '../../lib/pipeline/steps.ts';
import { awsDeps, type DepsProvider } from '../shared/deps.ts';
import type { LogSink } from '../shared/middleware/structured-logs.ts';
import { createStepHandler } from '../shared/step-handler.ts';

export type { PlanOutput };

export const createPlanHandler = (deps: DepsProvider, sink?: LogSink) => createStepHandler('plan', 'Plan', deps, planStep, sink, { startsRun: true });
export const handler = createPlanHandler(awsDeps);
