// Learning curves: the formula table, the fits, their bootstrap and profile intervals, transfer tests and model comparison.
export type { CurveData, CurvePoint } from './data.ts';
export { CURVE_MODELS, CURVE_MODEL_NAMES, isCurveModelName, paramNames, transferParamNames, predict, exchangeRates, type CurveModelSpec } from './models.ts';
export { fitCurve, fitWithFixedRate, type CurveFitResult, type FitLimit } from './fit.ts';
export { bootstrapFit, type BootstrapOptions, type BootstrapResult } from './bootstrap.ts';
export { transferTest, type TransferTestOptions, type TransferTestResult } from './transfer-test.ts';
export { profileInterval, fCriticalValue, type ProfileInterval, type ProfileOptions } from './profile.ts';
export { compareModels, summarizeComparison, type CompareOptions, type CurveComparison, type ModelSummary } from './compare.ts';
export { toCurveFit, failedCurveFit, type CurveMeta } from './records.ts';
export { parseCurveCsv, curveColumns, type NamedCurve } from './csv.ts';
