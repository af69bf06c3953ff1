// Transfer step Lambda: transfer effects, TAG and lookahead scores, agreement and cost into results/transfer.json.
import { transferStep } from '../../lib/pipeline/steps.ts';
import { awsDeps, type DepsProvider } from '../shared/deps.ts';
import type { LogSink } from '../shared/middleware/structured-logs.ts';
import { createStepHandler } from '../shared/step-handler.ts';

export const createTransferHandler = (deps: DepsProvider, sink?: LogSink) => createStepHandler('transfer', 'Transfer', deps, transferStep, sink);
export const handler = createTransferHandler(awsDeps);
