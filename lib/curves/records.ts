// Turning fit results into the CurveFit records of results/curves.json (lib/results.ts).
import type { CurveFit, CurveModelName, FitIdentity } from '../results.ts';
import type { CurveFitResult } from './fit.ts';

/** A fit's identity before its model is known (the fit result names it). */
export type CurveMeta = Omit<FitIdentity, 'model'>;

/** A successful fit as a CurveFit record; `ci` from bootstrapFit (parameters and exchange rates). */
export function toCurveFit(meta: CurveMeta, fit: CurveFitResult, ci?: Record<string, [number, number]>): CurveFit {
  return { ...meta, model: fit.model, status: 'ok', params: { ...fit.params }, ...(ci ? { ci } : {}), sse: fit.sse, nPoints: fit.nPoints };
}

/** A fit that could not be made, saying why (e.g. the ComputationError message). */
export function failedCurveFit(meta: CurveMeta, model: CurveModelName, nPoints: number, error: string): CurveFit {
  return { ...meta, model, status: 'failed', error, params: {}, sse: NaN, nPoints };
}
