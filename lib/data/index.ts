// The data module's public surface.
export { prepareDataset, type PrepareOptions } from './prepare.ts';
export { serializePrepared, deserializePrepared, type PreparedDataset, type FeatureSource } from './prepared.ts';
export { binarize, DEFAULT_THRESHOLDS, type TieRule } from './binarize.ts';
export { loadBuiltin, builtinFiles, type BuiltinName } from './builtin.ts';
export { loadCustomLabels } from './custom.ts';
export { joinFeatureFile } from './userFeatures.ts';
export { countTargets, selectTasks } from './select.ts';
export { locateBuiltin } from './location.ts';
export { downloadBuiltin, DEEPDTA_COMMIT, DEFAULT_DEEPDTA_BASE_URL, DownloadError } from './download.ts';
export type { BinaryTable } from './table.ts';
export { withPlaceboTasks, placeboName, placeboSources, isPlacebo, checkNoReservedNames } from './placebo.ts';
