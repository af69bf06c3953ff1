// The joint model of the random design with many sources (docs/methods.md, "The joint model at scale"):
//   P = c − exp(b − a·n − Σ_j s_j·n_j)
// fitted by ridge-penalised least squares on the sources' effects B·ρ_j, with ρ_j = s_j·max n_j (the change of the
// exponent from none to all of source j's rows) and B = e^b:  min Σ_p (y_p − P_p)² + λ·(B/B₀)²·Σ_j ρ_j²  (B₀: the
// target's EXP3 amplitude). With K − 1 sources and a few hundred points the unpenalised model is not identified (at
// K = 229 it has more rates than a random design has points), and the exact global search over rates grows as K²;
// the penalty is a normal prior on every source's effect, so a rate the data do not support stays near 0. A penalty
// on the rates alone is evaded by inflating B (the curve sees only B·e^(−Σρz)): docs/methods.md. λ is chosen from a
// grid relative to the noise σ̂² of the target's own EXP3 curve by leave-one-replicate-out cross-validation with the
// one-standard-error rule (points of a replicate share their noise, so leaving single points out would choose too
// little penalty). The optimum is found by Levenberg–Marquardt with the analytic Jacobian from the null curve (every
// ρ_j = 0: the target's EXP3 fit), each λ warm-started from the previous.
import { ComputationError } from '../errors.ts';
import type { CurveData, CurvePoint } from './data.ts';
import { replicateGroups, sourceNamesOf } from './data.ts';

/** Joint fits with more sources than this are penalised; up to it the exact global search is used (lib/curves/fit.ts). */
export const JOINT_EXACT_MAX_SOURCES = 12;

/**
 * The penalty grid: λ = σ̂²·10^k for these k (prior standard deviations of a scaled rate from 30 down to 0.001). σ̂²
 * comes from the target's curve in n alone, which holds the transfer signal too when that is large: the grid
 * reaches far below it.
 */
export const PENALTY_EXPONENTS = [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6];

export interface PenalisedJointFit {
  params: Record<string, number>;
  sse: number;
  fitted: number[];
  predictAt(point: CurvePoint): number;
  penalty: { lambda: number; sigma2: number; cvError: number; criterion: 'leave-one-replicate-out' | 'fixed' };
}

interface Problem {
  y: Float64Array;
  /** z[p*q + k]: scaled covariate k (0: the target's n; 1…m: the sources) at point p. */
  z: Float64Array;
  q: number;
  scales: number[];
}

function problemOf(data: CurveData): Problem {
  const m = data.nSources![0].length;
  const q = m + 1;
  const N = data.y.length;
  const scales = Array.from({ length: q }, (_, k) => Math.max(...data.y.map((_, p) => Math.abs(k === 0 ? data.n[p] : data.nSources![p][k - 1]))));
  const z = new Float64Array(N * q);
  for (let p = 0; p < N; p++) for (let k = 0; k < q; k++) z[p * q + k] = (k === 0 ? data.n[p] : data.nSources![p][k - 1]) / scales[k];
  return { y: Float64Array.from(data.y), z, q, scales };
}

/** u_p = exp(−Σ_k θ_k z_pk): the curve is P_p = c − B·u_p with B = e^b ≥ 0. */
function basis(prob: Problem, theta: Float64Array, rows: readonly number[], u: Float64Array): void {
  const { z, q } = prob;
  for (const p of rows) {
    let e = 0;
    for (let k = 0; k < q; k++) e -= theta[k] * z[p * q + k];
    u[p] = Math.exp(e);
  }
}

/**
 * For fixed rates the curve is linear in (c, B): least squares with B ≥ 0 (B = 0: the flat curve c = ȳ), plus
 * `ridge`·B² — the penalty on the sources' effects B·ρ_j is λ·B²·Σρ_j², quadratic in B.
 */
function linearPart(prob: Problem, u: Float64Array, rows: readonly number[], ridge: number): { c: number; B: number } {
  let yBar = 0;
  let uBar = 0;
  for (const p of rows) {
    yBar += prob.y[p];
    uBar += u[p];
  }
  yBar /= rows.length;
  uBar /= rows.length;
  let suu = 0;
  let suy = 0;
  for (const p of rows) {
    suu += (u[p] - uBar) ** 2;
    suy += (u[p] - uBar) * (prob.y[p] - yBar);
  }
  const B = suu + ridge > 0 ? Math.max(0, -suy / (suu + ridge)) : 0;
  return { c: yBar + B * uBar, B };
}

/** Σ_{j≥1} θ_j²: the squared scaled rates of the sources. */
function sourceNorm2(theta: Float64Array): number {
  let s = 0;
  for (let k = 1; k < theta.length; k++) s += theta[k] * theta[k];
  return s;
}

/** The penalised objective of the rates alone (c and B solved): Σ r² + λ·B²·Σ ρ_j². */
function reducedObjective(prob: Problem, theta: Float64Array, lambda: number, rows: readonly number[], u: Float64Array): number {
  basis(prob, theta, rows, u);
  const ridge = lambda * sourceNorm2(theta);
  const { c, B } = linearPart(prob, u, rows, ridge);
  let f = 0;
  for (const p of rows) f += (prob.y[p] - c + B * u[p]) ** 2;
  f += ridge * B * B;
  return Number.isFinite(f) ? f : Infinity;
}

/**
 * Levenberg–Marquardt over the rates θ = [θ_0 = a·max n, ρ_1…ρ_m] with (c, B) solved in closed form at every θ
 * (variable projection, as the exact fits do: it removes the long c–b valley that slows a joint search), θ_0 ≥ 0.
 * Jacobian: Kaufman's, r = y − c + B·u projected off span{1, u}: J_k = −(I − Q)(B·u∘z_k). Returns [c, b, θ…].
 */
function minimise(prob: Problem, lambda: number, startRates: Float64Array, rows?: readonly number[]): Float64Array {
  const { y, z, q } = prob;
  const points = rows ?? Array.from({ length: y.length }, (_, p) => p);
  const N = points.length;
  const u = new Float64Array(y.length);
  let theta = startRates.slice();
  let f = reducedObjective(prob, theta, lambda, points, u);
  let mu = 1e-3;
  // The Jacobian column by column (Jt[k·N + i]): J^T·J is then a table of dot products over contiguous columns.
  const Jt = new Float64Array(q * N);
  // With fewer points than rates (K = 229: ~120 points, 229 rates) the step is solved through an N×N system
  // instead of the q×q one, and J^T·J is never formed: its diagonal is all the damping needs.
  const dual = N < q - 1;
  const JtJ = new Float64Array(dual ? 0 : q * q);
  const g = new Float64Array(q);
  const diagonal = new Float64Array(q);
  const r = new Float64Array(N);
  const Bu = new Float64Array(N);
  const centred = new Float64Array(N);
  for (let iter = 0; iter < 100; iter++) {
    basis(prob, theta, points, u);
    const { c, B } = linearPart(prob, u, points, lambda * sourceNorm2(theta));
    // The penalty on the effects, λ·B²·Σρ², acts on the rates as a ridge of λ·B² (B held, as Kaufman's Jacobian
    // holds c and B).
    const lambdaB = lambda * B * B;
    // Orthonormal basis of span{1, u} over the rows, to project the raw Jacobian's columns.
    let uBar = 0;
    for (const p of points) uBar += u[p];
    uBar /= N;
    let norm2 = 0;
    for (let i = 0; i < N; i++) {
      const p = points[i];
      centred[i] = u[p] - uBar;
      norm2 += centred[i] ** 2;
      r[i] = y[p] - c + B * u[p];
      Bu[i] = -B * u[p];
    }
    for (let k = 0; k < q; k++) {
      const col = k * N;
      let mean = 0;
      let along = 0;
      for (let i = 0; i < N; i++) {
        const v = Bu[i] * z[points[i] * q + k];
        Jt[col + i] = v;
        mean += v;
        along += v * centred[i];
      }
      mean /= N;
      along = norm2 > 0 ? along / norm2 : 0;
      for (let i = 0; i < N; i++) Jt[col + i] -= mean + along * centred[i];
    }
    for (let k = 0; k < q; k++) {
      const ck = k * N;
      let gk = 0;
      let kk = 0;
      for (let i = 0; i < N; i++) {
        gk += Jt[ck + i] * r[i];
        kk += Jt[ck + i] * Jt[ck + i];
      }
      g[k] = gk + (k > 0 ? lambdaB * theta[k] : 0);
      diagonal[k] = kk + (k > 0 ? lambdaB : 0);
      if (!dual) symmetricRow(Jt, N, k, JtJ, q);
    }
    if (!dual) for (let k = 1; k < q; k++) JtJ[k * q + k] += lambdaB;
    const held = theta[0] <= 0 && g[0] > 0;
    let improved = false;
    for (let attempt = 0; attempt < 30; attempt++) {
      // Marquardt's damping: μ times the diagonal of the penalised J^T·J.
      const damping = Float64Array.from(diagonal, (v) => mu * (v + 1e-12));
      const step = dual ? dualStep(Jt, N, q, g, lambdaB, diagonal, damping, held) : primalStep(JtJ, q, g, damping, held);
      if (!step) {
        mu *= 10;
        continue;
      }
      const next = Float64Array.from(theta, (v, k) => v + step[k]);
      if (next[0] < 0) next[0] = 0;
      const fn = reducedObjective(prob, next, lambda, points, u);
      if (fn < f) {
        const relative = (f - fn) / Math.max(f, 1e-300);
        theta = next;
        f = fn;
        mu = Math.max(mu / 3, 1e-12);
        improved = relative > 1e-10;
        break;
      }
      mu *= 4;
    }
    if (!improved) break;
  }
  basis(prob, theta, points, u);
  const { c, B } = linearPart(prob, u, points, lambda * sourceNorm2(theta));
  const x = new Float64Array(q + 2);
  x[0] = c;
  x[1] = Math.log(B);
  x.set(theta, 2);
  return x;
}

/** Row k of J^T·J up to the diagonal, mirrored: JtJ[k][l] = JtJ[l][k] = Σ_i Jt[k][i]·Jt[l][i] (four columns per pass). */
function symmetricRow(Jt: Float64Array, N: number, k: number, JtJ: Float64Array, q: number): void {
  const ck = k * N;
  let l = 0;
  for (; l + 3 <= k; l += 4) {
    const c0 = l * N;
    const c1 = c0 + N;
    const c2 = c1 + N;
    const c3 = c2 + N;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < N; i++) {
      const jk = Jt[ck + i];
      s0 += jk * Jt[c0 + i];
      s1 += jk * Jt[c1 + i];
      s2 += jk * Jt[c2 + i];
      s3 += jk * Jt[c3 + i];
    }
    JtJ[k * q + l] = JtJ[l * q + k] = s0;
    JtJ[k * q + l + 1] = JtJ[(l + 1) * q + k] = s1;
    JtJ[k * q + l + 2] = JtJ[(l + 2) * q + k] = s2;
    JtJ[k * q + l + 3] = JtJ[(l + 3) * q + k] = s3;
  }
  for (; l <= k; l++) {
    const cl = l * N;
    let s = 0;
    for (let i = 0; i < N; i++) s += Jt[ck + i] * Jt[cl + i];
    JtJ[k * q + l] = JtJ[l * q + k] = s;
  }
}

/** The fitted curve at data point p, from x = [c, b, θ_0 = a·max n, θ_1…θ_m = ρ_j]: c − exp(b − Σ_k θ_k z_pk). */
function curveAt(prob: Problem, x: Float64Array, p: number): number {
  let e = x[1];
  for (let k = 0; k < prob.q; k++) e -= x[2 + k] * prob.z[p * prob.q + k];
  return x[0] - Math.exp(e);
}

/** The damped step from the penalised J^T·J (q×q): Cholesky; θ_0 stays where it is when `held` (at its bound). */
export function primalStep(JtJ: Float64Array, q: number, g: Float64Array, damping: Float64Array, held: boolean): Float64Array | null {
  const A = Float64Array.from(JtJ);
  for (let k = 0; k < q; k++) A[k * q + k] += damping[k];
  const rhs = Float64Array.from(g, (v) => -v);
  if (held) {
    for (let l = 0; l < q; l++) A[l] = A[l * q] = 0;
    A[0] = 1;
    rhs[0] = 0;
  }
  const L = choleskyFactor(A, q);
  return L && choleskyApply(L, rhs, q);
}

/**
 * The same step as primalStep when N < q, without forming J^T·J. The rates ρ (k ≥ 1) carry the diagonal
 * D = λ + damping; (J_ρ^T·J_ρ + D)^{-1} is applied by Woodbury's identity, D^{-1} − D^{-1}·J_ρ^T·S^{-1}·J_ρ·D^{-1}
 * with S = I + J_ρ·D^{-1}·J_ρ^T (N×N); θ_0 (unpenalised) is solved from its Schur complement.
 */
export function dualStep(Jt: Float64Array, N: number, q: number, g: Float64Array, lambda: number, diagonal: Float64Array, damping: Float64Array, held: boolean): Float64Array | null {
  const m = q - 1;
  // Y = J_ρ·D^{-1/2}, row-major (N × m): S = I + Y·Y^T.
  const rootD = new Float64Array(m);
  for (let k = 0; k < m; k++) rootD[k] = Math.sqrt(lambda + damping[k + 1]);
  const Y = new Float64Array(N * m);
  for (let k = 0; k < m; k++) {
    const col = (k + 1) * N;
    for (let i = 0; i < N; i++) Y[i * m + k] = Jt[col + i] / rootD[k];
  }
  const S = new Float64Array(N * N);
  for (let i = 0; i < N; i++) symmetricRow(Y, m, i, S, N);
  for (let i = 0; i < N; i++) S[i * N + i] += 1;
  const L = choleskyFactor(S, N);
  if (!L) return null;
  // M^{-1}·v for M = J_ρ^T·J_ρ + D: with w = D^{-1/2}·v, D^{-1/2}·(w − Y^T·S^{-1}·Y·w).
  const solveM = (v: Float64Array): Float64Array => {
    const w = Float64Array.from(v, (x, k) => x / rootD[k]);
    const Yw = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      let t = 0;
      for (let k = 0; k < m; k++) t += Y[i * m + k] * w[k];
      Yw[i] = t;
    }
    const s = choleskyApply(L, Yw, N);
    const out = w;
    for (let i = 0; i < N; i++) for (let k = 0; k < m; k++) out[k] -= Y[i * m + k] * s[i];
    for (let k = 0; k < m; k++) out[k] /= rootD[k];
    return out;
  };
  const rhs = Float64Array.from(g.subarray(1), (v) => -v);
  const step = new Float64Array(q);
  if (held) {
    step.set(solveM(rhs), 1);
    return step;
  }
  // θ_0 by its Schur complement: c = J_ρ^T·j_0 couples it to the rates.
  const coupling = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    let t = 0;
    for (let i = 0; i < N; i++) t += Jt[(k + 1) * N + i] * Jt[i];
    coupling[k] = t;
  }
  const x = solveM(rhs);
  const y = solveM(coupling);
  let cx = 0;
  let cy = 0;
  for (let k = 0; k < m; k++) {
    cx += coupling[k] * x[k];
    cy += coupling[k] * y[k];
  }
  const schur = diagonal[0] + damping[0] - cy;
  if (!(schur > 0)) return null;
  step[0] = (-g[0] - cx) / schur;
  for (let k = 0; k < m; k++) step[k + 1] = x[k] - y[k] * step[0];
  return step;
}

/** Cholesky factor L (lower, row-major) of the symmetric positive definite n×n matrix A; null when A is not. */
function choleskyFactor(A: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  return L;
}

/** x with L·L^T·x = b. */
function choleskyApply(L: Float64Array, b: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const out = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * out[k];
    out[i] = s / L[i * n + i];
  }
  return out;
}

/**
 * The rates to start from, at the null curve: the target's own rate `a` from its EXP3 fit in n alone, every
 * ρ_j = 0 (c and e^b are solved from the rates). A flat EXP3 fit (a = 0, the data never rise in n alone: transfer
 * may be all there is) starts from a·max n = 1 instead, where the curve's shape is defined.
 */
function nullRates(prob: Problem, a: number): Float64Array {
  const theta = new Float64Array(prob.q);
  const scaled = a * prob.scales[0];
  theta[0] = Number.isFinite(scaled) && scaled > 0 ? scaled : 1;
  return theta;
}

function toParams(prob: Problem, x: Float64Array, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = { a: x[2] / prob.scales[0] };
  names.forEach((name, j) => (out[`s_${name}`] = x[3 + j] / prob.scales[1 + j]));
  out.b = x[1];
  out.c = x[0];
  return out;
}

/**
 * The penalised joint fit. `null3` is the target's EXP3 fit in n (its rate a is the start, and σ̂² = its SSE/(N − 3)
 * scales the λ grid); `lambda` fixes the penalty instead of choosing it (the jackknife refits keep the full data's).
 */
export function fitPenalisedJoint(data: CurveData, null3: { a: number; b: number; sse: number }, options: { lambda?: number } = {}): PenalisedJointFit {
  const prob = problemOf(data);
  // The penalty is on the sources' effects at the null curve's amplitude, λ·(B/B₀)²·Σρ_j² (B₀ = e^b of the EXP3 fit):
  // at B = B₀ the ridge on the rates, and a fit cannot shrink the rates by inflating B (docs/methods.md).
  const amplitude2 = Number.isFinite(null3.b) ? Math.exp(2 * null3.b) : 1;
  const onEffects = (l: number) => l / amplitude2;
  const N = data.y.length;
  const names = sourceNamesOf(data);
  const sigma2 = Math.max(null3.sse / Math.max(N - 3, 1), 1e-12);
  const start = nullRates(prob, null3.a);

  let lambda = options.lambda;
  let cvError = Number.NaN;
  if (lambda === undefined) {
    const groups = [...replicateGroups(data).values()];
    if (groups.length < 2) throw new ComputationError(`joint: ${names.length} sources need the penalised fit, whose penalty is chosen by leaving replicates out: the data have ${groups.length} replicate group`);
    const path: { lambda: number; error: number; se: number }[] = [];
    let warm = start;
    // From the strongest penalty down, each fit starting where the previous one ended; the whole grid, because the
    // error can be flat over the strong end (every rate ≈ 0) and fall only past it.
    for (const k of [...PENALTY_EXPONENTS].reverse()) {
      const l = sigma2 * 10 ** k;
      warm = minimise(prob, onEffects(l), warm).subarray(2);
      const perGroup = groups.map((held) => {
        const out = new Set(held);
        const x = minimise(prob, onEffects(l), warm, data.y.flatMap((_, p) => (out.has(p) ? [] : [p])));
        return held.reduce((e, p) => e + (prob.y[p] - curveAt(prob, x, p)) ** 2, 0);
      });
      const G = perGroup.length;
      const error = perGroup.reduce((a, b) => a + b, 0);
      const mean = error / G;
      // The standard error of the summed error over the G held-out replicates.
      const se = Math.sqrt((G * perGroup.reduce((a, b) => a + (b - mean) ** 2, 0)) / Math.max(G - 1, 1));
      path.push({ lambda: l, error, se });
    }
    // The one-standard-error rule (Hastie, Tibshirani & Friedman): the strongest penalty whose error is within one
    // standard error of the smallest. With more rates than points the error curve is flat over a wide range of weak
    // penalties that nearly interpolate the data; the rule keeps the fit that the replicates support.
    const min = path.reduce((b, c) => (c.error < b.error ? c : b));
    const chosen = path.find((c) => c.error <= min.error + min.se)!;
    lambda = chosen.lambda;
    cvError = chosen.error;
  }
  const x = minimise(prob, onEffects(lambda), start);
  const fitted = data.y.map((_, p) => curveAt(prob, x, p));
  const sse = fitted.reduce((s, f, p) => s + (data.y[p] - f) ** 2, 0);
  const params = toParams(prob, x, names);
  const predictAt = (point: CurvePoint) => {
    let e = params.b - params.a * point.n;
    names.forEach((name, j) => (e -= params[`s_${name}`] * (point.nSources?.[j] ?? 0)));
    return params.c - Math.exp(e);
  };
  return { params, sse, fitted, predictAt, penalty: { lambda, sigma2, cvError, criterion: options.lambda === undefined ? 'leave-one-replicate-out' : 'fixed' } };
}
