// lib/transfer: the analysis of a run (docs/methods.md, "Transfer effects" and "Comparison").
export { analyseRun, type AnalyseInput } from './analyse.ts';
export { fitOptionsOf, fitPlanned, unboundedNote } from './fit/planned.ts';
export { fitRun, fitShard, fitAllShards, mergeFits, planShards, shardsOf, shardIdOf, fitInputsHash, type FitShard, type RunFitPlan } from './fit/shards.ts';
export { deriveTransfer } from './deriveTransfer.ts';
export { planFits, fitsInOrder, fitKey, type PlannedFit, type SplitFits, type TaskFits } from './fit/plan.ts';
export { singleVsAll, exp3At } from './singleVsAll.ts';
export { matchResults, observationsOf, type CompletedPoint, type MissingPoint } from './observations.ts';
export { singleCurve, allCurve, contextualCurve, pairwiseCurve, jointCurve, type SelectedCurve } from './curveData.ts';
export { fitWithIntervals, testRate, profileRate, bandGrid, type FitRequest, type FitOptions, type FitOutcome } from './fit/curve.ts';
export { tagScores, lookaheadEstimates, tagGroupsOf, meanPairScores } from './scores.ts';
export { agreementTable, rankAgreement, pairMap, pairKey, type PairMap } from './agreement.ts';
export { costTable } from './cost.ts';
export { compareSingleTaskModels, COMPARED_MODELS } from './comparison.ts';
