// The splits module's public surface.
export { assignFolds, randomFolds, groupFolds, scaffoldGroups, testRows } from './folds.ts';
export { trainingOrder } from './order.ts';
export { murckoScaffold } from './scaffold.ts';
