// TAG (Fifty et al. 2021): inter-task affinity from lookahead steps, and task grouping from the affinities.
export { PairwiseMean, averageAffinities, affinityPairs, type AffinityMatrix } from './affinity.ts';
export { groupTasks, groupScore, type TaskGrouping, type GroupingOptions } from './grouping.ts';
export { probeAffinity, type TagModel } from './probe.ts';
export { fromTfOptimizer, type StepOptimizer } from './optimizer.ts';
export { networkTagModel } from './network.ts';
export { createTagRecorder, combineHooks, type TagOptions, type TagResult, type TagRecorder } from './hooks.ts';
export { trainPointWithTag } from './run.ts';
export {
  snapshotVariables,
  restoreVariables,
  disposeVariablesSnapshot,
  snapshotOptimizer,
  restoreOptimizer,
  disposeOptimizerSnapshot,
  type VariablesSnapshot,
  type OptimizerSnapshot,
} from './snapshot.ts';
