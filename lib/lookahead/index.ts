// The snapshot-branch approximation of the multi-task learning curve (docs/methods.md, "Snapshot branches").
export { runBranches, type BranchInput, type BranchOutput } from './branches.ts';
export { branchEstimates, type BranchReplicate, type BranchEstimate, type BranchFailure, type TargetCurve } from './estimate.ts';
