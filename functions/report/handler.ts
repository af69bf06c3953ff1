// Report step Lambda: results/report.html with its plots.
import { reportStep } from '../../lib/pipeline/steps.ts';
import { awsDeps, type DepsProvider } from '../shared/deps.ts';
import type { LogSink } from '../shared/middleware/structured-logs.ts';
import { createStepHandler } from '../shared/step-handler.ts';

export const createReportHandler = (deps: DepsProvider, sink?: LogSink) => createStepHandler('report', 'Report', deps, reportStep, sink);
export const handler = createReportHandler(awsDeps);
