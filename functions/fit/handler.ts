// Fit step Lambda: fits every learning curve of the run into results/curves.json.
import { fitStep } from '../../lib/pipeline/steps.ts';
import { awsDeps, type DepsProvider } from '../shared/deps.ts';
import type { LogSink } from '../shared/middleware/structured-logs.ts';
import { createStepHandler } from '../shared/step-handler.ts';

export const createFitHandler = (deps: DepsProvider, sink?: LogSink) => createStepHandler('fit', 'Fit', deps, fitStep, sink);
export const handler = createFitHandler(awsDeps);
