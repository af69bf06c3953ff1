// The pipeline steps, one function each; the Lambda handlers, the Batch trainer and the local runner all call these.
export type { StepContext } from './context.ts';
export { validateConfigText, readRunConfig, type ConfigValidation } from './config.ts';
export { planStep, type PlanOutput } from './plan.ts';
export { trainPointsStep, type TrainOutput, type TrainPointsOutput, type PointOutcome } from './train.ts';
export { fitStep } from './fits.ts';
export { transferStep } from './transfer.ts';
export { planFitsStep, fitShardStep, mergeFitsStep, fitShardKey, fitShardsPrefix, type PlanFitsOutput, type FitShardOutput } from './fits.ts';
export { reportStep } from './report.ts';
export { markStatus, readStatus, runProgress } from './status.ts';
export { loadPreparedRun } from './prepared.ts';
export type { StoredPlan } from '../documents.ts';
