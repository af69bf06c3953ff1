// Fit step Lambda: fits every learning curve of the run into results/curves.json.
import { fitStep } from '../../lib/pipeline/steps.ts';
import { awsDeps, type DepsProvider } from '../shared/deps.ts';
import { createStepHandler } from '../shared/step-handler.ts';

export const createFitHandler = (deps: DepsProvider) => createStepHandler('fit', 'Fit', deps, (ctx) => fitStep(ctx));
export const handler = createFitHandler(awsDeps);
