// Statistics shared by the curve fits and the transfer analysis.
export { createRng, rngFromKey, shuffleInPlace, type Rng, type MutableList } from './rng.ts';
export { quantile, quantileOfSorted, percentileInterval } from './quantile.ts';
export { spearman, averageRanks } from './spearman.ts';
export { nestedFTest, transferVerdict, type FTestResult } from './ftest.ts';
