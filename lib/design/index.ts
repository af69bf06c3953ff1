// lib/design: which trainings a study needs (docs/methods.md, "Designs").
export { enumeratePoints, resolvePairs, designsOf, lookaheadTarget, type AvailableCount, type SizeCap, type Plan } from './enumerate.ts';
export { geometricGrid, logUniformSize } from './grid.ts';
export { pointId, canonicalJson, trainingKey, trainingContext, hashUniform, normaliseSizes, type TrainingSpec } from './pointId.ts';
export { DESIGN_ORDER } from './designs.ts';
export { pointsPerJob, JOB_TARGET_SECONDS, MAX_POINTS_PER_JOB, MAX_BATCH_INPUT_BYTES } from './jobs.ts';
export { studySize, checkStudySize, describeStudySize, estimatePointSeconds, type StudySize } from './size.ts';
