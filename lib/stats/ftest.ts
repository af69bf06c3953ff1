// The nested-model F-test: does a parameter (a transfer rate) improve the fit beyond chance?
import fCdf from '@stdlib/stats-base-dists-f-cdf';
import { ComputationError } from '../errors.ts';
import type { Verdict } from '../results.ts';

export interface FTestResult {
  F: number;
  df1: number;
  df2: number;
  /** P(F_{df1,df2} ≥ F) under the reduced model. */
  p: number;
}

/**
 * Extra-sum-of-squares F-test of a reduced model (p₀ parameters) nested in a full one (p₁ > p₀),
 * both least-squares fits to the same N points:
 *   F = ((SSE₀ − SSE₁) / (p₁ − p₀)) / (SSE₁ / (N − p₁)),  p = 1 − F_cdf(F; p₁ − p₀, N − p₁).
 * SSE₀ < SSE₁ can only come from rounding (the full model contains the reduced one): F is then 0.
 * A perfect full fit (SSE₁ = 0) with SSE₀ > 0 gives F = ∞, p = 0.
 */
export function nestedFTest(args: { sseReduced: number; sseFull: number; paramsReduced: number; paramsFull: number; nPoints: number }): FTestResult {
  const { sseReduced, sseFull, paramsReduced, paramsFull, nPoints } = args;
  const df1 = paramsFull - paramsReduced;
  const df2 = nPoints - paramsFull;
  if (!(df1 >= 1)) throw new ComputationError(`F-test: the full model must have more parameters than the reduced one (${paramsFull} vs ${paramsReduced})`);
  if (!(df2 >= 1)) throw new ComputationError(`F-test: ${nPoints} points leave no residual degrees of freedom for a ${paramsFull}-parameter model`);
  if (!(sseReduced >= 0 && sseFull >= 0)) throw new ComputationError(`F-test: sums of squares must be finite and ≥ 0 (got ${sseReduced}, ${sseFull})`);
  const gain = Math.max(0, sseReduced - sseFull);
  if (gain === 0) return { F: 0, df1, df2, p: 1 };
  if (sseFull === 0) return { F: Infinity, df1, df2, p: 0 };
  const F = gain / df1 / (sseFull / df2);
  return { F, df1, df2, p: Math.min(1, Math.max(0, 1 - fCdf(F, df1, df2))) };
}

/** positive / negative when the rate differs from 0 at level alpha (p < alpha), by its sign; otherwise none. */
export function transferVerdict(estimate: number, p: number, alpha: number): Verdict {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`transferVerdict: alpha must be in (0, 1), got ${alpha}`);
  if (!(p < alpha) || estimate === 0) return 'none';
  return estimate > 0 ? 'positive' : 'negative';
}

/** The (1 − α) quantile of F(df1, df2): the root of 1 − F_cdf(F) = α, by bisection on a bracket found by doubling. */
export function fCriticalValue(alpha: number, df1: number, df2: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new ComputationError(`F quantile: alpha must be in (0, 1), got ${alpha}`);
  const upper = (f: number) => 1 - fCdf(f, df1, df2);
  let lo = 0;
  let hi = 1;
  while (upper(hi) > alpha) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) throw new ComputationError(`F quantile: no critical value for alpha ${alpha}, df (${df1}, ${df2})`);
  }
  for (let k = 0; k < 200 && hi - lo > 1e-13 * hi; k++) {
    const mid = (lo + hi) / 2;
    if (upper(mid) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

export { fCdf };
