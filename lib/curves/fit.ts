// The fitting machinery shared by every curve model: variable projection over the separable form
// P = γ₀ + γ₁·x(θ) (./forms.ts) — closed-form (γ₀, γ₁ ≥ 0) for each θ, a global grid over θ, then a
// bounded Levenberg–Marquardt polish of the reduced problem. No starting values; deterministic.
import { ComputationError } from '../errors.ts';
import type { CurveModelName } from '../results.ts';
import type { CurveData, CurvePoint } from './data.ts';
import { sourceNamesOf, validateCurveData } from './data.ts';
import { type SeparableForm, separableForm } from './forms.ts';
import { levenbergMarquardt } from './lm.ts';
import { paramNames } from './models.ts';

/**
 * Where the least-squares optimum lies on the edge of the model family:
 * - constant: the data never rise, so the best fit is flat (e^b = 0, i.e. b = −∞; rates reported as 0);
 * - linear / log-linear: the rate → 0 limit (EXP: a straight line in n; POW: in ln n) is better than
 *   any finite rate; the parameters reported are those of a tiny rate whose SSE is within a relative 1e−8 of it;
 * - step: the curve reaches its plateau right after its first anchor (rate at its upper search bound).
 */
export type FitLimit = 'constant' | 'linear' | 'log-linear' | 'step';

export interface CurveFitResult {
  model: CurveModelName;
  /** Named as in the formula table (lib/curves/models.ts); joint: a, s_<source>…, b, c. */
  params: Record<string, number>;
  /** Σ (y − P)² at `params`, evaluated in the numerically stable separable form. */
  sse: number;
  nPoints: number;
  nParams: number;
  limit?: FitLimit;
  /** Fitted values at the data points. */
  fitted: number[];
  /** The fitted curve at any point (stable form; also right where params alone lose digits). */
  predictAt(point: CurvePoint): number;
}

/** Closed-form least squares of y on (1, x) with slope γ₁ ≥ 0 (the bound active ⇒ the flat fit γ₀ = ȳ). */
function solveLinear(x: Float64Array, y: Float64Array): { g0: number; g1: number } {
  const m = y.length;
  let xBar = 0;
  let yBar = 0;
  for (let p = 0; p < m; p++) {
    xBar += x[p];
    yBar += y[p];
  }
  xBar /= m;
  yBar /= m;
  let sxx = 0;
  let sxy = 0;
  for (let p = 0; p < m; p++) {
    const dx = x[p] - xBar;
    sxx += dx * dx;
    sxy += dx * (y[p] - yBar);
  }
  if (!(sxx > 0) || !(sxy > 0)) return { g0: yBar, g1: 0 };
  const g1 = sxy / sxx;
  return { g0: yBar - g1 * xBar, g1 };
}

/** The reduced (variable-projection) problem: residuals and SSE as functions of θ alone. */
class ReducedProblem {
  private readonly x: Float64Array;
  constructor(
    readonly form: SeparableForm,
    readonly y: Float64Array,
  ) {
    this.x = new Float64Array(y.length);
  }

  solve(theta: ArrayLike<number>): { g0: number; g1: number } {
    this.form.basis(theta, this.x);
    return solveLinear(this.x, this.y);
  }

  residuals(theta: ArrayLike<number>, out: Float64Array): void {
    const { g0, g1 } = this.solve(theta);
    for (let p = 0; p < out.length; p++) out[p] = this.y[p] - g0 - g1 * this.x[p];
  }

  sse(theta: ArrayLike<number>): number {
    const { g0, g1 } = this.solve(theta);
    let s = 0;
    for (let p = 0; p < this.y.length; p++) {
      const r = this.y[p] - g0 - g1 * this.x[p];
      s += r * r;
    }
    return s;
  }
}

function lastObservedFit(data: CurveData): CurveFitResult {
  const nMax = Math.max(...data.n);
  const atMax = data.y.filter((_, p) => data.n[p] === nMax);
  const last = atMax.reduce((s, v) => s + v, 0) / atMax.length;
  const sse = data.y.reduce((s, v) => s + (v - last) ** 2, 0);
  return { model: 'last1', params: { y: last }, sse, nPoints: data.y.length, nParams: 1, fitted: data.y.map(() => last), predictAt: () => last };
}

/** Searches θ globally, polishes each start, returns the best θ (first of equals: deterministic). */
function optimise(problem: ReducedProblem): number[] {
  const { form } = problem;
  const starts = form.starts((theta) => problem.sse(theta));
  let best: { theta: number[]; sse: number } | null = null;
  for (const start of starts) {
    const polished = levenbergMarquardt(
      { m: problem.y.length, lower: form.lower, upper: form.upper, typical: form.typical, residuals: (t, out) => problem.residuals(t, out) },
      start,
    );
    if (!best || polished.sse < best.sse) best = polished;
  }
  return best!.theta;
}

/**
 * On the rate → 0 limit, the largest tiny rate (10^−3 … 10^−9 in scaled units) whose SSE is that of the
 * limit to a relative 1e−8 (or 1e−12 of the total sum of squares). Smaller rates would move the SSE even less but make c and e^b huge, so that
 * P computed from the rounded parameters loses digits (at 1e−8 relative the loss stays near 1e−9).
 */
function representativeOfZeroLimit(problem: ReducedProblem, theta: number[], limit: NonNullable<SeparableForm['zeroLimit']>): number[] {
  const atLimit = problem.sse(theta);
  // The absolute part (1e−12 of the total sum of squares) covers data that lie exactly on a line.
  const mean = problem.y.reduce((s, v) => s + v, 0) / problem.y.length;
  const total = problem.y.reduce((s, v) => s + (v - mean) ** 2, 0);
  const tolerance = atLimit * 1e-8 + total * 1e-12;
  const candidate = theta.slice();
  for (let k = 3; k <= 9; k++) {
    candidate[limit.index] = Math.pow(10, -k) * limit.unit;
    if (problem.sse(candidate) - atLimit <= tolerance) break;
  }
  return candidate;
}

/**
 * Least-squares fit of a curve model (see the formula table in ./models.ts) to data.
 * Reaches the global optimum for exp3, exp3.2, pairwise and pow3 (one- or two-dimensional rate grids
 * dense enough to bracket every basin, then a local polish of each of the best grid minima); joint,
 * pow4 and mmf4 use coordinate sweeps / coarser grids and return the best local optimum found.
 * Throws InputError for malformed data and ComputationError when the model cannot be identified.
 */
export function fitCurve(model: CurveModelName, data: CurveData): CurveFitResult {
  const names = paramNames(model, data);
  validateCurveData(model, data, names.length);
  if (model === 'last1') return lastObservedFit(data);

  const form = separableForm(model, data);
  const y = Float64Array.from(data.y);
  const problem = new ReducedProblem(form, y);
  let theta = optimise(problem);
  let { g0, g1 } = problem.solve(theta);

  let limit: FitLimit | undefined;
  let params: Record<string, number>;
  if (g1 === 0) {
    limit = 'constant';
    params = form.flatParams(g0);
  } else {
    if (form.zeroLimit && theta[form.zeroLimit.index] <= 0) {
      limit = form.zeroLimit.kind;
      theta = representativeOfZeroLimit(problem, theta, form.zeroLimit);
      ({ g0, g1 } = problem.solve(theta));
    } else if (form.stepIndex !== undefined && theta[form.stepIndex] >= form.upper[form.stepIndex]) {
      limit = 'step';
    }
    params = form.params(theta, g0, g1);
  }

  const x = new Float64Array(y.length);
  form.basis(theta, x);
  const fitted = Array.from(x, (xp) => g0 + g1 * xp);
  const sse = fitted.reduce((s, f, p) => s + (y[p] - f) ** 2, 0);
  if (!Number.isFinite(sse)) throw new ComputationError(`${model}: the fit produced a non-finite sum of squares`);
  // Re-order to the table's parameter order.
  const ordered: Record<string, number> = {};
  for (const name of names) ordered[name] = params[name];
  const finalTheta = theta.slice();
  const final = { g0, g1 };
  return {
    model,
    params: ordered,
    sse,
    nPoints: y.length,
    nParams: names.length,
    ...(limit ? { limit } : {}),
    fitted,
    predictAt: (point) => final.g0 + final.g1 * form.basisAt(finalTheta, point),
  };
}

export { sourceNamesOf };
