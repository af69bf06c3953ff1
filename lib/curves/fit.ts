// The fitting machinery shared by every curve model: variable projection over the separable form
// P = γ₀ + γ₁·x(θ) (./forms.ts) — closed-form (γ₀, γ₁ ≥ 0) for each θ, a global grid over θ, then a
// bounded Levenberg–Marquardt polish of the reduced problem. No starting values; deterministic.
import { ComputationError } from '../errors.ts';
import type { CurveModelName } from '../results.ts';
import type { CurveData, CurvePoint } from './data.ts';
import { sourceNamesOf, validateCurveData } from './data.ts';
import { fixedRateForm, type SeparableForm, separableForm } from './forms.ts';
import { levenbergMarquardt } from './lm.ts';
import { paramNames, transferParamNames } from './models.ts';
import { fitPenalisedJoint, JOINT_EXACT_MAX_SOURCES, type PenalisedJointFit } from './penalisedJoint.ts';

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
  /** A joint fit with many sources: fitted with a ridge penalty on its rates (./penalisedJoint.ts), with its λ. */
  penalty?: PenalisedJointFit['penalty'];
}

/** Weighted closed-form least squares of y on (1, x) with slope γ₁ ≥ 0 (the bound active ⇒ the flat fit γ₀ = ȳ). */
function solveLinear(x: Float64Array, y: Float64Array, w: Float64Array): { g0: number; g1: number } {
  let total = 0;
  let xBar = 0;
  let yBar = 0;
  for (let u = 0; u < y.length; u++) {
    total += w[u];
    xBar += w[u] * x[u];
    yBar += w[u] * y[u];
  }
  xBar /= total;
  yBar /= total;
  let sxx = 0;
  let sxy = 0;
  for (let u = 0; u < y.length; u++) {
    const dx = x[u] - xBar;
    sxx += w[u] * dx * dx;
    sxy += w[u] * dx * (y[u] - yBar);
  }
  if (!(sxx > 0) || !(sxy > 0)) return { g0: yBar, g1: 0 };
  const g1 = sxy / sxx;
  return { g0: yBar - g1 * xBar, g1 };
}

/**
 * Replicates (points with the same covariates: other seeds/folds) collapse to their mean: with w_u points
 * at row u, Σ_p (y_p − f_u)² = Σ_u w_u·(ȳ_u − f_u)² + Σ_p (y_p − ȳ_u)², and the last sum does not depend on
 * the parameters. The fit then works on the distinct rows only.
 */
interface CollapsedData {
  rows: CurveData;
  mean: Float64Array;
  weight: Float64Array;
  withinSse: number;
  /** Row of each original point. */
  rowOf: Int32Array;
}

function collapseReplicates(data: CurveData): CollapsedData {
  const index = new Map<string, number>();
  const rowOf = new Int32Array(data.y.length);
  const rows: CurveData = { n: [], y: [], ...(data.nOther ? { nOther: [] } : {}), ...(data.nSources ? { nSources: [], sourceNames: data.sourceNames } : {}) };
  const sums: number[] = [];
  const counts: number[] = [];
  data.y.forEach((y, p) => {
    const key = `${data.n[p]}|${data.nOther?.[p] ?? ''}|${data.nSources?.[p].join(',') ?? ''}`;
    let u = index.get(key);
    if (u === undefined) {
      u = rows.n.length;
      index.set(key, u);
      rows.n.push(data.n[p]);
      rows.nOther?.push(data.nOther![p]);
      rows.nSources?.push(data.nSources![p]);
      sums.push(0);
      counts.push(0);
    }
    sums[u] += y;
    counts[u]++;
    rowOf[p] = u;
  });
  const mean = Float64Array.from(sums, (s, u) => s / counts[u]);
  rows.y = Array.from(mean);
  let withinSse = 0;
  data.y.forEach((y, p) => (withinSse += (y - mean[rowOf[p]]) ** 2));
  return { rows, mean, weight: Float64Array.from(counts), withinSse, rowOf };
}

/** The reduced (variable-projection) problem: residuals and SSE as functions of θ alone. */
class ReducedProblem {
  private readonly x: Float64Array;
  private readonly sqrtWeight: Float64Array;
  private readonly totalWeight: number;
  private readonly yBar: number;
  /** The SSE of the flat fit (γ₁ = 0): the weighted sum of squares about the mean plus the within-replicate part. */
  private readonly flatSse: number;
  constructor(
    readonly form: SeparableForm,
    readonly y: Float64Array,
    readonly weight: Float64Array,
    readonly withinSse: number,
  ) {
    this.x = new Float64Array(y.length);
    this.sqrtWeight = weight.map(Math.sqrt);
    this.totalWeight = weight.reduce((s, w) => s + w, 0);
    this.yBar = y.reduce((s, v, u) => s + weight[u] * v, 0) / this.totalWeight;
    this.flatSse = withinSse + y.reduce((s, v, u) => s + weight[u] * (v - this.yBar) ** 2, 0);
  }

  solve(theta: ArrayLike<number>): { g0: number; g1: number } {
    this.form.basis(theta, this.x);
    return solveLinear(this.x, this.y, this.weight);
  }

  /** √w_u·(ȳ_u − γ₀ − γ₁·x_u): their sum of squares is the SSE less the constant within-replicate part. */
  residuals(theta: ArrayLike<number>, out: Float64Array): void {
    const { g0, g1 } = this.solve(theta);
    for (let u = 0; u < out.length; u++) out[u] = this.sqrtWeight[u] * (this.y[u] - g0 - g1 * this.x[u]);
  }

  sse(theta: ArrayLike<number>): number {
    const { g0, g1 } = this.solve(theta);
    let s = this.withinSse;
    for (let u = 0; u < this.y.length; u++) {
      const r = this.y[u] - g0 - g1 * this.x[u];
      s += this.weight[u] * r * r;
    }
    return s;
  }

  /**
   * The reduced SSE of a basis vector x in one pass, from weighted moments: SSE = S_yy − S_xy²/S_xx (S_yy with the
   * within-replicate part), or S_yy when the slope bound γ₁ ≥ 0 is active. For ranking grid points: the moments
   * lose a few digits where sse() does not.
   */
  sseOfBasis(x: Float64Array): number {
    const { y, weight } = this;
    let sx = 0;
    let sxx = 0;
    let sxy = 0;
    for (let u = 0; u < y.length; u++) {
      const wx = weight[u] * x[u];
      sx += wx;
      sxx += wx * x[u];
      sxy += wx * y[u];
    }
    const Sxx = sxx - (sx * sx) / this.totalWeight;
    const Sxy = sxy - sx * this.yBar;
    if (!(Sxx > 0) || !(Sxy > 0)) return this.flatSse;
    return this.flatSse - (Sxy * Sxy) / Sxx;
  }
}

function lastObservedFit(data: CurveData): CurveFitResult {
  const nMax = Math.max(...data.n);
  const atMax = data.y.filter((_, p) => data.n[p] === nMax);
  const last = atMax.reduce((s, v) => s + v, 0) / atMax.length;
  const sse = data.y.reduce((s, v) => s + (v - last) ** 2, 0);
  return { model: 'last1', params: { y: last }, sse, nPoints: data.y.length, nParams: 1, fitted: data.y.map(() => last), predictAt: () => last };
}

function polish(problem: ReducedProblem, start: readonly number[]): { theta: number[]; sse: number } {
  const { form } = problem;
  return levenbergMarquardt({ m: problem.y.length, lower: form.lower, upper: form.upper, typical: form.typical, residuals: (t, out) => problem.residuals(t, out) }, start);
}

/** Searches θ globally, polishes each start, returns the best θ (first of equals: deterministic). */
function optimise(problem: ReducedProblem): number[] {
  const { form } = problem;
  const starts = form.starts(
    (theta) => problem.sse(theta),
    (x) => problem.sseOfBasis(x),
  );
  let best: { theta: number[]; sse: number } | null = null;
  for (const start of starts) {
    const polished = polish(problem, start);
    if (!best || polished.sse < best.sse) best = polished;
  }
  const alternate = form.alternate?.();
  if (alternate) {
    const twin = new ReducedProblem(alternate.form, problem.y, problem.weight, problem.withinSse);
    const repolished = polish(twin, alternate.to(best!.theta));
    const back = alternate.from(repolished.theta);
    if (problem.sse(back) < problem.sse(best!.theta)) best = { theta: back, sse: repolished.sse };
  }
  return best!.theta;
}

/**
 * On the rate → 0 limit, the largest tiny rate (10^−3 … 10^−9 in scaled units) whose SSE is that of the
 * limit to a relative 1e−8 (or 1e−12 of the total sum of squares). Smaller rates would move the SSE
 * even less but make c and e^b huge, so that P computed from the rounded parameters loses digits (at 1e−8 relative the loss stays near 1e−9).
 */
function representativeOfZeroLimit(problem: ReducedProblem, theta: number[], limit: NonNullable<SeparableForm['zeroLimit']>): number[] {
  const atLimit = problem.sse(limit.toward(theta, 1e-12));
  // The absolute part (1e−12 of the total sum of squares) covers data that lie exactly on a line.
  const { y, weight } = problem;
  const mean = y.reduce((s, v, u) => s + weight[u] * v, 0) / weight.reduce((s, v) => s + v, 0);
  const total = problem.withinSse + y.reduce((s, v, u) => s + weight[u] * (v - mean) ** 2, 0);
  const tolerance = atLimit * 1e-8 + total * 1e-12;
  let candidate = theta;
  for (let k = 3; k <= 9; k++) {
    candidate = limit.toward(theta, Math.pow(10, -k));
    if (problem.sse(candidate) - atLimit <= tolerance) break;
  }
  return candidate;
}

/**
 * Least-squares fit of a curve model (see the formula table in ./models.ts) to data:
 * minimises Σ_p (y_p − P(point_p))² subject to the table's constraints. No starting values; deterministic.
 * Global search: exp3 and pow3 a dense 1-D rate grid (25 per decade, ρ = 0 included); exp3.2 and pairwise
 * a log–log grid of (a, s), searched coarse to fine with its bases built directly and scored from moments
 * (lib/curves/grid.ts coarseToFineGridPoints), plus the line limit; joint that grid per source with sweeps of the other rates;
 * pow4 and mmf4 a 2-D grid. Each of the best grid minima is polished (bounded Levenberg–Marquardt on the
 * reduced problem). Verified: all 52 SciPy reference curves, and agreement with 24-per-decade grids on
 * 1300 random noisy curves; joint with one source reproduces the pairwise optimum.
 * Throws InputError for malformed data and ComputationError when the model cannot be identified.
 */
export function fitCurve(model: CurveModelName, data: CurveData, options: { penalty?: number } = {}): CurveFitResult {
  const names = paramNames(model, data);
  // The penalised joint model may have more rates than points: the penalty, not the point count, identifies them;
  // its unpenalised part (a, b, c) and one rate still need points.
  const penalised = model === 'joint' && sourceNamesOf(data).length > JOINT_EXACT_MAX_SOURCES;
  validateCurveData(model, data, penalised ? 4 : names.length);
  if (model === 'last1') return lastObservedFit(data);
  if (penalised) return penalisedJointFit(data, names, options.penalty);
  return fitSeparable(model, names, names.length, data, (rows) => separableForm(model, rows));
}

/**
 * The least-squares fit of a transfer model with one transfer rate held fixed: `rate` (s of exp3.2 / pairwise,
 * s_<source> of joint) = `value`, every other parameter free. It is the model with that rate removed plus the
 * known offset value·m in the exponent (./forms.ts fixedRateForm), fitted by the same global search and
 * polish as fitCurve. With value = 0 it is the nested model of the F-test (./transfer-test.ts); over a range of
 * values it is the profile of the sum of squares (./profile.ts). `params` include the fixed rate; `nParams`
 * counts the free parameters only.
 */
export function fitWithFixedRate(model: 'exp3.2' | 'pairwise' | 'joint', data: CurveData, rate: string, value: number): CurveFitResult {
  const names = paramNames(model, data);
  validateCurveData(model, data, names.length);
  const rates = transferParamNames(model, data);
  if (!rates.includes(rate)) throw new ComputationError(`'${rate}' is not a transfer rate of ${model} (expected one of ${rates.join(', ')})`);
  if (!Number.isFinite(value)) throw new ComputationError(`${model}: the fixed value of ${rate} must be finite, got ${value}`);
  return fitSeparable(model, names, names.length - 1, data, (rows) => fixedRateForm(model, rows, rate, value));
}

/** The joint model with more than JOINT_EXACT_MAX_SOURCES sources: ridge-penalised, started from the target's exact EXP3 fit. */
function penalisedJointFit(data: CurveData, names: string[], lambda?: number): CurveFitResult {
  const null3 = fitCurve('exp3', { n: data.n, y: data.y, group: data.group });
  const fit = fitPenalisedJoint(data, { a: null3.params.a, b: null3.params.b, sse: null3.sse }, { lambda });
  const ordered: Record<string, number> = {};
  for (const name of names) ordered[name] = fit.params[name];
  return { model: 'joint', params: ordered, sse: fit.sse, nPoints: data.y.length, nParams: names.length, fitted: fit.fitted, predictAt: fit.predictAt, penalty: fit.penalty };
}

/** Variable projection on the replicate-collapsed data with the separable form `formOf` builds for them. */
function fitSeparable(model: CurveModelName, names: string[], nParams: number, data: CurveData, formOf: (rows: CurveData) => SeparableForm): CurveFitResult {
  const collapsed = collapseReplicates(data);
  const form = formOf(collapsed.rows);
  const problem = new ReducedProblem(form, collapsed.mean, collapsed.weight, collapsed.withinSse);
  let theta = optimise(problem);
  let { g0, g1 } = problem.solve(theta);

  let limit: FitLimit | undefined;
  let params: Record<string, number>;
  if (g1 === 0) {
    limit = 'constant';
    params = form.flatParams(g0);
  } else {
    // On the limit, or approaching it along θ's direction (a slow crawl a local polish may not finish).
    const zero = form.zeroLimit;
    if (zero && (zero.reached(theta) || problem.sse(zero.toward(theta, 1e-9)) < problem.sse(theta))) {
      limit = zero.kind;
      theta = representativeOfZeroLimit(problem, theta, zero);
      ({ g0, g1 } = problem.solve(theta));
    } else if (form.stepIndex !== undefined && theta[form.stepIndex] >= form.upper[form.stepIndex]) {
      limit = 'step';
    }
    params = form.params(theta, g0, g1);
  }

  const x = new Float64Array(collapsed.mean.length);
  form.basis(theta, x);
  const fitted = Array.from(collapsed.rowOf, (u) => g0 + g1 * x[u]);
  const sse = fitted.reduce((s, f, p) => s + (data.y[p] - f) ** 2, 0);
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
    nPoints: data.y.length,
    nParams,
    ...(limit ? { limit } : {}),
    fitted,
    predictAt: (point) => final.g0 + final.g1 * form.basisAt(finalTheta, point),
  };
}

export { sourceNamesOf };
