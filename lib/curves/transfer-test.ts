// Is a transfer rate different from 0? The nested F-test of the curve model against the same model without it.
import { ComputationError } from '../errors.ts';
import type { RateTest } from '../results.ts';
import { nestedFTest, transferVerdict } from '../stats/ftest.ts';
import type { CurveData } from './data.ts';
import { type CurveFitResult, fitCurve, fitWithFixedRate } from './fit.ts';
import { transferParamNames } from './models.ts';

/** The stored test (RateTest in lib/results.ts) plus what was tested and the full model's SSE. */
export interface TransferTestResult extends RateTest {
  /** The parameter tested ('s' or 's_<source>') and its least-squares estimate. */
  param: string;
  estimate: number;
  sseFull: number;
}

export interface TransferTestOptions {
  /** Level of the verdict (default 0.05). */
  alpha?: number;
  /**
   * The full fit of `model` to the same data (fitCurve), when the caller already has it: a joint model with K
   * sources is then fitted once for its K tests instead of K times.
   */
  full?: CurveFitResult;
}

/**
 * Tests H₀: rate = 0 for one transfer rate (s of exp3.2/pairwise, s_<source> of joint) by the
 * extra-sum-of-squares F-test of the full fit against the fit with that rate fixed at 0 (fitWithFixedRate:
 * for exp3.2 and pairwise that is EXP3 in n alone, for joint the joint model without that source):
 * F = (SSE₀ − SSE₁) / (SSE₁/(N − p₁)) on (1, N − p₁) degrees of freedom.
 * Verdict at level alpha (default 0.05): positive / negative by the sign of the estimate when p < alpha, else none.
 */
export function transferTest(model: 'exp3.2' | 'pairwise' | 'joint', data: CurveData, param: string, options: TransferTestOptions = {}): TransferTestResult {
  const alpha = options.alpha ?? 0.05;
  const allowed = transferParamNames(model, data);
  if (!allowed.includes(param)) throw new ComputationError(`transferTest: '${param}' is not a transfer rate of ${model} (expected one of ${allowed.join(', ')})`);
  const full = options.full ?? fitCurve(model, data);
  if (full.model !== model || full.nPoints !== data.y.length || !(param in full.params)) {
    throw new ComputationError(`transferTest: the full fit given is a ${full.model} fit of ${full.nPoints} points, not the ${model} fit of these ${data.y.length} points with rate '${param}'`);
  }
  const base = fitWithFixedRate(model, data, param, 0);
  const test = nestedFTest({ sseReduced: base.sse, sseFull: full.sse, paramsReduced: base.nParams, paramsFull: full.nParams, nPoints: full.nPoints });
  const estimate = full.params[param];
  return { param, estimate, ...test, verdict: transferVerdict(estimate, test.p, alpha), alpha, sseFull: full.sse, sseReduced: base.sse };
}
