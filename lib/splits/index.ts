// The splits module's public surface.
export { assignFolds, randomFolds, groupFolds, scaffoldGroups, type AssignFoldsOptions } from './folds.ts';
export { compoundGroups } from './groups.ts';
export { testRows, validationRows } from './heldOut.ts';
export { trainingOrder } from './order.ts';
export { pointRows, modelSeed, availableCounts, type PointRows } from './pointRows.ts';
export { murckoScaffold } from './scaffold.ts';
