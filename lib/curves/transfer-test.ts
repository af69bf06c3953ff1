// Is a transfer rate different from 0? The nested F-test of the curve model against the same model without it.
import { ComputationError } from '../errors.ts';
import type { Verdict } from '../results.ts';
import { nestedFTest, transferVerdict } from '../stats/ftest.ts';
import type { CurveData } from './data.ts';
import { sourceNamesOf } from './data.ts';
import { fitCurve } from './fit.ts';
import { transferParamNames } from './models.ts';

export interface TransferTestResult {
  /** The parameter tested ('s' or 's_<source>') and its least-squares estimate. */
  param: string;
  estimate: number;
  F: number;
  df1: number;
  df2: number;
  p: number;
  verdict: Verdict;
  alpha: number;
  sseFull: number;
  sseReduced: number;
}

/** The data and model with the source behind `param` removed (so its rate is fixed at 0). */
function reduced(model: 'exp3.2' | 'pairwise' | 'joint', data: CurveData, param: string): { model: 'exp3' | 'joint'; data: CurveData } {
  if (model !== 'joint') return { model: 'exp3', data: { n: data.n, y: data.y } };
  const names = sourceNamesOf(data);
  const drop = names.indexOf(param.slice(2));
  if (names.length === 1) return { model: 'exp3', data: { n: data.n, y: data.y } };
  const keep = names.map((_, j) => j).filter((j) => j !== drop);
  return {
    model: 'joint',
    data: { n: data.n, y: data.y, nSources: data.nSources!.map((row) => keep.map((j) => row[j])), sourceNames: keep.map((j) => names[j]) },
  };
}

/**
 * Tests H₀: rate = 0 for one transfer rate (s of exp3.2/pairwise, s_<source> of joint) by the
 * extra-sum-of-squares F-test of the full fit against the fit with that rate fixed at 0 (for exp3.2 and
 * pairwise that is EXP3 in n alone): F = (SSE₀ − SSE₁) / (SSE₁/(N − p₁)) on (1, N − p₁) degrees of freedom.
 * Verdict at level alpha (default 0.05): positive / negative by the sign of the estimate when p < alpha, else none.
 */
export function transferTest(model: 'exp3.2' | 'pairwise' | 'joint', data: CurveData, param: string, options: { alpha?: number } = {}): TransferTestResult {
  const alpha = options.alpha ?? 0.05;
  const allowed = transferParamNames(model, data);
  if (!allowed.includes(param)) throw new ComputationError(`transferTest: '${param}' is not a transfer rate of ${model} (expected one of ${allowed.join(', ')})`);
  const full = fitCurve(model, data);
  const nested = reduced(model, data, param);
  const base = fitCurve(nested.model, nested.data);
  const test = nestedFTest({ sseReduced: base.sse, sseFull: full.sse, paramsReduced: base.nParams, paramsFull: full.nParams, nPoints: full.nPoints });
  const estimate = full.params[param];
  return { param, estimate, ...test, verdict: transferVerdict(estimate, test.p, alpha), alpha, sseFull: full.sse, sseReduced: base.sse };
}
