// Report step Lambda: results/report.html with its plots.
import { reportStep } from '../../lib/pipeline/steps.ts';
import { awsDeps, type DepsProvider } from '../shared/deps.ts';
import { createStepHandler } from '../shared/step-handler.ts';

export const createReportHandler = (deps: DepsProvider) => createStepHandler('report', 'Report', deps, (ctx) => reportStep(ctx));
export const handler = createReportHandler(awsDeps);
