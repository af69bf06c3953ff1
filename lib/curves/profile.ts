// Profile (F-inversion) confidence interval of a transfer rate: the rates the nested F-test does not reject.
import { ComputationError } from '../errors.ts';
import { fCriticalValue, nestedFTest } from '../stats/ftest.ts';

export { fCriticalValue };
import type { CurveData } from './data.ts';
import { sourceNamesOf } from './data.ts';
import { type CurveFitResult, fitCurve, fitWithFixedRate } from './fit.ts';
import { distinctSorted, smallestGap } from './forms.ts';
import { transferParamNames } from './models.ts';

export interface ProfileOptions {
  /** Confidence level (default 0.95); the interval is the acceptance region of the F-test at α = 1 − level. */
  level?: number;
  /** The full fit of `model` to the same data, when the caller has it (otherwise fitted here). */
  full?: CurveFitResult;
  /**
   * The F-test of rate = 0 on the same data at α = 1 − level (transferTest), when the caller has it: the
   * interval then decides whether it contains 0 by that test's own p-value, so that 0 ∈ CI ⇔ p ≥ α exactly.
   */
  test?: { p: number; alpha: number; sseReduced: number };
  /** Relative precision of each end (default 1e−6 of the scale of the rate). */
  tolerance?: number;
}

export interface ProfileInterval {
  param: string;
  /** The least-squares estimate of the rate (the full fit's). */
  estimate: number;
  /** Ends of the interval; −Infinity / +Infinity when the F-test rejects no value that far out on that side. */
  lo: number;
  hi: number;
  level: number;
  /** The F-test's degrees of freedom (1, m − p) and its critical value F_{level}(1, m − p). */
  df1: 1;
  df2: number;
  fCritical: number;
  /** SSE of the full fit and the largest SSE of a constrained fit inside the interval: SSE_min·(1 + F_crit/(m − p)). */
  sseMin: number;
  sseThreshold: number;
  /** Constrained fits made (a measure of cost). */
  evaluations: number;
}

/** The covariate a transfer rate multiplies (n_Σ / n_j), per data point. */
function rateColumn(model: 'exp3.2' | 'pairwise' | 'joint', data: CurveData, param: string): number[] {
  if (model !== 'joint') return data.nOther ?? [];
  const j = sourceNamesOf(data).indexOf(param.slice(2));
  return (data.nSources ?? []).map((row) => row[j]);
}

/**
 * Profile confidence interval of one transfer rate r (s of exp3.2 / pairwise, s_<source> of joint) by inverting
 * the nested F-test:
 *   CI = { r₀ : F(r₀) ≤ F_{1−α}(1, m − p) },   F(r₀) = (SSE(r₀) − SSE_min) / (SSE_min / (m − p)),
 * where SSE(r₀) is the least-squares fit with r held at r₀ (fitWithFixedRate, every other parameter free),
 * SSE_min that of the full fit, m the number of points and p the full model's parameters. At r₀ = 0 this is the
 * F-test of the verdict, so 0 ∈ CI ⇔ p ≥ α by construction (with `options.test`, by that very p-value).
 *
 * Each end is found from the estimate outward: growing steps (visiting 0 exactly when it lies on that side) until
 * a value is rejected, then a safeguarded regula falsi (Illinois) on √(SSE(r₀) − SSE_min) − √(SSE_threshold − SSE_min),
 * nearly linear in r₀, inside that bracket; the end reported is the last accepted value. The interval is thus the connected part of the
 * acceptance region around the estimate. When even |r₀|·gap ≥ 50 (gap: the smallest step between distinct
 * values of r's covariate, where e^(−|r₀|·gap) < 2e−22 and the curve no longer changes with r₀) is accepted, the
 * end is ±Infinity: the data bound the rate on that side not at all.
 */
export function profileInterval(model: 'exp3.2' | 'pairwise' | 'joint', data: CurveData, param: string, options: ProfileOptions = {}): ProfileInterval {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new ComputationError(`profileInterval: level must be in (0, 1), got ${level}`);
  const alpha = 1 - level;
  const allowed = transferParamNames(model, data);
  if (!allowed.includes(param)) throw new ComputationError(`profileInterval: '${param}' is not a transfer rate of ${model} (expected one of ${allowed.join(', ')})`);
  const full = options.full ?? fitCurve(model, data);
  const m = data.y.length;
  const df2 = m - full.nParams;
  if (df2 < 1) throw new ComputationError(`profileInterval: ${m} points leave no residual degrees of freedom for a ${full.nParams}-parameter model`);
  const test = options.test;
  if (test && Math.abs(test.alpha - alpha) > 1e-12) throw new ComputationError(`profileInterval: the F-test given is at alpha ${test.alpha}, the interval at level ${level} needs alpha ${alpha}`);

  const sseMin = full.sse;
  const fCritical = fCriticalValue(alpha, 1, df2);
  const sseThreshold = sseMin * (1 + fCritical / df2);
  // The search runs on z(r₀) = √(SSE(r₀) − SSE_min), which is close to linear in r₀ on each side of the estimate
  // (the SSE profile is close to quadratic), against its value at the threshold.
  const zThreshold = Math.sqrt(sseThreshold - sseMin);
  let evaluations = 0;
  // Accepted ⇔ the nested F-test of r = r₀ does not reject at α (the same test, and the same p, as the verdict at r₀ = 0).
  const pOf = (sse: number) => nestedFTest({ sseReduced: sse, sseFull: sseMin, paramsReduced: full.nParams - 1, paramsFull: full.nParams, nPoints: m }).p;
  const judge = (sse: number, p: number) => ({ inside: p >= alpha, z: Math.sqrt(Math.max(0, sse - sseMin)) });
  const probe = (r0: number): { inside: boolean; z: number } => {
    if (r0 === 0 && test) return judge(test.sseReduced, test.p);
    evaluations++;
    const sse = fitWithFixedRate(model, data, param, r0).sse;
    return judge(sse, pOf(sse));
  };

  const column = rateColumn(model, data, param);
  const scale = Math.max(...column.map(Math.abs));
  const gap = smallestGap(distinctSorted(column));
  if (!(scale > 0) || !Number.isFinite(gap)) throw new ComputationError(`profileInterval: the covariate of ${param} does not vary, so the rate is not identified`);
  const saturation = 50 / gap;
  const estimate = full.params[param];
  const tolerance = options.tolerance ?? 1e-6;
  // The first step: 1e−3 of a unit rate on the covariate's own scale, or 10 % of the estimate.
  const firstStep = Math.max(1e-3 / scale, 0.1 * Math.abs(estimate));

  /**
   * One end: distances from the estimate grow by the linear extrapolation of z to its threshold (by a factor
   * between 1.5 and 8 per step), visiting 0 exactly when it lies on this side, until a value is rejected; then refine.
   */
  const end = (direction: 1 | -1): number => {
    if (direction * estimate >= saturation) return direction * Infinity;
    let inside = estimate;
    let insideZ = 0;
    let distance = firstStep;
    let zeroAhead = direction * (0 - estimate) > 0;
    for (;;) {
      let next = estimate + direction * distance;
      if (zeroAhead && direction * next >= 0) {
        next = 0;
        zeroAhead = false;
      }
      const last = direction * next >= saturation;
      if (last) next = direction * saturation;
      const result = probe(next);
      if (!result.inside) return refine(inside, insideZ, next, result.z);
      if (last) return direction * Infinity;
      inside = next;
      insideZ = result.z;
      const reached = Math.abs(next - estimate);
      const growth = result.z > 0 ? (1.05 * zThreshold) / result.z : 8;
      distance = reached * Math.min(8, Math.max(1.5, growth));
    }
  };

  // Illinois regula falsi on f(r₀) = z(r₀) − z_threshold between an accepted and a rejected value (the interpolant
  // kept off the bracket's ends). Stops when the bracket, or the accepted value's distance to the root estimated
  // from the secant, is within the tolerance; the accepted end is returned.
  const refine = (accepted: number, zAccepted: number, rejected: number, zRejected: number): number => {
    const goal = tolerance * Math.max(Math.abs(accepted), Math.abs(rejected), 1e-3 / scale);
    let fA = zAccepted - zThreshold;
    let fR = zRejected - zThreshold;
    // The true f at the ends (the Illinois weights fA, fR are halved to avoid one-sided stagnation).
    let trueA = fA;
    let trueR = fR;
    let side = 0;
    for (let k = 0; k < 100; k++) {
      const width = Math.abs(accepted - rejected);
      if (width <= goal) break;
      if (trueR > trueA && (-trueA / (trueR - trueA)) * width <= goal) break;
      let t = 0.5;
      if (fA < 0 && fR > 0) t = Math.min(0.999, Math.max(0.001, fA / (fA - fR)));
      const candidate = accepted + t * (rejected - accepted);
      const result = probe(candidate);
      if (result.inside) {
        accepted = candidate;
        fA = trueA = result.z - zThreshold;
        if (side === -1) fR /= 2;
        side = -1;
      } else {
        rejected = candidate;
        fR = trueR = result.z - zThreshold;
        if (side === 1) fA /= 2;
        side = 1;
      }
    }
    return accepted;
  };

  const lo = end(-1);
  const hi = end(1);
  return { param, estimate, lo, hi, level, df1: 1, df2, fCritical, sseMin, sseThreshold, evaluations };
}
