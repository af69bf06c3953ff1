// The model package: backend loading, the multi-task network, its training loop and the point trainer.
export { loadBackend, type LoadedBackend, type BackendPreference, type BackendOptions, type Tf } from './backend.ts';
export { TaskData, densify, type Batch, type BatchMask, type SparseFeatures } from './data.ts';
export { MultiTaskNetwork, type NetworkOptions, type ForwardOptions, type ModelSnapshot } from './network.ts';
export { Adam, type AdamOptions, type AdamState } from './adam.ts';
export { fit, taskLossesOn, type StoppingRule, type TrainingHooks, type StepContext, type EpochContext, type FitOptions, type FitResult } from './train.ts';
export { trainPoint, unionRows, predictRows, labelledColumn, type PointInput, type PointOutput } from './point.ts';
export { createNetwork } from './create.ts';
export { linearInit } from './init.ts';
